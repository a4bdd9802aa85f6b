"""API clients: keys, signing secrets, and the signature on callbacks.

Only hashes are stored. The API key is a long random string, so its SHA-256 is enough to
check it. The callback signing secret cannot be a one-way hash (we sign with it), so it is
derived: HMAC(API_SIGNING_KEY, client id + a random salt). The database alone reveals
neither; a new salt rotates the secret.

A rotation does not cut the client off: the previous key keeps authenticating, and the
previous secret keeps signing each callback (in a second header), for
`API_ROTATION_GRACE_HOURS`, so the hotline's operators can deploy the new values in their own
time. There is one previous key and one previous secret: a second rotation within the grace
period ends the older one.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from departments.services import audit_record, command_origin, command_summary

from .models import ApiClient, CallbackEvent

if TYPE_CHECKING:
    from departments.models import User

KEY_PREFIX_LENGTH = 8


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


KEY_PREFIX_DRAWS = 8
"""Draws of a free prefix before giving up: one clash in 2^32 is already rare."""


def _new_key() -> tuple[str, str]:
    """A new key, whose prefix no client holds, as its key or as its previous key (an
    expired one too): drawn again on a clash, so that the unique key prefix does not fail
    the insert, and a prefix leads to one client."""
    for _ in range(KEY_PREFIX_DRAWS):
        prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
        taken = ApiClient.objects.filter(Q(key_prefix=prefix) | Q(previous_key_prefix=prefix))
        if not taken.exists():
            return prefix, f"wq_{prefix}_{secrets.token_urlsafe(32)}"
    raise RuntimeError(f"No free API key prefix in {KEY_PREFIX_DRAWS} draws.")


def _save_with_new_key(client: ApiClient, *, update_fields: list[str] | None = None) -> str:
    """Draw the client a key and save it; returns the key.

    `_new_key` cannot see a prefix that another client's creation or rotation drew at the
    same moment and has not committed yet: the unique key prefix then fails this save (at
    once, or when the other commits). The save is in a savepoint, so the caller's
    transaction goes on, and the prefix is drawn again. Any other violation is raised: a
    name taken meanwhile as the ValidationError `full_clean` would have given."""
    for _ in range(KEY_PREFIX_DRAWS):
        client.key_prefix, key = _new_key()
        client.key_hash = _hash(key)
        try:
            with transaction.atomic():
                client.save(update_fields=update_fields)
        except IntegrityError:
            others = ApiClient.objects.exclude(pk=client.pk) if client.pk else ApiClient.objects
            if others.filter(key_prefix=client.key_prefix).exists():
                continue
            client.validate_unique(exclude=["key_prefix"])
            raise
        return key
    raise RuntimeError(f"No free API key prefix in {KEY_PREFIX_DRAWS} draws.")


def _derive_secret(client_id: int, salt: str) -> str:
    key = settings.API_SIGNING_KEY.encode()
    return hmac.new(key, f"{client_id}:{salt}".encode(), hashlib.sha256).hexdigest()


def signing_secret(client: ApiClient) -> str:
    return _derive_secret(client.id, client.secret_salt)


def previous_signing_secret(client: ApiClient, now: datetime | None = None) -> str | None:
    """The secret before the last rotation while its grace period lasts, None after."""
    until = client.previous_secret_until
    if not client.previous_secret_salt or until is None or until <= (now or timezone.now()):
        return None
    return _derive_secret(client.id, client.previous_secret_salt)


def _grace_end() -> datetime | None:
    hours = settings.API_ROTATION_GRACE_HOURS
    return timezone.now() + timedelta(hours=hours) if hours > 0 else None


def _set_secret(client: ApiClient) -> str:
    client.secret_salt = secrets.token_hex(16)
    secret = signing_secret(client)
    client.secret_fingerprint = _hash(secret)[:16]
    return secret


EDITABLE_FIELDS = ("name", "channel", "callback_url", "rate_limit_per_minute")
"""What the office may change on a client (the admin's form); the credentials are changed
by the rotations, and `is_active` by a revoke or a reactivation."""


@transaction.atomic
def api_client_create(
    *,
    name: str,
    callback_url: str = "",
    rate_limit_per_minute: int = 600,
    channel: str = "12345",
    acting_user: User | None = None,
    command: str = "",
) -> tuple[ApiClient, str, str]:
    """The new client, its API key and its signing secret: shown once, never again.

    In the audit trail with who made it, or, made by a management command or a script, with
    no one and what made it (`command`, as it is run: "manage.py create_api_client",
    "scripts/benchmark_intake.py"): the key's prefix and the secret's fingerprint identify
    them there, the key and the secret are not kept anywhere."""
    client = ApiClient(
        name=name,
        callback_url=callback_url,
        rate_limit_per_minute=rate_limit_per_minute,
        channel=channel,
    )
    client.full_clean(exclude=["key_prefix", "key_hash", "secret_salt", "secret_fingerprint"])
    key = _save_with_new_key(client)
    secret = _set_secret(client)
    client.save(update_fields=["secret_salt", "secret_fingerprint"])
    data = {field: getattr(client, field) for field in EDITABLE_FIELDS}
    data.update(key_prefix=client.key_prefix, secret_fingerprint=client.secret_fingerprint)
    _record(client, "api_client.create", acting_user, data, command=command)
    return client, key, secret


@transaction.atomic
def api_client_rotate_key(
    *, client_id: int, acting_user: User | None = None
) -> tuple[str, datetime | None]:
    """The new key (shown once) and until when the previous one still authenticates: None
    when it stops at once (no grace period, or a revoked client, whose revoked key must
    not come back if it is made active again).

    In the audit trail by the prefixes of the new and the previous key, never the key."""
    client = ApiClient.objects.select_for_update().get(id=client_id)
    old_prefix = client.key_prefix
    until = _grace_end() if client.is_active else None
    if until is None:
        client.previous_key_prefix, client.previous_key_hash = "", ""
    else:
        client.previous_key_prefix, client.previous_key_hash = client.key_prefix, client.key_hash
    client.previous_key_until = until
    client.previous_key_last_used_at = None
    key = _save_with_new_key(
        client,
        update_fields=[
            "key_prefix",
            "key_hash",
            "previous_key_prefix",
            "previous_key_hash",
            "previous_key_until",
            "previous_key_last_used_at",
        ],
    )
    data = {
        "key_prefix": client.key_prefix,
        "previous_key_prefix": old_prefix,
        "previous_key_until": until.isoformat() if until else None,
    }
    _record(client, "api_client.rotate_key", acting_user, data)
    return key, until


@transaction.atomic
def api_client_rotate_secret(
    *, client_id: int, acting_user: User | None = None
) -> tuple[str, datetime | None]:
    """The new secret (shown once) and until when callbacks also carry the signature made
    with the previous one: None when they do not (no grace period, or a revoked client,
    whose secret must not sign again if it is made active again).

    In the audit trail by the fingerprints of the new and the previous secret."""
    client = ApiClient.objects.select_for_update().get(id=client_id)
    old_fingerprint = client.secret_fingerprint
    until = _grace_end() if client.is_active else None
    client.previous_secret_salt = client.secret_salt if until else ""
    client.previous_secret_until = until
    secret = _set_secret(client)
    client.save(
        update_fields=[
            "secret_salt",
            "secret_fingerprint",
            "previous_secret_salt",
            "previous_secret_until",
        ]
    )
    data = {
        "secret_fingerprint": client.secret_fingerprint,
        "previous_secret_fingerprint": old_fingerprint,
        "previous_secret_until": until.isoformat() if until else None,
    }
    _record(client, "api_client.rotate_secret", acting_user, data)
    return secret, until


@transaction.atomic
def api_client_update(
    *, client_id: int, acting_user: User | None, **changes: Any
) -> tuple[ApiClient, int]:
    """The client, and how many of its failed callbacks a new callback URL made pending
    again. Writes the given fields only, on the client as it is now (locked), so that a key
    or secret rotated after the form was read is kept; validated as the form is. What
    changed, before and after, is in the audit trail (with the callbacks made pending again,
    `callbacks_revived`, when a URL was given); a save that changes nothing records nothing.

    An active client given a callback URL, or a new one, has its waiting callbacks handed
    to a worker once this commits, as a reactivated client's are, not left for the next
    sweep (which still finds them if the broker is down); those backing off from the old
    URL are due at once, and their day of retries starts again at their first attempt at
    the new one (`callbacks.deliver_next`), so that a day of failures at a wrong URL does
    not use up the right one's; also when the URL was changed back to the one they were
    last tried at (`callback_url_version`). Started again there, by the worker that holds
    the callback and reads the client as committed, not here. (A worker locks the client
    before the callback, as this does: see `callbacks`' docstring.)

    Those marked failed (their day of retries over) at another URL, or at this one before
    it was changed and changed back, are pending again and due at once, in this
    transaction: most callbacks fail for a day because the URL was wrong, and the office
    should not have to find and replay them by hand. Their day starts again at the new URL
    as above; delivered ones are left alone. In order per work order with the others
    (`deliver_next` takes an order's oldest pending callback), so one revived goes before
    the newer ones of its order still pending, but after those already delivered. Failed
    callbacks are locked by no worker, so this waits for none. A revoked client's revived
    callbacks are held with its others until it is made active again; a URL taken away
    revives nothing (nowhere to send them), the next URL given does."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable on an API client: {', '.join(sorted(unknown))}")
    client = ApiClient.objects.select_for_update().get(id=client_id)
    before = {field: getattr(client, field) for field in changes}
    for field, value in changes.items():
        setattr(client, field, value)
    changed = [field for field in changes if getattr(client, field) != before[field]]
    if not changed:
        return client, 0
    client.full_clean(exclude=[f.name for f in ApiClient._meta.fields if f.name not in changed])
    saved = list(changed)
    if "callback_url" in changed:
        client.callback_url_version += 1
        saved.append("callback_url_version")
    client.save(update_fields=saved)
    data: dict[str, Any] = {
        "changes": {field: [before[field], getattr(client, field)] for field in changed}
    }
    revived = 0
    if "callback_url" in changed and client.callback_url:
        # Their backoff was the old URL's, which kept failing: the new one is tried at
        # once, and so are those the old one's failures made the office give up on.
        now = timezone.now()
        revived = (
            CallbackEvent.objects.filter(client_id=client.id, state=CallbackEvent.State.FAILED)
            .exclude(
                retry_window_url=client.callback_url,
                retry_window_url_version=client.callback_url_version,
            )
            .update(state=CallbackEvent.State.PENDING, next_attempt_at=now)
        )
        data["callbacks_revived"] = revived
        CallbackEvent.objects.filter(
            client_id=client.id, state=CallbackEvent.State.PENDING, next_attempt_at__gt=now
        ).update(next_attempt_at=now)
        if client.is_active:
            transaction.on_commit(functools.partial(_kick_held, client.id), robust=True)
    _record(client, "api_client.update", acting_user, data)
    return client, revived


@transaction.atomic
def api_client_revoke(*, client_id: int, acting_user: User | None = None) -> None:
    """Ends every credential at once: the key, and the previous key and the previous
    signing secret, within their grace period or not. Made active again
    (`api_client_reactivate`), the client has its current key and secret only.

    Its callbacks are kept, pending: they are delivered, signed with the current secret,
    if it is made active again, and never while it is revoked (`callbacks.can_receive`).
    The revoke is in the audit trail: `revoked_at` is cleared by a reactivation.
    """
    client = ApiClient.objects.select_for_update().get(id=client_id)
    revoking = client.is_active
    if revoking:
        client.is_active, client.revoked_at = False, timezone.now()
    client.previous_key_prefix, client.previous_key_hash = "", ""
    client.previous_key_until = client.previous_key_last_used_at = None
    client.previous_secret_salt, client.previous_secret_until = "", None
    client.save(
        update_fields=[
            "is_active",
            "revoked_at",
            "previous_key_prefix",
            "previous_key_hash",
            "previous_key_until",
            "previous_key_last_used_at",
            "previous_secret_salt",
            "previous_secret_until",
        ]
    )
    if revoking:
        _audit(client, "api_client.revoke", acting_user, client.revoked_at)


@transaction.atomic
def api_client_reactivate(*, client_id: int, acting_user: User | None = None) -> ApiClient:
    """Makes a revoked client active again, with its current key and secret (the revoke
    ended the previous ones for good). Its held callbacks are handed to a worker once this
    commits, not left for the next sweep (which still finds them if the broker is down):
    all of them, those that were backing off before the revoke too, which are due at once
    (as a new callback URL makes them), not after what is left of a backoff that may have
    grown to an hour. Their backoff is not reset: the receiver is the same one
    (`attempts_at_url`), so a callback failing again waits as long as it would have.

    `revoked_at` is cleared, so that the record says what is true now (an active client
    shown with a revoke time reads as revoked); when it was revoked stays in the audit
    trail, in the revoke's entry and in this one's. The time it was revoked is not counted
    against its held callbacks' day of retries."""
    client = ApiClient.objects.select_for_update().get(id=client_id)
    if client.is_active:
        return client
    revoked_at = client.revoked_at
    client.is_active, client.revoked_at = True, None
    client.save(update_fields=["is_active", "revoked_at"])
    now = timezone.now()
    if revoked_at is not None:
        # Its held callbacks were not tried while it was revoked: that time does not count
        # against their day of retries (only those already tried have one started).
        CallbackEvent.objects.filter(
            client_id=client.id,
            state=CallbackEvent.State.PENDING,
            retry_window_start__isnull=False,
        ).update(retry_window_start=F("retry_window_start") + (now - revoked_at))
    CallbackEvent.objects.filter(
        client_id=client.id, state=CallbackEvent.State.PENDING, next_attempt_at__gt=now
    ).update(next_attempt_at=now)
    _audit(client, "api_client.reactivate", acting_user, revoked_at)
    if client.callback_url:
        transaction.on_commit(functools.partial(_kick_held, client.id), robust=True)
    return client


def _kick_held(client_id: int) -> None:
    from .callbacks import kick_held  # callbacks signs with this module's secrets

    kick_held(client_id)


def _audit(client: ApiClient, action: str, actor: User | None, revoked_at: datetime | None) -> None:
    _record(client, action, actor, {"revoked_at": revoked_at.isoformat() if revoked_at else None})


def _record(
    client: ApiClient, action: str, actor: User | None, data: dict, *, command: str = ""
) -> None:
    """The audit entry of a change to a client, in the change's transaction. Never the key,
    the secret or their hashes and salts: a key's prefix and a secret's fingerprint (both
    shown in the admin) say which one it was. A change with no one acting says why: the
    management command or the script that made it, and the operating-system user who ran
    it (`command_origin`)."""
    summary: str = client.name
    if actor is None and command:
        origin = command_origin(command)
        data, summary = {**data, **origin}, command_summary(summary, origin)
    audit_record(
        actor=actor,
        action=action,
        obj=client,
        unit_id=getattr(actor, "unit_id", None),
        summary=summary,
        data=data,
    )


@functools.cache
def _client_by_prefix_sql() -> str:
    """Raw SQL read with a plain cursor: every API request authenticates, and this costs a
    third of the same query through a RawQuerySet."""
    table = ApiClient._meta.db_table
    columns = ", ".join(f.column for f in ApiClient._meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {table} WHERE is_active AND (key_prefix = %s"
        " OR (previous_key_prefix = %s AND previous_key_until > %s))"
    )


def _holds(client: ApiClient, prefix: str, hashed: str, now: datetime) -> bool:
    if client.key_prefix == prefix and hmac.compare_digest(client.key_hash, hashed):
        return True
    return (
        client.previous_key_prefix == prefix
        and client.previous_key_until is not None
        and client.previous_key_until > now
        and hmac.compare_digest(client.previous_key_hash, hashed)
    )


def client_for_key(key: str) -> ApiClient | None:
    """The active client holding `key`, or its previous key within the grace period,
    compared in constant time; None otherwise. One query, on every API request."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "wq" or not parts[1]:
        return None
    prefix, now = parts[1], timezone.now()
    if connection.vendor == "postgresql":
        # psycopg2 returns every column of a client as the ORM would (aware times
        # included); SQLite needs the ORM's converters.
        with connection.cursor() as cursor:
            cursor.execute(_client_by_prefix_sql(), [prefix, prefix, now])
            rows = cursor.fetchall()
        # Two rows only if one client's new prefix is by chance another's previous one.
        found = [ApiClient.from_db(connection.alias, None, row) for row in rows]
    else:
        found = ApiClient.objects.filter(
            Q(key_prefix=prefix) | Q(previous_key_prefix=prefix, previous_key_until__gt=now),
            is_active=True,
        )
    hashed = _hash(key)
    return next((client for client in found if _holds(client, prefix, hashed, now)), None)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of "timestamp.body">`, the X-Wuqing-Signature header (and,
    with the previous secret, X-Wuqing-Signature-Previous)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"
