"""A closed campaign's edit, close and log addresses (a bookmark, a tab left open, the
back button) lead to the campaign's page saying it is closed, instead of a bare 404 that
reads as "no such campaign", or a form that could only fail when sent. Who may not manage
campaigns still gets the 404 any address not theirs gets.

Pages in English (the `django_language` cookie)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import campaigns
from reports.choices import CampaignStatus
from tests.factories import unit

# Personas are asked for by name (getfixturevalue), which pytest-django does not see when
# it puts database tests before those that empty the tables: the mark says so.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def closed(office_staff):
    campaign = campaigns.campaign_start(
        acting_user=office_staff,
        title="家用电器质量专项整治",
        topic="household_appliances",
        goal="排查家电销售企业",
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 9, 30),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
        targets="",
        keywords="",
    )
    return campaigns.campaign_close(
        campaign_id=campaign.id, acting_user=office_staff, summary="共检查商户30家。"
    )


@pytest.mark.parametrize(
    ("persona", "name", "message"),
    [
        ("office_staff", "campaign_edit", "A closed campaign can no longer be changed."),
        ("office_staff", "campaign_close", "This campaign is already closed."),
        ("mr_staff", "campaign_log", "This campaign is closed; no more actions can be logged."),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_closed_campaigns_form_leads_to_its_page_saying_it_is_closed(
    request, client, closed, persona, name, message, method
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(request.getfixturevalue(persona))
    posted = {"title": "改名", "summary": "再次结束", "day": "2026-08-03", "inspections": "1"}
    response = getattr(client, method)(
        reverse(name, args=[closed.id]),
        {**posted, "version": closed.version} if method == "post" else {},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("campaign_detail", args=[closed.id])
    page = client.get(response["Location"])
    assert message in [str(m) for m in page.context["messages"]]
    closed.refresh_from_db()
    assert closed.status == CampaignStatus.CLOSED and closed.title == "家用电器质量专项整治"
    assert closed.summary == "共检查商户30家。" and not closed.actions.exists()


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("mr_staff", "campaign_edit"),
        ("mr_head", "campaign_close"),
        ("housing_staff", "campaign_log"),
    ],
)
def test_who_may_not_change_it_still_gets_a_404(request, client, closed, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name, args=[closed.id])).status_code == 404
