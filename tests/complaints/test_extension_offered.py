"""The order page offered 申请延期 (Request an extension) on a report (举报) the unit had
accepted: a report has no resolution deadline, so once its acceptance decision is made no
deadline runs, and the request, typed out on a phone, was refused with "This order has no
running deadline that can be extended." The page now offers the request only where it can
be sent, as it does every other action."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints import workflow
from complaints.models import WorkOrder
from tests.factories import make_order

pytestmark = pytest.mark.django_db


def accepted(office_staff, mr_staff, **overrides) -> WorkOrder:
    order = make_order(office_staff, **overrides)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_accept(order_id=order.id, acting_user=mr_staff)
    return WorkOrder.objects.get(id=order.id)


def test_an_accepted_report_with_no_running_deadline_is_not_offered_an_extension(
    client, office_staff, mr_staff
):
    report = accepted(office_staff, mr_staff, kind="report")
    assert workflow.open_deadline_names(report) == []
    with pytest.raises(workflow.WorkflowError):
        workflow.workorder_request_extension(
            order_id=report.id, acting_user=mr_staff, working_days=5, reason="送检"
        )
    assert "request_extension" not in workflow.allowed_actions(mr_staff, report)
    client.force_login(mr_staff)
    html = client.get(reverse("order_detail", args=[report.number])).content.decode()
    assert 'id="summary-extension"' not in html
    assert 'id="action-resolve"' in html  # the rest of the handling is still there


def test_a_paused_order_is_not_offered_an_extension_until_its_clock_runs_again(
    office_staff, mr_staff
):
    complaint = accepted(office_staff, mr_staff)
    workflow.workorder_pause(order_id=complaint.id, acting_user=mr_staff, reason="送检")
    paused = WorkOrder.objects.get(id=complaint.id)
    assert "request_extension" not in workflow.allowed_actions(mr_staff, paused)
    workflow.workorder_resume(order_id=complaint.id, acting_user=mr_staff)
    running = WorkOrder.objects.get(id=complaint.id)
    assert "request_extension" in workflow.allowed_actions(mr_staff, running)
    workflow.workorder_request_extension(
        order_id=complaint.id, acting_user=mr_staff, working_days=5, reason="送检"
    )


def test_an_order_signed_for_but_not_yet_accepted_is_still_offered_an_extension(
    office_staff, mr_staff
):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    signed = WorkOrder.objects.get(id=order.id)
    assert "request_extension" in workflow.allowed_actions(mr_staff, signed)
