"""The README's whole receiver, run as the hotline's developer would run it: on a real port,
against callbacks the portal really sends, retried and replayed."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from http.server import HTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from complaints import services, workflow
from complaints.callbacks import callback_replay, deliver_order
from complaints.clients import api_client_create, signature
from complaints.models import CallbackEvent

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FIELDS = {
    "kind": "complaint",
    "content": "小区物业不修电梯，老人上下楼困难",
    "citizen_name": "王先生",
    "citizen_phone": "13812345678",
}


def _readme_python_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Callbacks\n", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0] for block in section.split("```python\n")[1:]]


@pytest.fixture
def readme_receiver(tmp_path, monkeypatch):
    """The README's verify() and receiver, as written, served on a free port."""
    blocks = _readme_python_blocks()
    assert len(blocks) == 2, "the README shows verify() and then a whole receiver"
    secret_box: dict[str, str] = {}
    monkeypatch.chdir(tmp_path)  # its database file is made where it runs

    def start(secret: str):
        monkeypatch.setenv("WUQING_SIGNING_SECRET", secret)
        ready = threading.Event()

        def run():  # in one thread, as `python receiver.py` runs: sqlite3 wants that
            namespace: dict = {"__name__": "receiver"}  # not __main__: served here
            exec("\n".join(blocks), namespace)
            secret_box["server"] = HTTPServer(("127.0.0.1", 0), namespace["Receiver"])
            ready.set()
            secret_box["server"].serve_forever()

        threading.Thread(target=run, daemon=True).start()
        assert ready.wait(10)
        return f"http://127.0.0.1:{secret_box['server'].server_port}/"

    yield start
    if "server" in secret_box:
        secret_box["server"].shutdown()
        secret_box["server"].server_close()


def _rows(tmp_path, sql):
    with sqlite3.connect(tmp_path / "callbacks.sqlite3") as db:
        return db.execute(sql).fetchall()


def test_the_readme_receiver_applies_each_callback_once_and_refuses_forgeries(
    readme_receiver, tmp_path, housing_staff
):
    client, _, secret = api_client_create(name="12345")
    url = readme_receiver(secret)
    client.callback_url = url
    client.save(update_fields=["callback_url"])
    order, _ = services.hotline_intake(client=client, hotline_id="R-1", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    deliver_order(order.id)
    workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修好")
    deliver_order(order.id)
    sign, resolve = CallbackEvent.objects.filter(order=order).order_by("id")
    for callback in (sign, resolve):
        callback.refresh_from_db()
        assert callback.state == CallbackEvent.State.DELIVERED, callback.last_error
    assert _rows(tmp_path, "SELECT hotline_id, status FROM orders") == [("R-1", "resolved")]

    # The office's replay of the older callback: accepted (2xx), not applied again.
    callback_replay(callback_id=sign.id)
    deliver_order(order.id)
    sign.refresh_from_db()
    assert sign.state == CallbackEvent.State.DELIVERED and sign.attempts == 2
    assert _rows(tmp_path, "SELECT status FROM orders") == [("resolved",)]
    assert len(_rows(tmp_path, "SELECT event_id FROM handled")) == 2

    # An older change that comes after a newer one (a replay after a day of failures):
    # recorded as handled, not applied over the newer.
    body = json.dumps(
        {
            "event_id": "older",
            "hotline_id": "R-1",
            "status": "in_progress",
            "occurred_at": sign.payload["occurred_at"],
        }
    ).encode()
    now = str(int(time.time()))
    headers = {"X-Wuqing-Timestamp": now, "X-Wuqing-Signature": signature(secret, now, body)}
    with urlopen(Request(url, data=body, headers=headers, method="POST"), timeout=5) as answer:
        assert answer.status == 204
    assert _rows(tmp_path, "SELECT status FROM orders") == [("resolved",)]

    # Not from the portal: 401, nothing recorded.
    body = json.dumps({"event_id": "forged", "hotline_id": "R-1", "status": "closed"}).encode()
    headers = {"X-Wuqing-Timestamp": "1", "X-Wuqing-Signature": signature("x", "1", body)}
    with pytest.raises(HTTPError) as refused:
        urlopen(Request(url, data=body, headers=headers, method="POST"), timeout=5)
    assert refused.value.code == 401
    assert _rows(tmp_path, "SELECT status FROM orders") == [("resolved",)]
