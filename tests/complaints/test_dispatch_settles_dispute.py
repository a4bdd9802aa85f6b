"""The office's dispatch of an order from its triage queue and a jurisdiction dispute about
the order. A dispute still waiting for the office's proposal, about the order alone, is
settled by the dispatch: closed as "settled by the office's dispatch", with its line on the
dispute's and the order's timelines, and the units in it told. A dispute the group leader's
decision is pending on (the office's proposal before him, or one covering a lead besides
the order) makes the dispatch refuse, saying why, and the order's page says so instead of
offering the form. Before, the office could dispatch such an order while its dispute stayed
open, and the leader's later decision moved the order again."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from complaints import disputes, referrals, workflow
from complaints.choices import Action, DisputeAction, DisputeStatus, Status
from complaints.models import Dispute, WorkOrder
from departments.models import Notification
from tests.complaints import lead_kit
from tests.factories import make_order
from tests.helpers import NUMBER_KEPT_WHOLE
from tests.helpers import notice_as_read as read

PROPOSED_REFUSAL = (
    "Order %(number)s cannot be dispatched now: the office's proposal on jurisdiction "
    "dispute %(dispute)s waits for the group leader's decision, which will assign the order."
)
LEAD_REFUSAL = (
    "Order %(number)s cannot be dispatched now: jurisdiction dispute %(dispute)s about it "
    "also covers lead %(leads)s, which only the group leader's decision settles with the "
    "order. Put the office's proposal to him on the dispute's page.",
    "Order %(number)s cannot be dispatched now: jurisdiction dispute %(dispute)s about it "
    "also covers leads %(leads)s, which only the group leader's decision settles with the "
    "order. Put the office's proposal to him on the dispute's page.",
)


# The shared fixtures of the dispute and lead tests (tests/complaints/lead_kit.py).
clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


def returned_twice(people) -> tuple[WorkOrder, Dispute]:
    """Returned by Commerce, then by Education: the second return opens a dispute about the
    order alone, waiting for the office's proposal."""
    office = people["office"]
    order = make_order(office, unit_code="commerce", content="培训学校预收学费后停课，要求退费")
    workflow.workorder_return(order_id=order.id, acting_user=people["commerce"], reason="属教育")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office, unit_code="education")
    workflow.workorder_return(order_id=order.id, acting_user=people["education"], reason="属商务")
    order = WorkOrder.objects.get(id=order.id)
    (dispute,) = Dispute.objects.filter(order=order)
    assert (order.status, dispute.status, dispute.referral_id) == (
        Status.TRIAGE,
        DisputeStatus.OPEN,
        None,
    )
    return order, dispute


def order_with_a_disputed_lead(people) -> tuple[WorkOrder, Dispute]:
    """Commerce refers a lead found in its order to Education, which rejects it (a dispute
    about the lead and its order), then returns the order to the office's triage."""
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
    workflow.workorder_return(order_id=order.id, acting_user=people["commerce"], reason="属教育")
    order = WorkOrder.objects.get(id=order.id)
    (dispute,) = Dispute.objects.filter(order=order)
    assert (order.status, dispute.status, dispute.referral_id) == (
        Status.TRIAGE,
        DisputeStatus.OPEN,
        lead.id,
    )
    return order, dispute


def dispatch(people, order, unit_code="housing", **kwargs) -> WorkOrder:
    return workflow.workorder_dispatch(
        order_id=order.id, acting_user=people["office"], unit_code=unit_code, **kwargs
    )


rows = lead_kit.dispute_rows


# -- an open dispute about the order alone: settled by the dispatch ------------------------


def test_the_dispatch_settles_the_open_dispute_about_the_order(people):
    order, dispute = returned_twice(people)

    dispatch(people, order, co_unit_codes=["education"], reason="经研究由住建委办理")

    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.DISPATCHED
    assert dispute.get_status_display() == "Settled by the office's dispatch"
    # No decision of the leader's: nothing is signed as his.
    assert (dispute.decided_at, dispute.decided_by, dispute.designated_unit) == (None, None, None)
    line = dispute.events.order_by("-id").first()
    assert (line.action, line.actor, line.data["unit"], line.data["co_units"]) == (
        DisputeAction.DISPATCH,
        people["office"],
        "housing",
        ["education"],
    )
    assert line.note.splitlines()[1:] == ["经研究由住建委办理"]
    # The order's timeline: the dispatch, then the dispute's line about it.
    last_two = list(order.events.order_by("-id").values_list("action", "data__step")[:2])
    assert last_two == [(Action.DISPUTE, DisputeAction.DISPATCH), (Action.DISPATCH, None)]
    order.refresh_from_db()
    assert (order.status, order.primary_unit.code) == (Status.ASSIGNED, "housing")


