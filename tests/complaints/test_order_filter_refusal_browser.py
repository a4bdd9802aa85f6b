"""The order list on a laptop with a refused filter: the field stays in its row (its message
is in the alert above the form, not under the field)."""

from __future__ import annotations

import pytest

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS


@pytest.fixture
def office_person(transactional_db):
    return UserFactory(
        username="office_filters", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF]
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_refused_filter_stays_in_its_row_on_a_laptop(
    browser, live_server, office_person, language
):
    page = signed_in(
        browser,
        live_server,
        "office_filters",
        at="/orders/?tab=all&received_from=2026-13-45&category=x",
        language=language,
    )
    tops = {
        name: round(page.locator(f"#id_{name}").bounding_box()["y"])
        for name in ("unit", "category", "received_from", "received_to", "sort")
    }
    assert len(set(tops.values())) == 1, tops
    assert (
        page.locator("#filters-invalid a.alert-link").get_attribute("href") == "#id_received_from"
    )
