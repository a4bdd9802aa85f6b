"""A hotline developer meets these refusals on the first day: each says what to send."""

from __future__ import annotations

import json

import pytest

from complaints.clients import api_client_create

pytestmark = pytest.mark.django_db

ORDER = {
    "hotline_id": "TJ12345-20261201-0001",
    "kind": "complaint",
    "content": "超市卖过期牛奶，要求退货",
    "citizen": {"name": "王先生", "phone": "13812345678"},
}


@pytest.fixture
def key():
    return api_client_create(name="12345")[1]


def _english(client, key, method, path, body=None):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_ACCEPT_LANGUAGE": "en"}
    if body is not None:
        extra.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path, **extra)


@pytest.mark.parametrize("amount", ["1,280.50", "¥12", "12元", "NaN", "twelve"])
def test_an_amount_that_is_not_a_decimal_says_how_to_write_one(client, key, amount):
    response = _english(
        client, key, "post", "/api/v1/hotline/work-orders/", {**ORDER, "amount": amount}
    )
    assert response.status_code == 400
    (message,) = response.json()["error"]["fields"]["amount"]
    assert "1280.50" in message, message


@pytest.mark.parametrize("since", ["yesterday", "2026/11/29 15:04", "1764400000"])
def test_an_updated_since_that_is_not_a_time_says_how_to_write_one(client, key, since):
    response = _english(client, key, "get", f"/api/v1/hotline/work-orders/?updated_since={since}")
    assert response.status_code == 400
    (message,) = response.json()["error"]["fields"]["updated_since"]
    assert "ISO 8601" in message and "2026-11-29T15:04:05+08:00" in message, message


def test_an_id_number_of_the_right_length_refused_says_what_is_wrong(client, key):
    citizen = {"name": "王先生", "id_number": "12345678901234567A"}  # 18, ends in A
    response = _english(
        client, key, "post", "/api/v1/hotline/work-orders/", {**ORDER, "citizen": citizen}
    )
    (message,) = response.json()["error"]["fields"]["citizen.id_number"]
    assert "X" in message and "digits" in message, message


def test_a_credit_code_of_the_right_length_refused_says_what_is_wrong(client, key):
    business = {"name": "某超市", "credit_code": "91120222MA05IIII1I"}  # 18, with I
    response = _english(
        client, key, "post", "/api/v1/hotline/work-orders/", {**ORDER, "business": business}
    )
    (message,) = response.json()["error"]["fields"]["business.credit_code"]
    assert "I, O, S, V" in message, message


def test_the_schema_describes_the_forms_intake_checks_before_a_client_meets_the_400(client):
    schemas = client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]

    def described(schema: str, field: str) -> str:
        return schemas[schema]["properties"][field]["description"]

    assert "Beijing time" in described("HotlineOrderInRequest", "received_at")
    assert "future" in described("HotlineOrderInRequest", "received_at")
    assert "number is accepted" in described("HotlineOrderInRequest", "amount")
    assert "two decimal places" in described("HotlineOrderInRequest", "amount")
    assert "for your client" in described("HotlineOrderInRequest", "hotline_id")
    assert "(022) 8200 1234" in described("CitizenInRequest", "phone")
    assert "X" in described("CitizenInRequest", "id_number")
    assert "I, O, S, V" in described("BusinessInRequest", "credit_code")


def test_a_key_replaced_and_past_its_grace_is_told_what_happened_and_whom_to_ask(client, settings):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from complaints.clients import api_client_rotate_key

    settings.API_ROTATION_GRACE_HOURS = 24
    api_client, old_key, _ = api_client_create(name="12345 rotated")
    rotated = timezone.now()
    with time_machine.travel(rotated, tick=False):
        api_client_rotate_key(client_id=api_client.id)
    with time_machine.travel(rotated + timedelta(hours=25), tick=False):
        response = _english(client, old_key, "get", "/api/v1/hotline/work-orders/")
    assert response.status_code == 401
    message = response.json()["error"]["message"]
    assert "replaced by a new key" in message and "24 hours" in message, message
    assert "coordination office" in message, message


def test_an_unknown_unit_code_is_named_with_where_the_codes_are(client, key):
    response = _english(client, key, "get", "/api/v1/units/nope/")
    assert response.status_code == 404
    message = response.json()["error"]["message"]
    assert "nope" in message and "/api/v1/units/" in message, message


def test_the_schema_says_what_each_routing_preview_reason_and_status_means(client):
    schemas = client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    out = schemas["RoutingPreviewOut"]["properties"]
    for reason in ("confident", "empty_text", "no_rule_matched", "tie", "low_score"):
        assert reason in out["reason"]["description"], reason
    english = out["status"]["description"].split(" / ", 1)[1]
    assert "assigned" in english and "triage" in english and "office" in english, english


