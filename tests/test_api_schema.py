"""Schemathesis drives every API endpoint with generated input, valid and not: no answer may
be a 500, and every answer must match the published schema."""

import os
import re

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from complaints.clients import api_client_create

pytestmark = pytest.mark.usefixtures("keep_the_test_connection")


KEYS: list[str] = []
"""The key of the current test's client, for the auth provider below."""


@pytest.fixture
def api_key(db):
    KEYS[:] = [api_client_create(name="schemathesis", rate_limit_per_minute=100_000)[1]]
    yield KEYS[0]
    KEYS.clear()


# The schema view needs no database, so the schema can be read while tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@schema.auth(refresh_interval=None)  # each test has its own client, so no caching
class ApiKey:
    """Schemathesis sets the key itself, so that it can also leave it out on purpose (a
    negative case must then be refused with 401), which a header forced on every call hid."""

    def get(self, case, context):
        return KEYS[0] if KEYS else None  # None while tests are collected

    def set(self, case, key, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {key}"}


@schema.parametrize()
@settings(
    max_examples=100,
    # The same examples on every CI run (a failure there is reproducible); fresh ones locally.
    derandomize=bool(os.environ.get("CI")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_every_generated_request_within_its_contract(case, api_key):
    # Excluded on purpose: "schema-valid input must be accepted". Business rules the schema
    # cannot express (a complaint needs the citizen's name or phone, nothing received in
    # the future, a known town code) rightly answer 400 with the field named.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def _walk(node, path=""):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}/{index}")


def test_the_schema_keeps_to_openapi_3_0_and_describes_bodies_for_clients(client, db):
    document = client.get("/api/v1/schema/?format=json").json()
    assert document["openapi"].startswith("3.0")
    for path, node in _walk(document):
        if "/properties/" in path or path.endswith("/schema") or "/schemas/" in path:
            assert not isinstance(node.get("type"), list), path  # a list of types is 3.1
    for name, component in document["components"]["schemas"].items():
        description = component.get("description", "")
        assert not description or re.search(r"[\u4e00-\u9fff]", description), name


def test_every_description_a_hotline_developer_reads_is_in_chinese_and_english(client, db):
    document = client.get("/api/v1/schema/?format=json").json()
    portal_only = ("/referrals/", "/disputes/", "Referral", "Dispute")  # for portal users
    for path, node in _walk(document):
        if any(part in path for part in portal_only):
            continue
        for key in ("summary", "description"):
            text = node.get(key)
            if isinstance(text, str) and text and not text.startswith("* `"):  # enum lists
                assert re.search(r"[\u4e00-\u9fff]", text), (path, key, text)
                assert re.search(r"[A-Za-z]{2}", text), (path, key, text)


def test_the_schema_names_what_a_client_must_handle(client, db):
    document = client.get("/api/v1/schema/?format=json").json()
    schemas = document["components"]["schemas"]
    candidate = schemas["RoutingPreviewOut"]["properties"]["candidates"]["items"]
    assert set(schemas[candidate["$ref"].rsplit("/", 1)[-1]]["properties"]) == {
        "unit",
        "rule",
        "score",
        "matched",
    }
    for text in (
        schemas["EventOut"]["properties"]["type"]["description"],
        schemas["CallbackOut"]["properties"]["event"]["description"],
    ):
        assert all(value in text for value in ("sign", "resolve", "reopen", "merge"))
    detail = document["paths"]["/api/v1/hotline/work-orders/{hotline_id}/"]["get"]
    (hotline_id,) = [p for p in detail["parameters"] if p["name"] == "hotline_id"]
    assert "hotline_id" in hotline_id["description"]
