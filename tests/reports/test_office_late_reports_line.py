"""The office's "Waiting for you" counts the member units' quarterly reports that are late
(past their due date, not submitted or accepted), red, a line per quarter opening its list
of the quarter, where it chases them (催报). The third quarter of 2026 is due on
10 October 2026, the fourth on 11 January 2027 (the 10th is a Sunday); the test
database's units report from 2026Q3 on. Pages read in English (tests/reports/conftest.py)."""

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
from reports.models import ReportingPeriod, UnitReport
from tests.factories import unit

LATE = "reports_late"


def at(y, m, d, hh=10):
    return datetime(y, m, d, hh, tzinfo=BEIJING)


def late_line(user, now):
    return next((d for d in duties.waiting_for(user, now) if d.key == LATE), None)


@pytest.fixture
def q3(db):
    """2026Q3: market regulation submitted, commerce's was accepted; housing has a draft,
    education's was returned: those two are late with every unit that has not started."""
    for code, status in (
        ("market-regulation", ReportStatus.SUBMITTED),
        ("commerce", ReportStatus.ACCEPTED),
        ("housing", ReportStatus.DRAFT),
        ("education", ReportStatus.RETURNED),
    ):
        UnitReport.objects.create(unit=unit(code), year=2026, quarter=3, status=status)
    return len(member_units()) - 2


def test_the_office_sees_the_late_reports_of_a_quarter_once_it_is_past_due(office_staff, q3):
    assert late_line(office_staff, at(2026, 10, 10, 23)) is None  # due today, not late yet
    line = late_line(office_staff, at(2026, 10, 11, 9))
    assert line is not None
    assert (line.label, line.count, line.urgent, line.url) == (
        "Late quarterly reports for Q3 2026 (due 2026-10-10)",
        q3,
        True,
        reverse("report_list") + "?period=2026Q3&show=late",
    )


def test_the_line_opens_the_list_where_the_same_reports_are_marked_late_and_chased(
    client, office_staff, housing_head, q3
):
    with time_machine.travel(at(2026, 10, 20), tick=False):
        client.force_login(office_staff)
        home = client.get(reverse("home")).content.decode()
        url, count = re.search(
            rf'href="([^"]+)" data-duty="{LATE}"><span class="badge[^"]*">(\d+)<', home
        ).groups()
        listed = client.get(url.replace("&amp;", "&")).content.decode()
    assert int(count) == q3
    assert listed.count('text-bg-danger">Overdue</span>') == q3
    assert 'id="chase-all"' in listed and 'id="chase-housing"' in listed


def late_lines(user, now):
    return [d for d in duties.waiting_for(user, now) if d.key == LATE]


def test_several_late_quarters_are_a_line_each_listing_what_it_counts(client, office_staff, q3):
    """2026Q4 is late too once 11 January 2027 has passed. One line for both counted both
    quarters' late reports and opened the oldest quarter's list alone: the officer clicking
    "31" found 15 rows. Now each quarter has its line, newest first, and each line's count
    is the number of rows its link lists."""
    UnitReport.objects.create(
        unit=unit("housing"), year=2026, quarter=4, status=ReportStatus.SUBMITTED
    )
    now = at(2027, 1, 12)
    lines = late_lines(office_staff, now)
    assert [(d.label, d.count, d.urgent, d.url) for d in lines] == [
        (
            "Late quarterly reports for Q4 2026 (due 2027-01-11)",
            len(member_units()) - 1,
            True,
            reverse("report_list") + "?period=2026Q4&show=late",
        ),
        (
            "Late quarterly reports for Q3 2026 (due 2026-10-10)",
            q3,
            True,
            reverse("report_list") + "?period=2026Q3&show=late",
        ),
    ]
    with time_machine.travel(now, tick=False):
        client.force_login(office_staff)
        home = client.get(reverse("home")).content.decode()
        shown = re.findall(
            rf'href="([^"]+)" data-duty="{LATE}"><span class="badge[^"]*">(\d+)<', home
        )
        assert len(shown) == 2
        for url, count in shown:
            listed = client.get(url.replace("&amp;", "&")).content.decode()
            assert len(re.findall(r'<tr data-unit="', listed)) == int(count), url
            assert listed.count('text-bg-danger">Overdue</span>') == int(count), url


