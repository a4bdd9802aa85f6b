"""API clients: keys, signing secrets, and the signature on callbacks.

Only hashes are stored. The API key is a long random string, so its SHA-256 is enough to
check it. The callback signing secret cannot be a one-way hash (we sign with it), so it is
derived: HMAC(API_SIGNING_KEY, client id + a random salt). The database alone reveals
neither; a new salt rotates the secret.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import ApiClient

KEY_PREFIX_LENGTH = 8


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
    return prefix, f"wq_{prefix}_{secrets.token_urlsafe(32)}"


def signing_secret(client: ApiClient) -> str:
    key = settings.API_SIGNING_KEY.encode()
    return hmac.new(key, f"{client.id}:{client.secret_salt}".encode(), hashlib.sha256).hexdigest()


def _set_secret(client: ApiClient) -> str:
    client.secret_salt = secrets.token_hex(16)
    secret = signing_secret(client)
    client.secret_fingerprint = _hash(secret)[:16]
    return secret


@transaction.atomic
def api_client_create(
    *,
    name: str,
    callback_url: str = "",
    rate_limit_per_minute: int = 600,
    channel: str = "12345",
) -> tuple[ApiClient, str, str]:
    """The new client, its API key and its signing secret: shown once, never again."""
    prefix, key = _new_key()
    client = ApiClient(
        name=name,
        key_prefix=prefix,
        key_hash=_hash(key),
        callback_url=callback_url,
        rate_limit_per_minute=rate_limit_per_minute,
        channel=channel,
    )
    client.full_clean(exclude=["secret_salt", "secret_fingerprint"])
    client.save()
    secret = _set_secret(client)
    client.save(update_fields=["secret_salt", "secret_fingerprint"])
    return client, key, secret


@transaction.atomic
def api_client_rotate_key(*, client_id: int) -> str:
    client = ApiClient.objects.select_for_update().get(id=client_id)
    client.key_prefix, key = _new_key()
    client.key_hash = _hash(key)
    client.save(update_fields=["key_prefix", "key_hash"])
    return key


@transaction.atomic
def api_client_rotate_secret(*, client_id: int) -> str:
    client = ApiClient.objects.select_for_update().get(id=client_id)
    secret = _set_secret(client)
    client.save(update_fields=["secret_salt", "secret_fingerprint"])
    return secret


def api_client_revoke(*, client_id: int) -> None:
    ApiClient.objects.filter(id=client_id, is_active=True).update(
        is_active=False, revoked_at=timezone.now()
    )


@functools.cache
def _client_by_prefix_sql() -> str:
    """Raw SQL read with a plain cursor: every API request authenticates, and this costs a
    third of the same query through a RawQuerySet."""
    table = ApiClient._meta.db_table
    columns = ", ".join(f.column for f in ApiClient._meta.concrete_fields)
    return f"SELECT {columns} FROM {table} WHERE key_prefix = %s AND is_active"


def client_for_key(key: str) -> ApiClient | None:
    """The active client holding `key`, compared in constant time; None otherwise."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "wq":
        return None
    if connection.vendor == "postgresql":
        # psycopg2 returns every column of a client as the ORM would (aware times
        # included); SQLite needs the ORM's converters.
        with connection.cursor() as cursor:
            cursor.execute(_client_by_prefix_sql(), [parts[1]])
            row = cursor.fetchone()
        client = ApiClient.from_db(connection.alias, None, row) if row else None
    else:
        client = ApiClient.objects.filter(key_prefix=parts[1], is_active=True).first()
    if client is None or not hmac.compare_digest(client.key_hash, _hash(key)):
        return None
    return client


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of "timestamp.body">`, the X-Wuqing-Signature header."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"
