"""What a signed-in person is shown is kept by no cache: not by a proxy between offices, not
by the browser after signing out on a shared computer (Back showed the last order's
citizen's name and phone). The public pages, shown to anyone, may be cached: by a shared cache
only when they carry no form token, which would be handed from one visitor to the next."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/releases/", "/public/", "/public/violators/"])
def test_pages_shown_to_a_signed_in_person_are_kept_by_no_cache(client, mr_staff, url):
    client.force_login(mr_staff)
    response = client.get(url)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_a_not_found_page_for_a_signed_in_person_is_kept_by_no_cache_either(client, mr_staff):
    client.force_login(mr_staff)
    response = client.get("/releases/999999/")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/public/", "/public/violators/", "/public/feed.atom"])
def test_the_public_pages_for_a_visitor_are_not_kept_from_the_visitors_browser(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/public/", "/public/violators/"])
def test_a_public_page_with_a_form_token_is_kept_by_no_shared_cache(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert settings.CSRF_COOKIE_NAME in response.cookies
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"private"}


def test_a_public_page_for_a_visitor_who_has_a_token_already_is_kept_by_no_shared_cache(client):
    client.get("/public/")
    response = client.get("/public/violators/")
    assert response["Cache-Control"] == "private"


def test_the_public_feed_carries_no_token_and_may_be_shared(client):
    response = client.get("/public/feed.atom")
    assert response.status_code == 200
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    assert "private" not in response.get("Cache-Control", "")
