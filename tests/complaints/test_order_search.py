"""The order list's search as officials use it: what a citizen reads out on the phone, typed
the way people type it, finds the order, and only among the orders the official may see."""

import re
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest

from tests.factories import make_order
from tests.helpers import asked_export

PHONE = "13812345678"
CREDIT_CODE = "91120222MA05ABCD1X"


def numbers_found(client, **params) -> list[str]:
    response = client.get("/orders/?" + urlencode({"tab": "all", **params}))
    assert response.status_code == 200
    return re.findall(r'row-link" href="/orders/([^/]+)/', response.content.decode())


@pytest.fixture
def orders(office_staff):
    """An order of the Market Regulation Bureau, co-handled by the Housing Commission, and
    another of the Housing Commission's own."""
    ours = make_order(
        office_staff,
        citizen_phone=PHONE,
        external_ref="TJ12345-2026-0001",
        business_name="天津市武清区好又多超市有限公司",
        business_credit_code=CREDIT_CODE,
        co_unit_codes=["housing"],
    )
    other = make_order(
        office_staff,
        unit_code="housing",
        title="电梯坏了",
        content="小区电梯坏了一个月",
        citizen_phone="+86 139-0000-1111",
    )
    return ours, other


def test_the_number_is_found_however_it_is_typed(client, office_staff, orders):
    ours, _other = orders
    year, serial = ours.number.split("-")[1:]
    client.force_login(office_staff)
    for typed in (
        ours.number.lower(),
        f"WQ {year} {serial}",
        f"wq{year}{serial}",
        f"{year}-{serial}",
        f"ＷＱ－{year}－{serial}".translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ):
        assert numbers_found(client, q=typed) == [ours.number], typed


def test_a_number_is_looked_up_by_itself_not_in_the_text_of_every_order(office_staff, orders):
    """An order number is the commonest search and no order's text is searched for it: with
    100,000 orders reading every title and content in upper case took 250 ms
    (scripts/benchmark_inbox.py, "search number as typed"), the number alone a few."""
    from complaints.filters import WorkOrderFilter
    from complaints.models import WorkOrder

    ours, _other = orders
    year, serial = ours.number.split("-")[1:]
    search = WorkOrderFilter({"q": f"wq {year} {serial}"}, queryset=WorkOrder.objects.all())
    where = str(search.qs.query).split(" WHERE ", 1)[1]
    assert list(search.qs) == [ours]
    assert '"content"' not in where and '"title"' not in where and '"business_name"' not in where


def test_the_hotline_id_is_found_in_lower_case_too(client, office_staff, orders):
    ours, _other = orders
    client.force_login(office_staff)
    for typed in ("TJ12345-2026-0001", "tj12345-2026-0001", " ｔｊ12345-2026-0001 "):
        assert numbers_found(client, q=typed) == [ours.number], typed


def test_a_phone_is_found_with_spaces_dashes_the_country_code_or_full_width_digits(
    client, office_staff, orders
):
    ours, other = orders
    client.force_login(office_staff)
    for typed in (
        "138 1234 5678",
        "138-1234-5678",
        "+8613812345678",
        "+86 138 1234 5678",
        "0086 13812345678",
        "１３８１２３４５６７８",
        "(+86) 138-1234-5678",
    ):
        assert numbers_found(client, q=typed) == [ours.number], typed
    for typed in ("13900001111", "139 0000 1111", "+86 139-0000-1111", "１３９００００１１１１"):
        assert numbers_found(client, q=typed) == [other.number], typed


def test_a_landline_written_from_abroad_is_found_as_dialled_at_home(client, office_staff, orders):
    landline = make_order(office_staff, citizen_phone="+86 22 8200 1234")
    client.force_login(office_staff)
    for typed in ("022-8200-1234", "(022) 82001234", "+86 22 8200 1234", "0086 22 82001234"):
        assert numbers_found(client, q=typed) == [landline.number], typed


def searched(user, value: str) -> tuple[list, str]:
    """The orders a search finds for `user`, and the WHERE clause it asked."""
    from complaints.filters import WorkOrderFilter
    from complaints.models import WorkOrder

    request = SimpleNamespace(user=user)
    search = WorkOrderFilter({"q": value}, queryset=WorkOrder.objects.all(), request=request)
    return list(search.qs), str(search.qs.query).split(" WHERE ", 1)[1]


