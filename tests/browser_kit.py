"""What the journeys in a real Chromium share: the marks, the browser, signing in.

The live server answers on threads that outlive a request (HTTP keep-alive); with
persistent connections they would leave sessions open on the test database, so every
journey runs with `no_persistent_connections` (tests/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.test_browser import CHROMIUM, LAUNCH_ARGS, close_loop_connections

BROWSER_MARKS = [
    pytest.mark.browser,
    # The live server needs committed data; restore the migrations' reference data afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_persistent_connections"),
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
]


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium through Playwright. The ORM is called from the test while
    Playwright's event loop runs, which Django would otherwise refuse.

    While that loop runs in this thread, Django looks the thread's database connections up
    apart from those it had before (asgiref's storage for async code): the test would have
    had a second connection, which pytest-django's teardown does not see, and fixtures made
    after the browser started (a module's one Chromium) would have written through it. The
    loop is handed the thread's own connections, so there is one of each, whenever the
    browser started."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    held = {alias: connections[alias] for alias in connections}
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, connection in held.items():
                connections[alias] = connection
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            try:
                yield PolicyWatchedBrowser(browser)
            finally:
                close_loop_connections()
                browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


POLICY_REFUSALS: list[str] = []
"""What Chromium refused under the content security policy in this process's browser tests,
since tests/conftest.py last looked: it fails the test during which one was refused."""

HEAR_REFUSALS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP refused " + event.violatedDirective + ": " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber);
}, true);
"""


def hear_policy_refusals(context) -> None:
    """Every page of a browser context reports what the policy refused, as the test runs."""
    context.add_init_script(HEAR_REFUSALS)
    context.on("console", _record_refusal)


def _record_refusal(message) -> None:
    if message.text.startswith("CSP refused "):
        POLICY_REFUSALS.append(f"{message.page.url if message.page else '?'}: {message.text}")


class PolicyWatchedBrowser:
    """Chromium (Playwright's Browser) whose every context reports what the content security
    policy refused: a page that works only with an inline script or style, or something
    from outside, fails its test wherever the page is opened."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def __getattr__(self, name: str):
        return getattr(self._browser, name)

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        hear_policy_refusals(context)
        return context

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        hear_policy_refusals(page.context)
        return page


def session_cookie(url: str, username: str) -> dict:
    """A new session of `username`, as signing in would start it, for a browser context on
    the server at `url`: the sign-in form is a journey of its own (tests/test_browser.py),
    and going through it cost each context two page loads."""
    from django.conf import settings
    from django.test import Client

    from departments.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": url}


def signed_in(browser, live_server, username: str, *, at: str = "", language: str = "", **context):
    """A new browser context (its own cookies) signed in as `username`, reading `language`
    if given, on the home page, or at the address `at` (one page load fewer for a test that
    starts there). `context` as Playwright's `new_context` takes it: a desk 1366×900
    unless it says otherwise. `live_server` is pytest-django's or a `SharedSite`."""
    options = {"viewport": {"width": 1366, "height": 900}, "accept_downloads": True, **context}
    browser_context = browser.new_context(**options)
    cookies = [session_cookie(live_server.url, username)]
    if language:
        cookies.append({"name": "django_language", "value": language, "url": live_server.url})
    browser_context.add_cookies(cookies)
    browser_context.add_init_script(RECORD_SUBMITS)
    page = browser_context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}{at or '/'}")
    # Not signed in, the page would be the sign-in form, without either.
    page.wait_for_selector("#user-menu" if at else "#my-unit-name")
    return page


# Registered before the page's own scripts, on the window, so it hears each form's submit
# after every handler of the page's document has had its say.
RECORD_SUBMITS = """
window.__submits = [];
window.addEventListener("submit", function (event) {
  window.__submits.push(!event.defaultPrevented);
});
"""


def forms_sent(page) -> list[bool]:
    """For each form submitted on the page since it loaded, whether the page let it go (a
    question declined holds it back; a form let go most often leaves the page, whose list
    then starts anew). Final once an action returns: the click, the question and the
    page's handlers ran in one task of the page, before this reading began, so a test need
    not wait a while to see that nothing was sent."""
    return page.evaluate("window.__submits")


class SharedSite:
    """A live server over data committed once for a module, for journeys that only look:
    loading the demo for each of them, and emptying every table after each, took most of
    their time. `url` as the live server's; `data` what the module loaded."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.data: dict = {}

    def session_cookie(self, username: str) -> dict:
        """A new session of `username` for a browser context (see `session_cookie`)."""
        return session_cookie(self.url, username)


@contextmanager
def shared_site(blocker, **settings_overrides) -> Iterator[SharedSite]:
    """A live server for a module whose tests read committed data and change none: the
    caller loads it, the database open to it and its tests for the module's length (no
    transaction per test: nothing a test wrote would be undone). At the end
    every table is emptied and the migrations' reference data put back, as after a
    committing test, so the tests that follow on this worker start from the same state."""
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    from tests.conftest import drop_order_number_sequences, put_back_reference_data

    with blocker.unblock():
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    overrides = override_settings(**settings_overrides)
    overrides.enable()
    # The server's threads outlive a request (keep-alive): no connection may outlive it.
    conn_max_age = connections.settings["default"].get("CONN_MAX_AGE")
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    try:
        # The server's threads reach the database whenever a page asks, test or not.
        with blocker.unblock():
            yield SharedSite(server.url)
    finally:
        server._live_server_modified_settings.disable()
        server.stop()
        connections.settings["default"]["CONN_MAX_AGE"] = conn_max_age
        with blocker.unblock():
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                inhibit_post_migrate=True,
                reset_sequences=False,  # see put_back_reference_data
            )
            put_back_reference_data(connection)
            drop_order_number_sequences(connection)
        overrides.disable()
