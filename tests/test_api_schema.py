"""Schemathesis drives every API endpoint with generated input, valid and not: no answer may
be a 500, and every answer must match the published schema."""

import html
import json
import os
import re

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.utils import translation
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
    """README: every field of the contract is described in Chinese and English; a field with
    no description at all (an error's `error`, a page's `results`) showed a blank in
    Swagger UI and a bare name in a generated client. The portal's lists too: a page there
    is the same shape."""
    document = client.get("/api/v1/schema/?format=json").json()
    undescribed = [
        f"{name}.{field}: {node.get('description', '')!r}"
        for name, component in document["components"]["schemas"].items()
        for field, node in component.get("properties", {}).items()
        if not re.search(r"[\u4e00-\u9fff]", node.get("description", ""))
        or not re.search(r"[A-Za-z]{2}", node.get("description", ""))
    ]
    assert undescribed == [], "\n".join(undescribed)
    # The portal's lists too, their parameters and answers; and each value of an enum
    # (drf-spectacular lists them in the schema's language only), in either language.
    english = client.get("/api/v1/schema/?format=json&lang=en").json()
    lists = {
        language: {
            path: node["description"]
            for path, node in _walk(schema)
            if "* `" in node.get("description", "")
        }
        for language, schema in (("zh-hans", document), ("en", english))
    }
    # The same in either: "Accepted" is 已接收 of a lead, but 已采纳 of other records.
    assert lists["zh-hans"] == lists["en"] and len(lists["en"]) > 10
    for path, node in [*_walk(document), *_walk(english)]:
        for key in ("summary", "description"):
            text = node.get(key)
            if not isinstance(text, str):
                continue
            for line in [text, *(x for x in text.split("\n") if x.startswith("* `"))]:
                label = line.split("` - ", 1)[-1]
                assert re.search(r"[\u4e00-\u9fff]", label), (path, key, line)
                assert re.search(r"[A-Za-z]{2}", label), (path, key, line)


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


