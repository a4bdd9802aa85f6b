"""The disputes list has a search box: an official finds a dispute by its number, by its
order's number as people type one, by the lead's number, by the business or a unit named,
or by words of what is disputed, among the disputes the list already shows them; page
links keep the search, and a search that finds nothing says so.

Pages in English (the `django_language` cookie). "Now" is Monday 6 July 2026 in Beijing."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from complaints import disputes, referrals, workflow
from complaints.deadlines import BEIJING
from tests.factories import make_order


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 7, 6, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def found(client, **params) -> list[str]:
    response = client.get(reverse("dispute_list"), params)
    assert response.status_code == 200
    return re.findall(r'<tr data-dispute="(\d+)"', response.content.decode())


@pytest.fixture
def two(db, office_staff, mr_staff):
    order = make_order(office_staff, business_name="武清区某某超市有限公司")
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    about_order = disputes.dispute_open(
        acting_user=mr_staff, order_number=order.number, summary="酸奶过期不属于本局管辖"
    )
    lead = referrals.referral_send(
        acting_user=mr_staff, to_unit_code="commerce", title="预付卡卷款", facts="停业"
    )
    about_lead = disputes.dispute_open(
        acting_user=mr_staff, referral_id=lead.id, summary="预付卡由商务局处理"
    )
    return order, about_order, lead, about_lead


def test_a_dispute_is_found_by_what_an_official_types(english, two, office_staff, mr_staff):
    order, about_order, lead, about_lead = two
    year, serial = order.number.split("-")[1:]
    for person in (office_staff, mr_staff):
        english.force_login(person)
        for typed in (
            about_order.number,
            about_order.number.lower().replace("-", " "),
            order.number,
            f"wq {year} {serial}",
            "某某超市",
            "酸奶过期",
        ):
            assert found(english, q=typed) == [str(about_order.id)], (person.username, typed)
        # Digits alone may be any record's number: this order's, and the lead's and the
        # dispute's numbered 1 too.
        assert str(about_order.id) in found(english, q=f"{year}{serial}")
        assert found(english, q=lead.number) == [str(about_lead.id)]
        assert found(english, q="商务局") == [str(about_lead.id)]
        assert found(english, q="预付卡", status="open") == [str(about_lead.id)]


def test_another_unit_finds_none_of_them(english, two, housing_staff):
    order, about_order, _lead, _about_lead = two
    english.force_login(housing_staff)
    for typed in (about_order.number, order.number, "某某超市", "酸奶过期"):
        assert found(english, q=typed) == []


def test_an_empty_result_says_so_and_the_box_keeps_the_words(english, two, mr_staff):
    english.force_login(mr_staff)
    page = english.get(reverse("dispute_list"), {"q": "没有这样的争议"}).content.decode()
    assert "No dispute matches the search." in page
    assert re.search(r'<input type="search" name="q" value="没有这样的争议"', page)


def test_page_links_keep_the_search(english, db, office_staff, mr_staff):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    for n in range(26):
        lead = referrals.referral_send(
            acting_user=mr_staff, to_unit_code="commerce", title=f"线索{n}", facts="停业"
        )
        disputes.dispute_open(acting_user=mr_staff, referral_id=lead.id, summary=f"同类争议{n}")
    english.force_login(mr_staff)
    page = english.get(reverse("dispute_list"), {"q": "同类争议"}).content.decode()
    assert len(re.findall(r"<tr data-dispute=", page)) == 25
    link = re.search(r'class="page-link" href="\?([^"]+)"', page)[1]
    assert "q=%E5%90%8C%E7%B1%BB%E4%BA%89%E8%AE%AE" in link and "page=2" in link
    assert len(found(english, q="同类争议", page=2)) == 1
