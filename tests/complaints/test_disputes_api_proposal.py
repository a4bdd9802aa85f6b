"""The read-only disputes API (/api/v1/disputes/) gave the office's proposal as its text
alone: the unit it proposed and the units it proposed to co-handle the order with (which
the leader's designation form starts from) were on the dispute's page, not in the API. They
are now `proposed_unit` and `proposed_co_units`, codes as `designated_unit` and `units`."""

from __future__ import annotations

import pytest

from complaints import disputes, workflow
from complaints.models import Dispute
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(office_staff) -> Dispute:
    """An order returned by commerce and by education: the dispute its second return opened."""
    commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    education = UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF])
    order = make_order(office_staff, unit_code="commerce", content="培训学校预付学费停课，要求退费")
    workflow.workorder_return(order_id=order.id, acting_user=commerce, reason="属教育")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office_staff, unit_code="education")
    workflow.workorder_return(order_id=order.id, acting_user=education, reason="属商务")
    return Dispute.objects.get(order=order)


def read(client, person, dispute: Dispute) -> tuple[dict, dict]:
    client.force_login(person)
    one = client.get(f"/api/v1/disputes/{dispute.id}/")
    listed = client.get("/api/v1/disputes/")
    assert one.status_code == listed.status_code == 200
    (row,) = [d for d in listed.json()["results"] if d["id"] == dispute.id]
    return one.json(), row


def test_the_api_gives_the_unit_and_the_co_handling_units_the_office_proposed(
    client, opened, office_staff, leader
):
    before, _row = read(client, office_staff, opened)
    assert before["proposed_unit"] is None and before["proposed_co_units"] == []

    disputes.dispute_propose(
        dispute_id=opened.id,
        acting_user=office_staff,
        proposal="建议教育局主办，商务局、市场监管局协办",
        unit_code="education",
        co_unit_codes=["market-regulation", "commerce"],
    )

    for body in read(client, leader, opened):
        assert body["proposed_unit"] == "education"
        assert body["proposed_co_units"] == ["commerce", "market-regulation"]


def test_the_schema_describes_them_in_chinese_and_english_with_an_example(client):
    document = client.get("/api/v1/schema/?format=json").json()
    fields = document["components"]["schemas"]["DisputeOut"]["properties"]
    for name in ("proposed_unit", "proposed_co_units"):
        description = fields[name]["description"]
        assert "/" in description and any("\u4e00" <= c <= "\u9fff" for c in description)
    assert fields["proposed_co_units"]["type"] == "array"
    assert fields["proposed_co_units"]["example"] == ["commerce", "market-regulation"]
    assert fields["proposed_unit"]["example"] == "education"
