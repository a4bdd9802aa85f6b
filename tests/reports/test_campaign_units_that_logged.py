"""A change that would take out of a campaign units that logged actions is refused, naming
them in the reader's language, with the verb agreeing with how many there are (the English
page read "区商务局 have logged actions and must stay in the campaign.")."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from reports import campaigns
from tests.factories import UserFactory, unit

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 8, 20, 10, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def campaign(office_staff):
    """Commerce and housing take part, and each logged an action."""
    campaign = campaigns.campaign_start(
        acting_user=office_staff,
        title="家用电器质量专项整治",
        topic="household_appliances",
        goal="排查家电销售企业",
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 9, 30),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id, unit("housing").id],
        targets="",
        keywords="",
    )
    for code in ("commerce", "housing"):
        campaigns.action_log(
            campaign_id=campaign.id,
            acting_user=UserFactory(unit=unit(code), roles=[RoleCode.UNIT_STAFF]),
            day=date(2026, 7, 20),
            counts={"inspections": 1},
            note="",
        )
    return campaign


def refused(campaign, office_staff, unit_ids) -> str:
    with pytest.raises(ValidationError) as caught:
        campaigns.campaign_update(
            campaign_id=campaign.id,
            acting_user=office_staff,
            title=campaign.title,
            topic=campaign.topic,
            goal=campaign.goal,
            starts_on=campaign.starts_on,
            ends_on=campaign.ends_on,
            lead_unit_id=campaign.lead_unit_id,
            unit_ids=unit_ids,
            targets="",
            keywords="",
        )
    return caught.value.message_dict["units"][0]


def test_one_unit_is_named_in_english_with_has(campaign, office_staff):
    with translation.override("en"):
        said = refused(campaign, office_staff, [unit("housing").id])
    assert said == "Commerce Bureau has logged actions and must stay in the campaign."


def test_two_units_are_named_in_english_with_have(campaign, office_staff):
    with translation.override("en"):
        said = refused(campaign, office_staff, [])
    assert said == (
        "Commerce Bureau, Housing and Construction Commission have logged actions and must "
        "stay in the campaign."
    )


def test_the_edit_page_names_them_in_english(campaign, office_staff, client):
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("campaign_edit", args=[campaign.id]),
        {
            "title": campaign.title,
            "topic": campaign.topic,
            "goal": campaign.goal,
            "starts_on": "2026-07-01",
            "ends_on": "2026-09-30",
            "lead_unit": campaign.lead_unit_id,
            "units": [unit("commerce").id],
            "version": campaign.version,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Housing and Construction Commission has logged actions" in page
    assert "区住房建设委" not in page.split('data-error-for="units"')[1].split("</div>")[0]
