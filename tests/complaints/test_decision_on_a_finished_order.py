"""The group leader decides a dispute whose work order was finished meanwhile: the unit that
referred a lead found in its order keeps handling that order while the dispute about the
lead waits for him, and may resolve it, and the office may close it. His decision is still
recorded (notice, 四（五）: "由协调小组组长决定"): the dispute is designated or its team
formed, its lead is settled as for a lead without an order (the finished order cannot carry
the case), the order is left as it is, and the history says why it was not moved."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.urls import reverse

from complaints import disputes, referrals, workflow
from complaints.choices import DisputeAction, DisputeStatus, ReferralStatus
from complaints.models import Dispute, Referral, WorkOrder
from tests.complaints import lead_kit
from tests.factories import make_order
from tests.helpers import NUMBER_KEPT_WHOLE

# The shared fixtures of the lead tests (tests/complaints/lead_kit.py).
clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


def dispute_on_a_finished_order(people, finish: str) -> tuple[Dispute, WorkOrder]:
    """Commerce, handling a work order, refers a lead found in it to education, which
    rejects it: the dispute carries the order. Commerce resolves the order meanwhile (and,
    with `finish="closed"`, the office closes it); the office puts the dispute to the
    leader proposing housing."""
    office, commerce = people["office"], people["commerce"]
    order = make_order(office, unit_code="commerce", content="培训机构预收学费后停课")
    workflow.workorder_sign(order_id=order.id, acting_user=commerce)
    lead = referrals.referral_send(
        acting_user=commerce,
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
        order_number=order.number,
    )
    referrals.referral_reject(referral_id=lead.id, acting_user=people["education"], reasons="否。")
    dispute = Dispute.objects.get(referral=lead)
    assert dispute.order_id == order.id
    workflow.workorder_resolve(order_id=order.id, acting_user=commerce, result="已退费。")
    if finish == "closed":
        workflow.workorder_close(order_id=order.id, acting_user=office)
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=office, proposal="建议。", unit_code="housing"
    )
    return Dispute.objects.get(id=dispute.id), WorkOrder.objects.get(id=order.id)


def decide(people, dispute: Dispute, decision: str) -> None:
    if decision == "designate":
        disputes.dispute_designate(
            dispute_id=dispute.id, acting_user=people["leader"], unit_code="housing", note="指定。"
        )
    else:
        disputes.dispute_form_team(
            dispute_id=dispute.id,
            acting_user=people["leader"],
            lead_unit_code="housing",
            member_unit_codes=["commerce"],
            note="联合调查。",
        )


@pytest.mark.parametrize("finish", ["resolved", "closed"])
@pytest.mark.parametrize("decision", ["designate", "form_team"])
def test_the_decision_on_a_finished_order_is_recorded_and_leaves_the_order(
    people, decision, finish
):
    dispute, order = dispute_on_a_finished_order(people, finish)
    before = order.events.count()

    decide(people, dispute, decision)

    decided = Dispute.objects.get(id=dispute.id)
    expected = DisputeStatus.DESIGNATED if decision == "designate" else DisputeStatus.TEAM
    assert decided.status == expected
    # The order stays finished with commerce, not forced anywhere.
    left = WorkOrder.objects.get(id=order.id)
    assert (left.status, left.primary_unit.code, left.forced_assignment) == (
        order.status,
        "commerce",
        False,
    )
    assert left.status == finish
    # The history says, in the district's language, why the order was not moved; the line
    # is on the order's timeline too, and the order is not dispatched anywhere.
    step = DisputeAction.DESIGNATE if decision == "designate" else DisputeAction.FORM_TEAM
    line = decided.events.get(action=step)
    assert line.data["order_left"] == finish
    lines = line.data["note_message"]["lines"]
    assert lines[0] == decided.decision_note
    assert lines[1]["params"]["number"] == order.number
    assert lines[1]["params"]["status"] == {"label": "complaints.choices:Status", "value": finish}
    assert line.note.splitlines()[0] == decided.decision_note
    assert order.number in line.note.splitlines()[1]
    # On the order, only the dispute's lines: the decision's, then the lead sent on.
    added = list(left.events.order_by("id")[before:])
    assert [(e.action, e.data["step"]) for e in added] == [
        ("dispute", step),
        ("dispute", DisputeAction.LEAD_SENT),
    ]
    assert order.number in added[0].note.splitlines()[-1]
    # The lead, which the finished order cannot carry, goes on to housing by the decision.
    sent_on = Referral.objects.get(by_decision=decided)
    assert (sent_on.to_unit.code, sent_on.status) == ("housing", ReferralStatus.SENT)


@pytest.mark.parametrize("decision", ["designate", "form_team"])
def test_the_leader_records_it_on_the_page_and_both_pages_say_the_order_was_left(
    people, client, decision
):
    dispute, order = dispute_on_a_finished_order(people, "resolved")
    client.force_login(people["leader"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if decision == "designate":
        posted = {"unit": "housing", "note": "指定。", "version": dispute.version}
    else:
        posted = {
            "lead_unit": "housing",
            "member_units": ["commerce"],
            "note": "联合调查。",
            "version": dispute.version,
        }
    answer = client.post(
        reverse("dispute_act", args=[dispute.id, decision.replace("_", "-")]),
        posted,
        follow=True,
    )

    assert answer.status_code == 200
    said = [str(m) for m in answer.context["messages"]]
    assert len(said) == 1 and said[0].startswith(f"Dispute {dispute.number}: decision made, ")
    page = html.unescape(answer.content.decode())
    assert 'id="decision"' in page
    sentence = (
        f"Work order {order.number} already had the status “Resolved”, "
        "so the decision did not move it."
    )
    assert sentence in page
    assert Dispute.objects.get(id=dispute.id).status != DisputeStatus.PROPOSED

    shown = html.unescape(
        NUMBER_KEPT_WHOLE.sub(
            r"\1", client.get(reverse("order_detail", args=[order.number])).content.decode()
        )
    )
    assert sentence in shown
