"""Who may open a jurisdiction dispute about a work order: the order's page and the service
agree. The notice has the units that cannot agree put the case to the office (四（五）): the
office, and the units handling the order now, primary or co-handling, while it is open. A
unit that once had the order (it returned it, or it was re-dispatched away from it) sees
the order but is not offered the form; it is a party to a dispute the others open.

Before, the page offered the form to those alone, while `disputes.dispute_open` opened one
for any unit ever linked to the order, and on a resolved or closed order too: a stale page
or a crafted post did what the page did not offer."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from complaints import disputes, workflow
from complaints.models import Dispute
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit
from wuqing_consumer.errors import ActionRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def education_staff(db):
    return UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF])


@pytest.fixture
def order(office_staff, housing_staff):
    """Housing returned it; the office dispatched it to Market Regulation, with Education
    co-handling: Housing once had it, Market Regulation and Education have it."""
    order = make_order(office_staff, unit_code="housing")
    workflow.workorder_return(order_id=order.id, acting_user=housing_staff, reason="不属本单位")
    workflow.workorder_dispatch(
        order_id=order.id,
        acting_user=office_staff,
        unit_code="market-regulation",
        co_unit_codes=["education"],
    )
    order.refresh_from_db()
    return order


def offered(client, user, order) -> bool:
    client.force_login(user)
    response = client.get(reverse("order_detail", args=[order.number]))
    assert response.status_code == 200
    return response.context["can_dispute"]


def post(client, user, order, language: str = "en") -> list[str]:
    """Send the order page's dispute form as `user`; the messages it leaves."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        reverse("dispute_open"),
        {"order": order.number, "summary": "管辖不清", "back": "/"},
    )
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("who", ["office_staff", "mr_staff", "education_staff"])
def test_those_offered_the_form_can_open_the_dispute(request, client, order, who):
    user = request.getfixturevalue(who)
    assert offered(client, user, order)
    post(client, user, order)
    (dispute,) = Dispute.objects.filter(order=order)
    assert dispute.opened_by == user
    # The unit that once had the order is a party to it.
    assert unit("housing") in dispute.units.all()


def test_a_unit_that_once_had_the_order_is_neither_offered_nor_let_open_it(
    client, order, housing_staff
):
    assert not offered(client, housing_staff, order)
    said = post(client, housing_staff, order)
    assert said == [
        f"Order {order.number} is no longer with your unit, so your unit cannot open a "
        "jurisdiction dispute about it: the unit handling it or the office can."
    ]
    assert not Dispute.objects.exists()


@pytest.mark.parametrize("finished", ["resolved", "closed"])
def test_a_finished_order_is_neither_offered_nor_let_open_it(
    client, order, mr_staff, office_staff, finished
):
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=mr_staff, result="已处理")
    if finished == "closed":
        workflow.workorder_close(order_id=order.id, acting_user=office_staff)
    order.refresh_from_db()
    for user in (mr_staff, office_staff):
        assert not offered(client, user, order)
        said = post(client, user, order)
        with translation.override("en"):
            status = order.get_status_display()
        assert said == [
            f"Order {order.number} has the status “{status}”; a jurisdiction dispute can be "
            "opened only about an order still open."
        ]
    assert not Dispute.objects.exists()


def test_the_service_refuses_them_itself(order, housing_staff):
    with pytest.raises(ActionRefused):
        disputes.dispute_open(
            acting_user=housing_staff, summary="管辖不清", order_number=order.number
        )
    assert not Dispute.objects.exists()
