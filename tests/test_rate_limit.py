"""The per-address rate limit on pages for people who are not signed in: the public site, the
login page and whatever else answers them. Counted per fixed minute in the cache, here one of
each test's own, so tests running at once in other processes cannot share a count."""

from datetime import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.cache.backends.base import BaseCache

from complaints.deadlines import BEIJING
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 3
# 15 seconds into a minute: the count starts again in 45.
NOW = datetime(2026, 11, 20, 10, 30, 15, tzinfo=BEIJING)
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def small_limits(settings, request):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"rate-limit-{request.node.nodeid}",
        }
    }
    settings.ANON_RATE_LIMIT_ENABLED = True
    settings.ANON_RATE_LIMIT_PER_MINUTE = LIMIT
    settings.ANON_SEARCH_RATE_LIMIT_PER_MINUTE = 2
    settings.TRUSTED_PROXY_COUNT = 0
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def statuses(client, path: str, times: int, **extra) -> list[int]:
    return [client.get(path, **extra).status_code for _ in range(times)]


def test_pages_under_the_limit_are_served(client):
    assert statuses(client, "/public/", LIMIT) == [200] * LIMIT


def test_over_the_limit_a_page_says_in_english_how_long_to_wait(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    statuses(client, "/public/violators/", LIMIT)

    response = client.get("/public/violators/")

    assert response.status_code == 429
    assert response["Retry-After"] == "45"
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Too many requests" in page
    assert "wait 45 seconds" in page
    assert "no-store" in response["Cache-Control"]


def test_the_page_is_in_chinese_by_default(client):
    statuses(client, "/public/", LIMIT)

    response = client.get("/public/")

    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "45" in response.content.decode()


def test_the_login_page_is_limited_too(client):
    assert statuses(client, "/accounts/login/", LIMIT + 1) == [200] * LIMIT + [429]


def test_a_new_minute_starts_a_new_count(client, small_limits):
    statuses(client, "/public/", LIMIT + 1)
    small_limits.shift(45)
    assert client.get("/public/").status_code == 200


def test_feeds_get_a_plain_429(client):
    statuses(client, "/public/feed.atom", LIMIT)

    response = client.get("/public/feed.atom")

    assert response.status_code == 429
    assert response["Retry-After"] == "45"
    assert response["Content-Type"].startswith("text/plain")
    assert "<html" not in response.content.decode()


def test_searches_have_a_stricter_limit_of_their_own(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    searches = statuses(client, "/public/violators/", 3, data={"q": "商贸"})

    assert searches == [200, 200, 429]
    assert "wait 45 seconds" in client.get("/public/", {"q": "预付卡"}).content.decode()


def test_a_spoofed_forwarded_for_does_not_reset_the_count_without_trusted_proxies(client):
    spoofed = [
        client.get("/public/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(LIMIT + 1)
    ]
    assert spoofed == [200] * LIMIT + [429]


def test_behind_one_trusted_proxy_each_forwarded_client_is_counted(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    def get(forwarded_for: str) -> int:
        return client.get(
            "/public/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for
        ).status_code

    # What the client wrote itself, left of what the proxy added, changes nothing.
    first = [get(f"192.0.2.{n}, 203.0.113.7") for n in range(LIMIT + 1)]
    assert first == [200] * LIMIT + [429]
    assert get("203.0.113.8") == 200


def test_another_address_is_not_affected(client):
    statuses(client, "/public/", LIMIT + 1)
    assert client.get("/public/", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_addresses_in_one_ipv6_network_share_a_count(client):
    counted = [
        client.get("/public/", REMOTE_ADDR=f"2001:db8:1:2::{n}").status_code
        for n in range(1, LIMIT + 2)
    ]
    assert counted == [200] * LIMIT + [429]
    assert client.get("/public/", REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_a_signed_in_user_is_not_limited(client, mr_staff):
    client.force_login(mr_staff)
    pages = statuses(client, "/public/", LIMIT + 2) + statuses(client, "/", 2)
    assert set(pages) == {200}
    assert statuses(client, "/public/violators/", 3, data={"q": "商贸"}) == [200] * 3


def test_signing_in_over_the_limit_is_refused_but_a_signed_in_user_goes_on(client, mr_staff):
    statuses(client, "/accounts/login/", LIMIT)
    refused = client.post("/accounts/login/", {"username": mr_staff.username, "password": PASSWORD})
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session

    client.force_login(mr_staff)
    assert client.get("/public/").status_code == 200


def test_the_health_check_and_the_api_are_not_limited(client):
    assert set(statuses(client, "/healthz", LIMIT + 2)) == {200}
    # Without a key the API answers 401 itself, never the pages' 429.
    assert set(statuses(client, "/api/v1/units/", LIMIT + 2)) == {401}


def test_the_limit_can_be_switched_off(client, settings):
    settings.ANON_RATE_LIMIT_ENABLED = False
    assert set(statuses(client, "/public/", LIMIT + 2)) == {200}


def test_refusing_a_request_reads_nothing_from_the_database(client, django_assert_num_queries):
    statuses(client, "/public/", LIMIT)
    with django_assert_num_queries(0):
        assert client.get("/public/").status_code == 429


class UnreachableCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)

    def add(self, *args, **kwargs):
        raise ConnectionError("the cache is down")

    incr = get = set = delete = clear = add


def test_pages_are_served_when_the_cache_cannot_be_reached(client, settings):
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.UnreachableCache"}}
    assert set(statuses(client, "/public/", LIMIT + 2)) == {200}


def test_on_the_public_site_the_page_keeps_the_public_sites_frame(client):
    """A citizen searching the violators list too often got the staff site's frame: its
    name, a menu button, no way back to the public pages but the browser's."""
    statuses(client, "/public/violators/", LIMIT)

    page = client.get("/public/violators/").content.decode()

    assert 'class="public-site"' in page and 'id="nav-violators"' in page
    assert "navbar-toggler" not in page
    assert 'id="rate-limited"' in page
