"""An order's co-handling units are listed in the portal's order of units (the unit list's
sort order), on its page and in the hotline's API, whatever order they were stored in:
read back with no order, they came in whatever order the database's join gave, which
changed with nothing but an update of the units' rows."""

import re

import pytest
from django.utils import translation

from complaints.choices import UnitRelation
from complaints.clients import api_client_create
from complaints.models import WorkOrder, WorkOrderUnit
from departments.models import Unit
from tests.factories import make_order

pytestmark = pytest.mark.django_db

CODES = ["public-security", "market-regulation", "housing"]


def portal_order(codes: list[str]) -> list[str]:
    return list(Unit.objects.filter(code__in=codes).values_list("code", flat=True))


def stored_in(order: WorkOrder, codes: list[str]) -> None:
    """The co-handling links written in the order given, not the portal's."""
    assert portal_order(codes) != codes
    WorkOrderUnit.objects.filter(order=order, relation=UnitRelation.CO).delete()
    for code in codes:
        WorkOrderUnit.objects.create(
            order=order, unit=Unit.objects.get(code=code), relation=UnitRelation.CO
        )


def test_the_order_page_lists_co_units_in_the_portals_order(client, office_staff):
    order = make_order(office_staff, unit_code="commerce")
    stored_in(order, CODES)

    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    page = client.get(f"/orders/{order.number}/").content.decode()
    listed = re.search(r"Co-handling: ([^<]*)</div>", page).group(1).split(", ")
    with translation.override("en"):
        names = {u.code: str(u.display_name) for u in Unit.objects.filter(code__in=CODES)}
    assert listed == [names[code] for code in portal_order(CODES)]


def test_the_hotline_api_lists_co_units_in_the_portals_order(client):
    key = api_client_create(name="12345")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    pushed = client.post(
        "/api/v1/hotline/work-orders/",
        {"hotline_id": "TJ-CO-1", "content": "超市卖过期牛奶", "citizen": {"phone": "13812345678"}},
        content_type="application/json",
        **auth,
    ).json()
    order = WorkOrder.objects.get(number=pushed["number"])
    others = [
        code
        for code in Unit.objects.filter(kind="member").values_list("code", flat=True)
        if code != (order.primary_unit.code if order.primary_unit else None)
    ]
    codes = [others[-1], others[0], others[1]]
    stored_in(order, codes)

    answer = client.get("/api/v1/hotline/work-orders/TJ-CO-1/", **auth).json()
    assert [u["code"] for u in answer["co_units"]] == portal_order(codes)
    listed = client.get("/api/v1/hotline/work-orders/", **auth).json()["results"]
    assert [u["code"] for u in listed[0]["co_units"]] == portal_order(codes)
