"""An order reopened after a dissatisfied call-back is back with the unit, in progress, and
still holds the result the citizen did not accept. Shown under "Result" in the green card
of a finished order, it read to the unit as the answer already given; the card now says it
is the previous result, not accepted at the call-back, until the unit resolves again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints import workflow
from tests.factories import make_order

pytestmark = pytest.mark.django_db

PREVIOUS = "Previous result, not accepted at the satisfaction call-back"


@pytest.fixture
def reopened(office_staff, mr_staff):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=mr_staff, result="已责令退款")
    workflow.workorder_record_satisfaction(
        order_id=order.id, acting_user=office_staff, rating="dissatisfied", comment="仍未退款"
    )
    return order


def page(client, user, order, settings) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client.get(reverse("order_detail", args=[order.number])).content.decode()


def test_a_reopened_order_shows_its_result_as_the_previous_one(
    reopened, mr_staff, client, settings
):
    html = page(client, mr_staff, reopened, settings)
    assert PREVIOUS in html
    assert "已责令退款" in html and "仍未退款" in html
    assert "border-success-subtle order-result" not in html


def test_a_resolved_order_shows_its_result_as_the_result(reopened, mr_staff, client, settings):
    workflow.workorder_resolve(order_id=reopened.id, acting_user=mr_staff, result="已退款到账")
    html = page(client, mr_staff, reopened, settings)
    assert PREVIOUS not in html
    assert "border-success-subtle order-result" in html and "已退款到账" in html
