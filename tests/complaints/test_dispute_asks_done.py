"""The notices that asked for a step of a jurisdiction dispute are read once the step is
taken, for everyone told: the office's 'dispute opened' (asking for its proposal) when it
proposes, and with the group leader's decision his 'waits for your decision' and the
reminders that it had waited. They stayed unread in the bells of those who had not opened
the dispute, 已立项 beside the notice of the decision. Another dispute's stay as they are."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.utils import translation

from complaints import disputes
from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from departments.models import Notification
from tests.factories import UserFactory, make_order, unit


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(db, office_staff, office_director, leader):
    return {
        "office": office_staff,
        "director": office_director,
        "leader": leader,
        "commerce": UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF]),
    }


def opened(people, content="物业公司预收物业费后撤场"):
    order = make_order(people["office"], unit_code="commerce", content=content)
    return disputes.dispute_open(
        acting_user=people["commerce"], summary="不属商务。", order_number=order.number
    )


def unread(prefix: str, dispute) -> set:
    return set(
        Notification.objects.filter(
            key__startswith=f"{prefix}:{dispute.id}", read_at__isnull=True
        ).values_list("recipient__username", flat=True)
    )


def test_the_offices_notice_is_read_once_it_proposes(people):
    dispute, other = opened(people), opened(people, "培训机构停课不退费")
    assert unread("dispute_opened", dispute) >= {
        people["office"].username,
        people["director"].username,
    }

    disputes.dispute_propose(dispute_id=dispute.id, acting_user=people["office"], proposal="建议")

    assert unread("dispute_opened", dispute) == set()
    assert people["director"].username in unread("dispute_opened", other)
    assert unread("dispute_proposed", dispute) == {people["leader"].username}


@pytest.mark.parametrize("how", ["designate", "team"])
def test_the_leaders_notices_are_read_once_he_decides(people, how):
    with time_machine.travel(datetime(2026, 9, 21, 10, tzinfo=BEIJING), tick=False):
        dispute, other = opened(people), opened(people, "培训机构停课不退费")
        for each in (dispute, other):
            disputes.dispute_propose(
                dispute_id=each.id, acting_user=people["office"], proposal="建议"
            )
    with time_machine.travel(datetime(2026, 9, 28, 10, tzinfo=BEIJING), tick=False):
        assert disputes.remind_escalations() >= 2
    waiting = unread("dispute_pending", dispute)
    assert {people["leader"].username, people["director"].username} <= waiting
    assert unread("dispute_proposed", dispute) == {people["leader"].username}

    with time_machine.travel(datetime(2026, 9, 28, 11, tzinfo=BEIJING), tick=False):
        if how == "designate":
            disputes.dispute_designate(
                dispute_id=dispute.id,
                acting_user=people["leader"],
                unit_code="housing",
                note="属物业",
            )
        else:
            disputes.dispute_form_team(
                dispute_id=dispute.id,
                acting_user=people["leader"],
                lead_unit_code="housing",
                member_unit_codes=["commerce"],
                note="联合调查",
            )

    assert unread("dispute_proposed", dispute) == set()
    assert unread("dispute_pending", dispute) == set()
    # The decision's own notice is new and unread; the other dispute's still wait.
    decided = "dispute_decided" if how == "designate" else "team_formed"
    assert people["commerce"].username in unread(decided, dispute)
    assert unread("dispute_proposed", other) == {people["leader"].username}
    assert people["director"].username in unread("dispute_pending", other)
