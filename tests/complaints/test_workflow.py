"""The handling life of a work order: every transition, who may take it, and what it leaves.

"Now" is fixed with time_machine: Monday 6 July 2026, 10:00 in Beijing, unless a test moves
it. July and August 2026 have no public holiday, so deadlines there are counted by hand on
Monday-to-Friday weeks; the National Day test counts through the 2026 holiday (1-7 October off,
Saturday 10 October worked), which it first checks against the chinese-calendar package.

Default deadline policy: sign for within 1 working day of dispatch (15 minutes when safety is
at stake); decide on a complaint within 7 working days of receipt; resolve within 45 working
days of acceptance; answer an inquiry within 5 working days of receipt.
"""

from __future__ import annotations

import html
import re
import threading
from datetime import date, datetime

import chinese_calendar
import pytest
import time_machine
from django.db import connection, connections
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from complaints import workflow
from complaints.choices import (
    Action,
    DuplicateStatus,
    ExtensionStatus,
    Satisfaction,
    Status,
    UnitRelation,
)
from complaints.deadlines import BEIJING
from complaints.models import (
    CoHandlingOpinion,
    ExtensionRequest,
    OrderNumberCounter,
    PossibleDuplicate,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderUnit,
)
from complaints.workflow import StaleOrder, WorkflowError
from departments import access
from departments.choices import RoleCode
from departments.models import Role, Unit
from tests.factories import UserFactory, make_order, unit


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def end_of(y, m, d):
    return datetime(y, m, d, 23, 59, 59, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    """Monday 6 July 2026, 10:00 in Beijing; tests move it with clock.move_to(...)."""
    with time_machine.travel(at(2026, 7, 6), tick=False) as traveller:
        yield traveller


# -- helpers -------------------------------------------------------------------------------


def fresh(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.get(pk=order.pk)


def last_event(order: WorkOrder) -> WorkOrderEvent:
    return WorkOrderEvent.objects.filter(order=order).order_by("-id").first()


def actions(order: WorkOrder) -> list[str]:
    return list(
        WorkOrderEvent.objects.filter(order=order).order_by("id").values_list("action", flat=True)
    )


def links(order: WorkOrder) -> dict[str, str]:
    return dict(WorkOrderUnit.objects.filter(order=order).values_list("unit__code", "relation"))


def state(order: WorkOrder) -> dict:
    """Everything an action could change: the order row and the rows around it."""
    return {
        "order": WorkOrder.objects.filter(pk=order.pk).values().get(),
        "events": WorkOrderEvent.objects.count(),
        "links": links(order),
        "extensions": sorted(ExtensionRequest.objects.values_list("id", "status")),
        "duplicates": sorted(PossibleDuplicate.objects.values_list("id", "status")),
        "opinions": CoHandlingOpinion.objects.count(),
    }


def refused(function, order: WorkOrder, message: str | None, error=WorkflowError, **kwargs):
    """Call an action that must be refused with `message`, and prove nothing changed."""
    before = state(order)
    with pytest.raises(error, match=re.escape(message) if message else None) as caught:
        function(order_id=order.id, **kwargs)
    assert state(order) == before
    return caught.value


def sign(order, user):
    return workflow.workorder_sign(order_id=order.id, acting_user=user)


def signed(office, unit_user, **overrides) -> WorkOrder:
    return sign(make_order(office, **overrides), unit_user)


def accepted(office, unit_user, **overrides) -> WorkOrder:
    order = signed(office, unit_user, **overrides)
    return workflow.workorder_accept(order_id=order.id, acting_user=unit_user)


def resolved(office, unit_user, **overrides) -> WorkOrder:
    order = signed(office, unit_user, **overrides)
    return workflow.workorder_resolve(order_id=order.id, acting_user=unit_user, result="已退货")


def closed(office, unit_user, **overrides) -> WorkOrder:
    order = resolved(office, unit_user, **overrides)
    return workflow.workorder_close(order_id=order.id, acting_user=office)


def assert_event(event, *, action, actor, from_status="", to_status="", unit_code=None, note=""):
    assert event.action == action
    assert event.actor == actor
    assert event.actor_unit_id == actor.unit_id
    assert (event.from_status, event.to_status) == (from_status, to_status)
    assert (event.unit.code if event.unit else None) == unit_code
    assert event.note == note


# -- the table and what each person is offered ----------------------------------------------


def test_every_action_that_changes_an_order_has_one_transition():
    # A referral is written on the order's timeline by the referral flow (complaints.referrals).
    # So is each step of a jurisdiction dispute (complaints.disputes).
    not_transitions = {
        Action.CREATE,
        Action.REOPEN,
        Action.ATTACH,
        Action.REFER,
        Action.DISPUTE,
        Action.INTERVENTION,
        Action.MEDIATION,
    }
    assert set(workflow.TRANSITIONS) == set(Action.values) - not_transitions


def test_the_primary_unit_is_offered_sign_and_return_on_an_assigned_order(office_staff, mr_staff):
    order = make_order(office_staff)
    assert workflow.allowed_actions(mr_staff, order) == [Action.SIGN, Action.RETURN]


def test_the_primary_unit_is_offered_the_handling_actions_once_signed(office_staff, mr_staff):
    order = signed(office_staff, mr_staff)
    assert workflow.allowed_actions(mr_staff, order) == [
        Action.ACCEPT,
        Action.RETURN,
        Action.REQUEST_EXTENSION,
        Action.PAUSE,
        Action.NOTE,
        Action.RESOLVE,
    ]


def test_the_office_is_offered_office_actions_but_never_a_units(office_staff, mr_staff):
    order = signed(office_staff, mr_staff)
    assert workflow.allowed_actions(office_staff, order) == [
        Action.REDISPATCH,
        Action.SUPERVISE,
        Action.EXCLUDE,
        Action.LINK_DUPLICATE,
        Action.DISMISS_DUPLICATE,
        Action.MERGE,
    ]


def test_the_leader_may_only_supervise_a_co_unit_only_give_an_opinion_or_a_note_admins_nothing(
    office_staff, mr_staff, leader, housing_staff, sysadmin
):
    order = signed(office_staff, mr_staff, co_unit_codes=["housing"])
    assert workflow.allowed_actions(leader, order) == [Action.SUPERVISE]
    assert workflow.allowed_actions(housing_staff, order) == [Action.OPINION, Action.NOTE]
    assert workflow.allowed_actions(sysadmin, order) == []


def test_a_paused_order_offers_resume_instead_of_pause(office_staff, mr_staff):
    order = signed(office_staff, mr_staff)
    order = workflow.workorder_pause(order_id=order.id, acting_user=mr_staff, reason="等待检测")
    offered = workflow.allowed_actions(mr_staff, order)
    assert Action.RESUME in offered
    assert Action.PAUSE not in offered


# -- dispatch ------------------------------------------------------------------------------


def test_the_office_dispatches_a_triage_order_to_a_unit_and_a_co_handling_unit(
    office_staff, mr_staff, housing_staff
):
    order = make_order(office_staff, send_to_triage=True)
    assert (order.status, order.dispatch_count, order.version) == (Status.TRIAGE, 0, 1)

    workflow.workorder_dispatch(
        order_id=order.id,
        acting_user=office_staff,
        unit_code="market-regulation",
        co_unit_codes=["housing"],
        reason="食品问题由市场监管局办理",
    )

    order = fresh(order)
    assert order.status == Status.ASSIGNED
    assert order.primary_unit.code == "market-regulation"
    assert order.dispatch_count == 1
    assert order.dispatched_at == at(2026, 7, 6)
    assert order.forced_assignment is False
    assert order.version == 2
    # One working day after Monday 6 July.
    assert order.due_sign_for == end_of(2026, 7, 7)
    assert (order.next_due_at, order.next_due_name) == (end_of(2026, 7, 7), "sign_for")
    assert links(order) == {"market-regulation": UnitRelation.PRIMARY, "housing": UnitRelation.CO}
    event = last_event(order)
    assert_event(
        event,
        action=Action.DISPATCH,
        actor=office_staff,
        from_status=Status.TRIAGE,
        to_status=Status.ASSIGNED,
        unit_code="market-regulation",
        note="食品问题由市场监管局办理",
    )
    assert event.data == {"forced": False, "co_units": ["housing"]}
    assert order in access.workorders_visible_to(mr_staff)
    assert order in access.workorders_visible_to(housing_staff)


def test_it_refuses_to_dispatch_an_order_that_is_already_assigned(office_staff):
    order = make_order(office_staff)
    refused(
        workflow.workorder_dispatch,
        order,
        f"Order {order.number} has the status “Awaiting sign-for”; it cannot be dispatched now.",
        acting_user=office_staff,
        unit_code="housing",
    )


@pytest.mark.parametrize("code", ["no-such-unit", "office"])
def test_it_refuses_to_dispatch_to_anything_but_a_member_unit(office_staff, code):
    order = make_order(office_staff, send_to_triage=True)
    refused(
        workflow.workorder_dispatch,
        order,
        f"There is no member unit with the code “{code}”.",
        acting_user=office_staff,
        unit_code=code,
    )


def test_a_unit_cannot_see_let_alone_dispatch_a_triage_order(office_staff, mr_head):
    order = make_order(office_staff, send_to_triage=True)
    refused(
        workflow.workorder_dispatch,
        order,
        None,
        error=Http404,
        acting_user=mr_head,
        unit_code="market-regulation",
    )


def test_a_forced_assignment_needs_two_returns_and_then_cannot_be_returned(office_staff, mr_staff):
    order = make_order(office_staff)
    workflow.workorder_return(order_id=order.id, acting_user=mr_staff, reason="不属于本单位职责")
    refused(
        workflow.workorder_dispatch,
        order,
        "An assignment can be forced only after the order was returned twice.",
        acting_user=office_staff,
        unit_code="market-regulation",
        force=True,
    )
    workflow.workorder_dispatch(
        order_id=order.id, acting_user=office_staff, unit_code="market-regulation"
    )
    workflow.workorder_return(order_id=order.id, acting_user=mr_staff, reason="仍不属于")
    assert fresh(order).return_count == 2

    workflow.workorder_dispatch(
        order_id=order.id,
        acting_user=office_staff,
        unit_code="market-regulation",
        force=True,
        reason="经研究由市场监管局办理",
    )

    order = fresh(order)
    assert order.forced_assignment is True
    assert order.dispatch_count == 3
    assert (order.status, order.primary_unit.code) == (Status.ASSIGNED, "market-regulation")
    # The second return opened a dispute, which the dispatch settled: its line comes last.
    dispatched = order.events.filter(action=Action.DISPATCH).order_by("-id").first()
    assert dispatched.data == {"forced": True, "co_units": []}
    assert last_event(order).action == Action.DISPUTE
    assert Action.RETURN not in workflow.allowed_actions(mr_staff, order)
    refused(
        workflow.workorder_return,
        order,
        "by a forced assignment; it cannot be returned",
        acting_user=mr_staff,
        reason="还是不归我们管",
    )
    sign(order, mr_staff)
    refused(
        workflow.workorder_return,
        order,
        "by a forced assignment; it cannot be returned",
        acting_user=mr_staff,
        reason="还是不归我们管",
    )


def test_a_forced_order_redispatched_elsewhere_may_be_returned_by_its_new_unit(
    office_staff, mr_staff, housing_staff
):
    order = make_order(office_staff)
    for _ in range(2):
        workflow.workorder_return(order_id=order.id, acting_user=mr_staff, reason="不属于")
        workflow.workorder_dispatch(
            order_id=order.id,
            acting_user=office_staff,
            unit_code="market-regulation",
            force=fresh(order).return_count == 2,
        )
    assert fresh(order).forced_assignment is True

    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="housing", reason="改派住建委"
    )

    order = fresh(order)
    assert order.forced_assignment is False
    assert Action.RETURN in workflow.allowed_actions(housing_staff, order)


# -- re-dispatch ---------------------------------------------------------------------------


def test_the_office_redispatches_a_signed_order_to_another_unit(
    office_staff, mr_staff, housing_staff
):
    order = signed(office_staff, mr_staff)
    version = order.version

    workflow.workorder_redispatch(
        order_id=order.id,
        acting_user=office_staff,
        unit_code="housing",
        reason="涉及物业，改派住建委",
    )

    order = fresh(order)
    assert order.status == Status.ASSIGNED
    assert order.primary_unit.code == "housing"
    assert order.dispatch_count == 2
    assert order.signed_at is None
    assert order.version == version + 1
    assert links(order) == {
        "market-regulation": UnitRelation.FORMER,
        "housing": UnitRelation.PRIMARY,
    }
    event = last_event(order)
    assert_event(
        event,
        action=Action.REDISPATCH,
        actor=office_staff,
        from_status=Status.IN_PROGRESS,
        to_status=Status.ASSIGNED,
        unit_code="housing",
        note="涉及物业，改派住建委",
    )
    assert event.data == {"from_unit": "market-regulation"}
    # The former unit still sees where the order went but can no longer act on it.
    assert order in access.workorders_visible_to(mr_staff)
    assert workflow.allowed_actions(mr_staff, order) == []
    assert workflow.allowed_actions(housing_staff, order) == [Action.SIGN, Action.RETURN]


def test_it_refuses_to_redispatch_to_the_same_unit_or_without_a_reason(office_staff, mr_staff):
    order = make_order(office_staff)
    refused(
        workflow.workorder_redispatch,
        order,
        "The order is already with",
        acting_user=office_staff,
        unit_code="market-regulation",
        reason="再派一次",
    )
    refused(
        workflow.workorder_redispatch,
        order,
        "Please give the reason for re-dispatching.",
        acting_user=office_staff,
        unit_code="housing",
        reason="  ",
    )


def test_a_unit_cannot_redispatch_its_own_order(office_staff, mr_head):
    order = make_order(office_staff)
    refused(
        workflow.workorder_redispatch,
        order,
        f"You may not do this: order {order.number} cannot be re-dispatched by you.",
        acting_user=mr_head,
        unit_code="housing",
        reason="应由住建委办理",
    )


# -- sign ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["mr_staff", "mr_liaison", "mr_head"])
def test_anyone_of_the_primary_unit_signs_for_an_assigned_order(request, office_staff, persona):
    person = request.getfixturevalue(persona)
    order = make_order(office_staff)
    sign(order, person)

    order = fresh(order)
    assert order.status == Status.IN_PROGRESS
    assert order.signed_at == at(2026, 7, 6)
    assert order.version == 2
    # The sign-for deadline is met; the next one is the acceptance decision, 7 working days
    # after Monday 6 July: 7, 8, 9, 10, 13, 14, 15 July.
    assert (order.next_due_at, order.next_due_name) == (end_of(2026, 7, 15), "decision")
    assert_event(
        last_event(order),
        action=Action.SIGN,
        actor=person,
        from_status=Status.ASSIGNED,
        to_status=Status.IN_PROGRESS,
        unit_code="market-regulation",
    )


def test_the_office_cannot_sign_for_a_units_order(office_staff):
    order = make_order(office_staff)
    refused(
        workflow.workorder_sign,
        order,
        f"You may not do this: order {order.number} cannot be signed for by you.",
        acting_user=office_staff,
    )


def test_a_co_handling_unit_cannot_sign(office_staff, housing_staff):
    order = make_order(office_staff, co_unit_codes=["housing"])
    refused(
        workflow.workorder_sign,
        order,
        "cannot be signed for by you",
        acting_user=housing_staff,
    )


def test_another_units_staff_get_404_because_the_order_is_invisible_to_them(
    office_staff, housing_staff
):
    order = make_order(office_staff)
    refused(workflow.workorder_sign, order, None, error=Http404, acting_user=housing_staff)


def test_the_leader_cannot_sign(office_staff, leader):
    order = make_order(office_staff)
    refused(workflow.workorder_sign, order, "cannot be signed for by you", acting_user=leader)


def test_it_refuses_to_sign_a_closed_order(office_staff, mr_staff):
    order = closed(office_staff, mr_staff)
    refused(
        workflow.workorder_sign,
        order,
        f"Order {order.number} has the status “Closed”; it cannot be signed for now.",
        acting_user=mr_staff,
    )


def test_it_refuses_to_sign_twice(office_staff, mr_staff, mr_liaison):
    order = signed(office_staff, mr_staff)
    refused(
        workflow.workorder_sign,
        order,
        "has the status “In progress”; it cannot be signed for now",
        acting_user=mr_liaison,
    )


# -- accept --------------------------------------------------------------------------------


def test_accepting_a_complaint_starts_the_45_working_day_resolution_clock(office_staff, mr_staff):
    order = signed(office_staff, mr_staff)
    workflow.workorder_accept(order_id=order.id, acting_user=mr_staff, note="予以受理")

    order = fresh(order)
    assert order.accepted_at == at(2026, 7, 6)
    assert order.status == Status.IN_PROGRESS
    # 45 working days after Monday 6 July are nine Monday-to-Friday weeks: Monday 7 September.
    assert order.due_resolution == end_of(2026, 9, 7)
    assert (order.next_due_at, order.next_due_name) == (end_of(2026, 9, 7), "resolution")
    assert order.version == 3
    assert_event(
        last_event(order),
        action=Action.ACCEPT,
        actor=mr_staff,
        unit_code="market-regulation",
        note="予以受理",
    )


def test_it_refuses_to_accept_twice_or_to_accept_an_inquiry(office_staff, mr_staff):
    order = accepted(office_staff, mr_staff)
    refused(
        workflow.workorder_accept,
        order,
        "This order has already been accepted, or needs no decision.",
        acting_user=mr_staff,
    )
    inquiry = signed(office_staff, mr_staff, kind="inquiry")
    refused(
        workflow.workorder_accept,
        inquiry,
        "This order has already been accepted, or needs no decision.",
        acting_user=mr_staff,
    )


def test_it_refuses_to_accept_before_signing(office_staff, mr_staff):
    order = make_order(office_staff)
    refused(
        workflow.workorder_accept,
        order,
        "has the status “Awaiting sign-for”; it cannot be accepted for handling now",
        acting_user=mr_staff,
    )


# -- return --------------------------------------------------------------------------------


def test_a_unit_returns_an_order_outside_its_remit_to_the_office(office_staff, mr_staff):
    order = accepted(office_staff, mr_staff)
    workflow.workorder_return(order_id=order.id, acting_user=mr_staff, reason="属于住建委职责")

    order = fresh(order)
    assert order.status == Status.TRIAGE
    assert order.primary_unit is None
    assert order.return_count == 1
    assert (order.signed_at, order.accepted_at) == (None, None)
    assert order.dispatch_count == 1
    assert links(order) == {"market-regulation": UnitRelation.FORMER}
    # Back in triage the decision deadline (15 July) runs again.
    assert (order.next_due_at, order.next_due_name) == (end_of(2026, 7, 15), "decision")
    event = last_event(order)
    assert_event(
        event,
        action=Action.RETURN,
        actor=mr_staff,
        from_status=Status.IN_PROGRESS,
        to_status=Status.TRIAGE,
        unit_code="market-regulation",
        note="属于住建委职责",
    )
    assert event.data == {"return_count": 1}
    assert order in access.workorders_visible_to(mr_staff)
    assert workflow.allowed_actions(mr_staff, order) == []


def test_it_refuses_a_return_without_a_reason(office_staff, mr_staff):
    order = make_order(office_staff)
    refused(
        workflow.workorder_return,
        order,
        "Please give the reason for returning the order.",
        acting_user=mr_staff,
        reason="",
    )


def test_a_co_handling_unit_cannot_return_the_order(office_staff, housing_staff):
    order = make_order(office_staff, co_unit_codes=["housing"])
    refused(
        workflow.workorder_return,
        order,
        "cannot be returned by you",
        acting_user=housing_staff,
        reason="不归我们",
    )


# -- extensions ----------------------------------------------------------------------------


def request_extension(order, user, days=5, **kwargs):
    return workflow.workorder_request_extension(
        order_id=order.id, acting_user=user, working_days=days, reason="需要现场核查", **kwargs
    )


def test_an_extension_request_waits_for_the_office_and_moves_nothing(office_staff, mr_staff):
    order = accepted(office_staff, mr_staff)
    version = order.version

    request = request_extension(order, mr_staff)

    assert (request.deadline, request.working_days, request.status) == (
        "resolution",
        5,
        ExtensionStatus.PENDING,
    )
    assert request.requested_by == mr_staff
    order = fresh(order)
    assert order.due_resolution == end_of(2026, 9, 7)
    assert order.version == version + 1
    event = last_event(order)
    assert_event(
        event,
        action=Action.REQUEST_EXTENSION,
        actor=mr_staff,
        unit_code="market-regulation",
        note="需要现场核查",
    )
    assert event.data == {"deadline": "resolution", "working_days": 5, "request": request.id}


def test_an_approved_extension_moves_the_deadline_by_its_working_days(office_staff, mr_staff):
    order = accepted(office_staff, mr_staff)
    request = request_extension(order, mr_staff)
    assert fresh(order).due_resolution == end_of(2026, 9, 7)

    workflow.workorder_decide_extension(
        order_id=order.id, acting_user=office_staff, approve=True, note="同意"
    )

    order = fresh(order)
    # Five working days after Monday 7 September: 8, 9, 10, 11, 14 September.
    assert order.due_resolution == end_of(2026, 9, 14)
    assert (order.next_due_at, order.next_due_name) == (end_of(2026, 9, 14), "resolution")
    request.refresh_from_db()
    assert request.status == ExtensionStatus.APPROVED
    assert (request.decided_by, request.decided_at) == (office_staff, at(2026, 7, 6))
    event = last_event(order)
    assert_event(
        event,
        action=Action.APPROVE_EXTENSION,
        actor=office_staff,
        unit_code="market-regulation",
        note="同意",
    )
    assert datetime.fromisoformat(event.data["before"]) == end_of(2026, 9, 7)
    assert datetime.fromisoformat(event.data["after"]) == end_of(2026, 9, 14)
    assert (event.data["deadline"], event.data["working_days"]) == ("resolution", 5)


def test_a_refused_extension_leaves_the_deadline_where_it_was(office_staff, mr_staff):
    order = accepted(office_staff, mr_staff)
    request = request_extension(order, mr_staff)

    workflow.workorder_decide_extension(
        order_id=order.id, acting_user=office_staff, approve=False, note="理由不充分"
    )

    order = fresh(order)
    assert order.due_resolution == end_of(2026, 9, 7)
    request.refresh_from_db()
    assert request.status == ExtensionStatus.REFUSED
    assert request.decision_note == "理由不充分"
    event = last_event(order)
    assert_event(
        event,
        action=Action.REFUSE_EXTENSION,
        actor=office_staff,
        unit_code="market-regulation",
        note="理由不充分",
    )
    assert datetime.fromisoformat(event.data["after"]) == end_of(2026, 9, 7)
    # Once decided, the unit may ask again.
    assert Action.REQUEST_EXTENSION in workflow.allowed_actions(mr_staff, order)


def test_an_extension_before_acceptance_extends_the_decision_deadline(office_staff, mr_staff):
    order = signed(office_staff, mr_staff)
    request = request_extension(order, mr_staff, days=2)
    assert request.deadline == "decision"
    workflow.workorder_decide_extension(order_id=order.id, acting_user=office_staff, approve=True)
    # 15 July + 2 working days: 16, 17 July.
    assert fresh(order).due_decision == end_of(2026, 7, 17)


def test_it_refuses_a_refusal_without_a_reason(office_staff, mr_staff):
    order = accepted(office_staff, mr_staff)
    request_extension(order, mr_staff)
    refused(
        workflow.workorder_decide_extension,
        order,
        "Please give the reason for refusing.",
        acting_user=office_staff,
        approve=False,
        note=" ",
    )


def test_it_refuses_a_second_request_while_one_is_waiting(office_staff, mr_staff, mr_head):
    order = accepted(office_staff, mr_staff)
    request_extension(order, mr_staff)
    refused(
        workflow.workorder_request_extension,
        order,
        "An extension request for this order is already waiting.",
        acting_user=mr_head,
        working_days=3,
        reason="再延三天",
    )


@pytest.mark.parametrize("days", [0, 46])
def test_it_refuses_an_extension_outside_1_to_45_working_days(office_staff, mr_staff, days):
    order = accepted(office_staff, mr_staff)
    refused(
        workflow.workorder_request_extension,
        order,
        "An extension must be between 1 and 45 working days.",
        acting_user=mr_staff,
        working_days=days,
        reason="需要时间",
    )


def test_it_refuses_to_decide_when_nothing_is_waiting(office_staff, mr_staff):
    order = accepted(office_staff, mr_staff)
    refused(
        workflow.workorder_decide_extension,
        order,
        "No extension request is waiting for this order.",
        acting_user=office_staff,
        approve=True,
    )


def test_a_unit_cannot_decide_its_own_extension_and_the_office_cannot_request_one(
    office_staff, mr_staff, mr_head
):
    order = accepted(office_staff, mr_staff)
    refused(
        workflow.workorder_request_extension,
        order,
        "cannot be given an extension request by you",
        acting_user=office_staff,
        working_days=5,
        reason="需要时间",
    )
    request_extension(order, mr_staff)
    refused(
        workflow.workorder_decide_extension,
        order,
        "cannot be given an extension by you",
        acting_user=mr_head,
        approve=True,
    )


# -- pause and resume ----------------------------------------------------------------------


def test_pausing_stops_the_clock_and_resuming_adds_the_paused_working_days(
    office_staff, mr_staff, clock
):
    order = accepted(office_staff, mr_staff)
    clock.move_to(at(2026, 7, 7))  # Tuesday

    workflow.workorder_pause(order_id=order.id, acting_user=mr_staff, reason="等待检测报告")

    order = fresh(order)
    assert (order.paused_at, order.pause_reason) == (at(2026, 7, 7), "等待检测报告")
    assert (order.next_due_at, order.next_due_name) == (None, "")
    assert_event(
        last_event(order),
        action=Action.PAUSE,
        actor=mr_staff,
        unit_code="market-regulation",
        note="等待检测报告",
    )

    clock.move_to(at(2026, 7, 10, 15))  # Friday: 8, 9 and 10 July were paused
    workflow.workorder_resume(order_id=order.id, acting_user=mr_staff, note="报告已出")

    order = fresh(order)
    assert (order.paused_at, order.pause_reason) == (None, "")
    assert order.paused_working_days == 3
    # 7 September + 3 working days: 8, 9, 10 September.
    assert order.due_resolution == end_of(2026, 9, 10)
    assert (order.next_due_at, order.next_due_name) == (end_of(2026, 9, 10), "resolution")
    event = last_event(order)
    assert_event(
        event, action=Action.RESUME, actor=mr_staff, unit_code="market-regulation", note="报告已出"
    )
    assert event.data == {"paused_working_days": 3}


def test_a_pause_or_exclusion_reason_too_long_to_keep_is_refused_whole(
    office_staff, office_director, mr_staff
):
    order = accepted(office_staff, mr_staff)
    with pytest.raises(WorkflowError, match="to 300 characters; it has 301"):
        workflow.workorder_pause(order_id=order.id, acting_user=mr_staff, reason="等" * 301)
    with pytest.raises(WorkflowError, match="to 300 characters"):
        workflow.workorder_exclude_from_stats(
            order_id=order.id, acting_user=office_director, reason="重" * 301
        )
    order = fresh(order)
    assert (order.paused_at, order.excluded_from_stats) == (None, False)
    workflow.workorder_pause(order_id=order.id, acting_user=mr_staff, reason="等" * 300)
    assert len(fresh(order).pause_reason) == 300


def test_a_pause_over_national_day_counts_only_working_days_including_the_make_up_saturday(
    office_staff, mr_staff, clock
):
    clock.move_to(at(2026, 9, 29))
    order = accepted(office_staff, mr_staff)
    clock.move_to(at(2026, 9, 30))
    workflow.workorder_pause(order_id=order.id, acting_user=mr_staff, reason="等待鉴定")
    clock.move_to(at(2026, 10, 12))
    workflow.workorder_resume(order_id=order.id, acting_user=mr_staff)
    # 1-7 October off, 8 and 9 worked, Saturday 10 worked, Sunday 11 off, Monday 12 worked.
    assert fresh(order).paused_working_days == 4


def test_resolving_a_paused_order_ends_the_pause(office_staff, mr_staff, clock):
    order = accepted(office_staff, mr_staff)
    clock.move_to(at(2026, 7, 7))
    workflow.workorder_pause(order_id=order.id, acting_user=mr_staff, reason="等待检测报告")
    clock.move_to(at(2026, 7, 9))

    workflow.workorder_resolve(order_id=order.id, acting_user=mr_staff, result="商家已退款")

    order = fresh(order)
    assert order.status == Status.RESOLVED
    assert (order.paused_at, order.pause_reason) == (None, "")
    assert order.paused_working_days == 2
    assert last_event(order).data == {"paused_working_days": 2}


def test_returning_a_paused_order_keeps_the_working_days_it_was_paused(
    office_staff, mr_staff, clock
):
    order = signed(office_staff, mr_staff)  # decision due 15 July
    clock.move_to(at(2026, 7, 7))
    workflow.workorder_pause(order_id=order.id, acting_user=mr_staff, reason="等待检测报告")
    clock.move_to(at(2026, 7, 10))  # 8, 9 and 10 July were paused

    workflow.workorder_return(order_id=order.id, acting_user=mr_staff, reason="不属于本单位")

    order = fresh(order)
    assert (order.paused_at, order.pause_reason) == (None, "")
    assert order.paused_working_days == 3
    # 15 July + 3 working days: 16, 17, 20 July.
    assert (order.next_due_at, order.next_due_name) == (end_of(2026, 7, 20), "decision")


def test_redispatching_a_paused_order_keeps_the_working_days_it_was_paused(
    office_staff, mr_staff, clock
):
    order = signed(office_staff, mr_staff)
    clock.move_to(at(2026, 7, 7))
    workflow.workorder_pause(order_id=order.id, acting_user=mr_staff, reason="等待检测报告")
    clock.move_to(at(2026, 7, 10))

    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="housing", reason="改派"
    )

    order = fresh(order)
    assert (order.paused_at, order.pause_reason) == (None, "")
    assert order.paused_working_days == 3
    assert order.due_decision == end_of(2026, 7, 20)


