"""Signed callbacks to the hotline: written with the change, delivered in order, retried,
and never lost when the worker or the broker is away."""

import hashlib
import hmac
import json
import os
import re
import threading
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from complaints import services, workflow
from complaints.callbacks import (
    MAX_BACKOFF,
    RETRY_WINDOW,
    TIMEOUT_SECONDS,
    backoff,
    deliver_order,
    due_order_ids,
)
from complaints.clients import (
    api_client_create,
    api_client_reactivate,
    api_client_revoke,
    api_client_rotate_secret,
    api_client_update,
    signature,
)
from complaints.models import (
    ApiClient,
    CallbackAttempt,
    CallbackEvent,
    PossibleDuplicate,
    WorkOrder,
)
from departments.choices import RoleCode
from departments.models import AuditEntry
from tests.factories import UserFactory, unit
from tests.helpers import start_worker, stop_worker, wait_for

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")
ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
FIELDS = {
    "kind": "complaint",
    "content": "小区物业不修电梯，老人上下楼困难",
    "citizen_name": "王先生",
    "citizen_phone": "13812345678",
}


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """What the README tells the hotline to do."""
    expected = hmac.new(
        secret.encode(), headers["X-Wuqing-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(headers["X-Wuqing-Signature"], f"sha256={expected}")


def handle_to_the_end(order, staff, office):
    workflow.workorder_sign(order_id=order.id, acting_user=staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=staff, result="电梯已修复")
    workflow.workorder_close(order_id=order.id, acting_user=office)


def test_callbacks_arrive_signed_and_in_order_after_two_failures(
    receiver, office_staff, housing_staff
):
    hook = receiver(fail_first=2)
    client, _, secret = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=client, hotline_id="H-1", fields=FIELDS)
    handle_to_the_end(order, housing_staff, office_staff)
    assert CallbackEvent.objects.filter(order=order).count() == 3

    now = timezone.now()
    for step in range(10):
        with time_machine.travel(now + timedelta(hours=step), tick=False):
            deliver_order(order.id)
        if len(hook.received) == 3:
            break
    assert hook.calls == 5
    assert [payload["status"] for payload in hook.json()] == ["in_progress", "resolved", "closed"]
    for request in hook.received:
        assert verify(secret, request["headers"], request["body"])
        payload = json.loads(request["body"])
        assert payload["type"] == "work_order.status_changed"
        assert payload["hotline_id"] == "H-1" and payload["number"] == order.number
        assert request["headers"]["X-Wuqing-Event-Id"] == payload["event_id"]
    assert json.loads(hook.received[1]["body"])["result"] == "电梯已修复"
    first = CallbackEvent.objects.filter(order=order).order_by("id").first()
    assert list(
        CallbackAttempt.objects.filter(event=first).values_list("status_code", flat=True)
    ) == [
        500,
        500,
        204,
    ]
    assert not CallbackEvent.objects.filter(state="pending").exists()


def test_a_receiver_that_redirects_is_a_failed_attempt_not_a_delivery(receiver, housing_staff):
    hook = receiver(scripted=[(302, None, {"Location": "/moved"})])
    client, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=client, hotline_id="H-1", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    deliver_order(order.id)
    callback = CallbackEvent.objects.get(order=order)
    assert callback.state == CallbackEvent.State.PENDING
    assert hook.gets == 0  # a redirect followed as a GET would carry no body
    assert "/moved" in callback.last_error
    assert CallbackAttempt.objects.get(event=callback).status_code == 302
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        deliver_order(order.id)
    callback.refresh_from_db()
    assert callback.state == CallbackEvent.State.DELIVERED and len(hook.received) == 2


def test_a_new_primary_unit_is_called_back_although_the_status_stays(receiver, office_staff):
    hook = receiver()
    client, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=client, hotline_id="H-1", fields=FIELDS)
    assert order.status == "assigned" and order.primary_unit.code == "housing"
    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="market-regulation", reason="管辖"
    )
    deliver_order(order.id)
    (payload,) = hook.json()
    assert payload["status"] == "assigned"
    assert payload["primary_unit"]["code"] == "market-regulation"


