"""A unit's own list of quarters says which quarters it is not asked for.

It used to read "Not started" beside a primary "Start the report" for every quarter of the
year, so a unit added in Q3 (as the demo's late-comers are) saw Q1 and Q2 as work waiting
for it, while its home page, the office's list and 催报 did not count them; and a unit that
stopped reporting was offered a report the service then refused. "Now" is 16 November 2026
(Q4); pages in English (tests/reports/conftest.py)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.models import Unit
from tests.reports.test_reports_since import added_on

NOW = datetime(2026, 11, 16, 10, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def rows(client, person) -> dict[str, str]:
    client.force_login(person)
    page = client.get(reverse("report_list")).content.decode()
    return dict(re.findall(r'<tr data-period="(\d{4}Q\d)">(.*?)</tr>', page, re.S))


def status(row: str) -> str:
    cell = re.search(r'data-label="Status">(.*?)</td>', row, re.S).group(1)
    return re.sub(r"<[^>]+>", "", cell).strip()


def test_quarters_before_a_unit_began_reporting_read_not_asked(client, db):
    joined = added_on(date(2026, 8, 5), "joined-q3")
    quarters = rows(client, joined.people.get())
    assert {period: status(quarters[period]) for period in quarters if "2026" in period} == {
        "2026Q4": "Not started",
        "2026Q3": "Not started",
        "2026Q2": "Not asked for this quarter",
        "2026Q1": "Not asked for this quarter",
    }
    assert status(quarters["2025Q4"]) == "Not asked for this quarter"
    # It may still write one (a report before it joined makes the quarter asked), but
    # the quarter is not held out as its work: no primary button.
    assert 'class="btn btn-sm btn-primary" type="submit" id="start-2026Q3"' in quarters["2026Q3"]
    assert 'id="start-2026Q2"' in quarters["2026Q2"]
    assert "btn-primary" not in quarters["2026Q2"]


def test_a_unit_that_stopped_reporting_is_not_offered_a_report_it_would_be_refused(client, db):
    joined = added_on(date(2026, 2, 10), "joined-q1")
    with time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=BEIJING), tick=False):
        joined.is_active = False
        joined.save()
    assert Unit.objects.get(id=joined.id).reports_until == date(2026, 8, 20)
    quarters = rows(client, joined.people.get())
    assert status(quarters["2026Q2"]) == "Not started"
    assert 'id="start-2026Q2"' in quarters["2026Q2"]
    for period in ("2026Q3", "2026Q4"):
        assert status(quarters[period]) == "Not asked for this quarter"
        assert "start-" not in quarters[period]
