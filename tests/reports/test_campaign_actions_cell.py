"""A campaign's list of logged actions: the cell with an action's numbers opened in lower
case in English ("inspections 3 · businesses checked 2 · …") beside capitalised cells; its
first word now begins with a capital, the rest of the line is as it was. (English pages:
tests/reports/conftest.py.)"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from complaints.deadlines import BEIJING
from reports import campaigns
from tests.factories import unit


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def logged(office_staff, mr_staff):
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
    action = campaigns.action_log(
        campaign_id=campaign.id,
        acting_user=mr_staff,
        day=date(2026, 8, 19),
        counts={"inspections": 3, "businesses_checked": 2},
    )
    return campaign, action


def numbers_cell(page: str, action_id: int) -> str:
    row = re.search(rf'<tr data-action="{action_id}">(.*?)</tr>', page, re.S)
    assert row
    cell = re.search(r'<td class="small label-above"[^>]*>(.*?)</td>', row[1], re.S)
    assert cell
    return re.sub(r"<[^>]+>", "", cell[1]).strip()


def test_an_actions_numbers_begin_with_a_capital(client, logged, office_staff):
    campaign, action = logged
    client.force_login(office_staff)
    page = client.get(reverse("campaign_detail", args=[campaign.id])).content.decode()
    assert numbers_cell(page, action.id).startswith(
        "Inspections 3 · businesses checked 2 · problems found 0 · "
    )


def test_the_chinese_cell_is_as_before(client, logged, office_staff):
    campaign, action = logged
    client.force_login(office_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    with translation.override("zh-hans"):
        page = client.get(reverse("campaign_detail", args=[campaign.id])).content.decode()
        expected = f"{translation.gettext('inspections')} 3 · "
    assert numbers_cell(page, action.id).startswith(expected)
