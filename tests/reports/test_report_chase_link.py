"""催报 opens the quarter the office asked for: the unit's draft (or returned report) of
that quarter, or, with none started, the unit's list showing just that quarter with its
"Start the report" button; not the list of all quarters. Q3 2026 is due on 10 October;
"now" is 20 October. Pages read in English (tests/reports/conftest.py)."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.models import Notification
from reports import services
from reports.choices import ReportStatus
from reports.figures import Period
from reports.models import UnitReport
from tests.factories import unit

Q3 = Period(2026, 3)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=BEIJING), tick=False):
        yield


def chase_url(code: str) -> str:
    return Notification.objects.get(key__startswith=f"report_chase:2026Q3:{code}:").url


def test_a_chased_unit_with_a_draft_is_taken_to_that_draft(db, office_staff, mr_liaison):
    draft = UnitReport.objects.create(unit=unit("market-regulation"), year=2026, quarter=3)
    UnitReport.objects.create(unit=unit("market-regulation"), year=2026, quarter=2)
    services.reports_chase(acting_user=office_staff, period=Q3, unit_codes=["market-regulation"])
    assert chase_url("market-regulation") == reverse("unit_report", args=[draft.id])


def test_a_chased_unit_with_a_returned_report_is_taken_to_it(db, office_staff, mr_liaison):
    returned = UnitReport.objects.create(
        unit=unit("market-regulation"), year=2026, quarter=3, status=ReportStatus.RETURNED
    )
    services.reports_chase(acting_user=office_staff, period=Q3, unit_codes=None)
    assert chase_url("market-regulation") == reverse("unit_report", args=[returned.id])


def test_a_chased_unit_without_a_report_gets_that_quarter_to_start(
    client, db, office_staff, mr_liaison
):
    UnitReport.objects.create(
        unit=unit("market-regulation"), year=2026, quarter=2, status=ReportStatus.ACCEPTED
    )
    services.reports_chase(acting_user=office_staff, period=Q3, unit_codes=["market-regulation"])
    url = chase_url("market-regulation")
    assert url == reverse("report_list") + "?period=2026Q3"
    client.force_login(mr_liaison)
    page = client.get(url).content.decode()
    assert 'data-period="2026Q3"' in page and 'id="start-2026Q3"' in page
    assert 'data-period="2026Q2"' not in page
    assert "Only the quarter Q3 2026." in page
    # Without ?period=, every quarter it is asked for: from its first report (Q2) on.
    assert client.get(reverse("report_list")).content.decode().count("data-period=") == 3
