"""A unit that accepted a lead and opened a work order for it, then disputed the lead: the
dispute is about the order the unit opened, so the group leader's decision moves that order
to the unit it rules responsible, and the lead, which the unit did take on, stays accepted
with a line saying where the case went."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from complaints import disputes, referrals, workflow
from complaints.choices import ReferralAction, ReferralStatus
from complaints.models import Dispute, Referral, WorkOrder
from departments import access
from departments.choices import RoleCode
from tests.complaints import lead_kit
from tests.complaints import test_disputed_lead_settlement as settlement
from tests.factories import UserFactory, make_order, unit
from tests.helpers import while_another_session_locks

# The shared fixtures of the lead tests (tests/complaints/lead_kit.py).
clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


def accepted_with_new_order(people, *, about_order: bool) -> tuple[Referral, WorkOrder]:
    """Commerce refers a lead (found in one of its orders, or not) to education, which
    accepts it, registering a work order of its own, and then disputes it."""
    source = (
        make_order(people["office"], unit_code="commerce", content="培训机构预收学费后停课")
        if about_order
        else None
    )
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
        order_number=source.number if source else "",
    )
    lead = referrals.referral_accept(
        referral_id=lead.id, acting_user=people["education"], open_order=True
    )
    opened = WorkOrder.objects.get(number=lead.case_reference)
    assert opened.primary_unit.code == "education"
    return Referral.objects.get(id=lead.id), opened


def decide(people, dispute: Dispute, decision: str) -> Dispute:
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议。", unit_code="housing"
    )
    settlement.decide(people, dispute, decision, member="education")
    return Dispute.objects.get(id=dispute.id)


@pytest.mark.parametrize("decision", ["designate", "form_team"])
@pytest.mark.parametrize("about_order", [False, True], ids=["no-source-order", "source-order"])
def test_the_decision_moves_the_order_opened_on_accepting_the_lead(
    people, client, decision, about_order
):
    lead, opened = accepted_with_new_order(people, about_order=about_order)
    dispute = disputes.dispute_open(
        acting_user=people["education"], summary="受理后发现属预付卡。", referral_id=lead.id
    )
    assert (dispute.order_id, dispute.referral_id) == (opened.id, lead.id)
    orders = WorkOrder.objects.count()

    dispute = decide(people, dispute, decision)

    moved = WorkOrder.objects.get(id=opened.id)
    assert moved.primary_unit.code == "housing"
    assert moved.forced_assignment
    assert WorkOrder.objects.count() == orders
    assert not Referral.objects.filter(by_decision=dispute).exists()
    if about_order:  # the order the lead came from stays with commerce
        assert WorkOrder.objects.get(id=lead.order_id).primary_unit.code == "commerce"
    kept = Referral.objects.get(id=lead.id)
    assert kept.status == ReferralStatus.ACCEPTED
    assert kept.case_reference == opened.number
    line = kept.events.get(action=ReferralAction.DECISION)
    assert dispute.number in line.note and opened.number in line.note
    assert unit("housing").name in line.note

    # Both pages say where the case went: the lead's to education and to housing.
    for reader in ("education", "housing"):
        client.force_login(people[reader])
        page = client.get(reverse("referral_detail", args=[lead.id])).content.decode()
        settled = page.split('id="settled"', 1)[1].split("</dd>", 1)[0]
        assert dispute.number in settled and opened.number in settled
        assert unit("housing").name in settled
    dispute_page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    order_line = dispute_page.split('id="dispute-order"', 1)[1].split("</dd>", 1)[0]
    assert opened.number in order_line
    assert lead.number in dispute_page


def test_a_lead_accepted_with_a_case_named_by_hand_keeps_the_dispute_about_its_own_order(
    people,
):
    """A case reference typed by the unit names no order of the portal: the dispute is about
    the order the lead came from, as before."""
    source = make_order(people["office"], unit_code="commerce", content="培训机构预收学费后停课")
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课。",
        order_number=source.number,
    )
    referrals.referral_accept(
        referral_id=lead.id, acting_user=people["education"], case_reference=source.number
    )
    dispute = disputes.dispute_open(
        acting_user=people["education"], summary="受理后发现属预付卡。", referral_id=lead.id
    )
    assert dispute.order_id == source.id


def test_an_order_opened_on_acceptance_with_its_own_open_dispute_is_not_disputed_twice(people):
    lead, opened = accepted_with_new_order(people, about_order=False)
    first = disputes.dispute_open(
        acting_user=people["office"], summary="工单管辖不清。", order_number=opened.number
    )
    with pytest.raises(referrals.WorkflowError, match=opened.number):
        disputes.dispute_open(
            acting_user=people["education"], summary="受理后发现属预付卡。", referral_id=lead.id
        )
    assert list(Dispute.objects.values_list("id", flat=True)) == [first.id]


def test_an_order_opened_on_acceptance_and_already_resolved_is_not_taken_by_the_dispute(people):
    """Once the unit has resolved the order it opened, no decision can move it any more: a
    dispute about the lead is about the order the lead came from, as before."""
    lead, opened = accepted_with_new_order(people, about_order=True)
    # Signed for on acceptance: the unit resolves it straight away.
    workflow.workorder_resolve(
        order_id=opened.id, acting_user=people["education"], result="已责令退费。"
    )
    dispute = disputes.dispute_open(
        acting_user=people["education"], summary="受理后发现属预付卡。", referral_id=lead.id
    )
    assert dispute.order_id == lead.order_id


@pytest.mark.parametrize("decision", ["designate", "form_team"])
def test_a_dispute_the_office_opens_about_the_order_settles_the_lead_it_was_opened_for(
    people, client, decision
):
    """The office disputes the order education registered on accepting the lead, naming the
    order, not the lead: the decision moves the order, and the lead says where the case went
    and may be read by the unit now handling it, as when education disputed the lead."""
    lead, opened = accepted_with_new_order(people, about_order=True)
    dispute = disputes.dispute_open(
        acting_user=people["office"], summary="工单管辖不清。", order_number=opened.number
    )
    assert (dispute.order_id, dispute.referral_id) == (opened.id, None)

    dispute = decide(people, dispute, decision)

    assert WorkOrder.objects.get(id=opened.id).primary_unit.code == "housing"
    assert not Referral.objects.filter(by_decision=dispute).exists()
    kept = Referral.objects.get(id=lead.id)
    assert (kept.status, kept.case_reference) == (ReferralStatus.ACCEPTED, opened.number)
    line = kept.events.get(action=ReferralAction.DECISION)
    assert dispute.number in line.note and opened.number in line.note
    assert unit("housing").name in line.note
    for reader in ("education", "housing"):
        client.force_login(people[reader])
        page = client.get(reverse("referral_detail", args=[lead.id]))
        assert page.status_code == 200, reader
        settled = page.content.decode().split('id="settled"', 1)[1].split("</dd>", 1)[0]
        assert dispute.number in settled and opened.number in settled
    # A unit neither party nor designated still reads nothing.
    police = UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_STAFF])
    client.force_login(police)
    assert client.get(reverse("referral_detail", args=[lead.id])).status_code == 404


def test_a_lead_that_only_names_the_disputed_order_by_hand_is_not_settled_with_it(people):
    """A unit that typed another order's number as its case reference did not register that
    order for the lead: a decision on that order leaves the lead alone."""
    other = make_order(people["office"], unit_code="education", content="某培训机构停课")
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课。",
    )
    referrals.referral_accept(
        referral_id=lead.id, acting_user=people["education"], case_reference=other.number
    )
    dispute = disputes.dispute_open(
        acting_user=people["office"], summary="工单管辖不清。", order_number=other.number
    )
    decide(people, dispute, "designate")

    assert WorkOrder.objects.get(id=other.id).primary_unit.code == "housing"
    assert (
        not Referral.objects.get(id=lead.id).events.filter(action=ReferralAction.DECISION).exists()
    )
    assert not access.referrals_visible_to(people["housing"]).filter(id=lead.id).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: two connections locking the same rows.",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("decision", ["designate", "form_team"])
def test_a_decision_on_the_order_and_the_unit_disputing_its_lead_do_not_deadlock(people, decision):
    """A unit disputing the lead locks it, then the order it registered (`dispute_open`);
    the decision on the office's dispute about that order, which now settles the lead,
    takes the lead first too, and waits instead of deadlocking."""
    lead, opened = accepted_with_new_order(people, about_order=False)
    dispute = disputes.dispute_open(
        acting_user=people["office"], summary="工单管辖不清。", order_number=opened.number
    )
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议。", unit_code="housing"
    )
    _, errors = while_another_session_locks(
        [lead, opened], lambda: settlement.decide(people, dispute, decision, member="education")
    )
    assert errors == []
    assert WorkOrder.objects.get(id=opened.id).primary_unit.code == "housing"
    assert Referral.objects.get(id=lead.id).events.filter(action=ReferralAction.DECISION).exists()
