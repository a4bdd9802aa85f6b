"""The unit the group leader designates on a jurisdiction dispute has its time to decide
whether to accept the case counted from his decision, not from the citizen's call: the SAMR
measures (市场监督管理投诉举报处理暂行办法) run the 7 (complaint) or 15 (report) working days
from when the unit with jurisdiction receives it. Before, a case disputed for months reached
the unit designated already months overdue on its acceptance decision. The sign-for time
starts afresh at the decision, as it did; the resolution time, as for a re-dispatch, starts
at the new unit's own acceptance.

The complaint is received on Monday 1 June 2026 and dispatched to the Commerce Bureau; the
leader decides on Wednesday 30 September 2026, 15:00 (Beijing). The National Day holiday
(1-7 October) is off and Saturday 10 October is a make-up working day, so 1, 7 and 15
working days from the decision end on 8, 15 and 27 October. (English pages: the assertions
hold however the Chinese is worded.)"""

from __future__ import annotations

from datetime import datetime
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from complaints import disputes, selectors, workflow
from complaints.choices import Action, Kind, Status
from complaints.deadlines import BEIJING
from complaints.models import WorkOrder, WorkOrderEvent
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit
from tests.helpers import NUMBER_KEPT_WHOLE

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def end_of(y, m, d):
    return datetime(y, m, d, 23, 59, 59, tzinfo=BEIJING)


DECIDED = at(2026, 9, 30, 15)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def clock():
    with time_machine.travel(at(2026, 6, 1), tick=False) as traveller:
        yield traveller


@pytest.fixture
def commerce(db):
    return UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])


@pytest.fixture
def education(db):
    return UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF])


def disputed(clock, office_staff, commerce, kind=Kind.COMPLAINT, accepted=False) -> WorkOrder:
    """Received on 1 June, dispatched to commerce, which disputes it the next day (having
    signed for it and, if `accepted`, accepted it first); the office proposes education."""
    order = make_order(
        office_staff, unit_code="commerce", kind=kind, content="培训学校预付学费停课，要求退费"
    )
    clock.move_to(at(2026, 6, 2))
    if accepted:
        workflow.workorder_sign(order_id=order.id, acting_user=commerce)
        workflow.workorder_accept(order_id=order.id, acting_user=commerce)
    dispute = disputes.dispute_open(
        acting_user=commerce, order_number=order.number, summary="培训机构属教育局监管"
    )
    disputes.dispute_propose(
        dispute_id=dispute.id,
        acting_user=office_staff,
        proposal="建议由教育局办理",
        unit_code="education",
    )
    order.refresh_from_db()
    order.dispute = dispute
    return order


def designate(clock, order, leader, unit_code="education") -> WorkOrder:
    clock.move_to(DECIDED)
    disputes.dispute_designate(
        dispute_id=order.dispute.id, acting_user=leader, unit_code=unit_code, note="属教育监管"
    )
    return WorkOrder.objects.get(id=order.id)


def test_the_unit_designated_decides_within_seven_working_days_of_the_decision(
    clock, office_staff, commerce, education, leader
):
    order = disputed(clock, office_staff, commerce)
    assert order.due_decision == end_of(2026, 6, 10)  # from the citizen's call, long past
    order = designate(clock, order, leader)
    assert order.primary_unit.code == "education" and order.status == Status.ASSIGNED
    assert order.designated_at == DECIDED
    assert order.due_sign_for == end_of(2026, 10, 8)
    assert order.due_decision == end_of(2026, 10, 15)
    assert workflow.open_deadline_names(order) == ["sign_for", "decision"]
    # Nothing overdue the moment it arrives, nor counted so in the figures.
    assert not selectors.orders_in_tab(education, "overdue", at(2026, 10, 8, 20)).exists()
    assert not WorkOrder.objects.filter(id=order.id, next_due_at__lt=at(2026, 10, 8, 20)).exists()

    clock.move_to(at(2026, 10, 9))
    workflow.workorder_sign(order_id=order.id, acting_user=education)
    order.refresh_from_db()
    assert order.next_due_name == "decision" and order.next_due_at == end_of(2026, 10, 15)
    assert not selectors.orders_in_tab(education, "overdue", at(2026, 10, 15, 20)).exists()
    assert selectors.orders_in_tab(education, "overdue", at(2026, 10, 16)).exists()


