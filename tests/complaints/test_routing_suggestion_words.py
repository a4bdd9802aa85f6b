"""The new-order form's live suggestion names how well each other unit matched in words an
official reads, and the words that matched, never the router's raw score (0.4, 1.2)."""

from __future__ import annotations

import re

from django.urls import reverse


def suggestion(client, office_staff, content: str) -> str:
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("order_route_preview"), {"title": "", "content": content})
    assert response.status_code == 200
    return response.content.decode()


def test_the_units_also_close_show_a_match_level_and_words_not_a_score(client, office_staff):
    # Two units match one word each: a tie, left to the office, with both listed.
    html = suggestion(client, office_staff, "小区物业收费，网约车")
    close = html.split('id="also-close"')[1]
    assert not re.search(r"\d\.\d", close)
    assert "fair match" in close
    assert "网约车" in close and "物业" in close
