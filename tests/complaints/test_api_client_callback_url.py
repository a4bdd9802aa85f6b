"""A client given a callback URL in the admin (or given a new one after deliveries to the
old one failed) has its waiting callbacks handed to a worker once the change commits, as a
reactivated client's are, not left for the next sweep; those it had given up on at the old
URL are pending again."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from complaints import services, workflow
from complaints.callbacks import callback_replay, deliver_order
from complaints.clients import (
    api_client_create,
    api_client_reactivate,
    api_client_revoke,
    api_client_update,
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
    not after up to an hour of backoff."""
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


def test_callbacks_failing_for_most_of_a_day_at_a_wrong_url_get_a_full_day_at_the_new_one(
    receiver, housing_staff
):
    """The contract's day of retries is for the receiver they are posted to: 23 hours of
    failures at a wrong URL do not leave one hour at the right one. The attempts at the old
    URL stay in the log."""
    old, new = receiver(fail_first=1000), receiver(fail_first=1000)
    api_client, _, _ = api_client_create(name="12345", callback_url=old.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        deliver_order(order.id)
    with time_machine.travel(start + timedelta(hours=23), tick=False):
        deliver_order(order.id)
    changed = start + timedelta(hours=23, minutes=5)
    with time_machine.travel(changed, tick=False):
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=new.url)
        deliver_order(order.id)  # the new receiver is down too: the window starts again

    with time_machine.travel(changed + timedelta(hours=24), tick=False):
        deliver_order(order.id)  # 24 h at the new URL: still retried
    callback = CallbackEvent.objects.get(order=order)
    assert (callback.state, callback.attempts, new.calls) == ("pending", 4, 2)
    assert [attempt.status_code for attempt in callback.log.all()] == [500] * 4

    with time_machine.travel(changed + timedelta(hours=25, minutes=30), tick=False):
        deliver_order(order.id)  # 25.5 h at the new URL: the window is over
    assert CallbackEvent.objects.get(order=order).state == "failed"


def test_the_backoff_at_a_new_url_starts_again_from_the_quick_early_retries(
    receiver, housing_staff, settings
):
    """The receiver just configured gets the contract's exponential backoff from its start
    (base, twice the base, ...), not the hour the old URL's failures had grown it to. The
    attempt count, for the office, still counts them all."""
    old, new = receiver(fail_first=1000), receiver(fail_first=1000)
    api_client, _, _ = api_client_create(name="12345", callback_url=old.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    for _ in range(12):
        with time_machine.travel(moment, tick=False):
            deliver_order(order.id)
        moment = CallbackEvent.objects.get(order=order).next_attempt_at
    callback = CallbackEvent.objects.get(order=order)
    assert callback.next_attempt_at - callback.log.last().at == timedelta(hours=1)

    base = timedelta(seconds=settings.CALLBACK_RETRY_BASE_SECONDS)
    with time_machine.travel(moment, tick=False):
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=new.url)
        deliver_order(order.id)
    callback = CallbackEvent.objects.get(order=order)
    assert callback.next_attempt_at - moment == base
    with time_machine.travel(moment + base, tick=False):
        deliver_order(order.id)
    callback = CallbackEvent.objects.get(order=order)
    assert callback.next_attempt_at - (moment + base) == 2 * base
    assert (callback.attempts, new.calls) == (14, 2)


def test_a_url_changed_and_changed_back_before_any_attempt_elsewhere_starts_the_day_again(
    receiver, housing_staff, settings
):
    """The office moved the client off the failing URL and back onto it: taken as the
    receiver there having been fixed, as when a worker tried the other URL in between
    (which the change asks for at once), so that whether a worker got there first does
    not decide how long the callbacks are retried."""
    hook, other = receiver(fail_first=1000), receiver(fail_first=1000)
    api_client, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        deliver_order(order.id)
    with time_machine.travel(start + timedelta(hours=23), tick=False):
        deliver_order(order.id)
    changed = start + timedelta(hours=23, minutes=5)
    with time_machine.travel(changed, tick=False):
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=other.url)
    with time_machine.travel(changed + timedelta(minutes=1), tick=False):
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=hook.url)
    back = changed + timedelta(minutes=2)
    with time_machine.travel(back, tick=False):
        deliver_order(order.id)
    callback = CallbackEvent.objects.get(order=order)
    assert (callback.retry_window_start, other.calls, hook.calls) == (back, 0, 3)
    base = timedelta(seconds=settings.CALLBACK_RETRY_BASE_SECONDS)
    assert callback.next_attempt_at == back + base

    with time_machine.travel(back + timedelta(hours=24), tick=False):
        deliver_order(order.id)
    assert CallbackEvent.objects.get(order=order).state == "pending"
    with time_machine.travel(back + timedelta(hours=25, minutes=30), tick=False):
        deliver_order(order.id)
    assert CallbackEvent.objects.get(order=order).state == "failed"


