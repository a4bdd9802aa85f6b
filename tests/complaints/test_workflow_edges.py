"""Edge cases of the handling life found while testing the main paths."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from complaints import workflow
from complaints.models import ExtensionRequest, PossibleDuplicate
from complaints.selectors import orders_in_tab
from tests.factories import make_order


def signed(office_staff, unit_user, **overrides):
    order = make_order(office_staff, **overrides)
    return workflow.workorder_sign(order_id=order.id, acting_user=unit_user)


def test_a_waiting_extension_is_withdrawn_when_the_unit_returns_the_order(
    office_staff, mr_staff, housing_staff
):
    order = signed(office_staff, mr_staff)
    workflow.workorder_request_extension(
        order_id=order.id, acting_user=mr_staff, working_days=5, reason="等待检测"
    )
    workflow.workorder_return(order_id=order.id, acting_user=mr_staff, reason="非本单位职责")
    request = ExtensionRequest.objects.get(order=order)
    assert request.status == "refused"
    assert request.decision_note
    workflow.workorder_dispatch(order_id=order.id, acting_user=office_staff, unit_code="housing")
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    workflow.workorder_request_extension(
        order_id=order.id, acting_user=housing_staff, working_days=3, reason="需要现场核查"
    )
    assert ExtensionRequest.objects.filter(order=order, status="pending").count() == 1


def test_a_dissatisfied_call_back_on_a_merged_order_does_not_reopen_it(office_staff, mr_staff):
    first = make_order(office_staff, citizen_phone="13812345678")
    second = make_order(office_staff, citizen_phone="13812345678")
    pair = PossibleDuplicate.objects.get(order=second, other=first)
    workflow.workorder_merge(order_id=second.id, acting_user=office_staff, duplicate_id=pair.id)
    order = workflow.workorder_record_satisfaction(
        order_id=second.id, acting_user=office_staff, rating="dissatisfied"
    )
    assert order.status == "closed"
    assert order.reopen_count == 0


def test_a_reopened_order_gets_its_resolution_time_again(office_staff, mr_staff):
    order = signed(office_staff, mr_staff)
    workflow.workorder_accept(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=mr_staff, result="已调解")
    with time_machine.travel(order.received_at + timedelta(days=120), tick=False):
        order = workflow.workorder_record_satisfaction(
            order_id=order.id, acting_user=office_staff, rating="dissatisfied"
        )
        assert order.status == "in_progress"
        assert order.next_due_name == "resolution"
        assert order.next_due_at > order.accepted_at + timedelta(days=45)


def test_a_linked_duplicate_shows_on_both_orders(office_staff):
    first = make_order(office_staff, citizen_phone="13812345678")
    second = make_order(office_staff, citizen_phone="13812345678")
    version = first.version
    pair = PossibleDuplicate.objects.get(order=second, other=first)
    workflow.workorder_link_duplicate(
        order_id=second.id, acting_user=office_staff, duplicate_id=pair.id
    )
    back = PossibleDuplicate.objects.get(order=first, other=second)
    assert back.status == "linked"
    first.refresh_from_db()
    assert first.version == version + 1


def test_a_waiting_extension_is_withdrawn_when_the_unit_resolves_the_order(office_staff, mr_staff):
    """Otherwise the request stayed waiting on a resolved (and later closed) order, in the
    office's extensions tab for good, where no one could approve or refuse it any more."""
    order = signed(office_staff, mr_staff)
    workflow.workorder_request_extension(
        order_id=order.id, acting_user=mr_staff, working_days=5, reason="等待检测"
    )
    workflow.workorder_resolve(order_id=order.id, acting_user=mr_staff, result="已调解")
    request = ExtensionRequest.objects.get(order=order)
    assert request.status == "refused" and request.decision_note
    assert request.decided_by is None
    assert not orders_in_tab(office_staff, "extensions", timezone.now()).exists()
    actions = list(order.events.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["refuse_extension", "resolve"]


def test_a_waiting_extension_is_withdrawn_when_the_office_merges_the_order(office_staff, mr_staff):
    first = make_order(office_staff, citizen_phone="13812345678")
    second = signed(office_staff, mr_staff, citizen_phone="13812345678")
    workflow.workorder_request_extension(
        order_id=second.id, acting_user=mr_staff, working_days=5, reason="等待检测"
    )
    pair = PossibleDuplicate.objects.get(order=second, other=first)
    workflow.workorder_merge(order_id=second.id, acting_user=office_staff, duplicate_id=pair.id)
    assert ExtensionRequest.objects.get(order=second).status == "refused"
