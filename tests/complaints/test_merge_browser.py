"""Merging closes an order for good (it becomes part of the other one), so the "Merge into it"
button asks first; declined, nothing is sent. The question is the form's `data-confirm`, asked
by the page's script as every confirmation there is, which the page-language sweep reads."""

import pytest

from complaints.models import PossibleDuplicate, WorkOrder
from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, chromium, forms_sent, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS


@pytest.fixture
def duplicate_pair(transactional_db):
    office = UserFactory(
        username="office_merges", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF]
    )
    earlier = make_order(office, citizen_phone="13912340000")
    later = make_order(office, citizen_phone="13912340000")
    assert PossibleDuplicate.objects.filter(order=later, other=earlier).exists()
    return office, earlier, later


def test_merging_asks_first_and_declined_sends_nothing(live_server, duplicate_pair):
    office, earlier, later = duplicate_pair
    with chromium() as browser:
        page = signed_in(browser, live_server, office.username, at=f"/orders/{later.number}/")
        asked = []
        answer = {"accept": False}

        def reply(dialog):
            asked.append(dialog.message)
            dialog.accept() if answer["accept"] else dialog.dismiss()

        page.on("dialog", reply)
        merge = page.locator("form[action$='/act/merge/'] button")
        merge.click()
        assert len(asked) == 1 and asked[0]
        assert forms_sent(page) == [False]
        assert WorkOrder.objects.get(id=later.id).merged_into_id is None
        answer["accept"] = True
        with page.expect_navigation():
            merge.click()
        assert len(asked) == 2
        assert WorkOrder.objects.get(id=later.id).merged_into_id == earlier.id
