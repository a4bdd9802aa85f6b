"""API clients changed while another connection works on them: two keys drawn at the same
moment, a revoke while a callback is being delivered.

These tests commit (transaction=True) and use several database connections, so they need
PostgreSQL. They wait on conditions (barriers, events), never on the clock.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.utils import timezone

from complaints import clients, services, workflow
from complaints.callbacks import deliver_next
from complaints.clients import (
    api_client_create,
    api_client_reactivate,
    api_client_revoke,
    api_client_rotate_key,
    api_client_rotate_secret,
    api_client_update,
    client_for_key,
)
from complaints.models import ApiClient, CallbackEvent
from tests.complaints.test_concurrency import run_together
from tests.helpers import wait_for

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: several connections on one unique index or row.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CLASHING_PREFIX = "0123abcd"


def draw_at_once(monkeypatch, threads: int, same_prefix: bool = True) -> None:
    """Each thread waits after its first draw of a key prefix (its check that no client
    holds it included) until every thread has drawn: none of them can see what the others
    write yet. With `same_prefix`, that first draw is CLASHING_PREFIX in every thread.
    Later draws are random, and not held."""
    token_hex, new_key = secrets.token_hex, clients._new_key
    drawn = threading.local()
    meet = threading.Barrier(threads)

    def forced_token_hex(nbytes=None):
        prefix_draw = nbytes == clients.KEY_PREFIX_LENGTH // 2
        if same_prefix and prefix_draw and not getattr(drawn, "forced", False):
            drawn.forced = True
            return CLASHING_PREFIX
        return token_hex(nbytes)

    def held_new_key():
        first = not getattr(drawn, "held", False)
        drawn.held = True
        result = new_key()
        if first:
            with contextlib.suppress(threading.BrokenBarrierError):
                meet.wait(timeout=10)
        return result

    monkeypatch.setattr(secrets, "token_hex", forced_token_hex)
    monkeypatch.setattr(clients, "_new_key", held_new_key)


def test_two_clients_created_at_once_with_the_same_drawn_prefix_both_get_a_working_key(
    monkeypatch,
):
    draw_at_once(monkeypatch, threads=2)

    outcomes = run_together(
        lambda: api_client_create(name="12345"), lambda: api_client_create(name="12315")
    )

    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    made = {client.name: (client, key) for client, key, _ in outcomes}
    prefixes = set(ApiClient.objects.values_list("key_prefix", flat=True))
    assert len(prefixes) == 2 and CLASHING_PREFIX in prefixes
    for name, (client, key) in made.items():
        assert client_for_key(key) == ApiClient.objects.get(name=name) == client


def test_two_keys_rotated_at_once_with_the_same_drawn_prefix_both_work(monkeypatch):
    first, first_key, _ = api_client_create(name="12345")
    second, second_key, _ = api_client_create(name="12315")
    draw_at_once(monkeypatch, threads=2)

    outcomes = run_together(
        lambda: api_client_rotate_key(client_id=first.id),
        lambda: api_client_rotate_key(client_id=second.id),
    )

    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    (first_new, _), (second_new, _) = outcomes
    assert first_new.split("_")[1] != second_new.split("_")[1]
    found = {key: client_for_key(key) for key in (first_key, first_new, second_key, second_new)}
    assert found == {first_key: first, first_new: first, second_key: second, second_new: second}


def test_a_name_taken_by_a_client_created_at_the_same_moment_is_refused_with_the_reason(
    monkeypatch,
):
    """Both pass the form's check of the name; the unique name decides, with the message
    the check would have given, not a database error."""
    draw_at_once(monkeypatch, threads=2, same_prefix=False)

    outcomes = run_together(
        lambda: api_client_create(name="12345"), lambda: api_client_create(name="12345")
    )

    made = [o for o in outcomes if isinstance(o, tuple)]
    refused = [o for o in outcomes if not isinstance(o, tuple)]
    assert len(made) == 1 and len(refused) == 1, outcomes
    assert type(refused[0]).__name__ == "ValidationError", outcomes
    assert "name" in refused[0].message_dict
    assert ApiClient.objects.count() == 1


class HeldReceiver:
    """A callback URL whose first POST is held until `release` is set (a slow hotline):
    `arrived` is set when it comes in. Later POSTs are answered at once. Bodies are kept."""

    def __init__(self):
        self.arrived, self.release = threading.Event(), threading.Event()
        self.bodies: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                first = not receiver.bodies
                receiver.bodies.append(body)
                if first:
                    receiver.arrived.set()
                    receiver.release.wait(timeout=30)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/callbacks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def held_receiver():
    receiver = HeldReceiver()
    yield receiver
    receiver.close()


FIELDS = {
    "kind": "complaint",
    "content": "小区物业不修电梯，老人上下楼困难",
    "citizen_name": "王先生",
    "citizen_phone": "13812345678",
}


def signed_order(client, hotline_id, staff):
    """An order of the client's with one callback pending (its signing)."""
    order, _ = services.hotline_intake(client=client, hotline_id=hotline_id, fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=staff)
    return order


