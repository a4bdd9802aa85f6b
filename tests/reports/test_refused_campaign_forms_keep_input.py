"""A campaign's form refused (a goal too long, the campaign changed by someone else
meanwhile, a close before it started) comes back with 400, what was typed and the reason,
nothing saved. A change or a close refused as stale, or a close of a campaign not yet
started, redirected to the campaign's page (200): the title, goal or summary typed were gone."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from reports import campaigns
from reports.choices import CampaignStatus
from reports.models import Campaign
from tests.factories import unit
from tests.helpers import form_html, input_value, textarea_text

pytestmark = pytest.mark.django_db

STALE = (
    "Someone else changed this campaign while you had it open, so nothing was saved. The form "
    "keeps what you typed; the campaign&#x27;s page shows it as it is now: check it and send "
    "the form again."
)
"""Said once, in the form that keeps what was typed; the form does not show the campaign
as it now is, its own page (linked above) does."""


def _campaign(office_staff, starts_on=date(2026, 1, 1)) -> Campaign:
    return campaigns.campaign_start(
        acting_user=office_staff,
        title="家用电器质量专项整治",
        topic="household_appliances",
        goal="排查家电销售企业，下架不合格产品",
        starts_on=starts_on,
        ends_on=date(2036, 12, 31),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
        targets="",
        keywords="",
    )


def _sent(**values) -> dict:
    return {
        "title": "家电质量专项整治（调整）",
        "topic": "household_appliances",
        "goal": "排查全区家电销售企业",
        "starts_on": "2026-01-01",
        "ends_on": "2036-12-31",
        "lead_unit": str(unit("market-regulation").id),
        "units": [str(unit("commerce").id)],
        "targets": "京津商贸城",
        "keywords": "电器",
        **values,
    }


def _post(client, person, url, data):
    client.force_login(person)
    client.cookies["django_language"] = "en"
    return client.post(url, data)


def _stored(campaign: Campaign) -> tuple:
    stored = Campaign.objects.get(id=campaign.id)
    return (stored.title, stored.goal, stored.status, stored.version)


def test_a_new_campaign_refused_keeps_what_was_typed(client, office_staff):
    sent = _sent(goal="目" * 5001)

    response = _post(client, office_staff, reverse("campaign_new"), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert input_value(page, "title") == sent["title"]
    assert textarea_text(page, "targets").strip() == sent["targets"]
    assert "Ensure this value has at most 5000 characters (it has 5001)." in page
    assert not Campaign.objects.exists()


def test_a_change_made_on_a_stale_page_keeps_what_was_typed(client, office_staff):
    campaign = _campaign(office_staff)
    before = _stored(campaign)

    response = _post(
        client,
        office_staff,
        reverse("campaign_edit", args=[campaign.id]),
        _sent(version=str(campaign.version - 1)),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert input_value(page, "title") == "家电质量专项整治（调整）"
    assert textarea_text(page, "goal").strip() == "排查全区家电销售企业"
    assert input_value(page, "version") == str(campaign.version)  # sent again, it saves
    assert page.count(STALE) == 1
    assert _stored(campaign) == before


@pytest.mark.parametrize(
    ("starts_on", "stale", "why"),
    [
        (date(2026, 1, 1), True, "Someone else changed this campaign while you had it open"),
        (date(2036, 1, 1), False, "A campaign that has not started cannot be closed."),
    ],
    ids=["stale", "not started"],
)
def test_a_refused_close_keeps_the_summary(client, office_staff, starts_on, stale, why):
    campaign = _campaign(office_staff, starts_on=starts_on)
    before = _stored(campaign)
    summary = "共检查家电销售企业86家，下架不合格产品320件。"

    response = _post(
        client,
        office_staff,
        reverse("campaign_close", args=[campaign.id]),
        {"summary": summary, "version": str(campaign.version - 1 if stale else campaign.version)},
    )

    assert response.status_code == 400
    page = response.content.decode()
    form = form_html(page, "close-form")
    assert textarea_text(form, "summary").strip() == summary
    assert why in form
    assert _stored(campaign) == before
    assert before[2] != CampaignStatus.CLOSED


def test_a_change_from_a_page_opened_before_it_was_cancelled_says_so(client, office_staff):
    """The status is checked before the version: cancelled meanwhile, the change says that
    rather than that the campaign changed."""
    campaign = _campaign(office_staff, starts_on=date(2036, 1, 1))
    seen = campaign.version
    campaigns.campaign_cancel(campaign_id=campaign.id, acting_user=office_staff, reason="取消")
    with pytest.raises(campaigns.CampaignError) as refused:
        campaigns.campaign_update(
            campaign_id=campaign.id,
            acting_user=office_staff,
            title="家电质量专项整治（调整）",
            topic="household_appliances",
            goal="排查全区家电销售企业",
            starts_on=date(2036, 1, 1),
            ends_on=date(2036, 12, 31),
            lead_unit_id=unit("market-regulation").id,
            unit_ids=[unit("commerce").id],
            expected_version=seen,
        )
    assert refused.value.message == "This campaign was cancelled; it can no longer be changed."
