"""The campaign pages at a desk and on a phone. The list's filters: at 1366 px the status
and topic choices are as wide as their options and sit on one line with their button, as the
other lists' filters do (they stretched the page's whole width, one under the other); at
390 px they stay inside the screen. A campaign's page: a participating unit with a long
name stays inside its card on a phone, and at a desk its sums show every column without
scrolling sideways."""

import pytest

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS

SIZES = {"desk": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}

FILTERS = """() => {
  const form = document.querySelector("#campaign-filters");
  const box = (el) => el.getBoundingClientRect();
  const parts = [...form.querySelectorAll("select, button")].map(box);
  return {
    formWidth: box(form).width,
    widths: parts.slice(0, 2).map((r) => Math.round(r.width)),
    rows: new Set(parts.map((r) => Math.round(r.top))).size,
    inScreen: parts.every((r) => r.left >= 0 && r.right <= document.documentElement.clientWidth),
    pageFits: document.scrollingElement.scrollWidth <= document.documentElement.clientWidth,
  };
}"""


@pytest.fixture
def browser(module_browser, transactional_db, live_server):
    """The module's one Chromium; what a test opened in it is closed after it."""
    UserFactory(username="office_filters", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    yield module_browser
    for context in module_browser.contexts:
        context.close()


def test_the_filters_are_as_wide_as_their_options(browser, live_server):
    for language in ("zh-hans", "en"):
        for size, viewport in SIZES.items():
            page = signed_in(
                browser,
                live_server,
                "office_filters",
                at="/campaigns/",
                language=language,
                viewport=viewport,
            )
            seen = page.evaluate(FILTERS)
            where = f"{language} {size}: {seen}"
            assert seen["inScreen"] and seen["pageFits"], where
            if size == "desk":
                assert seen["rows"] == 1, where
                assert all(width < 320 for width in seen["widths"]), where
            page.context.close()


UNITS = """() => {
  const units = document.querySelector("#campaign-units");
  const card = units.closest(".card").getBoundingClientRect();
  return {
    inCard: [...units.querySelectorAll(".badge")].every(
      (b) => b.getBoundingClientRect().right <= card.right
    ),
    pageFits: document.scrollingElement.scrollWidth <= document.documentElement.clientWidth,
  };
}"""

SUMS = """() => {
  const table = document.querySelector("#campaign-sums");
  return table.scrollWidth <= table.closest(".table-responsive").clientWidth;
}"""


def test_long_unit_names_stay_inside_the_campaigns_cards(browser, live_server):
    from datetime import timedelta

    from django.utils import timezone

    from departments.models import User
    from reports import campaigns

    today = timezone.localdate()
    campaign = campaigns.campaign_start(
        acting_user=User.objects.get(username="office_filters"),
        title="家用电器质量专项整治",
        topic="household_appliances",
        goal="排查家电销售企业",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=30),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("publicity").id, unit("housing").id],
        targets="",
        keywords="",
    )
    for language in ("zh-hans", "en"):
        for size, viewport in SIZES.items():
            page = signed_in(
                browser,
                live_server,
                "office_filters",
                at=f"/campaigns/{campaign.id}/",
                language=language,
                viewport=viewport,
            )
            seen = page.evaluate(UNITS)
            assert seen == {"inCard": True, "pageFits": True}, f"{language} {size}"
            if size == "desk":
                # Every column of the sums is seen at once, none behind a sideways scroll.
                assert page.evaluate(SUMS), f"{language} {size}"
            page.context.close()
