"""What people wrote in Chinese, shown on a page read in English, is marked lang="zh-Hans",
so that a screen reader reads it with a Chinese voice (an English one spells out or skips
the characters; WCAG 3.1.2): the hotline categories and businesses of the district
report's top lists (and a unit's Chinese name where it has no English one), a campaign's
title in the breadcrumbs of the pages that close, cancel or log on it, and an
implementation plan's title and note. These were left unmarked. On a Chinese page nothing
is marked."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import campaigns
from reports import plan_services as plans
from tests.a11y import read_in_another_language
from tests.factories import make_order, unit

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=BEIJING), tick=False):
        yield


def read(client, person, url: str, language: str = "en") -> str:
    client.force_login(person)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_district_reports_top_lists_read_their_chinese_as_chinese(client, office_staff):
    make_order(office_staff, business_name="武清区某某超市有限公司", category="预付卡")
    url = reverse("district_report", args=["2026Q3"])
    words = ["预付卡", "武清区某某超市有限公司"]
    page = read(client, office_staff, url)
    assert [w for w in words if w not in page] == []
    assert read_in_another_language(page, words) == []
    assert 'lang="zh-Hans"' not in read(client, office_staff, url, "zh-hans")


@pytest.fixture
def campaign(office_staff):
    return campaigns.campaign_start(
        acting_user=office_staff,
        title="冬季取暖器具专项整治",
        topic="household_appliances",
        goal="排查取暖器具销售企业",
        starts_on=date(2026, 8, 1),
        ends_on=date(2026, 12, 31),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
        targets="",
        keywords="",
    )


@pytest.mark.parametrize("step", ["campaign_log", "campaign_close"])
def test_a_campaigns_title_in_the_breadcrumbs_reads_as_chinese(
    client, campaign, office_staff, mr_staff, step
):
    person = mr_staff if step == "campaign_log" else office_staff
    page = read(client, person, reverse(step, args=[campaign.id]))
    crumbs = page.split('class="breadcrumb"', 1)[1].split("</ol>", 1)[0]
    assert "冬季取暖器具专项整治" in crumbs
    assert read_in_another_language(crumbs, ["冬季取暖器具专项整治"]) == []


def test_a_cancelled_campaigns_page_reads_its_title_as_chinese(client, office_staff):
    planned = campaigns.campaign_start(
        acting_user=office_staff,
        title="春季装饰装修材料专项检查",
        topic="decoration_materials",
        goal="检查装饰装修材料",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 12, 31),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
        targets="",
        keywords="",
    )
    page = read(client, office_staff, reverse("campaign_cancel", args=[planned.id]))
    crumbs = page.split('class="breadcrumb"', 1)[1].split("</ol>", 1)[0]
    assert read_in_another_language(crumbs, ["春季装饰装修材料专项检查"]) == []


def test_an_implementation_plans_title_and_note_read_as_chinese(
    client, settings, tmp_path, mr_liaison, office_staff
):
    settings.MEDIA_ROOT = tmp_path
    plan = plans.plan_start(unit=unit("market-regulation"), year=2026, acting_user=mr_liaison)
    plans.plan_save(
        plan_id=plan.id, acting_user=mr_liaison, title="2026年消费维权工作实施方案", note="工作要点"
    )
    plans.plan_attach(
        plan_id=plan.id,
        acting_user=mr_liaison,
        uploads=[SimpleUploadedFile("实施方案.pdf", PDF_BYTES, content_type="application/pdf")],
    )
    plans.plan_file(plan_id=plan.id, acting_user=mr_liaison)
    detail = read(client, office_staff, reverse("plan_detail", args=[plan.id]))
    assert read_in_another_language(detail, ["2026年消费维权工作实施方案", "工作要点"]) == []
    listing = read(client, office_staff, reverse("plan_list") + "?year=2026")
    assert "2026年消费维权工作实施方案" in listing
    assert read_in_another_language(listing, ["2026年消费维权工作实施方案"]) == []
