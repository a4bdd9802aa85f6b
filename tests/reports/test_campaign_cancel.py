"""A campaign not yet started could not be cancelled: "Close…" is for a campaign under way
(it needs the summary of the work done), and nothing else ended a campaign planned by
mistake or called off. The office now cancels it, after confirming, with a reason: the
campaign reads as cancelled, its history says who cancelled it and why, the units taking
part are told as they were told of it, and nothing else of it changes. A campaign that has
started is closed as before, not cancelled."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from departments.models import Notification
from reports import campaigns
from reports.choices import CampaignStatus
from reports.models import Campaign
from tests.factories import UserFactory, unit

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 8, 20, 10, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def commerce_staff(db):
    return UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])


def new_campaign(office_staff, starts_on=date(2026, 11, 1)) -> Campaign:
    return campaigns.campaign_start(
        acting_user=office_staff,
        title="冬季取暖器具专项整治",
        topic="household_appliances",
        goal="排查取暖器具销售企业",
        starts_on=starts_on,
        ends_on=date(2026, 12, 31),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
        targets="",
        keywords="",
    )


@pytest.fixture
def planned(office_staff, mr_staff, commerce_staff):
    return new_campaign(office_staff)


def as_is(campaign: Campaign) -> dict:
    return {
        field: getattr(campaign, field)
        for field in ("title", "topic", "goal", "starts_on", "ends_on", "lead_unit_id", "summary")
    } | {"units": sorted(campaign.units.values_list("code", flat=True))}


def test_the_office_cancels_a_campaign_not_started_with_a_reason(
    office_staff, planned, mr_staff, commerce_staff, housing_staff
):
    before = as_is(planned)
    cancelled = campaigns.campaign_cancel(
        campaign_id=planned.id,
        acting_user=office_staff,
        reason="区里统一部署，并入年底专项行动",
        expected_version=planned.version,
    )
    cancelled.refresh_from_db()
    assert cancelled.status == CampaignStatus.CANCELLED
    assert cancelled.cancel_reason == "区里统一部署，并入年底专项行动"
    assert cancelled.version == planned.version + 1
    assert as_is(cancelled) == before  # nothing else changed
    event = cancelled.events.get(kind="cancel")
    assert event.actor == office_staff and event.note == "区里统一部署，并入年底专项行动"
    told = set(
        Notification.objects.filter(key=f"campaign_cancelled:{planned.id}").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {mr_staff.id, commerce_staff.id}
    # It stays cancelled once its first day has come: no unit logs an action on it.
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=BEIJING), tick=False):
        assert cancelled.status_on(date(2026, 11, 2)) == CampaignStatus.CANCELLED
        with pytest.raises(campaigns.CampaignError):
            campaigns.action_log(
                campaign_id=planned.id,
                acting_user=mr_staff,
                day=date(2026, 11, 2),
                counts={"inspections": 1},
                note="",
            )


def test_a_reason_is_required_and_nothing_changes_without_one(office_staff, planned):
    with pytest.raises(ValidationError) as refused:
        campaigns.campaign_cancel(campaign_id=planned.id, acting_user=office_staff, reason="  ")
    assert "reason" in refused.value.message_dict
    planned.refresh_from_db()
    assert planned.status == CampaignStatus.PLANNED
    assert not planned.events.filter(kind="cancel").exists()
    assert not Notification.objects.filter(key=f"campaign_cancelled:{planned.id}").exists()


def test_a_started_campaign_is_closed_not_cancelled(office_staff):
    running = new_campaign(office_staff, starts_on=date(2026, 8, 1))
    with pytest.raises(campaigns.CampaignError):
        campaigns.campaign_cancel(campaign_id=running.id, acting_user=office_staff, reason="不做了")
    running.refresh_from_db()
    assert running.status == CampaignStatus.RUNNING


def test_only_the_office_cancels(planned, mr_staff):
    with pytest.raises(Http404):
        campaigns.campaign_cancel(campaign_id=planned.id, acting_user=mr_staff, reason="不做了")


def english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_office_cancels_on_the_screen_after_confirming(client, office_staff, planned):
    detail = reverse("campaign_detail", args=[planned.id])
    page = english(client, office_staff).get(detail).content.decode()
    assert 'id="cancel-campaign"' in page
    assert 'id="close-campaign"' not in page
    url = reverse("campaign_cancel", args=[planned.id])
    confirm = client.get(url).content.decode()
    assert 'id="confirm-cancel"' in confirm
    refused = client.post(url, {"reason": "", "version": planned.version})
    assert refused.status_code == 400
    assert 'data-error-for="reason"' in refused.content.decode()
    assert Campaign.objects.get(id=planned.id).status == CampaignStatus.PLANNED
    done = client.post(url, {"reason": "并入年底专项行动", "version": planned.version})
    assert done.status_code == 302 and done["Location"] == detail
    page = client.get(detail).content.decode()
    assert 'data-status="cancelled"' in page
    assert "并入年底专项行动" in page
    assert 'id="edit-campaign"' not in page and 'id="cancel-campaign"' not in page
    again = client.get(url)
    assert again.status_code == 302 and again["Location"] == detail


def test_a_running_campaign_offers_no_cancelling(client, office_staff):
    running = new_campaign(office_staff, starts_on=date(2026, 8, 1))
    page = english(client, office_staff).get(reverse("campaign_detail", args=[running.id]))
    html = page.content.decode()
    assert 'id="close-campaign"' in html and 'id="cancel-campaign"' not in html
    response = client.get(reverse("campaign_cancel", args=[running.id]))
    assert response.status_code == 302


def test_a_unit_is_not_offered_to_cancel(client, mr_staff, planned):
    page = english(client, mr_staff).get(reverse("campaign_detail", args=[planned.id]))
    assert 'id="cancel-campaign"' not in page.content.decode()
    assert client.get(reverse("campaign_cancel", args=[planned.id])).status_code == 404