def test_the_units_in_the_dispute_are_told_how_it_ended(people):
    order, dispute = returned_twice(people)

    dispatch(people, order, co_unit_codes=["education"], reason="经研究由住建委办理")

    key = f"dispute_dispatched:{dispute.id}"
    for unit_person in (people["commerce"], people["education"]):
        (notice,) = Notification.objects.filter(recipient=unit_person, key=key)
        assert notice.url == reverse("dispute_detail", args=[dispute.id])
        title, body = read(notice, "en")
        assert title == (
            f"Dispute {dispute.number} settled: the office dispatched order {order.number} "
            "to Housing and Construction Commission"
        )
        assert body.splitlines() == [
            f"Work order {order.number} dispatched to Housing and Construction Commission",
            "经研究由住建委办理",
            "Co-handling units: Education Bureau",
        ]
    # Housing, not a party, hears of the order by its new-order notice; the office did it.
    assert not Notification.objects.filter(key=key, recipient=people["housing"]).exists()
    assert not Notification.objects.filter(key=key, recipient=people["office"]).exists()
    assert Notification.objects.filter(recipient=people["housing"], category="dispatch").exists()


def test_the_offices_notice_asking_for_a_proposal_is_done(people):
    order = make_order(people["office"], send_to_triage=True)
    dispute = disputes.dispute_open(
        acting_user=people["office"], summary="由谁管辖？", order_number=order.number
    )
    asked = Notification.objects.get(recipient=people["office"], key=f"dispute_opened:{dispute.id}")
    assert asked.read_at is None

    dispatch(people, order)

    asked.refresh_from_db()
    assert asked.read_at is not None


def test_a_dispatched_dispute_is_not_a_decision_that_settles_the_order(people):
    """The leader did not decide it: the unit the office chose may dispute the order, and
    a dispute opened then goes to him."""
    order, dispute = returned_twice(people)
    dispatch(people, order)
    order.refresh_from_db()

    assert disputes.order_settled_by(order) is None
    again = disputes.dispute_open(
        acting_user=people["housing"], summary="不属住建委。", order_number=order.number
    )
    assert again.status == DisputeStatus.OPEN
    assert Dispute.objects.get(id=dispute.id).status == DisputeStatus.DISPATCHED


def test_only_the_leaders_decisions_settle_a_lead_or_an_order(people):
    """`lead_settled_by` and `order_settled_by` count designations and joint teams alone;
    a dispute closed as dispatched, were one ever about a lead, would settle neither."""
    order, dispute = order_with_a_disputed_lead(people)
    Dispute.objects.filter(id=dispute.id).update(status=DisputeStatus.DISPATCHED)

    assert disputes.lead_settled_by(dispute.referral) is None
    assert disputes.order_settled_by(order) is None


def test_the_dispatched_dispute_can_no_longer_be_proposed_on_or_decided(people):
    order, dispute = returned_twice(people)
    dispatch(people, order)

    with pytest.raises(workflow.WorkflowError, match="which settled this dispute"):
        disputes.dispute_propose(
            dispute_id=dispute.id, acting_user=people["office"], proposal="建议住建委。"
        )
    with pytest.raises(workflow.WorkflowError, match="which settled this dispute"):
        disputes.dispute_designate(
            dispute_id=dispute.id, acting_user=people["leader"], unit_code="commerce", note="指定"
        )
    assert Dispute.objects.get(id=dispute.id).status == DisputeStatus.DISPATCHED


