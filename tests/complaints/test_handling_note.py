"""A unit's handling note (办理记录): staff could record what they did on an order only by
attaching a file. The primary unit, and a co-handling unit for its own part, now write a
short note into the order's history: no status change, refused from a stale page, limited
in length, with who wrote it. The hotline's view of the history (the API) does not carry
these internal notes."""

from __future__ import annotations

import json

import pytest
from django.http import Http404
from django.urls import reverse

from complaints import workflow
from complaints.choices import Action
from complaints.clients import api_client_create
from complaints.models import WorkOrder
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit

pytestmark = pytest.mark.django_db

NOTE = "已电话联系商家，约定明日上午现场核查。"


@pytest.fixture
def order(office_staff, mr_staff):
    o = make_order(office_staff, co_unit_codes=["housing"])
    workflow.workorder_sign(order_id=o.id, acting_user=mr_staff)
    return WorkOrder.objects.get(id=o.id)


def note(user, order, text=NOTE, version=None):
    return workflow.workorder_add_note(
        order_id=order.id,
        acting_user=user,
        text=text,
        expected_version=order.version if version is None else version,
    )


def test_the_primary_unit_records_a_note_in_the_history_without_a_status_change(order, mr_staff):
    event = note(mr_staff, order)
    after = WorkOrder.objects.get(id=order.id)
    assert after.status == "in_progress" and after.version == order.version + 1
    assert (event.action, event.note, event.from_status, event.to_status) == (
        Action.NOTE,
        NOTE,
        "",
        "",
    )
    assert event.actor == mr_staff and event.actor_unit_id == mr_staff.unit_id


def test_a_co_handling_unit_records_a_note_for_its_own_part(order, housing_staff):
    event = note(housing_staff, order)
    assert event.unit_id == housing_staff.unit_id == unit("housing").id


def test_a_note_from_a_stale_page_is_refused_and_nothing_is_written(order, mr_staff, office_staff):
    seen = order.version
    workflow.workorder_supervise(order_id=order.id, acting_user=office_staff, note="请尽快办结")
    with pytest.raises(workflow.StaleOrder):
        note(mr_staff, order, version=seen)
    assert not order.events.filter(action=Action.NOTE).exists()


@pytest.mark.parametrize("text", ["", "   ", "记" * (workflow.NOTE_MAX_LENGTH + 1)])
def test_an_empty_or_too_long_note_is_refused(order, mr_staff, text):
    with pytest.raises(workflow.WorkflowError):
        note(mr_staff, order, text=text)
    assert not order.events.filter(action=Action.NOTE).exists()
    assert WorkOrder.objects.get(id=order.id).version == order.version


def test_nobody_else_records_a_note(order, office_staff, mr_staff):
    other_unit = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    with pytest.raises(workflow.WorkflowError):
        note(office_staff, order)
    with pytest.raises(Http404):
        note(other_unit, order)
    fresh = make_order(office_staff)  # not signed for yet
    with pytest.raises(workflow.WorkflowError):
        note(mr_staff, fresh)


def test_the_order_page_offers_the_form_and_shows_the_note(order, mr_staff, client):
    client.force_login(mr_staff)
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    assert 'id="form-note"' in page
    url = reverse("order_note", args=[order.number])
    response = client.post(url, {"version": order.version, "text": NOTE}, follow=True)
    html = response.content.decode()
    assert 'data-action="note"' in html and NOTE in html
    assert WorkOrder.objects.get(id=order.id).events.filter(action=Action.NOTE).count() == 1


def test_a_note_refused_as_stale_comes_back_in_its_form(order, mr_staff, office_staff, client):
    seen = order.version
    workflow.workorder_supervise(order_id=order.id, acting_user=office_staff, note="请尽快办结")
    client.force_login(mr_staff)
    url = reverse("order_note", args=[order.number])
    html = client.post(url, {"version": seen, "text": NOTE}, follow=True).content.decode()
    assert f">{NOTE}</textarea>" in html
    assert not order.events.filter(action=Action.NOTE).exists()


def test_the_office_is_not_offered_the_form_and_another_unit_gets_a_404(
    order, office_staff, client
):
    client.force_login(office_staff)
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    assert 'id="form-note"' not in page
    other_unit = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    client.force_login(other_unit)
    url = reverse("order_note", args=[order.number])
    assert client.post(url, {"version": order.version, "text": NOTE}).status_code == 404


def test_the_hotline_does_not_see_internal_notes(client, housing_staff):
    _client, key, _secret = api_client_create(name="12345 热线")
    pushed = client.post(
        "/api/v1/hotline/work-orders/",
        data=json.dumps(
            {
                "hotline_id": "TJ-NOTE-1",
                "kind": "complaint",
                "title": "小区物业不修电梯",
                "content": "杨村街道某小区电梯坏了一个月，物业一直不修，老人上下楼困难。",
                "category": "物业管理",
                "received_at": "2026-11-29T09:30:00+08:00",
                "citizen": {"name": "王先生", "phone": "13812345678"},
                "town": "yangcun-street",
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert pushed.status_code == 201, pushed.content
    order = WorkOrder.objects.get(hotline_id="TJ-NOTE-1")
    assert order.primary_unit.code == "housing"
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    order.refresh_from_db()
    updated = order.updated_at
    note(housing_staff, order)
    body = client.get(
        "/api/v1/hotline/work-orders/TJ-NOTE-1/", HTTP_AUTHORIZATION=f"Bearer {key}"
    ).json()
    assert [e["type"] for e in body["events"]] == ["create", "dispatch", "sign"]
    assert NOTE not in json.dumps(body, ensure_ascii=False)
    # Nothing the hotline sees changed, so a poll by `updated_since` is not sent it again.
    assert WorkOrder.objects.get(id=order.id).updated_at == updated


def test_the_message_after_a_note_says_it_was_added_to_the_history(order, mr_staff, client):
    """It read "工单 WQ-…：办理记录。" ("Order WQ-…: Handling note."), a heading rather than
    a sentence that says what happened. (In English: the catalogue's Chinese comes later.)"""
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    url = reverse("order_note", args=[order.number])
    response = client.post(url, {"version": order.version, "text": NOTE}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [f"Handling note added to the history of order {order.number}."]
