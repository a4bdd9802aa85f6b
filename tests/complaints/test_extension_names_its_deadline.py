"""The extension form asked only for a number of working days and a reason. An order signed
for but not yet accepted runs two clocks a unit may think of, the acceptance decision (7
working days) and, to its mind, the handling as a whole; the request moves the first,
and once the complaint is accepted, the resolution. A new member of a unit could not tell
from the page which one the office would be asked to move. The form now names it and when
it is due now. (English pages, so the assertions hold however the Chinese is worded.)"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import workflow
from complaints.models import WorkOrder
from tests.factories import make_order

pytestmark = pytest.mark.django_db


def extension_form(client, user, order) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    found = re.search(r'id="summary-extension">.*?</form>', page, re.S)
    assert found, "no extension form"
    return found[0]


def local(due) -> str:
    return timezone.localtime(due).strftime("%Y-%m-%d %H:%M")


def test_before_acceptance_the_form_says_it_moves_the_acceptance_decision(
    client, office_staff, mr_staff
):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    order = WorkOrder.objects.get(id=order.id)
    form = extension_form(client, mr_staff, order)
    assert "Acceptance decision" in form
    assert local(order.due_decision) in form


def test_once_accepted_the_form_says_it_moves_the_resolution(client, office_staff, mr_staff):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_accept(order_id=order.id, acting_user=mr_staff)
    order = WorkOrder.objects.get(id=order.id)
    form = extension_form(client, mr_staff, order)
    assert "Resolution" in form and "Acceptance decision" not in form
    assert local(order.due_resolution) in form


def test_the_offices_decision_form_names_the_deadline_the_request_would_move(
    client, office_staff, mr_staff
):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_request_extension(
        order_id=order.id, acting_user=mr_staff, working_days=5, reason="等待检测报告"
    )
    order = WorkOrder.objects.get(id=order.id)
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    form = re.search(r'id="form-extension-decision">(.*?)</form>', page, re.S)[1]
    assert "Acceptance decision" in form
    assert local(order.due_decision) in form
