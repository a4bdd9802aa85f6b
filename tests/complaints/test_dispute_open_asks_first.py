"""Opening a jurisdiction dispute puts the case to the office and the group leader, and its
button reads 确认提出争议 ("confirm"): on the lead's page and on the order's, the form asks
its question before it is sent (data-confirm, static/js/portal.js), and the box says what
to write with a capital, as the portal's other placeholders do. Pages read in English."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse

from complaints import referrals
from tests.complaints import lead_kit
from tests.factories import make_order

clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


def opening_form(page: str) -> str:
    """The form that opens a dispute, from its tag to its end, unescaped."""
    found = re.search(
        r'<form[^>]*action="' + re.escape(reverse("dispute_open")) + r'"[^>]*>.*?</form>',
        page,
        re.S,
    )
    assert found
    return unescape(found.group(0))


def read_in_english(client, user, url) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def asks_first(form: str) -> None:
    tag = form.split(">", 1)[0]
    question = re.search(r'data-confirm="([^"]+)"', tag)
    assert question, tag
    assert "group leader" in question.group(1)
    assert question.group(1).endswith("?") or "? " in question.group(1)
    assert 'placeholder="What is disputed"' in form
    assert 'aria-label="What is disputed"' in form


def test_the_lead_page_asks_before_opening_the_dispute(client, people):
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
    )
    page = read_in_english(client, people["education"], reverse("referral_detail", args=[lead.id]))
    asks_first(opening_form(page))


def test_the_order_page_asks_before_opening_the_dispute(client, people):
    order = make_order(people["office"], unit_code="commerce", content="培训学校预付学费停课")
    page = read_in_english(client, people["commerce"], reverse("order_detail", args=[order.number]))
    asks_first(opening_form(page))
