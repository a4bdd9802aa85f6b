"""Forms on a laptop and a tablet, in Chinese and in English."""

from __future__ import annotations

import pytest

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS

# Each field's width beside the width the browser gives the same field left to size itself,
# which shows the whole of its date (and time).
WIDTHS = """(selector) => [...document.querySelectorAll(selector)].map((input) => {
  const probe = input.cloneNode();
  probe.removeAttribute("id");
  probe.style.width = "auto";
  probe.style.display = "inline-block";
  input.parentElement.appendChild(probe);
  const needed = probe.getBoundingClientRect().width;
  probe.remove();
  return [input.name, Math.floor(input.getBoundingClientRect().width), Math.ceil(needed)];
})"""


@pytest.fixture
def office(transactional_db):
    return UserFactory(username="office_form", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])


def too_narrow(browser, live_server, at: str, selector: str) -> tuple[dict[str, str], int]:
    """Each field the selector finds, at four laptop widths in both languages, whose width
    is less than the width Chromium gives it when left to size itself."""
    narrow, seen = {}, 0
    for language in ("zh-hans", "en"):
        page = signed_in(browser, live_server, "office_form", at=at, language=language)
        for width in (1366, 1200, 1024, 800):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{at}")
            for name, has, needs in page.evaluate(WIDTHS, selector):
                seen += 1
                if has < needs:
                    narrow[f"{name} {language} {width}px"] = f"{has}px of {needs}"
        page.context.close()
    return narrow, seen


def test_the_new_orders_received_at_shows_its_whole_date_and_time(
    module_browser, office, live_server
):
    """A quarter of the case's first row, the field showed "12/05/2026, 0" at 1200px and
    cut the minutes at 1366px: the officer could not see the time without opening the
    picker. It shares its row with the urgency alone now."""
    narrow, seen = too_narrow(module_browser, live_server, "/orders/new/", "#id_received_at")
    assert seen == 2 * 4
    assert narrow == {}


def test_the_order_lists_date_filters_show_the_whole_date(module_browser, office, live_server):
    """At 1024px a sixth of the row, "received from" read "09/01/20": the year was cut."""
    narrow, seen = too_narrow(
        module_browser,
        live_server,
        "/orders/?tab=all&received_from=2026-09-01",
        '#more-filters input[type="date"]',
    )
    assert seen == 2 * 2 * 4
    assert narrow == {}