def test_it_refuses_to_pause_twice_to_resume_a_running_clock_or_to_pause_without_reason(
    office_staff, mr_staff
):
    order = signed(office_staff, mr_staff)
    refused(
        workflow.workorder_resume,
        order,
        "The clock of this order is not paused.",
        acting_user=mr_staff,
    )
    refused(
        workflow.workorder_pause,
        order,
        "Please give the reason for pausing the clock.",
        acting_user=mr_staff,
        reason="",
    )
    workflow.workorder_pause(order_id=order.id, acting_user=mr_staff, reason="等待检测")
    refused(
        workflow.workorder_pause,
        order,
        "The clock of this order is already paused.",
        acting_user=mr_staff,
        reason="再次暂停",
    )


def test_it_refuses_to_pause_an_order_not_yet_signed_for(office_staff, mr_staff):
    order = make_order(office_staff)
    refused(
        workflow.workorder_pause,
        order,
        "has the status “Awaiting sign-for”; it cannot be paused now",
        acting_user=mr_staff,
        reason="等待",
    )


def test_a_paused_order_has_no_running_deadline_to_extend(office_staff, mr_staff):
    order = accepted(office_staff, mr_staff)
    workflow.workorder_pause(order_id=order.id, acting_user=mr_staff, reason="等待检测")
    refused(
        workflow.workorder_request_extension,
        order,
        "This order has no running deadline that can be extended.",
        acting_user=mr_staff,
        working_days=5,
        reason="需要时间",
    )


