"""The mediation list has a search box: an official finds an agreement by its number, its
order's number as people type one, the parties, the mediator, the court's case number or
words of the terms, among the agreements the list already shows them (the recording unit
its own, the court those sent to it); page links keep the search, and a search that finds
nothing says so.

Pages in English (the `django_language` cookie). "Now" is Monday 6 July 2026 in Beijing."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from complaints import mediation, workflow
from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 7, 6, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def judge(db):
    return UserFactory(unit=unit("court"), roles=[RoleCode.UNIT_STAFF])


def record(office_staff, mr_staff, parties: str, terms: str, **kwargs):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    agreement = mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        parties=parties,
        terms=terms,
        effective_on=date(2026, 7, 3),
        **kwargs,
    )
    return order, agreement


def found(client, **params) -> list[str]:
    response = client.get(reverse("mediation_list"), params)
    assert response.status_code == 200
    return re.findall(r'<tr data-agreement="(\d+)"', response.content.decode())


def test_an_agreement_is_found_by_what_an_official_types(
    english, db, office_staff, mr_staff, judge
):
    order, agreement = record(
        office_staff, mr_staff, "张先生；武清区某某超市", "超市退还货款", mediator="李调解员"
    )
    _other_order, other = record(
        office_staff, mr_staff, "王女士；某某健身房", "退还预付费", consent="both"
    )
    mediation.agreement_submit(agreement_id=other.id, acting_user=mr_staff)
    year, serial = order.number.split("-")[1:]
    for person in (office_staff, mr_staff):
        english.force_login(person)
        for typed in (
            agreement.number,
            agreement.number.lower().replace("-", ""),
            order.number,
            f"wq-{year} {serial}",
            "某某超市",
            "李调解员",
            "退还货款",
        ):
            assert found(english, q=typed) == [str(agreement.id)], (person.username, typed)
        assert found(english, q="健身房") == [str(other.id)]
    # The court sees what was sent to it, and finds nothing else.
    english.force_login(judge)
    assert found(english, q="健身房", queue="0") == [str(other.id)]
    assert found(english, q="某某超市", queue="0") == []
    assert found(english, q=order.number, queue="0") == []
    tabs = english.get(reverse("mediation_list"), {"q": "健身房"}).content.decode()
    assert "?q=%E5%81%A5%E8%BA%AB%E6%88%BF&amp;queue=0" in tabs  # the tabs keep the search


def test_another_unit_finds_none_of_them(english, db, office_staff, mr_staff, housing_staff):
    order, agreement = record(office_staff, mr_staff, "张先生；武清区某某超市", "超市退还货款")
    english.force_login(housing_staff)
    for typed in (agreement.number, order.number, "某某超市", "退还货款"):
        assert found(english, q=typed) == []


def test_an_empty_result_says_so_and_page_links_keep_the_search(
    english, db, office_staff, mr_staff
):
    for n in range(26):
        record(office_staff, mr_staff, f"消费者{n}；某某商场", "退货")
    english.force_login(mr_staff)
    page = english.get(reverse("mediation_list"), {"q": "某某商场"}).content.decode()
    assert len(re.findall(r"<tr data-agreement=", page)) == 25
    link = re.search(r'class="page-link" href="\?([^"]+)"', page)[1]
    assert "q=%E6%9F%90%E6%9F%90%E5%95%86%E5%9C%BA" in link and "page=2" in link
    empty = english.get(reverse("mediation_list"), {"q": "没有这样的协议"}).content.decode()
    assert "No agreement matches the search." in empty
    assert re.search(r'<input type="search" name="q" value="没有这样的协议"', empty)