def test_a_phone_is_compared_with_the_indexed_digits_not_read_from_every_orders_phone(
    office_staff, orders
):
    """Taking each order's phone apart (five REPLACE a row) took 98 ms over 100,000 orders."""
    ours, _other = orders
    found, where = searched(office_staff, "138 1234 5678")
    assert found == [ours]
    assert "REPLACE" not in where.upper()
    assert '"citizen_phone_digits" = 13812345678' in where


def test_a_phone_typed_with_its_country_code_is_looked_up_by_the_phone_alone(
    office_staff, housing_staff, orders
):
    """`+86` says it is a phone: no order's text is read for it, as for an order number
    typed with its WQ; the phone's index answers."""
    ours, other = orders
    found, where = searched(office_staff, "+86 138-1234-5678")
    assert found == [ours]
    assert '"content"' not in where and '"title"' not in where and '"business_name"' not in where
    # Still only where the phone is shown unmasked: the Housing Commission's own order.
    assert searched(housing_staff, "+86 138 1234 5678")[0] == []
    found, where = searched(housing_staff, "＋８６ １３９ ００００ １１１１")
    assert found == [other]
    assert '"primary_unit_id"' in where


def test_a_phone_however_typed_finds_only_orders_whose_phone_the_unit_is_shown(
    client, housing_staff, orders
):
    """The Housing Commission co-handles `ours` and is shown its phone masked: no way of
    typing the number may find it there, while its own order's phone is found."""
    ours, other = orders
    client.force_login(housing_staff)
    for typed in ("+86 138 1234 5678", "１３８１２３４５６７８", "138-1234-5678"):
        assert numbers_found(client, q=typed) == [], typed
    assert numbers_found(client, q="139 0000 1111") == [other.number]
    assert numbers_found(client, q="好又多") == [ours.number]  # what it may read it finds


def test_the_business_is_found_by_its_credit_code_whole_or_in_part(
    client, office_staff, mr_staff, housing_staff, orders
):
    ours, _other = orders
    for person in (office_staff, mr_staff, housing_staff):
        client.force_login(person)
        for typed in (CREDIT_CODE, CREDIT_CODE.lower(), "MA05ABCD", "ma05 abcd"):
            assert numbers_found(client, q=typed) == [ours.number], (person.username, typed)
    client.force_login(mr_staff)
    assert numbers_found(client, q="电梯") == []  # the other unit's order stays out of sight


def test_a_bad_filter_beside_a_search_shows_no_order_rather_than_every_order(
    client, office_staff, orders
):
    """A filter the list cannot read used to drop every filter, the search included: the
    page listed all orders under the words searched for."""
    client.force_login(office_staff)
    response = client.get("/orders/?" + urlencode({"tab": "all", "q": "电梯", "kind": "bogus"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert not re.findall(r'row-link" href="/orders/', page)
    assert "Correct the filters marked below" in page or "请更正下面标出的筛选条件" in page
    response, export = asked_export(client, urlencode({"q": "电梯", "kind": "bogus"}))
    assert response.status_code == 302 and export is None


def test_the_citizens_full_name_finds_the_order_only_where_the_phone_would(
    client, office_staff, office_director, mr_staff, mr_liaison, mr_head, housing_staff, leader
):
    """The name is personal data as the phone is: the office and the primary unit find the
    order by it; the co-handling Housing Commission and the leader, shown the phone masked,
    do not, as finding an order by a name tells whose complaint it is."""
    order = make_order(office_staff, citizen_name="李秀英", co_unit_codes=["housing"])
    make_order(office_staff, citizen_name="李秀英华")
    for person in (office_staff, office_director, mr_staff, mr_liaison, mr_head):
        client.force_login(person)
        for typed in ("李秀英", "  李秀英 ", "　李秀英"):
            assert numbers_found(client, q=typed) == [order.number], (person.username, typed)
        for part in ("李", "秀英", "李秀"):  # the full name only
            assert numbers_found(client, q=part) == [], (person.username, part)
    for person in (housing_staff, leader):
        client.force_login(person)
        assert numbers_found(client, q="李秀英") == [], person.username
        # What they may read they still find.
        assert numbers_found(client, q="酸奶") != [], person.username
