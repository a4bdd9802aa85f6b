"""The same lead (the same work order, receiving unit, title and text) sent while it is still
open by a colleague of the person who referred it is not referred a second time. A lead
was taken for a repeat only when the same person sent it again; a colleague of the same
unit who sent the identical lead (two people working one case, one of them not knowing the
other had referred it) created a second lead, which the receiving unit had to acknowledge,
decide and count as another case. The repeat is now the sending unit's: the colleague's
post is answered with the lead already referred, and its page says who referred it and
when, and that nothing new was sent. Another unit sending the same text is another lead."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints import referrals, workflow
from complaints.choices import ReferralStatus
from complaints.deadlines import BEIJING
from complaints.models import Referral
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit

MONDAY = datetime(2026, 9, 21, 10, tzinfo=BEIJING)
TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)
TITLE = "装修押金不退涉嫌价格违法"
FACTS = "物业公司另收装修押金，装修完成后拒不退还。"


@pytest.fixture
def order(db, office_staff, housing_staff):
    with time_machine.travel(MONDAY, tick=False):
        order = make_order(office_staff, unit_code="housing", content="物业公司收取装修押金后不退")
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    return order


@pytest.fixture
def colleague(db):
    """A second person of the Housing bureau, who did not send the first lead."""
    return UserFactory(
        username="housing2", name="李敏", unit=unit("housing"), roles=[RoleCode.UNIT_STAFF]
    )


def send(person, order, **changes):
    form = {
        "acting_user": person,
        "to_unit_code": "market-regulation",
        "title": TITLE,
        "facts": FACTS,
        "order_number": order.number,
    }
    return referrals.referral_send(**(form | changes))


def post(client, person, order, language="en"):
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        reverse("referral_new"),
        {"to_unit": "market-regulation", "title": TITLE, "facts": FACTS, "order": order.number},
    )
    client.get(response["Location"])  # the page it leads to shows (and uses up) its messages
    return response


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_colleague_sending_the_same_lead_is_answered_with_the_one_referred(
    order, housing_staff, colleague
):
    with time_machine.travel(MONDAY, tick=False):
        lead = send(housing_staff, order)
    with time_machine.travel(TUESDAY, tick=False):
        answer = send(colleague, order)
    assert answer.id == lead.id and answer.sent_before
    assert Referral.objects.count() == 1
    assert answer.created_by == housing_staff


def test_the_page_names_the_colleague_who_referred_it(client, order, housing_staff, colleague):
    housing_staff.name = "王伟"
    housing_staff.save(update_fields=["name"])
    with time_machine.travel(MONDAY, tick=False):
        post(client, housing_staff, order)
    lead = Referral.objects.get()
    with time_machine.travel(TUESDAY, tick=False):
        again = post(client, colleague, order)
    assert again["Location"] == reverse("referral_detail", args=[lead.id])
    assert said(again) == [
        f"Lead {lead.number}, with the same title and text, had already been referred to "
        "Market Regulation Bureau by 王伟 of your unit on 2026-09-21 and is still awaiting "
        "acknowledgement; nothing new was sent."
    ]


def test_the_page_names_the_colleague_once_the_lead_was_acknowledged(
    client, order, housing_staff, colleague, mr_staff
):
    housing_staff.name = "王伟"
    housing_staff.save(update_fields=["name"])
    with time_machine.travel(MONDAY, tick=False):
        lead = send(housing_staff, order)
    with time_machine.travel(TUESDAY, tick=False):
        referrals.referral_acknowledge(referral_id=lead.id, acting_user=mr_staff)
    with time_machine.travel(WEDNESDAY, tick=False):
        again = post(client, colleague, order)
    assert said(again) == [
        f"Lead {lead.number}, with the same title and text, had already been referred to "
        "Market Regulation Bureau by 王伟 of your unit on 2026-09-21, which acknowledged it "
        "on 2026-09-22 and has not yet accepted or rejected it; nothing new was sent."
    ]


def test_the_chinese_page_names_the_colleague(client, order, housing_staff, colleague):
    housing_staff.name = "王伟"
    housing_staff.save(update_fields=["name"])
    with time_machine.travel(MONDAY, tick=False):
        lead = send(housing_staff, order)
    with time_machine.travel(TUESDAY, tick=False):
        again = post(client, colleague, order, "zh-hans")
    assert said(again) == [
        f"标题和内容相同的线索 {lead.number} 已由本单位王伟于2026-09-21移送区市场监管局，"
        "尚待签收；本次未再次移送。"
    ]


def test_the_sender_sending_it_again_is_told_as_before(client, order, housing_staff):
    """The person who referred it reads what he read before, without his own name."""
    with time_machine.travel(MONDAY, tick=False):
        lead = send(housing_staff, order)
    with time_machine.travel(TUESDAY, tick=False):
        again = post(client, housing_staff, order)
    assert said(again) == [
        f"Lead {lead.number}, with the same title and text, had already been referred to "
        "Market Regulation Bureau on 2026-09-21 and is still awaiting acknowledgement; "
        "nothing new was sent."
    ]


def test_another_unit_sending_the_same_text_refers_another_lead(order, housing_staff):
    commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    with time_machine.travel(MONDAY, tick=False):
        lead = send(housing_staff, order)
        other = send(commerce, order, order_number="")
    assert other.id != lead.id and not other.sent_before
    assert other.from_unit.code == "commerce"


@pytest.mark.parametrize(
    "change",
    [
        {"facts": FACTS + "另有多户反映。"},
        {"to_unit_code": "commerce"},
        {"urgent": True},
        {"legal_basis": "《价格法》第十四条"},
    ],
)
def test_a_colleagues_lead_that_differs_is_another_lead(order, housing_staff, colleague, change):
    with time_machine.travel(MONDAY, tick=False):
        lead = send(housing_staff, order)
        other = send(colleague, order, **change)
    assert other.id != lead.id and not other.sent_before


def test_a_colleague_sends_it_anew_once_the_first_was_rejected(
    order, housing_staff, colleague, mr_staff
):
    with time_machine.travel(MONDAY, tick=False):
        lead = send(housing_staff, order)
        referrals.referral_reject(referral_id=lead.id, acting_user=mr_staff, reasons="请补充收据。")
        new = send(colleague, order)
    assert new.id != lead.id and new.status == ReferralStatus.SENT and not new.sent_before
