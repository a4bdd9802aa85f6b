"""The 12345 hotline API, version 1, through the test client."""

import codecs
import hashlib
import io
import json
import re
import unicodedata
import warnings
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import time_machine
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django.utils.deprecation import RemovedInDjango60Warning
from rest_framework import serializers
from rest_framework.exceptions import MethodNotAllowed, UnsupportedMediaType

from complaints import workflow
from complaints.api.auth import LimitedJSONParser, PayloadTooLarge
from complaints.api.pagination import RegistrationOrderPagination
from complaints.api.serializers import HotlineOrderIn
from complaints.choices import Action
from complaints.clients import (
    api_client_create,
    api_client_revoke,
    api_client_rotate_key,
    api_client_rotate_secret,
    client_for_key,
)
from complaints.models import (
    ApiClient,
    CallbackAttempt,
    CallbackEvent,
    PossibleDuplicate,
    WorkOrder,
)
from complaints.services import hotline_intake
from departments.models import Town, Unit

ORDER = {
    "hotline_id": "TJ12345-20261129-0001",
    "kind": "complaint",
    "title": "小区物业不修电梯",
    "content": "杨村街道某小区电梯坏了一个月，物业一直不修，老人上下楼困难。",
    "category": "物业管理",
    "received_at": "2026-11-29T09:30:00+08:00",
    "citizen": {"name": "王先生", "phone": "13812345678"},
    "business": {"name": "天津某物业服务有限公司"},
    "town": "yangcun-street",
    "amount": "0.00",
}


def push(api, **changes):
    return api("post", "/api/v1/hotline/work-orders/", {**ORDER, **changes})


def push_and_resolve(api, staff) -> WorkOrder:
    """ORDER, pushed, signed for and resolved by the housing unit's `staff`."""
    push(api)
    order = WorkOrder.objects.get()
    workflow.workorder_sign(order_id=order.id, acting_user=staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=staff, result="已修好")
    return order


def local(url):
    """A link from an answer, as the test client takes it."""
    return urlsplit(url)._replace(scheme="", netloc="").geturl()


def test_pushing_an_order_creates_it_routed_with_its_deadlines(api):
    response = push(api)
    assert response.status_code == 201
    body = response.json()
    order = WorkOrder.objects.get()
    assert body["number"] == order.number
    assert body["hotline_id"] == ORDER["hotline_id"]
    assert body["status"] == "assigned"
    assert body["primary_unit"] == {"code": "housing", "name": "区住房建设委"}
    assert body["routing"]["rule"] and "物业" in body["routing"]["matched"]
    assert body["deadline"].endswith("+08:00")
    assert set(body["deadlines"]) == {"sign_for", "decision", "resolution", "answer"}
    assert body["deadlines"]["resolution"] is None
    assert order.channel == "12345" and order.external_ref == ORDER["hotline_id"]
    assert order.town.code == "yangcun-street"


def test_the_same_order_again_answers_200_with_the_same_order(api):
    first = push(api).json()
    for _ in range(3):
        again = push(api)
        assert again.status_code == 200
        assert again.json()["number"] == first["number"]
    assert WorkOrder.objects.count() == 1


def test_kind_and_town_are_taken_in_any_case_and_stored_as_the_contract_spells_them(api):
    first = push(api, kind="Complaint", town="Yangcun-Street")
    assert first.status_code == 201, first.json()
    assert first.json()["kind"] == "complaint"
    order = WorkOrder.objects.get()
    assert (order.kind, order.town.code) == ("complaint", "yangcun-street")
    for kind, town in (("complaint", "yangcun-street"), (" COMPLAINT ", "YANGCUN-STREET")):
        again = push(api, kind=kind, town=town)  # a retry, spelt otherwise: the same body
        assert again.status_code == 200, (kind, town, again.json())
        assert again.json()["number"] == order.number
    assert push(api, kind="Report", town="yangcun-street").status_code == 409  # not the same
    assert WorkOrder.objects.count() == 1


def test_an_unknown_kind_is_refused_with_the_kinds_there_are(api, client):
    client.cookies["django_language"] = "en"
    response = push(api, kind="grievance")
    assert response.status_code == 400
    (message,) = response.json()["error"]["fields"]["kind"]
    assert "grievance" in message and "complaint, report, inquiry" in message
    assert not WorkOrder.objects.exists()


def test_an_unknown_town_is_refused_with_the_town_codes_there_are(api, client):
    """The hotline learns the town codes from nowhere else: the schema gives one example."""
    client.cookies["django_language"] = "en"
    response = push(api, town="yangcun")
    assert response.status_code == 400
    (message,) = response.json()["error"]["fields"]["town"]
    assert "“yangcun”" in message
    named = message.rsplit(": ", 1)[1].strip().rstrip(".").split(", ")
    assert named == [f"{t.code} ({t.name})" for t in Town.objects.all()]
    assert "yangcun-street (杨村街道)" in named and len(named) > 20
    assert not WorkOrder.objects.exists()


def test_the_towns_are_listed_and_an_order_may_name_its_town(api):
    """The hotline's records hold a town's name, and the codes were to be learnt from a
    refused order only: the towns are listed, and a name is taken as its code, in the
    order and in what a retry is compared with."""
    towns = api("get", "/api/v1/towns/")
    assert towns.status_code == 200
    listed = {town["code"]: town for town in towns.json()}
    assert listed.keys() == set(Town.objects.filter(is_active=True).values_list("code", flat=True))
    assert listed["yangcun-street"] == {
        "code": "yangcun-street",
        "name": "杨村街道",
        "name_en": Town.objects.get(code="yangcun-street").name_en,
        "kind": "street",
    }
    first = push(api, town="杨村街道")
    assert first.status_code == 201, first.json()
    assert WorkOrder.objects.get().town.code == "yangcun-street"
    assert push(api, town="yangcun-street").status_code == 200  # the same order
    assert push(api, town="下朱庄街道").status_code == 409
    assert WorkOrder.objects.count() == 1


def test_every_field_refused_is_named_in_one_answer(api):
    """A phone, ID number, credit code or town intake refuses was named only once the rest
    of the body was right: the hotline fixed what it was told, sent again, and learnt of
    more."""
    response = push(
        api,
        amount="x",
        kind="grievance",
        citizen={"name": "王先生", "phone": "abc", "id_number": "1"},
        business={"credit_code": "x"},
        town="zz",
    )
    assert response.status_code == 400
    assert sorted(response.json()["error"]["fields"]) == [
        "amount",
        "business.credit_code",
        "citizen.id_number",
        "citizen.phone",
        "kind",
        "town",
    ]
    nested = push(api, citizen={"name": 5, "phone": "abc"})  # the serializer refuses the name
    assert sorted(nested.json()["error"]["fields"]) == ["citizen.name", "citizen.phone"]
    assert not WorkOrder.objects.exists()
    assert push(api, town="杨村街道").status_code == 201  # a town's name is no error


@pytest.mark.parametrize(
    ("received_at", "says"),
    [("2099-06-01T00:00:00+08:00", "不能晚于当前时间"), ("1999-12-31T23:00:00+08:00", "2000")],
)
def test_a_time_received_out_of_range_is_named_with_the_other_fields(api, received_at, says):
    """Intake checks the time received after the serializer: with a title refused, it was
    named only when the order was sent again."""
    response = push(api, title=5, received_at=received_at)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert sorted(fields) == ["received_at", "title"]
    assert says in fields["received_at"][0]
    assert not WorkOrder.objects.exists()


def test_misspelt_keys_are_named_with_every_other_field_refused(api):
    """A misspelt key was refused alone: a misspelt key in a nested object, or another
    field's fault, came only with the next try. A field sent misspelt is not also said to
    be missing."""
    body = {
        "HOTLINE_ID": "TJ-1",
        "content": "电梯坏了",
        "receivedAt": "2026-11-29T09:30:00+08:00",
        "amount": "x",
        "citizen": {"Phone": "13812345678"},
    }
    response = api("post", "/api/v1/hotline/work-orders/", body)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert sorted(fields) == ["HOTLINE_ID", "amount", "citizen.Phone", "receivedAt"]
    assert "“hotline_id”" in fields["HOTLINE_ID"][0]
    assert "“phone”" in fields["citizen.Phone"][0]
    assert not WorkOrder.objects.exists()