def in_thread(call):
    """Start `call` in a thread with its own connection; `.join()` returns its outcome."""
    outcome: list[object] = []

    def run():
        try:
            outcome.append(call())
        except Exception as error:  # noqa: BLE001 - returned to the test
            outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()

    def join():
        thread.join(timeout=60)
        assert not thread.is_alive()
        return outcome[0]

    thread.outcome = join
    return thread


@contextlib.contextmanager
def lock_timeout(milliseconds: int):
    """A lock this connection would wait for longer fails instead (LockNotAvailable)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


def test_the_hotline_pushes_and_units_act_while_one_of_its_callbacks_is_being_posted(
    held_receiver, housing_staff
):
    """Posting a callback may take the receiver's whole timeout: the hotline's next order,
    and a unit signing another of its orders, do not wait for it."""
    hotline, _, _ = api_client_create(name="12345", callback_url=held_receiver.url)
    first = signed_order(hotline, "H-1", housing_staff)
    second, _ = services.hotline_intake(client=hotline, hotline_id="H-2", fields=FIELDS)
    delivery = in_thread(lambda: deliver_next(first.id))
    assert held_receiver.arrived.wait(timeout=30)
    try:
        with lock_timeout(2000):
            third, created = services.hotline_intake(
                client=hotline, hotline_id="H-3", fields=FIELDS
            )
            workflow.workorder_sign(order_id=second.id, acting_user=housing_staff)
    finally:
        held_receiver.release.set()
        assert delivery.outcome() == "delivered"
    assert created and third.source_client_id == hotline.id
    assert CallbackEvent.objects.filter(order=second, state="pending").count() == 1


def test_two_orders_callbacks_to_one_client_are_posted_side_by_side(held_receiver, housing_staff):
    """One order's callbacks go out one at a time, in order; another order's need not
    wait (nor be left to the sweep as 'busy')."""
    hotline, _, _ = api_client_create(name="12345", callback_url=held_receiver.url)
    first = signed_order(hotline, "H-1", housing_staff)
    second = signed_order(hotline, "H-2", housing_staff)
    delivery = in_thread(lambda: deliver_next(first.id))
    assert held_receiver.arrived.wait(timeout=30)
    try:
        assert deliver_next(second.id) == "delivered"
        assert deliver_next(first.id) == "busy"  # its own queue is still held
    finally:
        held_receiver.release.set()
        assert delivery.outcome() == "delivered"
    assert [body["hotline_id"] for body in held_receiver.bodies] == ["H-1", "H-2"]


def _reads_the_client(sql: str) -> bool:
    """The worker's first statement: its client, locked, before the callback's row."""
    return "FOR KEY SHARE" in sql and ApiClient._meta.db_table in sql


def test_a_revoke_committed_after_a_worker_started_stops_it_being_sent(
    held_receiver, housing_staff
):
    """The worker has been handed the order; the office's revoke commits just before it
    reads the client (once it has, the revoke waits for its post): nothing goes out, and
    the callback is held for the client as any other of a revoked client's, not counted
    as an attempt."""
    held_receiver.release.set()  # answered at once, if it comes at all
    hotline, _, _ = api_client_create(name="12345", callback_url=held_receiver.url)
    order = signed_order(hotline, "H-1", housing_staff)
    revoked: list[object] = []

    def revoke_before_the_client_is_read(execute, sql, params, many, context):
        if not revoked and _reads_the_client(sql):
            revoke = in_thread(lambda: api_client_revoke(client_id=hotline.id))
            revoke.join(timeout=10)  # bounded: a lock held by the worker would stop it
            revoked.append(not revoke.is_alive())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(revoke_before_the_client_is_read):
        outcome = deliver_next(order.id)

    assert revoked == [True], "the revoke had to wait for the worker"
    assert (outcome, held_receiver.bodies) == ("waiting", [])
    callback = CallbackEvent.objects.get(order=order)
    assert (callback.state, callback.attempts, callback.log.count()) == ("pending", 0, 0)
    assert not ApiClient.objects.get(id=hotline.id).is_active


def test_a_revoke_while_a_callback_is_being_posted_commits_after_it_and_nothing_follows(
    held_receiver, housing_staff
):
    """A post already on the wire when the office revokes finishes first (the revoke
    waits for it); from the revoke's commit on, the client gets nothing."""
    hotline, _, _ = api_client_create(name="12345", callback_url=held_receiver.url)
    order = signed_order(hotline, "H-1", housing_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修好")
    delivery = in_thread(lambda: deliver_next(order.id))
    assert held_receiver.arrived.wait(timeout=30)
    revoke = in_thread(lambda: api_client_revoke(client_id=hotline.id))
    try:
        assert wait_for(lambda: _waits_for_a_lock("complaints_apiclient"), timeout=30)
        assert ApiClient.objects.get(id=hotline.id).is_active  # not committed yet
    finally:
        held_receiver.release.set()
        assert delivery.outcome() == "delivered"
        revoke.outcome()
    assert not ApiClient.objects.get(id=hotline.id).is_active
    assert deliver_next(order.id) == "waiting"
    assert [body["status"] for body in held_receiver.bodies] == ["in_progress"]


def test_a_callback_url_changed_while_a_callback_is_being_posted_gets_everything_after_it(
    held_receiver, housing_staff, monkeypatch
):
    """A post already on the wire to the old URL finishes first (the change waits for it);
    from the change's commit on, nothing more goes to the old URL."""
    monkeypatch.setattr("wuqing_consumer.celery.nudge", lambda *args, **kwargs: None)
    hotline, _, _ = api_client_create(name="12345", callback_url=held_receiver.url)
    new = HeldReceiver()
    new.release.set()  # answered at once
    try:
        order = signed_order(hotline, "H-1", housing_staff)
        workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修好")
        delivery = in_thread(lambda: deliver_next(order.id))
        assert held_receiver.arrived.wait(timeout=30)
        change = in_thread(
            lambda: api_client_update(client_id=hotline.id, acting_user=None, callback_url=new.url)
        )
        try:
            assert wait_for(lambda: _waits_for_a_lock("complaints_apiclient"), timeout=30)
            assert ApiClient.objects.get(id=hotline.id).callback_url == held_receiver.url
        finally:
            held_receiver.release.set()
            assert delivery.outcome() == "delivered"
            change.outcome()
        assert ApiClient.objects.get(id=hotline.id).callback_url == new.url
        assert deliver_next(order.id) == "delivered"
        assert [body["status"] for body in held_receiver.bodies] == ["in_progress"]
        assert [body["status"] for body in new.bodies] == ["resolved"]
    finally:
        new.close()


def test_a_callback_url_changed_after_a_worker_started_is_where_it_is_sent(
    held_receiver, housing_staff, monkeypatch
):
    """The worker has been handed the order; the office's new URL commits just before it
    reads the client: the callback goes to the new URL, not the old one."""
    monkeypatch.setattr("wuqing_consumer.celery.nudge", lambda *args, **kwargs: None)
    old = HeldReceiver()
    old.release.set()
    held_receiver.release.set()
    try:
        hotline, _, _ = api_client_create(name="12345", callback_url=old.url)
        order = signed_order(hotline, "H-1", housing_staff)
        changed: list[object] = []

        def change_before_the_client_is_read(execute, sql, params, many, context):
            if not changed and _reads_the_client(sql):
                change = in_thread(
                    lambda: api_client_update(
                        client_id=hotline.id, acting_user=None, callback_url=held_receiver.url
                    )
                )
                change.join(timeout=10)  # bounded: a lock held by the worker would stop it
                changed.append(not change.is_alive())
            return execute(sql, params, many, context)

        with connection.execute_wrapper(change_before_the_client_is_read):
            outcome = deliver_next(order.id)

        assert changed == [True], "the change had to wait for the worker"
        assert outcome == "delivered"
        assert (old.bodies, [b["status"] for b in held_receiver.bodies]) == ([], ["in_progress"])
    finally:
        old.close()


def deliver_while_the_office_acts(order_id: int, change, **kwargs):
    """`deliver_next(order_id)` here; once it has taken the order's callback row, the
    office's `change` starts in another connection, and the worker goes on once the change
    waits for a lock (or has finished without one). Returns the worker's outcome and the
    change's (its result, or the error it raised)."""
    started: list[threading.Thread] = []

    def change_once_the_callback_is_taken(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not started and "FOR UPDATE" in sql and CallbackEvent._meta.db_table in sql:
            started.append(in_thread(change))
            assert wait_for(lambda: not started[0].is_alive() or _waits_for_a_lock(""), 30)
        return result

    with connection.execute_wrapper(change_once_the_callback_is_taken):
        outcome = deliver_next(order_id, **kwargs)
    assert started, "the worker never took the callback"
    return outcome, started[0].outcome()


def test_a_reactivation_while_a_worker_holds_one_of_the_clients_callbacks_does_not_deadlock(
    receiver, housing_staff, monkeypatch
):
    """A revoked client's callback is still taken by a worker (a retry queued before the
    revoke, a sweep that listed it while the client was active): it locks the callback's
    row, then reads the client. The office reactivates the client meanwhile, which moves
    the day of retries of every held callback already tried. The worker used to take the
    callback first and the client after, the reactivation the client first and the
    callbacks after: each waited for the other and PostgreSQL aborted one, the office's
    reactivation as a rule (a 500). Now the worker reads the client first: the
    reactivation waits for it, then moves the callback's day as it moves the others'."""
    monkeypatch.setattr("wuqing_consumer.celery.nudge", lambda *args, **kwargs: None)
    hook = receiver(fail_first=1)
    hotline, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order = signed_order(hotline, "H-1", housing_staff)
    assert deliver_next(order.id) == "failed"  # its day of retries starts
    api_client_revoke(client_id=hotline.id)
    CallbackEvent.objects.filter(order=order).update(next_attempt_at=timezone.now())
    window = CallbackEvent.objects.get(order=order).retry_window_start
    assert deliver_next(order.id) == "waiting"  # taken, and held: the client is revoked

    outcome, reactivated = deliver_while_the_office_acts(
        order.id, lambda: api_client_reactivate(client_id=hotline.id)
    )

    assert isinstance(reactivated, ApiClient), reactivated
    assert outcome == "waiting"  # it read the client while still revoked, and let it go
    assert ApiClient.objects.get(id=hotline.id).is_active
    assert CallbackEvent.objects.get(order=order).retry_window_start > window
    assert deliver_next(order.id) == "delivered"
    assert [body["status"] for body in hook.json()] == ["in_progress"]


def test_a_new_callback_url_while_a_worker_holds_a_callback_it_found_due_does_not_deadlock(
    receiver, housing_staff, monkeypatch
):
    """A new URL makes the client's callbacks still backing off due at once. A worker
    whose clock had reached one's retry a moment before the office's did (another machine's
    clock, or the same one a few microseconds on) took its row and waited for the client,
    while the change held the client and waited for that row: a deadlock. Now the change
    waits for the worker's post to the old URL, and everything after goes to the new one."""
    monkeypatch.setattr("wuqing_consumer.celery.nudge", lambda *args, **kwargs: None)
    old, new = receiver(fail_first=1), receiver()
    hotline, _, _ = api_client_create(name="12345", callback_url=old.url)
    order = signed_order(hotline, "H-1", housing_staff)
    assert deliver_next(order.id) == "failed"
    workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修好")
    retry = CallbackEvent.objects.filter(order=order).order_by("id").first().next_attempt_at

    outcome, changed = deliver_while_the_office_acts(
        order.id,
        lambda: api_client_update(client_id=hotline.id, acting_user=None, callback_url=new.url),
        now=retry,
    )

    assert isinstance(changed, tuple), changed
    assert outcome == "delivered"
    assert ApiClient.objects.get(id=hotline.id).callback_url == new.url
    assert deliver_next(order.id) == "delivered"
    assert [body["status"] for body in old.json()] == ["in_progress"]
    assert [body["status"] for body in new.json()] == ["resolved"]


@pytest.mark.parametrize(
    "change", [api_client_revoke, api_client_rotate_key, api_client_rotate_secret]
)
def test_a_revoke_or_a_rotation_while_a_worker_holds_a_callback_does_not_deadlock(
    receiver, housing_staff, change
):
    """These change the client's row only, no callback's: whichever of the two goes first,
    neither waits for a row the other holds while holding one it wants."""
    hook = receiver()
    hotline, _, _ = api_client_create(name="12345", callback_url=hook.url)
    order = signed_order(hotline, "H-1", housing_staff)

    outcome, changed = deliver_while_the_office_acts(order.id, lambda: change(client_id=hotline.id))

    assert not isinstance(changed, Exception), changed
    assert outcome in ("delivered", "waiting")
    assert len(hook.received) == (1 if outcome == "delivered" else 0)


def _waits_for_a_lock(table: str) -> bool:
    """Whether another connection is waiting for a lock, in a query on `table`. Asked
    afresh each time: inside a transaction PostgreSQL would answer from the first look."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE %s",
            [f"%{table}%"],
        )
        return cursor.fetchone()[0] > 0
