"""Fixtures shared by the tests of leads under the group leader's decision: the units'
people, English (their assertions read the English texts), and a fixed Monday morning so
that deadlines fall on known days. Imported by name into each test module that uses them."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.utils import translation

from complaints import disputes, referrals
from complaints.deadlines import BEIJING
from complaints.models import Dispute, Referral
from departments.choices import RoleCode
from tests.factories import UserFactory, unit


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 9, 21, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def people(db, office_staff, leader, housing_staff):
    return {
        "office": office_staff,
        "leader": leader,
        "commerce": UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF]),
        "education": UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF]),
        "housing": housing_staff,
    }


def rejected_lead(people) -> Referral:
    """Commerce refers a lead without a work order to education, which rejects it."""
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
    )
    referrals.referral_reject(
        referral_id=lead.id, acting_user=people["education"], reasons="不属教育部门。"
    )
    return Referral.objects.get(id=lead.id)


def designate(people, dispute: Dispute, unit_code: str) -> Dispute:
    """The office proposes `unit_code` and the leader designates it."""
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议。", unit_code=unit_code
    )
    return disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=people["leader"], unit_code=unit_code, note="指定。"
    )


def dispute_rows(order, dispute) -> tuple:
    """What a refused dispatch or re-dispatch must leave as it was: the order's and the
    dispute's rows, their histories' lengths, and the notifications sent."""
    from complaints.models import DisputeEvent, WorkOrder, WorkOrderEvent
    from departments.models import Notification

    return (
        WorkOrder.objects.filter(id=order.id).values().get(),
        Dispute.objects.filter(id=dispute.id).values().get(),
        WorkOrderEvent.objects.filter(order=order).count(),
        DisputeEvent.objects.filter(dispute=dispute).count(),
        Notification.objects.count(),
    )
