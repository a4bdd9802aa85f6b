"""The same form posted twice at once: the second post waits on the first's claim of the
token, then leads to what the first recorded (`wuqing_consumer.form_once`).

Commits (transaction=True) and uses two database connections, so it needs PostgreSQL.
It waits on conditions (barriers), never on the clock."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from complaints import services
from complaints.models import WorkOrder
from wuqing_consumer import form_once
from wuqing_consumer.models import SentForm

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: two connections waiting on one key.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_intake_posted_twice_at_once_registers_one_order(office_staff, monkeypatch):
    """Each post, once it is writing, waits for the other to be writing too. With the token
    claimed first, the second post is held on the claim instead, so the first goes on
    when the bounded wait ends; the second then finds the first's order."""
    token = form_once.issue(office_staff)
    body = {
        "kind": "complaint",
        "channel": "phone",
        "urgency": "normal",
        "content": "小区物业不作为，电梯坏了一个月没人修，业主多次反映无果",
        "citizen_phone": "13900001111",
        "routing_choice": "auto",
        "form_once": token,
    }
    clients = [Client(), Client()]
    for client in clients:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(office_staff)
    start, meet = threading.Barrier(2), threading.Barrier(2)
    original = services.workorder_intake

    def writing(**kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            meet.wait(timeout=3)
        return original(**kwargs)

    monkeypatch.setattr(services, "workorder_intake", writing)
    responses: list[object] = [None, None]

    def post(index: int) -> None:
        try:
            start.wait(timeout=10)
            responses[index] = clients[index].post("/orders/new/", body)
        except Exception as error:  # noqa: BLE001 - returned to the test
            responses[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    order = WorkOrder.objects.get()
    assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
    assert {r.url for r in responses} == {f"/orders/{order.number}/"}
    assert SentForm.objects.get().url == f"/orders/{order.number}/"
