"""The accept button of a report (举报) promised what does not happen: see the test."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints import workflow
from tests.factories import make_order

pytestmark = pytest.mark.django_db


def test_the_accept_button_of_a_report_does_not_promise_a_resolution_deadline(
    client, office_staff, mr_staff
):
    """A report (举报) has no resolution deadline; its button said accepting it "starts the
    resolution deadline", and then no deadline ran at all. A complaint's still says so."""
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    shown = {}
    for kind in ("report", "complaint"):
        order = make_order(office_staff, kind=kind)
        workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
        html = client.get(reverse("order_detail", args=[order.number])).content.decode()
        button = html.split('id="action-accept">', 1)[1].split("</button>", 1)[0]
        shown[kind] = button.split("</i>", 1)[1].strip()
    assert shown == {
        "report": "Accept the report for handling",
        "complaint": "Accept for handling (starts the resolution deadline)",
    }
