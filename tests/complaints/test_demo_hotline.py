"""The demo (`load_demo`) had no hotline client: on `make run` the admin's Callbacks page was
empty, so the office could not see a failing delivery or try a replay, and the hotline's
developers had no key to try the API with. The demo now has a client with a known key, whose
order was pushed through the API, and whose callbacks go to an address nobody listens at."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from complaints.callbacks import deliver_order
from complaints.demo import DEMO_API_KEY, DEMO_CALLBACK_URL, DEMO_HOTLINE_CLIENT
from complaints.models import ApiClient, CallbackEvent, WorkOrder

pytestmark = pytest.mark.django_db


def _list(client):
    return client.get("/api/v1/hotline/work-orders/", HTTP_AUTHORIZATION=f"Bearer {DEMO_API_KEY}")


def test_the_demo_has_a_hotline_client_whose_key_works_and_whose_callbacks_fail(client, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert DEMO_API_KEY in out.getvalue()
    hotline = ApiClient.objects.get(name=DEMO_HOTLINE_CLIENT)
    assert hotline.callback_url == DEMO_CALLBACK_URL

    response = _list(client)
    assert response.status_code == 200
    pushed = WorkOrder.objects.get(source_client=hotline)
    assert [o["hotline_id"] for o in response.json()["results"]] == [pushed.hotline_id]
    assert pushed.events.order_by("id").first().created_at == pushed.received_at

    callbacks = CallbackEvent.objects.filter(client=hotline, order=pushed)
    assert callbacks.exists()
    deliver_order(pushed.id)  # nobody listens at the demo's address
    first = callbacks.order_by("id").first()
    assert first.state == CallbackEvent.State.PENDING
    assert first.attempts >= 1
    assert first.last_error


def test_loading_the_demo_again_keeps_one_hotline_client_and_its_key(client, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    assert ApiClient.objects.filter(name=DEMO_HOTLINE_CLIENT).count() == 1
    assert _list(client).status_code == 200