# -- co-handling opinions and supervision --------------------------------------------------


def test_a_co_handling_unit_gives_its_opinion(office_staff, mr_staff, housing_staff):
    order = signed(office_staff, mr_staff, co_unit_codes=["housing"])
    version = order.version

    opinion = workflow.workorder_add_opinion(
        order_id=order.id, acting_user=housing_staff, text="经核查，物业收费符合规定"
    )

    assert (opinion.unit.code, opinion.author, opinion.text) == (
        "housing",
        housing_staff,
        "经核查，物业收费符合规定",
    )
    order = fresh(order)
    assert order.version == version + 1
    assert order.status == Status.IN_PROGRESS
    assert_event(
        last_event(order),
        action=Action.OPINION,
        actor=housing_staff,
        unit_code="housing",
        note="经核查，物业收费符合规定",
    )


def test_the_primary_unit_cannot_give_a_co_handling_opinion(office_staff, mr_staff):
    order = signed(office_staff, mr_staff, co_unit_codes=["housing"])
    refused(
        workflow.workorder_add_opinion,
        order,
        "cannot be given an opinion by you",
        acting_user=mr_staff,
        text="我们的意见",
    )


def test_it_refuses_an_empty_opinion(office_staff, mr_staff, housing_staff):
    order = signed(office_staff, mr_staff, co_unit_codes=["housing"])
    refused(
        workflow.workorder_add_opinion,
        order,
        "Please give your unit's opinion.",
        acting_user=housing_staff,
        text="   ",
    )


