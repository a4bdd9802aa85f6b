"""The campaign page's linked work orders were headed "关联工单0件" in Chinese, the count run
into the words. The card is now headed "Linked work orders" ("关联工单"), its count beside
it in the words the order list uses ("共 0 件工单"; "1 order", "2 orders" in English)."""

from __future__ import annotations

import html as markup
import re

from django.urls import reverse

from tests.factories import make_order
from tests.reports.test_campaigns import clock, start  # noqa: F401


def heading(client, user, campaign, language) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    html = client.get(reverse("campaign_detail", args=[campaign.id])).content.decode()
    found = re.search(r'<h2[^>]*id="linked-orders-heading"[^>]*>(.*?)</h2>', html, re.S)
    assert found, html
    return re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))).strip()


def test_no_linked_order(client, office_staff):
    campaign = start(office_staff)
    assert heading(client, office_staff, campaign, "en") == "Linked work orders 0 orders"
    # The heading's own words are new to the catalogue; the count reads as the order list's.
    assert heading(client, office_staff, campaign, "zh-hans").endswith(" 共 0 件工单")


def test_one_linked_order_reads_singular_in_english(client, office_staff):
    campaign = start(office_staff)
    make_order(office_staff, unit_code="market-regulation", category="家用电器")
    assert heading(client, office_staff, campaign, "en") == "Linked work orders 1 order"
