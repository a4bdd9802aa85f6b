"""Logging a campaign action: a day outside the campaign (or to come) is reported with the
wrong numbers, at once, rather than after the numbers are corrected; a day left empty says
"Give the date of the action." as the service does. Nothing is logged (400)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import campaigns
from reports.models import CampaignAction
from tests.factories import unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def campaign(office_staff):
    return campaigns.campaign_start(
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


def posted(client, user, campaign, **data) -> tuple[int, str]:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("campaign_log", args=[campaign.id]), data)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize(
    ("day", "said"),
    [
        ("2026-06-30", "The date must fall within the campaign, 2026-07-01 to 2026-09-30."),
        ("2026-09-01", "Log actions that have taken place."),
    ],
)
def test_a_wrong_day_is_reported_with_a_wrong_number(client, mr_staff, campaign, day, said):
    status, page = posted(client, mr_staff, campaign, day=day, inspections="-1")
    assert status == 400
    assert said in page
    assert "Ensure this value is greater than or equal to 0." in page
    assert not CampaignAction.objects.exists()


def test_an_empty_day_says_to_give_the_date(client, mr_staff, campaign):
    status, page = posted(client, mr_staff, campaign, day="", inspections="2")
    assert status == 400
    assert "Give the date of the action." in page
    assert "This field is required." not in page
    assert not CampaignAction.objects.exists()


def test_a_good_day_and_numbers_are_logged(client, mr_staff, campaign):
    status, _page = posted(client, mr_staff, campaign, day="2026-08-03", inspections="2")
    assert status == 302
    assert CampaignAction.objects.get().inspections == 2
