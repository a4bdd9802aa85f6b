"""The demo's orders (`load_demo`) keep deadlines that agree with their history, whatever day
the demo is loaded on. Last quarter's orders were dispatched and handled "today", months
after they were received: one awaiting sign-for read "decision overdue" with its sign-for
time still running, and the handled ones were resolved months late. And which of the recent
orders was past its sign-for time depended on the weekday the demo was loaded."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from complaints.choices import Status
from complaints.deadlines import BEIJING
from complaints.demo import load_demo_orders
from complaints.models import WorkOrder
from departments.demo import load_demo
from reports.demo import load_demo_reports

pytestmark = pytest.mark.django_db

OVERDUE_RECENT = {"健身房预付卡关门跑路"}
"""The one recent sample meant to be late: a unit that has not signed for it for days."""


@pytest.mark.parametrize(
    "loaded",
    [
        datetime(2026, 12, 1, 10, 0, tzinfo=BEIJING),  # a Tuesday
        datetime(2026, 11, 30, 8, 0, tzinfo=BEIJING),  # a Monday morning
        datetime(2026, 11, 28, 21, 0, tzinfo=BEIJING),  # a Saturday evening
    ],
    ids=["tuesday", "monday", "saturday"],
)
def test_the_demo_orders_deadlines_follow_their_history_on_any_day(loaded):
    with time_machine.travel(loaded, tick=False):
        load_demo()
        assert load_demo_orders() and load_demo_reports()
        now = timezone.now()
        overdue_recent = set()
        for order in WorkOrder.objects.all():
            label = f"{order.number} {order.title}"
            due = [order.due_sign_for, order.due_decision or order.due_answer, order.due_resolution]
            due = [d for d in due if d is not None]
            assert due == sorted(due), label  # sign-for, then decision, then resolution
            for done, deadline in (
                (order.signed_at, order.due_sign_for),
                (order.accepted_at, order.due_decision),
                (order.resolved_at, order.due_resolution or order.due_answer),
            ):
                if done is not None and deadline is not None:
                    assert order.received_at <= done <= min(deadline, now), label
            if order.status not in (Status.ASSIGNED, Status.IN_PROGRESS, Status.TRIAGE):
                continue
            overdue = {
                name
                for name in ("sign_for", "decision", "answer")
                if getattr(order, f"due_{name}") and getattr(order, f"due_{name}") < now
            }
            if order.signed_at is not None:
                overdue.discard("sign_for")
            if order.status == Status.ASSIGNED and "decision" in overdue:
                # The decision cannot be late while the order still waits to be signed for
                # in time.
                assert "sign_for" in overdue, label
            if order.received_at < now - timedelta(days=20):
                # Last quarter's orders nobody signed for: late on both, as they are meant.
                assert overdue >= {"sign_for", "decision"}, label
            elif overdue:
                overdue_recent.add(order.title)
        assert overdue_recent == OVERDUE_RECENT