@pytest.mark.parametrize("persona", ["office_staff", "office_director", "leader"])
def test_the_office_and_the_leader_supervise_an_open_order(request, office_staff, persona):
    person = request.getfixturevalue(persona)
    order = make_order(office_staff)

    workflow.workorder_supervise(order_id=order.id, acting_user=person, note="请加快办理")
    workflow.workorder_supervise(order_id=order.id, acting_user=person, note="再次督办")

    order = fresh(order)
    assert order.supervision_count == 2
    assert order.status == Status.ASSIGNED
    assert_event(
        last_event(order),
        action=Action.SUPERVISE,
        actor=person,
        unit_code="market-regulation",
        note="再次督办",
    )


def test_a_unit_cannot_supervise_and_nobody_supervises_without_a_note_or_a_done_order(
    office_staff, mr_head
):
    order = make_order(office_staff)
    refused(
        workflow.workorder_supervise,
        order,
        "cannot be supervised by you",
        acting_user=mr_head,
        note="自我督办",
    )
    refused(
        workflow.workorder_supervise,
        order,
        "Please give what the unit is asked to do.",
        acting_user=office_staff,
        note="",
    )
    done = resolved(office_staff, mr_head)
    refused(
        workflow.workorder_supervise,
        done,
        "has the status “Resolved”; it cannot be supervised now",
        acting_user=office_staff,
        note="请加快",
    )


