"""Requests Django refuses before a view runs: more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS,
or form text larger than DATA_UPLOAD_MAX_MEMORY_SIZE. A person gets a message in their
language and a way back (a form goes back to its page; anything else gets the portal's 400
page), the API its JSON error; never Django's bare English "Bad Request (400)"."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.html import escape

from complaints.clients import api_client_create
from complaints.models import WorkOrder

INTAKE_PAGE = "http://testserver/orders/new/"
INTAKE_FORM = {
    "kind": "complaint",
    "channel": "phone",
    "urgency": "normal",
    "content": "小区物业不作为，电梯坏了一个月没人修",
    "citizen_name": "李女士",
    "citizen_phone": "13900001111",
    "routing_choice": "auto",
}
TOO_MANY_FIELDS = (
    "The form sent more than %(most)s fields, more than any form of the portal has. "
    "Nothing was saved: fill in the form again."
)
TOO_MUCH_TEXT = (
    "The text of the form is larger than %(max)s, more than any form of the portal takes "
    "(files aside). Nothing was saved: fill in the form again with shorter text."
)
FIELDS_REFUSED = "The request has more than %(most)s fields or query parameters; nothing was done."


def _many_fields() -> dict:
    return {**INTAKE_FORM, **{f"x{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}}


def _too_much_text() -> dict:
    return {**INTAKE_FORM, "content": "很" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1)}


def _post(client, data: dict, encoding: str):
    if encoding == "multipart":
        return client.post("/orders/new/", data, headers={"referer": INTAKE_PAGE})
    return client.post(
        "/orders/new/",
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        headers={"referer": INTAKE_PAGE},
    )


def _in(language: str, message: str, **params) -> str:
    with translation.override(language):
        return translation.gettext(message) % params


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_form_with_more_fields_than_django_reads_goes_back_with_a_message(
    client, office_staff, encoding, language
):
    client.force_login(office_staff)
    client.cookies["django_language"] = language

    response = _post(client, _many_fields(), encoding)

    assert response.status_code == 302
    assert response["Location"] == INTAKE_PAGE
    page = client.get(response["Location"]).content.decode()
    most = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert escape(_in(language, TOO_MANY_FIELDS, most=most)) in page
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_form_with_more_text_than_django_reads_goes_back_with_a_message(
    client, office_staff, encoding, language
):
    client.force_login(office_staff)
    client.cookies["django_language"] = language

    response = _post(client, _too_much_text(), encoding)

    assert response.status_code == 302
    assert response["Location"] == INTAKE_PAGE
    page = client.get(response["Location"]).content.decode()
    with translation.override(language):
        most = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    assert escape(_in(language, TOO_MUCH_TEXT, max=most)) in page
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_address_with_too_many_parameters_gets_the_portals_400_page_with_a_way_back(
    client, office_staff, language
):
    client.force_login(office_staff)
    client.cookies["django_language"] = language
    query = urlencode([("town", "x")] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = client.get(f"/orders/?{query}", headers={"referer": "http://testserver/orders/"})

    assert response.status_code == 400
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert "Bad Request (400)" not in page
    assert (
        escape(_in(language, FIELDS_REFUSED, most=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)) in page
    )
    assert re.search(r'<a [^>]*href="http://testserver/orders/"', page)


@pytest.mark.parametrize("debug", [False, True])
def test_a_visitors_address_with_too_many_parameters_gets_the_400_page_with_debug_on_too(
    client, db, settings, debug
):
    """`make run` has DEBUG on, where Django's debug page for the refusal reads the query
    again and fails in turn: a 500 for what is a 400 with DEBUG off."""
    settings.DEBUG = debug
    client.cookies["django_language"] = "en"
    query = urlencode([("q", "x")] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = client.get(f"/public/?{query}")

    assert response.status_code == 400
    page = response.content.decode()
    assert escape(_in("en", FIELDS_REFUSED, most=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)) in page


@pytest.fixture
def api_key(db) -> str:
    return api_client_create(name="12345 热线")[1]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_api_answers_too_many_query_parameters_with_its_json_400(client, api_key, language):
    query = urlencode([("status", "assigned")] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = client.get(
        f"/api/v1/hotline/work-orders/?{query}",
        HTTP_AUTHORIZATION=f"Bearer {api_key}",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    most = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert response.json() == {
        "error": {"code": "too_many_fields", "message": _in(language, FIELDS_REFUSED, most=most)}
    }


def test_the_api_answers_a_body_larger_than_django_reads_with_its_json_413(
    client, api_key, settings
):
    """The API's own limit (API_MAX_BODY_KB) is normally the smaller; set above Django's,
    the body reached Django's limit and got a 400 "malformed"."""
    settings.API_MAX_BODY_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE * 2
    body = json.dumps({"hotline_id": "TJ-1", "content": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})

    response = client.post(
        "/api/v1/hotline/work-orders/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_key}",
    )

    assert response.status_code == 413
    assert response.json() == {"error": {"code": "payload_too_large", "message": "请求内容过大。"}}
    assert not WorkOrder.objects.exists()


def test_a_host_not_served_here_gets_the_400_page_linking_home(client, db):
    response = client.get(
        "/orders/", HTTP_HOST="elsewhere.example", headers={"referer": "http://elsewhere.example/"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert escape(_in("zh-hans", "The request could not be read; nothing was done.")) in page
    assert re.search(r'<a [^>]*href="/"', page)


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "headers",
    [
        {"CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-16"},
        {"CONTENT_TYPE": "application/x-www-form-urlencoded; charset=latin-1"},
        {"CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": "abc"},
    ],
)
def test_a_form_body_that_cannot_be_read_gets_the_400_page_with_debug_on_too(
    client, db, settings, debug, headers
):
    """A form in a charset other than UTF-8, or a Content-Length that is no number: with
    DEBUG on (`make run`), Django's debug page read the form again and failed in turn, a 500
    to a visitor who was not even signed in."""
    settings.DEBUG = debug
    client.cookies["django_language"] = "en"

    response = client.generic("POST", "/accounts/login/", b"a=b", **headers)

    assert response.status_code == 400
    page = response.content.decode()
    assert escape(_in("en", "The request could not be read; nothing was done.")) in page


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"path": "/public/", "HTTP_HOST": "elsewhere.example"},
        {"path": "/public/?" + "&".join(["a=1"] * 1001)},
        {
            "path": "/accounts/login/",
            "method": "POST",
            "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-16",
        },
    ],
)
def test_the_pages_of_refusals_made_before_any_view_may_not_be_framed(client, db, request_kwargs):
    """Refused by middleware that ran before Django's clickjacking middleware, these pages
    went out without X-Frame-Options."""
    kwargs = dict(request_kwargs)
    path, method = kwargs.pop("path"), kwargs.pop("method", "GET")

    response = client.generic(method, path, b"a=b" if method == "POST" else b"", **kwargs)

    assert response.status_code == 400
    assert response["X-Frame-Options"] == "DENY"


def test_the_debug_page_hides_the_connection_urls_of_the_environment(rf, settings):
    """Under runserver the request's META holds the process environment: a bad Host header
    showed DATABASE_URL with its password on Django's debug page."""
    from django.views.debug import get_default_exception_reporter_filter

    request = rf.get("/", DATABASE_URL="postgres://u:pw@db/x", REDIS_URL="redis://:pw@r/0")
    meta = get_default_exception_reporter_filter().get_safe_request_meta(request)

    assert "pw" not in meta["DATABASE_URL"] and "pw" not in meta["REDIS_URL"]
    assert meta["PATH_INFO"] == "/"