def test_a_callback_says_what_happened_so_a_reopening_is_not_read_as_a_signing(
    receiver, housing_staff, office_staff, client
):
    hook = receiver()
    api_client, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=api_client, hotline_id="H-1", fields=FIELDS)
    later, _ = services.hotline_intake(client=api_client, hotline_id="H-2", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修好")
    workflow.workorder_client_satisfaction(
        client=api_client, hotline_id="H-1", rating="dissatisfied"
    )
    services.find_pending_duplicates()
    pair = PossibleDuplicate.objects.get(order=later, other=order)
    workflow.workorder_merge(order_id=later.id, acting_user=office_staff, duplicate_id=pair.id)
    deliver_order(order.id)
    deliver_order(later.id)
    told = [(p["hotline_id"], p["event"], p["previous_status"], p["status"]) for p in hook.json()]
    assert told == [
        ("H-1", "sign", "assigned", "in_progress"),
        ("H-1", "resolve", "in_progress", "resolved"),
        ("H-1", "reopen", "resolved", "in_progress"),
        ("H-2", "merge", "assigned", "closed"),
    ]
    assert hook.json()[-1]["merged_into"] == order.number
    assert hook.json()[0]["merged_into"] is None
    assert [p["result"] for p in hook.json()[1:3]] == ["已修好", None]  # set aside on reopen
    schema = client.get("/api/v1/schema/?format=json").json()
    published = schema["components"]["schemas"]["CallbackOut"]["properties"]
    assert all(set(payload) == set(published) for payload in hook.json())


def test_a_tampered_body_does_not_verify(receiver, housing_staff, office_staff):
    hook = receiver()
    client, _, secret = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=client, hotline_id="H-2", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    deliver_order(order.id)
    request = hook.received[0]
    assert verify(secret, request["headers"], request["body"])
    assert not verify(
        secret, request["headers"], request["body"].replace(b"in_progress", b"closed")
    )
    assert not verify("another secret", request["headers"], request["body"])


def test_after_a_secret_rotation_callbacks_carry_the_old_signature_too_for_a_day(
    receiver, housing_staff
):
    hook = receiver()
    client, _, old_secret = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=client, hotline_id="S-1", fields=FIELDS)
    rotated = timezone.now()
    with time_machine.travel(rotated, tick=False):
        new_secret, until = api_client_rotate_secret(client_id=client.id)
    assert until == rotated + timedelta(hours=24) and new_secret != old_secret
    with time_machine.travel(rotated + timedelta(hours=23, minutes=59), tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        deliver_order(order.id)
    during = hook.received[-1]
    headers, body = during["headers"], during["body"]
    assert verify(new_secret, headers, body)  # the documented header: the new secret
    assert not verify(old_secret, headers, body)
    previous = {**headers, "X-Wuqing-Signature": headers["X-Wuqing-Signature-Previous"]}
    assert verify(old_secret, previous, body) and not verify(new_secret, previous, body)
    with time_machine.travel(rotated + timedelta(hours=24, seconds=1), tick=False):
        workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修")
        deliver_order(order.id)
    after = hook.received[-1]
    assert json.loads(after["body"])["status"] == "resolved"
    assert "X-Wuqing-Signature-Previous" not in after["headers"]
    assert verify(new_secret, after["headers"], after["body"])


def test_a_second_secret_rotation_signs_with_the_one_before_it(receiver, housing_staff):
    hook = receiver()
    client, _, first = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=client, hotline_id="S-2", fields=FIELDS)
    second, _ = api_client_rotate_secret(client_id=client.id)
    third, _ = api_client_rotate_secret(client_id=client.id)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    deliver_order(order.id)
    headers, body = hook.received[0]["headers"], hook.received[0]["body"]
    previous = {**headers, "X-Wuqing-Signature": headers["X-Wuqing-Signature-Previous"]}
    assert verify(third, headers, body) and verify(second, previous, body)
    assert not verify(first, headers, body) and not verify(first, previous, body)


def test_without_a_grace_period_a_new_secret_signs_alone(receiver, housing_staff, settings):
    settings.API_ROTATION_GRACE_HOURS = 0
    hook = receiver()
    client, _, old_secret = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=client, hotline_id="S-3", fields=FIELDS)
    new_secret, until = api_client_rotate_secret(client_id=client.id)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    deliver_order(order.id)
    headers, body = hook.received[0]["headers"], hook.received[0]["body"]
    assert until is None and "X-Wuqing-Signature-Previous" not in headers
    assert verify(new_secret, headers, body) and not verify(old_secret, headers, body)


