"""A campaign that has not started yet: the office is not offered "Close…" (the close page
refused only once the summary was typed, "A campaign that has not started cannot be
closed."), and its close and log pages opened by their address lead back to its page saying
why, as a closed campaign's forms do. The office's "started" message says when it starts."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import campaigns
from tests.factories import unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def planned(office_staff):
    return campaigns.campaign_start(
        acting_user=office_staff,
        title="冬季取暖器具专项整治",
        topic="household_appliances",
        goal="排查取暖器具销售企业",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 12, 31),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[],
        targets="",
        keywords="",
    )


def english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_office_is_not_offered_to_close_it(client, office_staff, planned):
    page = english(client, office_staff).get(reverse("campaign_detail", args=[planned.id]))
    html = page.content.decode()
    assert 'id="edit-campaign"' in html
    assert 'id="close-campaign"' not in html


def test_its_close_page_leads_back_saying_why(client, office_staff, planned):
    response = english(client, office_staff).get(reverse("campaign_close", args=[planned.id]))
    assert response.status_code == 302
    assert response.url == reverse("campaign_detail", args=[planned.id])
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["A campaign that has not started cannot be closed."]


def test_its_log_page_leads_back_saying_when_it_starts(client, mr_staff, planned):
    response = english(client, mr_staff).get(reverse("campaign_log", args=[planned.id]))
    assert response.status_code == 302
    assert response.url == reverse("campaign_detail", args=[planned.id])
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["This campaign starts on 2026-11-01; actions can be logged from then."]


def test_once_running_it_is_offered_to_close_and_to_log(client, office_staff, mr_staff, planned):
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=BEIJING), tick=False):
        page = english(client, office_staff).get(reverse("campaign_detail", args=[planned.id]))
        assert 'id="close-campaign"' in page.content.decode()
        assert client.get(reverse("campaign_close", args=[planned.id])).status_code == 200
        english(client, mr_staff)
        assert client.get(reverse("campaign_log", args=[planned.id])).status_code == 200


def test_the_office_is_told_when_a_new_campaign_starts(client, office_staff):
    data = {
        "title": "冬季取暖器具专项整治",
        "topic": "household_appliances",
        "goal": "排查取暖器具销售企业",
        "lead_unit": unit("market-regulation").id,
        "form_once": "",
    }
    english(client, office_staff)
    later = client.post(
        reverse("campaign_new"),
        {**data, "starts_on": "2026-11-01", "ends_on": "2026-12-31"},
        follow=True,
    ).content.decode()
    assert "The campaign was set up; it starts on 2026-11-01." in later
    assert "The campaign was started." not in later
    now = client.post(
        reverse("campaign_new"),
        {**data, "title": "家电专项整治", "starts_on": "2026-08-20", "ends_on": "2026-12-31"},
        follow=True,
    ).content.decode()
    assert "The campaign was started." in now
