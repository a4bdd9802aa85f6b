"""The inbox's tabs on a phone scroll sideways in one row; at 390px "已超期 6" lay past the
right edge with nothing to say there was more. The row fades at an end where tabs lie out
of sight, and only there."""

from __future__ import annotations

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS

ENDS = """() => {
  const row = document.querySelector(".tabs-scroll");
  return [row.classList.contains("more-before"), row.classList.contains("more-after"),
          getComputedStyle(row).maskImage !== "none"];
}"""


def test_the_tab_row_fades_where_more_tabs_lie_out_of_sight(
    module_browser, transactional_db, live_server
):
    UserFactory(username="mr_tabs", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF])
    for language in ("zh-hans", "en"):
        page = signed_in(
            module_browser,
            live_server,
            "mr_tabs",
            at="/orders/",
            language=language,
            viewport={"width": 390, "height": 844},
        )
        assert page.evaluate(ENDS) == [False, True, True], language
        page.evaluate("document.querySelector('.tabs-scroll').scrollLeft = 120")
        page.wait_for_function("() => document.querySelector('.tabs-scroll.more-before')")
        assert page.evaluate(ENDS) == [True, True, True], language
        page.evaluate("document.querySelector('.tabs-scroll').scrollLeft = 99999")
        page.wait_for_function("() => !document.querySelector('.tabs-scroll.more-after')")
        assert page.evaluate(ENDS) == [True, False, True], language
        page.set_viewport_size({"width": 1366, "height": 900})
        page.wait_for_function("() => !document.querySelector('.tabs-scroll.more-before')")
        assert page.evaluate(ENDS) == [False, False, False], language
        page.context.close()
