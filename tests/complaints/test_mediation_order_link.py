"""An agreement's page links its work order for everyone who may open the order: the link
was shown to the recording unit and to holders of a Django permission no portal role has,
so the office, which sees every order, read the number as plain text and had to search for
it. The court, which may not open the order, still reads the number alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import mediation, workflow
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(office_staff, mr_staff):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    return mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        parties="张先生；某某超市",
        terms="超市退还货款并赔偿500元",
        effective_on=timezone.localdate() - timedelta(days=1),
        consent="both",
    )


def order_cell(client, person, agreement) -> str:
    client.force_login(person)
    page = client.get(reverse("mediation_detail", args=[agreement.id])).content.decode()
    return page.split(f"{agreement.order.number}<", 1)[0].rsplit("<dd", 1)[1]


@pytest.mark.parametrize("persona", ["office_staff", "leader", "mr_staff"])
def test_whoever_may_open_the_order_has_its_link(request, client, agreement, persona):
    link = f'<a href="{reverse("order_detail", args=[agreement.order.number])}">'
    assert order_cell(client, request.getfixturevalue(persona), agreement).endswith(link)


def test_the_court_reads_the_number_alone(client, agreement, mr_staff):
    mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)
    judge = UserFactory(unit=unit("court"), roles=[RoleCode.UNIT_STAFF])
    assert "<a " not in order_cell(client, judge, agreement)


def list_order_cell(client, person, agreement) -> str:
    client.force_login(person)
    page = client.get(reverse("mediation_list") + "?queue=0").content.decode()
    row = page.split(f'data-agreement="{agreement.id}"', 1)[1].split("</tr>", 1)[0]
    cells = row.split("<td")
    return next(
        cell for cell in cells if agreement.order.number in cell and "mediation/" not in cell
    )


@pytest.mark.parametrize("persona", ["office_staff", "leader", "mr_staff"])
def test_the_list_links_the_order_for_whoever_may_open_it(request, client, agreement, persona):
    """The list gave the order's number as plain text to everyone, the office included,
    who then searched for it to read the complaint the agreement settles."""
    cell = list_order_cell(client, request.getfixturevalue(persona), agreement)
    link = f'href="{reverse("order_detail", args=[agreement.order.number])}"'
    assert link in cell and f">{agreement.order.number}</a>" in cell


def test_the_court_reads_the_orders_number_alone_in_the_list(client, agreement, mr_staff):
    mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)
    judge = UserFactory(unit=unit("court"), roles=[RoleCode.UNIT_STAFF])
    cell = list_order_cell(client, judge, agreement)
    assert "<a " not in cell and agreement.order.number in cell
