"""The content security policy: every answer carries it, and no page needs what it refuses.

The policy (settings.CONTENT_SECURITY_POLICY) lets a page run scripts and load styles, fonts
and images only from the portal's own address. A page that still had an inline script or
style element would be broken in the browser; the browser tests fail on any refusal
(tests/browser_kit.py), and this module reads the templates for the cases no browser test
opens."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize(
    "address",
    [
        "/accounts/login/",  # a page to everyone
        "/no-such-page/",  # the portal's 404 page
        "/api/v1/units/",  # the API's 401, JSON
        "/api/v1/docs/",  # Swagger UI
    ],
)
def test_every_answer_carries_the_policy(client, db, address):
    response = client.get(address, HTTP_ACCEPT="text/html,*/*;q=0.8")

    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src-elem"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    everything = [source for sources in directives.values() for source in sources]
    assert "'unsafe-eval'" not in everything
    # Nothing from another address: an intranet has no internet, and a page takes nothing out.
    assert {s for s in everything if not s.startswith("'")} <= {"data:"}


def test_a_signed_in_page_carries_the_policy_too(client, office_staff):
    client.force_login(office_staff)
    response = client.get("/dashboard/")

    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'"]


def served_templates() -> list[Path]:
    """The templates rendered as pages: not those WeasyPrint makes into PDFs (`pdf/`), which
    no browser reads."""
    return sorted(
        path for path in TEMPLATES.rglob("*.html") if "pdf" not in path.relative_to(TEMPLATES).parts
    )


def test_the_templates_are_read():
    names = {path.relative_to(TEMPLATES).as_posix() for path in served_templates()}
    assert {"base.html", "reports/dashboard.html", "drf_spectacular/swagger_ui.html"} <= names
    assert "reports/pdf/district_report.html" not in names


@pytest.mark.parametrize(
    "path", served_templates(), ids=lambda path: path.relative_to(TEMPLATES).as_posix()
)
def test_no_page_template_has_an_inline_script_style_element_or_handler(path):
    """Each would be refused by the policy: an inline script (`<script>` with no `src`, but a
    data block such as `json_script`'s), a `<style>` element, an `onclick=`-style attribute
    or a `javascript:` address."""
    text = path.read_text()
    inline_scripts = [
        tag
        for tag in SCRIPT_TAG.findall(text)
        if not re.search(r"\ssrc=", tag) and 'type="application/json"' not in tag
    ]
    assert inline_scripts == []
    assert STYLE_ELEMENT.findall(text) == []
    assert EVENT_ATTRIBUTE.findall(text) == []
    assert SCRIPT_URL.findall(text) == []


def test_the_header_is_the_settings_policy(client, db):
    header = client.get("/accounts/login/")["Content-Security-Policy"]

    assert header.split("; ") == [
        f"{directive} {' '.join(sources)}"
        for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
    ]


def test_a_page_with_debug_on_carries_it_too(client, db, settings):
    """Only Django's traceback page (a 500 with DEBUG on) goes without: its scripts are inline."""
    settings.DEBUG = True

    assert "Content-Security-Policy" in client.get("/no-such-page/")
