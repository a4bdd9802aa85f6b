"""In English an order waiting for its unit to sign for it was "Assigned" in its status
badge under a tab named "To sign for": two names for one state, where Chinese says 待签收
for both. The status reads "Awaiting sign-for" now; the API's value stays "assigned"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from complaints.choices import Status
from tests.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "tab_words", "words"),
    [("en", "To sign for", "Awaiting sign-for"), ("zh-hans", "待签收", "待签收")],
)
def test_an_order_to_sign_for_is_named_alike_in_its_tab_and_its_badge(
    client, office_staff, mr_staff, language, tab_words, words
):
    order = make_order(office_staff)
    assert order.status == Status.ASSIGNED
    client.force_login(mr_staff)
    client.cookies["django_language"] = language
    page = client.get(reverse("order_list") + "?tab=to_sign").content.decode()
    badge = re.search(r'<span class="badge [^"]*">([^<]*)</span></td>', page)[1]
    assert badge == words
    assert re.search(r'id="tab-to_sign"[^>]*>([^<]*)<', page)[1].strip() == tab_words
    assert "Assigned" not in page.split("<tbody>", 1)[1]
