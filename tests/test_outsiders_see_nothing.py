"""A unit sees only what is its own: every address of the portal, opened by the head of a member
unit that takes part in none of the demo's records, shows none of them.

The sweep walks the URL configuration itself, not a list written by hand, so an address added
later without a check of who may open it fails here until it has one (or is named below as
shared with every unit, with the reason). Each address taking a record is opened with every
record of that kind in the demo data; an address's files with each file of each record. What
must not reach the outsider on any page it may open: the citizens' names, phones and ID
numbers, and the numbers of the orders."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.http import QueryDict
from django.test import Client, override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from complaints import (
    disputes,
    interventions,
    mediation,
    order_exports,
    referrals,
    workflow,
)
from complaints.models import (
    Attachment,
    Dispute,
    Intervention,
    MediationAgreement,
    OrderExport,
    Referral,
    ReferralAttachment,
    WorkOrder,
)
from departments.choices import RoleCode, UnitKind
from departments.models import DutyContact, Notification, Unit, User
from meetings.models import ActionItem, JointMeeting, MeetingStatus
from publicity.choices import ReleaseStatus
from publicity.models import Release
from reports.models import (
    AnnualSummary,
    Campaign,
    EvaluationAttachment,
    ImplementationPlan,
    PlanAttachment,
    ReportAttachment,
    ReportingPeriod,
    SummaryAttachment,
    UnitReport,
    YearEvaluation,
)
from tests.factories import UserFactory, make_order
from wuqing_consumer.language import quarter_key

MD5_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
PDF = "application/pdf"

NOT_SWEPT = re.compile(r"^(admin/|api/|\^api/|i18n/|jsi18n/|healthz|favicon|public/|accounts/)")
"""The admin (its own permission checks, tests/departments/test_admin*), the API (a client's
key, tests/complaints/test_api.py), the public site (public by design) and signing in."""

SHARED_WITH_EVERY_UNIT = {
    # The unit directory: who to call in each unit (tests/departments/test_access.py).
    "units/<slug:code>/": lambda code: True,
    # Joint campaigns are the district's operations, seen by every member unit.
    "campaigns/<int:campaign_id>/": lambda campaign_id: True,
    "campaigns/<int:campaign_id>/summary.pdf": lambda campaign_id: True,
    # A held meeting's minutes and resolutions are the member units' common record.
    "meetings/<int:meeting_id>/": lambda meeting_id: _held(meeting_id),
    "meetings/<int:meeting_id>/minutes.pdf": lambda meeting_id: _held(meeting_id),
    # Evaluations and expert opinions are read by every unit (access.evaluations_visible_to).
    "reports/evaluations/<int:evaluation_id>/files/<int:attachment_id>/": lambda pk: True,
    # A published release is public.
    "releases/<int:release_id>/": lambda release_id: _published(release_id),
}
"""Addresses of records every member unit may open, by what makes a record shared."""


def _held(meeting_id: str) -> bool:
    return JointMeeting.objects.filter(id=meeting_id, status=MeetingStatus.HELD).exists()


def _published(release_id: str) -> bool:
    return Release.objects.filter(id=release_id, status=ReleaseStatus.PUBLISHED).exists()


REFUSED = {403, 404, 405}


def _patterns(resolvers=None, prefix: str = ""):
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and not NOT_SWEPT.match(route):
            yield route


PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return str(tmp_path_factory.mktemp("media"))


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, media_root):
    """The demo data and a record of every kind, once for the module, rolled back at its
    end; their files in a folder of the module's own."""
    with django_db_blocker.unblock():
        loaded = transaction.atomic()
        loaded.__enter__()
        try:
            with override_settings(
                DEBUG=True, PASSWORD_HASHERS=[MD5_HASHER], MEDIA_ROOT=media_root
            ):
                call_command("load_demo", quiet_accounts=True, stdout=io.StringIO())
                _what_the_demo_lacks()
        except BaseException as error:
            loaded.__exit__(type(error), error, error.__traceback__)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        loaded.__exit__(None, None, None)


