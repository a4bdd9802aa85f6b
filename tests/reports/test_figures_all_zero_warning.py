"""A quarterly report's figures start at 0, so a report whose blocks 2 and 3 were never
filled in is submitted as a quarter of no cases, no fines and nothing received outside the
portal, and the district report adds those zeros up as real. Where the report is submitted,
the page now says so while every one of those figures is 0 as saved. Pages in English."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import services
from reports.models import UnitReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def after_the_third_quarter():
    with time_machine.travel(datetime(2026, 10, 9, 10, 0, tzinfo=BEIJING), tick=False):
        yield


def warned(client, report) -> bool:
    page = client.get(reverse("unit_report", args=[report.id])).content.decode()
    assert 'id="confirm-submit"' in page
    return 'id="figures-all-zero"' in page


@pytest.mark.parametrize("field", ["cases_opened", "fines_imposed", "outside_inquiries"])
def test_the_submit_box_warns_while_every_figure_is_0(client, mr_liaison, field):
    report = services.report_start(
        unit=mr_liaison.unit, year=2026, quarter=3, acting_user=mr_liaison
    )
    client.force_login(mr_liaison)
    assert warned(client, report)
    UnitReport.objects.filter(id=report.id).update(**{field: 1})
    assert not warned(client, report)