def test_a_number_too_long_for_python_is_refused_by_its_field_not_as_json(api, client):
    """Valid JSON, 5,000 digits: it was "the body is not valid JSON"."""
    client.cookies["django_language"] = "en"
    body = json.dumps({**ORDER, "amount": "AMOUNT"}).replace('"AMOUNT"', "9" * 5000)
    response = api("post", "/api/v1/hotline/work-orders/", body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == ["amount"]
    assert not WorkOrder.objects.exists()


def test_the_towns_need_a_key(client, db):
    assert client.get("/api/v1/towns/").status_code == 401


def test_the_same_hotline_id_with_another_body_is_a_conflict(api):
    push(api)
    response = push(api, content="另一件事：超市卖过期牛奶")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert ORDER["hotline_id"] in error["message"]
    assert error["message"].endswith("已有工单。不同之处：content。")
    assert list(error["fields"]) == ["content"] and len(error["fields"]["content"]) == 1
    assert WorkOrder.objects.count() == 1
    moved = push(api, amount="12.00", citizen={"name": "王先生", "phone": "13900000000"})
    assert moved.json()["error"]["message"].endswith("不同之处：citizen.phone, amount。")
    assert list(moved.json()["error"]["fields"]) == ["citizen.phone", "amount"]
    other = {**ORDER, "content": "另一件事"}
    english = api("post", "/api/v1/hotline/work-orders/", other, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["error"]["fields"] == {
        "content": ["Differs from the order first pushed with this hotline_id."]
    }
    same_but_cased = push(api, received_at="2026-11-29T01:30:00Z", town=None)
    assert same_but_cased.json()["error"]["message"].endswith("不同之处：town。")


def test_a_conflict_names_a_title_or_time_received_the_retry_left_out(api):
    """Left out, intake would make a title from the content and take now as the time
    received: not the stored order's, so the 409 must say where the bodies differ."""
    push(api)
    no_title = push(api, title=None)
    assert no_title.status_code == 409
    assert list(no_title.json()["error"]["fields"]) == ["title"]
    no_time = push(api, received_at=None)
    assert no_time.status_code == 409
    assert list(no_time.json()["error"]["fields"]) == ["received_at"]
    assert no_time.json()["error"]["message"].endswith("不同之处：received_at。")


def test_a_title_and_time_intake_made_are_not_named_in_a_conflict(api):
    first = {k: v for k, v in ORDER.items() if k not in ("title", "received_at")}
    assert api("post", "/api/v1/hotline/work-orders/", first).status_code == 201
    other = api("post", "/api/v1/hotline/work-orders/", {**first, "amount": "5.00"})
    assert other.status_code == 409
    assert list(other.json()["error"]["fields"]) == ["amount"]


def test_two_clients_may_use_the_same_hotline_id(api, client):
    push(api)
    _, other_key = api_client_create(name="12315 平台", channel="12315")[:2]
    response = client.post(
        "/api/v1/hotline/work-orders/",
        data=json.dumps(ORDER),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other_key}",
    )
    assert response.status_code == 201
    assert WorkOrder.objects.filter(channel="12315").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"content": ""}, "content"),
        ({"kind": "praise"}, "kind"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"citizen": {"phone": "call me"}}, "citizen.phone"),
        ({"town": "atlantis"}, "town"),
        ({"received_at": "2099-01-01T00:00:00+08:00"}, "received_at"),
        ({"received_at": "0090-05-16T10:00:00+08:00"}, "received_at"),
        ({"hotline_id": ""}, "hotline_id"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_creates_nothing(api, changes, field):
    response = push(api, **changes)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert WorkOrder.objects.count() == 0


@pytest.mark.parametrize("hotline_id", ["TJ/2026/1", "..", "TJ\n1", "TJ\x7f1"])
def test_a_hotline_number_that_could_not_be_read_back_is_refused(api, hotline_id):
    response = push(api, hotline_id=hotline_id)
    assert response.status_code == 400
    assert "“/”" in response.json()["error"]["fields"]["hotline_id"][0]
    assert WorkOrder.objects.count() == 0


def test_a_hotline_number_with_other_marks_can_be_read_back(api):
    for hotline_id in ("TJ 2026-1", "TJ?x=1#2", "天津·12345", "a%2Fb", "..."):
        assert push(api, hotline_id=hotline_id).status_code == 201
        address = f"/api/v1/hotline/work-orders/{quote(hotline_id, safe='')}/"
        assert api("get", address).json()["hotline_id"] == hotline_id


def test_the_errors_are_in_chinese_by_default(api):
    error = push(api, content="").json()["error"]
    assert error["message"] == "部分字段有误，详见 fields。"
    assert "不能为空" in error["fields"]["content"][0]


def test_a_client_that_asks_for_english_gets_its_errors_in_english(api, client, office_staff):
    path, body = "/api/v1/hotline/work-orders/", {**ORDER, "content": ""}
    error = api("post", path, body, HTTP_ACCEPT_LANGUAGE="en").json()["error"]
    assert error["message"] == "Some fields are not valid; see fields."
    assert "blank" in error["fields"]["content"][0]
    error = api("post", path, body, HTTP_ACCEPT_LANGUAGE="fr").json()["error"]
    assert error["message"] == "部分字段有误，详见 fields。"
    client.force_login(office_staff)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-hans"' in page  # a person's browser does not switch the portal


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_method_or_media_type_not_taken_is_refused_in_the_apis_own_words(api, language):
    """The API's own wording for 405 and 415 never went out: the handler took it only in
    place of DRF's default text, which DRF never sends for these two, having put the method
    or the media type into it; DRF's 'Method "PUT" not allowed.' went out instead."""
    path, asks = "/api/v1/hotline/work-orders/", {"HTTP_ACCEPT_LANGUAGE": language}

    wrong_method = api("put", path, {}, **asks)
    wrong_type = api("post", path, "a=b", content_type="text/plain; charset=utf-8", **asks)
    no_type = api("post", path, json.dumps(ORDER), content_type="", **asks)

    assert (wrong_method.status_code, wrong_type.status_code, no_type.status_code) == (
        405,
        415,
        415,
    )
    method_error = wrong_method.json()["error"]
    type_error, no_type_error = wrong_type.json()["error"], no_type.json()["error"]
    assert method_error["code"] == "method_not_allowed"
    assert type_error["code"] == no_type_error["code"] == "unsupported_media_type"
    assert {"GET", "POST"} <= {m.strip() for m in wrong_method["Allow"].split(",")}
    with translation.override(language):
        gettext = translation.gettext
        assert method_error["message"] == gettext(
            "This method (%(method)s) is not allowed here; allowed: %(allowed)s."
        ) % {"method": "PUT", "allowed": wrong_method["Allow"]}
        assert type_error["message"] == gettext(
            "Send JSON (Content-Type: application/json), not %(media_type)s."
        ) % {"media_type": "text/plain"}
        assert no_type_error["message"] == gettext("Send JSON (Content-Type: application/json).")
        drf = {str(MethodNotAllowed("PUT").detail), str(UnsupportedMediaType("text/plain").detail)}
    assert not drf & {method_error["message"], type_error["message"]}
    if language == "en":
        assert method_error["message"].startswith("This method (PUT) is not allowed here")
        assert type_error["message"].endswith(", not text/plain.")
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize(
    ("cookie", "language"), [("fr", "zh-hans"), ("zh-hant", "zh-hans"), ("en-gb", "en")]
)
def test_a_language_cookie_names_one_of_the_portals_languages_or_is_not_followed(
    api, client, office_staff, cookie, language
):
    """Django's language switch takes any language Django itself has (French, Traditional
    Chinese); the portal has only two. DRF's and Django's messages came in the cookie's
    language, the API's own in Chinese, in one answer; the page was lang="fr"."""
    client.cookies["django_language"] = cookie
    response = api("put", "/api/v1/hotline/work-orders/", {})
    assert response.status_code == 405
    assert response["Content-Language"] == language
    with translation.override(language):
        assert response.json()["error"]["message"] == translation.gettext(
            "This method (%(method)s) is not allowed here; allowed: %(allowed)s."
        ) % {"method": "PUT", "allowed": response["Allow"]}
        required = str(serializers.Field.default_error_messages["required"])
        invalid = translation.gettext("Some fields are not valid; see fields.")
    error = api("post", "/api/v1/hotline/work-orders/", {}).json()["error"]
    assert error["message"] == invalid
    assert error["fields"]["content"] == [required]
    client.force_login(office_staff)
    assert f'<html lang="{language}"' in client.get("/").content.decode()


def test_a_retry_spelled_differently_but_reading_the_same_finds_the_same_order(api):
    nfc, nfd = "CAFÉ-1", unicodedata.normalize("NFD", "CAFÉ-1")
    assert nfc != nfd
    body = {
        **ORDER,
        "hotline_id": nfc,
        "content": "第一行\r\n第二行",
        "business": {"name": "某公司", "credit_code": "91120222mA05TQ4X1B"},
    }
    first = api("post", "/api/v1/hotline/work-orders/", body)
    assert first.status_code == 201
    retry = {
        **body,
        "hotline_id": nfd,
        "content": "第一行\n第二行",
        "business": {"name": "某公司", "credit_code": "91120222MA05TQ4X1B"},
    }
    again = api("post", "/api/v1/hotline/work-orders/", retry)
    assert again.status_code == 200, again.json()
    assert again.json()["number"] == first.json()["number"]
    assert WorkOrder.objects.count() == 1
    assert api("get", f"/api/v1/hotline/work-orders/{quote(nfd)}/").status_code == 200
    padded = api("post", "/api/v1/hotline/work-orders/", {**ORDER, "hotline_id": " TJ-sp "})
    assert padded.json()["hotline_id"] == "TJ-sp"
    assert api("get", "/api/v1/hotline/work-orders/%20TJ-sp%20/").status_code == 200


def test_an_optional_field_sent_as_null_is_taken_as_left_out(api, housing_staff):
    minimal = {
        "hotline_id": "TJ-null",
        "content": ORDER["content"],
        "citizen": {"phone": "13812345678"},
    }
    nulls = {
        **minimal,
        **dict.fromkeys(("title", "category", "received_at", "business", "town", "amount")),
        "citizen": {"phone": "13812345678", "name": None, "id_number": None},
    }
    created = api("post", "/api/v1/hotline/work-orders/", nulls)
    assert created.status_code == 201, created.json()
    retry = api("post", "/api/v1/hotline/work-orders/", minimal)  # the same, without nulls
    assert retry.status_code == 200 and retry.json()["number"] == created.json()["number"]
    preview = api("post", "/api/v1/routing/preview/", {"content": "电梯坏了", "category": None})
    assert preview.status_code == 200
    order = WorkOrder.objects.get()
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修好")
    path = "/api/v1/hotline/work-orders/TJ-null/satisfaction/"
    assert api("post", path, {"rating": "satisfied", "comment": None}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/hotline/work-orders/",
        "/api/v1/routing/preview/",
        "/api/v1/hotline/work-orders/TJ-1/satisfaction/",
    ],
)
def test_a_body_nested_too_deeply_is_refused_not_a_500(api, path):
    """Python's JSON reader gives up past about a thousand levels with a RecursionError,
    which reached the client as a 500; 200 kB of brackets is well under the size limit."""
    deep = "[" * 100_000 + "]" * 100_000
    response = api("post", path, deep, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "parse_error",
        "message": "The body is nested too deeply to be read: a request's JSON is an object "
        "with objects at most one level inside it.",
    }
    assert WorkOrder.objects.count() == 0


def test_a_body_that_is_not_json_or_too_large_is_refused(api):
    response = api("post", "/api/v1/hotline/work-orders/", "{not json")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "parse_error",
        "message": "请求内容不是有效的 JSON：第 1 行第 2 列。",
    }
    response = api("post", "/api/v1/hotline/work-orders/", '{"content": NaN}')
    assert response.json()["error"]["message"] == "请求内容不是有效的 JSON。"
    response = api("post", "/api/v1/hotline/work-orders/", "a=b", content_type="text/plain")
    assert response.status_code == 415
    huge = json.dumps({**ORDER, "content": "很" * 600_000})
    response = api("post", "/api/v1/hotline/work-orders/", huge)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert WorkOrder.objects.count() == 0


