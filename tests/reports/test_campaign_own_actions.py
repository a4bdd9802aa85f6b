"""A unit sees the sums of every unit's actions but only its own actions listed: the list
says so, instead of "Actions logged: Nothing here." under sums counting three actions."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import campaigns
from tests.factories import unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(office_staff, mr_staff):
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
        campaigns.action_log(
            campaign_id=campaign.id,
            acting_user=mr_staff,
            day=date(2026, 7, 20),
            counts={"inspections": 3},
            note="",
        )
    return campaign


def page_of(client, user, campaign) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(reverse("campaign_detail", args=[campaign.id])).content.decode()


def test_a_unit_reads_that_the_list_is_its_own_actions(client, housing_staff, campaign):
    page = page_of(client, housing_staff, campaign)
    assert "Your unit's actions" in page
    assert "Each unit sees its own actions here; the sums above count every unit's." in page
    assert "Your unit has logged no action in this campaign." in page
    assert 'data-action="' not in page


def test_a_unit_that_logged_sees_them_under_the_same_heading(client, mr_staff, campaign):
    page = page_of(client, mr_staff, campaign)
    assert "Your unit's actions" in page
    assert page.count('data-action="') == 1


def test_the_office_reads_every_units_actions(client, office_staff, campaign):
    page = page_of(client, office_staff, campaign)
    assert "Actions logged" in page
    assert "Your unit's actions" not in page and "Each unit sees its own" not in page
    assert page.count('data-action="') == 1
