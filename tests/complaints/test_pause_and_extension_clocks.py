"""Paused days and extensions belong to the deadlines whose clock they moved, and to that
clock's run only (found by auditing the deadlines against the README):
- a pause moved every deadline, one already met late (which then read 按期完成) and one not
  yet started (an order paused before its acceptance had its resolution moved too);
- a unit's pause and extension passed to the unit an order was re-dispatched to, and to the
  unit's own resolution after a reopening, whose time counts from the reopening.
The dates are counted by hand on 2026's calendar (20 September is a make-up working Sunday,
25 September the Mid-Autumn Festival)."""

from __future__ import annotations

import pytest
import time_machine

from complaints import workflow
from complaints.models import WorkOrder
from tests.complaints.test_workflow import accepted, at, end_of, fresh, request_extension, signed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    """Monday 6 July 2026, 10:00 in Beijing."""
    with time_machine.travel(at(2026, 7, 6), tick=False) as traveller:
        yield traveller


def pause(order: WorkOrder, user, clock, since, until) -> WorkOrder:
    clock.move_to(since)
    workflow.workorder_pause(order_id=order.id, acting_user=user, reason="等待检测报告")
    clock.move_to(until)
    workflow.workorder_resume(order_id=order.id, acting_user=user)
    return fresh(order)


def test_a_pause_after_a_late_acceptance_leaves_the_decision_met_late(
    office_staff, mr_staff, clock
):
    order = signed(office_staff, mr_staff)
    assert order.due_decision == end_of(2026, 7, 15)  # 7 working days from 6 July
    clock.move_to(at(2026, 7, 17))
    workflow.workorder_accept(order_id=order.id, acting_user=mr_staff)
    assert fresh(order).due_resolution == end_of(2026, 9, 18)  # 45 working days

    order = pause(order, mr_staff, clock, at(2026, 7, 17, 11), at(2026, 7, 24))  # 20–24 July

    assert order.due_decision == end_of(2026, 7, 15)
    assert workflow.why_deadline_stopped(order, "decision", order.due_decision) == "late"
    assert order.due_resolution == end_of(2026, 9, 24)  # 5 more: 20 (Sunday), 21–24 Sept


def test_a_pause_before_acceptance_moves_the_decision_not_the_resolution_to_come(
    office_staff, mr_staff, clock
):
    order = signed(office_staff, mr_staff)

    order = pause(order, mr_staff, clock, at(2026, 7, 6, 11), at(2026, 7, 13))  # 7–13 July
    assert order.due_decision == end_of(2026, 7, 22)  # 15 July and 5 more
    clock.move_to(at(2026, 7, 14))
    workflow.workorder_accept(order_id=order.id, acting_user=mr_staff)

    order = fresh(order)
    assert order.due_resolution == end_of(2026, 9, 15)  # 45 working days from 14 July
    assert workflow.why_deadline_stopped(order, "decision", order.due_decision) == "on_time"


def test_a_units_pause_and_extension_do_not_pass_to_the_unit_it_is_re_dispatched_to(
    office_staff, mr_staff, housing_staff, clock
):
    order = accepted(office_staff, mr_staff)
    request_extension(order, mr_staff, days=5)
    workflow.workorder_decide_extension(order_id=order.id, acting_user=office_staff, approve=True)
    order = pause(order, mr_staff, clock, at(2026, 7, 7), at(2026, 7, 10))  # 8–10 July
    assert order.due_resolution == end_of(2026, 9, 17)  # 7 Sept, 5 and 3 more
    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="housing", reason="属住建职责"
    )

    clock.move_to(at(2026, 7, 13))
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    workflow.workorder_accept(order_id=order.id, acting_user=housing_staff)

    assert fresh(order).due_resolution == end_of(2026, 9, 14)  # 45 working days from 13 July


def test_an_extension_before_a_reopening_does_not_pass_to_the_resolution_after_it(
    office_staff, mr_staff, clock
):
    order = accepted(office_staff, mr_staff)
    request_extension(order, mr_staff, days=5)
    workflow.workorder_decide_extension(order_id=order.id, acting_user=office_staff, approve=True)
    clock.move_to(at(2026, 7, 7))
    workflow.workorder_resolve(order_id=order.id, acting_user=mr_staff, result="已退货")

    clock.move_to(at(2026, 7, 8))
    workflow.workorder_record_satisfaction(
        order_id=order.id, acting_user=office_staff, rating="dissatisfied", comment="没有退款"
    )

    assert fresh(order).due_resolution == end_of(2026, 9, 9)  # 45 working days from 8 July


def test_an_order_paused_before_the_days_were_kept_by_deadline_keeps_its_deadlines(
    office_staff, mr_staff, clock
):
    """Its days were counted on every deadline; a recount, or a pause of no working day,
    leaves them so."""
    order = accepted(office_staff, mr_staff)
    WorkOrder.objects.filter(id=order.id).update(paused_working_days=3, paused_days=None)

    order = pause(order, mr_staff, clock, at(2026, 7, 7), at(2026, 7, 7, 15))

    assert order.due_resolution == end_of(2026, 9, 10)  # 7 Sept and 3 more
    assert order.paused_days["resolution"]["days"] == 3
