"""Single defects of a page shown in the wrong language, each found by the sweep in
tests/test_page_language.py and pinned here where it was."""

from __future__ import annotations

import html
import re

from django.conf import settings

from tests.factories import make_order

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def page(client, path: str, language: str, **extra) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path, **extra)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_supervise_button_is_english_in_english(client, office_staff):
    order = make_order(office_staff)
    client.force_login(office_staff)

    english = page(client, f"/orders/{order.number}/", "en")
    chinese = page(client, f"/orders/{order.number}/", "zh-hans")

    summary = re.search(r'<summary class="btn btn-outline-warning[^"]*">([^<]*)<', english)
    assert summary.group(1) == "Supervise"
    # In Chinese "督办" once the catalogue has the new msgid (context "opens the supervision
    # form"); until then its English source.
    assert re.search(r'<summary class="btn btn-outline-warning[^"]*">([^<]*)<', chinese)
