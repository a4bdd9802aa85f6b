"""A unit's own list of quarters lists the quarters it is asked for, and those it has a report for.

It used to read "Not started" beside a primary "Start the report" for every quarter of the
year, so a unit added in Q3 (as the demo's late-comers are) saw Q1 and Q2 as work waiting
for it, while its home page, the office's list and 催报 did not count them; and a unit that
stopped reporting was offered a report the service then refused. Then each quarter before
it began read "Not asked for this quarter" with its own button: six for a unit added in
Q3, above the district reports. Now those quarters are one select under the list.
"Now" is 16 November 2026 (Q4); pages in English (tests/reports/conftest.py)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.models import Unit
from reports.models import UnitReport
from tests.reports.test_reports_since import added_on

NOW = datetime(2026, 11, 16, 10, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def page(client, person, query: str = "") -> str:
    client.force_login(person)
    return client.get(reverse("report_list") + query).content.decode()


def rows(client, person, query: str = "") -> dict[str, str]:
    return dict(
        re.findall(r'<tr data-period="(\d{4}Q\d)">(.*?)</tr>', page(client, person, query), re.S)
    )


def status(row: str) -> str:
    cell = re.search(r'data-label="Status">(.*?)</td>', row, re.S).group(1)
    return re.sub(r"<[^>]+>", "", cell).strip()


def earlier_offered(html: str) -> list[str]:
    """The quarters in the one control for a report before the unit's reporting began."""
    found = re.search(r'<details id="earlier-quarter">(.*?)</details>', html, re.S)
    if found is None:
        return []
    return re.findall(r'<option value="(\d{4}Q\d)"', found.group(1))


def test_quarters_before_a_unit_began_reporting_are_offered_under_the_list_not_in_it(client, db):
    joined = added_on(date(2026, 8, 5), "joined-q3")
    html = page(client, joined.people.get())
    quarters = rows(client, joined.people.get())
    assert {period: status(row) for period, row in quarters.items()} == {
        "2026Q4": "Not started",
        "2026Q3": "Not started",
    }
    assert 'class="btn btn-sm btn-primary" type="submit" id="start-2026Q3"' in quarters["2026Q3"]
    # It may still write one (a report before it joined makes the quarter asked), from one
    # small control: one button, not one per quarter.
    assert earlier_offered(html) == ["2026Q2", "2026Q1", "2025Q4", "2025Q3", "2025Q2", "2025Q1"]
    assert html.count("Start the report<") == 3
    assert "Not asked for this quarter" not in html


def test_a_report_started_from_the_control_lists_its_quarter_and_those_after_it(client, db):
    joined = added_on(date(2026, 8, 5), "joined-q3")
    liaison = joined.people.get()
    client.force_login(liaison)
    answer = client.post(reverse("report_start"), {"period": "2026Q1"})
    report = UnitReport.objects.get(unit=joined)
    assert (report.year, report.quarter) == (2026, 1)
    assert answer.url == reverse("unit_report", args=[report.id])
    html = page(client, liaison)
    assert list(rows(client, liaison)) == ["2026Q4", "2026Q3", "2026Q2", "2026Q1"]
    assert earlier_offered(html) == ["2025Q4", "2025Q3", "2025Q2", "2025Q1"]


def test_a_quarter_asked_for_by_name_is_shown_even_when_not_asked(client, db):
    joined = added_on(date(2026, 8, 5), "joined-q3")
    liaison = joined.people.get()
    quarters = rows(client, liaison, "?period=2026Q2")
    assert list(quarters) == ["2026Q2"]
    assert status(quarters["2026Q2"]) == "Not asked for this quarter"
    assert 'id="start-2026Q2"' in quarters["2026Q2"]
    assert "btn-primary" not in quarters["2026Q2"]
    assert earlier_offered(page(client, liaison, "?period=2026Q2")) == []
    assert list(rows(client, liaison, "?show=to_submit")) == ["2026Q3"]
    assert earlier_offered(page(client, liaison, "?show=to_submit")) == []


def test_a_unit_that_stopped_reporting_is_not_offered_a_report_it_would_be_refused(client, db):
    joined = added_on(date(2026, 2, 10), "joined-q1")
    with time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=BEIJING), tick=False):
        joined.is_active = False
        joined.save()
    assert Unit.objects.get(id=joined.id).reports_until == date(2026, 8, 20)
    liaison = joined.people.get()
    quarters = rows(client, liaison)
    assert list(quarters) == ["2026Q2", "2026Q1"]
    assert status(quarters["2026Q2"]) == "Not started"
    assert 'id="start-2026Q2"' in quarters["2026Q2"]
    assert earlier_offered(page(client, liaison)) == ["2025Q4", "2025Q3", "2025Q2", "2025Q1"]
    # A report it already has for a quarter after it stopped stays listed.
    UnitReport.objects.create(unit=joined, year=2026, quarter=3)
    quarters = rows(client, liaison)
    assert list(quarters) == ["2026Q3", "2026Q2", "2026Q1"]
    assert "start-" not in quarters["2026Q3"]


def test_a_report_for_an_earlier_quarter_is_started_after_asking_first(client, db):
    """Its quarter, and every one after it, become asked of the unit: the small print said
    so, and one click on the button did it."""
    joined = added_on(date(2026, 8, 5), "joined-q3")
    html = page(client, joined.people.get())
    control = re.search(r'<details id="earlier-quarter">(.*?)</details>', html, re.S).group(1)
    form = re.search(r"<form[^>]*>", control).group(0)
    assert (
        'data-confirm="Start a report for the quarter chosen? That quarter, and each one after '
        'it, will then be asked of your unit."'
    ) in form
