"""The office's proposal on a jurisdiction dispute may name the units to co-handle the work
order with the unit it proposes, and the group leader's designation form starts from them
(and from that unit), so he confirms the proposal rather than ticking it in again; he may
still change it. Before, the proposal could name no co-handling unit and the leader's form
started with none ticked. Pages in English (the django_language cookie); assertions read
codes and ids."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints import disputes, referrals, workflow
from complaints.choices import DisputeAction, DisputeStatus, UnitRelation
from complaints.models import Dispute, WorkOrderUnit
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit
from tests.helpers import checked_values, selected_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(office_staff) -> Dispute:
    """An order returned by commerce and by education: the dispute its second return opened."""
    commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    education = UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF])
    order = make_order(office_staff, unit_code="commerce", content="培训学校预付学费停课，要求退费")
    workflow.workorder_return(order_id=order.id, acting_user=commerce, reason="属教育")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office_staff, unit_code="education")
    workflow.workorder_return(order_id=order.id, acting_user=education, reason="属商务")
    return Dispute.objects.get(order=order)


def page(client, person, dispute: Dispute) -> str:
    client.force_login(person)
    client.cookies["django_language"] = "en"
    return client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()


def form(html: str, form_id: str) -> str:
    return html.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]


def propose(client, office_staff, dispute: Dispute, **fields):
    client.force_login(office_staff)
    return client.post(
        reverse("dispute_act", args=[dispute.id, "propose"]),
        {
            "proposal": "建议教育局主办，商务局、市场监管局协办",
            "version": dispute.version,
            **fields,
        },
    )


def test_the_leaders_form_starts_from_the_units_the_office_proposed(
    client, opened, office_staff, leader
):
    proposal = form(page(client, office_staff, opened), "propose-form")
    assert 'name="co_units" value="commerce"' in proposal
    assert not checked_values(proposal, "co_units")

    response = propose(
        client,
        office_staff,
        opened,
        unit="education",
        co_units=["commerce", "market-regulation"],
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get(id=opened.id)
    assert dispute.status == DisputeStatus.PROPOSED
    assert {u.code for u in dispute.proposed_co_units.all()} == {"commerce", "market-regulation"}
    line = dispute.events.get(action=DisputeAction.PROPOSE)
    assert line.data["co_units"] == ["commerce", "market-regulation"]

    html = page(client, leader, dispute)
    designation = form(html, "designate-form")
    assert selected_value(designation, "unit") == "education"
    assert checked_values(designation, "co_units") == {"commerce", "market-regulation"}
    # What the office proposed reads whole above the form, co-handling units included.
    above = html.split('id="decide"', 1)[0]
    assert 'id="proposal-co-units"' in above or 'id="proposal-standing-co-units"' in above

    standing = page(client, office_staff, dispute).split('id="proposal-standing"', 1)[1]
    assert 'id="proposal-standing-co-units"' in standing.split("</div></div>", 1)[0]


def test_the_leader_may_still_change_the_co_handling_units(client, opened, office_staff, leader):
    propose(client, office_staff, opened, unit="education", co_units=["commerce"])
    dispute = Dispute.objects.get(id=opened.id)
    client.force_login(leader)
    client.post(
        reverse("dispute_act", args=[dispute.id, "designate"]),
        {
            "unit": "education",
            "co_units": ["housing"],
            "note": "教育局主办",
            "version": dispute.version,
        },
    )
    links = dict(
        WorkOrderUnit.objects.filter(order_id=dispute.order_id).values_list(
            "unit__code", "relation"
        )
    )
    assert links["housing"] == UnitRelation.CO
    assert links["commerce"] == UnitRelation.FORMER  # it returned the order; not co-handling


def test_a_proposal_without_co_units_leaves_the_leaders_boxes_empty(
    client, opened, office_staff, leader
):
    propose(client, office_staff, opened, unit="education")
    dispute = Dispute.objects.get(id=opened.id)
    assert not dispute.proposed_co_units.exists()
    assert "co_units" not in dispute.events.get(action=DisputeAction.PROPOSE).data
    assert not checked_values(form(page(client, leader, dispute), "designate-form"), "co_units")


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (
            {"unit": "", "co_units": ["commerce"]},
            "Co-handling units work with the unit proposed",
        ),
        (
            {"unit": "education", "co_units": ["education", "commerce"]},
            "is the primary unit; it cannot also be a co-handling unit.",
        ),
        ({"unit": "education", "co_units": ["no-such-unit"]}, "There is no member unit"),
    ],
)
def test_a_refused_proposal_changes_nothing_and_keeps_what_was_chosen(
    client, opened, office_staff, fields, reason
):
    client.cookies["django_language"] = "en"
    response = propose(client, office_staff, opened, **fields)
    assert response.status_code == 400
    assert reason in response.content.decode()
    dispute = Dispute.objects.get(id=opened.id)
    assert dispute.status == DisputeStatus.OPEN and dispute.version == opened.version
    assert not dispute.proposed_co_units.exists()
    assert not dispute.events.filter(action=DisputeAction.PROPOSE).exists()
    kept = form(response.content.decode(), "propose-form")
    assert checked_values(kept, "co_units") == set(fields["co_units"]) - {
        "no-such-unit",
        fields["unit"],
    }


def test_a_dispute_about_a_lead_alone_has_no_co_handling_units_to_propose(
    client, office_staff, mr_staff
):
    lead = referrals.referral_send(
        acting_user=mr_staff, to_unit_code="education", title="物业预收费", facts="事实。"
    )
    dispute = disputes.dispute_open(acting_user=office_staff, referral_id=lead.id, summary="争议")
    assert dispute.order_id is None
    assert 'name="co_units"' not in form(page(client, office_staff, dispute), "propose-form")
    with pytest.raises(ValidationError) as caught:
        disputes.dispute_propose(
            dispute_id=dispute.id,
            acting_user=office_staff,
            proposal="建议",
            unit_code="housing",
            co_unit_codes=["commerce"],
        )
    assert "co_units" in caught.value.message_dict
    assert Dispute.objects.get(id=dispute.id).status == DisputeStatus.OPEN
