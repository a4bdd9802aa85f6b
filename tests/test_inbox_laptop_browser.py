"""The inbox on a 1280×800 laptop in English: the columns of English words beside it (the
kind and channel under the number, "Market Regulation Bureau", the next deadline kept on one
line) left the title about 70px, so a Chinese title of eight characters stood four to a line,
three lines a row. The title now keeps room for a readable line."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS

LINES = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}"""


@pytest.fixture
def orders(transactional_db):
    office = UserFactory(username="office_wide", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    UserFactory(username="mr_wide", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF])
    for title in ("超市销售过期酸奶", "网购衣服七天无理由退货被拒"):
        make_order(
            office,
            title=title,
            business_name="某某便民超市",
            received_at=timezone.now() - timedelta(days=60),
        )


def test_a_title_is_not_squeezed_to_a_few_characters_a_line_on_a_laptop(orders, live_server):
    with chromium() as browser:
        page = signed_in(
            browser,
            live_server,
            "mr_wide",
            at="/orders/?tab=all",
            language="en",
            viewport={"width": 1280, "height": 800},
        )
        for title in page.locator("#order-table .order-title").all():
            lines = page.evaluate(LINES, title.element_handle())
            assert lines <= 2, f"{title.inner_text()!r} stands on {lines} lines"
            if len(title.inner_text()) <= 8:
                assert lines == 1, f"{title.inner_text()!r} stands on {lines} lines"
        # ...and the columns still fit the table's box: none is hidden off to the right.
        fits = "(t) => t.scrollWidth <= t.parentElement.clientWidth"
        assert page.eval_on_selector("#order-table", fits), "the table scrolls sideways"
        page.context.close()
