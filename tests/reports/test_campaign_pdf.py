"""A joint campaign's summary as a PDF: the text is real text (pdftotext reads it back) with
the goal, the period, the units, the sums and the summary; the linked-order count is what
the person downloading it may see."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from reports import campaigns, rendering
from reports.choices import CampaignStatus, CampaignTopic
from reports.figures import Period, district_figures
from tests.factories import UserFactory, make_order, unit
from wuqing_consumer.language import district_language


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 10, 9, 10, tzinfo=BEIJING), tick=False) as traveller:
        yield traveller


@pytest.fixture
def closed_campaign(office_staff, mr_staff, clock):
    clock.move_to(datetime(2026, 9, 1, 8, tzinfo=BEIJING))
    commerce = UserFactory(username="commerce1", unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    campaign = campaigns.campaign_start(
        acting_user=office_staff,
        title="儿童用品质量专项整治",
        topic="childrens_products",
        goal="全面排查玩具、童装销售企业",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 9, 30),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
        targets="京津时尚广场",
    )
    clock.move_to(datetime(2026, 10, 9, 10, tzinfo=BEIJING))
    for user, day, counts in (
        (
            mr_staff,
            date(2026, 9, 3),
            {
                "inspections": 11,
                "businesses_checked": 23,
                "problems_found": 5,
                "cases_opened": 2,
                "batches_sampled": 8,
                "batches_failed": 3,
                "batches_removed": 3,
                "pieces_removed": 417,
            },
        ),
        (commerce, date(2026, 9, 9), {"inspections": 6, "businesses_checked": 14}),
    ):
        campaigns.action_log(campaign_id=campaign.id, acting_user=user, day=day, counts=counts)
    for when, unit_code in (
        (datetime(2026, 9, 5, 9), "market-regulation"),
        (datetime(2026, 9, 6, 9), "housing"),
    ):
        make_order(
            office_staff,
            received_at=when.replace(tzinfo=BEIJING),
            unit_code=unit_code,
            category="儿童玩具",
            business_name="京津时尚广场某店",
        )
    return campaigns.campaign_close(
        campaign_id=campaign.id,
        acting_user=office_staff,
        summary="本次行动共检查经营主体37户。\n下一步将建立长效机制。",
    )


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "campaign.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


def test_the_summary_pdf_holds_goal_period_units_sums_and_summary(
    closed_campaign, office_staff, client, tmp_path
):
    client.force_login(office_staff)
    response = client.get(reverse("campaign_pdf", args=[closed_campaign.id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = _text(response.content, tmp_path)
    for expected in (
        "儿童用品质量专项整治工作总结",
        "全面排查玩具、童装销售企业",
        "2026年9月1日至2026年9月30日",
        "儿童用品",
        unit("market-regulation").name.replace(" ", ""),
        unit("commerce").name.replace(" ", ""),
        "京津时尚广场",
        "本次行动共检查经营主体37户。",
        "下一步将建立长效机制。",
        "共开展检查17次，检查经营主体37户，发现问题5个，立案2件",
        "下架问题商品3批次、417件",
        "工单2件",
    ):
        assert expected in text, expected


def test_a_unit_gets_the_linked_order_count_it_may_see(closed_campaign, mr_staff, client, tmp_path):
    client.force_login(mr_staff)
    text = _text(client.get(reverse("campaign_pdf", args=[closed_campaign.id])).content, tmp_path)
    assert "工单1件" in text
    assert "417" in text  # the sums are everyone's


def test_a_running_campaign_says_its_summary_is_to_come(office_staff, tmp_path):
    campaign = campaigns.campaign_start(
        acting_user=office_staff,
        title="预付卡专项",
        topic="prepaid_cards",
        goal="清理预付卡风险",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 12, 31),
        lead_unit_id=unit("commerce").id,
        unit_ids=[],
    )
    pdf = rendering.build_campaign_pdf(
        campaign, sums=campaigns.campaign_sums(campaign), linked_orders=0
    )
    text = _text(pdf, tmp_path)
    assert "单用途商业预付卡" in text and "进行中" in text and "总结待行动结束时填写" in text


def test_the_district_report_pdf_counts_the_quarters_campaign_work(closed_campaign, tmp_path):
    text = _text(rendering.build_pdf(district_figures(Period(2026, 3))), tmp_path)
    assert (
        "本季度各成员单位在1项联合整治行动中开展检查17次，检查经营主体37户，发现问题5个，"
        "立案2件，下架问题商品3批次、417件。"
    ) in text


@pytest.mark.parametrize("topic", ["household_appliances", "decoration_materials", "vehicles"])
def test_the_summary_names_topic_and_status_as_the_portal_does_in_the_districts_language(
    office_staff, topic
):
    campaign = campaigns.campaign_start(
        acting_user=office_staff,
        title="专项整治",
        topic=topic,
        goal="排查",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 12, 31),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[],
    )
    with translation.override("en"):
        html = rendering.render_campaign_html(
            campaign, sums=campaigns.campaign_sums(campaign), linked_orders=0
        )
    with district_language():
        topic_label = str(CampaignTopic(topic).label)
        status_label = str(CampaignStatus.RUNNING.label)
    assert f"<dd>{topic_label}</dd>" in html
    assert f"（{status_label}）" in html


def test_the_summary_counts_the_actions_under_the_name_the_campaigns_page_gives_them():
    """The page said 行动次数 and the PDF 记录次数 of the same figure."""
    from django.utils.translation import pgettext

    with translation.override("zh-hans"):
        on_the_page = pgettext("count of campaign actions", "actions logged")
    assert dict(rendering.ACTION_LABELS)["actions"] == on_the_page
