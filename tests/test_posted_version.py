"""A form that changes a record carries the `version` it was made from. A post without it,
or with something that is not a whole number (a hand-made or tampered post), is refused with
the service's own "changed by someone else" message and writes nothing: it must never read
as "no version", which services take as "no check" and which would write over whatever
changed meanwhile. Forms made before their record exists (the district analysis of a new
quarter) legitimately send it empty."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints import mediation, workflow
from complaints.deadlines import BEIJING
from complaints.models import WorkOrder
from meetings import services as meeting_services
from meetings.models import JointMeeting
from reports import figures
from reports import services as report_services
from reports.models import DistrictReport, UnitReport
from tests.factories import make_order
from wuqing_consumer.versions import NEW, UNKNOWN, posted_version, posted_version_or_new

TAMPERED = [{}, {"version": ""}, {"version": "abc"}, {"version": "1.5"}, {"version": "²"}]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=BEIJING), tick=False):
        yield


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    ("post", "expected"),
    [
        ({}, UNKNOWN),
        ({"version": "abc"}, UNKNOWN),
        ({"version": "-3"}, UNKNOWN),
        ({"version": "٣"}, UNKNOWN),
        ({"version": "7"}, 7),
        ({"version": "0"}, 0),
    ],
)
def test_the_shared_reader_never_reads_a_bad_version_as_none(post, expected):
    assert posted_version(post) == expected


def test_only_an_empty_field_reads_as_a_record_not_made_yet():
    assert posted_version_or_new({"version": ""}) == NEW
    assert posted_version_or_new({}) == UNKNOWN
    assert posted_version_or_new({"version": "x"}) == UNKNOWN
    assert posted_version_or_new({"version": "4"}) == 4


@pytest.mark.parametrize("sent", TAMPERED)
def test_an_order_action_without_a_usable_version_is_refused(client, office_staff, mr_staff, sent):
    order = make_order(office_staff)
    client.force_login(mr_staff)
    response = client.post(reverse("order_act", args=[order.number, "sign"]), sent, follow=True)
    assert any("他人修改" in m for m in _messages(response))
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert (fresh.status, fresh.version) == (order.status, order.version)


@pytest.mark.parametrize("sent", TAMPERED)
def test_a_unit_report_save_without_a_usable_version_is_refused(client, mr_liaison, sent):
    report = report_services.report_start(
        unit=mr_liaison.unit, year=2026, quarter=3, acting_user=mr_liaison
    )
    client.force_login(mr_liaison)
    form = {
        "situation": "本季度投诉平稳。",
        "cases_opened": "4",
        "publicity-TOTAL_FORMS": "0",
        "publicity-INITIAL_FORMS": "0",
        **sent,
    }
    response = client.post(reverse("unit_report", args=[report.id]), form, follow=True)
    assert any("已被他人修改" in m for m in _messages(response))
    fresh = UnitReport.objects.get(pk=report.pk)
    assert (fresh.cases_opened, fresh.version) == (0, report.version)


@pytest.mark.parametrize("sent", [{}, {"version": "abc"}, {"version": "²"}])
def test_a_district_analysis_without_a_usable_version_is_refused(client, office_director, sent):
    period = figures.Period(2026, 3)
    report = report_services.district_report_save(
        period=period, acting_user=office_director, analysis="分析"
    )
    client.force_login(office_director)
    response = client.post(
        reverse("district_report", args=[period.label]), {"analysis": "改写", **sent}, follow=True
    )
    assert any("已被他人修改" in m for m in _messages(response))
    fresh = DistrictReport.objects.get()
    assert (fresh.analysis, fresh.version) == ("分析", report.version)


def test_the_first_district_analysis_of_a_quarter_is_saved_with_an_empty_version(
    client, office_director
):
    client.force_login(office_director)
    client.post(reverse("district_report", args=["2026Q3"]), {"analysis": "分析", "version": ""})
    assert DistrictReport.objects.get().analysis == "分析"


def _meeting(office_staff) -> JointMeeting:
    return meeting_services.meeting_plan(
        acting_user=office_staff,
        kind="annual",
        title="2026年度成员单位联席会议",
        planned_on=date(2026, 11, 30),
        place="区政府第三会议室",
        guests="",
        unit_codes=["market-regulation", "housing"],
    )


@pytest.mark.parametrize("sent", TAMPERED)
def test_a_meeting_edit_without_a_usable_version_is_refused(client, office_staff, sent):
    meeting = _meeting(office_staff)
    client.force_login(office_staff)
    form = {"title": "改期后的联席会议", "planned_on": "2026-12-01", "place": "301", **sent}
    response = client.post(reverse("meeting_act", args=[meeting.id, "edit"]), form, follow=True)
    assert any("已被他人修改" in m for m in _messages(response))
    fresh = JointMeeting.objects.get(pk=meeting.pk)
    assert (fresh.title, fresh.version) == (meeting.title, meeting.version)


def test_a_meeting_action_whose_form_has_no_version_still_works(client, office_staff):
    meeting = _meeting(office_staff)
    client.force_login(office_staff)
    client.post(reverse("meeting_act", args=[meeting.id, "cancel"]), {"reason": "改为书面征求意见"})
    assert JointMeeting.objects.get(pk=meeting.pk).status == "cancelled"


@pytest.mark.parametrize("sent", [{}, {"version": "abc"}])
def test_a_mediation_submit_without_a_usable_version_is_refused(
    client, office_staff, mr_staff, sent
):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    agreement = mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        parties="张先生；某某超市",
        terms="超市退还货款并赔偿500元",
        effective_on=date(2026, 11, 16),
        amount="500",
    )
    client.force_login(mr_staff)
    response = client.post(
        reverse("mediation_act", args=[agreement.id, "submit"]),
        {"consent": "both", **sent},
    )
    # Refused with the agreement's page, the reason at the form that was sent.
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "recorded"
