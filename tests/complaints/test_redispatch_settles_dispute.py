"""The office's re-dispatch of an order a unit holds, and a jurisdiction dispute about the
order: the same rule as for a dispatch from the triage queue
(tests/complaints/test_dispatch_settles_dispute.py). A dispute still waiting for the
office's proposal, about the order alone, is settled by the re-dispatch, its units and the
unit the order leaves told. A dispute the group leader's decision is pending on (the
office's proposal before him, or one covering a lead: its own, a rejection recorded on it,
or the lead whose acceptance registered the order) refuses the re-dispatch, saying why,
and the order's page says so instead of offering the form; the order stays where it is,
its sign-for time still stopped. Before, the re-dispatch left the dispute open, restarted
the new unit's sign-for clock, and the leader's later decision moved the order again."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from complaints import disputes, referrals, workflow
from complaints.choices import Action, DisputeAction, DisputeStatus, Status
from complaints.models import Dispute, Referral, WorkOrder
from departments.models import Notification
from tests.complaints import lead_kit
from tests.factories import make_order, unit
from tests.helpers import notice_as_read as read
from wuqing_consumer.language import Reader

PROPOSED_REFUSAL = (
    "Order %(number)s cannot be re-dispatched now: the office's proposal on jurisdiction "
    "dispute %(dispute)s waits for the group leader's decision, which will assign the order."
)
LEAD_REFUSAL = (
    "Order %(number)s cannot be re-dispatched now: jurisdiction dispute %(dispute)s about it "
    "also covers lead %(leads)s, which only the group leader's decision settles with the "
    "order. Put the office's proposal to him on the dispute's page.",
    "Order %(number)s cannot be re-dispatched now: jurisdiction dispute %(dispute)s about it "
    "also covers leads %(leads)s, which only the group leader's decision settles with the "
    "order. Put the office's proposal to him on the dispute's page.",
)
DISPATCH_LEAD_REFUSAL = (
    "Order %(number)s cannot be dispatched now: jurisdiction dispute %(dispute)s about it "
    "also covers lead %(leads)s, which only the group leader's decision settles with the "
    "order. Put the office's proposal to him on the dispute's page.",
    "Order %(number)s cannot be dispatched now: jurisdiction dispute %(dispute)s about it "
    "also covers leads %(leads)s, which only the group leader's decision settles with the "
    "order. Put the office's proposal to him on the dispute's page.",
)
COMMERCE, EDUCATION, HOUSING = (
    "Commerce Bureau",
    "Education Bureau",
    "Housing and Construction Commission",
)


# The shared fixtures of the dispute and lead tests (tests/complaints/lead_kit.py).
clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


def disputed_by_its_unit(people) -> tuple[WorkOrder, Dispute]:
    """Dispatched to Commerce, with Education co-handling; Commerce disputes it within its
    sign-for time, which stops: a dispute about the order alone, waiting for the office's
    proposal."""
    order = make_order(
        people["office"],
        unit_code="commerce",
        co_unit_codes=["education"],
        content="培训学校预收学费后停课，要求退费",
    )
    dispute = disputes.dispute_open(
        acting_user=people["commerce"], summary="不属商务。", order_number=order.number
    )
    order = WorkOrder.objects.get(id=order.id)
    assert (order.status, order.primary_unit.code) == (Status.ASSIGNED, "commerce")
    assert order.sign_for_suspended_at is not None
    assert (dispute.status, dispute.referral_id) == (DisputeStatus.OPEN, None)
    return order, dispute


def proposed(people, dispute: Dispute) -> Dispute:
    return disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议住建委。"
    )


def lead_accepted_with_an_order(people) -> tuple[Referral, WorkOrder]:
    """Commerce refers a lead to Education, which accepts it and registers a work order of
    its own for it (signed for on acceptance)."""
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
    )
    lead = referrals.referral_accept(
        referral_id=lead.id, acting_user=people["education"], open_order=True
    )
    order = WorkOrder.objects.get(number=lead.case_reference)
    assert (order.status, order.primary_unit.code) == (Status.IN_PROGRESS, "education")
    return Referral.objects.get(id=lead.id), order


def redispatch(people, order, unit_code="housing", reason="经研究由住建委办理") -> WorkOrder:
    return workflow.workorder_redispatch(
        order_id=order.id, acting_user=people["office"], unit_code=unit_code, reason=reason
    )


rows = lead_kit.dispute_rows


# -- an open dispute about the order alone: settled by the re-dispatch ---------------------


def test_the_redispatch_settles_the_open_dispute_about_the_order(people):
    order, dispute = disputed_by_its_unit(people)

    redispatch(people, order)

    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.DISPATCHED
    assert (dispute.decided_at, dispute.decided_by, dispute.designated_unit) == (None, None, None)
    line = dispute.events.order_by("-id").first()
    assert line.action == DisputeAction.DISPATCH and line.actor == people["office"]
    assert (line.data["unit"], line.data["from_unit"], line.data["co_units"]) == (
        "housing",
        "commerce",
        ["education"],
    )
    # Written in the district's language, read in the reader's.
    assert Reader().show(line.note, line.data["note_message"]).splitlines() == [
        f"Work order {order.number} re-dispatched from {COMMERCE} to {HOUSING}",
        "经研究由住建委办理",
    ]
    # The order's timeline: the re-dispatch, then the dispute's line about it.
    last_two = list(order.events.order_by("-id").values_list("action", "data__step")[:2])
    assert last_two == [(Action.DISPUTE, DisputeAction.DISPATCH), (Action.REDISPATCH, None)]
    # Housing's own sign-for time runs: the dispute no longer waits for anyone.
    order.refresh_from_db()
    assert (order.status, order.primary_unit.code) == (Status.ASSIGNED, "housing")
    assert order.sign_for_suspended_at is None
    assert "sign_for" in workflow.open_deadline_names(order)
    assert disputes.order_settled_by(order) is None


def test_the_disputes_units_and_the_unit_the_order_leaves_are_told(people):
    order, dispute = disputed_by_its_unit(people)
    asked = Notification.objects.get(recipient=people["office"], key=f"dispute_opened:{dispute.id}")

    redispatch(people, order)

    key = f"dispute_dispatched:{dispute.id}"
    for unit_person in (people["commerce"], people["education"]):
        (notice,) = Notification.objects.filter(recipient=unit_person, key=key)
        assert notice.url == reverse("dispute_detail", args=[dispute.id])
        title, body = read(notice, "en")
        assert title == (
            f"Dispute {dispute.number} settled: the office re-dispatched order {order.number} "
            f"to {HOUSING}"
        )
        assert body.splitlines() == [
            f"Work order {order.number} re-dispatched from {COMMERCE} to {HOUSING}",
            "经研究由住建委办理",
            f"Co-handling units: {EDUCATION}",
        ]
    # Housing, not a party, hears of the order by its new-order notice; the office did it,
    # and its notice asking for a proposal is done.
    assert not Notification.objects.filter(key=key, recipient=people["housing"]).exists()
    assert not Notification.objects.filter(key=key, recipient=people["office"]).exists()
    assert Notification.objects.filter(recipient=people["housing"], category="dispatch").exists()
    asked.refresh_from_db()
    assert asked.read_at is not None


def test_the_unit_the_order_leaves_is_told_though_not_among_the_disputes_units(people):
    """The units a dispute about the order names are those linked to it when it was opened,
    the unit holding it among them; should it not be one, the unit the order leaves is still
    told what became of the order it held."""
    order, dispute = disputed_by_its_unit(people)
    dispute.units.remove(unit("commerce"))

    redispatch(people, order)

    (notice,) = Notification.objects.filter(
        recipient=people["commerce"], key=f"dispute_dispatched:{dispute.id}"
    )
    assert read(notice, "en")[0].startswith(f"Dispute {dispute.number} settled")


def test_the_dispute_page_sums_up_the_redispatch(client, people):
    order, dispute = disputed_by_its_unit(people)
    redispatch(people, order)
    client.force_login(people["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()

    assert 'data-status="dispatched"' in page
    settled = re.search(r'id="settled-by-dispatch">(.*?)</dd>', page, re.S).group(1)
    assert order.number in settled and HOUSING in settled
    # Called a re-dispatch, naming the unit the order left; it read "the office's dispatch".
    label = re.search(r"<dt[^>]*>([^<]*)</dt><dd[^>]*id=\"settled-by-dispatch\"", page).group(1)
    assert label == "Settled by the office's re-dispatch"
    assert f'id="settled-from">from {COMMERCE}</span>' in settled, settled
    assert 'id="propose-form"' not in page


def test_a_lead_only_named_by_hand_does_not_make_the_dispute_cover_it(people):
    """A unit that typed the order's number as its case reference did not register that
    order for the lead: the dispute is about the order alone, which the re-dispatch settles."""
    order, dispute = disputed_by_its_unit(people)
    lead = referrals.referral_send(
        acting_user=people["housing"],
        to_unit_code="commerce",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课。",
    )
    referrals.referral_accept(
        referral_id=lead.id, acting_user=people["commerce"], case_reference=order.number
    )
    order.refresh_from_db()

    assert disputes.dispute_lead_numbers(dispute) == []
    redispatch(people, order)
    assert Dispute.objects.get(id=dispute.id).status == DisputeStatus.DISPATCHED


# -- the leader's decision is pending: the re-dispatch is refused --------------------------


def test_a_dispute_with_the_offices_proposal_refuses_the_redispatch_and_keeps_the_clock_stopped(
    people,
):
    order, dispute = disputed_by_its_unit(people)
    proposed(people, dispute)
    dispute.refresh_from_db()
    order.refresh_from_db()
    stopped_at, due = order.sign_for_suspended_at, order.due_sign_for
    before = rows(order, dispute)
    said = PROPOSED_REFUSAL % {"number": order.number, "dispute": dispute.number}

    assert workflow.dispatch_refusal_by_dispute(order, Action.REDISPATCH) == said
    assert Action.REDISPATCH not in workflow.allowed_actions(people["office"], order)
    with pytest.raises(workflow.NotPossibleNow) as refused:
        redispatch(people, order)
    assert refused.value.message == said

    assert rows(order, dispute) == before
    order.refresh_from_db()
    # Still with Commerce, its sign-for time still stopped while the leader decides: the
    # re-dispatch would have started Housing's.
    assert order.primary_unit.code == "commerce"
    assert (order.sign_for_suspended_at, order.due_sign_for) == (stopped_at, due)
    assert "sign_for" not in workflow.open_deadline_names(order)
    assert workflow.why_deadline_stopped(order, "sign_for", due) == "disputed"


def test_an_open_dispute_covering_a_lead_refuses_the_redispatch(people):
    """Commerce refers a lead found in its order to Education, which rejects it: a dispute
    about the lead and the order, which Commerce still holds."""
    order = make_order(people["office"], unit_code="commerce", content="培训学校预收学费后停课")
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构无证办学",
        facts="该培训机构未取得办学许可。",
        order_number=order.number,
    )
    referrals.referral_reject(
        referral_id=lead.id, acting_user=people["education"], reasons="不属教育部门。"
    )
    (dispute,) = Dispute.objects.filter(order=order)
    assert (dispute.status, dispute.referral_id) == (DisputeStatus.OPEN, lead.id)
    order.refresh_from_db()
    before = rows(order, dispute)
    said = ngettext(*LEAD_REFUSAL, 1) % {
        "number": order.number,
        "dispute": dispute.number,
        "leads": lead.number,
    }

    assert workflow.dispatch_refusal_by_dispute(order, Action.REDISPATCH) == said
    assert Action.REDISPATCH not in workflow.allowed_actions(people["office"], order)
    with pytest.raises(workflow.NotPossibleNow) as refused:
        redispatch(people, order)
    assert refused.value.message == said
    assert rows(order, dispute) == before


def test_the_proposal_put_meanwhile_is_seen_under_the_disputes_lock(people, monkeypatch):
    """The office's first look found the dispute waiting for its proposal; the proposal
    went to the leader before the re-dispatch locked the dispute: read again under the
    lock, the re-dispatch is refused, and nothing is written."""
    order, dispute = disputed_by_its_unit(people)
    original = workflow.dispatch_refusal_by_dispute
    looks = []

    def proposed_after_the_first_look(order, action=Action.DISPATCH):
        looks.append(action)
        if len(looks) == 1:
            Dispute.objects.filter(id=dispute.id).update(status=DisputeStatus.PROPOSED)
            return None
        return original(order, action)

    monkeypatch.setattr(workflow, "dispatch_refusal_by_dispute", proposed_after_the_first_look)

    with pytest.raises(workflow.NotPossibleNow, match="cannot be re-dispatched now"):
        redispatch(people, order)
    assert looks == [Action.REDISPATCH, Action.REDISPATCH]
    order.refresh_from_db()
    assert order.primary_unit.code == "commerce" and order.sign_for_suspended_at is not None


# -- the order registered on accepting a lead: the dispute covers that lead ----------------


def test_a_dispute_naming_the_order_registered_for_a_lead_covers_the_lead(people):
    """The office disputes, by its number, the order Education registered on accepting
    Commerce's lead: the case one unit referred to another, which the leader's decision
    settles with the lead (`disputes._covered_leads`). Neither a re-dispatch nor, once the
    order is back in the triage queue, a dispatch settles it without the lead."""
    lead, order = lead_accepted_with_an_order(people)
    dispute = disputes.dispute_open(
        acting_user=people["office"], summary="工单管辖不清。", order_number=order.number
    )
    assert (dispute.order_id, dispute.referral_id) == (order.id, None)
    order.refresh_from_db()
    values = {"number": order.number, "dispute": dispute.number, "leads": lead.number}

    assert disputes.dispute_lead_numbers(dispute) == [lead.number]
    with pytest.raises(workflow.NotPossibleNow) as refused:
        redispatch(people, order)
    assert refused.value.message == ngettext(*LEAD_REFUSAL, 1) % values

    workflow.workorder_return(order_id=order.id, acting_user=people["education"], reason="属商务")
    order.refresh_from_db()
    assert order.status == Status.TRIAGE
    assert Action.DISPATCH not in workflow.allowed_actions(people["office"], order)
    with pytest.raises(workflow.NotPossibleNow) as refused:
        workflow.workorder_dispatch(
            order_id=order.id, acting_user=people["office"], unit_code="housing"
        )
    assert refused.value.message == ngettext(*DISPATCH_LEAD_REFUSAL, 1) % values
    assert Dispute.objects.get(id=dispute.id).status == DisputeStatus.OPEN
    assert Referral.objects.get(id=lead.id).status == "accepted"


# -- the order's page ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_order_page_says_why_instead_of_offering_the_form(client, people, language):
    order, dispute = disputed_by_its_unit(people)
    proposed(people, dispute)
    client.force_login(people["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("order_detail", args=[order.number])
    with translation.override(language):
        said = gettext(PROPOSED_REFUSAL) % {"number": order.number, "dispute": dispute.number}

    page = client.get(url).content.decode()

    assert 'id="form-redispatch"' not in page
    assert 'id="dispatch-refused"' not in page
    shown = re.search(r'id="redispatch-refused">(.*?)</div>', page, re.S).group(1)
    assert said.replace("'", "&#x27;") in shown
    assert reverse("dispute_detail", args=[dispute.id]) in shown

    # A form posted from a page opened before the proposal: refused, with the same words.
    answer = client.post(
        reverse("order_act", args=[order.number, "redispatch"]),
        {"unit": "housing", "reason": "属住建"},
        follow=True,
    )
    assert said in [str(m) for m in answer.context["messages"]]
    assert WorkOrder.objects.get(id=order.id).primary_unit.code == "commerce"

    # The unit holding the order is offered no re-dispatch, and is told nothing of one.
    client.force_login(people["commerce"])
    page = client.get(url).content.decode()
    assert 'id="redispatch-refused"' not in page and 'id="form-redispatch"' not in page


def test_the_form_says_that_redispatching_settles_the_open_dispute(client, people):
    order, dispute = disputed_by_its_unit(people)
    client.force_login(people["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("order_detail", args=[order.number])).content.decode()

    assert 'id="form-redispatch"' in page and 'id="redispatch-refused"' not in page
    assert f"Re-dispatching settles jurisdiction dispute {dispute.number}" in page
