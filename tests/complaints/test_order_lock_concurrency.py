"""While a workflow action holds a work order's row, the rows that only point at the order
(the duplicate worker's pairs, callbacks queued for the hotline, attachments) are written
without waiting for it: the action locks the order FOR NO KEY UPDATE, which still keeps a
second action on the same order out but lets the foreign-key checks (KEY SHARE) through."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, transaction
from django.utils import timezone

from complaints import services, workflow
from complaints.clients import api_client_create
from complaints.models import CallbackEvent, PossibleDuplicate, WorkOrder
from complaints.workflow import WorkflowError
from tests.complaints.test_concurrency import run_together
from tests.factories import make_order

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: two connections locking one row.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _while_held(monkeypatch, module, name, action, write):
    """Run `write` on this connection, with a 3 s lock timeout, while `action` runs in
    another connection and waits in `module.name` (inside its transaction, its locks
    taken); returns what `write` returned once `action` has finished."""
    locked, release = threading.Event(), threading.Event()
    original = getattr(module, name)

    def holding(*args, **kwargs):
        locked.set()
        release.wait(timeout=20)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, holding)
    outcome: dict[str, object] = {}

    def act():
        try:
            outcome["done"] = action()
        except Exception as error:  # noqa: BLE001 - checked below
            outcome["done"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=act)
    thread.start()
    try:
        assert locked.wait(timeout=20)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        try:
            return write()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
    finally:
        release.set()
        thread.join(timeout=30)
        assert not isinstance(outcome.get("done", AssertionError()), Exception), outcome


def _while_signing(order: WorkOrder, acting_user, monkeypatch, write):
    """`write` while another connection signs `order` and holds its row (in `_move`, after
    `_load` locked it)."""

    def sign():
        return workflow.workorder_sign(order_id=order.id, acting_user=acting_user)

    return _while_held(monkeypatch, workflow, "_move", sign, write)


def _queue(client, order: WorkOrder) -> CallbackEvent:
    """A callback row for the hotline, as a transition of another order's would write."""
    return CallbackEvent.objects.create(
        event_id=uuid.uuid4(),
        client=client,
        order=order,
        type="status_changed",
        payload={"number": order.number},
        next_attempt_at=timezone.now(),
    )


def test_the_duplicate_worker_is_not_held_up_by_an_action_on_the_earlier_order(
    office_staff, mr_staff, monkeypatch
):
    earlier = make_order(office_staff, citizen_phone="13812345678")
    later = make_order(office_staff, citizen_phone="138 1234 5678", content="又来投诉同一件事")
    WorkOrder.objects.filter(id=earlier.id).update(duplicates_pending=False)
    WorkOrder.objects.filter(id=later.id).update(duplicates_pending=True)
    PossibleDuplicate.objects.all().delete()

    checked = _while_signing(earlier, mr_staff, monkeypatch, services.find_pending_duplicates)

    assert checked == 1
    assert PossibleDuplicate.objects.filter(order=later, other=earlier).exists()


def test_a_callback_for_the_hotline_is_queued_while_the_order_is_being_acted_on(
    office_staff, mr_staff, monkeypatch
):
    order = make_order(office_staff)
    client, _, _ = api_client_create(name="12345", callback_url="https://hotline.example/cb")

    callback = _while_signing(order, mr_staff, monkeypatch, lambda: _queue(client, order))

    assert callback.order_id == order.id


def test_two_actions_on_one_order_still_wait_for_each_other(mr_staff, office_staff, monkeypatch):
    order = make_order(office_staff)

    def sign():
        return workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)

    outcomes = run_together(sign, sign, hold_at=(workflow, "_move"), monkeypatch=monkeypatch)

    assert sum(isinstance(o, WorkOrder) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, WorkflowError) for o in outcomes) == 1, outcomes


def test_a_holiday_table_change_does_not_hold_up_the_open_orders_callbacks(
    office_staff, monkeypatch
):
    """Saving the holiday table recounts the deadlines of every open order, each locked
    until the table commits: the hotline's callbacks and the units' files for those
    orders are still written meanwhile."""
    order = make_order(office_staff)
    client, _, _ = api_client_create(name="12345", callback_url="https://hotline.example/cb")

    def recount():
        with transaction.atomic():
            return workflow.workorders_recount_deadlines(since=timezone.localdate())

    callback = _while_held(
        monkeypatch, workflow, "refresh_deadlines", recount, lambda: _queue(client, order)
    )

    assert callback.order_id == order.id
