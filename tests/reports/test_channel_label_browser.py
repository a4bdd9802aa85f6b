"""A unit's quarterly report names the channels its work orders came by, in the reader's
language and each on one line, at a desk and on a phone."""

import pytest

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS

SIZES = {"desk": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

# The channel's row in the report's "By channel" table: its name, how many lines it takes,
# and whether the table stays inside its card and the page inside the screen.
CHANNEL_ROW = """(channel) => {
  const table = document.querySelector("#portal-by-channel");
  const name = table.querySelector(`tr[data-channel="${channel}"] th`);
  const range = document.createRange();
  range.selectNodeContents(name);
  const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
  const card = table.closest(".card").getBoundingClientRect();
  return {
    text: name.innerText.trim(),
    lines: tops.size,
    inCard: table.getBoundingClientRect().right <= card.right,
    pageFits: document.scrollingElement.scrollWidth <= document.documentElement.clientWidth,
  };
}"""


@pytest.fixture
def report(transactional_db):
    """The Market Regulation Bureau's report for this quarter, started by its liaison in
    Chinese, as the portal is used: the figures are worked out then and kept."""
    from django.utils import timezone, translation

    from reports import services

    office = UserFactory(username="office_channels", unit=unit("office"), roles=["office_staff"])
    liaison = UserFactory(
        username="mr_channels", unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON]
    )
    make_order(office, channel="12315")
    make_order(office, channel="12345")
    today = timezone.localdate()
    with translation.override("zh-hans"):
        return services.report_start(
            unit=unit("market-regulation"),
            year=today.year,
            quarter=(today.month - 1) // 3 + 1,
            acting_user=liaison,
        )


@pytest.fixture
def browser(report, live_server):
    with chromium() as browser:
        yield browser


def test_the_12315_platform_is_named_in_the_readers_language_on_one_line(
    browser, live_server, report
):
    """The figures keep the channels' names in the language they were worked out in: an
    English reader saw "12315平台", broken after "12315平" in the narrow first column
    the English headings left it beside the table by hotline category."""
    from django.utils import translation

    for language in ("zh-hans", "en"):
        for size, viewport in SIZES.items():
            page = signed_in(
                browser,
                live_server,
                "mr_channels",
                at=f"/reports/{report.id}/",
                language=language,
                viewport=viewport,
            )
            with translation.override(language):
                expected = {
                    "12315": translation.gettext("12315 platform"),
                    "12345": translation.gettext("12345 hotline"),
                }
            for channel, name in expected.items():
                seen = page.evaluate(CHANNEL_ROW, channel)
                assert seen == {"text": name, "lines": 1, "inCard": True, "pageFits": True}, (
                    f"{language} {size} {channel}"
                )
            page.context.close()
