"""The office puts one proposal to the group leader: once it stands, the dispute's page
shows it instead of the form, and a second one is refused, changing nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from complaints import disputes, workflow
from complaints.choices import DisputeStatus
from complaints.models import Dispute
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def proposed(db, office_staff):
    commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    education = UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF])
    order = make_order(office_staff, unit_code="commerce", content="培训学校预付学费停课，要求退费")
    workflow.workorder_return(order_id=order.id, acting_user=commerce, reason="属教育")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office_staff, unit_code="education")
    workflow.workorder_return(order_id=order.id, acting_user=education, reason="属商务")
    dispute = Dispute.objects.get(order=order)
    return disputes.dispute_propose(
        dispute_id=dispute.id,
        acting_user=office_staff,
        proposal="建议由教育局办理",
        unit_code="education",
    )


def test_the_open_dispute_shows_the_proposal_form(client, office_staff, db):
    commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    order = make_order(office_staff, unit_code="commerce", content="培训机构预付费纠纷")
    dispute = disputes.dispute_open(
        acting_user=commerce, order_number=order.number, summary="不属于商务部门"
    )
    client.force_login(office_staff)
    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    assert 'id="propose-form"' in page


def test_once_proposed_the_page_shows_the_proposal_not_the_form(client, office_staff, proposed):
    dispute = proposed
    client.force_login(office_staff)
    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    assert 'id="propose-form"' not in page
    assert 'id="proposal-standing"' in page
    assert "建议由教育局办理" in page.split('id="proposal-standing"')[1]


def test_a_second_proposal_is_refused_and_changes_nothing(office_staff, proposed):
    dispute = proposed
    before = Dispute.objects.filter(id=dispute.id).values().get()
    with pytest.raises(workflow.WorkflowError, match="already put its proposal"):
        disputes.dispute_propose(
            dispute_id=dispute.id, acting_user=office_staff, proposal="改为成立联合调查组"
        )
    assert Dispute.objects.filter(id=dispute.id).values().get() == before
    assert dispute.events.filter(action="propose").count() == 1
    assert Dispute.objects.get(id=dispute.id).status == DisputeStatus.PROPOSED


def _without_history(page: str) -> str:
    before, rest = page.split('id="dispute-history"', 1)
    return before + rest.split("</ol>", 1)[1]


def test_the_leader_reads_the_standing_proposal_once_by_his_decision(client, leader, proposed):
    """The proposal stands in the card above his decision; the details list does not repeat
    it (the history keeps its own line)."""
    client.force_login(leader)
    page = client.get(reverse("dispute_detail", args=[proposed.id])).content.decode()
    assert 'id="decide"' in page
    assert _without_history(page).count("建议由教育局办理") == 1
    assert "建议由教育局办理" in page.split('id="proposal-standing"')[1].split('id="decide"')[0]


def test_a_disputing_unit_still_reads_the_proposal_in_the_details(client, proposed):
    commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    client.force_login(commerce)
    page = client.get(reverse("dispute_detail", args=[proposed.id])).content.decode()
    assert 'id="proposal-standing"' not in page
    assert _without_history(page).count("建议由教育局办理") == 1
