"""A unit is asked for every quarter since its reporting began (`Unit.reports_since`, the
quarter it was added in unless the office sets another), not only for the last ended one.

A unit that never reported used to be asked for the last ended quarter alone: each quarter
it let pass stopped being asked of it (its Overdue badge, its home page line, the office's
late list and 催报 all moved on with the calendar). "Now" is 16 November 2026, in Q4: the
reports for Q1, Q2 and Q3 are past due (10 April, 10 July, 10 October). Pages in English
(tests/reports/conftest.py)."""

from __future__ import annotations

import importlib
import re
from datetime import date, datetime

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.choices import RoleCode, UnitKind
from departments.duties import waiting_for
from departments.models import AuditEntry, Notification, Unit
from reports import reminders, services
from reports.figures import Period
from reports.models import UnitReport
from tests.factories import UserFactory, unit

NOW = datetime(2026, 11, 16, 10, tzinfo=BEIJING)


def added_on(day: date, code: str) -> Unit:
    """A member unit added to the portal on `day`, with a liaison to remind."""
    with time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=BEIJING)):
        added = Unit.objects.create(
            code=code, kind=UnitKind.MEMBER, name=f"新单位{code[-1]}", name_en=f"New unit {code}"
        )
    UserFactory(username=f"{code}-liaison", unit=added, roles=[RoleCode.UNIT_LIAISON])
    return added


@pytest.fixture
def since_q1(db):
    return added_on(date(2026, 2, 10), "joined-q1")


@pytest.fixture
def since_q3(db):
    return added_on(date(2026, 8, 5), "joined-q3")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def office_rows(client, period: str) -> dict[str, str]:
    page = client.get(reverse("report_list") + f"?period={period}").content.decode()
    return dict(re.findall(r'<tr data-unit="([\w-]+)">(.*?)</tr>', page, re.S))


def overdue_quarters(client, person) -> list[str]:
    client.force_login(person)
    page = client.get(reverse("report_list")).content.decode()
    rows = re.findall(r'<tr data-period="(\d{4}Q\d)">(.*?)</tr>', page, re.S)
    return [period for period, row in rows if ">Overdue<" in row]


def test_a_new_unit_begins_with_the_quarter_it_is_added_in(since_q1, since_q3):
    assert (since_q1.reports_since, since_q3.reports_since) == (date(2026, 1, 1), date(2026, 7, 1))


def test_a_unit_that_never_reports_is_overdue_for_every_quarter_since_it_joined(
    client, since_q1, since_q3
):
    q1_liaison = since_q1.people.get()
    assert overdue_quarters(client, q1_liaison) == ["2026Q3", "2026Q2", "2026Q1"]
    assert overdue_quarters(client, since_q3.people.get()) == ["2026Q3"]


def test_the_home_page_line_counts_every_quarter_since_it_joined(since_q1, since_q3):
    (line,) = [d for d in waiting_for(since_q1.people.get()) if d.key == "report_to_submit"]
    assert (line.label, line.count, line.urgent) == (
        "Quarterly reports to submit (oldest Q1 2026, due 2026-04-10)",
        3,
        True,
    )
    (line,) = [d for d in waiting_for(since_q3.people.get()) if d.key == "report_to_submit"]
    assert (line.label, line.count) == ("Quarterly report for Q3 2026 to submit by 2026-10-10", 1)


def test_the_office_list_marks_it_late_for_each_quarter_since_it_joined(
    client, office_staff, since_q1, since_q3
):
    client.force_login(office_staff)
    for period in ("2026Q1", "2026Q2", "2026Q3"):
        assert ">Overdue<" in office_rows(client, period)["joined-q1"], period
    for period in ("2026Q1", "2026Q2"):
        row = office_rows(client, period)["joined-q3"]
        assert ">Overdue<" not in row and "Not asked for this quarter" in row, period
    assert ">Overdue<" in office_rows(client, "2026Q3")["joined-q3"]
    assert "Not asked for this quarter" in office_rows(client, "2025Q4")["joined-q1"]


def test_the_office_chases_it_for_each_quarter_since_it_joined(office_staff, since_q1, since_q3):
    for quarter in (1, 2, 3):
        result = services.reports_chase(
            acting_user=office_staff, period=Period(2026, quarter), unit_codes=None
        )
        told = {u.code for u in result.told}
        assert "joined-q1" in told, quarter
        assert ("joined-q3" in told) == (quarter == 3), quarter
    assert AuditEntry.objects.filter(action="report.chase", unit=since_q1).count() == 3
    with pytest.raises(services.ReportError, match="not asked"):
        services.reports_chase(
            acting_user=office_staff, period=Period(2026, 2), unit_codes=["joined-q3"]
        )


def test_a_draft_for_the_quarter_under_way_does_not_excuse_the_ended_ones(client, since_q1):
    UnitReport.objects.create(unit=since_q1, year=2026, quarter=4)
    assert overdue_quarters(client, since_q1.people.get()) == ["2026Q3", "2026Q2", "2026Q1"]


def test_a_report_before_the_unit_joined_makes_that_quarter_asked(client, since_q3):
    """Its reporting began with that report, earlier than the office thought: the quarters
    after it are asked too."""
    UnitReport.objects.create(unit=since_q3, year=2026, quarter=1)
    assert overdue_quarters(client, since_q3.people.get()) == ["2026Q3", "2026Q2", "2026Q1"]


