"""A lead posted a second time, the same work order, unit, title and text, while the first
is still waiting to be acknowledged, is not referred again: `referral_send` answers with
the earlier lead (a double click, a refresh, or a sender who forgot). The page then said
"Lead … was referred to …", as if it had just been sent. It now says that this lead had
already been referred, on which day, and that nothing new was sent. Once the earlier lead
was rejected, the same lead can be referred again and is, as a new lead."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from complaints import referrals, workflow
from complaints.choices import ReferralStatus
from complaints.deadlines import BEIJING
from complaints.models import Referral
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit

MONDAY = datetime(2026, 9, 21, 10, tzinfo=BEIJING)


@pytest.fixture
def order(db, office_staff, housing_staff):
    with time_machine.travel(MONDAY, tick=False):
        order = make_order(office_staff, unit_code="housing", content="物业公司收取装修押金后不退")
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    return order


def post(client, person, order, language="en"):
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.post(
        reverse("referral_new"),
        {
            "to_unit": "market-regulation",
            "title": "装修押金不退涉嫌价格违法",
            "facts": "物业公司另收装修押金，装修完成后拒不退还。",
            "order": order.number,
        },
    )


def said(response) -> str:
    """What the page the post leads to says first: the last message of the post."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def test_a_lead_sent_again_says_it_had_been_referred_and_nothing_new_was_sent(
    client, order, housing_staff
):
    with time_machine.travel(MONDAY, tick=False):
        first = post(client, housing_staff, order)
    lead = Referral.objects.get()
    assert said(first) == f"Lead {lead.number} was referred to Market Regulation Bureau."
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        again = post(client, housing_staff, order)
    assert again.status_code == 302
    assert again["Location"] == reverse("referral_detail", args=[lead.id])
    assert Referral.objects.count() == 1
    message = said(again)
    day = timezone.localtime(lead.created_at).strftime("%Y-%m-%d")
    assert f"Lead {lead.number}" in message
    assert f"had already been referred to Market Regulation Bureau on {day}" in message
    assert "nothing new was sent" in message
    assert "was referred to" not in message.replace("had already been referred to", "")


def test_the_chinese_page_says_so_too(client, order, housing_staff):
    with time_machine.travel(MONDAY, tick=False):
        post(client, housing_staff, order, "zh-hans")
        again = post(client, housing_staff, order, "zh-hans")
    message = said(again)
    assert "已于2026-09-21移送" in message and "未再次移送" in message


def test_the_same_lead_is_referred_again_once_the_earlier_one_was_rejected(
    client, order, housing_staff
):
    receiver = UserFactory(unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF])
    with time_machine.travel(MONDAY, tick=False):
        post(client, housing_staff, order)
    earlier = Referral.objects.get()
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        referrals.referral_reject(
            referral_id=earlier.id, acting_user=receiver, reasons="请先补充押金收据。"
        )
        again = post(client, housing_staff, order)
    assert Referral.objects.count() == 2
    new = Referral.objects.exclude(id=earlier.id).get()
    assert new.status == ReferralStatus.SENT
    assert again["Location"] == reverse("referral_detail", args=[new.id])
    assert said(again) == f"Lead {new.number} was referred to Market Regulation Bureau."