def test_revoking_ends_the_previous_secret_too_and_held_callbacks_go_out_signed_anew(
    receiver, housing_staff
):
    hook = receiver()
    client, _, old_secret = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=client, hotline_id="S-4", fields=FIELDS)
    new_secret, until = api_client_rotate_secret(client_id=client.id)
    assert until is not None  # the old secret would sign for a day
    api_client_revoke(client_id=client.id)
    client.refresh_from_db()
    assert (client.previous_secret_salt, client.previous_secret_until) == ("", None)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    deliver_order(order.id)
    assert hook.received == []  # held while revoked
    ApiClient.objects.filter(id=client.id).update(is_active=True)  # the admin's checkbox
    deliver_order(order.id)
    headers, body = hook.received[0]["headers"], hook.received[0]["body"]
    assert "X-Wuqing-Signature-Previous" not in headers
    assert verify(new_secret, headers, body) and not verify(old_secret, headers, body)


def test_rotating_a_revoked_clients_secret_does_not_keep_the_revoked_one_signing(
    receiver, housing_staff
):
    hook = receiver()
    client, _, revoked_secret = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=client, hotline_id="S-5", fields=FIELDS)
    api_client_revoke(client_id=client.id)
    new_secret, until = api_client_rotate_secret(client_id=client.id)
    assert until is None
    ApiClient.objects.filter(id=client.id).update(is_active=True)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    deliver_order(order.id)
    headers, body = hook.received[0]["headers"], hook.received[0]["body"]
    assert "X-Wuqing-Signature-Previous" not in headers
    assert verify(new_secret, headers, body) and not verify(revoked_secret, headers, body)


def test_a_callback_that_keeps_failing_is_marked_failed_after_a_day_and_can_be_replayed(
    receiver, housing_staff
):
    hook = receiver(fail_first=1000)
    client, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=client, hotline_id="H-3", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    callback = CallbackEvent.objects.get(order=order)
    now = timezone.now()
    for hours in (0, 1, 2, 12, 24, 26):
        with time_machine.travel(now + timedelta(hours=hours, minutes=5), tick=False):
            deliver_order(order.id)
    callback.refresh_from_db()
    assert callback.state == "failed"
    assert callback.attempts == 6
    assert callback.last_error == "HTTP 500"

    from complaints.callbacks import callback_replay

    hook.fail_first = 0
    callback_replay(callback_id=callback.id)
    deliver_order(order.id)
    callback.refresh_from_db()
    assert callback.state == "delivered"
    assert [payload["status"] for payload in hook.json()] == ["in_progress"]


