"""What an integrator found when trying the hotline API against its documents: an amount
read more loosely than "digits and a point" says ("1e5" stored as 100000), an inquiry
without a contact taken though the schema said only a report may come without one, a used
hotline_id with a refused body answered 400 where the contract says 409, a call-back on an
order that does not exist answered about its body before its address, and a body that is
not a JSON object refused in DRF's words naming a Python type."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from complaints.clients import api_client_create
from complaints.models import WorkOrder
from tests.complaints.test_api import ORDER, push

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/hotline/work-orders/"


def english(api, **changes):
    return api("post", ORDERS, {**ORDER, **changes}, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("amount", ["1e5", "1E+2", "1_000", "+12.5", "12.", ".5", "0x10", "1 000"])
def test_an_amount_is_digits_and_a_point_and_nothing_else(api, amount):
    response = english(api, amount=amount)
    assert response.status_code == 400, response.json()
    (message,) = response.json()["error"]["fields"]["amount"]
    assert "digits and a point" in message
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize(
    ("amount", "stored"),
    [
        ("1280.50", Decimal("1280.50")),
        ("01280.500", Decimal("1280.50")),  # exactly 1280.50, as a three-place NUMERIC writes it
        ("１２８０．５", Decimal("1280.50")),  # full width, as an IME types it
        (" 12 ", Decimal("12")),
        (1280.5, Decimal("1280.50")),  # a number is taken as before
    ],
)
def test_an_amount_written_as_digits_is_stored_as_written(api, amount, stored):
    assert push(api, amount=amount).status_code == 201
    assert WorkOrder.objects.get().amount == stored


def test_a_negative_amount_is_refused_as_negative(api):
    response = english(api, amount="-5")
    (message,) = response.json()["error"]["fields"]["amount"]
    assert "greater than or equal to 0" in message


def test_the_schema_says_what_intake_does_of_a_contact(api):
    schema = api("get", "/api/v1/schema/?format=json&lang=en").json()
    described = schema["components"]["schemas"]["HotlineOrderInRequest"]["description"]
    assert "a report or an inquiry may come without both" in described
    assert "only a report" not in described
    inquiry = push(api, hotline_id="Q-1", kind="inquiry", citizen=None)
    assert inquiry.status_code == 201
    complaint = english(api, hotline_id="C-1", citizen=None)
    (message,) = complaint.json()["error"]["fields"]["citizen.phone"]
    assert "a report or an inquiry (kind “report” or “inquiry”) may come without both" in message


def test_a_used_hotline_id_with_a_refused_body_is_a_409_that_also_names_the_refused_fields(api):
    first = push(api).json()
    response = english(api, content="", amount="1e5")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert error["message"] == (
        f"hotline_id “{ORDER['hotline_id']}” was already used for order {first['number']}, and "
        "this body is refused (its fields say why), so it is neither a new order nor a retry "
        "of that one."
    )
    assert set(error["fields"]) == {"content", "amount"}
    chinese = push(api, content="").json()["error"]["message"]
    assert chinese.startswith(f"hotline_id “{ORDER['hotline_id']}” 已用于工单 {first['number']}；")
    order = WorkOrder.objects.get()
    assert (order.number, order.amount) == (first["number"], Decimal("0.00"))


def test_the_used_hotline_id_is_recognised_as_intake_stores_it(api):
    push(api)
    spelt = f"  {ORDER['hotline_id']} "
    assert push(api, hotline_id=spelt, content="").status_code == 409


def test_a_new_hotline_id_with_a_refused_body_is_still_a_400(api):
    push(api)
    response = push(api, hotline_id="TJ12345-20261129-0002", content="")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["content"]
    assert WorkOrder.objects.count() == 1


def test_another_clients_hotline_id_is_not_a_conflict(api):
    other, _key, _secret = api_client_create(name="12315 平台")
    push(api)
    WorkOrder.objects.update(source_client=other)
    assert push(api, content="").status_code == 400


def test_a_call_back_on_an_order_that_does_not_exist_is_a_404_whatever_its_body(api):
    push(api)
    unknown = api("post", f"{ORDERS}NO-SUCH-ORDER/satisfaction/", {"rating": "nope"})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
    known = api("post", f"{ORDERS}{ORDER['hotline_id']}/satisfaction/", {"rating": "nope"})
    assert known.status_code == 400
    assert list(known.json()["error"]["fields"]) == ["rating"]


@pytest.mark.parametrize(
    ("body", "zh", "en"),
    [
        ("[]", "而不是数组。", "not an array."),
        ('"x"', "而不是字符串。", "not a string."),
        ("12", "而不是数字。", "not a number."),
        ("1.5", "而不是数字。", "not a number."),
        ("true", "而不是 true 或 false。", "not true or false."),
    ],
)
def test_a_body_that_is_not_an_object_is_refused_in_the_apis_words(api, body, zh, en):
    for language, ending in (("zh-hans", zh), ("en", en)):
        response = api("post", ORDERS, body, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        ((name, (message,)),) = response.json()["error"]["fields"].items()
        assert name == "non_field_errors"
        assert message.endswith(ending), message
        assert "dict" not in message and "字典" not in message


def test_a_nested_object_sent_as_text_is_named_by_its_field(api):
    response = english(api, citizen="王先生 13812345678")
    assert response.json()["error"]["fields"] == {
        "citizen": ["Send a JSON object with the fields, not a string."]
    }


def test_a_refusal_of_a_value_out_of_range_is_in_each_requests_own_language(api):
    """The fields are made once per process and shared; DRF's range and length messages
    kept the words of the first request refused: a Chinese hotline, then an English
    developer's test, read each other's language."""
    too_long = {"amount": "-5", "title": "长" * 300}
    for language in ("zh-hans", "en", "zh-hans", "en"):
        response = api("post", ORDERS, {**ORDER, **too_long}, HTTP_ACCEPT_LANGUAGE=language)
        fields = response.json()["error"]["fields"]
        words = " ".join(fields["amount"] + fields["title"])
        if language == "en":
            assert "greater than or equal to 0" in words and "no more than" in words, words
        else:
            assert words.isascii() is False and "Ensure" not in words, words


@pytest.mark.parametrize(
    "changes",
    [
        {"citizen": {"name": "王先生", "phone": "abc"}},
        {"town": "nowhere"},
        {"received_at": "2099-06-01T00:00:00+08:00"},
        {"citizen": None},
    ],
)
def test_a_used_hotline_id_whose_body_intakes_own_checks_refuse_is_a_409(api, changes):
    """Intake's checks after the serializer's (a phone, a town, a time received, a contact)
    refused a used hotline_id's body with a 400 that a client branching on 409 misreads."""
    first = push(api).json()
    response = push(api, **changes)
    assert response.status_code == 409, response.json()
    error = response.json()["error"]
    assert error["message"].startswith(f"hotline_id “{ORDER['hotline_id']}” 已用于工单 ")
    assert first["number"] in error["message"] and error["fields"]
    assert push(api, hotline_id="TJ12345-NEW", **changes).status_code == 400
    assert WorkOrder.objects.count() == 1


