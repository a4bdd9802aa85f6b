"""Who may open a jurisdiction dispute about a lead: the lead's page and the service agree
(`disputes.may_open_lead_dispute`). The notice has either side put a case the two units
cannot agree on to the office (四（五）): the receiving unit, the referring unit until the
receiving one accepted the lead, and the office as its own question; never about a lead
the leader's decision already settled, nor while a dispute about it waits for him.

Before, the page offered the form to the receiving unit alone (and to the office for a
rejected lead), while `disputes.dispute_open` opened one for the referring unit and the
office on any lead, and for the referring unit after the lead was accepted; and it opened a
second dispute about a lead whose rejection a decided dispute had settled, which the page
did not offer."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints import disputes, referrals
from complaints.models import Dispute, Referral, WorkOrder
from departments import access
from departments.choices import RoleCode
from tests.complaints import lead_kit
from tests.factories import UserFactory, make_order, unit
from wuqing_consumer.errors import ActionRefused

# The shared fixtures of the lead tests (tests/complaints/lead_kit.py).
clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


def sent(people) -> Referral:
    """Commerce refers a lead to education, which has not decided on it yet."""
    return referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
    )


def accepted(people) -> Referral:
    """Education accepted it and registered a work order for it."""
    lead = sent(people)
    return referrals.referral_accept(
        referral_id=lead.id, acting_user=people["education"], open_order=True
    )


def disputed(people) -> Referral:
    """Education disputed it; the dispute waits for the group leader."""
    lead = sent(people)
    disputes.dispute_open(acting_user=people["education"], summary="非教育。", referral_id=lead.id)
    return lead


def accepted_order_disputed(people) -> Referral:
    """Education accepted it with a work order, which the office disputes by its number."""
    lead = accepted(people)
    disputes.dispute_open(
        acting_user=people["office"], summary="工单管辖不清。", order_number=lead.case_reference
    )
    return lead


def settled_through_its_order(people) -> Referral:
    """Commerce refers two leads found in one of its orders; education disputes the first
    and market regulation rejects the second, which is recorded on that dispute; the leader
    designates housing. The second lead is settled with the order, though no dispute of its
    own names it."""
    order = make_order(people["office"], unit_code="commerce", content="培训机构预收学费后停课")
    first = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课。",
        order_number=order.number,
    )
    dispute = disputes.dispute_open(
        acting_user=people["education"], summary="非教育。", referral_id=first.id
    )
    second = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="market-regulation",
        title="同一工单的另一线索",
        facts="该机构另有虚假宣传。",
        order_number=order.number,
    )
    referrals.referral_reject(
        referral_id=second.id, acting_user=people["market"], reasons="不属市场监管。"
    )
    lead_kit.designate(people, dispute, "housing")
    assert WorkOrder.objects.get(id=order.id).primary_unit.code == "housing"
    return Referral.objects.get(id=second.id)


CASES = {
    "sent": (sent, {"education", "commerce", "office"}),
    "accepted": (accepted, {"education", "office"}),
    "disputed": (disputed, set()),
    "accepted-order-disputed": (accepted_order_disputed, set()),
    "settled-through-its-order": (settled_through_its_order, set()),
}
READERS = ("education", "commerce", "office", "market", "leader")


@pytest.fixture
def everyone(people):
    market = UserFactory(unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF])
    return {**people, "market": market}


def offered(client, user, lead: Referral) -> bool | None:
    """Whether the lead's page offers `user` the dispute form; None when it is not theirs."""
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("referral_detail", args=[lead.id]))
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["can_dispute"] == ('id="open-dispute"' in page)
    return response.context["can_dispute"]


def post(client, user, lead: Referral) -> tuple[int, list[str]]:
    """Send the lead page's dispute form as `user`: the status and the messages it leaves."""
    client.force_login(user)
    client.cookies["django_language"] = "en"
    back = reverse("referral_detail", args=[lead.id])
    response = client.post(
        reverse("dispute_open"), {"referral": lead.id, "summary": "管辖不清。", "back": back}
    )
    return response.status_code, [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("reader", READERS)
def test_the_page_offers_the_form_to_exactly_those_the_service_lets_open_it(
    client, everyone, case, reader
):
    make, may = CASES[case]
    lead = make(everyone)
    user = everyone[reader]
    before = set(Dispute.objects.values_list("id", flat=True))

    shown = offered(client, user, lead)
    assert bool(shown) == (reader in may)
    assert disputes.may_open_lead_dispute(user, Referral.objects.get(id=lead.id)) == bool(shown)

    status, said = post(client, user, lead)
    opened = Dispute.objects.exclude(id__in=before)
    if reader in may:
        assert status == 302 and said == [f"Dispute {opened.get().number} was opened."]
        assert opened.get().referral_id == lead.id
    else:
        assert not opened.exists()
        # Someone with no part in the lead learns nothing more than a 404; a party, why not.
        assert status == (302 if shown is not None and reader != "leader" else 404)
        if status == 302:
            (reason,) = said
            assert lead.number in reason or "already has an open dispute" in reason


def test_the_referring_unit_is_told_why_once_the_lead_is_accepted(client, everyone):
    lead = accepted(everyone)
    status, said = post(client, everyone["commerce"], lead)
    education = unit("education")
    assert (status, said) == (
        302,
        [
            f"{education} accepted lead {lead.number}, so your unit cannot open a "
            f"jurisdiction dispute about it: {education} or the office can."
        ],
    )


def test_a_lead_settled_with_its_order_is_not_disputed_again(everyone):
    """The second lead's rejection was recorded on the order's dispute, which the leader
    decided: his decision settled it too (四（五）), so no one opens a dispute about the
    lead alone, which would send it on as a second item of the same case."""
    lead = settled_through_its_order(everyone)
    decided = Dispute.objects.get()
    for who in ("market", "commerce", "office"):
        with pytest.raises(ActionRefused) as refused:
            disputes.dispute_open(acting_user=everyone[who], summary="再议。", referral_id=lead.id)
        assert refused.value.message == (
            f"The group leader's decision {decided.number} settled who handles lead "
            f"{lead.number}; no further jurisdiction dispute can be opened about it."
        )
    assert Dispute.objects.count() == 1


def test_the_referring_unit_is_a_party_of_the_access_module(everyone):
    lead = sent(everyone)
    assert access.sends_referral(everyone["commerce"], lead)
    assert not access.sends_referral(everyone["education"], lead)
    assert not access.sends_referral(everyone["office"], lead)
