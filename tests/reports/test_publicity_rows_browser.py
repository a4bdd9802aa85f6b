"""A quarterly report's publicity rows on a 1366px laptop: the title field was a few
characters wide (about 110px), narrower than the date beside it, which took its own width
first. The title is now the widest field of the row, the outlet next."""

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
    kind, date, title, outlet, people, _remove = widths
    assert title == max(widths) and title > date, widths
    assert outlet > max(kind, people), widths
