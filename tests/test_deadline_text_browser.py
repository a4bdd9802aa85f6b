"""How much time is left, read on a 375px phone: in the inbox's stacked rows, the Chinese
"已超期53天10小时" broke inside its words ("已超" at the end of one line, "期53天10小时" on the
next); on the order page, the English "Acceptance decision" ran into "overdue 77 d 10 h"
beside it with no space between them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS

PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# The lines the element's text is laid out on (one rectangle a line for an inline box).
LINES = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}"""

# The room between a deadline's name and the time left beside it.
GAP = """(row) => {
  const [name, left] = row.children;
  const text = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return [...range.getClientRects()];
  };
  const nameRight = Math.max(...text(name).map((r) => r.right));
  const leftLeft = Math.min(...text(left).map((r) => r.left));
  return leftLeft - nameRight;
}"""


@pytest.fixture
def overdue(transactional_db):
    """An order received two months ago: its acceptance decision is weeks overdue."""
    office = UserFactory(username="office_due", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    UserFactory(username="mr_due", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF])
    return make_order(
        office,
        title="超市销售过期酸奶",
        received_at=timezone.now() - timedelta(days=60),
    )


def test_the_time_left_is_never_broken_inside_its_words_or_run_into_its_deadline(
    overdue, live_server
):
    with chromium() as browser:
        for language in ("zh-hans", "en"):
            page = signed_in(
                browser, live_server, "mr_due", at="/orders/?tab=all", language=language, **PHONE
            )
            due = page.locator("#order-table tbody tr .due-overdue").first
            assert due.count(), language
            assert page.evaluate(LINES, due.element_handle()) == 1, (
                f"{language}: {due.inner_text()!r} is broken over lines"
            )

            page.goto(f"{live_server.url}/orders/{overdue.number}/")
            for row in page.locator("#deadlines [data-deadline]").all():
                gap = page.evaluate(GAP, row.element_handle())
                assert gap >= 8, f"{language}: {row.inner_text()!r} has {gap:.0f}px between"
            page.context.close()


@pytest.fixture
def disputed(transactional_db):
    """An order whose dispute waits for the group leader, as the demo's prepaid-card
    complaint: its sign-for clock reads "stopped while the dispute waits for the group
    leader", the longest words the deadlines' column holds beside a due time."""
    from complaints import disputes

    office = UserFactory(username="office_dis", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    UserFactory(username="leader_dis", unit=unit("office"), roles=[RoleCode.GROUP_LEADER])
    order = make_order(office, unit_code="commerce", title="美发店预付卡余额不退")
    dispute = disputes.dispute_open(
        acting_user=office,
        order_number=order.number,
        summary="区商务局与区市场监管局对由谁处理意见不一。",
        unit_codes=["commerce", "market-regulation"],
    )
    disputes.dispute_propose(
        dispute_id=dispute.id,
        acting_user=office,
        proposal="建议区商务局主办。",
        unit_code="commerce",
    )
    return order


def test_a_deadlines_due_time_stays_on_one_line_beside_a_long_state(disputed, live_server):
    """On a desk the deadlines' column is narrow: beside "stopped while the dispute waits
    for the group leader" the due time broke, "2026-12-04" over "23:59" in Chinese and
    "2026-12-" over "04 23:59" in English."""
    with chromium() as browser:
        for language in ("zh-hans", "en"):
            page = signed_in(
                browser,
                live_server,
                "office_dis",
                at=f"/orders/{disputed.number}/",
                language=language,
            )
            rows = page.locator("#deadlines [data-deadline]")
            assert page.locator("#deadlines [data-deadline='sign_for']").count(), language
            for row in rows.all():
                due = row.locator(":scope > div:first-child > .small")
                assert page.evaluate(LINES, due.element_handle()) == 1, (
                    f"{language}: {due.inner_text()!r} is broken over lines"
                )
            page.context.close()
