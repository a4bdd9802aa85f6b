"""How machine clients authenticate, how fast they may go, and how big a request may be."""

from __future__ import annotations

import codecs
import io
import json
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.utils import json as drf_json

from ..clients import client_for_key
from ..models import ApiClient

LAST_USED_PRECISION = timedelta(minutes=1)
"""`last_used_at` is written at most once a minute, not on every request."""

RECENT_CLIENT_SECONDS = 1.0
"""How long a process takes a key it found good as still good without asking the
database again. Every push authenticates, and the query was a round trip of its own on
each; a revocation or key rotation made in the admin reaches the process that made it at
once (`forget_recent_clients`) and every other within this time."""

_recent_clients: dict[str, tuple[float, ApiClient]] = {}
_clock = time.monotonic


def recent_client_for_key(key: str) -> ApiClient | None:
    """`client_for_key`, answered from this process's memory for a key it found good less
    than RECENT_CLIENT_SECONDS ago. A key it did not find is asked again each time, so a
    new client's key works at once; a previous key whose grace period has ended meanwhile
    is refused at once."""
    now = _clock()
    recent = _recent_clients.get(key)
    if recent is not None and now - recent[0] < RECENT_CLIENT_SECONDS:
        client = recent[1]
        if client.key_prefix == key.split("_")[1] or (
            client.previous_key_until is not None and client.previous_key_until > timezone.now()
        ):
            return client
    client = client_for_key(key)
    if client is None:
        _recent_clients.pop(key, None)
    else:
        _recent_clients[key] = now, client
    return client


def forget_recent_clients(**_kwargs) -> None:
    """On any change to a client in this process: its key may be revoked or rotated."""
    _recent_clients.clear()


