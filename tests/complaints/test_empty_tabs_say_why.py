"""A tab of the order list holding no order says what the tab is for: "No order waits for
your unit to sign for it", "The triage queue is empty: every order has a unit". Every tab
said "No order here.", as if the list had failed. A search or filter that finds nothing
says so and offers to clear them (and where else it matches), as the tab is not empty
then; a refused filter says no order is listed until it is corrected, with no count of
"0 orders", which read as a search run and found empty."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from complaints import selectors

pytestmark = pytest.mark.django_db


def said(page: str) -> str:
    cell = re.search(r'<td[^>]*id="no-orders">(.*?)</td>', page, re.S)
    assert cell, "the list is not empty"
    return unescape(re.sub(r"<[^>]+>", "", cell.group(1))).strip()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("persona", "tabs"),
    [("mr_staff", selectors.UNIT_TABS), ("office_staff", selectors.OFFICE_TABS)],
)
def test_an_empty_tab_says_what_it_is_for(client, request, persona, tabs, language):
    client.cookies["django_language"] = language
    client.force_login(request.getfixturevalue(persona))
    for tab in tabs:
        page = client.get(reverse("order_list") + f"?tab={tab.key}").content.decode()
        with translation.override(language):
            expected = str(tab.empty)
            generic = translation.gettext("No order here.")
        assert said(page).startswith(expected), (tab.key, said(page))
        if tab.key != "all":
            assert expected != generic, tab.key


def test_a_search_that_finds_nothing_says_so_and_offers_to_clear_it(client, mr_staff):
    client.cookies["django_language"] = "en"
    client.force_login(mr_staff)
    page = client.get(reverse("order_list") + "?tab=to_sign&q=不存在的关键词").content.decode()
    assert said(page).startswith("No order matches the search or filters. Clear the search")
    assert "sign for it" not in said(page)
    clear = re.search(r'<a href="([^"]+)" id="clear-filters-empty">', page)[1]
    assert unescape(clear) == "?tab=to_sign"


def test_a_refused_filter_lists_nothing_and_counts_nothing(client, mr_staff):
    client.cookies["django_language"] = "zh-hans"
    client.force_login(mr_staff)
    response = client.get(reverse("order_list") + "?tab=all&received_from=2026-13-45")
    assert response.status_code == 400
    page = response.content.decode()
    assert said(page) == "筛选条件更正之前不列出工单。"
    count = page.split('id="order-count">', 1)[1].split("</p>", 1)[0]
    assert count == ""
