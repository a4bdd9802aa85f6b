"""The group leader (组长) and the district quarterly report before it is published.

The notice (section 二) makes the deputy district head the coordination group's leader and
puts the office under the group; the office sums up the units' reports (measure 四（二）).
So the leader reads the district report while the office drafts it, marked as a draft, and
may send the office comments on it; the leader does not write or publish it. Units see it
only once published.

"Now" is Monday 16 November 2026, 10:00 in Beijing: the third quarter has ended.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import figures, services
from reports.choices import DistrictStatus
from reports.models import DistrictReport

Q3 = figures.Period(2026, 3)
URL = reverse("district_report", args=["2026Q3"])
DRAFT_NOTE = "Draft: not published"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 16, 10, 0, tzinfo=BEIJING), tick=False):
        yield


def draft(office_staff, text="第三季度投诉总体平稳，预付卡纠纷上升。") -> DistrictReport:
    return services.district_report_save(period=Q3, acting_user=office_staff, analysis=text)


def test_the_leader_reads_the_district_report_before_the_office_has_started_it(client, leader):
    client.force_login(leader)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert DRAFT_NOTE in text
    assert 'id="analysis-form"' not in text
    assert 'id="confirm-publish"' not in text


def test_the_leader_reads_the_offices_draft_analysis_marked_as_a_draft(
    client, leader, office_staff
):
    draft(office_staff)
    client.force_login(leader)
    text = client.get(URL).content.decode()
    assert "预付卡纠纷上升" in text
    assert DRAFT_NOTE in text
    assert 'id="analysis-form"' not in text


def test_the_quarter_list_gives_the_leader_the_link_to_the_district_report(client, leader):
    client.force_login(leader)
    text = client.get(reverse("report_list"), {"period": "2026Q3"}).content.decode()
    assert 'id="open-district"' in text


def test_the_published_report_is_not_marked_as_a_draft(client, leader, office_staff):
    draft(office_staff)
    services.district_report_publish(period=Q3, acting_user=office_staff)
    client.force_login(leader)
    text = client.get(URL).content.decode()
    assert DRAFT_NOTE not in text


@pytest.mark.parametrize("persona", ["mr_liaison", "mr_head", "housing_staff"])
def test_a_unit_does_not_see_the_draft_in_any_state(client, request, office_staff, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404
    draft(office_staff)
    assert client.get(URL).status_code == 404


def test_the_leader_cannot_write_the_offices_analysis(client, leader, office_staff):
    report = draft(office_staff, "办公室的稿子")
    client.force_login(leader)
    answer = client.post(URL, {"analysis": "组长改的", "version": str(report.version)})
    assert answer.status_code == 404
    report.refresh_from_db()
    assert report.analysis == "办公室的稿子"
    assert report.status == DistrictStatus.DRAFT


def test_the_leader_is_told_when_the_office_has_written_no_analysis_yet(client, leader):
    client.force_login(leader)
    text = client.get(URL).content.decode()
    assert "The office has not written its analysis yet." in text
