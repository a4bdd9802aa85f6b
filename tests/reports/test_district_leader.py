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
from departments.models import AuditEntry, Notification
from reports import figures, services
from reports.choices import DistrictStatus
from reports.models import DistrictReport

Q3 = figures.Period(2026, 3)
URL = reverse("district_report", args=["2026Q3"])
COMMENT_URL = reverse("district_report_comment", args=["2026Q3"])
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


# -- the leader's comments to the office ------------------------------------------------------


def comments():
    return AuditEntry.objects.filter(action="district_report.comment")


def test_the_leader_comments_on_the_draft_and_the_office_reads_it_and_is_told(
    client, leader, office_staff, office_director
):
    draft(office_staff)
    client.force_login(leader)
    answer = client.post(COMMENT_URL, {"comment": "请补充预付卡纠纷的典型案例。"}, follow=True)
    assert answer.status_code == 200
    assert "Your comment was sent to the office." in answer.content.decode()
    entry = comments().get()
    assert entry.actor == leader
    assert entry.object_id == "2026Q3"
    assert entry.data["comment"] == "请补充预付卡纠纷的典型案例。"
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {office_staff.username, office_director.username}
    client.force_login(office_staff)
    page = client.get(URL).content.decode()
    assert 'id="district-comments"' in page
    assert "请补充预付卡纠纷的典型案例。" in page


def test_the_leader_may_comment_before_the_office_has_started_the_report(client, leader):
    client.force_login(leader)
    client.post(COMMENT_URL, {"comment": "本季度请突出物业投诉。"})
    assert comments().count() == 1
    assert not DistrictReport.objects.exists()
    assert "本季度请突出物业投诉。" in client.get(URL).content.decode()


def test_an_empty_comment_is_refused_with_a_message(client, leader):
    client.force_login(leader)
    answer = client.post(COMMENT_URL, {"comment": "   "})
    assert answer.status_code == 400
    assert "Write your comment for the office." in answer.content.decode()
    assert not comments().exists()


def test_a_comment_too_long_is_refused_not_cut(client, leader):
    client.force_login(leader)
    answer = client.post(COMMENT_URL, {"comment": "长" * 5001})
    assert answer.status_code == 400
    assert "Please shorten" in answer.content.decode()
    assert "长" * 5001 + "</textarea>" in answer.content.decode()
    assert not comments().exists()


@pytest.mark.parametrize(
    "persona", ["mr_liaison", "mr_head", "housing_staff", "office_staff", "office_director"]
)
def test_only_the_leader_comments(client, request, persona, office_staff):
    draft(office_staff)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(COMMENT_URL, {"comment": "意见"}).status_code == 404
    assert not comments().exists()


def test_the_comment_form_is_offered_to_the_leader_only(client, leader, office_staff):
    draft(office_staff)
    client.force_login(leader)
    assert 'id="comment-form"' in client.get(URL).content.decode()
    client.force_login(office_staff)
    assert 'id="comment-form"' not in client.get(URL).content.decode()


def test_a_unit_never_reads_the_leaders_comments_even_once_published(
    client, leader, office_staff, mr_liaison
):
    draft(office_staff)
    services.district_report_comment(period=Q3, acting_user=leader, comment="内部意见不公开")
    services.district_report_publish(period=Q3, acting_user=office_staff)
    client.force_login(mr_liaison)
    page = client.get(URL)
    assert page.status_code == 200
    assert "内部意见不公开" not in page.content.decode()


def test_the_comment_form_is_not_a_get(client, leader):
    client.force_login(leader)
    assert client.get(COMMENT_URL).status_code == 405
