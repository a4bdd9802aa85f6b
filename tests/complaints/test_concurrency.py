"""Several people acting on the same records at once, and the same form posted twice.

These tests commit (transaction=True) and use two database connections, so they need
PostgreSQL: SQLite's in-memory test database is not shared between threads and has no row
locks. They wait on conditions (barriers, events), never on the clock.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from complaints import workflow
from complaints.choices import Action, Status
from complaints.models import WorkOrderEvent
from tests.factories import make_order

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: two connections locking one row.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_office_redispatches_from_the_order_page_in_its_own_transaction(
    client, office_staff, mr_staff
):
    """The page calls the workflow outside any transaction; the re-dispatch must open its
    own, or locking the order fails on PostgreSQL and the office gets a server error."""
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    order.refresh_from_db()
    client.force_login(office_staff)

    response = client.post(
        reverse("order_act", args=[order.number, Action.REDISPATCH]),
        {"unit": "housing", "reason": "涉及物业，改派住建委", "version": order.version},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.primary_unit.code, order.dispatch_count) == (
        Status.ASSIGNED,
        "housing",
        2,
    )
    assert WorkOrderEvent.objects.filter(order=order, action=Action.REDISPATCH).count() == 1