def test_a_body_too_large_is_told_the_limit(api, settings):
    """The integrator should not have to guess how much is too much."""
    settings.API_MAX_BODY_BYTES = 2 * 1024  # API_MAX_BODY_KB=2
    huge = json.dumps({**ORDER, "content": "很" * 2000})
    path = "/api/v1/hotline/work-orders/"
    response = api("post", path, huge, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "payload_too_large",
        "message": "The request body is too large: at most 2 KB.",
    }
    assert WorkOrder.objects.count() == 0


def test_the_parser_tells_the_limit_too(rf, settings):
    """A body whose Content-Length says less than it is gets past the middleware."""
    settings.API_MAX_BODY_BYTES = 1024
    request = rf.post("/api/v1/hotline/work-orders/", "x" * 2000, content_type="application/json")
    request.META["CONTENT_LENGTH"] = "10"
    with pytest.raises(PayloadTooLarge) as refused, translation.override("en"):
        LimitedJSONParser().parse(io.BytesIO(b"x" * 2000), parser_context={"request": request})
    assert str(refused.value.detail) == "The request body is too large: at most 1 KB."


def test_upstream_messages_the_hotline_meets_read_right_in_chinese(api):
    path = "/api/v1/hotline/work-orders/"
    fields = api("post", path, "null").json()["error"]["fields"]
    assert fields == {"non_field_errors": ["请发送包含各字段的 JSON 对象，而不是 null。"]}
    fields = api("post", path, {**ORDER, "content": "物业\u0000"}).json()["error"]["fields"]
    assert fields == {"content": ["不允许包含空字符（\\u0000）。"]}  # Django's says "empty"


def test_control_characters_in_an_orders_text_are_left_out_as_forms_leave_them_out(api):
    """Pasted from a terminal or a word processor, they were stored as sent (only NUL was
    refused): invisible on every page, they broke each file made of the order until the
    exports learnt to drop them. Tab and line breaks are text and stay."""
    response = push(
        api,
        title="电梯\x01坏了",
        content="一个月\x1b没人修\t仍未修\n请处理\x7f",
        citizen={"name": "王\x08先生", "phone": "13812345678"},
        business={"name": "\x0c天津某物业服务有限公司"},
    )
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get()
    assert order.title == "电梯坏了"
    assert order.content == "一个月没人修\t仍未修\n请处理\x7f"
    assert order.citizen_name == "王先生"
    assert order.business_name == "天津某物业服务有限公司"
    # The same order sent again without them is the same order, not a conflict.
    again = push(
        api,
        title="电梯坏了",
        content="一个月没人修\t仍未修\n请处理\x7f",
        citizen={"name": "王先生", "phone": "13812345678"},
        business={"name": "天津某物业服务有限公司"},
    )
    assert again.status_code == 200, again.content
    assert WorkOrder.objects.count() == 1


def test_a_text_of_control_characters_alone_is_as_empty_and_a_hotline_number_refuses_them(api):
    response = push(api, content="\x01\x02 ")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["content"]
    response = push(api, hotline_id="TJ\x01001")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["hotline_id"]
    assert not WorkOrder.objects.exists()


def test_a_body_in_gbk_is_taken_when_named_and_refused_clearly_when_not(api):
    path = "/api/v1/hotline/work-orders/"
    unnamed = json.dumps(ORDER, ensure_ascii=False).encode("gbk")
    with pytest.raises(UnicodeDecodeError) as not_utf8:
        unnamed.decode("utf-8")
    first_bad = not_utf8.value.start + 1
    response = api("post", path, unnamed)
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message.startswith(f"请求内容不是 UTF-8 编码（第 {first_bad} 字节）")
    assert "charset=GBK" in message
    assert not WorkOrder.objects.exists()
    named = json.dumps(ORDER, ensure_ascii=False)  # the test client encodes it as named
    response = api("post", path, named, content_type="application/json; charset=GBK")
    assert response.status_code == 201
    assert WorkOrder.objects.get().title == ORDER["title"]


@pytest.mark.parametrize("charset", ["latin-1", "ISO-8859-1", "windows-1252", "bogus"])
def test_a_body_labelled_with_an_encoding_that_cannot_carry_chinese_is_refused(
    client, hotline, charset
):
    response = client.generic(  # the bytes as they are: post() would encode them as labelled
        "POST",
        "/api/v1/hotline/work-orders/",
        json.dumps(ORDER, ensure_ascii=False).encode(),
        content_type=f"application/json; charset={charset}",
        HTTP_AUTHORIZATION=f"Bearer {hotline[1]}",
    )
    assert response.status_code == 415
    assert charset in response.json()["error"]["message"]
    assert not WorkOrder.objects.exists()


def test_a_utf8_body_with_a_byte_order_mark_is_taken(api):
    body = codecs.BOM_UTF8 + json.dumps(ORDER, ensure_ascii=False).encode()
    response = api("post", "/api/v1/hotline/work-orders/", body)
    assert response.status_code == 201, response.json()
    utf8 = {**ORDER, "hotline_id": "TJ-utf8"}
    response = api(
        "post", "/api/v1/hotline/work-orders/", utf8, content_type="application/json; charset=utf8"
    )
    assert response.status_code == 201


JAVA_ACCEPT = "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"  # HttpURLConnection's


def test_every_answer_is_json_whatever_the_client_accepts(api, client):
    path = "/api/v1/hotline/work-orders/"
    pushed = api("post", path, ORDER, HTTP_ACCEPT=JAVA_ACCEPT)
    assert pushed.status_code == 201 and pushed["Content-Type"] == "application/json"
    detail = f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/"
    assert api("get", detail, HTTP_ACCEPT=JAVA_ACCEPT).json()["number"]
    html_only = api("post", path, {**ORDER, "hotline_id": "TJ-html"}, HTTP_ACCEPT="text/html")
    assert html_only.status_code == 406
    assert html_only.json()["error"]["code"] == "not_acceptable"
    assert "application/json" in html_only.json()["error"]["message"]
    assert {"Accept", "Authorization"} <= {v.strip() for v in pushed["Vary"].split(",")}
    assert pushed["Cache-Control"] == "private, no-store"  # one client's answer is its own
    assert not WorkOrder.objects.filter(hotline_id="TJ-html").exists()
    no_key = client.get(path, HTTP_ACCEPT=JAVA_ACCEPT)
    assert no_key.status_code == 401 and no_key.json()["error"]["code"] == "not_authenticated"


def test_plain_http_is_refused_in_json_where_https_is_required_never_redirected(
    api, client, settings
):
    settings.SECURE_SSL_REDIRECT = True
    path = "/api/v1/hotline/work-orders/"
    refused = api("post", path, ORDER)
    assert refused.status_code == 403  # a 301 would come back from the client as a GET
    assert refused.json()["error"]["code"] == "https_required"
    assert "https://" in refused.json()["error"]["message"]
    assert not WorkOrder.objects.exists()
    assert api("post", path, ORDER, secure=True).status_code == 201
    assert client.get("/login/").status_code == 301  # a person's page still goes to https


def test_a_host_not_served_here_gets_a_json_400(api, settings):
    response = api("get", "/api/v1/units/", HTTP_HOST="elsewhere.example")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_options_points_to_the_schema_instead_of_listing_the_response_as_the_request(api):
    answer = api("options", "/api/v1/hotline/work-orders/")
    assert answer.status_code == 200
    assert "actions" not in answer.json()
    assert answer.json()["schema"] == "http://testserver/api/v1/schema/"


def test_no_key_a_wrong_key_and_a_revoked_key_are_401(client, hotline):
    path = "/api/v1/hotline/work-orders/"
    response = client.get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert client.get(path, HTTP_AUTHORIZATION="Bearer wq_0000_nope").status_code == 401
    ApiClient_, key = hotline
    api_client_revoke(client_id=ApiClient_.id)
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_staff_sessions_cannot_use_the_hotline_endpoints(client, office_staff):
    client.force_login(office_staff)
    response = client.get("/api/v1/hotline/work-orders/")
    assert response.status_code == 401  # a session is not an API credential here
    assert response.json()["error"]["code"] == "not_authenticated"
    schema = client.get("/api/v1/schema/?format=json").json()
    listing = schema["paths"]["/api/v1/hotline/work-orders/"]["get"]
    assert listing["security"] == [{"apiKey": []}]  # not cookieAuth
    units = schema["paths"]["/api/v1/units/"]["get"]
    assert "401" in units["responses"]


