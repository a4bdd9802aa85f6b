"""Closing a campaign without its summary is refused on the page with what is missing,
"Write the campaign's summary before closing it.", as the service says it, rather than the
generic "This field is required."; the campaign stays open."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import campaigns
from reports.choices import CampaignStatus
from tests.factories import unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("summary", ["", "   \n "])
def test_an_empty_summary_is_refused_saying_what_to_write(client, office_staff, summary):
    with time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=BEIJING), tick=False):
        campaign = campaigns.campaign_start(
            acting_user=office_staff,
            title="家用电器质量专项整治",
            topic="household_appliances",
            goal="排查家电销售企业",
            starts_on=date(2026, 7, 1),
            ends_on=date(2026, 9, 30),
            lead_unit_id=unit("market-regulation").id,
            unit_ids=[],
            targets="",
            keywords="",
        )
        client.force_login(office_staff)
        client.cookies["django_language"] = "en"
        response = client.post(
            reverse("campaign_close", args=[campaign.id]),
            {"summary": summary, "version": campaign.version},
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write the campaign&#x27;s summary before closing it." in page
    assert "This field is required." not in page
    campaign.refresh_from_db()
    assert campaign.status != CampaignStatus.CLOSED