# -- resolve and close ---------------------------------------------------------------------


def test_the_unit_resolves_an_order_in_progress(office_staff, mr_staff):
    order = accepted(office_staff, mr_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=mr_staff, result="商家已退款并道歉")

    order = fresh(order)
    assert order.status == Status.RESOLVED
    assert order.result == "商家已退款并道歉"
    assert order.resolved_at == at(2026, 7, 6)
    assert (order.next_due_at, order.next_due_name) == (None, "")
    assert_event(
        last_event(order),
        action=Action.RESOLVE,
        actor=mr_staff,
        from_status=Status.IN_PROGRESS,
        to_status=Status.RESOLVED,
        unit_code="market-regulation",
        note="商家已退款并道歉",
    )


def test_it_refuses_to_resolve_without_a_result_or_before_signing(office_staff, mr_staff):
    order = make_order(office_staff)
    refused(
        workflow.workorder_resolve,
        order,
        "has the status “Awaiting sign-for”; it cannot be resolved now",
        acting_user=mr_staff,
        result="已处理",
    )
    sign(order, mr_staff)
    refused(
        workflow.workorder_resolve,
        order,
        "Please give the result of the handling.",
        acting_user=mr_staff,
        result="",
    )


def test_the_office_closes_a_resolved_order(office_staff, mr_staff):
    order = resolved(office_staff, mr_staff)
    workflow.workorder_close(order_id=order.id, acting_user=office_staff, note="回访后办结")

    order = fresh(order)
    assert order.status == Status.CLOSED
    assert order.closed_at == at(2026, 7, 6)
    assert_event(
        last_event(order),
        action=Action.CLOSE,
        actor=office_staff,
        from_status=Status.RESOLVED,
        to_status=Status.CLOSED,
        unit_code="market-regulation",
        note="回访后办结",
    )
    assert actions(order) == [
        Action.CREATE,
        Action.DISPATCH,
        Action.SIGN,
        Action.RESOLVE,
        Action.CLOSE,
    ]


def test_a_unit_cannot_close_its_order(office_staff, mr_head):
    order = resolved(office_staff, mr_head)
    refused(
        workflow.workorder_close,
        order,
        f"You may not do this: order {order.number} cannot be closed by you.",
        acting_user=mr_head,
    )


def test_it_refuses_to_close_an_order_still_in_progress_or_already_closed(office_staff, mr_staff):
    order = signed(office_staff, mr_staff)
    refused(
        workflow.workorder_close,
        order,
        "has the status “In progress”; it cannot be closed now",
        acting_user=office_staff,
    )
    done = closed(office_staff, mr_staff)
    refused(
        workflow.workorder_close,
        done,
        "has the status “Closed”; it cannot be closed now",
        acting_user=office_staff,
    )


def test_a_decision_cannot_assign_a_resolved_order_and_says_so_in_plain_english(
    office_staff, mr_staff, leader
):
    order = resolved(office_staff, mr_staff)
    refused(
        workflow.workorder_assign_by_decision,
        order,
        f"Order {order.number} has the status “Resolved”; it can no longer be assigned.",
        deciding_user=leader,
        unit_code="housing",
        reason="指定住建委办理",
        decision="DS-1",
    )


# -- satisfaction --------------------------------------------------------------------------


@pytest.mark.parametrize("rating", [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED])
def test_a_satisfied_call_back_is_recorded_and_the_order_stays_closed(
    office_staff, mr_staff, rating
):
    order = closed(office_staff, mr_staff)
    events_before = len(actions(order))

    workflow.workorder_record_satisfaction(
        order_id=order.id, acting_user=office_staff, rating=rating, comment="处理及时"
    )

    order = fresh(order)
    assert (order.status, order.reopen_count) == (Status.CLOSED, 0)
    assert (order.satisfaction, order.satisfaction_comment) == (rating, "处理及时")
    assert order.closed_at == at(2026, 7, 6)
    assert len(actions(order)) == events_before + 1
    event = last_event(order)
    assert_event(event, action=Action.SATISFACTION, actor=office_staff, note="处理及时")
    assert event.data == {"rating": rating}


def test_a_dissatisfied_call_back_reopens_the_order_to_the_unit(office_staff, mr_staff):
    order = closed(office_staff, mr_staff)

    workflow.workorder_record_satisfaction(
        order_id=order.id,
        acting_user=office_staff,
        rating=Satisfaction.DISSATISFIED,
        comment="钱还没退",
    )

    order = fresh(order)
    assert order.status == Status.IN_PROGRESS
    assert order.reopen_count == 1
    assert (order.resolved_at, order.closed_at) == (None, None)
    assert order.satisfaction == Satisfaction.DISSATISFIED
    assert actions(order)[-2:] == [Action.SATISFACTION, Action.REOPEN]
    reopen = last_event(order)
    assert_event(
        reopen,
        action=Action.REOPEN,
        actor=office_staff,
        from_status=Status.CLOSED,
        to_status=Status.IN_PROGRESS,
        unit_code="market-regulation",
        note="钱还没退",
    )
    assert reopen.data == {"reopen_count": 1}
    assert Action.RESOLVE in workflow.allowed_actions(mr_staff, order)

    workflow.workorder_resolve(order_id=order.id, acting_user=mr_staff, result="已退款")
    workflow.workorder_close(order_id=order.id, acting_user=office_staff)
    workflow.workorder_record_satisfaction(
        order_id=order.id, acting_user=office_staff, rating=Satisfaction.DISSATISFIED
    )
    assert fresh(order).reopen_count == 2


