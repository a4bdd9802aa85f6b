"""A joint campaign in a real Chromium: the office starts it, the Market Regulation Bureau
logs an action (after a refused one), the office closes it with its summary, and the unit
downloads the summary PDF."""

from datetime import timedelta

import pytest
from django.utils import timezone

from departments.choices import RoleCode
from reports.models import Campaign, CampaignAction
from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS


@pytest.fixture
def people(transactional_db):
    return {
        "office": UserFactory(
            username="office_campaigns", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF]
        ),
        "staff": UserFactory(
            username="mr_campaigns", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF]
        ),
    }


@pytest.fixture
def browser(people, live_server):
    with chromium() as browser:
        yield browser


def test_the_office_starts_a_campaign_a_unit_logs_and_the_office_closes_it(
    browser, live_server, people, tmp_path
):
    journey(browser, live_server, tmp_path)


def journey(browser, live_server, tmp_path):
    today = timezone.localdate()
    office = signed_in(browser, live_server, "office_campaigns", at="/campaigns/")
    office.click("#new-campaign")
    office.wait_for_selector("#campaign-form")
    office.fill("#id_title", "家用电器质量专项整治")
    office.select_option("#id_topic", "household_appliances")
    office.fill("#id_goal", "排查家电销售企业")
    office.fill("#id_starts_on", (today - timedelta(days=10)).isoformat())
    office.fill("#id_ends_on", (today + timedelta(days=20)).isoformat())
    office.select_option("#id_lead_unit", str(unit("market-regulation").id))
    office.check(f"input[name='units'][value='{unit('commerce').id}']")
    office.fill("#id_targets", "苏宁易购武清店")
    office.click("#save-campaign")
    office.wait_for_selector("#campaign-status[data-status='running']")
    campaign = Campaign.objects.get()
    assert "区商务局" in office.inner_text("#campaign-units")

    staff = signed_in(browser, live_server, "mr_campaigns", at="/campaigns/")
    staff.click(f"tr[data-campaign='{campaign.id}'] a")
    staff.click("#log-action-link")
    staff.wait_for_selector("#action-form")
    staff.fill("#id_inspections", "3")
    staff.fill("#id_batches_sampled", "2")
    staff.fill("#id_batches_failed", "5")
    staff.click("#log-action")
    staff.wait_for_selector("[data-error-for='batches_failed']")
    assert staff.input_value("#id_inspections") == "3"
    staff.fill("#id_batches_failed", "1")
    staff.fill("#id_pieces_removed", "40")
    staff.click("#log-action")
    staff.wait_for_selector("#campaign-sums")
    total = staff.inner_text("#campaign-sums tr[data-unit='total']")
    assert "40" in total and "3" in total
    assert CampaignAction.objects.get().batches_failed == 1

    office.goto(f"{live_server.url}/campaigns/{campaign.id}/")
    office.click("#close-campaign")
    office.wait_for_selector("#close-form")
    office.fill("#id_summary", "共检查家电经营户3次，下架问题产品40件。")
    office.click("#confirm-close")
    office.wait_for_selector("#campaign-status[data-status='closed']")
    assert "下架问题产品40件" in office.inner_text("#campaign-summary")

    staff.goto(f"{live_server.url}/campaigns/{campaign.id}/")
    assert staff.query_selector("#log-action-link") is None
    with staff.expect_download() as download:
        staff.click("#campaign-pdf")
    target = tmp_path / "campaign.pdf"
    download.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