def _what_the_demo_lacks() -> None:
    """A record of each kind the demo has none of, between the market-regulation bureau and
    other units, with a file where the record takes files."""
    office, mr_staff = (User.objects.get(username=name) for name in ("office", "mr_staff"))
    order = make_order(office, citizen_name="钱女士", citizen_phone="13900001111")
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    lead = referrals.referral_send(
        acting_user=mr_staff, to_unit_code="commerce", title="预付卡卷款", facts="停业"
    )
    _file(ReferralAttachment(referral=lead))
    interventions.intervention_request(
        acting_user=mr_staff, unit_codes=["public-security"], title="燃气泄漏", situation="仍营业"
    )
    disputes.dispute_open(acting_user=mr_staff, order_number=order.number, summary="不属于本局")
    mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        parties="钱女士；某某超市",
        terms="退还货款",
        effective_on=timezone.localdate(),
        scan=SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n", content_type=PDF),
    )
    market_regulation = Unit.objects.get(code="market-regulation")
    year = timezone.localdate().year
    summary = AnnualSummary.objects.create(unit=market_regulation, year=year)
    _file(SummaryAttachment(summary=summary))
    plan = ImplementationPlan.objects.create(unit=market_regulation, year=year)
    _file(PlanAttachment(plan=plan))
    evaluation = YearEvaluation.objects.create(
        year=year,
        kind="third_party",
        title="第三方评估报告",
        author="某评估机构",
        day=date(year, 1, 2),
    )
    _file(EvaluationAttachment(evaluation=evaluation))
    _file(Attachment(order=order))
    # An Excel export of the office's, built: its page and its file are the office's alone.
    export = order_exports.order_export_request(
        acting_user=office, params=QueryDict("tab=all"), language="zh-hans"
    )
    order_exports.order_export_build(export.id)
    ReportingPeriod.objects.get_or_create(
        year=year - 1, quarter=4, defaults={"due_on": date(year, 1, 15)}
    )


def _file(attachment) -> None:
    attachment.original_name, attachment.content_type, attachment.size = "x.pdf", PDF, 9
    attachment.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=True)


@pytest.fixture
def outsider(demo_data, db, settings, media_root):
    settings.DEBUG = False
    settings.MEDIA_ROOT = media_root
    unit = Unit.objects.create(
        code="outsider-bureau", name="区某局", name_en="Outsider Bureau", kind=UnitKind.MEMBER
    )
    return UserFactory(username="outsider_head", unit=unit, roles=[RoleCode.UNIT_HEAD])


def _records() -> dict[str, list[str]]:
    """Values for each parameter name of the URL configuration: every record of the demo."""
    ids = lambda model: [str(pk) for pk in model.objects.values_list("pk", flat=True)]  # noqa: E731
    return {
        "number": list(WorkOrder.objects.values_list("number", flat=True)),
        "referral_id": ids(Referral),
        "dispute_id": ids(Dispute),
        "agreement_id": ids(MediationAgreement),
        "intervention_id": ids(Intervention),
        "report_id": ids(UnitReport),
        "summary_id": ids(AnnualSummary),
        "plan_id": ids(ImplementationPlan),
        "evaluation_id": ids(YearEvaluation),
        "meeting_id": ids(JointMeeting),
        "action_id": ids(ActionItem),
        "release_id": ids(Release),
        "campaign_id": ids(Campaign),
        "contact_id": ids(DutyContact),
        "notification_id": ids(Notification),
        "export_id": ids(OrderExport),
        "code": list(Unit.objects.exclude(code="outsider-bureau").values_list("code", flat=True)),
        "period": [quarter_key(p.year, p.quarter) for p in ReportingPeriod.objects.all()],
        "year": [str(timezone.localdate().year)],
    }


# A record's files, by the parameter naming the record.
FILES = {
    "number": (Attachment, "order__number"),
    "referral_id": (ReferralAttachment, "referral_id"),
    "report_id": (ReportAttachment, "report_id"),
    "summary_id": (SummaryAttachment, "summary_id"),
    "plan_id": (PlanAttachment, "plan_id"),
    "evaluation_id": (EvaluationAttachment, "evaluation_id"),
}


