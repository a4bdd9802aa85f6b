"""A dispute says who raised it: the office's own question is not labelled as a unit's
objection (单位提出管辖异议). Codes are compared, and the page is read in English."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from complaints import disputes
from complaints.choices import DisputeSource
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_dispute_the_office_opens_is_labelled_as_the_offices(client, office_staff):
    order = make_order(office_staff, unit_code="commerce", content="培训机构预付费纠纷")
    dispute = disputes.dispute_open(
        acting_user=office_staff, order_number=order.number, summary="管辖不清，请组长裁定"
    )
    assert dispute.source == DisputeSource.OFFICE_QUESTION
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    assert "The office raises a jurisdiction question" in page
    assert "A unit disputes jurisdiction" not in page


def test_a_dispute_a_unit_opens_is_still_the_units(db, office_staff):
    commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    order = make_order(office_staff, unit_code="commerce", content="培训机构预付费纠纷")
    dispute = disputes.dispute_open(
        acting_user=commerce, order_number=order.number, summary="不属于商务部门"
    )
    assert dispute.source == DisputeSource.UNIT_DISPUTE