def test_a_url_changed_while_the_client_is_revoked_gets_a_full_day_once_it_is_reactivated(
    receiver, housing_staff
):
    old, new = receiver(fail_first=1000), receiver(fail_first=1000)
    api_client, _, _ = api_client_create(name="12345", callback_url=old.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        deliver_order(order.id)
    with time_machine.travel(start + timedelta(hours=20), tick=False):
        deliver_order(order.id)
        api_client_revoke(client_id=api_client.id)
    with time_machine.travel(start + timedelta(hours=22), tick=False):
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=new.url)
    back = start + timedelta(hours=30)
    with time_machine.travel(back, tick=False):
        api_client_reactivate(client_id=api_client.id)
        deliver_order(order.id)

    with time_machine.travel(back + timedelta(hours=24), tick=False):
        deliver_order(order.id)
    assert CallbackEvent.objects.get(order=order).state == "pending"
    with time_machine.travel(back + timedelta(hours=25, minutes=30), tick=False):
        deliver_order(order.id)
    assert CallbackEvent.objects.get(order=order).state == "failed"


def test_a_name_change_does_not_start_the_window_again(receiver, housing_staff):
    hook = receiver(fail_first=1000)
    api_client, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        deliver_order(order.id)
    with time_machine.travel(start + timedelta(hours=23), tick=False):
        api_client_update(client_id=api_client.id, acting_user=None, name="12345-new")
        deliver_order(order.id)
    with time_machine.travel(start + timedelta(hours=25, minutes=30), tick=False):
        deliver_order(order.id)
    assert CallbackEvent.objects.get(order=order).state == "failed"


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


def test_callbacks_tried_before_the_url_was_stored_start_again_at_a_new_url(
    receiver, housing_staff
):
    migration = importlib.import_module("complaints.migrations.0041_callback_retry_window_url")
    apps = migration_apps("complaints", "0041_callback_retry_window_url")
    old, new = receiver(fail_first=1000), receiver(fail_first=1000)
    api_client, _, _ = api_client_create(name="12345", callback_url=old.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    untried, _ = services.hotline_intake(client=api_client, hotline_id="H-2", fields=FIELDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        deliver_order(order.id)
    workflow.workorder_sign(order_id=untried.id, acting_user=housing_staff)
    CallbackEvent.objects.update(retry_window_url="")  # as before the column

    migration.count_at_the_current_url(apps, None)

    assert CallbackEvent.objects.get(order=order).retry_window_url == old.url
    assert CallbackEvent.objects.get(order=untried).retry_window_url == ""
    changed = start + timedelta(hours=23)
    with time_machine.travel(changed, tick=False):
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=new.url)
        deliver_order(order.id)
    assert CallbackEvent.objects.get(order=order).retry_window_start == changed


def test_callbacks_tried_before_the_count_at_the_url_was_stored_count_from_their_window(
    receiver, housing_staff
):
    migration = importlib.import_module("complaints.migrations.0044_callback_attempts_at_url")
    apps = migration_apps("complaints", "0044_callback_attempts_at_url")
    old, new = receiver(fail_first=1000), receiver(fail_first=1000)
    api_client, _, _ = api_client_create(name="12345", callback_url=old.url)
    moved, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    stayed, _ = services.hotline_intake(client=api_client, hotline_id="H-2", fields=FIELDS)
    start = timezone.now()
    for hours in (0, 1, 2):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            if hours == 0:
                workflow.workorder_sign(order_id=moved.id, acting_user=housing_staff)
                workflow.workorder_sign(order_id=stayed.id, acting_user=housing_staff)
            deliver_order(moved.id)
            deliver_order(stayed.id)
    with time_machine.travel(start + timedelta(hours=3), tick=False):
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=new.url)
        deliver_order(moved.id)
    CallbackEvent.objects.update(attempts_at_url=0)  # as before the column

    migration.count_since_the_window_started(apps, None)

    counts = {c.order_id: (c.attempts, c.attempts_at_url) for c in CallbackEvent.objects.all()}
    assert counts == {moved.id: (4, 1), stayed.id: (3, 3)}


