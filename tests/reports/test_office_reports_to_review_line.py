"""The office's "Waiting for you" counts the member units' quarterly reports submitted and
not yet reviewed, a line per quarter opening its list of the quarter showing those units
alone, where each has its Review button. Pages read in English (tests/reports/conftest.py)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments import duties
from departments.models import Unit
from reports.choices import ReportStatus
from reports.figures import member_units
from reports.models import UnitReport
from tests.factories import unit

TO_REVIEW = "reports_to_review"
NOW = datetime(2026, 10, 20, 10, tzinfo=BEIJING)


def review_lines(user):
    return [d for d in duties.waiting_for(user, NOW) if d.key == TO_REVIEW]


def listed(client, url) -> set[str]:
    page = client.get(url.replace("&amp;", "&")).content.decode()
    return set(re.findall(r'<tr data-unit="([^"]+)"', page))


@pytest.fixture
def submitted(db):
    """2026Q3: market regulation's and commerce's reports wait for review, housing's was
    accepted, education's is a draft; 2026Q2: housing's waits, education's was returned."""
    for code, year, quarter, status in (
        ("market-regulation", 2026, 3, ReportStatus.SUBMITTED),
        ("commerce", 2026, 3, ReportStatus.SUBMITTED),
        ("housing", 2026, 3, ReportStatus.ACCEPTED),
        ("education", 2026, 3, ReportStatus.DRAFT),
        ("housing", 2026, 2, ReportStatus.SUBMITTED),
        ("education", 2026, 2, ReportStatus.RETURNED),
    ):
        UnitReport.objects.create(unit=unit(code), year=year, quarter=quarter, status=status)


def test_each_quarter_with_reports_to_review_is_a_line_listing_what_it_counts(
    client, office_staff, submitted
):
    """One line for every quarter counted 3 and opened the whole list of 2026Q2, the
    oldest, where one report was waiting among all the units: the officer clicking "3"
    found one Review button and no way to 2026Q3's two but the quarter picker. Now each
    quarter has its line, newest first, and each line's count is the rows its link lists,
    each with its Review button."""
    assert [(d.label, d.count, d.urgent, d.url) for d in review_lines(office_staff)] == [
        (
            "Quarterly reports to review for Q3 2026",
            2,
            False,
            reverse("report_list") + "?period=2026Q3&show=to_review",
        ),
        (
            "Quarterly report to review for Q2 2026",
            1,
            False,
            reverse("report_list") + "?period=2026Q2&show=to_review",
        ),
    ]
    with time_machine.travel(NOW, tick=False):
        client.force_login(office_staff)
        home = client.get(reverse("home")).content.decode()
        shown = re.findall(
            rf'href="([^"]+)" data-duty="{TO_REVIEW}"><span class="badge[^"]*">(\d+)<', home
        )
        assert [int(count) for _url, count in shown] == [2, 1]
        for url, count in shown:
            page = client.get(url.replace("&amp;", "&")).content.decode()
            assert len(re.findall(r'<tr data-unit="', page)) == int(count), url
            assert page.count(">Review<span") == int(count), url
        assert listed(client, shown[0][0]) == {"market-regulation", "commerce"}
        assert listed(client, shown[1][0]) == {"housing"}


def test_the_list_of_reports_to_review_says_so_and_leads_to_every_unit(
    client, office_staff, submitted
):
    with time_machine.travel(NOW, tick=False):
        client.force_login(office_staff)
        page = client.get(reverse("report_list") + "?period=2026Q3&show=to_review")
        empty = client.get(reverse("report_list") + "?period=2026Q1&show=to_review")
    text = page.content.decode()
    assert "Showing only the units whose report for Q3 2026 is waiting for review." in text
    assert f'href="{reverse("report_list")}?period=2026Q3" id="show-every-unit"' in text
    assert '<input type="hidden" name="show" value="to_review">' in text
    assert empty.status_code == 200
    assert not re.findall(r'<tr data-unit="', empty.content.decode())
    assert "No unit's report for Q1 2026 is waiting for review." in empty.content.decode().replace(
        "&#x27;", "'"
    )


def test_a_unit_that_stopped_reporting_before_the_quarter_is_not_counted(
    client, office_staff, submitted
):
    """The quarter's list shows the units reporting on any day from its first; a report
    left waiting by a unit that stopped before it is not among its rows, so not counted."""
    Unit.objects.filter(code="commerce").update(is_active=False, reports_until=date(2026, 6, 30))
    Unit.objects.filter(code="housing").update(is_active=False, reports_until=date(2026, 3, 31))
    (line,) = review_lines(office_staff)
    assert (line.count, line.url) == (1, reverse("report_list") + "?period=2026Q3&show=to_review")
    with time_machine.travel(NOW, tick=False):
        client.force_login(office_staff)
        assert listed(client, line.url) == {"market-regulation"}


def test_no_report_waiting_leaves_no_line(office_staff):
    for u in member_units():
        UnitReport.objects.create(unit=u, year=2026, quarter=3, status=ReportStatus.ACCEPTED)
    assert review_lines(office_staff) == []


def test_units_and_the_leader_do_not_see_it(mr_liaison, mr_head, leader, submitted):
    for person in (mr_liaison, mr_head, leader):
        assert review_lines(person) == []


def test_the_lines_cost_one_query_however_many_quarters(
    office_staff, submitted, django_assert_num_queries
):
    duties._reports_to_review(office_staff)  # the person's roles, kept
    with django_assert_num_queries(1):
        assert len(duties._reports_to_review(office_staff)) == 2
