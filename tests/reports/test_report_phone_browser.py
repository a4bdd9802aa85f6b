"""A unit's quarterly report being written, on a phone (375 CSS pixels): the publicity
items (block 4) stood in a six-column table that squeezed the title, the outlet and the
people reached to inputs a few pixels wide, with their headers one character a line, so
nothing could be typed or read in them. Each item is now a block of its own, a field a
line with its column's name, as the read-only report already shows them."""

import pytest
from django.utils import timezone, translation

from departments.choices import RoleCode
from reports import services
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS


PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}

WIDTHS = """() => {
  const table = document.querySelector("#publicity-table");
  const box = table.parentElement.clientWidth;
  const inputs = [...table.querySelectorAll("tbody tr:first-child input:not([type=checkbox]),"
    + " tbody tr:first-child select")];
  return {fits: table.scrollWidth <= box, box, narrowest: Math.min(
    ...inputs.map((i) => i.getBoundingClientRect().width))};
}"""


@pytest.fixture
def report(transactional_db):
    liaison = UserFactory(
        username="mr_phone_report", unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON]
    )
    today = timezone.localdate()
    with translation.override("zh-hans"):
        return services.report_start(
            unit=unit("market-regulation"),
            year=today.year,
            quarter=(today.month - 1) // 3 + 1,
            acting_user=liaison,
        )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_publicity_items_can_be_typed_in_on_a_phone(browser, report, live_server, language):
    page = signed_in(
        browser,
        live_server,
        "mr_phone_report",
        at=f"/reports/{report.id}/",
        language=language,
        **PHONE,
    )
    seen = page.evaluate(WIDTHS)
    assert seen["fits"], seen
    assert seen["narrowest"] >= seen["box"] * 0.5, seen
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    desk.add_cookies(page.context.cookies())
    wide = desk.new_page()
    wide.goto(f"{live_server.url}/reports/{report.id}/")
    row = "getComputedStyle(document.querySelector('#publicity-table tbody tr')).display"
    assert wide.evaluate(row) == "table-row"
