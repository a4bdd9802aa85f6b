"""The campaign list's ?status= and ?topic= from its address: a value the list does not offer
(a link edited by hand, kept from an older page) is refused with 400, lists no campaign
and says which parameter, what was written and the values the list offers, instead of
listing every campaign as if that were the filter's answer, as the order list and the
portal's other lists do. Pages in English (tests/reports/conftest.py)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
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
def campaign(office_staff):
    return campaigns.campaign_start(
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


STATUSES = "planned (Not started), running (Running), closed (Ended)"


@pytest.mark.parametrize(
    ("query", "name", "value", "offered"),
    [
        ({"status": "nonsense"}, "status", "nonsense", STATUSES),
        ({"status": "Running"}, "status", "Running", STATUSES),
        ({"topic": "cars", "status": "running"}, "topic", "cars", "vehicles (Vehicles)"),
    ],
)
@pytest.mark.parametrize("persona", ["office_staff", "mr_staff"])
def test_a_value_the_list_does_not_offer_is_refused_naming_it_and_the_values_offered(
    request, client, campaign, persona, query, name, value, offered
):
    client.force_login(request.getfixturevalue(persona))
    assert f'data-campaign="{campaign.id}"' in client.get(reverse("campaign_list")).content.decode()
    response = client.get(reverse("campaign_list"), query)
    assert response.status_code == 400
    page = response.content.decode().replace("&quot;", '"')
    assert f'data-campaign="{campaign.id}"' not in page
    assert 'id="filters-invalid"' in page
    assert f"In the address, {name}=“{value}” is not one this list offers:" in page
    assert offered in page
    select = re.search(rf'<select name="{name}"[^>]*>', page)
    assert select and "is-invalid" in select[0] and 'aria-invalid="true"' in select[0]


def test_both_refused_are_both_named(client, campaign, office_staff):
    client.force_login(office_staff)
    response = client.get(reverse("campaign_list"), {"status": "x", "topic": "y"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "status=“x”" in page and "topic=“y”" in page


@pytest.mark.parametrize(
    "query", [{}, {"status": ""}, {"topic": ""}, {"status": "running", "topic": ""}]
)
def test_a_value_the_list_offers_or_none_is_not_refused(client, campaign, mr_staff, query):
    client.force_login(mr_staff)
    response = client.get(reverse("campaign_list"), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="filters-invalid"' not in page
    assert f'data-campaign="{campaign.id}"' in page
