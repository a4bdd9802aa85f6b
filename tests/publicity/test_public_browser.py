"""The public violators page in a real Chromium, as an anonymous visitor: search by business
name and by credit code; only the matching published entry still in its exposure period
shows; the page offers the language switch and no staff menu."""

import pytest

from departments.choices import RoleCode
from publicity import services
from publicity.choices import ReleaseKind
from tests.browser_kit import BROWSER_MARKS
from tests.factories import UserFactory, unit

from .conftest import CODE_A, CODE_B, CODE_C, entry, published

pytestmark = BROWSER_MARKS


@pytest.fixture
def lists(transactional_db):
    head = UserFactory(
        username="mr_public", unit=unit("market-regulation"), roles=[RoleCode.UNIT_HEAD]
    )
    office = UserFactory(
        username="office_public", unit=unit("office"), roles=[RoleCode.OFFICE_DIRECTOR]
    )
    release = published(
        head,
        head,
        office,
        entries=[
            entry(name="武清区某某商贸有限公司", code=CODE_A, exposure_until="2099-12-31"),
            entry(name="武清区好味道餐饮店", code=CODE_B, exposure_until="2099-12-31"),
            entry(name="武清区某某旧货商行", code=CODE_C, exposure_until="2026-11-15"),
        ],
    )
    services.release_create(
        acting_user=head,
        kind=ReleaseKind.VIOLATORS,
        title="草稿名单",
        body="草稿",
        entries=[entry(name="武清区某某草稿公司", code="91350100M000100Y43")],
    )
    return release


@pytest.fixture
def browser(module_browser, lists, live_server):
    """The module's one Chromium; what a test opened in it is closed after it."""
    yield module_browser
    for context in module_browser.contexts:
        context.close()


def test_an_anonymous_visitor_searches_the_violators_list(browser, live_server):
    journey(browser, live_server)


def shown(page) -> list[str]:
    return page.eval_on_selector_all(
        "#violators-table tbody tr[data-code]", "rows => rows.map(r => r.dataset.code)"
    )


def journey(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/public/violators/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.query_selector("#language-switch") is not None
    assert page.query_selector("#portal-sidebar") is None
    assert page.query_selector("#user-menu") is None
    # Published and in their period: the two; the expired one and the draft never.
    assert sorted(shown(page)) == sorted([CODE_A, CODE_B])
    assert "旧货商行" not in page.inner_text("#violators-table")
    assert "草稿公司" not in page.inner_text("#violators-table")

    page.fill("#q", "好味道")
    page.click("#search-button")
    page.wait_for_url("**/public/violators/?q=*")
    page.wait_for_function(
        "() => document.querySelectorAll('#violators-table tr[data-code]').length === 1"
    )
    assert shown(page) == [CODE_B]
    row = page.inner_text(f"#violators-table tr[data-code='{CODE_B}']")
    assert "武清区好味道餐饮店" in row and "区市场监管局" in row and "2099-12-31" in row

    page.fill("#q", CODE_C)  # expired: not found, even by its exact code
    page.click("#search-button")
    page.wait_for_selector("#no-violators")
    assert shown(page) == []

    page.fill("#q", CODE_A.lower())
    page.click("#search-button")
    page.wait_for_selector(f"#violators-table tr[data-code='{CODE_A}']")
    assert shown(page) == [CODE_A]

    # English through the switch, on the same search.
    page.click("#language-switch button[data-language='en']")
    page.wait_for_selector("html[lang='en']")
    assert shown(page) == [CODE_A]
    assert "Search" in page.inner_text("#search-button")
    context.close()


# Links and controls that stand on their own (not a link inside a sentence of the text).
STANDALONE = (
    "header a, header button, nav a, main > a, main form button, main form input, "
    "main form select, main .page-link"
)


def test_a_release_page_fits_a_phone_and_its_links_can_be_tapped(browser, live_server, lists):
    """On a 375px phone the "All releases" link under a release was 19px tall, a line of
    text to hit with a thumb; everything standing on its own is now at least 40px tall."""
    for language in ("zh-hans", "en"):
        context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True)
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/public/releases/{lists.id}/")
        assert page.locator("main > a[href='/public/']").is_visible()
        small = page.eval_on_selector_all(
            STANDALONE,
            """els => els.filter(e => e.getBoundingClientRect().width > 0
                                     && e.getBoundingClientRect().height < 40)
                        .map(e => e.innerText.trim() + " " + e.offsetHeight)""",
        )
        assert small == [], f"{language}: too small to tap: {small}"
        width = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], f"{language}: the page is {width[0]}px wide"
        context.close()


LONG_WORD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 2
LONG_URL = "https://scjg.tj.gov.cn/zwgk/" + "a" * 60 + "/index.html"


def test_a_release_with_long_unbroken_words_fits_a_phone(browser, live_server, lists):
    """A title with a long model number and a text citing a long address made the list and
    the release 860-960px wide on a 375px phone, and a long word in a violation was cut off
    at the edge of its card. Long words now break to fit."""
    from django.contrib.auth import get_user_model

    people = get_user_model().objects
    head, office = people.get(username="mr_public"), people.get(username="office_public")
    release = published(
        head,
        head,
        office,
        title=f"关于{LONG_WORD}的名单",
        body=f"详见 {LONG_URL}",
        entries=[
            entry(
                code="91120222MA0RRR002Q",
                violation="W" * 60,
                exposure_until="2099-12-31",
            )
        ],
    )
    for language in ("zh-hans", "en"):
        context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True)
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        for address in ("/public/", f"/public/releases/{release.id}/", "/public/violators/"):
            page.goto(f"{live_server.url}{address}")
            width = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
            assert width[0] <= width[1], f"{language} {address}: {width[0]}px wide"
            cut = page.eval_on_selector_all(
                "#violators-table td",
                "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1)"
                ".map(c => c.innerText.slice(0, 20))",
            )
            assert cut == [], f"{language} {address}: cut off: {cut}"
        context.close()


def test_a_short_public_page_has_its_footer_at_the_bottom_of_the_screen(browser, live_server):
    """With two releases the footer stood halfway down a laptop's screen, an empty grey band
    under it."""
    for address in ("/public/", "/public/violators/?q=nothing-matches-this"):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}{address}")
        bottom, screen, page_height = page.evaluate(
            "() => [document.querySelector('footer').getBoundingClientRect().bottom,"
            " innerHeight, document.scrollingElement.scrollHeight]"
        )
        assert page_height <= screen, f"{address}: not a short page"
        assert round(bottom) == screen, f"{address}: the footer ends at {bottom}px of {screen}"
        context.close()