def test_every_answer_a_hotline_client_gets_is_described(client):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    blank = [
        (path, method, code)
        for path, operations in paths.items()
        if not path.startswith(("/api/v1/referrals/", "/api/v1/disputes/"))  # portal users'
        for method, operation in operations.items()
        for code, response in operation["responses"].items()
        if not response.get("description", "").strip()
    ]
    assert blank == []


def test_the_schemas_callback_says_what_is_signed_and_how_to_deduplicate(client):
    """A developer with only the schema must be able to verify a callback."""
    intake = client.get("/api/v1/schema/?format=json").json()["paths"][
        "/api/v1/hotline/work-orders/"
    ]["post"]
    (callback,) = intake["callbacks"]["status_changed"].values()
    english = callback["post"]["description"].split("\n\n", 1)[1]
    assert "sha256=" in english and "timestamp.body" in english, english
    assert "event_id" in english and "300 s" in english, english


def test_an_overdue_orders_deadline_is_shown_past_as_the_schema_says(client, key):
    import time_machine

    with time_machine.travel("2026-12-01T10:00:00+08:00", tick=False):
        pushed = _english(
            client,
            key,
            "post",
            "/api/v1/hotline/work-orders/",
            {**ORDER, "received_at": "2026-10-01T09:00:00+08:00"},
        ).json()
    assert pushed["deadline"] == pushed["deadlines"]["decision"] < "2026-11"  # overdue
    schemas = client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    description = schemas["HotlineOrderOut"]["properties"]["deadline"]["description"]
    assert "未到期" not in description, description  # "not yet expired": it may have
    assert "overdue" in description and "超期" in description, description


def test_the_orders_status_is_explained_in_english_as_in_chinese(client):
    schemas = client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    description = schemas["HotlineOrderOut"]["properties"]["status"]["description"]
    english = description.split("\n\n", 1)[0].split(" / ", 1)[1]
    for status in ("triage", "assigned", "in_progress", "resolved", "closed"):
        assert status in english, english


def test_the_readme_names_every_address_the_hotline_may_call(client):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## The 12345 hotline API", 1)[1].split("\n## ", 1)[0]
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    unnamed = [
        path
        for path in paths
        if not path.startswith(("/api/v1/referrals/", "/api/v1/disputes/"))  # portal users'
        and path not in section
    ]
    assert unnamed == []


def test_a_null_kind_is_a_complaint_as_a_kind_left_out_is(client, key):
    """Jackson and Json.NET write null for an enum left unset: it means what leaving the
    field out means, a complaint, and a retry either way is the same order."""
    sent = {**ORDER, "kind": None}
    first = _english(client, key, "post", "/api/v1/hotline/work-orders/", sent)
    assert first.status_code == 201, first.json()
    assert first.json()["kind"] == "complaint"
    left_out = {name: value for name, value in ORDER.items() if name != "kind"}
    again = _english(client, key, "post", "/api/v1/hotline/work-orders/", left_out)
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    schemas = client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    order = schemas["HotlineOrderInRequest"]
    assert order["properties"]["kind"].get("nullable") is True
    english = " ".join(order["description"].split(" / ", 1)[1].split())
    assert "null except kind" not in english, english
    assert "left out or null, complaint" in order["properties"]["kind"]["description"]


def test_the_schema_says_a_reopened_order_has_no_result_as_it_is_sent(client):
    """README: result is null unless resolved or closed, after a reopening too."""
    schemas = client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    for schema in ("HotlineOrderOut", "CallbackOut"):
        description = schemas[schema]["properties"]["result"]["description"]
        assert "重新办理" in description and "reopen" in description, (schema, description)
        assert "closed" in description, (schema, description)


def test_a_status_filter_is_taken_in_any_case_as_kind_and_rating_are(client, key):
    """A Java enum sends ASSIGNED for the filter as it does COMPLAINT for the kind."""
    pushed = _english(client, key, "post", "/api/v1/hotline/work-orders/", ORDER).json()
    assert pushed["status"] == "assigned"
    for query in ("status=ASSIGNED", "status=Assigned&status=%20in_progress%20"):
        response = _english(client, key, "get", f"/api/v1/hotline/work-orders/?{query}")
        assert response.status_code == 200, response.json()
        assert [o["hotline_id"] for o in response.json()["results"]] == [ORDER["hotline_id"]]
    none = _english(client, key, "get", "/api/v1/hotline/work-orders/?status=RESOLVED")
    assert none.json()["results"] == []


