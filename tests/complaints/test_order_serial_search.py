"""An order found by part of its number: the serial alone (`123`, `000123`, `wq 123`), as
an official reads it off a paper slip or hears it on the phone, in every year's numbering,
among the orders the official may see, and from the number's index."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlencode

import pytest
import time_machine

from complaints.deadlines import BEIJING
from complaints.filters import WorkOrderFilter
from complaints.models import WorkOrder
from tests.factories import make_order


def numbers_found(client, **params) -> list[str]:
    response = client.get("/orders/?" + urlencode({"tab": "all", **params}))
    assert response.status_code == 200
    return sorted(re.findall(r'row-link" href="/orders/([^/]+)/', response.content.decode()))


@pytest.fixture
def orders(office_staff):
    """WQ-2025-000001 and WQ-2026-000001 of the Market Regulation Bureau, WQ-2026-000002
    of the Housing Commission."""
    with time_machine.travel(datetime(2025, 12, 30, 10, tzinfo=BEIJING), tick=False):
        last_year = make_order(office_staff)
    with time_machine.travel(datetime(2026, 1, 5, 10, tzinfo=BEIJING), tick=False):
        ours = make_order(office_staff)
        other = make_order(office_staff, unit_code="housing", content="小区电梯坏了一个月")
    assert (last_year.number, ours.number, other.number) == (
        "WQ-2025-000001",
        "WQ-2026-000001",
        "WQ-2026-000002",
    )
    return last_year, ours, other


def test_the_serial_alone_finds_the_order_of_every_year(client, office_staff, orders):
    last_year, ours, other = orders
    client.force_login(office_staff)
    for typed in ("1", "000001", "00 0001", "wq 1", "WQ-000001", "１"):
        assert numbers_found(client, q=typed) == [last_year.number, ours.number], typed
    for typed in ("2", "000002", "wq2"):
        assert numbers_found(client, q=typed) == [other.number], typed


def test_another_unit_finds_none_of_them(client, housing_staff, orders):
    _last_year, _ours, other = orders
    client.force_login(housing_staff)
    assert numbers_found(client, q="000001") == []
    assert numbers_found(client, q="2") == [other.number]


def test_the_serial_with_its_prefix_is_read_from_the_number_alone(office_staff, orders):
    """'wq 123' is a number and nothing else: the index answers it, no order's text is read
    (as for a whole number, tests/complaints/test_order_search.py)."""
    search = WorkOrderFilter({"q": "wq 000001"}, queryset=WorkOrder.objects.all())
    where = str(search.qs.query).split(" WHERE ", 1)[1]
    assert sorted(o.number for o in search.qs) == ["WQ-2025-000001", "WQ-2026-000001"]
    assert '"content"' not in where and '"title"' not in where
