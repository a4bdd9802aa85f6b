"""A report or summary the office returned for a period the unit is no longer asked for
(`Unit.reports_until`) cannot be submitted again (`report_submit`, `summary_submit`): the
home page does not show it as waiting, and its page says so instead of offering Submit.

The Market Regulation Bureau reports from 2025; the office has set its last day of reporting
to 10 August 2026 (it stays active). The office returned its 2026Q2 and 2026Q3 reports and
its 2025 and 2026 summaries. It is still asked for 2026Q2 and 2025, not for 2026Q3 (ended
after its last day) nor 2026 (due on 30 November). "Now" is 16 November 2026. Pages in
English (tests/reports/conftest.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments import duties
from departments.models import Unit
from reports import services
from reports.choices import ReportStatus, SummaryStatus
from reports.models import AnnualSummary, UnitReport
from tests.factories import unit

NOW = datetime(2026, 11, 16, 10, tzinfo=BEIJING)
CANNOT = "It cannot be submitted to the office."


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def returned(db, mr_liaison):
    Unit.objects.filter(code="market-regulation").update(reports_since=date(2025, 1, 1))
    mr = unit("market-regulation")
    reports = {}
    for quarter in (2, 3):
        report = services.report_start(unit=mr, year=2026, quarter=quarter, acting_user=mr_liaison)
        UnitReport.objects.filter(id=report.id).update(
            status=ReportStatus.RETURNED, situation="本季度情况。", review_comment="请补充"
        )
        reports[quarter] = report
    summaries = {
        year: AnnualSummary.objects.create(
            unit=mr, year=year, text="年度工作总结。", status=SummaryStatus.RETURNED
        )
        for year in (2025, 2026)
    }
    Unit.objects.filter(id=mr.id).update(reports_until=date(2026, 8, 10))
    return reports, summaries


def test_the_home_page_counts_only_what_the_unit_may_still_submit_again(
    returned, mr_liaison, mr_staff
):
    _reports, summaries = returned
    for person in (mr_liaison, mr_staff):
        lines = {d.key: d for d in duties.waiting_for(person) if d.key.endswith("_returned")}
        assert lines["reports_returned"].count == 1
        assert lines["summary_returned"].url == reverse("annual_summary", args=[summaries[2025].id])
        assert [d.key for d in duties.waiting_for(person)].count("summary_returned") == 1


def test_nothing_returned_is_waiting_once_the_unit_is_asked_for_none_of_it(returned, mr_liaison):
    Unit.objects.filter(code="market-regulation").update(reports_until=date(2025, 3, 1))
    keys = [d.key for d in duties.waiting_for(mr_liaison)]
    assert "reports_returned" not in keys and "summary_returned" not in keys


def test_a_returned_report_of_a_quarter_not_asked_says_so_and_offers_no_submit(
    client, returned, mr_liaison
):
    reports, _summaries = returned
    client.force_login(mr_liaison)
    page = client.get(reverse("unit_report", args=[reports[3].id])).content.decode()
    assert 'id="report-not-asked"' in page and "Not asked for this quarter" in page
    assert "stopped reporting on 2026-08-10; it is not asked for a report for Q3 2026" in page
    assert CANNOT in page
    assert 'id="confirm-submit"' not in page and 'id="save-then-submit"' not in page
    assert 'id="save-report"' in page  # its text may still be kept

    asked = client.get(reverse("unit_report", args=[reports[2].id])).content.decode()
    assert 'id="confirm-submit"' in asked and 'id="save-then-submit"' in asked
    assert 'id="report-not-asked"' not in asked and CANNOT not in asked


def test_a_returned_summary_of_a_year_not_asked_says_it_cannot_be_submitted(
    client, returned, mr_liaison
):
    _reports, summaries = returned
    client.force_login(mr_liaison)
    page = client.get(reverse("annual_summary", args=[summaries[2026].id])).content.decode()
    assert 'id="summary-not-asked"' in page and CANNOT in page
    assert 'id="confirm-submit-summary"' not in page
    asked = client.get(reverse("annual_summary", args=[summaries[2025].id])).content.decode()
    assert 'id="confirm-submit-summary"' in asked and CANNOT not in asked
