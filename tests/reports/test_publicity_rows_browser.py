"""A quarterly report's publicity rows on a 1366px laptop: the title field was a few
characters wide (about 110px), narrower than the date beside it, which took its own width
first. The title is now the widest field of the row, the outlet next. The kind's box, about
70px, showed its chosen name cut to "网络" or "Onl", and 12000 people read "1200": each kind
and six figures now read whole."""

import pytest

from departments.choices import RoleCode
from reports import services
from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_title_is_the_widest_field_of_a_publicity_row(live_server, transactional_db, language):
    liaison = UserFactory(
        username="mr_publicity", unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON]
    )
    report = services.report_start(unit=liaison.unit, year=2026, quarter=3, acting_user=liaison)
    with chromium() as browser:
        page = signed_in(
            browser, live_server, "mr_publicity", at=f"/reports/{report.id}/", language=language
        )
        widths = page.evaluate(
            """() => [...document.querySelectorAll('#publicity-table tbody tr:first-child td')]
                   .map(td => td.getBoundingClientRect().width)"""
        )
        kind_box = page.locator("#publicity-table select").first
        cut = []
        for value in ("media", "event", "online"):
            kind_box.select_option(value)
            # The chosen name's width in the box's font against the room left by its padding.
            room, needed, name = kind_box.evaluate(
                """box => {
                    const style = getComputedStyle(box);
                    const pen = document.createElement("canvas").getContext("2d");
                    pen.font = style.font;
                    const name = box.options[box.selectedIndex].text;
                    const room = box.clientWidth - parseFloat(style.paddingLeft)
                        - parseFloat(style.paddingRight);
                    return [room, pen.measureText(name).width, name];
                }"""
            )
            if needed > room:
                cut.append((name, round(needed), round(room)))
        people_box = page.locator("#publicity-table input[name$='people_reached']").first
        people_box.fill("120000")
        shown, whole = people_box.evaluate("box => [box.clientWidth, box.scrollWidth]")
    assert cut == []
    assert whole <= shown, "120000 people read as fewer"
    kind, date, title, outlet, people, _remove = widths
    assert title == max(widths) and title > date, widths
    assert outlet > max(kind, people), widths
