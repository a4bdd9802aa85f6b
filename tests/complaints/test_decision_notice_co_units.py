"""The leader's designation tells the units concerned which units co-handle the order with
the one designated, and tells the co-handling units themselves, in each reader's language.
Pages read in English (the django_language cookie)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from complaints import disputes, workflow
from complaints.models import Dispute, WorkOrder
from departments.choices import RoleCode
from departments.models import Notification
from tests.factories import UserFactory, make_order, unit


@pytest.fixture
def people(db):
    return {
        code: UserFactory(unit=unit(code), roles=[RoleCode.UNIT_STAFF])
        for code in ("commerce", "education", "market-regulation")
    }


@pytest.fixture
def proposed(people, office_staff):
    order = make_order(office_staff, unit_code="commerce", content="培训学校预付学费停课，要求退费")
    workflow.workorder_return(order_id=order.id, acting_user=people["commerce"], reason="属教育")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office_staff, unit_code="education")
    workflow.workorder_return(order_id=order.id, acting_user=people["education"], reason="属商务")
    dispute = Dispute.objects.get(order=order)
    return disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=office_staff, proposal="建议由教育局办理"
    )


def decided(proposed, leader, co_units):
    disputes.dispute_designate(
        dispute_id=proposed.id,
        acting_user=leader,
        unit_code="education",
        co_unit_codes=co_units,
        note="教育局主办",
    )
    return f"dispute_decided:{proposed.id}"


def english_names(*codes) -> str:
    with translation.override("en"):
        return ", ".join(str(unit(code)) for code in codes)


def read_in_english(client, user) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(reverse("notification_list")).content.decode()


def test_the_designated_unit_is_told_the_co_handling_units(client, proposed, leader, people):
    key = decided(proposed, leader, ["commerce", "market-regulation"])
    told = Notification.objects.get(recipient=people["education"], key=key)
    assert "教育局主办" in told.body
    for code in ("commerce", "market-regulation"):
        assert unit(code).name in told.body
    page = read_in_english(client, people["education"])
    assert f"Co-handling units: {english_names('commerce', 'market-regulation')}" in page


def test_a_co_handling_unit_not_party_to_the_dispute_is_told_too(client, proposed, leader, people):
    key = decided(proposed, leader, ["market-regulation"])
    told = Notification.objects.get(recipient=people["market-regulation"], key=key)
    # Its page is the order it co-handles: the dispute's is not the unit's to open.
    order = WorkOrder.objects.get(id=proposed.order_id)
    assert told.url == reverse("order_detail", args=[order.number])
    assert client_opens(client, people["market-regulation"], told.url) == 200
    page = read_in_english(client, people["market-regulation"])
    assert f"Co-handling units: {english_names('market-regulation')}" in page


def client_opens(client, user, url) -> int:
    client.force_login(user)
    return client.get(url).status_code


def test_without_co_units_the_notice_is_the_reasons_alone(proposed, leader, people):
    key = decided(proposed, leader, [])
    told = Notification.objects.get(recipient=people["education"], key=key)
    assert told.body == "教育局主办"
    assert not Notification.objects.filter(recipient=people["market-regulation"], key=key).exists()
