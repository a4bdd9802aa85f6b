"""An order that leaves a unit as its primary unit (returned, re-dispatched elsewhere, given
to another unit by the group leader's decision, merged) takes with it what that unit was
asked to do about it: the unit's unread "new order … sign for it by" notice, and its
due-soon and overdue reminders of the order, are done for its people, as signing marks the
new-order notice done (tests/complaints/test_signed_for_new_order_notice_read.py). Before,
Housing's bell kept "新工单 WQ-… 已派至本单位，请于…前签收" for an order it no longer had.

The unit the order goes to is told afresh, and reminded of its deadlines even when the unit
that had the order was reminded of the same deadline already."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import reminders, workflow
from complaints.deadlines import BEIJING
from complaints.models import PossibleDuplicate
from departments.choices import RoleCode
from departments.models import Notification
from tests.factories import UserFactory, make_order, unit

pytestmark = pytest.mark.django_db

NOTICES = ("dispatch", "due_soon", "overdue")


def unread(user, *, order=None) -> list[str]:
    """The user's unread order notices (new order, co-handling, due soon, overdue), by key."""
    found = Notification.objects.filter(recipient=user, category__in=NOTICES, read_at__isnull=True)
    if order is not None:
        found = found.filter(url__contains=f"/{order.number}/")
    return sorted(found.values_list("key", flat=True))


def colleague(code: str = "housing", role: str = RoleCode.UNIT_STAFF):
    return UserFactory(unit=unit(code), roles=[role])


@pytest.fixture
def clock():
    """Monday 6 July 2026, 10:00 in Beijing: a week of working days ahead."""
    with time_machine.travel(datetime(2026, 7, 6, 10, tzinfo=BEIJING), tick=False) as traveller:
        yield traveller


def test_a_returned_order_takes_the_units_new_order_notice_with_it(
    office_staff, housing_staff, housing_head
):
    other, helper = colleague(), colleague("education")
    order = make_order(office_staff, unit_code="housing", co_unit_codes=["education"])
    still_there = make_order(office_staff, unit_code="housing", content="另一件：物业费乱收")
    assert unread(other, order=order) == [f"dispatched:{order.id}:1"]

    workflow.workorder_return(order_id=order.id, acting_user=housing_staff, reason="不属本单位")

    for person in (housing_staff, housing_head, other):
        assert unread(person) == [f"dispatched:{still_there.id}:1"]
    # The co-handling unit's request for an opinion is not the primary unit's to take away.
    assert unread(helper) == [f"co_handling:{order.id}:{unit('education').id}"]


def test_a_re_dispatched_order_takes_it_with_it_and_the_new_unit_is_told(
    office_staff, housing_staff, mr_staff
):
    order = make_order(office_staff, unit_code="housing")

    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="market-regulation", reason="属市场"
    )

    assert unread(housing_staff) == []
    assert unread(mr_staff) == [f"dispatched:{order.id}:2"]


def test_the_leaders_decision_leaves_the_former_primary_unit_only_its_co_handling_request(
    office_staff, leader, housing_staff, mr_staff
):
    """Designated to Market Regulation with Housing co-handling: Housing is no longer asked
    to sign for it; what it is asked now (its opinion) reaches it by the decision's notice."""
    order = make_order(office_staff, unit_code="housing")

    workflow.workorder_assign_by_decision(
        order_id=order.id,
        deciding_user=leader,
        unit_code="market-regulation",
        co_unit_codes=["housing"],
        reason="市场监管局主办，住建委协办",
        decision="ZY-2026-000001",
    )

    assert f"dispatched:{order.id}:1" not in unread(housing_staff)
    assert unread(mr_staff) == [f"dispatched:{order.id}:2"]


def test_the_leader_designating_the_unit_that_has_it_replaces_its_notice(
    office_staff, leader, housing_staff
):
    """The unit keeps the order by the decision, with a new time to sign for it: the notice
    of the assignment the decision replaced, with its old time, is done; the new one is
    not."""
    order = make_order(office_staff, unit_code="housing")

    workflow.workorder_assign_by_decision(
        order_id=order.id,
        deciding_user=leader,
        unit_code="housing",
        reason="仍由住建委办理",
        decision="ZY-2026-000001",
    )

    assert unread(housing_staff) == [f"dispatched:{order.id}:2"]


def test_a_merged_order_takes_the_units_new_order_notice_with_it(office_staff, housing_staff):
    earlier = make_order(office_staff, unit_code="housing", citizen_phone="13812345678")
    later = make_order(
        office_staff, unit_code="housing", citizen_phone="13812345678", content="电梯又坏了"
    )
    pair = PossibleDuplicate.objects.get(order=later)

    workflow.workorder_merge(order_id=later.id, acting_user=office_staff, duplicate_id=pair.id)

    assert unread(housing_staff) == [f"dispatched:{earlier.id}:1"]


def test_the_units_due_soon_and_overdue_reminders_of_the_order_go_with_it(
    clock, office_staff, housing_staff, housing_head, mr_staff
):
    order = make_order(office_staff, unit_code="housing")
    still_there = make_order(office_staff, unit_code="housing", content="另一件：物业费乱收")
    clock.move_to(order.due_sign_for - timedelta(hours=2))
    assert reminders.remind_due_soon() == 2
    clock.move_to(order.due_sign_for + timedelta(hours=1))
    assert reminders.supervise_overdue() == 2
    assert any(key.startswith(f"overdue:{order.id}:") for key in unread(housing_head))
    office_overdue = unread(office_staff, order=order)
    assert office_overdue

    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="market-regulation", reason="属市场"
    )

    for person in (housing_staff, housing_head):
        assert unread(person, order=order) == []
        assert unread(person, order=still_there)  # not this order's: still to do
    # The office's overdue notice is about the order, wherever it is: it stays.
    assert unread(office_staff, order=order) == office_overdue
    assert unread(mr_staff) == [f"dispatched:{order.id}:2"]


def test_the_unit_it_goes_to_is_reminded_of_a_deadline_the_first_unit_was_reminded_of(
    clock, office_staff, housing_staff, mr_staff
):
    """The decision deadline counts from the citizen's call, not from the assignment: the
    unit that signs for a re-dispatched order has the one the first unit was reminded of.
    It is reminded too, which it was not when the order had been reminded of it once."""
    order = make_order(office_staff, unit_code="housing")
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    order.refresh_from_db()
    decision = order.due_decision
    assert order.next_due_at == decision
    clock.move_to(decision - timedelta(hours=20))
    assert reminders.remind_due_soon() == 1

    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="market-regulation", reason="属市场"
    )
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    order.refresh_from_db()
    assert order.next_due_at == decision
    assert reminders.remind_due_soon() == 1
    assert len([k for k in unread(mr_staff) if k.startswith("due_soon:")]) == 1

    # Back with Housing, which signs for it again: Housing is reminded afresh.
    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="housing", reason="仍属住建"
    )
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    assert unread(mr_staff) == []
    assert reminders.remind_due_soon() == 1
    assert [k for k in unread(housing_staff) if k.startswith("due_soon:")]


def test_leaving_marks_them_done_in_one_statement_however_many_were_told(office_staff):
    def queries_to_return() -> int:
        order = make_order(office_staff, unit_code="housing")
        returner = colleague()
        with CaptureQueriesContext(connection) as queries:
            workflow.workorder_return(order_id=order.id, acting_user=returner, reason="不属本单位")
        return len(queries)

    few = queries_to_return()
    for _ in range(5):
        colleague()
    many = queries_to_return()
    assert few == many
    assert not Notification.objects.filter(category="dispatch", read_at__isnull=True).exists()
