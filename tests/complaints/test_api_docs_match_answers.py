"""An integrator's first day: one real request through each endpoint the hotline may call,
each answer read against what the published schema says of it (a client generated from the
schema must neither miss a field the API always sends nor meet one it does not declare)."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from complaints import disputes, referrals, workflow
from complaints.clients import api_client_create
from complaints.models import WorkOrder
from tests.factories import make_order

pytestmark = pytest.mark.django_db

ORDER = {
    "hotline_id": "TJ12345-20261201-0001",
    "kind": "complaint",
    "title": "小区物业不修电梯",
    "content": "杨村街道某小区电梯坏了一个月，物业一直不修。",
    "category": "物业管理",
    "citizen": {"name": "王先生", "phone": "13812345678"},
    "town": "yangcun-street",
}
HAN = re.compile(r"[\u4e00-\u9fff]")
PORTALS = ("/api/v1/referrals/", "/api/v1/disputes/")  # for people signed in, not the hotline


@pytest.fixture
def schema(client):
    return client.get("/api/v1/schema/?format=json").json()


def _resolved(schema: dict, node: dict) -> dict:
    while "$ref" in node or ("allOf" in node and len(node["allOf"]) == 1):
        node = node["allOf"][0] if "allOf" in node else node
        if "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _mismatches(schema: dict, node: dict, value, where: str) -> list[str]:
    node = _resolved(schema, node)
    found = []
    if isinstance(value, dict) and "properties" in node:
        declared, sent = set(node["properties"]), set(value)
        required = set(node.get("required", []))
        found += [f"{where}.{key}: sent, not in the schema" for key in sorted(sent - declared)]
        found += [f"{where}.{key}: in the schema, not sent" for key in sorted(declared - sent)]
        found += [f"{where}.{key}: always sent, not required" for key in sorted(sent - required)]
        for key in sent & declared:
            found += _mismatches(schema, node["properties"][key], value[key], f"{where}.{key}")
    elif isinstance(value, list) and "items" in node:
        for item in value:
            found += _mismatches(schema, node["items"], item, f"{where}[]")
    return found


def _answer_schema(schema: dict, path: str, method: str, status: int) -> dict:
    response = schema["paths"][path][method]["responses"][str(status)]
    return response["content"]["application/json"]["schema"]


def test_each_endpoints_answer_has_the_fields_the_schema_declares_and_requires(
    client, schema, housing_staff, office_staff, mr_staff, leader
):
    _, key, _ = api_client_create(name="天津12345")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def call(method, path, body=None):
        if body is not None:
            auth.update(data=json.dumps(body), content_type="application/json")
        response = getattr(client, method)(path, **auth)
        auth.pop("data", None), auth.pop("content_type", None)
        return response

    answers = [
        ("get", "/api/v1/units/", "/api/v1/units/", None),
        ("get", "/api/v1/units/{code}/", "/api/v1/units/housing/", None),
        ("post", "/api/v1/routing/preview/", "/api/v1/routing/preview/", ORDER),
        ("post", "/api/v1/hotline/work-orders/", "/api/v1/hotline/work-orders/", ORDER),
        ("get", "/api/v1/hotline/work-orders/", "/api/v1/hotline/work-orders/", None),
    ]
    one = f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/"
    answers.append(("get", "/api/v1/hotline/work-orders/{hotline_id}/", one, None))
    found = []
    for method, documented, path, body in answers:
        response = call(method, path, body)
        assert response.status_code in (200, 201), (path, response.json())
        node = _answer_schema(schema, documented, method, response.status_code)
        found += _mismatches(schema, node, response.json(), f"{method.upper()} {documented}")
    # The order signed for and resolved, as the unit would, for the call-back.
    order_id = WorkOrder.objects.get(hotline_id=ORDER["hotline_id"]).id
    workflow.workorder_sign(order_id=order_id, acting_user=housing_staff)
    workflow.workorder_resolve(order_id=order_id, acting_user=housing_staff, result="已修好")
    satisfaction = "/api/v1/hotline/work-orders/{hotline_id}/satisfaction/"
    response = call("post", f"{one}satisfaction/", {"rating": "satisfied", "callback_id": "CB-1"})
    assert response.status_code == 200, response.json()
    node = _answer_schema(schema, satisfaction, "post", 200)
    found += _mismatches(schema, node, response.json(), f"POST {satisfaction}")
    # The portal's lists, for people signed in: a page of leads, of disputes (one with its
    # joint team, its task and its finding), and one of each.
    lead = referrals.referral_send(
        acting_user=mr_staff, to_unit_code="commerce", title="预付卡线索", facts="商家停业。"
    )
    dispute = _dispute_with_a_team(office_staff, leader, mr_staff)
    client.force_login(office_staff)
    auth.clear()
    for documented, path in (
        ("/api/v1/referrals/", "/api/v1/referrals/"),
        ("/api/v1/referrals/{id}/", f"/api/v1/referrals/{lead.id}/"),
        ("/api/v1/disputes/", "/api/v1/disputes/"),
        ("/api/v1/disputes/{id}/", f"/api/v1/disputes/{dispute.id}/"),
    ):
        response = call("get", path)
        assert response.status_code == 200, (path, response.json())
        assert response.json().get("results") != [], path  # its items are read too
        node = _answer_schema(schema, documented, "get", 200)
        found += _mismatches(schema, node, response.json(), f"GET {documented}")
    found = list(dict.fromkeys(found))  # a list's items repeat theirs
    assert found == [], "\n".join(found)


def _dispute_with_a_team(office_staff, leader, mr_staff):
    order = make_order(office_staff)
    dispute = disputes.dispute_open(
        acting_user=office_staff,
        summary="管辖不清",
        order_number=order.number,
        unit_codes=["market-regulation", "housing"],
    )
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=office_staff, proposal="建议。", unit_code="housing"
    )
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=leader,
        lead_unit_code="market-regulation",
        member_unit_codes=["housing"],
        note="联合调查",
    )
    disputes.team_add_task(
        dispute_id=dispute.id,
        acting_user=mr_staff,
        title="调取合同",
        owner_unit_code="housing",
        due_on=date(2026, 12, 30),
    )
    disputes.team_add_finding(dispute_id=dispute.id, acting_user=mr_staff, text="合同违规。")
    return dispute


def test_every_parameter_of_the_hotlines_endpoints_is_described_in_both_languages(schema):
    """README: every field is described in Chinese and English; a path's parameter too."""
    undescribed = [
        (path, method, parameter["name"])
        for path, operations in schema["paths"].items()
        if not path.startswith(PORTALS)
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if not HAN.search(parameter.get("description", ""))
        or not re.search(r"[A-Za-z]{3}", HAN.sub("", parameter.get("description", "")))
    ]
    assert undescribed == []