def test_the_dispute_page_and_list_say_who_settled_it(client, people):
    order, dispute = returned_twice(people)
    dispatch(people, order)
    client.force_login(people["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    assert 'data-status="dispatched"' in page
    settled = re.search(r'id="settled-by-dispatch">(.*?)</dd>', page, re.S).group(1)
    assert order.number in settled and "Housing and Construction Commission" in settled
    assert 'id="settled-from"' not in settled  # from the triage queue, no unit to name
    assert "Settled by the office&#x27;s re-dispatch" not in page
    assert "leader to decide by".capitalize() not in page
    assert 'id="propose-form"' not in page

    listed = client.get(reverse("dispute_list")).content.decode()
    row = re.search(rf'data-dispute="{dispute.id}">(.*?)</tr>', listed, re.S).group(1)
    row = NUMBER_KEPT_WHOLE.sub(r"\1", row)
    assert "Settled by the office&#x27;s dispatch" in row
    assert "Not needed: dispatched on 2026-09-21" in row
    undecided = client.get(reverse("dispute_list"), {"status": "undecided"}).content.decode()
    assert f'data-dispute="{dispute.id}"' not in undecided
    only = client.get(reverse("dispute_list"), {"status": "dispatched"}).content.decode()
    assert f'data-dispute="{dispute.id}"' in only


# -- the leader's decision is pending: the dispatch is refused -----------------------------


def test_a_dispute_with_the_offices_proposal_before_the_leader_refuses_the_dispatch(people):
    order, dispute = returned_twice(people)
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议住建委。"
    )
    dispute.refresh_from_db()
    order.refresh_from_db()
    before = rows(order, dispute)
    said = PROPOSED_REFUSAL % {"number": order.number, "dispute": dispute.number}

    assert workflow.dispatch_refusal_by_dispute(order) == said
    assert Action.DISPATCH not in workflow.allowed_actions(people["office"], order)
    with pytest.raises(workflow.NotPossibleNow) as refused:
        dispatch(people, order)
    assert refused.value.message == said
    assert rows(order, dispute) == before


def test_an_open_dispute_covering_a_lead_refuses_the_dispatch(people):
    order, dispute = order_with_a_disputed_lead(people)
    before = rows(order, dispute)
    said = ngettext(*LEAD_REFUSAL, 1) % {
        "number": order.number,
        "dispute": dispute.number,
        "leads": dispute.referral.number,
    }

    assert workflow.dispatch_refusal_by_dispute(order) == said
    assert Action.DISPATCH not in workflow.allowed_actions(people["office"], order)
    with pytest.raises(workflow.NotPossibleNow) as refused:
        dispatch(people, order)
    assert refused.value.message == said
    assert rows(order, dispute) == before


def test_the_proposal_put_meanwhile_is_seen_under_the_disputes_lock(people, monkeypatch):
    """The office's first look found the dispute waiting for its proposal; the proposal
    went to the leader before the dispatch locked the dispute: read again under the lock,
    the dispatch is refused, and nothing is written."""
    order, dispute = returned_twice(people)
    original = workflow.dispatch_refusal_by_dispute
    looks = []

    def proposed_after_the_first_look(order, action=Action.DISPATCH):
        looks.append(order)
        if len(looks) == 1:
            Dispute.objects.filter(id=dispute.id).update(status=DisputeStatus.PROPOSED)
            return None
        return original(order, action)

    monkeypatch.setattr(workflow, "dispatch_refusal_by_dispute", proposed_after_the_first_look)

    with pytest.raises(workflow.NotPossibleNow, match="waits for the group leader's decision"):
        dispatch(people, order)
    assert len(looks) == 2
    assert WorkOrder.objects.get(id=order.id).status == Status.TRIAGE


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_order_page_says_why_instead_of_offering_the_form(client, people, language):
    order, dispute = returned_twice(people)
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议住建委。"
    )
    client.force_login(people["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("order_detail", args=[order.number])
    with translation.override(language):
        said = gettext(PROPOSED_REFUSAL) % {"number": order.number, "dispute": dispute.number}

    page = client.get(url).content.decode()

    assert 'id="form-dispatch"' not in page
    shown = re.search(r'id="dispatch-refused">(.*?)</div>', page, re.S).group(1)
    assert said.replace("'", "&#x27;") in shown
    assert reverse("dispute_detail", args=[dispute.id]) in shown

    # A form posted from a page opened before the proposal: refused, with the same words.
    answer = client.post(
        reverse("order_act", args=[order.number, "dispatch"]), {"unit": "housing"}, follow=True
    )
    assert said in [str(m) for m in answer.context["messages"]]
    assert WorkOrder.objects.get(id=order.id).status == Status.TRIAGE


def test_the_form_says_that_dispatching_settles_the_open_dispute(client, people):
    order, dispute = returned_twice(people)
    client.force_login(people["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("order_detail", args=[order.number])).content.decode()

    assert 'id="form-dispatch"' in page and 'id="dispatch-refused"' not in page
    assert f"Dispatching settles jurisdiction dispute {dispute.number}" in page
