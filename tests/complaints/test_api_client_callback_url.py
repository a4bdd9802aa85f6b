"""A client given a callback URL in the admin (or given a new one after deliveries to the
old one failed) has its waiting callbacks handed to a worker once the change commits, as a
reactivated client's are, not left for the next sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from complaints import services, workflow
from complaints.callbacks import deliver_order
from complaints.clients import api_client_create, api_client_revoke, api_client_update
from complaints.models import ApiClient, CallbackEvent

pytestmark = pytest.mark.django_db

FIELDS = {
    "kind": "complaint",
    "content": "小区物业不修电梯，老人上下楼困难",
    "citizen_name": "王先生",
    "citizen_phone": "13812345678",
}
TASK = "complaints.tasks.deliver_order_callbacks"


def _queued(monkeypatch) -> list[tuple[str, tuple]]:
    """The tasks queued through `nudge` (the broker itself is not used)."""
    queued: list[tuple[str, tuple]] = []
    monkeypatch.setattr(
        "wuqing_consumer.celery.nudge",
        lambda task, *args, countdown=None: queued.append((task.name, args)),
    )
    return queued


def test_giving_a_client_a_callback_url_asks_a_worker_for_its_waiting_callbacks_once_it_commits(
    receiver, housing_staff, monkeypatch, django_capture_on_commit_callbacks
):
    hook = receiver()
    api_client, _, _ = api_client_create(name="12345")  # its URL comes later
    waiting, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    other, _ = services.hotline_intake(client=api_client, hotline_id="H-2", fields=FIELDS)
    workflow.workorder_sign(order_id=waiting.id, acting_user=housing_staff)
    queued = _queued(monkeypatch)

    with django_capture_on_commit_callbacks() as after_commit:
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=hook.url)
        assert queued == []  # not before the commit
    for callback in after_commit:
        callback()

    assert queued == [(TASK, (waiting.id,))]  # the order with a waiting callback, only
    assert other.id not in {args[0] for _, args in queued}


def test_a_new_callback_url_after_failed_deliveries_asks_a_worker_once_it_commits(
    receiver, housing_staff, monkeypatch, django_capture_on_commit_callbacks
):
    old, new = receiver(fail_first=100), receiver()
    api_client, _, _ = api_client_create(name="12345", callback_url=old.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    queued = _queued(monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=new.url)

    assert queued == [(TASK, (order.id,))]


def test_callbacks_backing_off_from_the_old_url_are_tried_at_the_new_one_at_once(
    receiver, housing_staff, monkeypatch, django_capture_on_commit_callbacks
):
    """Their wait was for the old URL, which kept failing: the new one is tried at once,
    not after up to an hour of backoff. Their day of retries is not started again."""
    old, new = receiver(fail_first=100), receiver()
    api_client, _, _ = api_client_create(name="12345", callback_url=old.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        for _ in range(8):
            deliver_order(order.id)  # fails: retried later and later
            CallbackEvent.objects.filter(order=order).update(next_attempt_at=start)
        deliver_order(order.id)
    backing_off = CallbackEvent.objects.get(order=order)
    assert backing_off.next_attempt_at > start + timedelta(minutes=30)
    queued = _queued(monkeypatch)

    changed = start + timedelta(minutes=1)
    with (
        time_machine.travel(changed, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=new.url)

    assert queued == [(TASK, (order.id,))]
    with time_machine.travel(changed, tick=False):
        deliver_order(order.id)
    callback = CallbackEvent.objects.get(order=order)
    assert (callback.state, [p["status"] for p in new.json()]) == ("delivered", ["in_progress"])
    assert callback.retry_window_start == backing_off.retry_window_start


def test_a_callback_url_change_rolled_back_asks_no_worker(
    receiver, housing_staff, monkeypatch, django_capture_on_commit_callbacks
):
    hook = receiver()
    api_client, _, _ = api_client_create(name="12345")
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    queued = _queued(monkeypatch)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=hook.url)
        raise RuntimeError

    assert queued == []
    assert ApiClient.objects.get(id=api_client.id).callback_url == ""


@pytest.mark.parametrize("change", ["name", "url_removed", "revoked"])
def test_a_change_after_which_the_client_still_cannot_receive_asks_no_worker(
    change, receiver, housing_staff, monkeypatch, django_capture_on_commit_callbacks
):
    """Another field changed, the URL taken away, or a revoked client given a URL: nothing
    can be sent, so no worker is asked (a revoked one's are kicked when it is reactivated)."""
    hook = receiver()
    api_client, _, _ = api_client_create(
        name="12345", callback_url="" if change == "revoked" else hook.url
    )
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    if change == "revoked":
        api_client_revoke(client_id=api_client.id)
    queued = _queued(monkeypatch)
    changes = {
        "name": {"name": "12345-new"},
        "url_removed": {"callback_url": ""},
        "revoked": {"callback_url": hook.url},
    }[change]

    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        api_client_update(client_id=api_client.id, acting_user=None, **changes)

    assert (queued, after_commit) == ([], [])


def test_a_url_given_in_the_admin_asks_a_worker_once_the_form_is_saved(
    client, sysadmin, receiver, housing_staff, monkeypatch, django_capture_on_commit_callbacks
):
    hook = receiver()
    api_client, _, _ = api_client_create(name="12345")
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    queued = _queued(monkeypatch)
    client.force_login(sysadmin)
    form = {
        "name": api_client.name,
        "channel": api_client.channel,
        "callback_url": hook.url,
        "rate_limit_per_minute": api_client.rate_limit_per_minute,
        "is_active": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/complaints/apiclient/{api_client.id}/change/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert ApiClient.objects.get(id=api_client.id).callback_url == hook.url
    assert queued == [(TASK, (order.id,))]