def test_every_operation_documents_the_406_it_answers_to_an_accept_without_json(client, db):
    _client, key, _secret = api_client_create(name="12345 热线")
    document = client.get("/api/v1/schema/?format=json").json()
    operations = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) >= 10
    for path, method, operation in operations:
        documented = operation["responses"].get("406")
        assert documented, (path, method)
        assert documented["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
        url = re.sub(r"\{[^}]+\}", "H-1", path)
        answered = getattr(client, method)(
            url,
            data={} if method == "post" else None,
            content_type="application/json",
            HTTP_ACCEPT="text/html",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        assert answered.status_code == 406, (path, method, answered.status_code)
        assert answered.json()["error"]["code"] == "not_acceptable"


def test_the_intakes_two_successes_say_which_is_a_new_order_and_which_a_retry(client, db):
    """Both answer with the order; the response table is where a developer looks for the
    difference, so it must not be two blank rows."""
    document = client.get("/api/v1/schema/?format=json").json()
    responses = document["paths"]["/api/v1/hotline/work-orders/"]["post"]["responses"]
    created, retried = responses["201"]["description"], responses["200"]["description"]
    for text in (created, retried):
        assert re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[A-Za-z]{2}", text), text
    assert "new" in created and "retry" in retried and "nothing new" in retried


SCHEMA = "/api/v1/schema/"


def refusal_message(response, code: str, *, not_acceptable: str, formats: str) -> str:
    """The message a refusal of the schema or docs view should carry, in the active
    language; the 406 and the formats an unknown `?format=` is told of differ between the
    two views."""
    gettext = translation.gettext
    asked = response.request["QUERY_STRING"].partition("format=")[2].partition("&")[0]
    unknown_format = gettext(
        "There is no “%(format)s” format here; the formats available are: %(formats)s."
    ) % {"format": asked, "formats": formats}
    return {
        "method_not_allowed": gettext(
            "This method (%(method)s) is not allowed here; allowed: %(allowed)s."
        )
        % {"method": response.request["REQUEST_METHOD"], "allowed": response.get("Allow")},
        "not_found": unknown_format,
        "not_acceptable": not_acceptable,
        "invalid": gettext("Some fields are not valid; see fields."),
    }[code]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("method", "query", "accept", "status", "code"),
    [
        ("post", "", "*/*", 405, "method_not_allowed"),
        ("delete", "", "*/*", 405, "method_not_allowed"),
        ("get", "?format=xml", "*/*", 404, "not_found"),
        ("post", "?format=json", "*/*", 405, "method_not_allowed"),
        ("get", "", "text/html", 406, "not_acceptable"),
        ("get", "?lang=fr", "*/*", 400, "invalid"),
        ("get", "?lang=xx&format=json", "*/*", 400, "invalid"),
    ],
)
def test_the_schema_view_refuses_in_the_apis_json_error_shape_and_the_users_language(
    client, db, language, method, query, accept, status, code
):
    """The schema view renders with drf-spectacular's YAML renderer first, and DRF renders
    an error with the renderer it negotiated (or the first): a client got `error:\\n  code:`
    in YAML, served as application/vnd.oai.openapi. A `lang` the portal has no catalogue
    for was not refused: `fr` gave a schema half in French (DRF's strings), half Chinese."""
    response = getattr(client, method)(
        SCHEMA + query, HTTP_ACCEPT=accept, HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    error = json.loads(response.content)["error"]
    assert error["code"] == code
    with translation.override(language):
        gettext = translation.gettext
        expected = refusal_message(
            response,
            code,
            not_acceptable=gettext(
                "The schema comes as YAML (application/vnd.oai.openapi) or JSON "
                "(application/json): accept one of them."
            ),
            formats="yaml, json",
        )
        if code == "invalid":
            lang = query.split("lang=")[1].split("&")[0]
            assert error["fields"] == {
                "lang": [
                    gettext(
                        "The schema is not available in “%(lang)s”; choose one of: %(languages)s."
                    )
                    % {"lang": lang, "languages": "zh-hans, en"}
                ]
            }
    assert error["message"] == expected


def test_too_many_query_parameters_are_refused_in_json_with_debug_on_too(client, db, settings):
    """The view reads `lang` before DRF's own handling starts; reading the query string
    raised there, and with DEBUG on (`make run`) the answer was Django's HTML page."""
    settings.DEBUG = True
    query = "&".join(f"p{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"{SCHEMA}?lang=en&{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "too_many_fields"


def test_lang_names_the_language_of_the_schema_and_of_its_errors(client, db):
    refused = client.post(SCHEMA + "?lang=en-gb", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused["Content-Type"] == "application/json"
    with translation.override("en"):
        assert refused.json()["error"]["message"] == translation.gettext(
            "This method (%(method)s) is not allowed here; allowed: %(allowed)s."
        ) % {"method": "POST", "allowed": refused["Allow"]}
    english = client.get(SCHEMA + "?lang=en-gb&format=json").content.decode()
    chinese = client.get(SCHEMA + "?format=json").content.decode()
    title = "English name"  # a unit's field, as the model names it in each language
    with translation.override("zh-hans"):
        assert json.dumps(translation.gettext(title), ensure_ascii=False) in chinese
        assert translation.gettext(title) != title
    assert json.dumps(title) in english


@pytest.mark.parametrize(
    ("query", "accept", "media_type"),
    [
        ("", "*/*", "application/vnd.oai.openapi; charset=utf-8"),
        ("", "application/yaml", "application/yaml; charset=utf-8"),
        ("?format=json", "*/*", "application/vnd.oai.openapi+json"),
        ("", "application/json", "application/json"),
        ("?lang=en", "*/*", "application/vnd.oai.openapi; charset=utf-8"),
    ],
)
def test_the_schema_itself_is_yaml_unless_json_is_asked_for(client, db, query, accept, media_type):
    response = client.get(SCHEMA + query, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    if "json" in media_type:
        assert json.loads(response.content)["openapi"].startswith("3.0")
    else:
        assert response.content.startswith(b"openapi: 3.0")


DOCS = "/api/v1/docs/"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("method", "query", "accept", "status", "code"),
    [
        ("post", "", "*/*", 405, "method_not_allowed"),
        ("delete", "", "text/html", 405, "method_not_allowed"),
        ("get", "?format=json", "*/*", 404, "not_found"),
        ("get", "", "application/json", 406, "not_acceptable"),
        ("get", "", "application/xml", 406, "not_acceptable"),
    ],
)
def test_the_docs_page_refuses_in_the_apis_json_error_shape_and_the_users_language(
    client, db, language, method, query, accept, status, code
):
    """The Swagger page rendered its refusals with its only renderer, or Django's: a POST
    got `405 Method Not Allowed` as text/html, an Accept of JSON `406 Not Acceptable`, and
    `?format=json` the portal's HTML 404 page, where every other /api/ address answers
    `{"error": ...}` in the reader's language."""
    response = getattr(client, method)(
        DOCS + query, HTTP_ACCEPT=accept, HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    error = json.loads(response.content)["error"]
    assert error["code"] == code
    with translation.override(language):
        expected = refusal_message(
            response,
            code,
            not_acceptable=translation.gettext(
                "The documentation is a web page (text/html): accept it, or read the schema "
                "at %(schema)s."
            )
            % {"schema": SCHEMA},
            formats="html",
        )
    assert error["message"] == expected


def test_lang_names_the_language_of_the_docs_pages_refusals(client, db):
    refused = client.post(DOCS + "?lang=en", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 405
    with translation.override("en"):
        assert refused.json()["error"]["message"] == translation.gettext(
            "This method (%(method)s) is not allowed here; allowed: %(allowed)s."
        ) % {"method": "POST", "allowed": refused["Allow"]}
    assert refused["Content-Language"] == "en"


@pytest.mark.parametrize("address", [SCHEMA, DOCS])
@pytest.mark.parametrize("accept", ["*/*", "application/json"])
def test_options_on_the_schema_and_the_docs_answers_in_json_as_the_rest_of_the_api(
    client, db, address, accept
):
    """OPTIONS was answered with the view's first renderer: the schema's in YAML, and the
    docs page's with a template it has none for, a 500."""
    response = client.options(address, HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    described = response.json()
    assert described["schema"] == f"http://testserver{SCHEMA}"
    assert described["parses"] == ["application/json"]
    served = client.get(address, HTTP_ACCEPT=described["renders"][0])
    assert served.status_code == 200


def test_options_with_an_accept_it_cannot_serve_is_refused_as_the_rest_of_the_api(client, db):
    response = client.options(DOCS, HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    with translation.override("en"):
        assert response.json()["error"] == {
            "code": "not_acceptable",
            "message": translation.gettext(
                "The API answers in JSON only: accept application/json."
            ),
        }


def test_the_docs_page_itself_is_html_from_the_portals_own_static_files(client, db):
    response = client.get(DOCS, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    script = page_script(client, page)
    assert script["Content-Type"] == "application/javascript"
    assert SCHEMA in script.content.decode()


def page_script(client, page: str):
    """The answer to the docs page's own starting script, served from the page's address with
    `?script` (not inline: the content security policy runs no inline script)."""
    (address,) = re.findall(r'<script src="(/api/v1/docs/[^"]*)"', page)
    response = client.get(html.unescape(address), HTTP_ACCEPT="*/*")
    assert response.status_code == 200
    return response


def embedded_schema_url(client, page: str) -> str:
    """The schema address the Swagger page's script asks for (escaped with `escapejs`)."""
    script = page_script(client, page).content.decode()
    (escaped,) = re.findall(r'^\s*url: "(.*)",$', script, flags=re.MULTILINE)
    return json.loads(f'"{escaped}"')


@pytest.mark.parametrize("lang", ["zh-hans", "en", "en-gb"])
def test_the_schema_the_docs_page_asks_for_is_served_in_the_language_it_names(client, db, lang):
    page = client.get(f"{DOCS}?lang={lang}", HTTP_ACCEPT="text/html")
    assert page.status_code == 200

    url = embedded_schema_url(client, page.content.decode())

    assert url == f"{SCHEMA}?lang={lang}"
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("lang", "browser", "lang_attribute", "body_label"),
    [
        ("zh-hans", "en", "zh-hans", "请求体"),
        ("en", "zh-hans", "en", "Request body"),
        ("", "en", "en", "Request body"),
        ("", "zh-hans", "zh-hans", "请求体"),
    ],
)
def test_the_docs_page_is_written_in_the_language_its_lang_names_not_the_browsers(
    client, db, lang, browser, lang_attribute, body_label
):
    """The page's own words (the names js/swagger-a11y.js gives to Swagger UI's controls)
    came in the browser's language under `<html lang>` naming `lang`'s: the page was
    rendered after the language `lang` names was let go."""
    query = f"?lang={lang}" if lang else ""
    page = client.get(f"{DOCS}{query}", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE=browser)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<html lang="{lang_attribute}">' in html
    assert f'data-body-label="{body_label}"' in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("lang", ["fr", "xx"])
def test_the_docs_page_refuses_a_language_it_has_no_schema_in_as_the_schema_does(
    client, db, language, lang
):
    """The page forwarded any `lang` to the schema it embeds: `?lang=fr` served the page,
    whose own request for the schema then got a 400, and the reader an empty page. It now
    answers as the schema does: the API's JSON 400 naming the languages it has."""
    response = client.get(
        f"{DOCS}?lang={lang}", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    with translation.override(language):
        gettext = translation.gettext
        assert error == {
            "code": "invalid",
            "message": gettext("Some fields are not valid; see fields."),
            "fields": {
                "lang": [
                    gettext(
                        "The documentation is not available in “%(lang)s”; choose one of: "
                        "%(languages)s."
                    )
                    % {"lang": lang, "languages": "zh-hans, en"}
                ]
            },
        }
    assert client.get(f"{SCHEMA}?lang={lang}").status_code == 400  # the same answer


def test_the_schema_validates_with_no_warning_as_drf_spectacular_checks_it(db, tmp_path):
    # What `manage.py spectacular --validate --fail-on-warn` runs: a warning (a field whose
    # type it had to guess, two components with one name) fails it, as an error does.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").read_text(encoding="utf-8").startswith("openapi: 3.0")
