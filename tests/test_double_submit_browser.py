"""A double click on a form that posts sends it once (static/js/portal.js), in a real Chromium.

A listener on the window, which hears a submit after the portal's own, records whether each
submit went ahead and then stops it, so the page stays put and every click is seen."""

import pytest

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS

RECORD_SUBMITS = """() => {
    window.submits = [];
    window.addEventListener('submit', (event) => {
        window.submits.push(event.defaultPrevented ? 'stopped' : 'sent');
        event.preventDefault();
    });
}"""


@pytest.fixture
def office(transactional_db):
    return UserFactory(username="office_twice", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])


@pytest.fixture
def page(module_browser, office, live_server):
    """The new-order form filled in, in the module's one Chromium; closed after the test."""
    page = signed_in(module_browser, live_server, "office_twice", at="/orders/new/")
    page.fill("#id_content", "我家小区物业公司不作为，电梯坏了一个多月没人修")
    page.evaluate(RECORD_SUBMITS)
    yield page
    page.context.close()


def test_the_second_click_of_a_double_click_sends_nothing(page):
    page.dblclick("#intake-submit")
    page.click("#intake-submit")

    assert page.evaluate("window.submits") == ["sent", "stopped", "stopped"]


def test_a_post_the_page_itself_stopped_does_not_hold_the_next_one(page):
    page.evaluate(
        """() => document.querySelector('#intake-form').addEventListener(
            'submit', (event) => event.preventDefault(), {once: true})"""
    )

    page.click("#intake-submit")  # as a confirmation the user declined
    page.click("#intake-submit")

    assert page.evaluate("window.submits") == ["stopped", "sent"]
