"""A form that creates a record is sent once, even when its post arrives twice.

`static/js/portal.js` stops a double click, a form that changes a record carries the
record's `version`, and some creating forms have a natural key the service checks under a
lock. A form that creates something without a natural key (a work order the office
registers, a meeting, a finding, a note...) has none of these: a browser retrying a post
after a timeout, a refresh that resends it, a second tab or a flaky network would record
it twice. So such a form carries a one-time token (`{% form_once %}`), and its view runs the
write through `submit`, which claims the token in the same transaction as the write:

- The claim is an INSERT ... ON CONFLICT DO NOTHING on a table whose primary key is the
  token (`SentForm`), never a check-then-insert: a second post arriving while the first is
  still running waits on the key, then finds the first's row. It writes nothing and raises
  `AlreadySent`, whose `response` leads to what the first post recorded.
- What is claimed is the token together with what was posted: the same post again is the
  repeat this guards against, while a form sent again changed (Back, edit, send: meaning
  another record) is a new post and is recorded.
- A refused post (a validation error, a refusal) rolls the claim back with the write, so
  the corrected form can be sent with the same token.
- The token is signed for the person the page was shown to. Anyone else's, or one that
  does not verify (a secret key changed since), is ignored, as is a post without a token
  (a page open since before tokens existed): such posts are handled as they always were,
  and never lead to somebody else's record.
- Claims are deleted once older than `keep()` (`delete_old`, a daily task). A post needs
  the sign-in and the CSRF token of the session its page was shown in (signing in renews
  the CSRF token), and a sign-in lasts SESSION_HOURS, far less than `keep()`: no post can
  come back after its claim is gone.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SentForm

FIELD = "form_once"
"""The name of the hidden field that carries the token."""

T = TypeVar("T")


def keep() -> timedelta:
    """How long a claim is kept: at least twice the longest sign-in."""
    return max(timedelta(days=30), 2 * timedelta(seconds=settings.SESSION_COOKIE_AGE))


def _signer(user_id: int) -> signing.Signer:
    return signing.Signer(salt=f"wuqing_consumer.form_once:{user_id}", algorithm="sha256")


def issue(user: AbstractBaseUser) -> str:
    """A new token for one rendering of a form, for `user` only."""
    return _signer(user.pk).sign(secrets.token_urlsafe(16))


def posted_token(request: HttpRequest) -> str | None:
    """The random part of the posted token, if it was issued to the person posting."""
    value = request.POST.get(FIELD, "")
    user_id = getattr(request.user, "pk", None)
    if not value or user_id is None or len(value) > 200:
        return None
    try:
        token = _signer(user_id).unsign(value)
    except signing.BadSignature:
        return None
    return token if 0 < len(token) <= SentForm._meta.get_field("token").max_length else None


class AlreadySent(Exception):
    """The form's token was claimed by an earlier post; `url` shows what that one recorded."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url

    def response(self, request: HttpRequest) -> HttpResponse:
        messages.info(request, _("This form had already been sent; here is what it recorded."))
        if request.headers.get("HX-Request") == "true":
            answer = HttpResponse(status=204)
            answer["HX-Redirect"] = self.url
            return answer
        return HttpResponseRedirect(self.url)


def _claim(token: str, user_id: int) -> str | None:
    """Claim `token`; None if this post is the first, else where the first one leads."""
    table = connection.ops.quote_name(SentForm._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (token, user_id, sent_at, url) VALUES (%s, %s, %s, '') "
            "ON CONFLICT (token) DO NOTHING",
            [token, user_id, timezone.now()],
        )
        if cursor.rowcount == 1:
            return None
    url = SentForm.objects.filter(token=token, user_id=user_id).values_list("url", flat=True)
    return url.first() or "/"


def _claim_key(token: str, request: HttpRequest) -> str:
    """The token and the post's fields and files, in one key the size of the column."""
    digest = hashlib.sha256(token.encode())
    for name, values in sorted(request.POST.lists()):
        if name not in (FIELD, "csrfmiddlewaretoken"):
            digest.update(json.dumps([name, values], ensure_ascii=False).encode())
    for name, files in sorted(request.FILES.lists()):
        digest.update(json.dumps([name, [(f.name, f.size) for f in files]]).encode())
    return digest.hexdigest()[: SentForm._meta.get_field("token").max_length]


def submit(request: HttpRequest, write: Callable[[], T], shown_at: Callable[[T], str]) -> T:
    """Run `write()` once per token: claim the posted token, write, and record `shown_at`
    of what was written, all in one transaction. Raises `AlreadySent` (nothing written) if
    the token was claimed before; whatever `write` raises rolls the claim back too. Without
    a valid token, just `write()`."""
    token = posted_token(request)
    if token is None:
        return write()
    key = _claim_key(token, request)
    with transaction.atomic():
        earlier = _claim(key, request.user.pk)
        if earlier is not None:
            raise AlreadySent(earlier)
        result = write()
        SentForm.objects.filter(token=key).update(url=shown_at(result)[:500])
    return result


def delete_old(now=None, batch: int = 5000) -> int:
    """Forget claims older than `keep()`, a bounded batch at a time; returns how many."""
    before = (now or timezone.now()) - keep()
    deleted = 0
    while True:
        tokens = list(
            SentForm.objects.filter(sent_at__lt=before).values_list("token", flat=True)[:batch]
        )
        if not tokens:
            return deleted
        deleted += SentForm.objects.filter(token__in=tokens).delete()[0]
