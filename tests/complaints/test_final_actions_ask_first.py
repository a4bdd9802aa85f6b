"""Replying with the result and returning an order cannot be taken back by the unit: the
result is final once the order is resolved (the office calls the citizen back and closes
it), and a returned order leaves the unit's inbox (a second return goes to the office as a
jurisdiction dispute). On a phone both buttons sit right under the box just typed in, one
thumb away; each form now asks its question first (data-confirm, static/js/portal.js), as
opening a dispute or merging an order already does. Pages read in English."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from complaints import workflow
from complaints.models import WorkOrder
from tests.factories import make_order

pytestmark = pytest.mark.django_db


def form_of(page: str, action: str) -> str:
    found = re.search(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>', unescape(page), re.S)
    assert found, action
    return found.group(0)


def question(tag: str) -> str:
    asked = re.search(r'data-confirm="([^"]+)"', tag)
    assert asked, tag
    return asked.group(1)


def test_the_reply_with_the_result_and_the_return_ask_before_they_are_sent(
    client, office_staff, mr_staff
):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    order = WorkOrder.objects.get(id=order.id)
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()

    resolve = question(form_of(page, reverse("order_act", args=[order.number, "resolve"])))
    assert order.number in resolve and "cannot be changed" in resolve
    assert resolve.endswith("?") or "? " in resolve

    back = question(form_of(page, reverse("order_act", args=[order.number, "return"])))
    assert order.number in back and "office" in back
    assert back.endswith("?") or "? " in back
