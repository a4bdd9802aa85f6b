"""The notifications page has a search box: a person finds what they were told by a
record's number as people type one (an order's, a lead's, a dispute's) or by its words,
among their own notifications only; page links and the unread switch keep the search,
and a search that finds nothing says so.

Pages in English (the `django_language` cookie); the notifications are kept as written, in
the district's language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from departments.models import Notification


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def tell(user, key: str, title: str, body: str = "") -> Notification:
    return Notification.objects.create(
        recipient=user, key=key, category="workflow", title=title, body=body, url="/orders/"
    )


def found(client, **params) -> list[str]:
    response = client.get(reverse("notification_list"), params)
    assert response.status_code == 200
    return re.findall(r'href="/notifications/(\d+)/', response.content.decode())


@pytest.fixture
def told(db, mr_staff, housing_staff):
    due = tell(mr_staff, "a", "即将到期：WQ-2026-000123，受理期限", "请于7月8日17:00前办理。")
    lead = tell(mr_staff, "b", "线索 YS-2026-000007 已移送商务局", "预付卡卷款线索")
    other = tell(housing_staff, "c", "即将到期：WQ-2026-000123，受理期限", "物业维修")
    return due, lead, other


def test_a_notification_is_found_by_a_number_as_typed_or_by_its_words(english, told, mr_staff):
    due, lead, _other = told
    english.force_login(mr_staff)
    for typed in (
        "WQ-2026-000123",
        "wq 2026 000123",
        "2026000123",
        "２０２６０００１２３",
        "受理期限",
        "17:00",
    ):
        assert found(english, q=typed) == [str(due.id)], typed
    for typed in ("ys2026000007", "YS-2026-000007", "预付卡"):
        assert found(english, q=typed) == [str(lead.id)], typed
    lead.read_at = lead.created_at
    lead.save(update_fields=["read_at"])
    assert found(english, q="预付卡", unread="1") == []


def test_another_person_finds_none_of_them(english, told, housing_staff):
    _due, lead, other = told
    english.force_login(housing_staff)
    assert found(english, q="WQ-2026-000123") == [str(other.id)]
    assert found(english, q="预付卡") == []
    assert found(english, q=lead.title) == []


def test_an_empty_result_says_so_and_links_keep_the_search(english, db, mr_staff):
    for n in range(26):
        tell(mr_staff, f"k{n}", f"督办：WQ-2026-{n:06d}")
    english.force_login(mr_staff)
    page = english.get(reverse("notification_list"), {"q": "督办"}).content.decode()
    assert len(re.findall(r'href="/notifications/\d+/', page)) == 25
    link = re.search(r'class="page-link" href="\?([^"]+)"', page)[1]
    assert "q=%E7%9D%A3%E5%8A%9E" in link and "page=2" in link
    assert re.search(r'href="\?q=%E7%9D%A3%E5%8A%9E&amp;unread=1"', page)  # the unread switch
    empty = english.get(reverse("notification_list"), {"q": "没有这样的通知"}).content.decode()
    assert "No notification matches the search." in empty
    assert re.search(r'<input type="search" name="q" value="没有这样的通知"', empty)