def test_changes_made_before_a_client_has_a_callback_url_reach_it_once_it_has_one(
    receiver, housing_staff
):
    hook = receiver(fail_first=1)
    client, _, _ = api_client_create(name="12345")  # its URL comes later
    order, _ = services.hotline_intake(client=client, hotline_id="H-1", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修好")
    assert CallbackEvent.objects.filter(order=order, state="pending").count() == 2
    assert due_order_ids() == []  # nowhere to send them yet
    later = timezone.now() + timedelta(hours=30)
    with time_machine.travel(later, tick=False):
        client.callback_url = hook.url
        client.save()
        assert due_order_ids() == [order.id]
        deliver_order(order.id)  # the receiver fails once
    first = CallbackEvent.objects.filter(order=order).order_by("id").first()
    assert first.state == "pending"  # a day of retries from its first attempt, not its writing
    with time_machine.travel(later + timedelta(hours=1), tick=False):
        deliver_order(order.id)
    assert [payload["status"] for payload in hook.json()] == ["in_progress", "resolved"]


def test_callbacks_that_cannot_be_sent_do_not_fill_the_sweep(receiver, housing_staff):
    hook = receiver()
    revoked, _, _ = api_client_create(name="12345-old", callback_url=hook.url)
    waiting = []
    for n in range(3):
        order, _ = services.hotline_intake(client=revoked, hotline_id=f"R-{n}", fields=FIELDS)
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        waiting.append(order.id)
    api_client_revoke(client_id=revoked.id)
    current, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=current, hotline_id="C-1", fields=FIELDS)
    with time_machine.travel(timezone.now() + timedelta(seconds=1), tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        assert due_order_ids(limit=1) == [order.id]
    assert set(
        CallbackEvent.objects.filter(state="pending").values_list("order_id", flat=True)
    ) == {
        *waiting,
        order.id,
    }


# --- with a real worker process (PostgreSQL and Redis, as in CI) ---------------------------


def _worker(queue: str):
    """A worker on the test database (committed data), retrying callbacks at once."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        API_SIGNING_KEY=settings.API_SIGNING_KEY,
        CALLBACK_RETRY_BASE_SECONDS="1",  # the least a deployment may set: retries 1 s, 2 s apart
    )
    return start_worker(env, queue)


@pytest.fixture
def people(transactional_db):
    return (
        UserFactory(username="cb_office", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF]),
        UserFactory(username="cb_housing", unit=unit("housing"), roles=[RoleCode.UNIT_STAFF]),
    )


@pytest.mark.services
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: needs a real Redis")
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL shared with the worker process")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_in_order_after_the_receiver_failed_twice(receiver, people):
    from complaints.tasks import deliver_order_callbacks

    office, housing = people
    hook = receiver(fail_first=2)
    client, _, secret = api_client_create(name="12345-worker", callback_url=hook.url)
    order, _ = services.hotline_intake(client=client, hotline_id="W-1", fields=FIELDS)
    handle_to_the_end(order, housing, office)
    queue = f"test-callbacks-{uuid.uuid4().hex[:8]}"
    worker = _worker(queue)
    try:
        deliver_order_callbacks.apply_async((order.id,), queue=queue)
        arrived = wait_for(lambda: len(hook.received) == 3)
    finally:
        output = stop_worker(worker)
    assert arrived, output
    assert hook.calls == 5
    assert [payload["status"] for payload in hook.json()] == ["in_progress", "resolved", "closed"]
    assert all(verify(secret, r["headers"], r["body"]) for r in hook.received)


@pytest.mark.services
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: needs a real Redis")
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL shared with the worker process")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_changes_made_while_no_worker_runs_are_all_delivered_once_one_starts(receiver, people):
    from complaints.tasks import sweep_callbacks

    office, housing = people
    hook = receiver()
    client, _, _ = api_client_create(name="12345-sweep", callback_url=hook.url)
    orders = [
        services.hotline_intake(client=client, hotline_id=f"S-{n}", fields=FIELDS)[0]
        for n in range(3)
    ]
    for order in orders:
        handle_to_the_end(order, housing, office)
    assert CallbackEvent.objects.filter(state="pending").count() == 9
    assert hook.received == []
    queue = f"test-sweep-{uuid.uuid4().hex[:8]}"
    worker = _worker(queue)
    try:
        sweep_callbacks.apply_async(queue=queue)
        arrived = wait_for(lambda: len(hook.received) == 9)
    finally:
        output = stop_worker(worker)
    assert arrived, output
    by_order: dict[str, list[str]] = {}
    for request in hook.received:
        payload = json.loads(request["body"])
        by_order.setdefault(payload["hotline_id"], []).append(payload["status"])
    assert by_order == {f"S-{n}": ["in_progress", "resolved", "closed"] for n in range(3)}
    assert len({json.loads(r["body"])["event_id"] for r in hook.received}) == 9


@pytest.mark.services
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: needs a real Redis")
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL shared with the worker process")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_held_callbacks_on_reactivation_without_a_sweep(
    receiver, people, monkeypatch
):
    from wuqing_consumer.celery import app

    office, housing = people
    hook = receiver()
    client, _, _ = api_client_create(name="12345-held", callback_url=hook.url)
    order, _ = services.hotline_intake(client=client, hotline_id="HELD-1", fields=FIELDS)
    api_client_revoke(client_id=client.id)
    workflow.workorder_sign(order_id=order.id, acting_user=housing)
    workflow.workorder_resolve(order_id=order.id, acting_user=housing, result="已修好")
    queue = f"test-held-{uuid.uuid4().hex[:8]}"
    # The kick goes where kicks go by default: here, to this test's worker (no beat runs,
    # so no sweep).
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    worker = _worker(queue)
    try:
        api_client_reactivate(client_id=client.id, acting_user=office)
        arrived = wait_for(lambda: len(hook.received) == 2)
    finally:
        output = stop_worker(worker)
    assert arrived, output
    assert [payload["status"] for payload in hook.json()] == ["in_progress", "resolved"]


@pytest.mark.services
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: needs a real Redis")
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL shared with the worker process")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_waiting_callbacks_once_the_client_is_given_a_url_without_a_sweep(
    receiver, people, monkeypatch
):
    from wuqing_consumer.celery import app

    office, housing = people
    hook = receiver()
    client, _, _ = api_client_create(name="12345-url")  # its URL comes later
    order, _ = services.hotline_intake(client=client, hotline_id="URL-1", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing)
    workflow.workorder_resolve(order_id=order.id, acting_user=housing, result="已修好")
    queue = f"test-url-{uuid.uuid4().hex[:8]}"
    # The kick goes where kicks go by default: here, to this test's worker (no beat runs,
    # so no sweep).
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    worker = _worker(queue)
    try:
        api_client_update(client_id=client.id, acting_user=office, callback_url=hook.url)
        arrived = wait_for(lambda: len(hook.received) == 2)
    finally:
        output = stop_worker(worker)
    assert arrived, output
    assert [payload["status"] for payload in hook.json()] == ["in_progress", "resolved"]


def post_at_once(url: str, key: str, body: bytes, times: int) -> list[tuple[int, dict]]:
    """`times` identical POSTs released together, as a hotline's retries can be: the status
    and JSON answer of each."""
    results: list[tuple[int, dict]] = []
    barrier = threading.Barrier(times)

    def send():
        request = Request(
            url,
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        barrier.wait()
        try:
            with urlopen(request, timeout=60) as response:
                results.append((response.status, json.loads(response.read())))
        except HTTPError as error:
            results.append((error.code, json.loads(error.read())))

    threads = [threading.Thread(target=send) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == times
    return results


@pytest.mark.services
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: SQLite serialises writers")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_order_sent_20_times_at_once_makes_exactly_one(live_server):
    _, key, _ = api_client_create(name="12345-race")
    body = json.dumps(
        {
            "hotline_id": "RACE-1",
            "content": "超市卖过期牛奶，要求退一赔十",
            "kind": "complaint",
            "citizen": {"phone": "13812345678"},
        }
    ).encode()
    results = post_at_once(f"{live_server.url}/api/v1/hotline/work-orders/", key, body, 20)
    assert sorted(status for status, _ in results) == [200] * 19 + [201]
    assert len({answer["number"] for _, answer in results}) == 1
    assert WorkOrder.objects.filter(hotline_id="RACE-1").count() == 1
    connection.close()


@pytest.mark.services
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: SQLite serialises writers")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dissatisfied_call_back_sent_10_times_at_once_reopens_the_order_once(live_server, people):
    client, key, _ = api_client_create(name="12345-race")
    order, _ = services.hotline_intake(client=client, hotline_id="RACE-2", fields=FIELDS)
    housing = people[1]
    workflow.workorder_sign(order_id=order.id, acting_user=housing)
    workflow.workorder_resolve(order_id=order.id, acting_user=housing, result="已修好")
    body = json.dumps({"rating": "dissatisfied", "comment": "电梯又坏了"}).encode()
    path = "/api/v1/hotline/work-orders/RACE-2/satisfaction/"
    results = post_at_once(f"{live_server.url}{path}", key, body, 10)
    assert [status for status, _ in results] == [200] * 10
    order.refresh_from_db()
    assert order.status == "in_progress" and order.reopen_count == 1
    assert order.events.filter(action="satisfaction").count() == 1
    connection.close()


def test_the_readme_receiver_example_accepts_our_callbacks_and_refuses_forgeries(
    receiver, housing_staff, office_staff
):
    readme = (ROOT / "README.md").read_text()
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) <= 12  # the contract asks for about ten lines
    namespace: dict = {}
    exec(code, namespace)
    verify_as_told = namespace["verify"]
    hook = receiver()
    client, _, secret = api_client_create(name="12345", callback_url=hook.url)
    order, _ = services.hotline_intake(client=client, hotline_id="R-1", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    deliver_order(order.id)
    request = hook.received[0]
    headers, body = request["headers"], request["body"]
    assert verify_as_told(headers, body, secret)
    assert not verify_as_told(headers, body + b" ", secret)
    assert not verify_as_told(headers, body, "wrong")
    assert not verify_as_told({**headers, "X-Wuqing-Timestamp": "soon"}, body, secret)
    assert not verify_as_told({}, body, secret)  # no headers: refused, not an exception
    assert not verify_as_told({**headers, "X-Wuqing-Signature": "sha256=é"}, body, secret)
    # A receiver switching secrets verifies with either while the office rotates.
    rotated = timezone.now()
    with time_machine.travel(rotated, tick=False):
        new_secret, _ = api_client_rotate_secret(client_id=client.id)
    with time_machine.travel(rotated + timedelta(hours=1), tick=False):
        workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修")
        deliver_order(order.id)
        headers, body = hook.received[-1]["headers"], hook.received[-1]["body"]
        assert verify_as_told(headers, body, secret) and verify_as_told(headers, body, new_secret)
        assert not verify_as_told(headers, body, "wrong")
        ts, forged_body = headers["X-Wuqing-Timestamp"], body.replace(b"resolved", b"closed")
        forged = {"X-Wuqing-Timestamp": ts, "X-Wuqing-Signature-Previous": ""}
        forged["X-Wuqing-Signature-Previous"] = signature(secret, ts, forged_body)
        assert not verify_as_told(forged, forged_body, new_secret)  # the old secret leaked
    with time_machine.travel(rotated + timedelta(hours=25), tick=False):
        workflow.workorder_close(order_id=order.id, acting_user=office_staff)
        deliver_order(order.id)
        headers, body = hook.received[-1]["headers"], hook.received[-1]["body"]
        assert verify_as_told(headers, body, new_secret)
        assert not verify_as_told(headers, body, secret)  # the overlap is over


def _readme_callbacks() -> str:
    """The README's section on callbacks, down to the next section."""
    readme = (ROOT / "README.md").read_text()
    return readme.split("### Callbacks\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_describes_callbacks_as_they_are_sent_and_retried(
    receiver, housing_staff, office_staff
):
    """What the README promises the hotline, against what the code does: the body's keys,
    the headers, the retries' times; and that it tells what a new callback URL and a
    reactivation do (proved in test_api_client_callback_url and test_api_client_revoke)."""
    section = _readme_callbacks()
    text = " ".join(section.split())  # its sentences wrap anywhere
    hook = receiver()
    client, _, _ = api_client_create(name="12345")  # its URL comes later
    order, _ = services.hotline_intake(client=client, hotline_id="R-1", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    api_client_rotate_secret(client_id=client.id)
    api_client_update(client_id=client.id, acting_user=office_staff, callback_url=hook.url)
    deliver_order(order.id)
    [request] = hook.received

    example = json.loads(section.split("```json\n", 1)[1].split("```", 1)[0])
    assert set(example) == set(json.loads(request["body"]))
    # Every header it names is sent: the previous secret's signature too, within the grace
    # period, on a callback that waited for its URL as on any other.
    named = {name.lower() for name in re.findall(r"X-Wuqing-[A-Za-z-]+", section)}
    sent = {name.lower() for name in request["headers"] if name.lower().startswith("x-wuqing-")}
    assert named == sent

    assert "retried with exponential backoff for at least 24 hours" in text
    assert timedelta(hours=24) <= RETRY_WINDOW
    base = timedelta(seconds=settings.CALLBACK_RETRY_BASE_SECONDS)
    assert (backoff(1), backoff(2)) == (base, 2 * base)
    readme = " ".join((ROOT / "README.md").read_text().split())
    row = r"first retry delay of a failed callback, from 1 to 3600 \(doubles, at most (\d+) hour\)"
    [hours] = re.findall(row, readme)
    assert backoff(20) == MAX_BACKOFF == timedelta(hours=int(hours))
    [seconds] = re.findall(r"Answer within (\d+) seconds", text)
    assert int(seconds) == TIMEOUT_SECONDS
    [every] = re.findall(r"`sweep-callbacks` beat task \(every (\d+) s\)", text)
    assert settings.CELERY_BEAT_SCHEDULE["sweep-callbacks"]["schedule"] == int(every)

    assert "a reactivated client's are due at once, also those that were backing off" in text
    assert "those that had failed there (their day over) pending again and due at once" in text
    assert "A URL taken away sends none of them again; the next one given does." in text
    assert "(the office's replay, or a new callback URL) can come after newer ones" in text


def test_the_office_sending_a_callback_again_from_the_admin_is_audited(
    client, office_staff, housing_staff
):
    """Sending a citizen's case to the hotline again is the office's decision: the trail
    says who did it, for which callback of which order, and what state it was in."""
    api, _, _ = api_client_create(name="12345")
    order, _ = services.hotline_intake(client=api, hotline_id="H-9", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    callback = CallbackEvent.objects.get(order=order)
    CallbackEvent.objects.filter(id=callback.id).update(state=CallbackEvent.State.FAILED)
    client.force_login(office_staff)
    response = client.post(
        "/admin/complaints/callbackevent/",
        {"action": "replay", "_selected_action": [callback.id]},
    )
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.state == CallbackEvent.State.PENDING
    (entry,) = AuditEntry.objects.filter(action="callback.replay")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        office_staff,
        "complaints.callbackevent",
        str(callback.id),
    )
    assert entry.data == {
        "event_id": str(callback.event_id),
        "order": order.number,
        "client": "12345",
        "state": "failed",
    }
    assert order.number in entry.summary
