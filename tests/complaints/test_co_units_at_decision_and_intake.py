"""Co-handling units where the office and the leader send an order: the leader's
designation (指定单位) and the office's new-order form, as dispatch already allowed.
Assertions read codes and ids, not translated text, except where English is set."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from complaints import disputes, workflow
from complaints.choices import Action, DisputeAction, UnitRelation
from complaints.models import Dispute, WorkOrder, WorkOrderEvent, WorkOrderUnit
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit
from tests.helpers import checked_values


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def links(order) -> dict[str, str]:
    return dict(WorkOrderUnit.objects.filter(order=order).values_list("unit__code", "relation"))


@pytest.fixture
def proposed(db, office_staff, leader):
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


def test_the_leader_designates_a_unit_with_co_handling_units(proposed, leader):
    disputes.dispute_designate(
        dispute_id=proposed.id,
        acting_user=leader,
        unit_code="education",
        co_unit_codes=["commerce", "market-regulation"],
        note="教育局主办，商务局、市场监管局协办",
    )
    order = WorkOrder.objects.get(id=proposed.order_id)
    assert order.primary_unit.code == "education"
    assert links(order)["commerce"] == UnitRelation.CO
    assert links(order)["market-regulation"] == UnitRelation.CO
    moved = WorkOrderEvent.objects.filter(order=order, action=Action.DISPATCH).latest("id")
    assert moved.data["co_units"] == ["commerce", "market-regulation"]
    line = proposed.events.get(action=DisputeAction.DESIGNATE)
    assert line.data["co_units"] == ["commerce", "market-regulation"]


def test_the_leader_cannot_make_the_designated_unit_co_handle_too(proposed, leader):
    before = WorkOrder.objects.filter(id=proposed.order_id).values().get()
    with pytest.raises(ValidationError) as caught:
        disputes.dispute_designate(
            dispute_id=proposed.id,
            acting_user=leader,
            unit_code="education",
            co_unit_codes=["education"],
            note="教育局办理",
        )
    assert "co_units" in caught.value.message_dict
    assert WorkOrder.objects.filter(id=proposed.order_id).values().get() == before
    assert Dispute.objects.get(id=proposed.id).status == proposed.status


def test_the_decision_form_offers_co_units_and_the_history_names_them(client, proposed, leader):
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    url = reverse("dispute_detail", args=[proposed.id])
    page = client.get(url).content.decode()
    form = page.split('id="designate-form"')[1].split("</form>")[0]
    assert 'name="co_units"' in form
    assert 'name="co_units" value="commerce"' in form
    assert 'value="education" id="designate-co-education" disabled' in form
    client.post(
        reverse("dispute_act", args=[proposed.id, "designate"]),
        {
            "unit": "education",
            "co_units": ["commerce"],
            "note": "教育局主办",
            "version": proposed.version,
        },
    )
    history = client.get(url).content.decode().split('id="dispute-history"')[1]
    assert "Co-handling" in history and str(unit("commerce")) in history


def test_a_refused_designation_keeps_the_co_units_chosen(client, proposed, leader):
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("dispute_act", args=[proposed.id, "designate"]),
        {
            "unit": "education",
            "co_units": ["education", "commerce"],
            "note": "x",
            "version": proposed.version,
        },
    )
    assert response.status_code == 400
    assert Dispute.objects.get(id=proposed.id).status == proposed.status
    form = response.content.decode().split('id="designate-form"')[1].split("</form>")[0]
    assert checked_values(form, "co_units") == {"commerce"}


INTAKE = {
    "kind": "complaint",
    "channel": "phone",
    "title": "培训机构退费",
    "content": "某培训学校收了预付学费后停课，要求退费",
    "citizen_phone": "13900001111",
}


def test_the_office_registers_an_order_with_co_handling_units(client, office_staff):
    client.force_login(office_staff)
    assert 'name="co_units"' in client.get(reverse("order_intake")).content.decode()
    response = client.post(
        reverse("order_intake"),
        {
            **INTAKE,
            "routing_choice": "unit",
            "unit": "education",
            "co_units": ["commerce", "housing"],
        },
    )
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.primary_unit.code == "education"
    assert links(order) == {
        "education": UnitRelation.PRIMARY,
        "commerce": UnitRelation.CO,
        "housing": UnitRelation.CO,
    }
    dispatch = order.events.get(action=Action.DISPATCH)
    assert dispatch.data["co_units"] == ["commerce", "housing"]


def test_the_new_order_form_refuses_the_primary_unit_as_a_co_unit(client, office_staff):
    client.force_login(office_staff)
    response = client.post(
        reverse("order_intake"),
        {**INTAKE, "routing_choice": "unit", "unit": "education", "co_units": ["education"]},
    )
    assert response.status_code == 400
    assert "co_units" in response.context["form"].errors
    assert not WorkOrder.objects.exists()


def test_the_intake_service_refuses_a_routed_primary_unit_as_a_co_unit(office_staff):
    with pytest.raises(ValidationError) as caught:
        make_order(office_staff, unit_code="housing", co_unit_codes=["housing"])
    assert "co_units" in caught.value.message_dict
    assert not WorkOrder.objects.exists()
