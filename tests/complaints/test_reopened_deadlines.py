"""A reopening starts again the clock still running. An order reopened by a dissatisfied
call-back that was never accepted (an inquiry, an order resolved straight after signing) is
received afresh: what it counts "when received" counts from the reopening. An inquiry's
answer stayed due before its first answer, so the reopened inquiry was overdue at once and
the first scan told the unit's head, the office, its director and the group leader together
(found by auditing the deadlines)."""

from __future__ import annotations

import pytest
import time_machine

from complaints import reminders, workflow
from complaints.models import WorkOrder
from tests.complaints.test_workflow import at, end_of, fresh, signed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    """Monday 6 July 2026, 10:00 in Beijing."""
    with time_machine.travel(at(2026, 7, 6), tick=False) as traveller:
        yield traveller


def answered_then_reopened(order: WorkOrder, office, unit_user, clock) -> WorkOrder:
    clock.move_to(at(2026, 7, 7))
    workflow.workorder_resolve(order_id=order.id, acting_user=unit_user, result="已答复")
    clock.move_to(at(2026, 7, 20))
    workflow.workorder_record_satisfaction(
        order_id=order.id, acting_user=office, rating="dissatisfied", comment="没有说清楚"
    )
    return fresh(order)


def test_a_reopened_inquiry_is_answered_within_its_working_days_from_the_reopening(
    office_staff, mr_staff, clock
):
    order = signed(office_staff, mr_staff, kind="inquiry")
    assert order.due_answer == end_of(2026, 7, 13)  # 5 working days from 6 July

    order = answered_then_reopened(order, office_staff, mr_staff, clock)

    assert order.due_answer == end_of(2026, 7, 27)  # 5 working days from 20 July
    assert (order.next_due_name, order.next_due_at) == ("answer", end_of(2026, 7, 27))
    clock.move_to(at(2026, 7, 21, 9))
    assert reminders.supervise_overdue() == 0


def test_a_complaint_resolved_without_acceptance_decides_again_from_the_reopening(
    office_staff, mr_staff, clock
):
    order = answered_then_reopened(signed(office_staff, mr_staff), office_staff, mr_staff, clock)

    assert order.due_decision == end_of(2026, 7, 29)  # 7 working days from 20 July
    assert (order.next_due_name, order.next_due_at) == ("decision", end_of(2026, 7, 29))


def test_a_reopened_complaint_resolves_from_the_reopening_and_keeps_its_decision_met(
    office_staff, mr_staff, clock
):
    """The reopening overwrote the acceptance, and the decision, met on the first day,
    read as met late on the order's page."""
    order = signed(office_staff, mr_staff)
    workflow.workorder_accept(order_id=order.id, acting_user=mr_staff)

    order = answered_then_reopened(order, office_staff, mr_staff, clock)

    assert order.accepted_at == at(2026, 7, 6)
    assert workflow.why_deadline_stopped(order, "decision", order.due_decision) == "on_time"
    # 45 working days from 20 July, the 45th the make-up working Sunday of 20 September.
    assert order.due_resolution == end_of(2026, 9, 20)
    assert (order.next_due_name, order.next_due_at) == ("resolution", end_of(2026, 9, 20))


def test_a_complaint_accepted_only_after_its_reopening_decided_within_its_days_from_it(
    office_staff, mr_staff, clock
):
    """Received afresh at the reopening, its decision stays counted from there once it is
    accepted: counted from the citizen's first call again, it read as met late."""
    order = answered_then_reopened(signed(office_staff, mr_staff), office_staff, mr_staff, clock)
    clock.move_to(at(2026, 7, 22))

    workflow.workorder_accept(order_id=order.id, acting_user=mr_staff)

    order = fresh(order)
    assert order.due_decision == end_of(2026, 7, 29)
    assert workflow.why_deadline_stopped(order, "decision", order.due_decision) == "on_time"
    assert order.due_resolution == end_of(2026, 9, 22)  # 45 working days from 22 July
