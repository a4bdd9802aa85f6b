"""Once one of a unit's people signs for an order, the others' "new order … sign for it by"
notice is done: it is marked read for the whole unit, as opening the order's page marks
read the reader's own (`notifications_mark_read_at`). Before, everyone else in the unit kept
an unread notice asking them to sign for an order a colleague had signed for already."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import workflow
from departments.choices import RoleCode
from departments.models import Notification
from tests.factories import UserFactory, make_order, unit

pytestmark = pytest.mark.django_db


def unread(user, category: str = "dispatch") -> list[str]:
    return list(
        Notification.objects.filter(
            recipient=user, category=category, read_at__isnull=True
        ).values_list("key", flat=True)
    )


def colleague(code: str = "housing", role: str = RoleCode.UNIT_STAFF):
    return UserFactory(unit=unit(code), roles=[role])


def test_signing_for_an_order_marks_its_new_order_notice_read_for_the_unit(
    office_staff, housing_staff, housing_head
):
    other, helper = colleague(), colleague("education")
    order = make_order(office_staff, unit_code="housing", co_unit_codes=["education"])
    still_to_sign = make_order(office_staff, unit_code="housing")
    for person in (housing_staff, housing_head, other):
        assert len(unread(person)) == 2

    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)

    for person in (housing_staff, housing_head, other):
        assert unread(person) == [f"dispatched:{still_to_sign.id}:{still_to_sign.dispatch_count}"]
    # The co-handling unit is asked for its opinion, not to sign: that is not done.
    assert unread(helper) == [f"co_handling:{order.id}:{unit('education').id}"]


def test_an_order_back_with_the_unit_marks_its_earlier_notice_read_too(
    office_staff, housing_staff, mr_staff
):
    """Returned unsigned and dispatched to the unit again: signing for it does what the
    notice of the new assignment asks; the first one was done when the order left the unit,
    as the notice of the unit it went to in between when it left that one
    (tests/complaints/test_order_left_unit_notices_done.py)."""
    order = make_order(office_staff, unit_code="housing")
    workflow.workorder_return(order_id=order.id, acting_user=housing_staff, reason="不属本单位")
    workflow.workorder_dispatch(
        order_id=order.id, acting_user=office_staff, unit_code="market-regulation"
    )
    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="housing", reason="仍属住建"
    )
    other = colleague()
    assert unread(housing_staff) == [f"dispatched:{order.id}:3"]
    assert unread(mr_staff) == []
    workflow.workorder_sign(order_id=order.id, acting_user=other)
    assert unread(housing_staff) == []


def test_signing_marks_them_read_in_one_statement_however_many_were_told(office_staff):
    def queries_to_sign() -> int:
        order = make_order(office_staff, unit_code="housing")
        signer = colleague()
        with CaptureQueriesContext(connection) as queries:
            workflow.workorder_sign(order_id=order.id, acting_user=signer)
        return len(queries)

    few = queries_to_sign()
    for _ in range(5):
        colleague()
    many = queries_to_sign()
    assert few == many
    assert not Notification.objects.filter(category="dispatch", read_at__isnull=True).exists()
