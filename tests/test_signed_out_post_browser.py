"""What a form carried when its post was not taken for want of a sign-in is kept in the
tab and filled in again on its page once signed in again (static/js/portal.js), in a real
Chromium, through the real sign-in form."""

import pytest

from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.conftest import PASSWORD
from tests.factories import make_order

pytestmark = BROWSER_MARKS

REASON = "经核实，该投诉涉及物业服务收费，不属于本局职责，应由区住房建设委办理。"
KEPT = "sessionStorage.getItem('portal-unsent-post')"


@pytest.fixture
def order(office_staff, mr_staff, housing_staff):
    return make_order(office_staff)


def _return_typed_then_signed_out(page, order) -> None:
    """The return form filled in, the sign-in ended meanwhile, the form sent."""
    page.on("dialog", lambda dialog: dialog.accept())  # "Return order ...?"
    page.click("#summary-return")
    page.fill("#return-reason", REASON)
    context = page.context
    kept = [c for c in context.cookies() if c["name"] != "sessionid"]
    context.clear_cookies()
    context.add_cookies(kept)
    page.click(f"form[action='/orders/{order.number}/act/return/'] button")
    page.wait_for_selector("#unsent-kept:not([hidden])")


def _sign_in(page, username: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")


def test_a_reason_sent_after_the_sign_in_ended_is_filled_in_again_once_signed_in(
    module_browser, live_server, order
):
    page = signed_in(module_browser, live_server, "mr_staff1", at=f"/orders/{order.number}/")
    try:
        _return_typed_then_signed_out(page, order)
        _sign_in(page, "mr_staff1")

        page.wait_for_selector("#unsent-restored")
        assert page.url == f"{live_server.url}/orders/{order.number}/"
        assert page.input_value("#return-reason") == REASON
        assert page.is_visible("#return-reason")
        assert "未保存" in page.inner_text("#unsent-restored")
        assert page.evaluate(KEPT) is None
        waiting = order.status
        order.refresh_from_db()
        assert order.status == waiting  # nothing was sent twice meanwhile
    finally:
        page.context.close()


def test_what_was_kept_is_not_shown_to_another_person_signing_in_in_that_tab(
    module_browser, live_server, order
):
    page = signed_in(module_browser, live_server, "mr_staff1", at=f"/orders/{order.number}/")
    try:
        _return_typed_then_signed_out(page, order)
        _sign_in(page, "housing1")

        page.wait_for_selector("#user-menu")
        assert page.query_selector("#unsent-restored") is None
        assert REASON not in page.content()
    finally:
        page.context.close()


def test_a_post_that_was_answered_is_not_kept(module_browser, live_server, order):
    page = signed_in(module_browser, live_server, "mr_staff1", at=f"/orders/{order.number}/")
    try:
        page.on("dialog", lambda dialog: dialog.accept())
        page.click("#summary-return")
        page.fill("#return-reason", REASON)
        with page.expect_navigation():
            page.click(f"form[action='/orders/{order.number}/act/return/'] button")

        page.wait_for_selector("#user-menu")
        assert page.evaluate(KEPT) is None
        assert page.query_selector("#unsent-restored") is None
    finally:
        page.context.close()
