"""A unit that disputes an order within its sign-for time is not held overdue while the
dispute waits for the group leader: the sign-for clock stops when the dispute is opened,
and the leader's decision gives the unit designated a fresh one, counted in working days
from the decision. A unit that let its sign-for time pass before disputing stays overdue.

"Now" is Monday 21 September 2026, 10:00 in Beijing; the complaint is dispatched to the
Commerce Bureau then, so it is to be signed for by the end of Tuesday 22 September. The
Mid-Autumn days (25-27 September) and the National Day holiday (1-7 October) are off.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from complaints import disputes, selectors, workflow
from complaints.choices import Status
from complaints.deadlines import BEIJING
from complaints.models import Dispute, WorkOrder
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def clock():
    with time_machine.travel(at(2026, 9, 21), tick=False) as traveller:
        yield traveller


@pytest.fixture
def commerce(db):
    return UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])


@pytest.fixture
def education(db):
    return UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF])


@pytest.fixture
def order(clock, office_staff, commerce) -> WorkOrder:
    order = make_order(office_staff, unit_code="commerce", content="培训学校预付学费停课，要求退费")
    assert order.status == Status.ASSIGNED
    assert order.due_sign_for == datetime(2026, 9, 22, 23, 59, 59, tzinfo=BEIJING)
    return order


def overdue_for(user, now) -> list[WorkOrder]:
    return list(selectors.orders_in_tab(user, "overdue", now))


def counted_overdue(now) -> list[WorkOrder]:
    """What the dashboards and the quarterly figures count as overdue."""
    return list(WorkOrder.objects.filter(next_due_at__lt=now))


def test_the_sign_for_clock_stops_while_the_dispute_waits_for_the_leader(
    clock, order, commerce, client
):
    disputes.dispute_open(
        acting_user=commerce, order_number=order.number, summary="培训机构属教育局监管"
    )
    clock.move_to(at(2026, 9, 23))  # a day after the sign-for deadline
    now = at(2026, 9, 23)
    order.refresh_from_db()
    assert "sign_for" not in workflow.open_deadline_names(order)
    assert order.next_due_name != "sign_for"
    assert order not in overdue_for(commerce, now)
    assert order not in counted_overdue(now)

    client.force_login(commerce)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    assert "stopped while the dispute waits for the group leader" in page


def test_the_leaders_decision_gives_the_unit_designated_a_fresh_sign_for_deadline(
    clock, order, commerce, education, office_staff, leader
):
    dispute = disputes.dispute_open(
        acting_user=commerce,
        order_number=order.number,
        summary="培训机构属教育局监管",
        suggested_unit_code="education",
    )
    clock.move_to(at(2026, 9, 28))
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=office_staff, proposal="建议由教育局办理"
    )
    decided = at(2026, 9, 30, 15)
    clock.move_to(decided)
    disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=leader, unit_code="education", note="属教育"
    )
    order.refresh_from_db()
    assert order.primary_unit == unit("education")
    assert order.status == Status.ASSIGNED
    # One working day from the decision: the National Day holiday is skipped.
    assert order.due_sign_for == datetime(2026, 10, 8, 23, 59, 59, tzinfo=BEIJING)
    assert "sign_for" in workflow.open_deadline_names(order)
    assert order.next_due_at <= order.due_sign_for
    assert order not in overdue_for(education, at(2026, 10, 8, 20))
    assert order in overdue_for(education, at(2026, 10, 9))


def test_the_same_unit_designated_gets_a_fresh_deadline_too(
    clock, order, commerce, office_staff, leader
):
    dispute = disputes.dispute_open(
        acting_user=commerce, order_number=order.number, summary="不属于商务部门"
    )
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office_staff, proposal="建议")
    clock.move_to(at(2026, 9, 24, 9))
    disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=leader, unit_code="commerce", note="属商务"
    )
    order.refresh_from_db()
    assert order.due_sign_for == datetime(2026, 9, 28, 23, 59, 59, tzinfo=BEIJING)
    assert order.next_due_name == "sign_for"
    assert order not in overdue_for(commerce, at(2026, 9, 28, 12))


def test_a_unit_that_let_its_sign_for_time_pass_before_disputing_stays_overdue(
    clock, order, commerce
):
    clock.move_to(at(2026, 9, 23))
    disputes.dispute_open(
        acting_user=commerce, order_number=order.number, summary="培训机构属教育局监管"
    )
    order.refresh_from_db()
    assert order.next_due_name == "sign_for"
    assert order in overdue_for(commerce, at(2026, 9, 23, 11))
    assert order in counted_overdue(at(2026, 9, 23, 11))


def test_a_holiday_recount_during_the_dispute_does_not_restart_the_sign_for_clock(
    clock, order, commerce
):
    disputes.dispute_open(acting_user=commerce, order_number=order.number, summary="不属于商务")
    workflow.workorders_recount_deadlines(since=at(2026, 9, 21).date())
    order.refresh_from_db()
    assert "sign_for" not in workflow.open_deadline_names(order)
    assert order.next_due_name != "sign_for"


def test_the_office_dispatching_elsewhere_meanwhile_starts_that_units_clock(
    clock, order, commerce, office_staff
):
    disputes.dispute_open(acting_user=commerce, order_number=order.number, summary="不属于商务")
    clock.move_to(at(2026, 9, 22))
    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="education", reason="属教育"
    )
    order.refresh_from_db()
    # The dispute, still waiting for the office's proposal, is settled by the re-dispatch
    # (tests/complaints/test_redispatch_settles_dispute.py): it no longer waits for anyone.
    assert Dispute.objects.get(order=order).status == "dispatched"
    assert order.due_sign_for == datetime(2026, 9, 23, 23, 59, 59, tzinfo=BEIJING)
    assert order.next_due_name == "sign_for"
