"""An order's history names after an arrow the unit a line concerns ("Dispatched → Housing
and Construction Commission"). On a return that unit is the one giving the order back, so
the line read "Returned to the office → Housing and Construction Commission" (已退回办公室 →
区住房建设委): the order going to the very unit that had just sent it away. The line now
reads "Returned to the office"; who returned it, and for which unit, stands above it as
on every line. (English pages, so the assertions hold however the Chinese is worded.)"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from complaints import workflow
from tests.factories import make_order

pytestmark = pytest.mark.django_db


def history_line(client, user, order, action: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    found = re.findall(rf'<li class="timeline-item" data-action="{action}">(.*?)</li>', page, re.S)
    assert found, action
    return found[-1]


@pytest.mark.parametrize("reader", ["housing_staff", "office_staff"])
def test_a_return_line_does_not_point_back_at_the_unit_that_returned_it(
    client, request, office_staff, housing_staff, reader
):
    order = make_order(office_staff, unit_code="housing")
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    workflow.workorder_return(order_id=order.id, acting_user=housing_staff, reason="属发改委职责")
    line = history_line(client, request.getfixturevalue(reader), order, "return")
    assert "Returned to the office" in line
    assert "→" not in line
    # who returned it, for which unit, is still said
    assert "(Housing and Construction Commission)" in line


def test_the_dispatch_line_still_names_the_unit_it_went_to(client, office_staff, housing_staff):
    order = make_order(office_staff, unit_code="housing")
    line = history_line(client, housing_staff, order, "dispatch")
    assert "→ Housing and Construction Commission" in line
