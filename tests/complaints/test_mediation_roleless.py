"""The form to record a mediation agreement opens only for those who may record one
(`access.records_mediation`): it opened for every account of the handling unit, one holding
no role in it too, whose post the service then refused. To anyone else it answers 404, as a
form of another unit does: never a 403 that would confirm the order."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints import workflow
from complaints.deadlines import BEIJING
from complaints.models import MediationAgreement
from departments import access
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit

FORM = {
    "body": "unit",
    "parties": "张先生；某某超市",
    "terms": "超市退还货款并赔偿500元",
    "effective_on": "2026-07-03",
}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 7, 6, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def order(office_staff, mr_staff):
    signed = make_order(office_staff)
    workflow.workorder_sign(order_id=signed.id, acting_user=mr_staff)
    return signed


@pytest.fixture
def roleless(db):
    return UserFactory(username="mr_roleless", unit=unit("market-regulation"), roles=[])


def test_the_form_is_not_opened_for_an_account_without_a_role(client, order, roleless):
    client.force_login(roleless)
    assert not access.records_mediation(roleless)
    assert not access.records_mediation(roleless, order)
    assert client.get(reverse("mediation_new")).status_code == 404
    assert client.get(f"{reverse('mediation_new')}?order={order.number}").status_code == 404
    page = client.get(reverse("order_detail", args=[order.number]))
    assert page.status_code == 200  # it reads its unit's order
    assert reverse("mediation_new") not in page.content.decode()


def test_an_account_without_a_role_records_no_agreement(client, order, roleless):
    client.force_login(roleless)
    response = client.post(reverse("mediation_new"), {**FORM, "order": order.number})
    assert response.status_code == 404
    assert not MediationAgreement.objects.exists()


def test_the_form_is_not_opened_for_an_order_of_another_unit(client, order):
    housing = UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])
    client.force_login(housing)
    assert client.get(reverse("mediation_new")).status_code == 200
    assert client.get(f"{reverse('mediation_new')}?order={order.number}").status_code == 404
    assert client.get(f"{reverse('mediation_new')}?order=NOSUCH").status_code == 404


def test_the_handling_unit_opens_the_form_and_records(client, order, mr_staff):
    client.force_login(mr_staff)
    page = client.get(reverse("order_detail", args=[order.number]))
    assert f"{reverse('mediation_new')}?order={order.number}" in page.content.decode()
    response = client.get(f"{reverse('mediation_new')}?order={order.number}")
    assert response.status_code == 200
    assert f'value="{order.number}"' in response.content.decode()
    response = client.post(reverse("mediation_new"), {**FORM, "order": order.number})
    assert response.status_code == 302
    assert MediationAgreement.objects.get().order_id == order.id