def test_it_refuses_an_unknown_rating_a_unit_recording_one_or_a_call_back_before_resolution(
    office_staff, mr_staff
):
    order = closed(office_staff, mr_staff)
    refused(
        workflow.workorder_record_satisfaction,
        order,
        "Unknown satisfaction rating “great”.",
        acting_user=office_staff,
        rating="great",
    )
    refused(
        workflow.workorder_record_satisfaction,
        order,
        "cannot be given a satisfaction call-back by you",
        acting_user=mr_staff,
        rating=Satisfaction.SATISFIED,
    )
    open_order = signed(office_staff, mr_staff)
    refused(
        workflow.workorder_record_satisfaction,
        open_order,
        "has the status “In progress”; it cannot be given a satisfaction call-back now",
        acting_user=office_staff,
        rating=Satisfaction.SATISFIED,
    )


# -- exclusion from statistics -------------------------------------------------------------


def test_the_office_excludes_an_order_from_satisfaction_statistics_with_a_reason(
    office_staff, mr_staff
):
    order = closed(office_staff, mr_staff)
    workflow.workorder_exclude_from_stats(
        order_id=order.id, acting_user=office_staff, reason="诉求人恶意投诉"
    )

    order = fresh(order)
    assert (order.excluded_from_stats, order.exclusion_reason) == (True, "诉求人恶意投诉")
    assert order.status == Status.CLOSED
    assert_event(
        last_event(order), action=Action.EXCLUDE, actor=office_staff, note="诉求人恶意投诉"
    )
    refused(
        workflow.workorder_exclude_from_stats,
        order,
        "This order is already excluded from satisfaction statistics.",
        acting_user=office_staff,
        reason="再次排除",
    )


def test_it_refuses_an_exclusion_without_a_reason_or_by_a_unit(office_staff, mr_head):
    order = make_order(office_staff)
    refused(
        workflow.workorder_exclude_from_stats,
        order,
        "Please give the reason for excluding the order.",
        acting_user=office_staff,
        reason="",
    )
    refused(
        workflow.workorder_exclude_from_stats,
        order,
        "cannot be excluded from satisfaction statistics by you",
        acting_user=mr_head,
        reason="不想统计",
    )


# -- duplicates ----------------------------------------------------------------------------

PHONE = "13812345678"


def duplicate_pair(office, clock):
    """An earlier order and a later one from the same phone, flagged as a possible pair."""
    earlier = make_order(office, citizen_phone=PHONE)
    clock.move_to(at(2026, 7, 7))
    later = make_order(office, citizen_phone=PHONE, content="上次买的酸奶也过期了，一直没人处理")
    pair = PossibleDuplicate.objects.get(order=later)
    assert (pair.other, pair.reason, pair.status) == (earlier, "same_phone", "suspected")
    return earlier, later, pair


def test_linking_a_duplicate_keeps_both_orders_and_notes_it_on_each(office_staff, clock):
    earlier, later, pair = duplicate_pair(office_staff, clock)
    earlier_before = state(earlier)["order"]

    workflow.workorder_link_duplicate(
        order_id=later.id, acting_user=office_staff, duplicate_id=pair.id
    )

    pair.refresh_from_db()
    assert (pair.status, pair.decided_by, pair.decided_at) == (
        DuplicateStatus.LINKED,
        office_staff,
        at(2026, 7, 7),
    )
    later = fresh(later)
    assert (later.status, later.merged_into) == (Status.ASSIGNED, None)
    assert later.version == 2
    earlier_after = state(earlier)["order"]
    assert earlier_after.pop("version") == earlier_before.pop("version") + 1
    # Its history shows the link, the hotline's view of it too (512df61): a client polling
    # with updated_since fetches it again.
    assert earlier_after.pop("updated_at") == at(2026, 7, 7)
    earlier_before.pop("updated_at")
    assert earlier_after == earlier_before
    assert_event(last_event(later), action=Action.LINK_DUPLICATE, actor=office_staff)
    assert last_event(later).data == {"other": earlier.number}
    assert_event(last_event(earlier), action=Action.LINK_DUPLICATE, actor=office_staff)
    assert last_event(earlier).data == {"other": later.number}


def test_dismissing_a_duplicate_keeps_both_orders_untouched(office_staff, clock):
    earlier, later, pair = duplicate_pair(office_staff, clock)
    earlier_events = actions(earlier)

    workflow.workorder_dismiss_duplicate(
        order_id=later.id, acting_user=office_staff, duplicate_id=pair.id
    )

    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.DISMISSED
    assert WorkOrder.objects.filter(id__in=[earlier.id, later.id]).count() == 2
    assert fresh(later).status == Status.ASSIGNED
    assert_event(last_event(later), action=Action.DISMISS_DUPLICATE, actor=office_staff)
    assert last_event(later).data == {"other": earlier.number}
    assert actions(earlier) == earlier_events


def test_merging_closes_the_later_order_into_the_earlier_and_keeps_both_records(
    office_staff, clock
):
    earlier, later, pair = duplicate_pair(office_staff, clock)

    workflow.workorder_merge(order_id=later.id, acting_user=office_staff, duplicate_id=pair.id)

    later, earlier = fresh(later), fresh(earlier)
    assert later.status == Status.CLOSED
    assert later.merged_into == earlier
    assert later.closed_at == at(2026, 7, 7)
    assert later.excluded_from_stats is True
    assert later.exclusion_reason == f"已合并至 {earlier.number}"  # the record, in Chinese
    assert later.citizen_phone == PHONE
    assert (later.next_due_at, later.next_due_name) == (None, "")
    assert (earlier.status, earlier.merged_into, earlier.excluded_from_stats) == (
        Status.ASSIGNED,
        None,
        False,
    )
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED
    assert_event(
        last_event(later),
        action=Action.MERGE,
        actor=office_staff,
        from_status=Status.ASSIGNED,
        to_status=Status.CLOSED,
    )
    assert last_event(later).data == {"into": earlier.number}
    assert_event(last_event(earlier), action=Action.MERGE, actor=office_staff)
    assert last_event(earlier).data == {"merged": later.number}


def test_it_refuses_to_decide_a_duplicate_twice_or_one_listed_for_another_order(
    office_staff, clock
):
    earlier, later, pair = duplicate_pair(office_staff, clock)
    refused(
        workflow.workorder_link_duplicate,
        earlier,
        "That possible duplicate is not listed for this order.",
        acting_user=office_staff,
        duplicate_id=pair.id,
    )
    workflow.workorder_dismiss_duplicate(
        order_id=later.id, acting_user=office_staff, duplicate_id=pair.id
    )
    refused(
        workflow.workorder_merge,
        later,
        "This possible duplicate has already been decided.",
        acting_user=office_staff,
        duplicate_id=pair.id,
    )


def test_it_refuses_to_merge_into_an_order_that_was_itself_merged(office_staff, clock):
    _, later, pair = duplicate_pair(office_staff, clock)
    clock.move_to(at(2026, 7, 8))
    third = make_order(office_staff, citizen_phone=PHONE)
    pair_with_later = PossibleDuplicate.objects.get(order=third, other=later)
    workflow.workorder_merge(order_id=later.id, acting_user=office_staff, duplicate_id=pair.id)

    refused(
        workflow.workorder_merge,
        third,
        "The other order has itself been merged; merge into that one.",
        acting_user=office_staff,
        duplicate_id=pair_with_later.id,
    )


def test_a_unit_cannot_decide_duplicates(office_staff, mr_head, clock):
    _, later, pair = duplicate_pair(office_staff, clock)
    refused(
        workflow.workorder_merge,
        later,
        "cannot be merged by you",
        acting_user=mr_head,
        duplicate_id=pair.id,
    )


# -- stale forms and two people at once ----------------------------------------------------


