"""A unit given an order whose deadline has already passed (the acceptance decision or the
answer count from the citizen's call, not from the dispatch) reads so in the new-order
notice, under the order's title: which deadline, and when it fell. Before, the notice said
only by when to sign for it, and the unit learnt that the order was late from the overdue
notices that followed. Said on the office's dispatch and re-dispatch; the group leader's
designation counts the deadlines afresh (tests/complaints/test_designation_deadlines.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from complaints import workflow
from complaints.deadlines import BEIJING
from departments.models import Notification
from tests.factories import make_order
from tests.helpers import notice_as_read as read
from wuqing_consumer.dates import minute

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    """Monday 6 July 2026, 10:00 in Beijing."""
    with time_machine.travel(datetime(2026, 7, 6, 10, tzinfo=BEIJING), tick=False) as traveller:
        yield traveller


def new_order_notice(user) -> Notification:
    return Notification.objects.filter(recipient=user, category="dispatch").latest("id")


def test_an_order_dispatched_after_its_decision_deadline_says_so(clock, office_staff, mr_staff):
    order = make_order(office_staff, send_to_triage=True)
    timely = make_order(office_staff, send_to_triage=True, content="另一件：商场虚假打折")
    clock.move_to(order.due_decision - timedelta(hours=3))
    workflow.workorder_dispatch(
        order_id=timely.id, acting_user=office_staff, unit_code="market-regulation"
    )
    _title, body = read(new_order_notice(mr_staff), "en")
    assert body == timely.title  # in time: nothing more to say
    clock.move_to(order.due_decision + timedelta(hours=3))

    workflow.workorder_dispatch(
        order_id=order.id, acting_user=office_staff, unit_code="market-regulation"
    )

    order.refresh_from_db()
    now = timezone.now()
    late = [n for n in ("decision", "answer") if (due := getattr(order, f"due_{n}")) and due < now]
    assert late == ["decision"]
    _title, body = read(new_order_notice(mr_staff), "en")
    assert body.splitlines() == [
        order.title,
        f"Already overdue: Acceptance decision was due {minute(order.due_decision)}.",
    ]
    # Kept as written from its message: each reader has it in their own language.
    _title, body_zh = read(new_order_notice(mr_staff), "zh-hans")
    with translation.override("zh-hans"):
        assert translation.gettext("Acceptance decision") in body_zh.splitlines()[1]


def test_every_deadline_already_passed_is_said_in_the_order_they_fell(
    clock, office_staff, mr_staff
):
    order = make_order(office_staff, send_to_triage=True, kind="inquiry")
    clock.move_to(order.due_answer + timedelta(days=1))

    workflow.workorder_dispatch(
        order_id=order.id, acting_user=office_staff, unit_code="market-regulation"
    )

    order.refresh_from_db()
    _title, body = read(new_order_notice(mr_staff), "en")
    assert body.splitlines()[1:] == [f"Already overdue: Answer was due {minute(order.due_answer)}."]


def test_a_re_dispatched_order_already_overdue_says_so(
    clock, office_staff, housing_staff, mr_staff
):
    order = make_order(office_staff, unit_code="housing")
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    order.refresh_from_db()
    clock.move_to(order.due_decision + timedelta(hours=1))

    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="market-regulation", reason="属市场"
    )

    order.refresh_from_db()
    _title, body = read(new_order_notice(mr_staff), "en")
    assert body.splitlines() == [
        order.title,
        f"Already overdue: Acceptance decision was due {minute(order.due_decision)}.",
    ]
