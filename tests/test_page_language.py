"""Every page a persona can open reads in the language that persona chose: in English no
Chinese of the interface, in Chinese no English words of the interface. What people typed
(order contents, business names, titles) is data and stays as typed; a unit's or a town's
name is not data, it has an English name.

The sweep signs in as each persona of tests/conftest.py over the demo data (`load_demo`),
follows the portal's own links (the admin's too, for those who may use it), asks for the
htmx partials the pages name, sends every form on them empty (so its errors show), opens the
exports, and reads what a person reads: text, the labels of controls and the numbers and
names of the charts."""

from __future__ import annotations

import io
import json
import re
import urllib.parse
import zoneinfo
from html.parser import HTMLParser

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models, transaction
from django.test import override_settings
from django.urls import Resolver404, resolve
from django.utils import timezone

from complaints.filters import RECORD_PREFIXES

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")

# Read as they are in both languages: each language's own name in the switcher, names of
# formats and systems, and the units of measure Django's filesizeformat writes in Chinese too.
BOTH_LANGUAGES = ("简体中文", "中文", "English")
WORDS_OF_BOTH = {
    "PDF",
    "Excel",
    "API",
    "URL",
    "SMS",
    "ID",
    "RSS",
    "Atom",
    "KB",
    "MB",
    "GB",
    "TB",
    "HTTP",
    "HTTPS",
    "JSON",
    "YAML",
    "WeChat",
    "DingTalk",
    # Keys on the keyboard, in Django's own Chinese help of a multiple choice.
    "Control",
    "Command",
    "Mac",
    "IP",
    "LDAP",
    # The name of a Django class in Django's own Chinese message about a tampered form.
    "ManagementForm",
    # Protocols and products, in the scheduler's execution options (django-celery-beat).
    "AMQP",
    "RabbitMQ",
    "Redis",
    "UTC",
}
# Examples of data in a field's help, written as the data is (holiday names and document
# numbers are the State Council's, in Chinese).
DATA_EXAMPLES = ("春节", "国办发明电〔2026〕14号")

# Left as they are, in the admin only, each for a reason:
ADMIN_LEFT = (
    # Django's boolean icons carry alt="True"/"False" and its search icon alt="Search",
    # written in its templates and code without translation.
    "True",
    "False",
    "Search",
    # django-axes names a log row and an unknown agent in English in its code.
    "Access Log for",
    "<unknown>",
    "HTTP Accept",
    # Django names the rows of a many-to-many table (shown when deleting a rule or a person)
    # in the language active when the models were loaded, and in English.
    "Routingrule-unit关系",
    "User-role关系",
    "RoutingRule_co_units object",
    "User_roles object",
    # The hash algorithm of the tests' passwords.
    "md5",
    # Audit summaries and a history row's data name what they record by its code.
    "export:",
    "detail:",
)
# Left as they are on django-celery-beat's pages (the scheduler's tasks and schedules),
# besides ADMIN_LEFT: a time zone is a name (the crontab's field offers them all), a crontab
# is shown as its expression with the library's legend of its five fields (minute/hour/day
# of month/month of year/day of week), a notation like the expression itself, and the
# arguments' help gives examples of JSON.
CELERY_BEAT_LEFT = (
    *sorted(
        {name.replace("_", " ") for name in zoneinfo.available_timezones()},
        key=len,
        reverse=True,
    ),
    "localtime",
    "(m/h/dM/MY/d)",
    '["arg1", "arg2"]',
    '{"argument": "value"}',
)
CELERY_BEAT_PAGES = re.compile(r" /admin/django_celery_beat/")
# Left, the system administrator's alone: Django names permissions (a group's page) in
# English when it creates them, rows rather than messages.
SKIPPED_ADMIN = re.compile(r"^/admin/auth/group/")
HASH_FRAGMENTS = re.compile(r"\w*\*{4,}")