def test_it_refuses_a_form_loaded_before_someone_else_changed_the_order(office_staff, mr_staff):
    order = make_order(office_staff)
    seen = order.version
    sign(order, mr_staff)

    error = refused(
        workflow.workorder_supervise,
        order,
        f"changed order {order.number} at ",
        error=StaleOrder,
        acting_user=office_staff,
        note="请加快",
        expected_version=seen,
    )
    assert error.message.endswith("so nothing was saved.")


def test_a_form_from_before_the_order_was_closed_is_told_why_not_only_that_it_changed(
    office_staff, mr_staff
):
    """The status is checked before the version: the office opened the resolved order,
    someone else closed it, and the office's close is refused for the status, not merely
    as a stale form that would send it back to a page without the action."""
    order = resolved(office_staff, mr_staff)
    seen = order.version
    workflow.workorder_close(order_id=order.id, acting_user=office_staff)

    error = refused(
        workflow.workorder_close,
        order,
        f"Order {order.number} has the status “Closed”; it cannot be closed now.",
        acting_user=office_staff,
        expected_version=seen,
    )
    assert not isinstance(error, StaleOrder)
    assert isinstance(error, workflow.NotPossibleNow)


@pytest.mark.parametrize(
    ("action", "kwargs", "said"),
    [
        ("workorder_pause", {"reason": "送检"}, "The clock of this order is already paused."),
        ("workorder_resume", {}, "The clock of this order is not paused."),
    ],
)
def test_a_condition_no_longer_met_is_told_before_the_stale_form(
    office_staff, mr_staff, mr_liaison, action, kwargs, said
):
    order = signed(office_staff, mr_staff)
    if action == "workorder_resume":
        workflow.workorder_pause(order_id=order.id, acting_user=mr_staff, reason="送检")
        seen = fresh(order).version
        workflow.workorder_resume(order_id=order.id, acting_user=mr_liaison)
    else:
        seen = order.version
        workflow.workorder_pause(order_id=order.id, acting_user=mr_liaison, reason="送检")

    refused(
        getattr(workflow, action),
        order,
        said,
        error=workflow.NotPossibleNow,
        acting_user=mr_staff,
        expected_version=seen,
        **kwargs,
    )


def test_a_change_that_still_allows_the_action_is_refused_as_stale(office_staff, mr_staff):
    order = signed(office_staff, mr_staff)
    seen = order.version
    workflow.workorder_supervise(order_id=order.id, acting_user=office_staff, note="请加快")

    refused(
        workflow.workorder_resolve,
        order,
        f"changed order {order.number} at ",
        error=StaleOrder,
        acting_user=mr_staff,
        result="已退货",
        expected_version=seen,
    )


def test_two_people_acting_on_the_same_version_one_wins_the_other_is_told_why_not(
    office_staff, mr_staff, mr_liaison
):
    order = make_order(office_staff)
    seen = order.version

    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff, expected_version=seen)
    refused(
        workflow.workorder_sign,
        order,
        f"Order {order.number} has the status “In progress”; it cannot be signed for now.",
        error=workflow.NotPossibleNow,
        acting_user=mr_liaison,
        expected_version=seen,
    )

    order = fresh(order)
    assert order.version == seen + 1
    signs = WorkOrderEvent.objects.filter(order=order, action=Action.SIGN)
    assert [event.actor for event in signs] == [mr_staff]


def test_the_current_version_is_accepted(office_staff, mr_staff):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff, expected_version=order.version)
    assert fresh(order).status == Status.IN_PROGRESS


def _committed_personas():
    """Units, roles and people for a test outside the per-test transaction; only what was
    missing is created, and everything created is listed for removal afterwards."""
    created = []
    roles = {}
    for code in (RoleCode.OFFICE_STAFF, RoleCode.UNIT_STAFF):
        roles[code], new = Role.objects.get_or_create(code=code)
        if new:
            created.append(roles[code])
    for code, kind in (("office", "office"), ("market-regulation", "member")):
        found, new = Unit.objects.get_or_create(
            code=code, defaults={"kind": kind, "name": code, "name_en": code}
        )
        if new:
            created.append(found)
    office = UserFactory(username="race_office", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    staff = [
        UserFactory(
            username=f"race_mr{n}", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF]
        )
        for n in (1, 2)
    ]
    return office, staff, created


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: two connections locking one row; SQLite's in-memory test "
    "database is not shared between threads and has no row locks.",
)
def test_two_people_signing_at_the_same_moment_one_wins_and_the_other_is_told(
    django_db_setup, django_db_blocker
):
    # Committed data without a transactional test: a flush at its end would wipe the
    # reference data that later transactional tests read.
    with django_db_blocker.unblock():
        year = 2026
        counter = (
            OrderNumberCounter.objects.filter(year=year).values_list("last", flat=True).first()
        )
        office, staff, created = _committed_personas()
        order = make_order(office)
        try:
            seen = order.version
            barrier = threading.Barrier(len(staff))
            outcomes: dict[str, str] = {}

            def act(user):
                try:
                    with translation.override("en"):
                        barrier.wait(timeout=10)
                        workflow.workorder_sign(
                            order_id=order.id, acting_user=user, expected_version=seen
                        )
                        outcomes[user.username] = "signed"
                except WorkflowError as error:
                    outcomes[user.username] = error.message
                except Exception as error:  # noqa: BLE001 - shown by the assertion below
                    outcomes[user.username] = f"unexpected {error!r}"
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=act, args=(user,)) for user in staff]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert not any(thread.is_alive() for thread in threads)

            assert len(outcomes) == 2, outcomes
            winners = [name for name, result in outcomes.items() if result == "signed"]
            losers = [result for result in outcomes.values() if result != "signed"]
            assert len(winners) == 1, outcomes
            assert "cannot be signed for now" in losers[0]  # signed meanwhile
            current = fresh(order)
            assert (current.status, current.version) == (Status.IN_PROGRESS, seen + 1)
            winner = winners[0]
            signs = WorkOrderEvent.objects.filter(order=order, action=Action.SIGN)
            assert [event.actor.username for event in signs] == [winner]
        finally:
            WorkOrderEvent.objects.filter(order=order).delete()
            order.delete()
            for person in (office, *staff):
                person.delete()
            for reference in reversed(created):
                reference.delete()
            if counter is None:
                OrderNumberCounter.objects.filter(year=year).delete()
            else:
                OrderNumberCounter.objects.filter(year=year).update(last=counter)


# -- deadlines and the overdue query -------------------------------------------------------


def test_an_order_received_before_national_day_gets_its_deadlines_after_the_holiday(
    office_staff, clock
):
    # The calendar this test counts on: 1-7 October 2026 off, Saturday 10 October worked.
    assert [d for d in range(1, 8) if chinese_calendar.is_workday(date(2026, 10, d))] == []
    assert date(2026, 10, 10).weekday() == 5
    assert chinese_calendar.is_workday(date(2026, 10, 10))
    assert not chinese_calendar.is_workday(date(2026, 10, 11))

    clock.move_to(at(2026, 9, 30))  # Wednesday
    order = fresh(make_order(office_staff))

    # Sign for within 1 working day: 8 October, the first day after the holiday.
    assert order.due_sign_for == end_of(2026, 10, 8)
    # Decide within 7 working days: 8, 9, 10 (Saturday, worked), 12, 13, 14, 15 October.
    assert order.due_decision == end_of(2026, 10, 15)
    assert order.due_resolution is None
    assert (order.next_due_at, order.next_due_name) == (end_of(2026, 10, 8), "sign_for")


def test_an_inquiry_received_before_national_day_is_answered_after_the_holiday(office_staff, clock):
    clock.move_to(at(2026, 9, 30))
    order = fresh(make_order(office_staff, kind="inquiry"))
    # 5 working days: 8, 9, 10 (Saturday, worked), 12, 13 October.
    assert order.due_answer == end_of(2026, 10, 13)
    assert order.due_decision is None


def test_a_safety_order_must_be_signed_for_within_15_minutes_even_on_a_holiday_eve(
    office_staff, clock
):
    clock.move_to(at(2026, 9, 30, 17, 50))
    order = fresh(make_order(office_staff, urgency="safety"))
    assert order.due_sign_for == at(2026, 9, 30, 18, 5)
    assert (order.next_due_at, order.next_due_name) == (at(2026, 9, 30, 18, 5), "sign_for")