def _paths(route: str, records: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Each address of `route` with the record (its parameter's value) it opens."""
    names = [name for _kind, name in PARAMETER.findall(route)]
    if not names:
        return [("/" + route, "")]
    if "action" in names or "verb" in names:
        return []  # a step is sent, not opened: GET is refused before any record is read
    record = next((n for n in names if n in records and n != "attachment_id"), None)
    if record is None:
        raise LookupError(f"{route}: which records does it open? Add them to _records()")
    paths = []
    for value in records[record]:
        fill = {record: value}
        if "attachment_id" in names:
            model, key = FILES[record]
            for pk in model.objects.filter(**{key: value}).values_list("pk", flat=True):
                paths.append((_filled(route, {**fill, "attachment_id": str(pk)}), value))
            continue
        if "kind" in names:
            for kind in ("pdf", "docx", "xlsx"):
                paths.append((_filled(route, {**fill, "kind": kind}), value))
            continue
        paths.append((_filled(route, fill), value))
    return paths


def _filled(route: str, values: dict[str, str]) -> str:
    return "/" + PARAMETER.sub(lambda m: values[m.group(2)], route)


NOT_IN_THE_DATA = {
    "reports/district/<str:period>/download.<slug:kind>": "no district report is built here",
    "releases/<int:release_id>/pdf/": "a release's PDF is built by the worker, none here",
    "meetings/<int:meeting_id>/minutes.pdf": "only a held meeting has minutes, and every unit "
    "reads those",
}
"""Addresses of what the data does not have, refused to everybody."""


def _control(controls: dict[int, Client], route: str, record: str) -> Client:
    """Who may open the record: its recipient for a notification, a person of the lead unit
    for a campaign's log of work, otherwise the office."""
    if route.startswith("notifications/"):
        person = Notification.objects.get(id=record).recipient
    elif route == "campaigns/<int:campaign_id>/log/":
        lead = Campaign.objects.get(id=record).lead_unit
        person = User.objects.filter(unit=lead, is_active=True).first()
    else:
        person = User.objects.get(username="office")
    if person.id not in controls:
        controls[person.id] = Client()
        controls[person.id].force_login(person)
    return controls[person.id]


def _personal_data() -> set[str]:
    """What identifies the citizens of the demo's orders, and the orders' numbers."""
    found = set(WorkOrder.objects.values_list("number", flat=True))
    for field in ("citizen_name", "citizen_phone", "citizen_id_number"):
        found |= set(WorkOrder.objects.values_list(field, flat=True))
    return {value for value in found if len(value) >= 2}


def test_an_outsider_opens_no_record_of_another_unit(outsider, client):
    """A record page of another unit is refused (403, 404, or 405 for an address that only
    takes a post), unless every unit may open that record; on the pages the outsider may
    open (its lists, the directory, shared records) no citizen and no order of another unit
    shows."""
    client.force_login(outsider)
    records = _records()
    missing = [name for name, values in records.items() if not values]
    assert missing == [], f"no record to open for {missing}"
    personal = _personal_data()
    assert personal, "the demo's orders name no citizen: nothing would be checked"
    controls: dict[int, Client] = {}
    opened, shown, proven, refused, swept = [], [], set(), set(), 0
    for route in _patterns():
        for path, record in _paths(route, records):
            response = client.get(path)
            swept += 1
            if response.status_code in REFUSED:
                if record and response.status_code != 405:
                    refused.add(route)
                    # Refused for want of access, not for a record or file that is not there.
                    if _control(controls, route, record).get(path).status_code in (200, 302):
                        proven.add(route)
                continue
            shared = SHARED_WITH_EVERY_UNIT.get(route)
            if record and not (shared and shared(record)):
                opened.append(f"{response.status_code} {path}")
                continue
            if response.status_code == 200 and not response.streaming:
                body = response.content.decode("utf-8", "replace")
                shown += [f"{path}: {value}" for value in personal if value in body]
    assert swept > 300, swept  # every address, each with every record of its kind
    assert opened == [], "\n".join(opened)
    unproven = refused - proven - set(NOT_IN_THE_DATA)
    assert unproven == set(), "refused, but nobody could open any of them:\n" + "\n".join(
        sorted(unproven)
    )
    assert shown == [], "\n".join(shown)


FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ACTION = re.compile(r'\baction="(/[^"]*)"')
HIDDEN = re.compile(
    r'<input\b(?=[^>]*type="hidden")(?=[^>]*name="([^"]+)")(?=[^>]*value="([^"]*)")'
)


def _steps_offered(records: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """Every form on the record pages the office, the group leader and the market-regulation
    bureau's head open, by where it posts, with its hidden fields (the version shown...)."""
    steps: dict[str, dict[str, str]] = {}
    for username in ("office", "leader", "mr_head"):
        person = Client()
        person.force_login(User.objects.get(username=username))
        for route in _patterns():
            if not PARAMETER.search(route) or re.search(
                r"<\w+:(action|verb|attachment_id|kind)>", route
            ):
                continue
            for path, _record in _paths(route, records):
                response = person.get(path)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                for attributes, inside in FORM.findall(response.content.decode()):
                    if 'method="post"' not in attributes.lower() or not (
                        found := ACTION.search(attributes)
                    ):
                        continue
                    where = html.unescape(found.group(1))
                    if _takes_a_record(where):
                        steps[where] = {
                            name: html.unescape(value) for name, value in HIDDEN.findall(inside)
                        }
    return steps


def _takes_a_record(path: str) -> bool:
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return False
    return any(name not in {"action", "verb"} for name in match.kwargs)


def _rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_an_outsider_takes_no_step_on_another_units_record(outsider, client):
    """Every step offered on another unit's record (each form of its page that posts to an
    address naming the record), sent by the outsider with the form's hidden fields, is
    refused and writes nothing."""
    steps = _steps_offered(_records())
    assert len(steps) > 30, sorted(steps)
    client.force_login(outsider)
    before = _rows()
    taken = []
    for where, hidden in sorted(steps.items()):
        response = client.post(where, hidden)
        if response.status_code not in REFUSED:
            taken.append(f"{response.status_code} {where}")
    assert taken == [], "\n".join(taken)
    after = _rows()
    changed = {label: (n, after[label]) for label, n in before.items() if after[label] != n}
    assert changed == {}, changed
