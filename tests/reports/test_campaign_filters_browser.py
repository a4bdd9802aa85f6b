"""The campaign list's filters at a desk and on a phone: at 1366 px the status and topic
choices are as wide as their options and sit on one line with their button, as the other
lists' filters do (they stretched the page's whole width, one under the other); at 390 px
they stay inside the screen."""

import pytest

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, chromium
from tests.conftest import PASSWORD
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS

SIZES = {"desk": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}

FILTERS = """() => {
  const form = document.querySelector("#campaign-filters");
  const box = (el) => el.getBoundingClientRect();
  const parts = [...form.querySelectorAll("select, button")].map(box);
  return {
    formWidth: box(form).width,
    widths: parts.slice(0, 2).map((r) => Math.round(r.width)),
    rows: new Set(parts.map((r) => Math.round(r.top))).size,
    inScreen: parts.every((r) => r.left >= 0 && r.right <= document.documentElement.clientWidth),
    pageFits: document.scrollingElement.scrollWidth <= document.documentElement.clientWidth,
  };
}"""


@pytest.fixture
def browser(transactional_db, live_server):
    from django.db import connections

    UserFactory(username="office_filters", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    with chromium() as browser:
        yield browser
    connections.close_all()  # Playwright's greenlet had its own connection


def test_the_filters_are_as_wide_as_their_options(browser, live_server):
    for language in ("zh-hans", "en"):
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport)
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            page = context.new_page()
            page.set_default_timeout(15000)
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", "office_filters")
            page.fill("#id_password", PASSWORD)
            page.click("#login-submit")
            page.wait_for_selector("#my-unit-name")
            page.goto(f"{live_server.url}/campaigns/")
            seen = page.evaluate(FILTERS)
            where = f"{language} {size}: {seen}"
            assert seen["inScreen"] and seen["pageFits"], where
            if size == "desk":
                assert seen["rows"] == 1, where
                assert all(width < 320 for width in seen["widths"]), where
            context.close()
