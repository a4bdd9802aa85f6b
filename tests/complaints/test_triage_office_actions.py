"""An order waiting in the triage queue has no unit yet: there is no one to supervise and no
unit's satisfaction figure to exclude it from, so neither is offered nor done."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from complaints import workflow
from complaints.choices import Action, Status
from complaints.models import WorkOrder, WorkOrderEvent
from tests.factories import make_order


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _row(order):
    return (
        WorkOrder.objects.filter(pk=order.pk).values().get(),
        WorkOrderEvent.objects.filter(order=order).count(),
    )


@pytest.mark.parametrize("persona", ["office_staff", "office_director", "leader"])
def test_a_triage_order_offers_neither_supervision_nor_exclusion(request, office_staff, persona):
    person = request.getfixturevalue(persona)
    order = make_order(office_staff, send_to_triage=True)
    assert order.status == Status.TRIAGE
    offered = workflow.allowed_actions(person, order)
    assert Action.SUPERVISE not in offered
    assert Action.EXCLUDE not in offered


def test_the_order_page_of_a_triage_order_has_no_supervise_or_exclude_form(client, office_staff):
    order = make_order(office_staff, send_to_triage=True)
    client.force_login(office_staff)
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    assert reverse("order_act", args=[order.number, "supervise"]) not in page
    assert reverse("order_act", args=[order.number, "exclude"]) not in page
    assert reverse("order_act", args=[order.number, "dispatch"]) in page


@pytest.mark.parametrize(
    ("function", "kwargs"),
    [
        (workflow.workorder_supervise, {"note": "请尽快"}),
        (workflow.workorder_exclude_from_stats, {"reason": "恶意投诉"}),
    ],
    ids=["supervise", "exclude"],
)
def test_the_service_refuses_them_on_a_triage_order_and_changes_nothing(
    office_staff, function, kwargs
):
    order = make_order(office_staff, send_to_triage=True)
    before = _row(order)
    with pytest.raises(workflow.WorkflowError, match="has not been dispatched to a unit yet"):
        function(order_id=order.id, acting_user=office_staff, **kwargs)
    assert _row(order) == before


def test_a_posted_supervision_of_a_triage_order_is_refused_with_the_message(client, office_staff):
    order = make_order(office_staff, send_to_triage=True)
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    before = _row(order)
    response = client.post(
        reverse("order_act", args=[order.number, "supervise"]),
        {"note": "请尽快", "version": order.version},
        follow=True,
    )
    assert "has not been dispatched to a unit yet" in response.content.decode()
    assert _row(order) == before
