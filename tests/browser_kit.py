"""What the journeys in a real Chromium share: the marks, the browser, signing in.

The live server answers on threads that outlive a request (HTTP keep-alive); with
persistent connections they would leave sessions open on the test database, so every
journey runs with `no_persistent_connections` (tests/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.conftest import PASSWORD
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
    Playwright's event loop runs, which Django would otherwise refuse."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            try:
                yield browser
            finally:
                close_loop_connections()
                browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def signed_in(browser, live_server, username: str):
    """A new browser context (its own cookies) signed in as `username`."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#my-unit-name")
    return page
