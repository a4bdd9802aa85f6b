"""The demo's sample orders (`load_demo`) were received days ago, but their history said they
were registered, dispatched and signed for today: the page read "received 5 days ago,
registered today". Their history now agrees with the time received."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.choices import Action
from complaints.demo import load_demo_orders
from complaints.models import WorkOrder
from departments.choices import RoleCode
from tests.factories import UserFactory, unit

pytestmark = pytest.mark.django_db


def test_the_demo_orders_history_agrees_with_when_they_were_received():
    UserFactory(username="office", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    UserFactory(username="housing_staff", unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])
    assert load_demo_orders() > 0
    now = timezone.now()
    signed = 0
    for order in WorkOrder.objects.prefetch_related("events"):
        events = sorted(order.events.all(), key=lambda e: e.id)
        assert events[0].action == Action.CREATE
        assert events[0].created_at == order.received_at, order.number
        times = [e.created_at for e in events]
        assert times == sorted(times), order.number
        assert times[-1] < now - timedelta(hours=12), order.number
        moments = {e.action: e.created_at for e in events}
        if order.dispatched_at:
            assert order.dispatched_at == moments[Action.DISPATCH], order.number
        if order.signed_at:
            signed += 1
            assert order.signed_at == moments[Action.SIGN], order.number
        assert order.created_at == order.received_at, order.number
    assert signed == 1