def test_the_key_is_said_to_come_from_the_coordination_office_not_from_a_command(schema):
    """The hotline's developers cannot run the portal's manage.py: Swagger UI's Authorize
    dialog must tell them whom to ask for a key and how to send it."""
    description = schema["components"]["securitySchemes"]["apiKey"]["description"]
    english = description.split(" / ", 1)[1]
    assert "coordination office" in english and "Authorization: Bearer" in english, english
    assert "协调小组办公室" in description, description


def test_no_description_holds_a_placeholder_swagger_ui_would_take_for_a_tag(schema):
    """/api/v1/docs/ renders descriptions as Markdown and drops what reads as an HTML tag:
    "Bearer <key>" showed as "Bearer". A placeholder is written in `code`."""
    # An open tag as CommonMark reads one: a name, then attributes, each name[=value].
    tag = re.compile(
        r"<[A-Za-z][A-Za-z0-9-]*"
        r"(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*\s*/?>"
    )

    def texts(node):
        if isinstance(node, dict):
            for name, value in node.items():
                if name == "description" and isinstance(value, str):
                    yield value
                else:
                    yield from texts(value)
        elif isinstance(node, list):
            for value in node:
                yield from texts(value)

    dropped = [
        match[0] for text in texts(schema) for match in tag.finditer(re.sub(r"`[^`]*`", "", text))
    ]
    assert dropped == []
