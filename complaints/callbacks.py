"""Callbacks to API clients: an outbox written with each status change, delivered by Celery.

Delivery is at least once and in order per work order: one worker at a time holds the lock
on an order's oldest pending callback, posts it, and only then moves to the next; a failure
stops that order's queue until the retry is due. If the broker is down when a change
commits, nothing is lost: the periodic sweep finds every pending callback that is due.

Only the callback's row is locked for update while it is posted, not its client's: that
lock would hold, for up to the receiver's timeout, every order the client pushes and every
change a unit makes to its orders (their foreign keys take a share lock on the client),
and every other order's callbacks to it. The client is read as committed at the start of
the attempt, under a key-share lock kept until the attempt is recorded, which a revoke, a
rotation, a new URL or a reactivation (`select_for_update` on the client) waits for: a post
on the wire finishes before a revoke commits, and after the revoke commits nothing is
posted.

The client is locked before the callback's row, in the order every change to a client
takes them (the client, then its callbacks: a new URL and a reactivation update them), and
the callback's row is taken without waiting (NOWAIT): the worker's only wait is its first
lock, while it holds nothing, so it cannot deadlock with them. It used to take the
callback first and wait for the client with it; a reactivation holding the client and
moving that callback's day of retries waited for the worker in turn, and PostgreSQL
aborted one of the two.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from departments.models import User
from departments.services import audit_record

from .clients import previous_signing_secret, signature, signing_secret
from .models import ApiClient, CallbackAttempt, CallbackEvent, WorkOrder, WorkOrderEvent

STATUS_CHANGED = "work_order.status_changed"
RETRY_WINDOW = timedelta(hours=25)
"""Retried for at least 24 hours (the contract), then marked failed for the office, which
can deliver it again (`callback_replay`); a new callback URL for its client makes it
pending again by itself (`clients.api_client_update`), with a new day at that URL."""
MAX_BACKOFF = timedelta(hours=1)
TIMEOUT_SECONDS = 10
SWEEP_BATCH = 200


def local_iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def enqueue_status_change(order: WorkOrder, event: WorkOrderEvent) -> CallbackEvent | None:
    """Write the callback in the caller's transaction; kick a worker after commit.

    Written also while the client has no callback URL (or is revoked): it waits, and is
    delivered once the client can receive, so a hotline that gives its URL after it started
    pushing orders misses nothing in between.
    """
    client = order.source_client
    if client is None:
        return None
    unit = order.primary_unit
    callback = CallbackEvent.objects.create(
        event_id=uuid.uuid4(),
        client=client,
        order=order,
        type=STATUS_CHANGED,
        payload={
            "type": STATUS_CHANGED,
            "hotline_id": order.hotline_id,
            "number": order.number,
            "status": order.status,
            "primary_unit": {"code": unit.code, "name": unit.name} if unit else None,
            "occurred_at": local_iso(event.created_at),
            "result": order.current_result or None,
            # Added to version 1 (a receiver ignores keys it does not know): what happened,
            # as the order's history names it, so that a reopening is not read as a
            # signing, and the order another was merged into.
            "event": event.action,
            "previous_status": event.from_status or None,
            "merged_into": order.merged_into.number if order.merged_into_id else None,
        },
        next_attempt_at=event.created_at,
    )
    if can_receive(client):
        transaction.on_commit(lambda: kick(order.id), robust=True)
    return callback


def can_receive(client: ApiClient) -> bool:
    return client.is_active and bool(client.callback_url)


def kick(order_id: int) -> None:
    """Ask a worker to deliver now; if the broker is down the sweep delivers later."""
    from wuqing_consumer.celery import nudge

    from .tasks import deliver_order_callbacks

    nudge(deliver_order_callbacks, order_id)


def backoff(attempts: int) -> timedelta:
    base = settings.CALLBACK_RETRY_BASE_SECONDS
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as a failed attempt: urllib would follow it as a GET without
    the body, and the callback would count as delivered while the receiver got nothing."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(callback: CallbackEvent) -> tuple[int | None, str]:
    body = json.dumps(
        {"event_id": str(callback.event_id), **callback.payload}, ensure_ascii=False
    ).encode()
    timestamp = str(int(time.time()))
    client = callback.client
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "wuqing-consumer-callbacks/1",
        "X-Wuqing-Event-Id": str(callback.event_id),
        "X-Wuqing-Timestamp": timestamp,
        "X-Wuqing-Signature": signature(signing_secret(client), timestamp, body),
    }
    previous = previous_signing_secret(client)
    if previous is not None:
        # Within the grace period after a secret rotation, so that a receiver which has not
        # deployed the new secret yet still verifies; X-Wuqing-Signature keeps its format.
        headers["X-Wuqing-Signature-Previous"] = signature(previous, timestamp, body)
    request = urllib.request.Request(client.callback_url, data=body, method="POST", headers=headers)
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            return error.code, (
                f"HTTP {error.code}: redirected to {error.headers.get('Location', '?')}; "
                "callbacks are not redirected, set the callback URL to the final address"
            )[:300]
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))[:300]


def _client_as_it_is_now(order_id: int) -> ApiClient | None:
    """The client of the order's oldest pending callback (None: none is pending) as
    committed now, locked FOR KEY SHARE until the caller's transaction ends: a revoke, a
    rotation or a new URL that committed before is seen, and one that comes later waits for
    the post. Key share, not update: the client's intake, its last-used time and other
    deliveries go on. (SQLite's immediate transactions already keep writers out.)"""
    table = connection.ops.quote_name(ApiClient._meta.db_table)
    callbacks = connection.ops.quote_name(CallbackEvent._meta.db_table)
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    found = ApiClient.objects.raw(
        f"SELECT * FROM {table} WHERE id = (SELECT client_id FROM {callbacks}"
        f" WHERE order_id = %s AND state = %s ORDER BY id LIMIT 1){lock}",
        [order_id, CallbackEvent.State.PENDING.value],
    )
    return next(iter(found), None)


def deliver_next(order_id: int, now: datetime | None = None) -> str:
    """Deliver the oldest pending callback of one order: 'delivered', 'failed' (will be
    retried), 'waiting' (not due yet, or its client cannot receive), 'busy' (another worker
    has it) or 'empty'."""
    with transaction.atomic():
        client = _client_as_it_is_now(order_id)  # first: see the module's docstring
        if client is None:
            return "empty"
        pending = (
            CallbackEvent.objects.select_for_update(nowait=True, of=("self",))
            .filter(order_id=order_id, state=CallbackEvent.State.PENDING)
            .order_by("id")
        )
        try:
            callback = pending.first()
        except DatabaseError:
            return "busy"
        if callback is None:
            return "empty"
        if callback.client_id != client.id:
            # An older callback of another client made pending since the client was read:
            # never so far (an order's callbacks all go to its source client); the next
            # attempt reads its client.
            return "busy"
        now = now or timezone.now()
        if callback.next_attempt_at > now:
            return "waiting"
        callback.client = client
        if not can_receive(client):
            return "waiting"
        started = time.monotonic()
        status_code, error = _post(callback)
        duration = int((time.monotonic() - started) * 1000)
        ok = status_code is not None and 200 <= status_code < 300
        attempt = CallbackAttempt.objects.create(
            event=callback,
            status_code=status_code,
            error="" if ok else (error or f"HTTP {status_code}"),
            duration_ms=duration,
        )
        url, version = callback.client.callback_url, callback.client.callback_url_version
        moved = (
            callback.retry_window_url not in ("", url)
            or callback.retry_window_url_version != version
        )
        if callback.retry_window_start is None or moved:
            # From the first attempt at this URL: a callback that waited for its client's
            # URL, or kept failing at a wrong one the office has since replaced, gets its
            # full day of retries at the receiver it is posted to; so does one whose URL
            # the office changed and changed back since it was last tried: the office
            # acted on that receiver, and the day would otherwise hang on whether a worker
            # tried the other URL in between. From the log for a delivered one replayed,
            # tried before the column was filled (migration 0040).
            callback.retry_window_start = (
                attempt.at
                if callback.attempts == 0 or moved
                else callback.log.order_by("id").values_list("at", flat=True).first()
            )
        if moved:
            callback.attempts_at_url = 0
        callback.retry_window_url, callback.retry_window_url_version = url, version
        callback.attempts += 1
        callback.attempts_at_url += 1
        finished = timezone.now()
        if ok:
            callback.state = CallbackEvent.State.DELIVERED
            callback.delivered_at = finished
            callback.last_error = ""
        else:
            callback.last_error = error or f"HTTP {status_code}"
            callback.next_attempt_at = finished + backoff(callback.attempts_at_url)
            if finished - callback.retry_window_start > RETRY_WINDOW:
                callback.state = CallbackEvent.State.FAILED
        callback.save(
            update_fields=[
                "state",
                "attempts",
                "attempts_at_url",
                "delivered_at",
                "last_error",
                "next_attempt_at",
                "retry_window_start",
                "retry_window_url",
                "retry_window_url_version",
            ]
        )
    return "delivered" if ok else "failed"


def deliver_order(order_id: int) -> tuple[int, timedelta | None]:
    """Deliver an order's due callbacks in order. Returns how many were delivered and, when
    one failed, how long until it may be tried again."""
    delivered = 0
    while True:
        outcome = deliver_next(order_id)
        if outcome == "delivered":
            delivered += 1
            continue
        if outcome == "failed":
            callback = (
                CallbackEvent.objects.filter(order_id=order_id, state="pending")
                .order_by("id")
                .first()
            )
            wait = callback.next_attempt_at - timezone.now() if callback else None
            return delivered, wait
        return delivered, None


def due_order_ids(limit: int = SWEEP_BATCH) -> list[int]:
    """Orders with a pending callback that is due, oldest first, up to `limit` for each
    client that can receive. Per client, on the index of pending callbacks by client: the
    callbacks waiting for a client without a URL, or revoked, would otherwise come first in
    every sweep, fill its batch, and hold back everyone else's."""
    now = timezone.now()
    seen: dict[int, None] = {}
    for client in ApiClient.objects.filter(is_active=True).exclude(callback_url=""):
        _add_due_orders(seen, client.id, now, limit)
    return list(seen)


def _add_due_orders(seen: dict[int, None], client_id: int, now: datetime, limit: int) -> None:
    rows = (
        CallbackEvent.objects.filter(
            client_id=client_id, state=CallbackEvent.State.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("order_id", flat=True)[: limit * 5]
    )
    found = 0
    for order_id in rows:
        if order_id not in seen:
            seen[order_id] = None
            found += 1
        if found >= limit:
            break


def kick_held(client_id: int) -> None:
    """Ask workers to deliver now what a client was held from receiving (revoked): run after
    the reactivation commits (which made them all due, those backing off before the revoke
    too), so that its callbacks do not wait for the next sweep. Up to a
    sweep's batch of orders; the sweep finds the rest, and all of them if the broker is
    down."""
    seen: dict[int, None] = {}
    _add_due_orders(seen, client_id, timezone.now(), SWEEP_BATCH)
    for order_id in seen:
        kick(order_id)


@transaction.atomic
def callback_replay(*, callback_id: int, acting_user: User | None = None) -> CallbackEvent:
    """The office sends a failed (or delivered) callback again, as a new attempt now. (A
    failed one is also sent again, without this, when its client is given a new callback
    URL: `clients.api_client_update`.) With `acting_user` (the admin's action) the audit
    trail says who sent which callback of which order again, and in what state it was."""
    callback = (
        CallbackEvent.objects.select_for_update(of=("self",))
        .select_related("order", "client")
        .get(id=callback_id)
    )
    if acting_user is not None:
        audit_record(
            actor=acting_user,
            action="callback.replay",
            obj=callback,
            unit_id=getattr(acting_user, "unit_id", None),
            summary=f"{callback.order.number} → {callback.client.name}",
            data={
                "event_id": str(callback.event_id),
                "order": callback.order.number,
                "client": callback.client.name,
                "state": callback.state,
            },
        )
    callback.state = CallbackEvent.State.PENDING
    callback.next_attempt_at = timezone.now()
    callback.save(update_fields=["state", "next_attempt_at"])
    order_id = callback.order_id
    transaction.on_commit(lambda: kick(order_id), robust=True)
    return callback