PLACEHOLDERS = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
# A record's number (ZY-2026-000001 a dispute's, YS-… a lead's) reads the same in both
# languages, as an order's stored number does (data); the others are made from the record's
# id, not stored, so the demo's dispute would read as English words without this.
RECORD_NUMBERS = re.compile(rf"\b(?:{'|'.join(RECORD_PREFIXES)})-\d{{4}}-\d{{6}}\b")
CODES = re.compile(r"\b\w*[_.#]\w*(?:[._#-]\w+)*\b")
# A web address (the public pages print their own) reads the same in both languages.
ADDRESSES = re.compile(r"\bhttps?://\S+")

ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-label", "data-hx-confirm"}
TEXT_DATA_ATTRIBUTES = re.compile(r"^data-(attachment|confirm|message|text)")
SKIPPED = re.compile(
    r"^/(static|media|jsi18n|i18n|accounts/logout|admin/logout|api)/|"
    r"\.(pdf|zip|atom|rss|csv|docx?)$|/pdf/$|/download/|/files?/"
)
# Forms that are not sent empty: signing out, the language switch, a search (GET).
NOT_SENT = re.compile(r"^/(accounts/logout|admin/logout|i18n)/")
PAGES_PER_PATTERN = 2
MD5_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


class PageText(HTMLParser):
    """What a person reads on a page: text outside scripts and styles, the labels of
    controls, and the strings of the JSON the charts are drawn from."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.partials: list[tuple[str, str]] = []
        self._skip: list[str] = []
        self._json = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = {k: v or "" for k, v in attrs}
        if tag in ("script", "style"):
            self._skip.append(tag)
            self._json = tag == "script" and values.get("type") == "application/json"
            self._buffer = []
        for name, value in values.items():
            if name in ATTRIBUTES or TEXT_DATA_ATTRIBUTES.match(name):
                self.texts.append(value)
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            self.texts.append(values.get("value", ""))
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "form":
            self.forms.append(
                {
                    "method": values.get("method", "get").lower(),
                    "action": values.get("action", ""),
                }
            )
        for name in ("data-hx-get", "data-hx-post"):
            if values.get(name):
                self.partials.append((name[8:], values[name]))

    def handle_endtag(self, tag):
        if self._skip and tag == self._skip[-1]:
            self._skip.pop()
            if self._json:
                self.texts.extend(_json_strings(json.loads("".join(self._buffer) or "null")))
            self._json = False

    def handle_data(self, data):
        if self._skip:
            if self._json:
                self._buffer.append(data)
            return
        self.texts.append(data)


def _json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [] if value.startswith(("/", "#", "http")) else [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in ("type", "color") for s in _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


# Text kept beside what it was written from is not data: a page shows it in the reader's
# language. Unit and town names have English names.
NOT_DATA = {
    ("departments", "unit"): {"name", "remit"},
    ("departments", "town"): {"name"},
}


def data_strings(*, admin: bool = False) -> list[str]:
    """Every text a person typed (or the hotline sent) into the test data, longest first,
    and the identifiers shown as stored (a callback's event id)."""
    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in (
            "complaints",
            "departments",
            "reports",
            "meetings",
            "publicity",
        ):
            continue
        skipped = (
            set() if admin else NOT_DATA.get((model._meta.app_label, model._meta.model_name), set())
        )
        fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField | models.UUIDField)
            and f.name not in skipped
        ]
        json_fields = [f.name for f in model._meta.get_fields() if isinstance(f, models.JSONField)]
        for row in model.objects.all():
            kept = {name: getattr(row, name) for name in json_fields}
            for name, value in kept.items():
                if name not in ("data", "messages", "summary_message"):
                    found.update(_json_strings(value))
            for name in fields:
                value = getattr(row, name)
                if not value or _written_from_message(name, kept):
                    continue
                found.update(line.strip() for line in str(value).splitlines() if line.strip())
    return sorted(found, key=len, reverse=True)


def _written_from_message(field: str, kept: dict) -> bool:
    if field == "note" and isinstance(kept.get("data"), dict):
        return "note_message" in kept["data"]
    if field == "summary":
        return bool(kept.get("summary_message"))
    return bool(field in ("title", "body") and kept.get("messages"))


def without_data(text: str, data: list[str]) -> str:
    for value in data:
        if value in text:
            if value.isascii():  # a whole word or phrase only, not a piece of a longer one
                text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
            else:
                text = text.replace(value, " ")
    return text


