"""A dispute's step locks the dispute, then writes its line on the order's history and moves
the order's `updated_at` (what the hotline polls by). The leader's decision and a lead's
rejection lock the order before the dispute, so a step that waited for the order's row
while holding the dispute deadlocked with them (PostgreSQL aborts one of the two). The step
does not wait for the order: when another transaction holds it, `updated_at` is moved just
after the step commits."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from complaints import disputes
from complaints.models import WorkOrder
from tests.factories import make_order
from tests.helpers import wait_until_another_session_waits_for_a_lock

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: two connections locking one row.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _while_the_decision_locks(order, dispute, act):
    """Run `act` here while another session, as the leader's decision does, holds the
    order FOR NO KEY UPDATE and, once `act` waits for a lock, locks the dispute too.
    Returns what `act` returned and the other session's errors."""
    order_locked = threading.Event()
    errors: list[Exception] = []

    def deciding() -> None:
        try:
            with transaction.atomic():
                WorkOrder.objects.select_for_update(no_key=True).get(id=order.id)
                order_locked.set()
                wait_until_another_session_waits_for_a_lock()
                type(dispute).objects.select_for_update(no_key=True).get(id=dispute.id)
        except Exception as error:  # noqa: BLE001 - returned to the test, which asserts on it
            errors.append(error)
        finally:
            order_locked.set()
            connection.close()

    thread = threading.Thread(target=deciding)
    thread.start()
    try:
        assert order_locked.wait(10)
        result = act()
    finally:
        thread.join(30)
    return result, errors


def test_a_dispute_step_does_not_deadlock_with_the_decisions_lock_order(
    office_staff, housing_staff
):
    order = make_order(office_staff, unit_code="housing")
    dispute = disputes.dispute_open(
        acting_user=housing_staff, order_number=order.number, summary="不属于本委"
    )
    started = timezone.now()

    def propose():
        return disputes.dispute_propose(
            dispute_id=dispute.id,
            acting_user=office_staff,
            proposal="建议由市场监管局办理",
            unit_code="market-regulation",
        )

    proposed, errors = _while_the_decision_locks(order, dispute, propose)

    assert errors == []
    assert proposed.status == "proposed"
    assert WorkOrder.objects.get(id=order.id).updated_at >= started