def test_a_report_gets_its_fifteen_working_days_from_the_decision(
    clock, office_staff, commerce, leader
):
    order = designate(clock, disputed(clock, office_staff, commerce, kind=Kind.REPORT), leader)
    assert order.due_decision == end_of(2026, 10, 27)


def test_an_inquirys_answer_counts_from_the_decision_too(clock, office_staff, commerce, leader):
    order = designate(clock, disputed(clock, office_staff, commerce, kind=Kind.INQUIRY), leader)
    assert order.due_decision is None
    assert order.due_answer == end_of(2026, 10, 13)  # 5 working days


def test_the_history_says_the_deadlines_count_afresh_and_when_they_fall(
    clock, office_staff, commerce, education, leader, client
):
    order = designate(clock, disputed(clock, office_staff, commerce), leader)
    line = WorkOrderEvent.objects.filter(order=order, action=Action.REDISPATCH).latest("id")
    assert line.data["deadlines_afresh"] == {
        "sign_for": end_of(2026, 10, 8).isoformat(),
        "decision": end_of(2026, 10, 15).isoformat(),
    }
    assert line.note.startswith("属教育监管\n")
    assert "2026-10-15 23:59" in line.note

    client.force_login(education)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    page = NUMBER_KEPT_WHOLE.sub(r"\1", page)
    timeline = page.split('id="timeline"', 1)[1]
    assert "Counted afresh from this decision, when the unit designated receives the case:" in (
        timeline
    )
    assert "Acceptance decision by 2026-10-15 23:59" in timeline
    assert "Sign for by 2026-10-08 23:59" in timeline
    deadlines = page.split('id="deadlines"', 1)[1].split('id="timeline"', 1)[0]
    assert "run from the group leader's decision of 2026-09-30 15:00" in unescape(deadlines)
    decision = deadlines.split('data-deadline="decision"', 1)[1].split("data-deadline=", 1)[0]
    assert "2026-10-15 23:59" in decision and "overdue" not in decision


def test_a_holiday_recount_keeps_counting_from_the_decision(clock, office_staff, commerce, leader):
    order = designate(clock, disputed(clock, office_staff, commerce), leader)
    assert workflow.workorders_recount_deadlines(since=at(2026, 6, 1).date()) == 0
    order.refresh_from_db()
    assert order.due_decision == end_of(2026, 10, 15)


def test_the_resolution_counts_from_the_new_units_acceptance_as_after_a_redispatch(
    clock, office_staff, commerce, education, leader
):
    order = disputed(clock, office_staff, commerce, accepted=True)
    assert order.due_resolution is not None
    order = designate(clock, order, leader)
    assert order.accepted_at is None and order.due_resolution is None
    clock.move_to(at(2026, 10, 9))
    workflow.workorder_sign(order_id=order.id, acting_user=education)
    workflow.workorder_accept(order_id=order.id, acting_user=education)
    order.refresh_from_db()
    assert order.due_decision == end_of(2026, 10, 15)  # met in time
    assert workflow.why_deadline_stopped(order, "decision", order.due_decision) == "on_time"
    redispatched = make_order(office_staff, unit_code="commerce")
    workflow.workorder_redispatch(
        order_id=redispatched.id, acting_user=office_staff, unit_code="education", reason="属教育"
    )
    workflow.workorder_sign(order_id=redispatched.id, acting_user=education)
    workflow.workorder_accept(order_id=redispatched.id, acting_user=education)
    redispatched.refresh_from_db()
    assert order.due_resolution == redispatched.due_resolution  # 45 working days from 9 Oct


def test_a_joint_team_gives_its_lead_unit_the_same_fresh_deadlines(
    clock, office_staff, commerce, leader
):
    order = disputed(clock, office_staff, commerce)
    clock.move_to(DECIDED)
    disputes.dispute_form_team(
        dispute_id=order.dispute.id,
        acting_user=leader,
        lead_unit_code="education",
        member_unit_codes=["commerce"],
        note="联合调查",
    )
    order.refresh_from_db()
    assert order.primary_unit.code == "education"
    assert order.due_decision == end_of(2026, 10, 15)
    assert order.due_sign_for == end_of(2026, 10, 8)


def test_an_order_never_disputed_still_counts_from_the_citizens_call(
    clock, office_staff, education
):
    order = make_order(office_staff, unit_code="commerce")
    clock.move_to(DECIDED)
    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="education", reason="属教育"
    )
    order.refresh_from_db()
    assert order.designated_at is None
    assert order.due_decision == end_of(2026, 6, 10)
