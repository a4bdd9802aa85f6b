"""A form that asks first (`data-confirm`, returning an order) with a required field
holding only spaces: the browser's own check stops it at the field, as it does an empty
one, instead of asking the question and sending a post the server can only refuse. A
field with anything else in it is left as typed."""

import pytest

from complaints.choices import Status
from complaints.models import WorkOrder
from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS


@pytest.fixture
def order(transactional_db):
    office = UserFactory(username="b_office", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    UserFactory(username="b_commerce", unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    return make_order(office, unit_code="commerce")


def test_a_reason_of_spaces_is_stopped_by_the_browser_before_the_question(live_server, order):
    with chromium() as browser:
        page = signed_in(browser, live_server, "b_commerce", at=f"/orders/{order.number}/")
        asked = []

        def decline(dialog):
            asked.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", decline)
        page.click("#summary-return")
        reason = page.locator("#return-reason")
        reason.fill(" \u3000 \n ")
        page.click("#action-return")
        assert reason.input_value() == ""
        assert reason.evaluate("field => field.validity.valueMissing")
        assert reason.evaluate("field => field.validationMessage")
        assert asked == []

        reason.fill("  不属本局  ")
        page.click("#action-return")
        assert len(asked) == 1  # asked, and declined: nothing sent
        assert reason.input_value() == "  不属本局  "
        assert WorkOrder.objects.get(id=order.id).status == Status.ASSIGNED
