"""After each step on a dispute's page the reader is told what was done, not a generic
"dispute … was updated". Pages read in English (the django_language cookie)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints import disputes, workflow
from complaints.models import Dispute
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit


@pytest.fixture
def opened(db, office_staff):
    commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    education = UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF])
    order = make_order(office_staff, unit_code="commerce", content="培训学校预付学费停课，要求退费")
    workflow.workorder_return(order_id=order.id, acting_user=commerce, reason="属教育")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office_staff, unit_code="education")
    workflow.workorder_return(order_id=order.id, acting_user=education, reason="属商务")
    return Dispute.objects.get(order=order)


def told(client, user, dispute, action, data) -> list[str]:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("dispute_act", args=[dispute.id, action]),
        {**data, "version": Dispute.objects.get(id=dispute.id).version},
    )
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_office_is_told_its_proposal_went_to_the_leader(client, opened, office_staff):
    said = told(client, office_staff, opened, "propose", {"proposal": "建议由教育局办理"})
    assert said == [f"Dispute {opened.number}: the proposal was put to the group leader."]


def test_the_leader_is_told_whom_his_decision_designated(client, opened, office_staff, leader):
    disputes.dispute_propose(dispute_id=opened.id, acting_user=office_staff, proposal="建议")
    said = told(client, leader, opened, "designate", {"unit": "education", "note": "属教育"})
    assert said == [f"Dispute {opened.number}: decision made, {unit('education')} handles it."]


def test_the_leader_is_told_the_team_he_formed(client, opened, office_staff, leader):
    disputes.dispute_propose(dispute_id=opened.id, acting_user=office_staff, proposal="建议")
    said = told(
        client,
        leader,
        opened,
        "form-team",
        {"lead_unit": "education", "member_units": ["commerce"], "note": "联合调查"},
    )
    assert said == [
        f"Dispute {opened.number}: decision made, a joint investigation team led by "
        f"{unit('education')}."
    ]