def overdue_ids() -> set[int]:
    return set(
        WorkOrder.objects.filter(next_due_at__lt=timezone.now()).values_list("id", flat=True)
    )


def test_the_overdue_query_picks_up_an_order_once_its_deadline_passes(
    office_staff, mr_staff, clock
):
    order = make_order(office_staff)  # sign for by the end of Tuesday 7 July
    assert order.id not in overdue_ids()

    clock.move_to(at(2026, 7, 7, 23, 59))
    assert order.id not in overdue_ids()

    clock.move_to(at(2026, 7, 8, 0, 1))
    assert order.id in overdue_ids()

    # Signing meets that deadline; the next one is the decision on 15 July.
    sign(order, mr_staff)
    assert order.id not in overdue_ids()
    clock.move_to(at(2026, 7, 16, 9))
    assert order.id in overdue_ids()


def test_a_resolved_order_is_never_overdue(office_staff, mr_staff, clock):
    order = resolved(office_staff, mr_staff)
    clock.move_to(at(2026, 12, 1))
    assert order.id not in overdue_ids()


# -- the access module ---------------------------------------------------------------------


@pytest.fixture
def three_orders(office_staff):
    return {
        "market": make_order(office_staff, co_unit_codes=["housing"]),
        "housing": make_order(office_staff, unit_code="housing"),
        "triage": make_order(office_staff, send_to_triage=True),
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("office_staff", {"market", "housing", "triage"}),
        ("office_director", {"market", "housing", "triage"}),
        ("leader", {"market", "housing", "triage"}),
        ("sysadmin", {"market", "housing", "triage"}),
        ("mr_staff", {"market"}),
        ("mr_head", {"market"}),
        ("housing_staff", {"market", "housing"}),
    ],
)
def test_who_sees_which_orders(request, three_orders, persona, expected):
    person = request.getfixturevalue(persona)
    visible = set(access.workorders_visible_to(person).values_list("id", flat=True))
    assert visible == {three_orders[name].id for name in expected}


def test_nobody_outside_the_portal_sees_an_order(three_orders):
    from django.contrib.auth.models import AnonymousUser

    assert not access.workorders_visible_to(AnonymousUser()).exists()
    with pytest.raises(Http404):
        access.workorder_or_404(AnonymousUser(), order_id=three_orders["market"].id)


def test_the_order_getter_finds_by_number_or_id_and_404s_for_missing_or_not_yours(
    three_orders, mr_staff
):
    market, housing = three_orders["market"], three_orders["housing"]
    assert access.workorder_or_404(mr_staff, number=market.number) == market
    assert access.workorder_or_404(mr_staff, order_id=market.id) == market
    with pytest.raises(Http404):
        access.workorder_or_404(mr_staff, number=housing.number)
    with pytest.raises(Http404):
        access.workorder_or_404(mr_staff, order_id=housing.id)
    with pytest.raises(Http404):
        access.workorder_or_404(mr_staff, order_id=10**9)
    with pytest.raises(Http404):
        access.workorder_or_404(mr_staff, number="WQ-2026-999999")


@pytest.mark.parametrize(
    ("persona", "handles", "co_handles", "sees_details"),
    [
        ("mr_staff", True, False, True),
        ("mr_head", True, False, True),
        ("housing_staff", False, True, False),
        ("office_staff", False, False, True),
        ("office_director", False, False, True),
        ("leader", False, False, False),
        ("sysadmin", False, False, False),
    ],
)
def test_who_handles_co_handles_and_sees_the_citizens_details(
    request, three_orders, persona, handles, co_handles, sees_details
):
    person = request.getfixturevalue(persona)
    order = fresh(three_orders["market"])
    assert access.handles_order(person, order) is handles
    assert access.co_handles_order(person, order) is co_handles
    assert access.may_see_citizen_details(person, order) is sees_details


def test_a_unit_member_without_a_unit_role_does_not_handle_its_orders(three_orders):
    no_role = UserFactory(unit=unit("market-regulation"), roles=[])
    order = fresh(three_orders["market"])
    assert access.handles_order(no_role, order) is False
    assert access.may_see_citizen_details(no_role, order) is False


def test_nobody_handles_an_order_in_triage(three_orders, mr_staff):
    assert access.handles_order(mr_staff, three_orders["triage"]) is False


ALL_ACTIONS = [
    (workflow.workorder_dispatch, {"unit_code": "housing"}),
    (workflow.workorder_redispatch, {"unit_code": "housing", "reason": "改派"}),
    (workflow.workorder_sign, {}),
    (workflow.workorder_accept, {}),
    (workflow.workorder_return, {"reason": "不归我们"}),
    (workflow.workorder_request_extension, {"working_days": 5, "reason": "需要时间"}),
    (workflow.workorder_decide_extension, {"approve": True}),
    (workflow.workorder_pause, {"reason": "等待"}),
    (workflow.workorder_resume, {}),
    (workflow.workorder_add_opinion, {"text": "意见"}),
    (workflow.workorder_supervise, {"note": "督办"}),
    (workflow.workorder_resolve, {"result": "已处理"}),
    (workflow.workorder_close, {}),
    (workflow.workorder_record_satisfaction, {"rating": "satisfied"}),
    (workflow.workorder_exclude_from_stats, {"reason": "排除"}),
    (workflow.workorder_link_duplicate, {"duplicate_id": 1}),
    (workflow.workorder_dismiss_duplicate, {"duplicate_id": 1}),
    (workflow.workorder_merge, {"duplicate_id": 1}),
]


@pytest.mark.parametrize(
    ("function", "kwargs"), ALL_ACTIONS, ids=[f.__name__ for f, _ in ALL_ACTIONS]
)
def test_every_action_on_another_units_order_is_a_404(
    office_staff, mr_staff, housing_head, function, kwargs
):
    order = signed(office_staff, mr_staff)
    refused(function, order, None, error=Http404, acting_user=housing_head, **kwargs)


@pytest.mark.parametrize(
    ("function", "kwargs"),
    [
        (workflow.workorder_sign, {}),
        (workflow.workorder_redispatch, {"unit_code": "housing", "reason": "改派"}),
        (workflow.workorder_supervise, {"note": "督办"}),
    ],
    ids=["sign", "redispatch", "supervise"],
)
def test_a_system_administrator_sees_orders_but_takes_no_part_in_handling(
    office_staff, sysadmin, function, kwargs
):
    order = make_order(office_staff)
    refused(function, order, "by you", acting_user=sysadmin, **kwargs)


def _merge_question(page: str) -> str:
    found = re.search(r'<form[^>]*action="[^"]*/act/merge/"[^>]*data-confirm="([^"]*)"', page)
    assert found, "the merge form asks no question"
    return html.unescape(found[1])


def test_the_merge_confirmation_keeps_a_translation_with_quotes_whole(
    office_staff, clock, client, monkeypatch
):
    """The question is an HTML attribute the page's script reads (data-confirm): a quote in
    its translation must neither end the attribute nor reach a script as code."""
    _earlier, later, _pair = duplicate_pair(office_staff, clock)
    msgid = "Close this order as merged into the other one? Both records are kept."
    tricky = "Don't merge? It's \"final\"');alert(1);('"
    real = translation._trans.gettext
    monkeypatch.setattr(
        translation._trans, "gettext", lambda message: tricky if message == msgid else real(message)
    )
    client.force_login(office_staff)
    page = client.get(reverse("order_detail", args=[later.number])).content.decode()
    assert _merge_question(page) == tricky
    assert "onsubmit=" not in page


def test_the_merge_confirmation_reads_as_translated(office_staff, clock, client, settings):
    _earlier, later, _pair = duplicate_pair(office_staff, clock)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(office_staff)
    page = client.get(reverse("order_detail", args=[later.number])).content.decode()
    assert _merge_question(page) == "确定将本工单合并至该工单并结案吗？两件工单的记录均会保留。"
