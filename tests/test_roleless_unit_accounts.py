"""An account of a member unit that holds no role in it (a newcomer before the office names
their role, someone whose role was taken away) reads what its unit reads, but takes no step:
the roles decide who signs, handles, submits, answers (departments/access.py). No page offers
it a step's form, and every step it sends is refused and writes nothing.

The steps are found as tests/test_outsiders_see_nothing.py finds them, from the URL
configuration and the pages themselves, not from a list written by hand: every form posting
somewhere that the head of the Market Regulation Bureau (the unit owning the demo's records)
is shown on any page, filled in as a person would (each button that posts elsewhere,
`formaction`, is a step of its own). Each is sent by a roleless account of that unit and
must be refused with nothing written, while the head's sending of the very same form must
write something, where it does, so the sweep is known to reach the step. Every address of
the URL configuration that takes a post and is offered on no page is sent an empty post.

What a roleless account may post: signing in and out, its own password, language and
notification settings, marking its notifications read, the hotline's API (its own key, not
an account), the routing previews (they write nothing) and an Excel export of the order list
(it reads what the list shows the account; the export is its own, queued for a worker)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.messages import constants, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from complaints.choices import Kind
from complaints.models import WorkOrder
from departments.models import Unit, User
from tests.factories import UserFactory
from tests.test_outsiders_see_nothing import (  # noqa: F401 (fixtures)
    REFUSED,
    _paths,
    _patterns,
    _records,
    demo_data,
    media_root,
)

ALLOWED = {
    "login",
    "logout",
    "password_change",
    "set_language",
    "notification_settings",
    "notification_mark_all_read",
    "hotline-work-order-list",
    "hotline-work-order-detail",
    "hotline-work-order-satisfaction",
    "order_route_preview",
    "routing-preview",
    "order_export_create",
}
"""What a roleless account may post, by URL name (see the module's docstring)."""

NOT_A_STEP = ("admin/", "jsi18n/", "healthz", "favicon", "public/", "api/v1/schema/")
"""Not swept by empty posts: the admin (it refuses an account without a role, which no role
lets in: tests/departments/test_admin*) and what answers GET only."""

NOT_PROVEN = {
    ("release_new", None): "a violators' list needs its kind chosen, the first is a warning",
    ("dispute_act", "conclude"): "the demo's joint team still has a task open",
}
"""Steps offered to the head whose form, filled in by guess, the head's post refuses too:
sent by the roleless account all the same, but not known to be reached."""

NOISE = {"django_session"}
"""Tables a request writes whatever it does: the session (messages are kept in it)."""


@pytest.fixture
def people(demo_data, db, settings, media_root):  # noqa: F811 (fixtures imported above)
    # demo_data before db: its transaction must hold the test's, not be held by it (asked
    # for inside the test's transaction, the demo data was rolled back with the first test
    # and the module's next test found none).
    settings.DEBUG = False
    settings.MEDIA_ROOT = media_root
    unit = Unit.objects.get(code="market-regulation")
    roleless = UserFactory(username="mr_roleless", unit=unit, roles=[])
    head = User.objects.get(username="mr_head")
    clients = {}
    for name, person in (("roleless", roleless), ("head", head)):
        clients[name] = Client()
        clients[name].force_login(person)
    return clients


class _Forms(HTMLParser):
    """The forms of a page: method, action, fields (tag, type, attributes, text) and
    submit buttons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._open: dict | None = None  # the select or textarea being read

    def handle_starttag(self, tag, attrs):
        a = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self._form = {
                "method": a.get("method", "get").lower(),
                "action": a.get("action"),
                "enctype": a.get("enctype", ""),
                "fields": [],
                "buttons": [],
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                self._form["buttons"].append(a)
            elif kind not in ("button", "reset") and a.get("name") and "disabled" not in a:
                self._form["fields"].append({"tag": "input", "type": kind, "a": a})
        elif tag == "button":
            if a.get("type", "submit").lower() == "submit":
                self._form["buttons"].append(a)
        elif tag in ("select", "textarea") and a.get("name") and "disabled" not in a:
            self._open = {"tag": tag, "type": tag, "a": a, "options": [], "text": ""}
            self._form["fields"].append(self._open)
        elif tag == "option" and self._open is not None and self._open["tag"] == "select":
            self._open["options"].append(a)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag in ("select", "textarea"):
            self._open = None

    def handle_data(self, data):
        if self._open is not None and self._open["tag"] == "textarea":
            self._open["text"] += data


def _filled(form: dict, guesses: dict[str, str]) -> tuple[dict, dict]:
    """What a person sends: each field as shown, an empty one filled in plausibly (by its
    type, or by its name in `guesses`)."""
    data: dict[str, list[str]] = {}
    files: dict[str, bytes] = {}
    radios_set: set[str] = set()
    unchecked: dict[str, str] = {}  # a group of boxes none of which is ticked: its first
    today = timezone.localdate().isoformat()
    typed = {
        "date": today,
        "datetime-local": f"{today}T10:00",
        "time": "10:00",
        "number": "1",
        "email": "someone@example.com",
        "tel": "13900001234",
        "url": "https://example.com/",
    }
    for field in form["fields"]:
        a, kind, name = field["a"], field["type"], field["a"]["name"]
        if kind == "file":
            files[name] = b"%PDF-1.4\n"
        elif kind == "checkbox":
            if "checked" in a:
                data.setdefault(name, []).append(a.get("value", "on"))
            else:
                unchecked.setdefault(name, a.get("value", "on"))
        elif kind == "radio":
            if "checked" in a or name not in radios_set:
                data[name] = [a.get("value", "on")]
                if "checked" in a:
                    radios_set.add(name)
        elif kind == "password":
            continue
        elif kind == "select":
            options = field["options"]
            chosen = [o for o in options if "selected" in o and o.get("value")] or [
                o for o in options if o.get("value")
            ][:1]
            data[name] = [chosen[0].get("value", "")] if chosen else [""]
        elif kind == "textarea":
            data[name] = [field["text"].strip() or "已按要求办理完毕。"]
        elif kind == "hidden" or a.get("value"):
            data[name] = [a.get("value", "")]
        else:
            data[name] = [guesses.get(name) or typed.get(kind, "测试")]
    for name, value in unchecked.items():
        data.setdefault(name, [value])
    return data, files


def _name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).url_name
    except Resolver404:
        return None


def _steps_on(page: str, body: str, guesses: dict[str, str] | None = None) -> list[dict]:
    """The steps a page offers: each POST form, once per button posting elsewhere."""
    parser = _Forms()
    parser.feed(body)
    steps = []
    for form in parser.forms:
        if form["method"] != "post":
            continue
        data, files = _filled(form, guesses or {})
        default = form["action"] or page
        buttons = form["buttons"] or [{}]
        for button in buttons:
            where = button.get("formaction") or default
            if not where.startswith("/"):
                continue
            sent = {k: list(v) for k, v in data.items()}
            if button.get("name"):
                sent[button["name"]] = [button.get("value", "")]
            steps.append({"where": where, "data": sent, "files": files, "page": page})
    return steps


def _is_step(where: str) -> bool:
    return _name(where) not in ALLOWED


DOWNLOAD = re.compile(r"<\w+:(attachment_id|kind)>|\.(pdf|xlsx|zip|atom|rss)$|scan/$")
"""Files, not pages: they offer no form."""


def _guesses() -> dict[str, str]:
    """What a person types where the form shows nothing, by the field's name: the number of
    a work order the unit has signed for (a complaint: mediation settles one), a phone, an
    amount of money."""
    order = (
        WorkOrder.objects.filter(
            primary_unit__code="market-regulation", kind=Kind.COMPLAINT, signed_at__isnull=False
        )
        .order_by("id")
        .first()
    )
    return {"order": order.number, "phone": "022-82001234", "amount": "500"}


def _pages_and_steps(client: Client) -> tuple[list[str], dict[tuple, dict]]:
    """The pages `client` opens (every address of the URL configuration with every record
    of the demo) and the steps they offer: one of each kind (where it posts, less the
    record, and what it sends), the first page offering it."""
    records, guesses = _records(), _guesses()
    pages, steps = [], {}
    for route in _patterns():
        if DOWNLOAD.search(route):
            continue
        for path, _record in _paths(route, records):
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages.append(path)
            for step in _steps_on(path, response.content.decode(), guesses):
                if _is_step(step["where"]):
                    match = resolve(urlsplit(step["where"]).path)
                    verb = match.kwargs.get("action") or match.kwargs.get("verb")
                    key = (match.url_name, verb, tuple(sorted(step["data"])))
                    steps.setdefault(key, step)
    return pages, steps


def _fingerprint() -> dict[str, tuple[int, str]]:
    """Each table's rows and a digest of what they hold."""
    tables = sorted(set(connection.introspection.table_names()) - NOISE)
    query = " UNION ALL ".join(
        f"SELECT '{table}', count(*), md5(coalesce(string_agg(md5(t::text), '' "
        f"ORDER BY md5(t::text)), '')) FROM {connection.ops.quote_name(table)} t"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before if before[table] != after[table])


def _send(client: Client, step: dict):
    """Post the step, undone afterwards: what it wrote, and the answer."""
    data = dict(step["data"])
    for name, content in step["files"].items():
        data[name] = SimpleUploadedFile("x.pdf", content, content_type="application/pdf")
    with transaction.atomic():
        before = _fingerprint()
        response = client.post(step["where"], data)
        changed = _changed(before, _fingerprint())
        transaction.set_rollback(True)
    return response, changed


def _refused(response) -> bool:
    """Refused: 403, 404, 405, a form sent back (400), or a message of refusal."""
    if response.status_code in REFUSED or response.status_code == 400:
        return True
    return any(m.level >= constants.ERROR for m in get_messages(response.wsgi_request))


def test_no_page_offers_a_roleless_account_a_step(people):
    """Of every page the unit's head opens, the ones a roleless account of the unit opens
    too show it no form of a step."""
    head_pages, head_steps = _pages_and_steps(people["head"])
    assert len(head_pages) > 50 and len(head_steps) > 20, (len(head_pages), len(head_steps))
    offered = []
    for path in head_pages:
        response = people["roleless"].get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        offered += [
            f"{path} -> {step['where']}"
            for step in _steps_on(path, response.content.decode())
            if _is_step(step["where"])
        ]
    assert offered == [], "\n".join(offered)


def _routes(resolvers=None, prefix: str = ""):
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and not route.startswith(NOT_A_STEP):
            yield route, entry.name


def _addresses(route: str, name: str, records: dict[str, list[str]]) -> list[str]:
    """Addresses of `route` to post to: with each record of the demo for the pages' routes,
    by reverse() for the API's (its routes are regular expressions)."""
    if "(?P<" in route or route.startswith("^") or "/^" in route:
        kwargs = {
            "unit-detail": {"code": "market-regulation"},
            "referral-detail": {"pk": (records["referral_id"] or ["1"])[0]},
            "dispute-detail": {"pk": (records["dispute_id"] or ["1"])[0]},
        }
        return [reverse(name, kwargs=kwargs.get(name))] if name else []
    return [path for path, _record in _paths(route, records)]


def test_a_roleless_account_takes_no_step(people):
    """Every step offered to the unit's head, sent by a roleless account of the unit, is
    refused and writes nothing; the head's sending of it writes something (but for those in
    NOT_PROVEN). Every other address taking a post, sent an empty one, writes nothing."""
    _pages, steps = _pages_and_steps(people["head"])
    taken, proven = [], set()
    for step in steps.values():
        response, changed = _send(people["roleless"], step)
        if changed or not _refused(response):
            taken.append(f"{response.status_code} {step['where']} (from {step['page']}) {changed}")
        if _send(people["head"], step)[1]:
            proven.add(step["where"])
    assert taken == [], "\n".join(taken)
    # The sweep reaches the steps: each the head sends as filled in writes something, but
    # for the few whose form no guess fills in rightly.
    unproven = {key[:2] for key, step in steps.items() if step["where"] not in proven}
    assert unproven <= set(NOT_PROVEN), sorted(unproven)
    # Every address that takes a post and is offered on no page: an empty post.
    offered = {resolve(urlsplit(s["where"]).path).route for s in steps.values()}
    records = _records()
    empty = []
    for route, name in _routes():
        if name in ALLOWED or route in offered:
            continue
        paths = _addresses(route, name, records)
        for path in paths[:3]:
            response, changed = _send(people["roleless"], {"where": path, "data": {}, "files": {}})
            if changed or response.status_code >= 500:
                empty.append(f"{response.status_code} {path} {changed}")
    assert empty == [], "\n".join(empty)