@pytest.mark.parametrize("hotline_id", ["%00", "A%00B", "A%01B", "A%1FB%7F"])
def test_a_hotline_id_no_order_can_have_is_not_found_at_every_address(api, hotline_id):
    """Such an id is refused at intake, so no order has it; with a NUL, PostgreSQL could not
    be asked, and the call-back's address answered 500."""
    push(api)
    for method, path, body in (
        ("get", f"{ORDERS}{hotline_id}/", None),
        ("post", f"{ORDERS}{hotline_id}/satisfaction/", {"rating": "satisfied"}),
        ("post", f"{ORDERS}{hotline_id}/satisfaction/", {"rating": "nope"}),
    ):
        response = api(method, path, body)
        assert response.status_code == 404, (method, path)
        error = response.json()["error"]
        assert error["code"] == "not_found"
        assert "\x00" not in error["message"] and "\ufffd" in error["message"]


@pytest.mark.parametrize(
    "query", ["status=resolved", "updated_since=2099-01-01T00:00:00%2B08:00", "updated_since=x"]
)
def test_one_orders_address_takes_none_of_the_lists_filters(api, query):
    """DRF filters the queryset a single order is looked up in too: an order that exists
    was said never to have been pushed, or a bad filter refused on its address."""
    first = push(api).json()
    response = api("get", f"{ORDERS}{ORDER['hotline_id']}/?{query}")
    assert response.status_code == 200, response.json()
    assert response.json()["number"] == first["number"]


@pytest.mark.parametrize("amount", ["0.30000000000000004", 0.30000000000000004, "12.345"])
def test_an_amount_with_too_many_decimal_places_is_told_so(api, amount):
    """A JavaScript sum (0.1 + 0.2) was told it had more than 14 digits in all, a rule the
    contract does not state; it has more than two decimal places."""
    (message,) = english(api, amount=amount).json()["error"]["fields"]["amount"]
    assert "no more than 2 decimal places" in message


@pytest.mark.parametrize("digits", [13, 999, 1001, 4000])
def test_an_amount_too_large_is_told_the_digits_before_the_point(api, digits):
    """A number of over a thousand digits was "String value too large.": no limit, and the
    client may have sent no string."""
    body = json.dumps({**ORDER, "amount": "AMOUNT"}).replace('"AMOUNT"', "9" * digits)
    response = api("post", ORDERS, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    (message,) = response.json()["error"]["fields"]["amount"]
    assert "no more than 12 digits before the decimal point" in message
    assert not WorkOrder.objects.exists()


def test_an_amount_of_twelve_digits_and_two_places_is_taken(api):
    assert push(api, amount="999999999999.99").status_code == 201
    assert WorkOrder.objects.get().amount == Decimal("999999999999.99")


@pytest.mark.parametrize("received_at", ["yesterday", "29/11/2026 09:30", "2026-13-01T00:00"])
def test_a_time_received_not_read_is_told_the_form_and_the_time_zone(api, received_at):
    for language, says in (("en", "Beijing time"), ("zh-hans", "北京时间")):
        response = api(
            "post", ORDERS, {**ORDER, "received_at": received_at}, HTTP_ACCEPT_LANGUAGE=language
        )
        (message,) = response.json()["error"]["fields"]["received_at"]
        assert "ISO 8601" in message and "2026-11-29T15:04:05+08:00" in message
        assert says in message
