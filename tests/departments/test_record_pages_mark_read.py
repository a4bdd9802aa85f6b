"""Opening a dispute's, a joint meeting's, a release's, a campaign's or a unit report's page
marks read its reader's notifications that link there, as an order's or a lead's page does
(`notifications_mark_read_at`). Before, the group leader who had opened a dispute from his
home page, and decided it there, kept "Dispute ZY-… waits for your decision" unread in his
bell until he clicked the notice itself; so did a unit with its meeting invitation, its
published release or its campaign, and a liaison with the office's word on its report."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from complaints import disputes
from departments.models import Notification
from meetings import services as meeting_services
from publicity import services as publicity_services
from reports import campaigns
from reports import services as report_services
from tests.factories import make_order, unit


def notice(user, key: str, url: str) -> Notification:
    return Notification.objects.create(recipient=user, key=key, category="x", title=key, url=url)


def unread(*notifications: Notification) -> list[bool]:
    return [Notification.objects.get(pk=n.pk).read_at is None for n in notifications]


def dispute_page(office_staff, leader, mr_staff, mr_liaison):
    order = make_order(office_staff, unit_code="commerce", content="美发店预付卡余额不退")
    dispute = disputes.dispute_open(
        acting_user=office_staff,
        order_number=order.number,
        summary="区商务局与区市场监管局对由谁处理意见不一。",
        unit_codes=["commerce", "market-regulation"],
    )
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=office_staff, proposal="建议", unit_code="commerce"
    )
    return leader, reverse("dispute_detail", args=[dispute.id])


def meeting_page(office_staff, leader, mr_staff, mr_liaison):
    meeting = meeting_services.meeting_plan(
        acting_user=office_staff,
        kind="extra",
        title="预付卡专题联席会议",
        planned_on=date(2026, 12, 24),
        place="区政府第三会议室",
        unit_codes=["market-regulation", "housing"],
    )
    return mr_staff, reverse("meeting_detail", args=[meeting.id])


def release_page(office_staff, leader, mr_staff, mr_liaison):
    release = publicity_services.release_create(
        acting_user=mr_liaison, kind="warning", title="预付卡消费提示", body="谨慎办卡。"
    )
    return mr_liaison, reverse("release_detail", args=[release.id])


def campaign_page(office_staff, leader, mr_staff, mr_liaison):
    campaign = campaigns.campaign_start(
        acting_user=office_staff,
        title="家用电器质量专项整治",
        topic="household_appliances",
        goal="排查家电销售企业",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 12, 31),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
    )
    return mr_staff, reverse("campaign_detail", args=[campaign.id])


def report_page(office_staff, leader, mr_staff, mr_liaison):
    report = report_services.report_start(
        unit=mr_liaison.unit, year=2026, quarter=3, acting_user=mr_liaison
    )
    return mr_liaison, reverse("unit_report", args=[report.id])


@pytest.mark.parametrize(
    "page", [dispute_page, meeting_page, release_page, campaign_page, report_page]
)
def test_opening_a_records_page_marks_read_what_told_its_reader_of_it(
    client, office_staff, leader, mr_staff, mr_liaison, mr_head, page
):
    reader, url = page(office_staff, leader, mr_staff, mr_liaison)
    Notification.objects.all().delete()  # what setting the record up told
    mine = notice(reader, "mine", url)
    elsewhere = notice(reader, "elsewhere", "/orders/?tab=overdue")
    theirs = notice(mr_head, "theirs", url)

    client.force_login(reader)
    assert client.get(url).status_code == 200
    assert unread(mine, elsewhere, theirs) == [False, True, True]
