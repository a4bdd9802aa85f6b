"""Revoking an API client and making it active again: the record says what is true now,
and the audit trail keeps what happened."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from complaints import services, workflow
from complaints.callbacks import deliver_order
from complaints.clients import (
    api_client_create,
    api_client_reactivate,
    api_client_revoke,
    client_for_key,
)
from complaints.models import ApiClient, CallbackEvent
from departments.models import AuditEntry
from tests.helpers import migration_apps

pytestmark = pytest.mark.django_db

FIELDS = {
    "kind": "complaint",
    "content": "小区物业不修电梯，老人上下楼困难",
    "citizen_name": "王先生",
    "citizen_phone": "13812345678",
}


def _revoked_at_shown(client, api_client) -> str:
    """What the admin's page of the client shows as its revoke time."""
    page = client.get(f"/admin/complaints/apiclient/{api_client.id}/change/").content.decode()
    return page.split("field-revoked_at", 1)[1].split("field-", 1)[0]


def _form(api_client, **changes) -> dict:
    form = {
        "name": api_client.name,
        "channel": api_client.channel,
        "callback_url": api_client.callback_url,
        "rate_limit_per_minute": api_client.rate_limit_per_minute,
        "is_active": "on",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def test_ticking_active_again_in_the_admin_clears_the_revoke_and_the_audit_trail_keeps_it(
    client, sysadmin
):
    api_client, key, _ = api_client_create(name="12345")
    client.force_login(sysadmin)
    client.cookies["django_language"] = "en"
    never_revoked = _revoked_at_shown(client, api_client)
    url = f"/admin/complaints/apiclient/{api_client.id}/change/"

    assert client.post(url, _form(api_client, is_active=None)).status_code == 302
    revoked_at = ApiClient.objects.get(id=api_client.id).revoked_at
    assert revoked_at is not None and _revoked_at_shown(client, api_client) != never_revoked

    assert client.post(url, _form(api_client)).status_code == 302
    stored = ApiClient.objects.get(id=api_client.id)
    assert (stored.is_active, stored.revoked_at) == (True, None)
    assert _revoked_at_shown(client, api_client) == never_revoked
    assert client_for_key(key) == stored
    trail = (
        AuditEntry.objects.filter(object_type="complaints.apiclient")
        .exclude(action="api_client.create")
        .order_by("id")
    )
    assert [(e.action, e.actor, e.object_id) for e in trail] == [
        ("api_client.revoke", sysadmin, str(api_client.id)),
        ("api_client.reactivate", sysadmin, str(api_client.id)),
    ]
    assert trail[0].data["revoked_at"] == trail[1].data["revoked_at"] == revoked_at.isoformat()


def test_the_admins_revoke_action_is_in_the_audit_trail(client, sysadmin):
    api_client, _, _ = api_client_create(name="12345")
    client.force_login(sysadmin)
    response = client.post(
        "/admin/complaints/apiclient/",
        {"action": "revoke", "_selected_action": [api_client.id]},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="api_client.revoke")
    revoked_at = ApiClient.objects.get(id=api_client.id).revoked_at
    assert (entry.actor, entry.data["revoked_at"]) == (sysadmin, revoked_at.isoformat())


def test_revoking_or_reactivating_twice_changes_and_records_nothing_more():
    api_client, _, _ = api_client_create(name="12345")
    api_client_reactivate(client_id=api_client.id, acting_user=None)  # active already
    api_client_revoke(client_id=api_client.id, acting_user=None)
    first = ApiClient.objects.get(id=api_client.id).revoked_at
    api_client_revoke(client_id=api_client.id, acting_user=None)
    assert ApiClient.objects.get(id=api_client.id).revoked_at == first
    api_client_reactivate(client_id=api_client.id, acting_user=None)
    api_client_reactivate(client_id=api_client.id, acting_user=None)
    actions = (
        AuditEntry.objects.exclude(action="api_client.create")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert list(actions) == ["api_client.revoke", "api_client.reactivate"]


def test_callbacks_held_while_revoked_go_out_once_it_is_reactivated(receiver, housing_staff):
    hook = receiver()
    api_client, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    api_client_revoke(client_id=api_client.id)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    deliver_order(order.id)
    assert hook.received == []
    api_client_reactivate(client_id=api_client.id)
    deliver_order(order.id)
    assert [payload["status"] for payload in hook.json()] == ["in_progress"]


def test_a_client_reactivated_before_the_fix_has_its_revoke_moved_to_the_audit_trail():
    migration = importlib.import_module(
        "complaints.migrations.0038_api_client_reactivated_revoked_at"
    )
    apps = migration_apps("complaints", "0038_api_client_reactivated_revoked_at")
    reactivated, _, _ = api_client_create(name="12345")
    revoked, _, _ = api_client_create(name="12315")
    api_client_revoke(client_id=revoked.id)
    api_client_revoke(client_id=reactivated.id)
    ApiClient.objects.filter(id=reactivated.id).update(is_active=True)  # the old checkbox
    revoked_at = ApiClient.objects.get(id=reactivated.id).revoked_at
    still_revoked_at = ApiClient.objects.get(id=revoked.id).revoked_at

    migration.clear_revoked_at_of_active_clients(apps, None)

    assert ApiClient.objects.get(id=reactivated.id).revoked_at is None
    assert ApiClient.objects.get(id=revoked.id).revoked_at == still_revoked_at
    entry = AuditEntry.objects.get(action="api_client.reactivate")
    assert (entry.object_id, entry.data["revoked_at"]) == (
        str(reactivated.id),
        revoked_at.isoformat(),
    )


def _queued(monkeypatch) -> list[tuple[str, tuple]]:
    """The tasks queued through `nudge` (the broker itself is not used)."""
    queued: list[tuple[str, tuple]] = []
    monkeypatch.setattr(
        "wuqing_consumer.celery.nudge",
        lambda task, *args, countdown=None: queued.append((task.name, args)),
    )
    return queued


def test_reactivating_asks_a_worker_for_the_held_callbacks_once_it_commits(
    receiver, housing_staff, monkeypatch, django_capture_on_commit_callbacks
):
    hook = receiver()
    api_client, _, _ = api_client_create(name="12345", callback_url=hook.url)
    held, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    other, _ = services.hotline_intake(client=api_client, hotline_id="H-2", fields=FIELDS)
    api_client_revoke(client_id=api_client.id)
    workflow.workorder_sign(order_id=held.id, acting_user=housing_staff)
    queued = _queued(monkeypatch)

    with django_capture_on_commit_callbacks() as after_commit:
        api_client_reactivate(client_id=api_client.id)
        assert queued == []  # not before the commit
    for callback in after_commit:
        callback()

    task = "complaints.tasks.deliver_order_callbacks"
    assert queued == [(task, (held.id,))]  # the order with a held callback, only
    assert other.id not in {args[0] for _, args in queued}


def test_a_reactivation_rolled_back_asks_no_worker(
    receiver, housing_staff, monkeypatch, django_capture_on_commit_callbacks
):
    hook = receiver()
    api_client, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    api_client_revoke(client_id=api_client.id)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    queued = _queued(monkeypatch)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        api_client_reactivate(client_id=api_client.id)
        raise RuntimeError

    assert queued == []
    assert not ApiClient.objects.get(id=api_client.id).is_active


def test_the_time_held_while_revoked_does_not_count_against_the_retry_window(
    receiver, housing_staff
):
    hook = receiver(fail_first=100)
    api_client, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        deliver_order(order.id)  # fails: the retry window starts
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        api_client_revoke(client_id=api_client.id)
    back = start + timedelta(hours=31)
    with time_machine.travel(back, tick=False):
        api_client_reactivate(client_id=api_client.id)
        deliver_order(order.id)
    callback = CallbackEvent.objects.get(order=order)
    assert (callback.state, callback.attempts) == ("pending", 2)  # 1 h of the window used

    with time_machine.travel(back + timedelta(hours=23), tick=False):
        deliver_order(order.id)  # 24 h counted: still retried
    assert CallbackEvent.objects.get(order=order).state == "pending"
    with time_machine.travel(back + timedelta(hours=24, minutes=30), tick=False):
        deliver_order(order.id)  # 25.5 h counted: the window is over
    assert CallbackEvent.objects.get(order=order).state == "failed"


def test_callbacks_tried_before_the_window_was_stored_count_it_from_their_first_attempt(
    receiver, housing_staff
):
    migration = importlib.import_module("complaints.migrations.0040_callback_retry_window_start")
    apps = migration_apps("complaints", "0040_callback_retry_window_start")
    hook = receiver(fail_first=100)
    api_client, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    untried, _ = services.hotline_intake(client=api_client, hotline_id="H-2", fields=FIELDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        deliver_order(order.id)
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        deliver_order(order.id)
    workflow.workorder_sign(order_id=untried.id, acting_user=housing_staff)
    CallbackEvent.objects.update(retry_window_start=None)  # as before the column

    migration.start_from_the_first_attempt(apps, None)

    first = CallbackEvent.objects.get(order=order).log.order_by("id").first().at
    assert CallbackEvent.objects.get(order=order).retry_window_start == first
    assert CallbackEvent.objects.get(order=untried).retry_window_start is None


def test_callbacks_backing_off_before_the_revoke_are_due_at_once_on_reactivation(
    receiver, housing_staff, monkeypatch, django_capture_on_commit_callbacks
):
    """A callback whose backoff had grown to most of an hour before the revoke does not
    wait that out after the reactivation: it is handed to a worker when it commits."""
    hook = receiver(fail_first=100)
    api_client, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        for _ in range(9):
            CallbackEvent.objects.filter(order=order).update(next_attempt_at=start)
            deliver_order(order.id)  # fails: retried later and later
    assert CallbackEvent.objects.get(order=order).next_attempt_at > start + timedelta(minutes=30)
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        api_client_revoke(client_id=api_client.id)
    hook.fail_first = 0  # the receiver was fixed meanwhile
    queued = _queued(monkeypatch)

    back = start + timedelta(minutes=5)
    with (
        time_machine.travel(back, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        api_client_reactivate(client_id=api_client.id)

    assert queued == [("complaints.tasks.deliver_order_callbacks", (order.id,))]
    assert CallbackEvent.objects.get(order=order).next_attempt_at == back
    with time_machine.travel(back, tick=False):
        deliver_order(order.id)
    assert CallbackEvent.objects.get(order=order).state == "delivered"
    assert [payload["status"] for payload in hook.json()] == ["in_progress"]
