"""The public pages in a real Chromium as a citizen reads them: on a phone, where the menu
and the foot of the page must be readable and the hotlines callable, and printed, where a
release must still say where it came from."""

import pytest

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS
from tests.factories import UserFactory, unit

from .conftest import entry, published

pytestmark = BROWSER_MARKS


@pytest.fixture
def release(transactional_db):
    head = UserFactory(
        username="mr_citizen", unit=unit("market-regulation"), roles=[RoleCode.UNIT_HEAD]
    )
    office = UserFactory(
        username="office_citizen", unit=unit("office"), roles=[RoleCode.OFFICE_DIRECTOR]
    )
    return published(head, head, office, entries=[entry(exposure_until="2099-12-31")])


@pytest.fixture
def browser(module_browser, release, live_server):
    yield module_browser
    for context in module_browser.contexts:
        context.close()


def page_in(browser, live_server, language: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 844}, has_touch=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_on_a_phone_the_menu_is_one_line_and_the_foot_of_the_page_is_readable(
    browser, live_server, release, language
):
    """At 390px the menu wrapped its Atom and RSS links (for news readers, not citizens) onto
    a second line above every page, and the footer's 12.8px grey text was hard to read."""
    page = page_in(browser, live_server, language, 390)
    for address in ("/public/", f"/public/releases/{release.id}/", "/public/violators/"):
        page.goto(f"{live_server.url}{address}")
        tops = page.eval_on_selector_all(
            "nav[aria-label] .nav-link", "links => links.map(l => l.getBoundingClientRect().top)"
        )
        assert len(set(tops)) == 1, f"{language} {address}: the menu takes {len(set(tops))} lines"
        size = page.eval_on_selector(
            ".portal-footer", "f => parseFloat(getComputedStyle(f).fontSize)"
        )
        assert size >= 14, f"{language} {address}: the footer's text is {size}px"
        calls = page.eval_on_selector_all(
            "a[href^='tel:']", "links => links.map(l => l.getBoundingClientRect().height)"
        )
        assert calls and min(calls) >= 40, f"{language} {address}: hotlines {calls}"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_printed_release_says_where_it_came_from_without_the_sites_controls(
    browser, live_server, release, language
):
    """Printed, a release kept the menu, the feeds and "All releases", but lost the footer: the
    sheet did not say who published it or where it could be found."""
    page = page_in(browser, live_server, language, 1366)
    page.goto(f"{live_server.url}/public/releases/{release.id}/")
    page.emulate_media(media="print")
    for hidden in ("nav[aria-label]", "main > a[href='/public/']", "#language-switch"):
        assert not page.locator(hidden).is_visible(), f"{language}: {hidden} is printed"
    footer = page.locator(".portal-footer")
    assert footer.is_visible()
    text = footer.inner_text()
    assert f"/public/releases/{release.id}/" in text  # the page's address, to find it again
    assert "12315" in text
    page.goto(f"{live_server.url}/public/violators/")
    page.emulate_media(media="print")
    assert not page.locator("#violator-search").is_visible()
    assert page.locator(".portal-footer").is_visible()


def test_a_printed_list_of_violators_is_not_cut_off_at_the_edge_of_the_sheet(
    browser, live_server, release
):
    """Printed on A4 (which Chromium lays out about 940px wide) the violators table was cut
    off after its sixth column: it kept the screen's 720px container and its scrolling
    frame, and paper does not scroll."""
    for address in (f"/public/releases/{release.id}/", "/public/violators/"):
        page = page_in(browser, live_server, "en", 940)
        page.emulate_media(media="print")
        page.goto(f"{live_server.url}{address}")
        frame = page.eval_on_selector(
            "#violators-table",
            """t => { const f = t.parentElement;
                      return [t.getBoundingClientRect().right, f.getBoundingClientRect().right,
                              f.scrollWidth, f.clientWidth]; }""",
        )
        table_right, frame_right, scroll, shown = frame
        assert scroll <= shown and table_right <= frame_right + 1, f"{address}: {frame}"
        page.context.close()
