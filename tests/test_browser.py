"""A first minute in a real Chromium: sign in, read Chinese, switch to English, sign out."""

import os
import shutil

import pytest

from departments.choices import RoleCode

from .conftest import PASSWORD
from .factories import UserFactory, unit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; restore the migrations' reference data afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
]


def close_loop_connections() -> None:
    """While Playwright's event loop runs in this thread, Django keeps this thread's database
    connections apart from those it had before (asgiref's storage for async code), so what
    the test or a fixture opened meanwhile is closed here, before the loop stops: once it
    has, `connections.close_all()` no longer sees them, and the session they hold made the
    test database's teardown fail ("being accessed by other users")."""
    from django.db import connections

    connections.close_all()


@pytest.fixture
def page(transactional_db, live_server):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server's database
    # work happens in its own thread, so Django's async-safety check does not apply here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
        from .browser_kit import hear_policy_refusals  # it imports this module

        hear_policy_refusals(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        close_loop_connections()
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def liaison(transactional_db):
    # Made before the browser starts: Playwright runs an event loop in this thread, and a
    # database connection opened inside it would be invisible to the test database teardown.
    return UserFactory(
        username="mr_browser",
        name="周静",
        unit=unit("market-regulation"),
        roles=[RoleCode.UNIT_LIAISON],
    )


def test_a_unit_user_signs_in_reads_chinese_switches_to_english_and_signs_out(
    liaison, page, live_server
):
    page.goto(f"{live_server.url}/")
    page.wait_for_url("**/accounts/login/**")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("#id_username", liaison.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")

    page.wait_for_selector("#my-unit-name")
    assert page.inner_text("#my-unit-name") == "区市场监管局"
    assert "单位联络员" in page.inner_text("#my-roles")
    assert "单位名录" in page.inner_text("#portal-sidebar")

    page.click("#language-switch button[data-language='en']")
    page.wait_for_selector("html[lang='en']")
    assert page.inner_text("#my-unit-name") == "Market Regulation Bureau"
    assert "Unit liaison" in page.inner_text("#my-roles")

    page.click("#user-menu")
    page.click("#logout-button")
    page.wait_for_url("**/accounts/login/")
    assert page.locator("#login-submit").inner_text().strip() == "Sign in"
    page.goto(f"{live_server.url}/")
    page.wait_for_url("**/accounts/login/**")