def test_a_client_sees_only_its_own_orders(api, client):
    push(api)
    _, other_key = api_client_create(name="other")[:2]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {other_key}"}
    assert (
        client.get(f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/", **auth).status_code == 404
    )
    assert client.get("/api/v1/hotline/work-orders/", **auth).json()["count"] == 0


def test_the_order_shows_its_history_and_result(api, office_staff, housing_staff):
    push(api)
    order = WorkOrder.objects.get()
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修好电梯")
    body = api("get", f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/").json()
    assert body["status"] == "resolved"
    assert body["result"] == "已修好电梯"
    assert [e["type"] for e in body["events"]] == ["create", "dispatch", "sign", "resolve"]
    assert body["events"][-1]["status"] == "resolved"
    assert body["events"][-1]["unit"]["code"] == "housing"
    assert body["deadline"] is None


def test_the_list_filters_by_status_and_update_time(api, housing_staff):
    push(api)
    push(api, hotline_id="TJ-2", content="超市卖过期牛奶，要求赔偿")
    order = WorkOrder.objects.get(hotline_id=ORDER["hotline_id"])
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    listing = api("get", "/api/v1/hotline/work-orders/?status=in_progress").json()
    assert [o["hotline_id"] for o in listing["results"]] == [ORDER["hotline_id"]]
    order.refresh_from_db()
    since = quote(order.updated_at.isoformat())
    listing = api("get", f"/api/v1/hotline/work-orders/?updated_since={since}").json()
    assert [o["hotline_id"] for o in listing["results"]] == [ORDER["hotline_id"]]
    for bad in ("updated_since=soon", "updated_since=", "status=", "page=", "cursor="):
        response = api("get", f"/api/v1/hotline/work-orders/?{bad}")
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "invalid"


def test_a_misspelt_or_repeated_list_parameter_is_refused_not_ignored(api):
    """A poller that wrote updatedSince read every order on every poll, told nothing; a
    misspelt key in a body is refused for the same reason."""
    push(api)
    path = "/api/v1/hotline/work-orders/"
    for query, name in (
        ("updatedSince=2026-12-04", "updatedSince"),
        ("Status=assigned", "Status"),
        ("since=2026-12-04", "since"),
    ):
        response = api("get", f"{path}?{query}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, query
        assert response.json()["error"]["fields"] == {
            name: ["Unknown parameter; the list takes status, updated_since, page, cursor."]
        }
    twice = api(
        "get",
        f"{path}?updated_since=2026-12-01&updated_since=2026-12-04",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert twice.status_code == 400
    assert twice.json()["error"]["fields"] == {"updated_since": ["Give this parameter once."]}
    pages = api("get", f"{path}?page=1&page=2", HTTP_ACCEPT_LANGUAGE="en")
    assert pages.status_code == 400  # the last was taken, as on the portal's lists before
    assert pages.json()["error"]["fields"] == {"page": ["Give this parameter once."]}
    for fine in ("format=json", "status=assigned&status=triage", "updated_since=2026-12-01"):
        assert api("get", f"{path}?{fine}").status_code == 200, fine


def test_the_list_filters_by_several_statuses_given_as_a_repeated_parameter(
    api, housing_staff, monkeypatch
):
    monkeypatch.setattr(RegistrationOrderPagination, "page_size", 1)
    for number in (1, 2, 3):
        push(api, hotline_id=f"TJ-{number}", content=f"物业不修电梯，第{number}次反映")
    signed = WorkOrder.objects.get(hotline_id="TJ-2")
    workflow.workorder_sign(order_id=signed.id, acting_user=housing_staff)
    WorkOrder.objects.filter(hotline_id="TJ-3").update(status="closed")
    url = "/api/v1/hotline/work-orders/?status=in_progress&status=closed"
    first = api("get", url).json()
    assert first["count"] == 2
    assert [o["hotline_id"] for o in first["results"]] == ["TJ-2"]
    second = api("get", local(first["next"])).json()  # the next page keeps both statuses
    assert [o["hotline_id"] for o in second["results"]] == ["TJ-3"]
    assert second["count"] == 2 and second["next"] is None
    one = api("get", "/api/v1/hotline/work-orders/?status=assigned").json()
    assert [o["hotline_id"] for o in one["results"]] == ["TJ-1"]


@pytest.mark.parametrize(
    "query",
    [
        "status=in_progress&status=done",
        "status=done&status=in_progress",
        "status=in_progress,closed",
        "status=ASSIGN",
    ],
)
def test_an_unknown_status_in_the_list_filter_is_a_400_that_lists_the_statuses(api, client, query):
    client.cookies["django_language"] = "en"
    response = api("get", f"/api/v1/hotline/work-orders/?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    (message,) = error["fields"]["status"]
    assert "triage, assigned, in_progress, resolved, closed" in message
    assert "status=assigned&status=in_progress" in message  # how to ask for several


def test_an_empty_status_among_several_is_a_400(api):
    response = api("get", "/api/v1/hotline/work-orders/?status=&status=assigned")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["status"]


def test_the_schema_describes_status_as_a_repeatable_parameter(client, db):
    document = client.get("/api/v1/schema/?format=json").json()
    listing = document["paths"]["/api/v1/hotline/work-orders/"]["get"]
    (status,) = [p for p in listing["parameters"] if p["name"] == "status"]
    assert status["schema"]["type"] == "array" and status["explode"] is True
    assert set(status["schema"]["items"]["enum"]) == {
        "triage",
        "assigned",
        "in_progress",
        "resolved",
        "closed",
    }


def test_updated_since_with_its_plus_left_unencoded_is_understood(api, housing_staff):
    push(api)
    order = WorkOrder.objects.get()
    local = timezone.localtime(order.updated_at)
    before = (local - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    after = (local + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    for since, expected in ((before, 1), (after, 0)):
        raw = since.replace("+", " ")  # what a "+" not written %2B arrives as
        for query in (raw, since.replace("+", "%2B")):
            response = api("get", f"/api/v1/hotline/work-orders/?updated_since={query}")
            assert response.status_code == 200, (query, response.json())
            assert response.json()["count"] == expected, query


def test_paging_through_a_poll_skips_no_order_that_changes_meanwhile(
    api, housing_staff, monkeypatch
):
    monkeypatch.setattr(RegistrationOrderPagination, "page_size", 2)
    poll_started = quote(timezone.now().isoformat())
    for number in (1, 2, 3):
        push(api, hotline_id=f"TJ-{number}")
    first = api("get", f"/api/v1/hotline/work-orders/?updated_since={poll_started}").json()
    assert [o["hotline_id"] for o in first["results"]] == ["TJ-1", "TJ-2"]
    changed = WorkOrder.objects.get(hotline_id="TJ-1")
    workflow.workorder_sign(order_id=changed.id, acting_user=housing_staff)
    second = api("get", local(first["next"])).json()
    assert [o["hotline_id"] for o in second["results"]] == ["TJ-3"]
    again = api("get", f"/api/v1/hotline/work-orders/?updated_since={poll_started}").json()
    assert {o["hotline_id"]: o["status"] for o in again["results"]}["TJ-1"] == "in_progress"


def test_paging_through_a_status_filter_skips_no_order_that_leaves_it(
    api, housing_staff, monkeypatch
):
    monkeypatch.setattr(RegistrationOrderPagination, "page_size", 2)
    for number in (1, 2, 3, 4):
        push(api, hotline_id=f"TJ-{number}")
    first = api("get", "/api/v1/hotline/work-orders/?status=assigned").json()
    assert [o["hotline_id"] for o in first["results"]] == ["TJ-1", "TJ-2"]
    assert first["count"] == 4
    signed = WorkOrder.objects.get(hotline_id="TJ-1")
    workflow.workorder_sign(order_id=signed.id, acting_user=housing_staff)
    second = api("get", local(first["next"])).json()
    assert [o["hotline_id"] for o in second["results"]] == ["TJ-3", "TJ-4"]
    assert second["next"] is None and second["count"] == 3
    back = api("get", local(second["previous"])).json()
    assert [o["hotline_id"] for o in back["results"]] == ["TJ-2"]


def test_a_page_number_still_says_where_to_start(api, monkeypatch):
    monkeypatch.setattr(RegistrationOrderPagination, "page_size", 2)
    for number in (1, 2, 3, 4, 5):
        push(api, hotline_id=f"TJ-{number}")
    second = api("get", "/api/v1/hotline/work-orders/?page=2").json()
    assert [o["hotline_id"] for o in second["results"]] == ["TJ-3", "TJ-4"]
    assert "page=" not in second["next"] and "cursor=" in second["next"]
    third = api("get", local(second["next"])).json()
    assert [o["hotline_id"] for o in third["results"]] == ["TJ-5"]
    first = api("get", local(second["previous"])).json()
    assert [o["hotline_id"] for o in first["results"]] == ["TJ-1", "TJ-2"]


@pytest.mark.parametrize(
    "query",
    [
        "page=2",
        "page=0",
        "page=two",
        "page=99999999999999999999999",
        "cursor=nonsense",
        "cursor=cD1hYmM%3D",
        "cursor=cD0tMQ%3D%3D",
        # DRF reads these as the first page: base64 that skips what it cannot decode, and
        # names it does not know ("xyz"); a page beside a cursor was not looked at.
        "cursor=%2A%00",
        "cursor=eHl6",
        "cursor=cD0x%2A",
        "page=-1&cursor=cD0x",
    ],
)
def test_a_page_or_cursor_that_leads_nowhere_is_a_bad_parameter(api, query):
    """A 400 naming the parameter, not a 404: the list is there, the parameter is wrong."""
    push(api)
    name = query.split("=")[0]
    response = api("get", f"/api/v1/hotline/work-orders/?{query}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == [name]
    assert re.search(r"[\u4e00-\u9fff]", error["message"])
    english = api("get", f"/api/v1/hotline/work-orders/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    (message,) = english.json()["error"]["fields"][name]
    if name == "page":
        assert message == "Give a page number from 1 to 1; or follow next instead."
    else:
        assert message == "This cursor leads nowhere: use next or previous from an answer as is."


def test_a_cursor_past_every_order_answers_an_empty_page(api):
    push(api)
    past = "cursor=cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk%3D"  # p=999…, beyond bigint
    response = api("get", f"/api/v1/hotline/work-orders/?{past}")
    assert response.status_code == 200
    assert response.json()["results"] == [] and response.json()["count"] == 1


def test_an_address_without_its_final_slash_is_refused_not_redirected(api):
    response = api("post", "/api/v1/hotline/work-orders", ORDER)
    assert response.status_code == 404  # a 301 would come back from the client as a GET
    message = response.json()["error"]["message"]
    assert message.startswith("地址不存在") and message.endswith("/api/v1/hotline/work-orders/")
    assert not WorkOrder.objects.exists()
    english = api("post", "/api/v1/hotline/work-orders", ORDER, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["error"]["message"].startswith("No such address.")
    unknown = api("post", "/api/v1/hotline/orders", ORDER)
    assert unknown.status_code == 404 and unknown.json()["error"]["message"] == "未找到。"
    listing = api("get", "/api/v1/hotline/work-orders?status=assigned")
    assert listing.json()["error"]["message"].endswith("/work-orders/?status=assigned")
    prefixed = api("post", "/api/v1/hotline/work-orders", ORDER, SCRIPT_NAME="/portal")
    assert prefixed.json()["error"]["message"].endswith("/portal/api/v1/hotline/work-orders/")


def test_an_unknown_api_address_is_json_with_debug_on_too(api, settings):
    settings.DEBUG = True  # as under make run
    response = api("get", "/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_satisfaction_is_accepted_only_on_a_resolved_order(api, housing_staff):
    push(api)
    path = f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/satisfaction/"
    refused = api("post", path, {"rating": "satisfied"})
    assert refused.status_code == 409
    order = WorkOrder.objects.get()
    english = api("post", path, {"rating": "satisfied"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["error"]["message"] == (
        f"Order {order.number} has the status “Awaiting sign-for” (assigned); a satisfaction "
        "call-back is accepted only once it is resolved."
    )  # not "is Assigned", a label capitalised mid-sentence; the code the client reads too
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修好")
    response = api("post", path, {"rating": "dissatisfied", "comment": "电梯又坏了"})
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    order.refresh_from_db()
    assert order.reopen_count == 1 and order.satisfaction == "dissatisfied"
    assert api("post", path, {"rating": "great"}).status_code == 400
    missing = "/api/v1/hotline/work-orders/nope/satisfaction/"
    assert api("post", missing, {"rating": "satisfied"}).status_code == 404


def test_an_order_resolved_again_shows_no_rating_until_its_new_call_back(api, housing_staff):
    order = push_and_resolve(api, housing_staff)
    path = f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/"
    assert api("get", path).json()["satisfaction"] is None
    api("post", f"{path}satisfaction/", {"rating": "dissatisfied", "comment": "没修好"})
    reopened = api("get", path).json()
    assert (reopened["status"], reopened["satisfaction"]) == ("in_progress", "dissatisfied")
    assert reopened["result"] is None  # the rejected result no longer stands
    ratings = [(e["type"], e["rating"]) for e in reopened["events"] if e["rating"]]
    assert ratings == [("satisfaction", "dissatisfied")]
    workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="修好了")
    again = api("get", path).json()
    assert (again["status"], again["satisfaction"]) == ("resolved", None)
    assert again["result"] == "修好了"
    listed = api("get", "/api/v1/hotline/work-orders/").json()["results"][0]
    assert listed["satisfaction"] is None
    order.refresh_from_db()
    assert order.satisfaction == "dissatisfied"  # the statistics keep it until a new rating
    api("post", f"{path}satisfaction/", {"rating": "satisfied"})
    assert api("get", path).json()["satisfaction"] == "satisfied"


def test_a_retried_satisfaction_call_back_is_recorded_once(api, housing_staff):
    push(api)
    path = f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/satisfaction/"
    order = WorkOrder.objects.get()

    def resolve():
        order.refresh_from_db()
        if order.status == "assigned":
            workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修好")

    def lines(action):
        return order.events.filter(action=action).count()

    resolve()
    for _ in range(3):
        response = api("post", path, {"rating": "satisfied", "comment": "满意"})
        assert response.status_code == 200 and response.json()["status"] == "resolved"
    assert lines(Action.SATISFACTION) == 1

    first = api("post", path, {"rating": "dissatisfied", "comment": "电梯又坏了"})
    retry = api("post", path, {"rating": "dissatisfied", "comment": "电梯又坏了"})
    assert first.status_code == retry.status_code == 200
    assert first.json()["status"] == retry.json()["status"] == "in_progress"
    order.refresh_from_db()
    assert order.reopen_count == 1 and lines(Action.REOPEN) == 1
    assert lines(Action.SATISFACTION) == 2
    other = api("post", path, {"rating": "dissatisfied", "comment": "还是不行"})
    assert other.status_code == 409

    resolve()
    again = api("post", path, {"rating": "dissatisfied", "comment": "电梯又坏了"})
    assert again.status_code == 200 and again.json()["status"] == "in_progress"
    order.refresh_from_db()
    assert order.reopen_count == 2 and lines(Action.REOPEN) == 2


def test_a_late_retry_of_an_earlier_call_back_is_not_recorded_again(api, housing_staff):
    order = push_and_resolve(api, housing_staff)
    path = f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/satisfaction/"
    api("post", path, {"rating": "satisfied", "comment": "很好"})
    api("post", path, {"rating": "satisfied", "comment": "很好!"})
    late = api("post", path, {"rating": "satisfied", "comment": "很好"})  # the first, again
    assert late.status_code == 200
    assert order.events.filter(action=Action.SATISFACTION).count() == 2
    order.refresh_from_db()
    assert order.satisfaction_comment == "很好!"  # the latest stands
    api("post", path, {"rating": "dissatisfied", "comment": "又坏了"})
    after_reopen = api("post", path, {"rating": "satisfied", "comment": "很好!"})
    assert after_reopen.status_code == 200  # a retry of what succeeded, not a 409
    assert after_reopen.json()["status"] == "in_progress"
    assert order.events.filter(action=Action.SATISFACTION).count() == 3


def test_a_call_back_id_keeps_a_late_retry_from_reopening_an_order_resolved_again(
    api, housing_staff
):
    order = push_and_resolve(api, housing_staff)
    path = f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/satisfaction/"
    call_back = {"rating": "dissatisfied", "comment": "没修好", "callback_id": "HF-0001"}
    assert api("post", path, call_back).json()["status"] == "in_progress"
    workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="修好了")
    late = api("post", path, call_back)  # its retry, after the second resolution
    assert late.status_code == 200 and late.json()["status"] == "resolved"
    order.refresh_from_db()
    assert order.reopen_count == 1 and order.status == "resolved"
    assert order.events.filter(action=Action.SATISFACTION).count() == 1
    changed = api("post", path, {**call_back, "comment": "还是没修好"})
    assert changed.status_code == 409 and "HF-0001" in changed.json()["error"]["message"]
    second = api("post", path, {**call_back, "callback_id": "HF-0002"})  # a new call-back
    assert second.status_code == 200 and second.json()["status"] == "in_progress"
    order.refresh_from_db()
    assert order.reopen_count == 2
    history = api("get", path.removesuffix("satisfaction/")).json()["events"]
    ids = [e["callback_id"] for e in history if e["type"] == "satisfaction"]
    assert ids == ["HF-0001", "HF-0002"]
    assert all(e["callback_id"] is None for e in history if e["type"] != "satisfaction")


def test_a_call_back_id_is_checked_like_other_text(api, housing_staff):
    push_and_resolve(api, housing_staff)
    path = f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/satisfaction/"
    for bad in (12, "x" * 65):
        refused = api("post", path, {"rating": "satisfied", "callback_id": bad})
        assert refused.status_code == 400 and "callback_id" in refused.json()["error"]["fields"]
    assert WorkOrder.objects.get().satisfaction == ""


def test_a_call_back_after_the_office_closed_the_order_is_still_taken(
    api, housing_staff, office_staff
):
    order = push_and_resolve(api, housing_staff)
    workflow.workorder_close(order_id=order.id, acting_user=office_staff)
    path = f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/satisfaction/"
    late = api("post", path, {"rating": "dissatisfied", "comment": "电梯还是坏的"})
    assert late.status_code == 200 and late.json()["status"] == "in_progress"
    order.refresh_from_db()
    assert (order.satisfaction, order.reopen_count) == ("dissatisfied", 1)
    assert order.primary_unit.code == "housing"


def test_a_reopened_order_merged_away_shows_no_result_and_takes_no_call_back(
    api, housing_staff, office_staff
):
    earlier = push_and_resolve(api, housing_staff)  # the order the second is merged into
    push(api, hotline_id="T-2")
    order = WorkOrder.objects.get(hotline_id="T-2")
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修好")
    path = "/api/v1/hotline/work-orders/T-2/"
    api("post", f"{path}satisfaction/", {"rating": "dissatisfied", "comment": "没修好"})
    pair = PossibleDuplicate.objects.create(order=order, other=earlier, reason="phone")
    workflow.workorder_merge(order_id=order.id, acting_user=office_staff, duplicate_id=pair.id)
    merged = api("get", path).json()
    assert merged["status"] == "closed" and merged["result"] is None  # the rejected one
    refused = api("post", f"{path}satisfaction/", {"rating": "satisfied"})
    assert refused.status_code == 409
    # It said only that a closed order takes no call-back, not where the case went.
    english = api(
        "post", f"{path}satisfaction/", {"rating": "satisfied"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["error"]["message"] == (
        f"Order {order.number} was merged into order {earlier.number}, where the case is "
        "handled: a satisfaction call-back is for that order, once it is resolved."
    )


def test_a_session_without_its_csrf_token_is_told_so_in_its_language(client, office_staff):
    """DRF's "CSRF Failed: CSRF token missing." came in English under a Chinese page."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(office_staff)
    answer = browser.post(
        "/api/v1/routing/preview/",
        {"content": "电梯坏了"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert answer.status_code == 403
    message = answer.json()["error"]["message"]
    assert "CSRF Failed" not in message and "须带 CSRF 令牌（X-CSRFToken 请求头" in message
    assert "Authorization: Bearer" in message


def test_every_api_view_that_takes_the_portal_sign_in_words_its_csrf_refusal():
    """DRF's own SessionAuthentication answers "CSRF Failed: …" in English; a view that
    names it instead of the portal's would bring that back."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from rest_framework.authentication import SessionAuthentication
    from rest_framework.views import APIView

    from complaints.api.auth import PortalSessionAuthentication

    def views(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from views(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                view = getattr(entry.callback, "cls", None)
                if view is not None and issubclass(view, APIView):
                    yield entry.pattern, view

    found = list(views(get_resolver().url_patterns))
    sessions = [
        (pattern, view)
        for pattern, view in found
        if any(issubclass(a, SessionAuthentication) for a in view.authentication_classes)
    ]
    assert len(sessions) > 5
    plain = [
        str(pattern)
        for pattern, view in sessions
        if any(
            issubclass(a, SessionAuthentication) and not issubclass(a, PortalSessionAuthentication)
            for a in view.authentication_classes
        )
    ]
    assert plain == []


def test_a_client_that_polls_learns_which_order_a_merged_one_went_into_as_callbacks_tell(
    api, housing_staff, office_staff
):
    """The README has the hotline follow changes by polling or by callbacks; a callback's
    merged_into names the order, so the polled order names it too, not only "closed"."""
    earlier = push(api).json()
    assert earlier["merged_into"] is None
    push(api, hotline_id="T-2")
    order = WorkOrder.objects.get(hotline_id="T-2")
    pair = PossibleDuplicate.objects.create(
        order=order, other=WorkOrder.objects.get(number=earlier["number"]), reason="phone"
    )
    workflow.workorder_merge(order_id=order.id, acting_user=office_staff, duplicate_id=pair.id)
    detail = api("get", "/api/v1/hotline/work-orders/T-2/").json()
    assert (detail["status"], detail["merged_into"]) == ("closed", earlier["number"])
    listed = api("get", "/api/v1/hotline/work-orders/").json()["results"]
    assert {o["hotline_id"]: o["merged_into"] for o in listed} == {
        ORDER["hotline_id"]: None,
        "T-2": earlier["number"],
    }
    callback = CallbackEvent.objects.filter(order=order).latest("id")
    assert callback.payload["merged_into"] == detail["merged_into"]


def test_staff_find_an_order_by_the_longest_hotline_id_the_api_takes(api, client, office_staff):
    longest = "TJ12345-" + "9" * 56
    assert push(api, hotline_id=longest).status_code == 201
    assert WorkOrder.objects.get().external_ref == longest  # was cut to 60
    client.force_login(office_staff)
    page = client.get("/orders/", {"tab": "all", "q": longest}).content.decode()
    assert WorkOrder.objects.get().number in page


def test_a_field_in_another_spelling_is_refused_not_dropped(api, housing_staff):
    push_and_resolve(api, housing_staff)
    path = f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/satisfaction/"
    sent = {"rating": "dissatisfied", "comment": "没修好", "callbackId": "HF-1"}
    refused = api("post", path, sent)
    assert refused.status_code == 400
    assert "callback_id" in refused.json()["error"]["fields"]["callbackId"][0]
    assert WorkOrder.objects.get().status == "resolved"
    nested = push(api, hotline_id="T-9", citizen={"name": "王先生", "idNumber": "x"})
    assert nested.status_code == 400
    assert "id_number" in json.dumps(nested.json()["error"]["fields"], ensure_ascii=False)
    assert push(api, hotline_id="T-10", source_system="12345").status_code == 201  # not a field


def test_a_nested_field_sent_flat_is_refused_not_dropped(api):
    """A hotline exporting its own flat columns writes citizen_phone or businessCreditCode;
    ignored, a report (which may be anonymous) would lose the citizen's contact unseen."""
    flat = {k: v for k, v in ORDER.items() if k not in ("citizen", "business")}
    sent = {**flat, "kind": "report", "citizen_phone": "13812345678", "businessCreditCode": "x"}
    refused = api("post", "/api/v1/hotline/work-orders/", sent)
    assert refused.status_code == 400, refused.json()
    fields = refused.json()["error"]["fields"]
    assert "citizen.phone" in fields["citizen_phone"][0]
    assert "business.credit_code" in fields["businessCreditCode"][0]
    assert not WorkOrder.objects.exists()


def test_an_order_not_found_says_a_client_sees_only_its_own(api, client, db):
    push(api)
    _other, key, _ = api_client_create(name="12345-test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    path = f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/"
    for response in (
        client.get(path, **auth),
        client.post(
            f"{path}satisfaction/",
            data=json.dumps({"rating": "satisfied"}),
            content_type="application/json",
            **auth,
        ),
    ):
        assert response.status_code == 404
        message = response.json()["error"]["message"]
        assert ORDER["hotline_id"] in message and "API" in message


def test_routing_preview_creates_nothing(api, client, office_staff):
    response = api("post", "/api/v1/routing/preview/", {"content": "小区物业不管电梯"})
    assert response.status_code == 200
    body = response.json()
    assert body["primary_unit"] == "housing" and body["status"] == "assigned"
    assert WorkOrder.objects.count() == 0
    client.force_login(office_staff)
    staff = client.post(
        "/api/v1/routing/preview/",
        data=json.dumps({"content": "你们到底管不管"}),
        content_type="application/json",
    )
    assert staff.json()["status"] == "triage" and staff.json()["primary_unit"] is None


def test_units_are_listed_for_a_client(api):
    units = api("get", "/api/v1/units/").json()
    assert {"code": "housing", "name": "区住房建设委"}.items() <= units[1].items() or any(
        u["code"] == "housing" and u["name_en"] for u in units
    )


def test_a_client_over_its_rate_is_told_when_to_come_back(client, db):
    _limited, key, _ = api_client_create(name="burst", rate_limit_per_minute=2)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    statuses = [client.get("/api/v1/hotline/work-orders/", **auth).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/v1/hotline/work-orders/", **auth)
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_a_rotation_does_not_give_the_client_a_fresh_allowance(client, db):
    limited, old_key, _ = api_client_create(name="rotating", rate_limit_per_minute=2)

    def status(key: str):
        return client.get("/api/v1/hotline/work-orders/", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert status(old_key).status_code == 200
    new_key, _until = api_client_rotate_key(client_id=limited.id)
    assert [status(key).status_code for key in (old_key, new_key)] == [200, 429]


def test_a_status_change_writes_its_callback_in_the_same_transaction(db, client, housing_staff):
    _hooked, key, _ = api_client_create(name="hooked", callback_url="http://127.0.0.1:9/cb")
    client.post(
        "/api/v1/hotline/work-orders/",
        data=json.dumps(ORDER),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    order = WorkOrder.objects.get()
    assert CallbackEvent.objects.count() == 0  # intake answers with the state itself
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    callback = CallbackEvent.objects.get()
    assert callback.payload["status"] == "in_progress"
    assert callback.payload["hotline_id"] == ORDER["hotline_id"]
    assert callback.payload["occurred_at"].endswith("+08:00")
    with pytest.raises(workflow.WorkflowError):
        workflow.workorder_close(order_id=order.id, acting_user=housing_staff)
    assert CallbackEvent.objects.count() == 1


def test_create_api_client_prints_the_key_and_secret_once(db, capsys):
    with translation.override("en"):
        call_command(
            "create_api_client", "天津12345", "--callback-url", "https://hotline.example/cb"
        )
    out = capsys.readouterr().out
    client = ApiClient.objects.get(name="天津12345")
    key = next(line.split()[-1] for line in out.splitlines() if line.startswith("API key"))
    assert key.startswith(f"wq_{client.key_prefix}_")
    assert key not in json.dumps(list(ApiClient.objects.values()), default=str)
    assert client.callback_url == "https://hotline.example/cb"


def test_create_api_client_says_how_the_key_and_the_secret_are_kept_as_the_readme_does(db):
    """Only the key is hashed; the secret is derived from API_SIGNING_KEY, so a database
    restored under another key signs with other secrets (README, Backups)."""
    from complaints.management.commands.create_api_client import Command

    with translation.override("en"):
        parser = Command().create_parser("manage.py", "create_api_client")
    described = " ".join(parser.description.split())
    assert "only hashes are kept" not in described
    assert "only a hash of the key is kept" in described
    assert "derived from API_SIGNING_KEY" in described


def test_the_schema_is_public_and_describes_the_hotline_endpoints(client, db):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/hotline/work-orders/" in schema["paths"]
    create = schema["paths"]["/api/v1/hotline/work-orders/"]["post"]
    assert {"201", "200", "409", "429"} <= set(create["responses"])
    listing = schema["paths"]["/api/v1/hotline/work-orders/"]["get"]
    assert {"cursor", "page", "status", "updated_since"} == {
        p["name"] for p in listing["parameters"]
    }
    assert "400" in listing["responses"]  # a bad page or cursor
    assert "404" not in listing["responses"]  # the list itself is always there
    pages = schema["components"]["schemas"]["PaginatedHotlineOrderOutList"]
    assert {"count", "next", "previous", "results"} == set(pages["properties"])
    assert "cursor=" in pages["properties"]["next"]["example"]
    assert client.get("/api/v1/docs/").status_code == 200


def test_the_schema_tells_the_receiver_about_the_previous_signature_header(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    callbacks = schema["paths"]["/api/v1/hotline/work-orders/"]["post"]["callbacks"]
    described = json.dumps(callbacks["status_changed"], ensure_ascii=False)
    assert "X-Wuqing-Signature-Previous" in described and "X-Wuqing-Signature（" in described


def test_the_office_sees_failing_callbacks_in_the_admin_and_can_replay_one(
    client, office_director, housing_staff, django_capture_on_commit_callbacks
):
    hooked = api_client_create(name="hooked", callback_url="http://127.0.0.1:9/cb")[0]

    order, _ = hotline_intake(
        client=hooked,
        hotline_id="A-1",
        fields={
            "kind": "complaint",
            "title": "电梯坏了一个月",
            "content": "物业不修电梯",
            "citizen_phone": "13812345678",
        },
    )
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    callback = CallbackEvent.objects.get()
    CallbackEvent.objects.filter(id=callback.id).update(state="failed", last_error="HTTP 500")
    client.force_login(office_director)
    page = client.get("/admin/complaints/callbackevent/?state__exact=failed")
    assert page.status_code == 200
    assert "HTTP 500" in page.content.decode()
    row = page.content.decode().split('class="field-order_number"', 1)[1].split("</td>", 1)[0]
    assert order.number in row and order.title not in row  # the last error stays in view
    form = client.get(f"/admin/complaints/callbackevent/{callback.id}/change/").content.decode()
    assert "next_attempt_at" not in form and "delivered_at" not in form  # shown, not inputs
    assert 'name="_save"' not in form  # read, never edited
    posted = client.post(f"/admin/complaints/callbackevent/{callback.id}/change/", {})
    assert posted.status_code == 403
    delivered = form.split("field-delivered", 1)[1].split("</div>", 2)[1]
    assert "None" not in delivered
    with django_capture_on_commit_callbacks() as kicks:
        client.post(
            "/admin/complaints/callbackevent/",
            {"action": "replay", "_selected_action": [callback.id]},
        )
    callback.refresh_from_db()
    assert callback.state == "pending"
    assert len(kicks) == 1
    assert client.get("/admin/complaints/apiclient/").status_code == 200


def test_office_staff_find_a_failing_callback_and_read_its_attempts(
    client, office_staff, housing_staff
):
    hooked = api_client_create(name="hooked", callback_url="http://127.0.0.1:9/cb")[0]
    for number in ("A-1", "A-2"):
        order, _ = hotline_intake(
            client=hooked,
            hotline_id=number,
            fields={"kind": "complaint", "content": "物业不修电梯", "citizen_phone": "13812345678"},
        )
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    failing = CallbackEvent.objects.get(order__hotline_id="A-1")
    CallbackEvent.objects.filter(id=failing.id).update(attempts=3, last_error="HTTP 500")
    CallbackAttempt.objects.create(event=failing, status_code=500, error="HTTP 500")
    client.force_login(office_staff)
    listing = client.get("/admin/complaints/callbackevent/?situation=retrying").content.decode()
    assert failing.order.number in listing
    assert CallbackEvent.objects.get(order__hotline_id="A-2").order.number not in listing
    assert "待推送" in listing and "待审批" not in listing
    page = client.get(f"/admin/complaints/callbackevent/{failing.id}/change/").content.decode()
    assert "回调尝试记录" in page  # the attempt log, hidden from the office before
    assert "500" in page
    attempt = CallbackAttempt.objects.get()
    assert f"尝试于 {timezone.localtime(attempt.at):%Y-%m-%d %H:%M:%S}" in page  # not "34 HTTP 500"
    assert f"{failing.order.number} → in_progress（待推送）" in page  # not its uuid and "pending"


def _status(client, key: str) -> int:
    return client.get(
        "/api/v1/hotline/work-orders/", HTTP_AUTHORIZATION=f"Bearer {key}"
    ).status_code


def test_rotating_a_key_in_the_admin_shows_the_new_one_once_and_retires_the_old_after_a_day(
    client, sysadmin, hotline
):
    api_client, old_key = hotline
    rotated = timezone.now()
    client.force_login(sysadmin)
    client.cookies["django_language"] = "en"
    with time_machine.travel(rotated, tick=False):
        response = client.post(
            "/admin/complaints/apiclient/",
            {"action": "rotate_key", "_selected_action": [api_client.id]},
            follow=True,
        )
    page = response.content.decode()
    message = page.split('class="messagelist"', 1)[1].split("</ul>", 1)[0]
    new_key = re.search(r"wq_[0-9a-f]{8}_[A-Za-z0-9_-]+", message).group()
    until = f"{timezone.localtime(rotated + timedelta(hours=24)):%Y-%m-%d %H:%M}"
    assert f"the previous key keeps working until {until}" in message
    assert until in client.get("/admin/complaints/apiclient/").content.decode()
    detail = client.get(f"/admin/complaints/apiclient/{api_client.id}/change/").content.decode()
    assert until in detail.split("field-previous_key_works_until", 1)[1].split("field-", 1)[0]
    stored = json.dumps(list(ApiClient.objects.values()), default=str)
    assert new_key not in stored and old_key not in stored  # only hashes, as before
    client.logout()
    with time_machine.travel(rotated + timedelta(hours=23, minutes=59), tick=False):
        assert _status(client, old_key) == 200  # the hotline is not cut off meanwhile
        assert _status(client, new_key) == 200
    with time_machine.travel(rotated + timedelta(hours=24, seconds=1), tick=False):
        assert _status(client, old_key) == 401
        assert _status(client, new_key) == 200
    client.force_login(sysadmin)
    with time_machine.travel(rotated + timedelta(hours=24, seconds=1), tick=False):
        assert until not in client.get("/admin/complaints/apiclient/").content.decode()


def test_the_admin_shows_whether_the_client_still_uses_its_previous_key(client, sysadmin, hotline):
    api_client, old_key = hotline
    rotated = timezone.now()
    with time_machine.travel(rotated, tick=False):
        new_key, _until = api_client_rotate_key(client_id=api_client.id)
    client.force_login(sysadmin)
    client.cookies["django_language"] = "en"

    def shown() -> str:
        page = client.get(f"/admin/complaints/apiclient/{api_client.id}/change/")
        return page.content.decode().split("field-previous_key_last_used", 1)[1][:400]

    with time_machine.travel(rotated + timedelta(minutes=5), tick=False):
        assert "not since the rotation" in shown()
        assert _status(client, new_key) == 200
        assert "not since the rotation" in shown()  # the new key is not the previous one
    used = rotated + timedelta(hours=2)
    with time_machine.travel(used, tick=False):
        assert _status(client, old_key) == 200
        assert f"{timezone.localtime(used):%Y-%m-%d %H:%M}" in shown()
    api_client.refresh_from_db()
    assert api_client.last_used_at == used  # either key is a use of the client


def test_rotating_a_secret_in_the_admin_says_until_when_the_old_one_signs_too(
    client, sysadmin, hotline
):
    api_client, _ = hotline
    rotated = timezone.now()
    client.force_login(sysadmin)
    client.cookies["django_language"] = "en"
    with time_machine.travel(rotated, tick=False):
        response = client.post(
            "/admin/complaints/apiclient/",
            {"action": "rotate_secret", "_selected_action": [api_client.id]},
            follow=True,
        )
    message = response.content.decode().split('class="messagelist"', 1)[1].split("</ul>", 1)[0]
    until = f"{timezone.localtime(rotated + timedelta(hours=24)):%Y-%m-%d %H:%M}"
    assert f"until {until} each callback is also signed with the previous secret" in message
    assert re.search(r": [0-9a-f]{64}<", message)
    detail = client.get(f"/admin/complaints/apiclient/{api_client.id}/change/").content.decode()
    assert until in detail.split("field-previous_secret_signs_until", 1)[1].split("field-", 1)[0]


def test_the_grace_period_is_a_setting(client, hotline, settings):
    api_client, old_key = hotline
    settings.API_ROTATION_GRACE_HOURS = 2
    rotated = timezone.now()
    with time_machine.travel(rotated, tick=False):
        new_key, until = api_client_rotate_key(client_id=api_client.id)
    assert until == rotated + timedelta(hours=2)
    with time_machine.travel(rotated + timedelta(minutes=119), tick=False):
        assert _status(client, old_key) == 200
    with time_machine.travel(rotated + timedelta(minutes=121), tick=False):
        assert _status(client, old_key) == 401
    settings.API_ROTATION_GRACE_HOURS = 0
    newest_key, until = api_client_rotate_key(client_id=api_client.id)
    assert until is None
    assert (_status(client, new_key), _status(client, newest_key)) == (401, 200)


def test_a_second_rotation_within_the_grace_period_ends_the_older_previous_key(client, hotline):
    api_client, first_key = hotline
    rotated = timezone.now()
    with time_machine.travel(rotated, tick=False):
        second_key, _ = api_client_rotate_key(client_id=api_client.id)
    with time_machine.travel(rotated + timedelta(hours=1), tick=False):
        third_key, until = api_client_rotate_key(client_id=api_client.id)
        assert _status(client, first_key) == 401
        assert _status(client, second_key) == 200
        assert _status(client, third_key) == 200
    assert until == rotated + timedelta(hours=25)  # from the second rotation
    with time_machine.travel(rotated + timedelta(hours=24, minutes=30), tick=False):
        assert _status(client, second_key) == 200
    with time_machine.travel(rotated + timedelta(hours=25, seconds=1), tick=False):
        assert (_status(client, second_key), _status(client, third_key)) == (401, 200)


def test_revoking_ends_the_key_and_the_previous_key_at_once(client, hotline):
    api_client, old_key = hotline
    new_key, _ = api_client_rotate_key(client_id=api_client.id)
    api_client_revoke(client_id=api_client.id)
    assert (_status(client, old_key), _status(client, new_key)) == (401, 401)
    ApiClient.objects.filter(id=api_client.id).update(is_active=True)  # the admin's checkbox
    assert (_status(client, old_key), _status(client, new_key)) == (401, 200)


def test_rotating_a_revoked_clients_key_does_not_bring_the_revoked_key_back(client, hotline):
    api_client, revoked_key = hotline
    api_client_revoke(client_id=api_client.id)
    new_key, until = api_client_rotate_key(client_id=api_client.id)
    assert until is None
    ApiClient.objects.filter(id=api_client.id).update(is_active=True)
    assert (_status(client, revoked_key), _status(client, new_key)) == (401, 200)


def _client_form(sysadmin, rf, api_client):
    request = rf.get("/admin/complaints/apiclient/")
    request.user = sysadmin
    return admin.site._registry[ApiClient].get_form(request, api_client)


def test_the_admins_client_form_is_built_without_deprecation_warnings(sysadmin, rf, hotline):
    api_client, _ = hotline
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango60Warning)
        form_class = _client_form(sysadmin, rf, api_client)
        form = form_class(instance=api_client)
        str(form["callback_url"])


def test_a_callback_url_without_a_scheme_is_taken_as_https(sysadmin, rf, hotline):
    api_client, _ = hotline
    data = {"name": api_client.name, "channel": "12345", "rate_limit_per_minute": 600}
    form = _client_form(sysadmin, rf, api_client)(
        {**data, "callback_url": "hotline.example/cb", "is_active": "on"}, instance=api_client
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["callback_url"] == "https://hotline.example/cb"


@pytest.mark.parametrize("url", ["ftp://hotline.example/cb", "FTPS://hotline.example/cb"])
def test_a_callback_url_that_is_not_http_is_refused_with_the_reason(client, sysadmin, hotline, url):
    api_client, _ = hotline
    client.force_login(sysadmin)
    client.cookies["django_language"] = "en"
    form = {
        "name": api_client.name,
        "channel": "12345",
        "callback_url": url,
        "rate_limit_per_minute": 600,
        "is_active": "on",
    }
    response = client.post(f"/admin/complaints/apiclient/{api_client.id}/change/", form)
    assert response.status_code == 200
    assert "starts with http:// or https://" in response.content.decode()
    assert ApiClient.objects.get(id=api_client.id).callback_url == ""
    with pytest.raises(CommandError, match="starts with http:// or https://"):
        call_command("create_api_client", "12315", "--callback-url", url)
    assert not ApiClient.objects.filter(name="12315").exists()


def test_unticking_active_in_the_admin_revokes_as_the_action_does(client, sysadmin, hotline):
    api_client, old_key = hotline
    new_key, _ = api_client_rotate_key(client_id=api_client.id)
    api_client_rotate_secret(client_id=api_client.id)
    client.force_login(sysadmin)
    form = {
        "name": api_client.name,
        "channel": api_client.channel,
        "callback_url": "https://hotline.example/cb",
        "rate_limit_per_minute": 300,
    }  # "is_active" left out: the box unticked
    response = client.post(f"/admin/complaints/apiclient/{api_client.id}/change/", form)
    assert response.status_code == 302
    stored = ApiClient.objects.get(id=api_client.id)
    assert not stored.is_active and stored.revoked_at is not None
    assert (stored.callback_url, stored.rate_limit_per_minute) == (form["callback_url"], 300)
    assert (stored.previous_key_prefix, stored.previous_key_until) == ("", None)
    assert (stored.previous_secret_salt, stored.previous_secret_until) == ("", None)
    client.logout()
    ApiClient.objects.filter(id=api_client.id).update(is_active=True)
    assert (_status(client, old_key), _status(client, new_key)) == (401, 200)


def _prefix_draws(monkeypatch, *prefixes: str) -> None:
    """The next key prefixes drawn are `prefixes`, in turn; other random values as usual."""
    import secrets

    token_hex, forced = secrets.token_hex, list(prefixes)

    def drawn(nbytes=None):
        return forced.pop(0) if nbytes == 4 and forced else token_hex(nbytes)

    monkeypatch.setattr(secrets, "token_hex", drawn)


def test_a_new_clients_key_prefix_is_drawn_again_when_another_client_holds_it(
    client, hotline, monkeypatch
):
    first, first_key = hotline
    _prefix_draws(monkeypatch, first.key_prefix, "0123abcd")
    call_command("create_api_client", "12315", "--channel", "12315", stdout=io.StringIO())
    second = ApiClient.objects.get(name="12315")
    assert second.key_prefix == "0123abcd"
    rotated_key, _ = api_client_rotate_key(client_id=first.id)  # first's old prefix: previous
    _prefix_draws(monkeypatch, first.key_prefix, first_key.split("_")[1], "4567cdef")
    third, third_key, _ = api_client_create(name="12345 测试")
    assert third.key_prefix == "4567cdef"
    assert client_for_key(first_key) == first and client_for_key(rotated_key) == first
    assert client_for_key(third_key) == third


def test_a_rotated_key_prefix_is_drawn_again_when_any_client_holds_it(hotline, monkeypatch):
    first, first_key = hotline
    second, second_key, _ = api_client_create(name="12315")
    _prefix_draws(monkeypatch, second.key_prefix, first.key_prefix, "89abcdef")
    new_key, _ = api_client_rotate_key(client_id=first.id)
    assert new_key.startswith("wq_89abcdef_")
    _prefix_draws(monkeypatch, first_key.split("_")[1], "fedcba98")  # first's previous key
    newer_key, _ = api_client_rotate_key(client_id=second.id)
    assert newer_key.startswith("wq_fedcba98_")
    found = {key: client_for_key(key) for key in (first_key, new_key, second_key, newer_key)}
    assert found == {first_key: first, new_key: first, second_key: second, newer_key: second}


def test_a_prefix_shared_by_one_clients_key_and_anothers_previous_key_finds_each_by_its_key(
    client, hotline
):
    """Drawn before prefixes were checked, a clash may be stored: the hash still tells."""
    first, first_key = hotline
    second, second_key, _ = api_client_create(name="12315")
    api_client_rotate_key(client_id=second.id)  # its previous key now works for a day
    clashing = f"wq_{first.key_prefix}_{second_key.split('_', 2)[2]}"
    ApiClient.objects.filter(id=second.id).update(
        previous_key_prefix=first.key_prefix,
        previous_key_hash=hashlib.sha256(clashing.encode()).hexdigest(),
    )
    assert client_for_key(first_key) == first
    assert client_for_key(clashing) == second
    assert (_status(client, first_key), _status(client, clashing)) == (200, 200)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.previous_key_last_used_at is None
    assert second.previous_key_last_used_at is not None


def test_either_key_is_found_in_one_query(hotline, django_assert_num_queries):
    api_client, old_key = hotline
    new_key, _ = api_client_rotate_key(client_id=api_client.id)
    for key in (old_key, new_key):
        with django_assert_num_queries(1):
            assert client_for_key(key).id == api_client.id
    with django_assert_num_queries(1):
        assert client_for_key(old_key + "x") is None
    assert client_for_key(f"wq__{old_key.split('_', 2)[2]}") is None


@pytest.mark.parametrize("since", ["0701-07-25T02:35:07+18:27", "9999-12-31T23:59:59-18:00"])
def test_any_iso_time_in_updated_since_is_answered_without_error(api, since):
    response = api("get", f"/api/v1/hotline/work-orders/?updated_since={quote(since)}")
    assert response.status_code == 200


def test_each_order_is_validated_with_fields_of_its_own_copied_once_per_class():
    first = HotlineOrderIn(data={"hotline_id": "A", "content": "", "citizen": {"phone": 5}})
    assert not first.is_valid()
    second = HotlineOrderIn(data={"hotline_id": "B", "content": "电梯坏了", "citizen": {}})
    assert second.is_valid(), second.errors
    assert set(first.errors) == {"content", "citizen"} and not second.errors
    for name in ("content", "citizen"):
        mine, theirs = second.fields[name], first.fields[name]
        assert mine is not theirs and mine.parent is second and theirs.parent is first
    nested = second.fields["citizen"].fields["phone"]
    assert nested.parent is second.fields["citizen"]
    assert nested is not first.fields["citizen"].fields["phone"]
    # Built once per class, not per order: the copies share what never changes.
    assert second.fields["content"].validators is first.fields["content"].validators


def test_the_co_handling_units_are_answered_on_the_push_and_on_its_retry(api):
    canteen = {
        "hotline_id": "TJ-CANTEEN",
        "title": "学校食堂",
        "content": "孩子学校食堂的饭菜不干净，家长很担心。",
        "category": "",
    }
    first = push(api, **canteen)
    again = push(api, **canteen)
    assert (first.status_code, again.status_code) == (201, 200)
    expected = [{"code": "education", "name": Unit.objects.get(code="education").name}]
    assert first.json()["co_units"] == again.json()["co_units"] == expected
    assert first.json()["primary_unit"]["code"] == "market-regulation"


def test_the_client_found_by_its_key_reads_as_the_orm_reads_it(api, hotline):
    client, key = hotline
    ApiClient.objects.filter(pk=client.pk).update(
        last_used_at=timezone.now() - timedelta(minutes=5)
    )
    found, stored = client_for_key(key), ApiClient.objects.get(pk=client.pk)
    for field in ApiClient._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(stored, field.attname), field.name
    assert timezone.is_aware(found.last_used_at)
    assert api("get", "/api/v1/hotline/work-orders/").status_code == 200
    assert ApiClient.objects.get(pk=client.pk).last_used_at > stored.last_used_at


def _throttled_api_paths() -> set[str]:
    """The API's addresses whose view counts requests against a client's rate limit."""
    from django.urls import get_resolver

    from complaints.api.auth import ClientRateThrottle

    paths = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^")  # a router's are regexes
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, route)
                continue
            view = getattr(pattern.callback, "cls", None)
            if route.startswith("api/v1/") and ClientRateThrottle in getattr(
                view, "throttle_classes", ()
            ):
                paths.add("/" + route.split("<")[0].split("(")[0].rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return paths


def test_the_readme_says_the_body_limit_the_page_size_and_what_the_rate_limit_counts():
    """What an integrator reading only the README had to guess (issue 4's integrator
    walkthrough): how large a body may be, how many orders a page holds, and which
    requests count towards the limit."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## The 12345 hotline API")[1].split("### Callbacks")[0]
    section = " ".join(section.split())
    assert "at most `API_MAX_BODY_KB` KB (1024 unless set;" in section
    assert f"{RegistrationOrderPagination.page_size} orders a page" in section
    limit = section.split("**Rate limit**")[1].split("- **")[0]
    throttled = _throttled_api_paths()
    assert {"/api/v1/hotline/work-orders/", "/api/v1/routing/preview/"} <= throttled
    for path in throttled:
        assert f"{path}" in limit, path
    assert "/api/v1/units/" not in throttled and "`GET /api/v1/units/` does not count" in limit


def test_create_api_client_takes_a_callback_url_without_a_scheme_as_the_admin_does(db):
    """The admin takes "example.org/hook" as https://example.org/hook; the command refused it."""
    call_command(
        "create_api_client", "12315", "--callback-url", "example.org/hook", stdout=io.StringIO()
    )
    assert ApiClient.objects.get(name="12315").callback_url == "https://example.org/hook"


def test_create_api_client_joins_its_refusals_as_sentences(db):
    with translation.override("zh-hans"), pytest.raises(CommandError) as refused:
        call_command("create_api_client", "12315", "--callback-url", "gopher://a b")
    message = str(refused.value)
    assert "http:// 或 https://" in message and "URL" in message
    assert "。; " not in message and "。 " not in message
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("create_api_client", "12315", "--callback-url", "gopher://a b")
    assert str(refused.value) == (
        "--callback-url: Enter a valid URL. Enter an address that starts with http:// or "
        "https://: callbacks are posted over HTTP."
    )
    assert not ApiClient.objects.filter(name="12315").exists()


def test_a_rating_is_taken_in_any_case_and_a_wrong_one_is_refused_with_the_ratings_there_are(
    api, housing_staff
):
    push_and_resolve(api, housing_staff)
    path = f"/api/v1/hotline/work-orders/{ORDER['hotline_id']}/satisfaction/"
    refused = api("post", path, {"rating": "great"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    (message,) = refused.json()["error"]["fields"]["rating"]
    assert "satisfied, basically_satisfied, dissatisfied" in message
    # As `kind` is: a Java enum sends SATISFIED.
    taken = api("post", path, {"rating": " SATISFIED ", "callback_id": "HF-1"})
    assert taken.status_code == 200
    assert taken.json()["satisfaction"] == "satisfied"
    again = api("post", path, {"rating": "satisfied", "callback_id": "HF-1"})
    assert again.status_code == 200  # the same call-back, as the contract spells it


@pytest.mark.parametrize("value", ["王先生", ["王先生"], 5])
def test_a_nested_object_sent_as_something_else_is_refused_under_its_own_name(api, value):
    body = {**ORDER, "citizen": value, "kind": "report"}
    response = api("post", "/api/v1/hotline/work-orders/", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["citizen"]  # not "citizen.non_field_errors", a field not sent