def test_the_scheduled_late_notice_skips_a_unit_that_joined_after_the_quarter(db):
    """Q3's late notice goes out on Monday 12 October 2026 (tests/reports/
    test_report_reminders.py); a unit added on 2 October is not asked for Q3."""
    joined = added_on(date(2026, 10, 2), "joined-q4")
    UserFactory(username="housing-liaison", unit=unit("housing"), roles=[RoleCode.UNIT_LIAISON])
    with time_machine.travel(datetime(2026, 10, 12, 8, 30, tzinfo=BEIJING), tick=False):
        reminders.remind_reports_due()
    told = set(Notification.objects.values_list("recipient__unit__code", flat=True))
    assert "housing" in told
    assert joined.code not in told


def test_the_migration_begins_each_unit_at_its_first_report_or_the_last_ended_quarter(db):
    """Every quarter asked before stays asked: a unit that reported from 2025Q2 keeps it; one
    with no report, or a first report later than now, begins with the last ended quarter,
    which was asked of every unit before (and no earlier one: it is not asked retroactively
    for quarters before the portal)."""
    migration = importlib.import_module("departments.migrations.0007_unit_reports_since")
    UnitReport.objects.create(unit=unit("housing"), year=2025, quarter=2)
    UnitReport.objects.create(unit=unit("housing"), year=2026, quarter=3)
    UnitReport.objects.create(unit=unit("finance"), year=2027, quarter=1)
    with time_machine.travel(NOW, tick=False):
        migration.begin_reporting(apps, None)
    since = dict(Unit.objects.values_list("code", "reports_since"))
    assert since["housing"] == date(2025, 4, 1)
    assert since["finance"] == date(2026, 7, 1)
    assert since["court"] == date(2026, 7, 1)
    with time_machine.travel(datetime(2027, 1, 5, 9, tzinfo=BEIJING), tick=False):
        migration.begin_reporting(apps, None)
    assert Unit.objects.get(code="court").reports_since == date(2026, 10, 1)


def test_the_office_sets_when_a_units_reporting_begins_in_the_admin(client, office_director):
    housing = unit("housing")
    client.force_login(office_director)
    url = f"/admin/departments/unit/{housing.id}/change/"
    page = client.get(url).content.decode()
    assert 'name="reports_since"' in page
    assert "asked for a quarterly report for the quarter containing this day" in page
    form = {
        "name": housing.name,
        "full_name": housing.full_name,
        "name_en": housing.name_en,
        "remit": housing.remit,
        "remit_en": housing.remit_en,
        "handles_disputes": "on",
        "sort_order": housing.sort_order,
        "is_active": "on",
        "robot_webhook_url": "",
        "reports_since": "2026-02-15",
        **dict(re.findall(r'name="(duty_contacts-[A-Z_]+)" value="(\d*)"', page)),
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    housing.refresh_from_db()
    assert housing.reports_since == date(2026, 2, 15)
    entry = AuditEntry.objects.get(action="unit.update")
    assert "reports_since" in str(entry.data)
    client.force_login(housing_liaison := UserFactory(unit=housing, roles=[RoleCode.UNIT_LIAISON]))
    assert overdue_quarters(client, housing_liaison) == ["2026Q3", "2026Q2", "2026Q1"]


def test_the_demo_units_began_reporting_with_the_demos_reports(client, settings, office_staff):
    """The demo makes last quarter's orders and a unit's accepted report for it, as if the
    district had begun with that quarter; on a fresh database the units began with the
    quarter the migration ran in, and no other unit was asked for that quarter: nothing
    late on the office's list, no 催报 to show."""
    from io import StringIO

    from django.core.management import call_command

    Unit.objects.update(reports_since=date(2026, 10, 1))
    settings.DEBUG = True
    call_command("load_demo", "--quiet-accounts", stdout=StringIO())
    client.force_login(office_staff)
    found = office_rows(client, "2026Q3")
    assert ">Overdue<" in found["housing"]
    assert ">Overdue<" not in found["market-regulation"]
    assert "Not asked for this quarter" in office_rows(client, "2026Q2")["housing"]


def test_the_district_report_counts_missing_only_the_units_asked_for_the_quarter(
    client, office_staff, since_q1, since_q3
):
    """The office's list says a unit added in Q3 is not asked for Q2; the district report
    for Q2 said it had not submitted, and counted it among the units that should have."""
    from reports import figures, rendering

    # The other units began with 2026Q3 (tests/conftest.py): only the Q1 newcomer is asked.
    q2 = figures.district_figures(Period(2026, 2))
    assert q2["missing_units"] == [since_q1.name]
    assert [row["unit"] for row in q2["submission"] if row["asked"]] == [since_q1.code]
    context = rendering._context(q2)
    assert (context["asked_count"], context["submitted_count"]) == (1, 0)
    statuses = {row["unit_name"]: row["status"] for row in context["submission"]}
    assert statuses[since_q1.name] == "未报送"
    assert statuses[since_q3.name] == "本季度无需报送"
    client.force_login(office_staff)
    page = client.get(reverse("district_report", args=["2026Q2"])).content.decode()
    missing = re.search(r'<ul class="small mb-0" id="missing-units">(.*?)</ul>', page, re.S)
    assert since_q1.name_en in missing.group(1) or since_q1.name in missing.group(1)
    assert since_q3.name not in missing.group(1) and since_q3.name_en not in missing.group(1)
