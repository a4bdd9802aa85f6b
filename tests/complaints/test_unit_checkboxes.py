"""Where a person picks several units (the office's new-order form, an order's dispatch, the
leader's designation and joint team, a unit's request for early intervention), every unit
is a checkbox in a fieldset with its legend, each tied to its label: a native multiple
select showed four names of seventeen and dropped a choice on a click without Ctrl. The
names posted are the select's, so two units ticked arrive as before."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from complaints import disputes, workflow
from complaints.choices import DisputeStatus, UnitRelation
from complaints.forms import member_units
from complaints.models import Dispute, Intervention, WorkOrder, WorkOrderUnit
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit
from tests.helpers import form_html


def links(order) -> dict[str, str]:
    return dict(WorkOrderUnit.objects.filter(order=order).values_list("unit__code", "relation"))


def boxes(form: str, name: str) -> dict[str, str]:
    """Each checkbox named `name` in `form`, by value: its tag."""
    assert not re.search(rf'<select\b[^>]*\bname="{name}"', form), f"{name} is still a select"
    tags = re.findall(rf'<input\b[^>]*\bname="{name}"[^>]*>', form)
    assert tags and all('type="checkbox"' in t for t in tags), name
    return {re.search(r'value="([^"]*)"', t).group(1): t for t in tags}


def assert_unit_checkboxes(form: str, name: str, codes: set[str], legend: str) -> dict[str, str]:
    found = boxes(form, name)
    assert set(found) == codes
    groups = re.findall(
        r"<fieldset\b[^>]*>\s*<legend\b[^>]*>(.*?)</legend>(.*?)</fieldset>", form, re.S
    )
    assert [
        re.sub(r"<.*?>", "", t).strip(" *") for t, inside in groups if f'name="{name}"' in inside
    ] == [legend]
    for code, tag in found.items():
        box_id = re.search(r'id="([^"]+)"', tag).group(1)
        label = re.search(rf'<label\b[^>]*for="{box_id}"[^>]*>(.*?)</label>', form, re.S)
        assert label is not None and str(unit(code)) in html.unescape(label.group(1)), code
    return found


def english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


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
        dispute_id=dispute.id, acting_user=office_staff, proposal="建议", unit_code="education"
    )


def test_the_new_order_form_ticks_co_units_and_registers_two(client, office_staff):
    english(client, office_staff)
    page = client.get(reverse("order_intake")).content.decode()
    form = form_html(page, "intake-form")
    every = {u.code for u in member_units()}
    assert_unit_checkboxes(form, "co_units", every, "Co-handling units")
    assert 'data-excludes-choice-of="#id_unit"' in form

    response = client.post(
        reverse("order_intake"),
        {
            "kind": "complaint",
            "channel": "phone",
            "content": "某培训学校收了预付学费后停课，要求退费",
            "citizen_phone": "13900001111",
            "routing_choice": "unit",
            "unit": "education",
            "co_units": ["commerce", "housing"],
        },
    )
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert links(order) == {
        "education": UnitRelation.PRIMARY,
        "commerce": UnitRelation.CO,
        "housing": UnitRelation.CO,
    }


def test_a_refused_new_order_keeps_its_ticks_and_the_primary_cannot_be_ticked(client, office_staff):
    english(client, office_staff)
    response = client.post(
        reverse("order_intake"),
        {
            "kind": "complaint",
            "channel": "phone",
            "content": "x",
            "routing_choice": "unit",
            "unit": "education",
            "co_units": ["education", "commerce"],
        },
    )
    assert response.status_code == 400
    found = boxes(form_html(response.content.decode(), "intake-form"), "co_units")
    assert " checked" in found["commerce"]
    assert " disabled" in found["education"] and " checked" not in found["education"]
    # The refusal is read with the group, not only somewhere below it.
    form = form_html(response.content.decode(), "intake-form")
    group = re.search(r'<fieldset\b[^>]*id="id_co_units"[^>]*>', form).group(0)
    described = re.search(r'aria-describedby="([^"]+)"', group).group(1).split()
    texts = [re.search(rf'id="{i}"[^>]*>(.*?)</div>', form, re.S).group(1) for i in described]
    assert any("co-handling" in text for text in texts), texts


def test_the_dispatch_form_ticks_co_units_and_sends_two(client, office_staff):
    order = make_order(None, send_to_triage=True)
    english(client, office_staff)
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    form = form_html(page, "form-dispatch")
    every = {u.code for u in member_units()}
    assert_unit_checkboxes(form, "co_units", every, "Co-handling units")
    assert 'data-excludes-choice-of="#dispatch-unit"' in form

    client.post(
        reverse("order_act", args=[order.number, "dispatch"]),
        {
            "version": order.version,
            "unit": "education",
            "co_units": ["commerce", "housing"],
        },
    )
    order.refresh_from_db()
    assert links(order) == {
        "education": UnitRelation.PRIMARY,
        "commerce": UnitRelation.CO,
        "housing": UnitRelation.CO,
    }


def test_the_designation_ticks_co_units_and_sends_two(client, proposed, leader):
    english(client, leader)
    url = reverse("dispute_detail", args=[proposed.id])
    form = form_html(client.get(url).content.decode(), "designate-form")
    every = {u.code for u in member_units()}
    found = assert_unit_checkboxes(form, "co_units", every, "Co-handling units")
    assert " disabled" in found["education"]  # the unit proposed, chosen as primary
    assert "(the primary unit)" in form

    client.post(
        reverse("dispute_act", args=[proposed.id, "designate"]),
        {
            "version": proposed.version,
            "unit": "education",
            "co_units": ["commerce", "market-regulation"],
            "note": "教育局主办",
        },
    )
    order = WorkOrder.objects.get(id=proposed.order_id)
    assert links(order)["commerce"] == UnitRelation.CO
    assert links(order)["market-regulation"] == UnitRelation.CO


def test_the_joint_team_ticks_its_member_units_and_forms_with_two(client, proposed, leader):
    english(client, leader)
    url = reverse("dispute_detail", args=[proposed.id])
    form = form_html(client.get(url).content.decode(), "team-form")
    every = {u.code for u in member_units()}
    assert_unit_checkboxes(form, "member_units", every, "Member units")

    client.post(
        reverse("dispute_act", args=[proposed.id, "form-team"]),
        {
            "version": proposed.version,
            "lead_unit": "education",
            "member_units": ["commerce", "market-regulation"],
            "note": "两部门联合调查",
        },
    )
    dispute = Dispute.objects.get(id=proposed.id)
    assert dispute.status == DisputeStatus.TEAM
    members = set(dispute.team.member_units.values_list("code", flat=True))
    assert {"commerce", "market-regulation"} <= members


def test_the_early_intervention_request_ticks_units_and_asks_two(client, mr_staff):
    english(client, mr_staff)
    url = reverse("intervention_new")
    form = form_html(client.get(url).content.decode(), "intervention-form")
    others = {u.code for u in member_units()} - {"market-regulation"}
    assert_unit_checkboxes(form, "units", others, "Units to ask")

    response = client.post(
        url,
        {
            "units": ["housing", "commerce"],
            "title": "预付卡门店关停",
            "situation": "多名消费者反映",
        },
    )
    assert response.status_code == 302
    asked = Intervention.objects.get()
    assert set(asked.asked.values_list("unit__code", flat=True)) == {"housing", "commerce"}


def test_a_new_meetings_invited_units_are_a_named_group_and_two_are_invited(client, office_staff):
    """The boxes were there, under a heading no screen reader tied to them: a fieldset's
    legend names the group now. Every unit is ticked when the form is first shown."""
    from meetings.models import JointMeeting

    english(client, office_staff)
    url = reverse("meeting_new")
    form = form_html(client.get(url).content.decode(), "meeting-form")
    every = {u.code for u in member_units()}
    found = assert_unit_checkboxes(form, "units", every, "Invited units")
    assert all(" checked" in tag for tag in found.values())

    response = client.post(
        url,
        {
            "kind": "annual",
            "title": "2026年度成员单位联席会议",
            "planned_on": "2026-12-20",
            "place": "区政府第三会议室",
            "units": ["housing", "commerce"],
        },
    )
    assert response.status_code == 302
    meeting = JointMeeting.objects.get()
    invited = set(meeting.invitations.values_list("unit__code", flat=True))
    assert invited == {"housing", "commerce"}