def test_an_order_not_found_is_said_of_the_client_not_of_the_key(client, key):
    """After a rotation the new key sees the orders pushed with the old one: the 404 names
    the client, not the key the order was pushed with."""
    missing = _english(client, key, "get", "/api/v1/hotline/work-orders/TJ-NONE/")
    assert missing.status_code == 404
    message = missing.json()["error"]["message"]
    assert "pushed by the client this API key belongs to" in message, message
    assert "with this key or an earlier one" in message, message


@pytest.mark.parametrize("phone", ["abc", "138 1234 5678?", "+1 (212) 555-0100"])
def test_a_phone_refused_says_what_the_contract_accepts_not_how_to_type_it(client, key, phone):
    """The hotline's system, not a person at a form, reads this: it is told what the field
    accepts, not to type anything; the office's form keeps its words for people."""
    citizen = {"name": "王先生", "phone": phone}
    response = _english(
        client, key, "post", "/api/v1/hotline/work-orders/", {**ORDER, "citizen": citizen}
    )
    assert response.status_code == 400
    (message,) = response.json()["error"]["fields"]["citizen.phone"]
    assert "Type" not in message and "if you like" not in message, message
    assert "20 characters" in message and "country code" in message, message
    assert "(022) 8200 1234" in message, message


def test_a_complaint_without_a_contact_names_the_contracts_fields(client, key):
    response = _english(
        client, key, "post", "/api/v1/hotline/work-orders/", {**ORDER, "citizen": None}
    )
    assert response.status_code == 400
    (message,) = response.json()["error"]["fields"]["citizen.phone"]
    assert "citizen.name" in message and "citizen.phone" in message, message
    assert "report" in message, message


def test_the_office_form_keeps_its_words_for_the_person_typing(client, office_staff):
    from django.utils import translation

    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        response = client.post(
            "/orders/new/",
            {
                "kind": "complaint",
                "channel": "phone",
                "urgency": "normal",
                "content": "超市卖过期牛奶",
                "citizen_name": "王先生",
                "citizen_phone": "abc",
                "routing_choice": "auto",
            },
        )
    assert response.status_code == 400  # the form again, with what to correct
    assert "Type its digits" in response.content.decode()


@pytest.mark.parametrize(
    ("body", "key_named"),
    [
        ('{"hotline_id": "TJ-A", "hotline_id": "TJ-B", "content": "过期牛奶"}', "hotline_id"),
        (
            '{"hotline_id": "TJ-A", "content": "过期牛奶", '
            '"citizen": {"name": "王", "name": "李"}}',
            "name",
        ),
    ],
)
def test_a_field_sent_twice_in_one_object_is_refused_not_taken_at_its_last_value(
    client, key, body, key_named
):
    """JSON lets a key appear twice and Python keeps the last: {"hotline_id": "A",
    "hotline_id": "B"} registered order B, and a retry of A later made a second order. Which
    one was meant cannot be known, so the body is refused, naming the key; nothing is made."""
    from complaints.models import WorkOrder

    response = client.post(
        "/api/v1/hotline/work-orders/",
        data=body.encode(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "parse_error"
    assert f"“{key_named}”" in error["message"] and "twice" in error["message"], error
    assert not WorkOrder.objects.exists()


def test_a_key_sent_with_bearer_twice_is_told_to_drop_the_second(client, key):
    """On /api/v1/docs/, Authorize adds "Bearer " itself: a developer who pastes the header's
    value there sends "Bearer Bearer <key>", and was told to send what they believed they
    had sent."""
    response = client.get(
        "/api/v1/hotline/work-orders/",
        HTTP_AUTHORIZATION=f"Bearer Bearer {key}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "authentication_failed"
    assert "twice" in error["message"] and "key alone" in error["message"], error


def test_the_docs_pages_authorize_dialog_says_to_type_the_key_alone(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    description = schema["components"]["securitySchemes"]["apiKey"]["description"]
    english = description.split(" / ", 1)[1]
    assert "Authorize" in english and "key alone" in english, english
    assert "只填密钥" in description, description


@pytest.mark.parametrize("status", ["W%5C0%21-%253", "%25s", "100%25"])
def test_a_status_that_is_not_one_is_named_whatever_it_holds(client, key, status):
    """Schemathesis sent `status=W\\0!-%3`: the refusal was formatted with the value in it
    before django-filter formatted it again, and the "%3" in it answered 500."""
    response = _english(client, key, "get", f"/api/v1/hotline/work-orders/?status={status}")
    assert response.status_code == 400, response.content
    (message,) = response.json()["error"]["fields"]["status"]
    sent = status.replace("%25", "%").replace("%5C", "\\").replace("%21", "!")
    assert f"“{sent}” is not a status" in message, message
    assert "in_progress" in message, message
