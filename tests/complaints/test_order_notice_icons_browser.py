"""The notifications list in a browser: every notice about an order the reader's unit
handles or co-handles (a new order, a request to co-handle, a co-handling unit's opinion, a
co-handled order's result) has its kind's icon, drawn, not the bell (a new order's is the
menu's work-orders icon)
(tests/complaints/test_co_handling_unit.py checks the markup). With WQ_SHOTS=<folder> the
list is saved at a desk's and a phone's width."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from complaints import workflow
from departments.choices import NOTIFICATION_ICON_DEFAULT, NOTIFICATION_ICONS, RoleCode
from departments.models import Notification
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS


@pytest.fixture
def reader(transactional_db):
    """A Market Regulation person told of an order it handles, with Education's opinion on
    it, and of one it co-handles, resolved by Housing."""
    office = UserFactory(
        username="office_icons", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF]
    )
    person = UserFactory(
        username="mr_icons", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF]
    )
    education = UserFactory(
        username="edu_icons", unit=unit("education"), roles=[RoleCode.UNIT_STAFF]
    )
    housing = UserFactory(
        username="housing_icons", unit=unit("housing"), roles=[RoleCode.UNIT_STAFF]
    )
    handled = make_order(
        office,
        unit_code="market-regulation",
        co_unit_codes=["education"],
        title="培训机构预收学费后停课",
        content="某培训机构预收一年学费后停课，负责人失联。",
    )
    workflow.workorder_add_opinion(
        order_id=handled.id, acting_user=education, text="已约谈培训机构负责人。"
    )
    helped = make_order(
        office,
        unit_code="housing",
        co_unit_codes=["market-regulation"],
        title="物业费中强制搭售停车管理费",
        content="物业公司收取物业费时强制收取停车管理费。",
    )
    workflow.workorder_sign(order_id=helped.id, acting_user=housing)
    workflow.workorder_resolve(order_id=helped.id, acting_user=housing, result="已责令退还。")
    return person


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_order_notices_have_their_kinds_icon(browser, live_server, reader, language):
    page = signed_in(browser, live_server, reader.username, at="/notifications/", language=language)
    items = page.locator("#notification-list > li")
    assert items.count() == 4
    icons = page.locator("#notification-list > li > i.bi")
    shown = sorted(icon.get_attribute("class").split()[1] for icon in icons.all())
    # Each its kind's icon (a new order's is the menu's work-orders icon), none the bell.
    kinds = Notification.objects.filter(recipient=reader).values_list("category", flat=True)
    assert shown == sorted(NOTIFICATION_ICONS[kind].split()[0] for kind in kinds)
    assert "bi-inboxes" in shown
    assert NOTIFICATION_ICON_DEFAULT not in shown
    # The icon font drew it: a glyph with a width, as the menu's.
    assert all(icon.bounding_box()["width"] > 0 for icon in icons.all())
    if folder := os.environ.get("WQ_SHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(
                path=f"{folder}/notification_icons_{language[:2]}_{width}.png", full_page=True
            )