def wrong_language(texts: list[str], language: str, data: list[str]) -> list[str]:
    found = []
    for text in texts:
        text = " ".join(text.split())
        if not text:
            continue
        if text.startswith(("{", "[")) and _is_json(text):
            continue  # a record's data, shown as stored
        # Taking the data out only removes: a text with nothing of the other language in it
        # has nothing left to find (and most texts are such; the data are thousands).
        if not (CJK if language == "en" else WORDS).search(text):
            continue
        # Addresses first: a datum ("1", an audit entry's object id) inside one would cut it.
        rest = ADDRESSES.sub(" ", HASH_FRAGMENTS.sub(" ", text))
        rest = RECORD_NUMBERS.sub(" ", PLACEHOLDERS.sub(" ", without_data(rest, data)))
        if language == "en":
            for word in BOTH_LANGUAGES:
                rest = rest.replace(word, " ")
            if CJK.search(rest):
                found.append(text)
        else:
            words = [w for w in WORDS.findall(CODES.sub(" ", rest)) if w not in WORDS_OF_BOTH]
            if words and not _a_name_of_both(text):
                found.append(text)
    return found


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _a_name_of_both(text: str) -> bool:
    return text in BOTH_LANGUAGES


def pattern_of(path: str) -> str:
    try:
        match = resolve(urllib.parse.urlsplit(path).path)
    except Resolver404:
        return path
    return match.route


class Sweep:
    def __init__(self, client, language: str) -> None:
        self.client = client
        self.language = language
        self.data = data_strings()
        self.admin_data = data_strings(admin=True)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        self.findings: dict[str, list[str]] = {}
        self.seen: set[str] = set()
        self.patterns: dict[str, int] = {}
        self.sent: set[str] = set()

    def read(self, where: str, response) -> PageText | None:
        kind = response.get("Content-Type", "")
        if "spreadsheetml" in kind:
            self.check(where, self.workbook_texts(response))
            return None
        if "html" not in kind:
            return None
        page = PageText()
        page.feed(response.content.decode())
        self.check(where, page.texts)
        return page

    def check(self, where: str, texts: list[str]) -> None:
        admin = " /admin/" in where
        data = [
            *(self.admin_data if admin else self.data),
            *DATA_EXAMPLES,
            *(ADMIN_LEFT if admin else ()),
            *(CELERY_BEAT_LEFT if CELERY_BEAT_PAGES.search(where) else ()),
        ]
        wrong = wrong_language(texts, self.language, sorted(data, key=len, reverse=True))
        if wrong:
            self.findings.setdefault(where, [])
            for text in wrong:
                if text not in self.findings[where]:
                    self.findings[where].append(text)

    @staticmethod
    def workbook_texts(response) -> list[str]:
        book = openpyxl.load_workbook(
            io.BytesIO(
                b"".join(response.streaming_content) if response.streaming else response.content
            )
        )
        return [
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if isinstance(cell, str)
        ] + [sheet.title for sheet in book.worksheets]

    def wanted(self, path: str) -> bool:
        if not path.startswith("/") or path in self.seen or SKIPPED.search(path):
            return False
        if SKIPPED_ADMIN.search(path):
            return False
        key = pattern_of(path)
        admin = path.startswith("/admin/")
        if admin and "?" in path:
            return False  # the same lists sorted or filtered otherwise
        if self.patterns.get(key, 0) >= (1 if admin else PAGES_PER_PATTERN):
            return False
        self.patterns[key] = self.patterns.get(key, 0) + 1
        return True

    def run(self, start: list[str]) -> dict[str, list[str]]:
        queue = list(start)
        while queue:
            path = queue.pop(0)
            if not self.wanted(path):
                continue
            self.seen.add(path)
            response = self.client.get(path)
            if response.status_code != 200:
                continue
            page = self.read(f"GET {path}", response)
            if page is None:
                continue
            for href in page.links:
                queue.append(urllib.parse.urljoin(path, href.split("#")[0]))
            for method, address in page.partials:
                self.partial(method, urllib.parse.urljoin(path, address))
            for form in page.forms:
                if form["method"] == "post":
                    self.send_empty(urllib.parse.urljoin(path, form["action"] or path))
        return self.findings

    def partial(self, method: str, path: str) -> None:
        key = f"{method} {pattern_of(path)}"
        if key in self.sent or SKIPPED.search(path) or NOT_SENT.search(path):
            return
        self.sent.add(key)
        call = self.client.get if method == "get" else self.client.post
        response = call(path, HTTP_HX_REQUEST="true")
        if response.status_code < 500:
            self.read(f"htmx {method.upper()} {path}", response)

    def send_empty(self, path: str) -> None:
        key = f"post {pattern_of(path)}"
        if key in self.sent or NOT_SENT.search(path) or SKIPPED.search(path):
            return
        self.sent.add(key)
        response = self.client.post(path, {}, follow=True)
        if response.status_code < 500:
            self.read(f"POST {path} (empty)", response)


