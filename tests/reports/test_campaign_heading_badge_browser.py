"""The campaign page's "Linked work orders" heading is a kicker, its words in capitals in
English; the count beside it took the capitals too and read "0 ORDERS". The count reads as
written ("0 orders"), the heading's words keep their capitals."""

import pytest

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS

SEEN = """() => {
  const heading = document.querySelector("#linked-orders-heading");
  const badge = heading.querySelector(".badge");
  return {
    heading: getComputedStyle(heading).textTransform,
    badge: badge.innerText,
    written: badge.textContent,
  };
}"""


@pytest.fixture
def browser(transactional_db, live_server):
    UserFactory(username="office_badge", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    with chromium() as browser:
        yield browser


def test_the_count_beside_the_heading_reads_as_written(browser, live_server):
    from datetime import timedelta

    from django.utils import timezone

    from departments.models import User
    from reports import campaigns

    today = timezone.localdate()
    campaign = campaigns.campaign_start(
        acting_user=User.objects.get(username="office_badge"),
        title="家用电器质量专项整治",
        topic="household_appliances",
        goal="排查家电销售企业",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=30),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("housing").id],
        targets="",
        keywords="",
    )
    page = signed_in(
        browser, live_server, "office_badge", at=f"/campaigns/{campaign.id}/", language="en"
    )
    page.wait_for_selector("#linked-orders-heading")
    seen = page.evaluate(SEEN)
    assert seen == {"heading": "uppercase", "badge": "0 orders", "written": "0 orders"}
