"""The group leader's decision ends a jurisdiction disagreement about a work order too
(notice, 四（五）: "由协调小组组长决定"): an order his decision put with a unit, directly or as
the order a unit registered on accepting a lead his decision settled, is not put to him
again, neither as a dispute by its number nor by being returned a second time. A return
itself stays what it is (the order goes back to the office's triage, which dispatches it
within its powers); only the dispute it used to open by itself is not opened."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import disputes, referrals, workflow
from complaints.choices import Action, Status
from complaints.models import Dispute, Referral, WorkOrder
from complaints.workflow import WorkflowError
from tests.complaints import lead_kit
from tests.factories import make_order

# The shared fixtures of the lead tests (tests/complaints/lead_kit.py).
clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


designate = lead_kit.designate


def order_of_lead_sent_by_decision(people) -> tuple[Dispute, WorkOrder]:
    """Commerce refers a lead to education, which rejects it; the leader designates housing,
    the lead is sent on to housing by his decision, and housing accepts it registering a
    work order, held with housing as an order he assigned is."""
    lead = lead_kit.rejected_lead(people)
    decision = designate(people, Dispute.objects.get(referral=lead), "housing")
    sent_on = Referral.objects.get(by_decision=decision)
    accepted = referrals.referral_accept(
        referral_id=sent_on.id, acting_user=people["housing"], open_order=True
    )
    order = WorkOrder.objects.get(number=accepted.case_reference)
    assert (order.primary_unit.code, order.forced_assignment) == ("housing", True)
    return decision, order


def designated_order(people) -> tuple[Dispute, WorkOrder]:
    """An order returned by commerce and education goes to the leader by itself; he
    designates housing."""
    office = people["office"]
    order = make_order(office, unit_code="commerce", content="预付卡培训学校停课，要求退费")
    workflow.workorder_return(order_id=order.id, acting_user=people["commerce"], reason="属教育")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office, unit_code="education")
    workflow.workorder_return(order_id=order.id, acting_user=people["education"], reason="属商务")
    decision = designate(people, Dispute.objects.get(order=order), "housing")
    return decision, WorkOrder.objects.get(id=order.id)


def return_twice(people, order: WorkOrder, unit_code: str, user) -> WorkOrder:
    """`user` of `unit_code` returns the order twice, the office dispatching it back between."""
    workflow.workorder_return(order_id=order.id, acting_user=user, reason="不属本单位。")
    workflow.workorder_dispatch(
        order_id=order.id, acting_user=people["office"], unit_code=unit_code
    )
    workflow.workorder_return(order_id=order.id, acting_user=user, reason="仍不属本单位。")
    return WorkOrder.objects.get(id=order.id)


def test_the_order_registered_on_a_lead_sent_by_decision_is_not_disputed_again(people):
    decision, order = order_of_lead_sent_by_decision(people)

    for person in (people["housing"], people["office"]):
        with pytest.raises(WorkflowError, match=decision.number) as refused:
            disputes.dispute_open(
                acting_user=person, summary="属预付卡，非住建。", order_number=order.number
            )
        assert order.number in str(refused.value)
    assert list(Dispute.objects.values_list("id", flat=True)) == [decision.id]


def test_that_order_is_neither_returned_nor_redispatched(people):
    """It is the case the leader decided: the unit that accepted the lead cannot return it
    to the office's triage (it could, and the case went back to the queue, though the lead
    itself could no longer be rejected), nor can the office re-dispatch it; both are told
    his decision, by its number."""
    decision, order = order_of_lead_sent_by_decision(people)
    before = WorkOrder.objects.filter(id=order.id).values().get()

    with CaptureQueriesContext(connection) as asked:
        assert workflow.assignment_decided_by(order) == decision
    # The lead's decision is read once per loaded order; asked again, only the order's own
    # disputes are read (which its page prefetches).
    with CaptureQueriesContext(connection) as asked_again:
        assert workflow.assignment_decided_by(order) == decision
    assert len(asked_again) <= 1 < len(asked)
    assert Action.RETURN not in workflow.allowed_actions(people["housing"], order)
    with pytest.raises(WorkflowError, match=f"decision on jurisdiction dispute {decision.number}"):
        workflow.workorder_return(order_id=order.id, acting_user=people["housing"], reason="不属")
    with pytest.raises(WorkflowError, match=decision.number):
        workflow.workorder_redispatch(
            order_id=order.id, acting_user=people["office"], unit_code="commerce", reason="改派"
        )
    assert WorkOrder.objects.filter(id=order.id).values().get() == before
    assert list(Dispute.objects.values_list("id", flat=True)) == [decision.id]


def test_that_orders_history_says_it_is_held_by_the_decision(people, client):
    """Its header said so, but its history only that the unit registered it on accepting
    the lead: a reader of the history could not tell why it can no longer be returned."""
    decision, order = order_of_lead_sent_by_decision(people)
    [line] = order.events.filter(action=Action.DISPUTE)
    assert (line.data["decision"], line.unit.code, line.actor) == (
        decision.number,
        "housing",
        people["housing"],
    )
    sent_on = Referral.objects.get(by_decision=decision)

    client.force_login(people["housing"])
    client.cookies["django_language"] = "en"
    shown = client.get(reverse("order_detail", args=[order.number])).content.decode()
    held = shown[shown.index(f'data-decision="{decision.number}"') :]
    held = held[: held.index("</li>")]
    assert reverse("dispute_detail", args=[decision.id]) in held
    assert sent_on.number in held and "may not return it to the office" in held

    client.cookies["django_language"] = "zh-hans"
    shown = client.get(reverse("order_detail", args=[order.number])).content.decode()
    held = shown[shown.index(f'data-decision="{decision.number}"') :]
    assert "已由协调小组组长决定：本工单由区住房建设委办理" in held[: held.index("</li>")]


def test_an_order_registered_on_a_lead_nobody_decided_may_still_be_returned(people):
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="housing",
        title="物业公司预收物业费后撤场",
        facts="某小区物业公司预收一年物业费后撤场。",
    )
    accepted = referrals.referral_accept(
        referral_id=lead.id, acting_user=people["housing"], open_order=True
    )
    order = WorkOrder.objects.get(number=accepted.case_reference)
    assert not order.forced_assignment
    assert not order.events.filter(action=Action.DISPUTE).exists()
    workflow.workorder_return(order_id=order.id, acting_user=people["housing"], reason="不属")
    assert WorkOrder.objects.get(id=order.id).status == Status.TRIAGE


def test_an_order_the_leader_designated_is_not_disputed_or_returned_into_a_dispute(people):
    decision, order = designated_order(people)
    assert (order.primary_unit.code, order.forced_assignment) == ("housing", True)

    for person in (people["housing"], people["office"]):
        with pytest.raises(WorkflowError, match=decision.number):
            disputes.dispute_open(acting_user=person, summary="再议。", order_number=order.number)

    # Nor does it leave housing: housing cannot return it (forced), and the office cannot
    # re-dispatch it, which would undo the decision (test_redispatch_after_decision.py).
    with pytest.raises(workflow.NotPossibleNow, match=decision.number):
        workflow.workorder_redispatch(
            order_id=order.id, acting_user=people["office"], unit_code="commerce", reason="改派。"
        )
    with pytest.raises(workflow.NotPossibleNow):
        workflow.workorder_return(order_id=order.id, acting_user=people["housing"], reason="属教育")
    kept = WorkOrder.objects.get(id=order.id)
    assert (kept.status, kept.primary_unit.code, kept.return_count) == (
        order.status,
        "housing",
        2,
    )
    assert list(Dispute.objects.values_list("id", flat=True)) == [decision.id]


def test_the_lead_of_an_order_the_leader_designated_does_not_reopen_it(people):
    """Education accepts a lead registering an order; the office disputes the order and the
    leader designates housing. Disputing the lead would put the same order to him again."""
    lead = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title="线索", facts="事实。"
    )
    referrals.referral_accept(referral_id=lead.id, acting_user=people["education"], open_order=True)
    order = WorkOrder.objects.get(number=Referral.objects.get(id=lead.id).case_reference)
    first = disputes.dispute_open(
        acting_user=people["office"], summary="非教育。", order_number=order.number
    )
    decision = designate(people, first, "housing")

    with pytest.raises(WorkflowError, match=decision.number):
        disputes.dispute_open(
            acting_user=people["education"], summary="再议。", referral_id=lead.id
        )
    assert list(Dispute.objects.values_list("id", flat=True)) == [decision.id]


def test_an_order_nobody_decided_is_still_disputed_and_returned_into_a_dispute(people):
    order = make_order(people["office"], unit_code="commerce", content="预付卡纠纷")
    returned = return_twice(people, order, "commerce", people["commerce"])
    assert Dispute.objects.filter(order=returned).count() == 1


def test_the_order_page_offers_no_dispute_about_a_decided_order(people, client):
    decision, order = order_of_lead_sent_by_decision(people)
    page = reverse("order_detail", args=[order.number])

    client.force_login(people["office"])
    shown = client.get(page).content.decode()
    assert 'id="open-dispute"' not in shown
    assert 'id="no-dispute"' in shown
    assert decision.number in shown

    refused = client.post(
        reverse("dispute_open"),
        {"order": order.number, "summary": "再议。", "back": page},
        follow=True,
    )
    assert refused.status_code == 200
    assert refused.redirect_chain[-1][0] == page
    said = [str(m) for m in refused.context["messages"]]
    assert len(said) == 1 and decision.number in said[0] and order.number in said[0]
    assert 'id="open-dispute"' not in refused.content.decode()
    assert Dispute.objects.count() == 1

    # An order without a decision still offers the form.
    other = make_order(people["office"], unit_code="commerce", content="另一件")
    shown = client.get(reverse("order_detail", args=[other.number])).content.decode()
    assert 'id="open-dispute"' in shown
    assert 'id="no-dispute"' not in shown


def lead_about_the_decided_order(people, order: WorkOrder) -> Referral:
    """Housing, which the leader's decision gave the order, refers a lead found in it to
    commerce."""
    return referrals.referral_send(
        acting_user=people["housing"],
        to_unit_code="commerce",
        title="该培训机构另涉预付卡",
        facts="该机构以预付卡方式预收费用。",
        order_number=order.number,
    )


@pytest.mark.parametrize("opened_by", ["rejection", "dispute"])
def test_a_dispute_about_a_lead_of_a_decided_order_does_not_move_the_order_again(people, opened_by):
    """The lead's receiver rejects it (the office gets a dispute) or disputes it: that
    dispute is about the lead alone; his decision on it sends the lead on and leaves the
    order where his first decision put it."""
    decision, order = designated_order(people)
    lead = lead_about_the_decided_order(people, order)
    if opened_by == "rejection":
        referrals.referral_reject(
            referral_id=lead.id, acting_user=people["commerce"], reasons="不属商务。"
        )
    else:
        disputes.dispute_open(
            acting_user=people["commerce"], summary="非商务。", referral_id=lead.id
        )
    second = Dispute.objects.get(referral=lead)
    assert second.id != decision.id
    assert second.order_id is None

    designate(people, second, "education")

    kept = WorkOrder.objects.get(id=order.id)
    assert (kept.primary_unit.code, kept.forced_assignment, kept.status) == (
        "housing",
        True,
        order.status,
    )
    assert disputes.order_settled_by(kept) == decision
    assert not kept.events.filter(data__dispute=second.id).exists()
    sent_on = Referral.objects.get(by_decision=second)
    assert (sent_on.to_unit.code, sent_on.status) == ("education", "sent")
