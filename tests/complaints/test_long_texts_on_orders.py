"""A unit's result, reasons and opinions and the office's instruction have a length: the
result was taken at 20,000 characters and stood whole on the order and in the hotline's
callback, and cannot be changed once given."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints import workflow
from complaints.models import WorkOrder, WorkOrderEvent
from tests.factories import make_order

pytestmark = pytest.mark.django_db


def test_a_result_too_long_is_refused_and_kept_on_the_form(client, office_staff, mr_staff):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_accept(order_id=order.id, acting_user=mr_staff)
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    too_long = "已核实" * 1667  # 5,001 characters
    order.refresh_from_db()
    page = client.post(
        reverse("order_act", args=[order.number, "resolve"]),
        {"result": too_long, "version": order.version},
        follow=True,
    ).content.decode()
    assert "Please shorten the result of the handling to 5000 characters; it has 5001." in page
    assert too_long in page  # the form keeps what was typed
    order.refresh_from_db()
    assert order.status == "in_progress" and order.result == ""
    workflow.workorder_resolve(order_id=order.id, acting_user=mr_staff, result=too_long[:5000])
    assert WorkOrder.objects.get(id=order.id).status == "resolved"


@pytest.mark.parametrize(
    "step",
    [
        lambda order, person, text: workflow.workorder_return(
            order_id=order.id, acting_user=person, reason=text
        ),
        lambda order, person, text: workflow.workorder_request_extension(
            order_id=order.id, acting_user=person, working_days=5, reason=text
        ),
    ],
    ids=["return", "extension"],
)
def test_a_units_reason_has_the_length_of_a_handling_note(office_staff, mr_staff, step):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    events = WorkOrderEvent.objects.count()
    with pytest.raises(workflow.WorkflowError):
        step(order, mr_staff, "理" * (workflow.NOTE_MAX_LENGTH + 1))
    assert WorkOrderEvent.objects.count() == events
    step(order, mr_staff, "理" * workflow.NOTE_MAX_LENGTH)
    assert WorkOrderEvent.objects.count() == events + 1
