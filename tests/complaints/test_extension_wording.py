"""An extension request as the order page reads it: a pending one said only "Extension of
5 working days requested by …", not that it waits for the coordination office; one the
system withdrew (the order was returned, re-dispatched, resolved or merged first) read
"Extension refused … Withdrawn: …", as if the office had refused it. Each state now reads
as what it is. (English pages, so the assertions hold however the Chinese is worded.)"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from complaints import workflow
from complaints.models import WorkOrder
from tests.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(office_staff, mr_staff):
    o = make_order(office_staff)
    workflow.workorder_sign(order_id=o.id, acting_user=mr_staff)
    workflow.workorder_request_extension(
        order_id=o.id, acting_user=mr_staff, working_days=5, reason="等待检测报告"
    )
    return WorkOrder.objects.get(id=o.id)


def page(client, user, order) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(reverse("order_detail", args=[order.number])).content.decode()


def history_line(html: str, action: str) -> str:
    found = re.findall(rf'<li class="timeline-item" data-action="{action}">(.*?)</li>', html, re.S)
    assert found, action
    return found[-1]


def test_a_pending_request_says_it_waits_for_the_offices_decision(order, mr_staff, client):
    html = page(client, mr_staff, order)
    banner = re.search(r'id="pending-extension">(.*?)</div>', html, re.S)[1]
    assert "waiting for the coordination office" in banner


def test_a_withdrawn_request_reads_as_withdrawn_not_refused(order, mr_staff, client):
    workflow.workorder_return(order_id=order.id, acting_user=mr_staff, reason="不属本单位职责")
    line = history_line(page(client, mr_staff, order), "refuse_extension")
    assert "Extension request withdrawn" in line
    assert "Extension refused" not in line


def test_a_request_the_office_refused_still_reads_refused(order, mr_staff, office_staff, client):
    workflow.workorder_decide_extension(
        order_id=order.id, acting_user=office_staff, approve=False, note="理由不充分"
    )
    line = history_line(page(client, mr_staff, order), "refuse_extension")
    assert "Extension refused" in line and "withdrawn" not in line
    assert 'id="pending-extension"' not in page(client, mr_staff, order)


def test_an_extension_of_one_working_day_is_said_in_the_singular(office_staff, mr_staff, client):
    """'Extension of 1 working days' on the banner, the office's decision form and the
    history line; one day is 'working day' wherever the request's days are named."""
    o = make_order(office_staff)
    workflow.workorder_sign(order_id=o.id, acting_user=mr_staff)
    workflow.workorder_request_extension(
        order_id=o.id, acting_user=mr_staff, working_days=1, reason="等待检测报告"
    )
    order = WorkOrder.objects.get(id=o.id)
    html = page(client, mr_staff, order)
    banner = re.search(r'id="pending-extension">(.*?)</div>', html, re.S)[1]
    assert "Extension of 1 working day requested by" in banner
    assert "+1 working day<" in history_line(html, "request_extension")
    office_page = page(client, office_staff, order)
    form = re.search(r'id="form-extension-decision">(.*?)</form>', office_page, re.S)[1]
    assert "Extension of 1 working day" in form
    assert "1 working days" not in html + form
