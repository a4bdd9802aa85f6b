"""The audit trail keeps each entry's summary as written, in the district's language (the
record), and shows it in the reader's: what the system wrote it from is kept next to it.
An entry written before that was kept, or one whose summary a person typed, is shown as
it was stored."""

from __future__ import annotations

import html
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import translation

from complaints import clients
from complaints import services as complaint_services
from complaints.models import RoutingRule
from departments import services
from departments.choices import RoleCode
from departments.models import AuditEntry, Unit, User
from tests.factories import make_order, unit
from tests.helpers import CHINESE

LIST = "/admin/departments/auditentry/"


def shown(client, person, language: str) -> dict[int, str]:
    """Each entry on the audit list, by id, with its summary as the list shows it."""
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(LIST)
    assert page.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", page.content.decode(), flags=re.S)
    summaries = {}
    for row in rows:
        link = re.search(r"/admin/departments/auditentry/(\d+)/change/", row)
        cell = re.search(r'<td class="field-summary">(.*?)</td>', row, flags=re.S)
        if link and cell:
            summaries[int(link.group(1))] = html.unescape(cell.group(1)).strip()
    return summaries


def detail(client, person, language: str, entry: AuditEntry) -> str:
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"{LIST}{entry.id}/change/")
    assert page.status_code == 200
    return html.unescape(page.content.decode())


@pytest.fixture
def rule(db):
    return RoutingRule.objects.create(
        key="prepaid-cards", name="Prepaid cards", primary_unit=unit("commerce")
    )


def test_a_configuration_change_is_shown_in_the_readers_language(client, office_staff, rule):
    created = services.config_changes_audit(acting_user=office_staff, obj=rule, before=None)
    before = services.config_snapshot(RoutingRule, rule.pk)
    RoutingRule.objects.filter(pk=rule.pk).update(priority=5, is_active=False)
    rule.refresh_from_db()
    changed = services.config_changes_audit(acting_user=office_staff, obj=rule, before=before)

    assert created.summary == "已新建派单规则：Prepaid cards"
    english = shown(client, office_staff, "en")
    assert english[created.id] == "Routing rule created: Prepaid cards"
    assert english[changed.id] == "Routing rule changed: Prepaid cards (priority, active)"
    chinese = shown(client, office_staff, "zh-hans")
    assert chinese[created.id] == "已新建派单规则：Prepaid cards"
    assert chinese[changed.id] == AuditEntry.objects.get(id=changed.id).summary
    assert CHINESE.search(chinese[changed.id])


def test_an_account_created_is_shown_in_the_readers_language(client, office_director, office_staff):
    person = User.objects.create_user(username="newbie", unit=unit("housing"))
    person.roles.add(*person.roles.model.objects.filter(code__in=["unit_staff", "unit_liaison"]))
    [entry] = services.user_changes_audit(acting_user=office_director, user=person, before=None)

    assert CHINESE.search(entry.summary)
    assert shown(client, office_staff, "en")[entry.id] == (
        "Account newbie created (Housing and Construction Commission: Unit liaison, Unit staff)"
    )
    assert shown(client, office_staff, "zh-hans")[entry.id] == entry.summary


def test_roles_changed_are_named_in_the_readers_language(client, office_director, office_staff):
    person = User.objects.create_user(username="mover", unit=unit("housing"))
    before = services.user_account(person.id)
    person.roles.add(person.roles.model.objects.get(code=RoleCode.UNIT_HEAD))
    [entry] = services.user_changes_audit(acting_user=office_director, user=person, before=before)

    assert entry.action == "user.roles"
    assert shown(client, office_staff, "en")[entry.id] == ("Roles of mover changed: — → Unit head")


def test_a_change_made_by_a_command_is_shown_in_the_readers_language(
    client, office_staff, monkeypatch
):
    monkeypatch.setattr(services, "os_user", lambda: "deploy")
    clients.api_client_create(name="12345 hotline", command="manage.py create_api_client")
    entry = AuditEntry.objects.get(action="api_client.create")

    assert (
        entry.summary == "12345 hotline（由 manage.py create_api_client 执行，操作系统用户 deploy）"
    )
    assert shown(client, office_staff, "en")[entry.id] == (
        "12345 hotline (by manage.py create_api_client, operating-system user deploy)"
    )
    assert shown(client, office_staff, "zh-hans")[entry.id] == entry.summary


def test_an_old_entry_without_its_source_is_shown_as_stored(client, office_staff):
    old = AuditEntry.objects.create(
        action="routing_rule.create",
        object_type="complaints.routingrule",
        object_id="1",
        summary="已新建派单规则：旧规则",
    )
    assert shown(client, office_staff, "en")[old.id] == "已新建派单规则：旧规则"
    assert shown(client, office_staff, "zh-hans")[old.id] == "已新建派单规则：旧规则"


def test_an_entrys_own_page_shows_its_summary_in_the_readers_language(client, office_staff, rule):
    entry = services.config_changes_audit(acting_user=office_staff, obj=rule, before=None)

    english = detail(client, office_staff, "en", entry)
    assert "Routing rule created: Prepaid cards" in english
    assert "已新建派单规则" not in english
    assert "已新建派单规则：Prepaid cards" in detail(client, office_staff, "zh-hans", entry)


def test_personal_data_shown_or_exported_is_said_in_words_not_codes(client, office_staff):
    first = make_order(office_staff, citizen_phone="13812345678")
    second = make_order(office_staff, citizen_phone="13912345678")
    complaint_services.record_unmasked_view(user=office_staff, orders=[first], where="detail")
    complaint_services.record_unmasked_view(
        user=office_staff, orders=[first, second], where="export"
    )
    detail, export = AuditEntry.objects.filter(action="workorder.view_personal_data").order_by("id")

    english = shown(client, office_staff, "en")
    assert (
        english[detail.id] == f"Citizen's personal data shown on its order's page: {first.number}"
    )
    assert english[export.id] == (
        f"Citizen's personal data exported: {first.number}, {second.number}"
    )
    assert not detail.summary.startswith("detail")
    assert not export.summary.startswith("export")
    assert shown(client, office_staff, "zh-hans")[detail.id] == detail.summary


def test_a_sign_in_cleared_is_shown_in_the_readers_language_with_its_count(client, office_staff):
    attempt = AccessAttempt.objects.create(
        username="zhang",
        ip_address="10.0.0.7",
        user_agent="pytest",
        failures_since_start=2,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
    )
    [entry] = services.signin_unlock(attempt_ids=[attempt.id], acting_user=office_staff)

    assert shown(client, office_staff, "en")[entry.id] == (
        "2 failed sign-ins of zhang from 10.0.0.7 cleared (not locked)"
    )
    assert shown(client, office_staff, "zh-hans")[entry.id] == entry.summary


def test_a_unit_changed_by_someone_reading_english_is_recorded_in_chinese(
    client, office_director, office_staff
):
    housing = unit("housing")
    before = services.config_snapshot(type(housing), housing.pk)
    Unit.objects.filter(pk=housing.pk).update(sort_order=housing.sort_order + 1)
    housing.refresh_from_db()
    with translation.override("en"):
        entry = services.config_changes_audit(
            acting_user=office_director, obj=housing, before=before
        )

    assert "区住房建设委" in entry.summary and "Housing" not in entry.summary
    assert shown(client, office_staff, "en")[entry.id] == (
        "Unit changed: Housing and Construction Commission (display order)"
    )
    assert shown(client, office_staff, "zh-hans")[entry.id] == entry.summary
