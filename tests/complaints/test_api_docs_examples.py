"""/api/v1/docs/'s "Try it out" with the demo key: each request body the hotline sends comes
filled with an example that means something, and the examples follow one another (the order
pushed is the one read and called back about), as a developer tries them in turn."""

from __future__ import annotations

import json

import pytest

from complaints import workflow
from complaints.clients import api_client_create
from complaints.models import WorkOrder

pytestmark = pytest.mark.django_db

HOTLINE_BODIES = (
    "/api/v1/routing/preview/",
    "/api/v1/hotline/work-orders/",
    "/api/v1/hotline/work-orders/{hotline_id}/satisfaction/",
)


def _example(schema: dict, path: str) -> dict:
    content = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    assert content.get("examples"), f"{path}: Try it out would send placeholders"
    (example,) = content["examples"].values()
    return example["value"]


def _hotline_id_example(schema: dict, path: str) -> str:
    (operation,) = [op for op in schema["paths"][path].values() if isinstance(op, dict)][:1]
    (parameter,) = [p for p in operation["parameters"] if p["name"] == "hotline_id"]
    (example,) = parameter.get("examples", {"none": {"value": None}}).values()
    return example["value"]


def test_each_body_the_hotline_sends_has_an_example_the_api_takes_in_turn(client, housing_staff):
    schema = client.get("/api/v1/schema/?format=json").json()
    _, key, _ = api_client_create(name="天津12345")

    def post(path, body):
        return client.post(
            path,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    preview = post("/api/v1/routing/preview/", _example(schema, HOTLINE_BODIES[0]))
    assert preview.status_code == 200, preview.json()
    assert preview.json()["status"] == "assigned", preview.json()  # it routes somewhere

    order = _example(schema, HOTLINE_BODIES[1])
    assert post("/api/v1/hotline/work-orders/", order).status_code == 201

    # The paths' hotline_id comes filled with the order just pushed.
    for path in (
        "/api/v1/hotline/work-orders/{hotline_id}/",
        "/api/v1/hotline/work-orders/{hotline_id}/satisfaction/",
    ):
        assert _hotline_id_example(schema, path) == order["hotline_id"], path
    read = client.get(
        f"/api/v1/hotline/work-orders/{order['hotline_id']}/", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert read.status_code == 200

    pushed = WorkOrder.objects.get(hotline_id=order["hotline_id"])
    workflow.workorder_sign(order_id=pushed.id, acting_user=housing_staff)
    workflow.workorder_resolve(order_id=pushed.id, acting_user=housing_staff, result="已修好")
    call_back = _example(schema, HOTLINE_BODIES[2])
    answer = post(f"/api/v1/hotline/work-orders/{order['hotline_id']}/satisfaction/", call_back)
    assert answer.status_code == 200, answer.json()
    assert answer.json()["satisfaction"] == call_back["rating"]
