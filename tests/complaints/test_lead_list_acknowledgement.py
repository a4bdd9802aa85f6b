"""The leads list says of each lead whether and when it was acknowledged: the column gave
the deadline to acknowledge by for every lead, one acknowledged days ago included, with no
sign that it had been met, so the referring unit opened each lead to learn whether it had
been signed for in time. A lead acknowledged now shows when, and whether that was on time
or late; one waiting shows its deadline (overdue when passed), as before. Pages in English.

"Now" is Monday 6 July 2026, 10:00 in Beijing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from complaints import referrals
from complaints.deadlines import BEIJING
from complaints.models import Referral

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 7, 6, 10, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def refer(mr_liaison, title: str) -> Referral:
    return referrals.referral_send(
        acting_user=mr_liaison,
        to_unit_code="housing",
        title=title,
        facts="巡查中发现某物业公司未经备案上调地下车位停车费。",
    )


def cell(client, person, lead: Referral) -> str:
    client.force_login(person)
    client.cookies["django_language"] = "en"
    page = unescape(client.get(reverse("referral_list") + "?tab=sent").content.decode())
    row = page.split(f'data-referral="{lead.id}"', 1)[1].split("</tr>", 1)[0]
    found = re.search(r'<td class="lead-ack"[^>]*>(.*?)</td>', row, re.S)
    assert found, row
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def test_a_lead_acknowledged_in_time_says_when_and_on_time(
    client, mr_liaison, housing_staff, clock
):
    lead = refer(mr_liaison, "小区物业擅自提高停车费")
    clock.move_to(NOW + timedelta(hours=3))
    referrals.referral_acknowledge(referral_id=lead.id, acting_user=housing_staff)
    lead.refresh_from_db()

    shown = cell(client, mr_liaison, lead)

    assert shown == "Acknowledged 2026-07-06 13:00 On time"


def test_a_lead_acknowledged_after_its_deadline_says_late(client, mr_liaison, housing_staff, clock):
    lead = refer(mr_liaison, "电梯维保单位未按期检验")
    late = lead.ack_due_at + timedelta(days=1)
    clock.move_to(late)
    referrals.referral_acknowledge(referral_id=lead.id, acting_user=housing_staff)

    shown = cell(client, mr_liaison, lead)

    local = late.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    assert shown == f"Acknowledged {local} Late"


def test_a_lead_waiting_shows_its_deadline_and_whether_it_passed(client, mr_liaison, clock):
    lead = refer(mr_liaison, "物业公司擅自提高公共维修基金收费标准")
    due = lead.ack_due_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")

    assert cell(client, mr_liaison, lead) == f"Acknowledge by {due}"
    clock.move_to(lead.ack_due_at + timedelta(hours=1))
    assert cell(client, mr_liaison, lead) == f"Acknowledge by {due} Overdue"
