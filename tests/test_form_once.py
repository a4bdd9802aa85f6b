"""A form that creates a record is sent once: the same post arriving twice (a browser retry,
a refresh that resends it, a second tab) records it once and leads to it the second time
(`wuqing_consumer.form_once`)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone, translation

from complaints.models import WorkOrder
from tests.factories import UserFactory, unit
from wuqing_consumer import form_once
from wuqing_consumer.models import SentForm
from wuqing_consumer.tasks import forget_sent_forms

ALREADY = "This form had already been sent; here is what it recorded."
INTAKE = {
    "kind": "complaint",
    "channel": "phone",
    "urgency": "normal",
    "content": "小区物业不作为，电梯坏了一个月没人修，业主多次反映无果",
    "citizen_phone": "13900001111",
    "routing_choice": "auto",
}


@pytest.fixture(autouse=True)
def english_pages(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def tokens_in(response) -> list[str]:
    return re.findall(r'name="form_once" value="([^"]+)"', response.content.decode())


def token_of(client, url: str) -> str:
    """The token of the (only) creating form on the page at `url`."""
    response = client.get(url)
    assert response.status_code == 200
    tokens = tokens_in(response)
    assert len(tokens) == 1, tokens
    return tokens[0]


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_intake_posted_twice_registers_one_order_and_the_second_post_leads_to_it(
    client, office_staff
):
    client.force_login(office_staff)
    body = {**INTAKE, "form_once": token_of(client, "/orders/new/")}

    first = client.post("/orders/new/", body)
    again = client.post("/orders/new/", body)

    order = WorkOrder.objects.get()
    assert first.status_code == again.status_code == 302
    assert first.url == again.url == f"/orders/{order.number}/"
    assert ALREADY in shown(again)
    assert ALREADY not in shown(first)


def test_a_refused_intake_leaves_its_token_for_the_corrected_form(client, office_staff):
    client.force_login(office_staff)
    token = token_of(client, "/orders/new/")

    refused = client.post("/orders/new/", {**INTAKE, "content": " ", "form_once": token})
    assert refused.status_code == 400
    assert WorkOrder.objects.count() == 0 and SentForm.objects.count() == 0
    assert len(tokens_in(refused)) == 1  # the form shown again carries one too

    corrected = client.post("/orders/new/", {**INTAKE, "form_once": token})
    order = WorkOrder.objects.get()
    assert corrected.url == f"/orders/{order.number}/"
    assert ALREADY not in shown(corrected)


def test_an_intake_without_a_token_is_registered_as_before(client, office_staff):
    """A page opened before the tokens existed: each post registers, as it always did."""
    client.force_login(office_staff)

    client.post("/orders/new/", INTAKE)
    client.post("/orders/new/", INTAKE)

    assert WorkOrder.objects.count() == 2
    assert SentForm.objects.count() == 0


def test_a_token_of_someone_else_is_not_honoured(client, office_staff):
    colleague = UserFactory(username="office2", unit=unit("office"), roles=["office_staff"])
    theirs = Client()
    theirs.force_login(colleague)
    token = token_of(theirs, "/orders/new/")
    assert theirs.post("/orders/new/", {**INTAKE, "form_once": token}).status_code == 302
    their_order = WorkOrder.objects.get()

    client.force_login(office_staff)
    response = client.post("/orders/new/", {**INTAKE, "form_once": token})

    mine = WorkOrder.objects.exclude(id=their_order.id).get()
    assert mine.created_by == office_staff
    assert response.url == f"/orders/{mine.number}/"
    assert ALREADY not in shown(response)
    for forged in (token.split(":")[0], token + "x", "x" * 500):
        client.post("/orders/new/", {**INTAKE, "form_once": forged})
    assert WorkOrder.objects.count() == 5  # handled as posts without a token


def test_old_claims_are_forgotten_by_the_daily_task(office_staff):
    now = timezone.now()
    for name, age in (("old", form_once.keep() + timedelta(minutes=1)), ("recent", timedelta())):
        SentForm.objects.create(token=name, user=office_staff, sent_at=now - age, url="/")

    assert forget_sent_forms() == 1
    assert list(SentForm.objects.values_list("token", flat=True)) == ["recent"]
    assert form_once.keep() >= 2 * timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert "wuqing_consumer.tasks.forget_sent_forms" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
