"""A per-address limit on the pages people use without signing in.

The public site (releases, the violators list and its search, the feeds), the login page and
every page's redirect to it answer anyone, and each search runs a substring match in the
database: one client could scrape the lists or keep the database busy. Each client address
(`addresses.client_address`, which trusts `X-Forwarded-For` only as far as
TRUSTED_PROXY_COUNT says) may make ANON_RATE_LIMIT_PER_MINUTE requests a minute, and
searches (a non-empty `q`) count again against ANON_SEARCH_RATE_LIMIT_PER_MINUTE; past
either, a 429 with Retry-After until the minute ends.

Signed-in users are not counted (a unit's staff may all come from one address), nor the API,
which limits each client by its key (`complaints.api.auth.ClientRateThrottle`), nor the
health check. The count is one atomic increment in the cache per fixed minute (Redis in
production, so all workers share it; local memory on a laptop), with no database query. If the
cache cannot be reached, pages are served unlimited rather than not at all.
"""

from __future__ import annotations

import logging
import math
import time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import ngettext

from .addresses import address_group, client_address
from .api import is_api_request

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60


def count_request(scope: str, client: str, limit: int) -> int | None:
    """Counts one request of `client` in `scope` in the current minute. Returns the seconds
    until the next minute if this request is over `limit`, else None (also when the cache
    fails: a broken cache must not take the public site down)."""
    if limit <= 0:
        return None
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"anon-rate:{scope}:{window}:{client}"
    try:
        # The key names its minute, so it is never reset, only left to expire.
        if cache.add(key, 1, timeout=WINDOW_SECONDS + 5):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=WINDOW_SECONDS + 5)
                count = 1
    except Exception:
        log.warning("rate limit not counted: the cache cannot be reached", exc_info=True)
        return None
    if count <= limit:
        return None
    if count == limit + 1:
        log.warning("%s over the %s limit of %s a minute", client, scope, limit)
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))


class AnonymousRateLimitMiddleware:
    """Runs after AuthenticationMiddleware, to know who is signed in; `request.user` costs no
    query for a visitor without a session cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.ANON_RATE_LIMIT_ENABLED and _counted(request):
            client = address_group(client_address(request))
            retry_after = count_request("page", client, settings.ANON_RATE_LIMIT_PER_MINUTE)
            search = retry_after is None and bool(request.GET.get("q", "").strip())
            if search:
                retry_after = count_request(
                    "search", client, settings.ANON_SEARCH_RATE_LIMIT_PER_MINUTE
                )
            if retry_after is not None:
                return too_many_requests(request, retry_after, search=search)
        return self.get_response(request)


def _counted(request: HttpRequest) -> bool:
    return (
        not is_api_request(request)
        and request.path != reverse("healthz")
        and not request.user.is_authenticated
    )


def too_many_requests(request: HttpRequest, retry_after: int, *, search: bool) -> HttpResponse:
    """The portal's page in the visitor's language; a feed reader gets plain text."""
    if _is_feed(request):
        text = ngettext(
            "Too many requests from your address; try again in %(seconds)d second.",
            "Too many requests from your address; try again in %(seconds)d seconds.",
            retry_after,
        ) % {"seconds": retry_after}
        response = HttpResponse(text + "\n", status=429, content_type="text/plain; charset=utf-8")
    else:
        # On the public site the page keeps the public site's frame, not the staff site's.
        public = request.path_info.startswith(reverse("public_index"))
        frame = "publicity/public/base.html" if public else None
        response = render(
            request,
            "429.html",
            {"retry_after": retry_after, "search": search, "frame": frame},
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    # One visitor's refusal must not be kept by a cache and served to others.
    add_never_cache_headers(response)
    return response


def _is_feed(request: HttpRequest) -> bool:
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    return isinstance(view, Feed)
