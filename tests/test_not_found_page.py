"""`make run` (DEBUG on) is the demo the district's officials see: an address that does not
exist, or a record that is not theirs, shows the portal's own 404 page there too, as in
production, not Django's technical page (which lists the portal's address patterns and
names the view that refused). Asserted without the page's Chinese: its 404 mark, and the
absence of the technical page's."""

from __future__ import annotations

import pytest

from tests.factories import make_order

TECHNICAL = ("Using the URLconf defined in", "Page not found at", "Raised by:")


def _the_portals_404(response) -> None:
    assert response.status_code == 404
    page = response.content.decode()
    assert '<div class="error-code">404</div>' in page
    for text in TECHNICAL:
        assert text not in page


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_address_shows_the_portals_page(client, db, settings, debug):
    settings.DEBUG = debug
    _the_portals_404(client.get("/no-such-page/"))


@pytest.mark.parametrize("debug", [False, True])
def test_a_record_that_is_not_yours_shows_the_portals_page(
    client, settings, office_staff, housing_staff, debug
):
    settings.DEBUG = debug
    order = make_order(office_staff)
    client.force_login(housing_staff)
    _the_portals_404(client.get(f"/orders/{order.number}/"))


def test_an_unknown_admin_address_shows_the_portals_page(client, settings, sysadmin):
    settings.DEBUG = True
    client.force_login(sysadmin)
    _the_portals_404(client.get("/admin/departments/no-such-model/"))


def test_an_address_missing_its_final_slash_is_still_sent_on_with_debug_on(client, db, settings):
    settings.DEBUG = True
    response = client.get("/public")
    assert response.status_code == 301 and response["Location"] == "/public/"


def test_an_unknown_api_address_is_still_json_with_debug_on(client, db, settings):
    settings.DEBUG = True
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
