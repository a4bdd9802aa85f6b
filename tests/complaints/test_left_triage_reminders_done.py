"""An order waiting in the office's triage queue is reminded to the office's staff when a
deadline comes near (`reminders.remind_due_soon`, `People.of_unit`). Once the order leaves
the queue, dispatched or merged into another, those due-soon reminders are done: the office
has acted, and whoever has the order next is reminded afresh. A merge, which closes the
order, also takes the office's overdue notices of it with it; a dispatch leaves those, as
they are about the order wherever it is. Before, the office's bell kept "Due soon: WQ-…"
for an order it had dispatched or merged, as a unit's did for an order that had left it
(tests/complaints/test_order_left_unit_notices_done.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import reminders, workflow
from complaints.deadlines import BEIJING
from complaints.models import PossibleDuplicate, WorkOrder
from departments.models import Notification
from tests.factories import make_order

pytestmark = pytest.mark.django_db


def unread(user, order, category: str) -> list[str]:
    return sorted(
        Notification.objects.filter(
            recipient=user,
            category=category,
            read_at__isnull=True,
            url__contains=f"/{order.number}/",
        ).values_list("key", flat=True)
    )


@pytest.fixture
def clock():
    """Monday 6 July 2026, 10:00 in Beijing: a week of working days ahead."""
    with time_machine.travel(datetime(2026, 7, 6, 10, tzinfo=BEIJING), tick=False) as traveller:
        yield traveller


def in_triage(office_staff, content: str = "在超市买到过期的酸奶，要求退货赔偿", **kwargs):
    return make_order(office_staff, send_to_triage=True, content=content, **kwargs)


def reminded_due_soon(clock, office_staff, *orders: WorkOrder) -> None:
    first = min(order.next_due_at for order in orders)
    clock.move_to(first - timedelta(hours=2))
    assert reminders.remind_due_soon() == len(orders)
    for order in orders:
        assert unread(office_staff, order, "due_soon")


def test_dispatching_a_triage_order_marks_the_offices_due_soon_reminder_done(
    clock, office_staff, office_director, mr_staff
):
    order = in_triage(office_staff)
    waiting = in_triage(office_staff, "另一件：商场虚假打折")
    reminded_due_soon(clock, office_staff, order, waiting)

    workflow.workorder_dispatch(
        order_id=order.id, acting_user=office_director, unit_code="market-regulation"
    )

    assert unread(office_staff, order, "due_soon") == []
    assert unread(office_staff, waiting, "due_soon")  # still in the queue: still to do
    # The unit it went to is reminded of the deadline afresh, under the new assignment.
    assert reminders.remind_due_soon() == 1
    assert unread(mr_staff, order, "due_soon")


def test_a_dispatch_leaves_the_offices_overdue_notices_of_the_order(clock, office_staff):
    order = in_triage(office_staff)
    reminded_due_soon(clock, office_staff, order)
    clock.move_to(order.next_due_at + timedelta(hours=1))
    assert reminders.supervise_overdue() == 1
    overdue = unread(office_staff, order, "overdue")
    assert overdue

    workflow.workorder_dispatch(
        order_id=order.id, acting_user=office_staff, unit_code="market-regulation"
    )

    assert unread(office_staff, order, "due_soon") == []
    assert unread(office_staff, order, "overdue") == overdue


def test_merging_a_triage_order_marks_its_due_soon_and_overdue_notices_done(
    clock, office_staff, office_director, leader
):
    earlier = in_triage(office_staff, citizen_phone="13812345678")
    later = in_triage(office_staff, "酸奶过期，第二次来电", citizen_phone="13812345678")
    reminded_due_soon(clock, office_staff, earlier, later)
    clock.move_to(later.next_due_at + timedelta(days=7))
    assert reminders.supervise_overdue() == 2
    told = [office_staff, office_director, leader]
    for person in told:
        assert unread(person, later, "overdue"), person
    pair = PossibleDuplicate.objects.get(order=later)

    workflow.workorder_merge(order_id=later.id, acting_user=office_staff, duplicate_id=pair.id)

    for person in told:
        assert unread(person, later, "overdue") == [], person
    assert unread(office_staff, later, "due_soon") == []
    # The order it was merged into is still the office's to dispatch and chase.
    assert unread(office_staff, earlier, "due_soon")
    for person in told:
        assert unread(person, earlier, "overdue"), person


def test_one_statement_marks_them_done_and_none_when_there_were_none(clock, office_staff):
    """Most orders leave the queue before a deadline comes near: the dispatch does not look
    for reminders there are none of; for one reminded, one UPDATE however many were told."""

    def notification_updates(order) -> int:
        with CaptureQueriesContext(connection) as queries:
            workflow.workorder_dispatch(
                order_id=order.id, acting_user=office_staff, unit_code="market-regulation"
            )
        return sum(
            q["sql"].startswith('UPDATE "departments_notification"')
            for q in queries.captured_queries
        )

    assert notification_updates(in_triage(office_staff)) == 0
    reminded = in_triage(office_staff, "另一件：商场虚假打折")
    reminded_due_soon(clock, office_staff, reminded)
    assert notification_updates(reminded) == 1
    assert unread(office_staff, reminded, "due_soon") == []