post_save.connect(forget_recent_clients, sender=ApiClient, dispatch_uid="forget_recent_clients")
post_delete.connect(
    forget_recent_clients, sender=ApiClient, dispatch_uid="forget_recent_clients_delete"
)


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>`; the client itself is `request.user` and `request.auth`."""

    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) == 3 and header[1].lower() == self.keyword:
            # /api/v1/docs/'s Authorize adds "Bearer " to what is typed there.
            raise exceptions.AuthenticationFailed(
                _(
                    "“Bearer” came twice: send Authorization: Bearer <key>. On /api/v1/docs/, "
                    "type the key alone under Authorize."
                )
            )
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the key as: Authorization: Bearer <key>.")
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This API key is not valid.")) from None
        client = recent_client_for_key(key)
        if client is None:
            raise exceptions.AuthenticationFailed(unknown_key_message())
        now = timezone.now()
        used = {"last_used_at": client.last_used_at}
        if client.key_prefix != key.split("_")[1]:
            # The previous key, within its grace period: the office sees whether the
            # client has switched to the new one yet.
            used["previous_key_last_used_at"] = client.previous_key_last_used_at
        stale = {
            field: now for field, at in used.items() if at is None or now - at > LAST_USED_PRECISION
        }
        if stale:
            ApiClient.objects.filter(id=client.id).update(**stale)
            for field, at in stale.items():  # the copy this process keeps, too
                setattr(client, field, at)
        return client, client

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def unknown_key_message() -> str:
    """Why a key may have stopped working, and whom to ask: the hotline's developers see
    this on the day a rotated key's grace period ends, and cannot look at the admin."""
    hours = settings.API_ROTATION_GRACE_HOURS
    return ngettext(
        "This API key is not valid: it is mistyped, was revoked, or was replaced by a new "
        "key (a replaced key stops working %(hours)s hour after the rotation). Ask the "
        "coordination office for the current key.",
        "This API key is not valid: it is mistyped, was revoked, or was replaced by a new "
        "key (a replaced key stops working %(hours)s hours after the rotation). Ask the "
        "coordination office for the current key.",
        hours,
    ) % {"hours": hours}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            # A placeholder in `code`: Swagger UI reads Markdown and drops "<key>" as a tag.
            "description": "由协调小组办公室签发的 API 密钥（平台上用 create_api_client "
            "命令生成），以 `Authorization: Bearer <密钥>` 发送；在本页 Authorize 中只填密钥"
            "本身，Bearer 由页面加上 / the API key the coordination office issues to your "
            "system (made on the portal with its create_api_client command), sent as "
            "`Authorization: Bearer <key>`; under Authorize on this page, type the key alone "
            "(the page adds Bearer)",
        }


class PortalSessionAuthentication(SessionAuthentication):
    """The portal's sign-in, for the docs page and the portal's own API. DRF refuses a
    missing CSRF token with "CSRF Failed: …", in English under a Chinese page and saying
    nothing of what to send; a hotline client meets it when it forgot its key."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(
                _(
                    "A request with the portal's sign-in needs its CSRF token (the "
                    "X-CSRFToken header, from the csrftoken cookie); a hotline client sends "
                    "its key instead: Authorization: Bearer <key>."
                )
            ) from None


class PortalSessionScheme(SessionScheme):
    target_class = PortalSessionAuthentication


class IsApiClient(BasePermission):
    message = _("This endpoint is for API clients; send an API key.")

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiClient)


class ClientRateThrottle(SimpleRateThrottle):
    """Per client, at the rate set on the client in the admin (requests per minute)."""

    scope = "api_client"

    def get_rate(self):
        return "600/min"

    def allow_request(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient) or not settings.API_THROTTLE_ENABLED:
            return True
        self.num_requests, self.duration = client.rate_limit_per_minute, 60
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        # By client, not key: a rotated key and its predecessor share one allowance.
        return f"throttle_api_client_{request.auth.pk}"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


CHINESE_TEXT_CODECS = {
    "utf-8",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "utf-32-be",
    "gbk",
    "gb2312",
    "gb18030",
    "big5",
    "ascii",
}
"""Encodings a body may name: those that can carry Chinese, and ASCII. A body labelled
ISO-8859-1 (as some older stacks label any body) always decodes, into mojibake that routing
cannot read: it is refused instead."""


def _codec(label: str) -> str | None:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


class UnsupportedCharset(exceptions.UnsupportedMediaType):
    def __init__(self, charset: str):
        super().__init__(
            charset,
            _(
                "The encoding “%(charset)s” named in Content-Type is not taken: send UTF-8 "
                "(or GBK, GB18030, named as charset=GBK)."
            )
            % {"charset": charset},
        )


class LimitedJSONParser(JSONParser):
    """JSON only, and not more than API_MAX_BODY_BYTES: an order is a few kilobytes."""

    def parse(self, stream, media_type=None, parser_context=None):
        from wuqing_consumer.api import body_too_large  # it imports DRF's views, which import us

        request = (parser_context or {}).get("request")
        limit = settings.API_MAX_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0) if request else 0
        except ValueError:
            length = 0
        if length > limit:
            raise PayloadTooLarge(body_too_large())
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise PayloadTooLarge(body_too_large())
        charset = parse_header_parameters(media_type or "")[1].get("charset")
        if charset is not None and _codec(charset) not in CHINESE_TEXT_CODECS:
            raise UnsupportedCharset(charset)
        if data.startswith(codecs.BOM_UTF8) and _codec(charset or "utf-8") == "utf-8":
            data = data[len(codecs.BOM_UTF8) :]  # RFC 8259 lets a parser ignore it
        try:
            return self._read(data, parser_context or {})
        except KeySentTwice:
            raise
        except RecursionError:
            # Python's reader gives up past about a thousand levels, well under the size limit.
            raise exceptions.ParseError(
                _(
                    "The body is nested too deeply to be read: a request's JSON is an object "
                    "with objects at most one level inside it."
                )
            ) from None
        except exceptions.ParseError as error:
            # DRF's message is English only; the hotline's developers read Chinese.
            cause = error.__context__
            if isinstance(cause, json.JSONDecodeError):
                raise exceptions.ParseError(
                    _("The body is not valid JSON: line %(line)s, column %(column)s.")
                    % {"line": cause.lineno, "column": cause.colno}
                ) from None
            if isinstance(cause, UnicodeDecodeError):  # GBK, say, sent without its name
                raise exceptions.ParseError(
                    _(
                        "The body is not in %(encoding)s (byte %(byte)s): send UTF-8, or name "
                        "the encoding, e.g. Content-Type: application/json; charset=GBK."
                    )
                    % {"encoding": (charset or "UTF-8").upper(), "byte": cause.start + 1}
                ) from None
            raise exceptions.ParseError() from None  # the API's own message for it

    def _read(self, data: bytes, parser_context: dict):
        """As JSONParser.parse reads (the request's encoding, out-of-range numbers refused),
        in the same one pass refusing a key sent twice in one object."""
        reader = codecs.getreader(get_encoding(parser_context))(io.BytesIO(data))
        parse_constant = drf_json.strict_constant if self.strict else None
        try:
            return json.load(
                reader,
                parse_constant=parse_constant,
                parse_int=_whole_number,
                object_pairs_hook=_one_value_each,
            )
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc


def _whole_number(text: str) -> int | Decimal:
    """A number too long for Python's int() (over 4,300 digits) is still valid JSON: read as
    a Decimal it is refused by its field ("at most 14 digits"), not as a body that is not
    JSON."""
    return int(text) if len(text) <= 4000 else Decimal(text)


class KeySentTwice(exceptions.ParseError):
    """JSON allows a key twice in one object and Python keeps the last value: a body with
    two `hotline_id`s registered the second, silently. Which was meant cannot be known, so
    the body is refused, naming the key."""

    def __init__(self, name: str):
        super().__init__(
            _(
                "The field “%(name)s” is sent twice in one object: send each field "
                "once. Nothing was done."
            )
            % {"name": name}
        )


def _one_value_each(items: list[tuple[str, object]]) -> dict:
    found = dict(items)
    if len(found) == len(items):  # the usual case, without a loop in Python
        return found
    seen: set[str] = set()
    for name, _value in items:
        if name in seen:
            raise KeySentTwice(name)
        seen.add(name)
    return found