def test_only_the_quarters_a_unit_is_asked_for_and_the_due_date_the_office_set(office_staff, q3):
    """A unit whose reporting began after the quarter, or that stopped reporting before
    its end, is not late for it; one deactivated after the quarter still is, as on the
    list; a due date the office moved counts."""
    Unit.objects.filter(code="transport").update(reports_since=date(2026, 10, 1))
    Unit.objects.filter(code="justice").update(is_active=False)
    Unit.objects.filter(code="agriculture").update(
        is_active=False, reports_until=date(2026, 11, 30)
    )
    ReportingPeriod.objects.create(year=2026, quarter=3, due_on=date(2026, 10, 16))
    assert late_line(office_staff, at(2026, 10, 15)) is None
    line = late_line(office_staff, at(2026, 10, 20))
    assert line.label == "Late quarterly reports for Q3 2026 (due 2026-10-16)"
    assert line.count == q3 - 2


def test_every_report_in_leaves_no_line(office_staff):
    for u in member_units():
        UnitReport.objects.create(unit=u, year=2026, quarter=3, status=ReportStatus.SUBMITTED)
    assert late_line(office_staff, at(2026, 10, 20)) is None


def test_units_and_the_leader_do_not_see_it(mr_liaison, mr_head, leader, q3):
    for person in (mr_liaison, mr_head, leader):
        assert late_line(person, at(2026, 10, 20)) is None


def test_the_line_costs_one_query_however_many_units(office_staff, q3, django_assert_num_queries):
    """And the working days' version, for the default due dates (`reference`)."""
    duties._reports_late(office_staff, date(2027, 1, 12))  # the person's roles, kept
    with django_assert_num_queries(2):
        duties._reports_late(office_staff, date(2027, 1, 12))


def test_the_line_opens_a_list_of_exactly_the_late_units(client, office_staff, q3):
    """The line counts the late reports; its list shows just those units, not the quarter's
    submitted or accepted ones among them, and says how to see every unit."""
    with time_machine.travel(at(2026, 10, 20), tick=False):
        client.force_login(office_staff)
        url = late_line(office_staff, at(2026, 10, 20)).url
        page = client.get(url).content.decode()
        everyone = client.get(reverse("report_list") + "?period=2026Q3").content.decode()
    listed = set(re.findall(r'<tr data-unit="([^"]+)"', page))
    assert len(listed) == q3
    assert not listed & {"market-regulation", "commerce"}
    assert {"housing", "education"} <= listed
    assert "Showing only the units whose report for Q3 2026 is late." in page
    assert f'href="{reverse("report_list")}?period=2026Q3"' in page
    assert len(re.findall(r'<tr data-unit="', everyone)) == len(member_units())
    assert "Showing only the units" not in everyone


def test_the_late_list_of_a_quarter_with_none_late_says_so(client, office_staff):
    for u in member_units():
        UnitReport.objects.create(unit=u, year=2026, quarter=3, status=ReportStatus.SUBMITTED)
    with time_machine.travel(at(2026, 10, 20), tick=False):
        client.force_login(office_staff)
        response = client.get(reverse("report_list") + "?period=2026Q3&show=late")
    assert response.status_code == 200
    page = response.content.decode()
    assert not re.findall(r'<tr data-unit="', page)
    assert "No unit's report for Q3 2026 is late." in page.replace("&#x27;", "'")


def test_a_show_value_the_office_list_does_not_offer_is_refused(client, office_staff, q3):
    with time_machine.travel(at(2026, 10, 20), tick=False):
        client.force_login(office_staff)
        response = client.get(reverse("report_list") + "?period=2026Q3&show=overdue")
    assert response.status_code == 400
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "In the address, show=“overdue” is not one this list offers: late (Late only), "
        "to_review (Waiting for review only)."
    ]
    assert len(re.findall(r'<tr data-unit="', response.content.decode())) == len(member_units())


def test_a_chase_from_the_late_list_comes_back_to_it(client, office_staff, housing_head, q3):
    with time_machine.travel(at(2026, 10, 20), tick=False):
        client.force_login(office_staff)
        page = client.get(reverse("report_list") + "?period=2026Q3&show=late").content.decode()
        assert 'id="chase-housing"' in page and 'id="chase-all"' in page
        url = reverse("reports_chase", args=["2026Q3"])
        back = client.post(url, {"unit": "housing", "show": "late"})
        everyone = client.post(url, {"all": "1"})
    assert back["Location"] == reverse("report_list") + "?period=2026Q3&show=late"
    assert everyone["Location"] == reverse("report_list") + "?period=2026Q3"
