"""What a signed-in person is shown is kept by no cache: not by a proxy between offices, not
by the browser after signing out on a shared computer (Back showed the last order's
citizen's name and phone). The public pages, shown to anyone, may be cached."""

import pytest

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
def test_the_public_pages_for_a_visitor_are_not_marked_private(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")