def _given_up(order, start) -> None:
    """Its oldest pending callback tried at `start` and a day later: marked failed."""
    with time_machine.travel(start, tick=False):
        deliver_order(order.id)
    with time_machine.travel(start + timedelta(hours=26), tick=False):
        deliver_order(order.id)


def test_callbacks_given_up_at_the_old_url_are_sent_to_a_new_one_oldest_first(
    receiver, housing_staff, monkeypatch, django_capture_on_commit_callbacks
):
    """Failed after their day at a URL that was wrong: the office gives the right one and
    they go out without a replay by hand, in order, each with a new day of retries there.
    A delivered callback, and another client's failed one, are left as they are."""
    old, new = receiver(), receiver()
    api_client, _, _ = api_client_create(name="12345", callback_url=old.url)
    other_client, _, _ = api_client_create(name="12315", callback_url=old.url)
    delivered, _ = services.hotline_intake(client=api_client, hotline_id="H-0", fields=FIELDS)
    workflow.workorder_sign(order_id=delivered.id, acting_user=housing_staff)
    deliver_order(delivered.id)
    old.fail_first = 1000  # the receiver at the old URL is gone from here on
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    others, _ = services.hotline_intake(client=other_client, hotline_id="O-1", fields=FIELDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修好")
        workflow.workorder_sign(order_id=others.id, acting_user=housing_staff)
    _given_up(order, start)
    _given_up(others, start)
    with time_machine.travel(start + timedelta(hours=26), tick=False):
        deliver_order(order.id)  # the next one in line fails too: pending, backing off
    first, second = CallbackEvent.objects.filter(order=order).order_by("id")
    assert (first.state, second.state) == ("failed", "pending")
    queued = _queued(monkeypatch)

    changed = start + timedelta(hours=26, minutes=5)
    with (
        time_machine.travel(changed, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=new.url)

    first.refresh_from_db()
    assert (first.state, first.next_attempt_at) == ("pending", changed)
    assert queued == [(TASK, (order.id,))]
    assert CallbackEvent.objects.get(order=delivered).state == "delivered"
    assert CallbackEvent.objects.get(order=others).state == "failed"
    entry = AuditEntry.objects.get(action="api_client.update", object_id=str(api_client.id))
    assert entry.data["callbacks_revived"] == 1

    with time_machine.travel(changed, tick=False):
        deliver_order(order.id)
    assert [p["status"] for p in new.json()] == ["in_progress", "resolved"]
    first.refresh_from_db()
    assert (first.state, first.retry_window_start, first.attempts) == ("delivered", changed, 3)


def test_a_revived_callback_failing_at_the_new_url_too_gets_a_full_day_there(
    receiver, housing_staff
):
    old, new = receiver(fail_first=1000), receiver(fail_first=1000)
    api_client, _, _ = api_client_create(name="12345", callback_url=old.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    _given_up(order, start)
    changed = start + timedelta(hours=30)
    with time_machine.travel(changed, tick=False):
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=new.url)
        deliver_order(order.id)

    with time_machine.travel(changed + timedelta(hours=24), tick=False):
        deliver_order(order.id)
    assert CallbackEvent.objects.get(order=order).state == "pending"
    with time_machine.travel(changed + timedelta(hours=25, minutes=30), tick=False):
        deliver_order(order.id)
    assert CallbackEvent.objects.get(order=order).state == "failed"
    assert new.calls == 3


def test_taking_the_url_away_leaves_failed_callbacks_failed_until_a_new_one_is_given(
    receiver, housing_staff
):
    """Nowhere to send them: they stay failed (the admin shows them so), and come back
    when the office gives a URL again."""
    old, new = receiver(fail_first=1000), receiver()
    api_client, _, _ = api_client_create(name="12345", callback_url=old.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    _given_up(order, start)

    api_client_update(client_id=api_client.id, acting_user=None, callback_url="")
    assert CallbackEvent.objects.get(order=order).state == "failed"

    api_client_update(client_id=api_client.id, acting_user=None, callback_url=new.url)
    deliver_order(order.id)
    assert CallbackEvent.objects.get(order=order).state == "delivered"
    assert [p["status"] for p in new.json()] == ["in_progress"]


def test_the_admin_says_how_many_failed_callbacks_a_new_url_sends_again(
    client, sysadmin, receiver, housing_staff
):
    old, new = receiver(fail_first=1000), receiver()
    api_client, _, _ = api_client_create(name="12345", callback_url=old.url)
    start = timezone.now()
    for hotline_id in ("H-1", "H-2"):
        order, _ = services.hotline_intake(client=api_client, hotline_id=hotline_id, fields=FIELDS)
        with time_machine.travel(start, tick=False):
            workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        _given_up(order, start)
    assert CallbackEvent.objects.filter(state="failed").count() == 2
    client.force_login(sysadmin)
    client.cookies["django_language"] = "en"
    form = {
        "name": api_client.name,
        "channel": api_client.channel,
        "callback_url": new.url,
        "rate_limit_per_minute": api_client.rate_limit_per_minute,
        "is_active": "on",
    }

    response = client.post(
        f"/admin/complaints/apiclient/{api_client.id}/change/", form, follow=True
    )

    shown = [str(message) for message in response.context["messages"]]
    assert (
        "2 failed callbacks of this client are pending again: they will be sent to the new "
        "callback URL." in shown
    ), shown
    assert CallbackEvent.objects.filter(state="pending").count() == 2


def test_the_admin_lists_a_revived_callback_as_failing_only_once_it_fails_at_the_new_url(
    client, office_staff, receiver, housing_staff
):
    """ "Failing, being retried" listed every pending callback tried before: also those a
    new URL revived (pending again, with their attempts at the old URL), and those backing
    off from the old URL, none of which had failed at the URL they are now sent to."""
    old, new = receiver(fail_first=1000), receiver(fail_first=1000)
    api_client, _, _ = api_client_create(name="12345", callback_url=old.url)
    revived, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    backing_off, _ = services.hotline_intake(client=api_client, hotline_id="H-2", fields=FIELDS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.workorder_sign(order_id=revived.id, acting_user=housing_staff)
    _given_up(revived, start)
    with time_machine.travel(start + timedelta(hours=26), tick=False):
        workflow.workorder_sign(order_id=backing_off.id, acting_user=housing_staff)
        deliver_order(backing_off.id)
    client.force_login(office_staff)

    def listed(situation: str) -> set[str]:
        listing = client.get(f"/admin/complaints/callbackevent/?situation={situation}")
        assert listing.status_code == 200
        page = listing.content.decode()
        return {o.number for o in (revived, backing_off) if o.number in page}

    def failing() -> set[str]:
        failing, queued = listed("retrying"), listed("queued")
        pending = set(
            CallbackEvent.objects.filter(state="pending").values_list("order__number", flat=True)
        )
        assert failing.isdisjoint(queued) and failing | queued == pending  # one or the other
        return failing

    assert failing() == {backing_off.number}  # failing at the URL it is sent to
    changed = start + timedelta(hours=27)
    with time_machine.travel(changed, tick=False):
        api_client_update(client_id=api_client.id, acting_user=None, callback_url=new.url)
    assert CallbackEvent.objects.filter(state="pending").count() == 2

    assert failing() == set()

    with time_machine.travel(changed, tick=False):
        deliver_order(revived.id)
    assert failing() == {revived.number}
    api_client_update(client_id=api_client.id, acting_user=None, callback_url=old.url)
    assert failing() == set()  # the old URL again: not failed there since


def test_the_admin_does_not_list_a_delivered_callback_sent_again_as_failing(
    client, office_staff, receiver, housing_staff
):
    hook = receiver()
    api_client, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    deliver_order(order.id)
    callback_replay(callback_id=CallbackEvent.objects.get(order=order).id)
    client.force_login(office_staff)

    listing = client.get("/admin/complaints/callbackevent/?situation=retrying")

    assert order.number not in listing.content.decode()
