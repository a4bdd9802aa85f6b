"""The order list's sorts: each puts every order in one place, the orders without a deadline
come after the others when sorted by deadline either way, and the deadline sorts read a page
from an index rather than sorting every order (a year's 100,000 orders took 500 ms)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import OrderBy

from complaints.filters import WorkOrderFilter
from complaints.models import WorkOrder
from complaints.views import LatestDeadlineFirstPaginator
from tests.factories import make_order

SORTS = {
    "next_due_at": ["next_due_at nulls last", "id"],
    "-next_due_at": ["-next_due_at nulls last", "-id"],
    "received_at": ["received_at", "id"],
    "-received_at": ["-received_at", "-id"],
    "status": ["status", "-received_at", "-id"],
    "-status": ["-status", "received_at", "id"],
    "number": ["number"],
    "-number": ["-number"],
}


def sorted_orders(sort: str):
    filterset = WorkOrderFilter({"sort": sort}, queryset=WorkOrder.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


@pytest.mark.django_db
@pytest.mark.parametrize(("sort", "ordering"), SORTS.items())
def test_each_sort_ends_on_a_key_no_two_orders_share(sort, ordering):
    """Sorted by deadline alone, the closed orders (no deadline) tied, and the database
    could show one on two pages and another on none."""
    assert [written(key) for key in sorted_orders(sort).query.order_by] == ordering


def written(key) -> str:
    if not isinstance(key, OrderBy):
        return key
    sign = "-" if key.descending else ""
    return f"{sign}{key.expression.name}{' nulls last' if key.nulls_last else ''}"


def plan_of(queryset) -> str:
    """The plan of a page of `queryset` with sorting made as dear as the planner allows."""
    sql, params = queryset[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_a_page_sorted_by_deadline_is_read_in_order_from_an_index(office_staff):
    """The plan of a page has no sort: an index gives the orders in the list's order
    (wo_next_due_id; latest first, in two parts, the second from the primary key)."""
    make_order(office_staff)
    soonest = plan_of(sorted_orders("next_due_at"))
    assert "Sort" not in soonest and "wo_next_due_id" in soonest, soonest
    dated, undated = LatestDeadlineFirstPaginator(sorted_orders("-next_due_at"), 25).parts()
    assert "Sort" not in plan_of(dated) and "wo_next_due_id" in plan_of(dated), plan_of(dated)
    assert "Sort" not in plan_of(undated), plan_of(undated)


@pytest.fixture
def some_without_a_deadline(office_staff):
    """Seven orders, four of them closed (no deadline), two sharing a deadline."""
    orders = [make_order(office_staff) for _ in range(7)]
    WorkOrder.objects.filter(id__in=[o.id for o in orders[::2]]).update(next_due_at=None)
    first, _second, third = (o for o in orders if o.id not in {x.id for x in orders[::2]})
    WorkOrder.objects.filter(id=first.id).update(
        next_due_at=WorkOrder.objects.get(id=third.id).next_due_at
    )
    return orders


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["next_due_at", "-next_due_at"])
def test_orders_without_a_deadline_come_last_either_way(some_without_a_deadline, sort):
    """Latest first, PostgreSQL put the closed orders first and the list opened on them."""
    listed = list(sorted_orders(sort).values_list("next_due_at", flat=True))
    assert listed[:3] == sorted(listed[:3], reverse=sort.startswith("-"))
    assert None not in listed[:3] and listed[3:] == [None] * 4


@pytest.mark.django_db
@pytest.mark.parametrize("per_page", [1, 2, 3, 5, 7, 25])
def test_latest_first_pages_hold_the_list_in_its_order_each_order_once(
    some_without_a_deadline, per_page
):
    expected = list(sorted_orders("-next_due_at").values_list("id", flat=True))
    paginator = LatestDeadlineFirstPaginator(sorted_orders("-next_due_at"), per_page)
    paged = [o.id for n in paginator.page_range for o in paginator.page(n)]
    assert paged == expected and paginator.count == 7


@pytest.mark.django_db
def test_the_list_page_sorted_latest_first_opens_on_orders_with_a_deadline(
    client, office_staff, some_without_a_deadline
):
    client.force_login(office_staff)
    page = client.get("/orders/?tab=all&sort=-next_due_at").content.decode()
    dated = WorkOrder.objects.filter(next_due_at__isnull=False).order_by("-next_due_at", "-id")
    undated = WorkOrder.objects.filter(next_due_at__isnull=True).order_by("-id")
    numbers = [o.number for o in [*dated, *undated]]
    shown = [page.index(f">{number}<") for number in numbers]
    assert shown == sorted(shown)
