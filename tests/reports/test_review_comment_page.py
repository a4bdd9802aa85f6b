"""The office's comment on a returned report, on the report's page. While the report is
returned it is the office's current request ("The office's comments"); once corrected and
submitted again it is the earlier return, with its date, for the clerk checking that it was
done and for the liaison; after acceptance only the acceptance's own comment shows. The
history keeps every comment. "Now" is 16 November 2026; pages read in English."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import services
from tests.factories import unit


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=BEIJING), tick=False) as t:
        yield t


def banner(client, user, report) -> str:
    client.force_login(user)
    page = client.get(reverse("unit_report", args=[report.id])).content.decode()
    found = re.search(r'<div class="alert[^"]*" id="review-comment">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


@pytest.fixture
def returned(mr_liaison, office_staff):
    report = services.report_start(
        unit=unit("market-regulation"), year=2026, quarter=3, acting_user=mr_liaison
    )
    services.report_save(
        report_id=report.id,
        acting_user=mr_liaison,
        values={"situation": "本季度投诉平稳。"},
        sampling=[],
        publicity=[],
    )
    services.report_submit(report_id=report.id, acting_user=mr_liaison)
    services.report_return(report_id=report.id, acting_user=office_staff, comment="罚没款请核实。")
    return report


def test_while_returned_the_comment_is_the_offices_current_request(client, returned, mr_liaison):
    text = banner(client, mr_liaison, returned)
    assert "The office's comments" in text and "罚没款请核实。" in text


def test_after_resubmission_it_reads_as_the_earlier_return_with_its_date(
    client, returned, mr_liaison, office_staff, clock
):
    clock.move_to(datetime(2026, 11, 18, 9, tzinfo=BEIJING))
    services.report_submit(report_id=returned.id, acting_user=mr_liaison)
    for person in (office_staff, mr_liaison):
        text = banner(client, person, returned)
        assert "The office's comments" not in text
        assert "Returned on 2026-11-16 10:00 with these comments" in text
        assert "罚没款请核实。" in text


def test_after_acceptance_only_the_acceptance_comment_shows(
    client, returned, mr_liaison, office_staff
):
    services.report_submit(report_id=returned.id, acting_user=mr_liaison)
    services.report_accept(report_id=returned.id, acting_user=office_staff, comment="")
    assert banner(client, mr_liaison, returned) == ""
    client.force_login(mr_liaison)
    page = client.get(reverse("unit_report", args=[returned.id])).content.decode()
    assert "罚没款请核实。" in page.split('id="report-history"')[1]