PERSONAS = (
    "sysadmin",
    "leader",
    "office_director",
    "office_staff",
    "mr_head",
    "mr_liaison",
    "mr_staff",
    "housing_staff",
    "anonymous",  # the public pages and the login page
)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module (seconds, which each of the sweeps paid
    again) in a transaction rolled back at the module's end. Each test runs in a savepoint
    inside it (pytest-django's `db`), so what one sweep's empty forms change is undone
    before the next, which starts from the demo data as loaded."""
    with django_db_blocker.unblock():
        loaded = transaction.atomic()
        loaded.__enter__()
        try:
            # load_demo refuses to run in production; the tests' passwords hash the fast way.
            with override_settings(DEBUG=True, PASSWORD_HASHERS=[MD5_HASHER]):
                call_command("load_demo", quiet_accounts=True, stdout=io.StringIO())
        except BaseException as error:
            loaded.__exit__(type(error), error, error.__traceback__)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        loaded.__exit__(None, None, None)


@pytest.fixture
def demo(demo_data, db, settings):
    settings.DEBUG = False  # the portal's own error pages, not Django's debug pages


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_reads_in_the_language_chosen(demo, request, client, persona, language):
    if persona == "anonymous":
        start = ["/public/", "/accounts/login/"]
    else:
        client.force_login(request.getfixturevalue(persona))
        start = ["/", "/orders/export.xlsx", "/admin/"]
    sweep = Sweep(client, language)
    findings = sweep.run(start)

    assert findings == {}, "\n".join(
        f"{where}: {' | '.join(texts)}" for where, texts in sorted(findings.items())
    )


def test_official_documents_are_chinese_throughout_whatever_the_readers_language(demo):
    """PDFs (minutes, releases, the district report, a campaign's summary, the plans'
    register) and the district report's workbook are official Chinese documents: built
    while the portal is used in English, they carry no English words of the interface."""
    from django.utils import translation

    from meetings.minutes import render_minutes_html
    from meetings.models import JointMeeting
    from publicity import rendering as release_rendering
    from publicity.models import Release
    from reports import campaigns, rendering
    from reports.figures import Period, district_figures
    from reports.models import Campaign
    from reports.plan_rendering import render_register_html

    data = [*data_strings(admin=True), *DATA_EXAMPLES]
    documents: dict[str, str] = {}
    with translation.override("en"):
        for meeting in JointMeeting.objects.all():
            documents[f"minutes {meeting.id}"] = render_minutes_html(meeting)
        for release in Release.objects.all():
            documents[f"release {release.id}"] = release_rendering.render_html(release)
        for campaign in Campaign.objects.all():
            documents[f"campaign {campaign.id}"] = rendering.render_campaign_html(
                campaign, sums=campaigns.campaign_sums(campaign), linked_orders=0
            )
        today = timezone.localdate()
        figures = district_figures(Period(today.year, (today.month - 1) // 3 + 1).previous())
        documents["district report"] = rendering.render_html(figures)
        documents["plans register"] = render_register_html(today.year)
        book = openpyxl.load_workbook(io.BytesIO(rendering.build_xlsx(figures)))

    findings = {}
    for name, source in documents.items():
        page = PageText()
        page.feed(source)
        wrong = wrong_language(page.texts, "zh-hans", sorted(data, key=len, reverse=True))
        if wrong:
            findings[name] = wrong
    cells = [c for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r]
    texts = [str(c) for c in cells if isinstance(c, str)] + [s.title for s in book.worksheets]
    if wrong := wrong_language(texts, "zh-hans", sorted(data, key=len, reverse=True)):
        findings["district report workbook"] = wrong

    assert findings == {}
