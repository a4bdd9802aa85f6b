"""The office's quarterly list follows the rule of the unit's own list and home page
(`figures.first_asked`): a unit is asked for the quarters from its reporting's beginning
(`Unit.reports_since`; 2026Q3 for the test database's units, tests/conftest.py) or its first
report if earlier, so an earlier quarter is not late for it: no Overdue badge, not in the
count of units asked, and no 催报. "Now" is 20 October 2026 (Q3 due on 10 October). Pages
read in English (tests/reports/conftest.py)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from departments.models import Notification
from reports import services
from reports.choices import ReportStatus
from reports.figures import Period, member_units
from reports.models import UnitReport
from tests.factories import UserFactory, unit

Q2 = Period(2026, 2)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def units(db, mr_liaison, housing_head):
    """Market regulation began with a Q3 draft; housing has no report (asked from Q3, when
    its reporting began); education reported from Q1 and has no Q2 report: only it is late
    for Q2."""
    UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_LIAISON])
    UnitReport.objects.create(unit=unit("market-regulation"), year=2026, quarter=3)
    UnitReport.objects.create(
        unit=unit("education"), year=2026, quarter=1, status=ReportStatus.ACCEPTED
    )


def rows(page: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-unit="([\w-]+)">(.*?)</tr>', page, re.S))


def test_the_office_list_marks_late_only_the_units_asked_for_the_quarter(
    client, units, office_staff
):
    client.force_login(office_staff)
    page = client.get(reverse("report_list") + "?period=2026Q2").content.decode()
    found = rows(page)
    late = {code for code, row in found.items() if ">Overdue<" in row}
    assert late == {"education"}
    assert "Not asked for this quarter" in found["market-regulation"]
    assert "Not asked for this quarter" in found["housing"]
    assert 'id="chase-market-regulation"' not in page and 'id="chase-education"' in page
    assert "0 of 1 unit has submitted" in page
    q3 = client.get(reverse("report_list") + "?period=2026Q3").content.decode()
    assert f"0 of {len(member_units())} units have submitted" in q3


def test_no_chase_for_a_quarter_before_a_unit_began(units, office_staff):
    with pytest.raises(services.ReportError, match="not asked"):
        services.reports_chase(acting_user=office_staff, period=Q2, unit_codes=["housing"])
    result = services.reports_chase(acting_user=office_staff, period=Q2, unit_codes=None)
    assert [u.code for u in result.told] == ["education"]
    refused = {u.code for u, _why in result.refused}
    assert not refused & {"market-regulation", "housing"}
    assert not Notification.objects.filter(recipient__unit__code="housing").exists()


def test_a_draft_for_the_current_quarter_does_not_excuse_the_last_ended_one(
    client, units, office_staff, housing_head
):
    """A unit with no report yet is asked for the ended quarter its reporting began in;
    starting the current quarter's draft early once made that draft its first report, and
    the quarter before was no longer asked of it: no Overdue, no 催报, no line on its home
    page."""
    UnitReport.objects.create(unit=unit("housing"), year=2026, quarter=4)
    client.force_login(office_staff)
    found = rows(client.get(reverse("report_list") + "?period=2026Q3").content.decode())
    assert ">Overdue<" in found["housing"]
    result = services.reports_chase(
        acting_user=office_staff, period=Period(2026, 3), unit_codes=["housing"]
    )
    assert [u.code for u in result.told] == ["housing"]
    client.force_login(housing_head)
    listed = client.get(reverse("report_list")).content.decode()
    q3_row = listed.split('<tr data-period="2026Q3">', 1)[1].split("</tr>", 1)[0]
    assert ">Overdue<" in q3_row
    home = client.get(reverse("home")).content.decode()
    assert "2026Q3" in home


def test_a_quarter_no_unit_was_asked_for_says_so_in_a_sentence_of_its_own(
    client, units, office_staff
):
    """Before any unit began reporting the line read "0 of 0 units have submitted"."""
    client.force_login(office_staff)
    page = client.get(reverse("report_list") + "?period=2025Q4").content.decode()
    assert not [row for row in rows(page).values() if "Not asked for this quarter" not in row]
    assert "Due on 2026-01-12 · No unit is asked for a report for this quarter." in page
    assert "0 of 0" not in page
    q2 = client.get(reverse("report_list") + "?period=2026Q2").content.decode()
    assert "0 of 1 unit has submitted" in q2
