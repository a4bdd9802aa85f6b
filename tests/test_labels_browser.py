"""How labels sit beside what they name, in English, in a real Chromium: the sidebar's
entries on a desktop and in the phone's menu, and a stacked list's column names on a 375px
phone. A long English name wrapped back under the icon or under the label before it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from complaints import mediation, workflow
from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS

# The text of each matching element after its first child element (the icon or the label),
# line by line: where each line starts, and where the first line starts.
LINES = """([selector, afterIcon]) => [...document.querySelectorAll(selector)]
  .filter((el) => el.getBoundingClientRect().width > 0)
  .map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    if (afterIcon) range.setStartAfter(el.querySelector("i"));
    const lefts = [...range.getClientRects()].filter((r) => r.width > 1).map((r) => r.left);
    return {
      text: el.textContent.trim().replace(/\\s+/g, " "),
      first: lefts[0],
      leftmost: Math.min(...lefts),
      lines: new Set([...range.getClientRects()].filter((r) => r.width > 1).map((r) => r.top)).size,
    };
  })"""


@pytest.fixture
def people(transactional_db):
    office = UserFactory(username="l_office", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    staff = UserFactory(
        username="l_staff", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF]
    )
    order = make_order(office)
    workflow.workorder_sign(order_id=order.id, acting_user=staff)
    mediation.agreement_record(
        order_number=order.number,
        acting_user=staff,
        body="unit",
        parties="张先生；某某超市",
        terms="超市退还货款并赔偿500元",
        effective_on=timezone.localdate(),
        amount="500",
    )
    return {"office": office, "staff": staff}


@pytest.fixture
def browser(module_browser, people, live_server):
    """The module's one Chromium; what a test opened in it is closed after it."""
    yield module_browser
    for context in module_browser.contexts:
        context.close()


def english(page, live_server, address, width):
    page.set_viewport_size({"width": width, "height": 800})
    cookie = {"name": "django_language", "value": "en", "url": live_server.url}
    page.context.add_cookies([cookie])
    page.goto(f"{live_server.url}{address}")


def wrapped_back(found):
    return [f"{f['text']!r} ({f['lines']} lines)" for f in found if f["leftmost"] < f["first"] - 1]


def test_a_long_sidebar_entry_wraps_after_its_icon(browser, live_server, people):
    page = signed_in(browser, live_server, "l_staff")
    english(page, live_server, "/", 1280)
    found = page.evaluate(LINES, [".portal-sidebar .nav-link", True])
    assert any(f["lines"] > 1 for f in found), "no entry wraps: the check would see nothing"
    assert not wrapped_back(found)
    english(page, live_server, "/", 375)
    page.click("button.navbar-toggler")
    page.wait_for_selector("#portal-sidebar.show")
    assert not wrapped_back(page.evaluate(LINES, [".portal-sidebar .nav-link", True]))


def test_a_stacked_lists_value_wraps_beside_its_label_on_a_375px_phone(
    browser, live_server, people
):
    page = signed_in(browser, live_server, "l_staff")
    english(page, live_server, "/mediation/", 375)
    found = page.evaluate(LINES, ["#mediations tbody td[data-label]", False])
    recorded_by = [f for f in found if "Market Regulation Bureau" in f["text"]]
    assert recorded_by and recorded_by[0]["lines"] > 1, found
    assert not wrapped_back(found)
