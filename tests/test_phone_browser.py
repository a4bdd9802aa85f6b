"""The daily pages on a phone (390×844 CSS pixels, device scale 2, touch), in Chinese and in
English, with the demo data and the demo accounts: staff open the portal from a link in a
WeChat group or a text message.

Under mobile emulation a page wider than the screen is shown zoomed out, and
`window.innerWidth` then grows with it; so "no sideways scrolling" is checked against the
layout viewport's width (`documentElement.clientWidth`, 390) as well."""

from __future__ import annotations

import itertools
import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser_kit import chromium, shared_site
from tests.test_browser import CHROMIUM

# The pages only look at one set of data, committed once for the module (see `site`).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
LANGUAGES = ("zh-hans", "en")
TAP = 40  # CSS pixels: the smallest control a thumb hits reliably (Apple asks for 44)

# What may be tapped: buttons, the <summary> that opens an action form, form fields, tabs,
# page links and menu entries; checked wherever they are visible on the page.
TAPPABLE = (
    "header .btn, main .btn, main button, main summary, main .form-control, main .form-select,"
    " main .nav-tabs .nav-link, main .page-link, main .page-size, .dropdown-menu.show"
    " .dropdown-item, .offcanvas.show .nav-link, .offcanvas.show .btn-close, main .btn-close"
)

MEASURE = """([selector, tap]) => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " "
    + JSON.stringify((el.innerText || el.value || el.getAttribute("aria-label") || "")
      .trim().replace(/\\s+/g, " ").slice(0, 30));
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!visible(el)) continue;
    const h = el.getBoundingClientRect().height;
    if (h < tap) small.push(name(el) + " is " + Math.round(h) + "px tall");
  }
  const sticking_out = [];
  const width = document.documentElement.clientWidth;
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    // A wide table scrolling inside its own box does not widen the page.
    if (el.parentElement.closest("[data-out], .table-responsive")) continue;
    if (r.width && r.right > width + 1) {
      el.setAttribute("data-out", "");
      sticking_out.push(name(el) + " reaches " + Math.round(r.right) + "px");
    }
  }
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    clientWidth: width,
    small: small,
    stickingOut: sticking_out.slice(0, 5),
  };
}"""


# The first row of a list as laid out now: whether the table fits its box, the narrowest of
# its cells, and whether a tap at the row's right-hand end lands on the row's first link.
ROW_SHAPE = """(selector) => {
  const table = document.querySelector(selector);
  const row = table.querySelector("tbody tr");
  const cells = [...row.children].filter((c) => c.getBoundingClientRect().width > 0);
  const link = row.querySelector("a");
  row.scrollIntoView({ block: "center", behavior: "instant" });
  const box = row.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width - 10, box.top + box.height / 2);
  return {
    fits: table.scrollWidth <= table.parentElement.clientWidth,
    narrowest: Math.min(...cells.map((c) => c.getBoundingClientRect().width)),
    width: table.getBoundingClientRect().width,
    rowOpensRecord: hit !== null && hit.closest("a") === link,
    display: getComputedStyle(row).display,
  };
}"""


@pytest.fixture(scope="module")
def db(django_db_setup):
    """pytest-django makes the test database for the tests that ask for `db`. Here the
    tests share the module's committed data (`site`) instead of a transaction each."""


@pytest.fixture(scope="module")
def site(db, django_db_blocker, tmp_path_factory):
    """The live server over the data of every test here, loaded once: the demo and what
    these pages need beyond it. The tests only look, so they share it; made before the
    browser starts (see tests/test_browser.py)."""
    from meetings.models import JointMeeting
    from reports.models import UnitReport

    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # load_demo refuses to run without DEBUG; the pages were always served with it here.
    with shared_site(
        django_db_blocker,
        DEBUG=True,
        PASSWORD_HASHERS=hashers,
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
    ) as site:
        demo = load_demo()
        first = UnitReport.objects.order_by("year", "quarter").first()
        demo["first_report_period"] = f"{first.year}Q{first.quarter}"
        held = JointMeeting.objects.filter(resolutions__actions__isnull=False).first()
        demo["held_meeting"] = held.id
        planned = JointMeeting.objects.filter(status="planned").order_by("id").first()
        demo["planned_meeting"] = planned.id
        records = load_records()
        site.data = {"demo": demo, "records": records, "quarter": load_quarter()}
        yield site


@pytest.fixture(scope="module")
def demo(site):
    return site.data["demo"]


@pytest.fixture(scope="module")
def records(site):
    return site.data["records"]


@pytest.fixture(scope="module")
def quarter(site):
    return site.data["quarter"]


def load_demo() -> dict:
    """The demo data (load_demo), and what it lacks for these pages: an order with a
    co-handling unit, a jurisdiction dispute and a referred lead."""
    from complaints import disputes, referrals, workflow
    from complaints.models import WorkOrder
    from departments.models import User

    call_command("load_demo", "--quiet-accounts", stdout=StringIO())
    people = {u.username: u for u in User.objects.all()}
    office, housing = people["office"], people["housing_staff"]
    triage = WorkOrder.objects.filter(status="triage").order_by("id").first()
    workflow.workorder_dispatch(
        order_id=triage.id,
        acting_user=office,
        unit_code="housing",
        co_unit_codes=["market-regulation"],
    )
    workflow.workorder_sign(order_id=triage.id, acting_user=housing)
    to_sign = (
        WorkOrder.objects.filter(status="assigned", unit_links__unit__code="market-regulation")
        .order_by("id")
        .first()
    )
    in_progress = (
        WorkOrder.objects.filter(status="in_progress", unit_links__unit__code="housing")
        .exclude(id=triage.id)
        .order_by("id")
        .first()
    )
    dispute = disputes.dispute_open(
        acting_user=office,
        summary="该工单涉及预付卡与市场监管职责划分，两家单位均认为不属本单位职责，"
        "需由领导小组指定牵头单位。",
        order_number=to_sign.number,
        unit_codes=["commerce"],
    )
    lead = referrals.referral_send(
        acting_user=people["mr_staff"],
        to_unit_code="housing",
        title="某小区物业收取不合理费用线索",
        facts="在检查中发现某物业公司向业主收取未经备案的公共设施维护费，涉嫌违规收费。",
        legal_basis="《物业管理条例》第四十条",
        urgent=True,
    )
    # mr_staff's sent leads include one whose dispute waits for the group leader.
    waiting = referrals.referral_send(
        acting_user=people["mr_staff"],
        to_unit_code="housing",
        title="某健身房预收会员费后闭店线索",
        facts="巡查发现某健身房预收会员费后闭店，涉及预付式消费。",
    )
    disputes.dispute_open(
        acting_user=housing, summary="该线索涉及预付式消费，不属住建职责。", referral_id=waiting.id
    )
    return {
        "to_sign": to_sign.number,
        "in_progress": in_progress.number,
        "co_handled": triage.number,
        "dispute": dispute.id,
        "lead": lead.id,
    }


@pytest.fixture(scope="module")
def module_browser(site):
    with chromium() as browser:
        yield browser


@pytest.fixture
def browser(module_browser):
    """The module's Chromium; what a test left open is closed after it."""
    yield module_browser
    for context in module_browser.contexts:
        context.close()


def pages(demo):
    """(persona, address, what must be there and be big enough to tap)."""
    return [
        (
            None,
            "/accounts/login/",
            ["#login-submit", "#language-switch button", "#public-releases-link"],
        ),
        ("mr_staff", "/", ["#user-menu", "#notification-bell", "[data-duty]"]),
        ("office", "/", ["#user-menu", "#notification-bell"]),
        ("mr_staff", "/orders/", ["#tab-to_sign", "#order-filters button", "#export-link"]),
        ("mr_staff", "/orders/?tab=all", ["#tab-all", ".page-link[rel=next]", ".page-size"]),
        ("office", "/orders/?tab=all&q=%E8%B6%85%E5%B8%82", ["#id_q", "#tab-all"]),
        (
            "mr_staff",
            f"/orders/{demo['to_sign']}/",
            ["#action-sign", "#summary-return", "#action-return"],
        ),
        (
            "housing_staff",
            f"/orders/{demo['in_progress']}/",
            [
                "#details-resolve summary",
                "#action-resolve",
                "#summary-extension",
                "#action-request-extension",
                "#summary-return",
            ],
        ),
        ("mr_staff", f"/orders/{demo['co_handled']}/", ["#actions summary", "#actions button"]),
        ("office", f"/orders/{demo['in_progress']}/", ["#actions summary"]),
        ("mr_staff", "/notifications/", ["#mark-all-read", "#notification-bell"]),
        ("office", "/orders/new/", ["#intake-submit", "#id_kind", "#id_content"]),
        ("office", "/dashboard/", ["#preset-week", "#dashboard-filter button"]),
        ("mr_liaison", "/dashboard/", ["#preset-month"]),
        ("office", "/disputes/", ["#escalation-board-link", "main form button"]),
        ("office", f"/disputes/{demo['dispute']}/", ["#propose"]),
        ("mr_staff", "/disputes/?status=tasks", ["main form select", "main form button"]),
        ("mr_staff", "/referrals/?tab=sent", ["#new-referral", "main form button"]),
        ("housing_staff", f"/referrals/{demo['lead']}/", ["#acknowledge", "#accept"]),
        ("mr_staff", "/interventions/?state=to_answer", ["#new-intervention", "main form button"]),
        ("office", "/meetings/", ["#plan-meeting", "#action-items-link"]),
        ("mr_liaison", "/meetings/", ["#action-items-link", "#propose"]),
        ("office", "/units/office/people/", ["main form[role=search] button"]),
        ("office", "/meetings/actions/", ["main form button"]),
    ]


def phone(browser, site, username: str | None, language: str, **context):
    """A new browser context, a phone unless `context` says otherwise, reading `language`
    and signed in as `username`; its page is blank until the test opens one."""
    context = browser.new_context(**{**PHONE, **context})
    cookies = [{"name": "django_language", "value": language, "url": site.url}]
    if username:
        cookies.append(site.session_cookie(username))
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def problems(page, must_have: list[str]) -> list[str]:
    """What is wrong with the page as it is shown now."""
    found = []
    # The action forms open from a <summary>: measure them open.
    page.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
    for selector in must_have:
        element = page.locator(selector).first
        if not element.count() or not element.is_visible():
            found.append(f"{selector} is missing")
    seen = page.evaluate(MEASURE, [TAPPABLE, TAP])
    if seen["scrollWidth"] > seen["clientWidth"] or seen["innerWidth"] != seen["clientWidth"]:
        found.append(
            f"the page is {seen['scrollWidth']}px wide on a {seen['clientWidth']}px screen: "
            + "; ".join(seen["stickingOut"])
        )
    found += [f"too small to tap: {s}" for s in seen["small"]]
    # The site's name beside the language switch was squeezed to a letter a line.
    title = page.evaluate(
        "(document.querySelector('header .navbar-brand') || {getBoundingClientRect: () => "
        "({width: innerWidth})}).getBoundingClientRect().width"
    )
    if title < seen["clientWidth"] / 2:
        found.append(f"the header's title is {round(title)}px wide")
    return found


def phone_visits(browser, site, visits):
    """Each visit (username, address, ...) opened at phone width in both languages, one
    browser context per person and language; yields the language, the visit and its page."""
    for language in LANGUAGES:
        contexts = {}
        try:
            for visit in visits:
                username, address = visit[0], visit[1]
                if username not in contexts:
                    contexts[username] = phone(browser, site, username, language)
                page = contexts[username]
                page.goto(f"{site.url}{address}")
                yield language, visit, page
        finally:
            for page in contexts.values():
                page.context.close()


def assert_pages_fit(browser, site, visits) -> None:
    """Each (username, address, must_have) at phone width in both languages, one browser
    context per person; every problem found is reported at once."""
    report = {}
    for language, (username, address, must_have), page in phone_visits(browser, site, visits):
        found = problems(page, must_have)
        if found:
            report[f"{language} {username} {address}"] = found
    assert not report, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in report.items())


def test_the_daily_pages_fit_a_phone_and_their_controls_can_be_tapped(browser, site, demo):
    assert_pages_fit(browser, site, pages(demo))


def test_the_menus_open_and_fit_a_phone(browser, site, demo):
    for language in LANGUAGES:
        page = phone(browser, site, "mr_staff", language)
        page.goto(f"{site.url}/")
        page.click(".portal-topbar .navbar-toggler")
        page.wait_for_selector("#portal-sidebar.show")
        page.wait_for_function(
            "() => document.querySelector('#portal-sidebar').getBoundingClientRect().left >= 0"
        )
        assert problems(page, ["#portal-sidebar a[href='/orders/']"]) == []
        page.click("#portal-sidebar .btn-close")
        page.wait_for_selector("#portal-sidebar.show", state="detached")

        page.click("#user-menu")
        page.wait_for_selector("#logout-button", state="visible")
        assert problems(page, ["#logout-button"]) == []
        page.context.close()


LINK_ABOVE_ROW = """(selector) => {
  const link = document.querySelector(selector);
  link.scrollIntoView({block: "center"});
  const box = link.getBoundingClientRect();
  const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return link.contains(top) && box.right <= document.documentElement.clientWidth;
}"""


def test_lists_turn_into_stacked_rows_on_a_phone_and_stay_tables_on_a_desktop(browser, site, demo):
    """A table squeezed into 390px wraps a title one character a line (or hides columns
    off to the right); on a phone each row is a block, each cell a full-width line, and the
    whole row opens the record."""
    lists = [
        ("mr_staff", "/orders/?tab=all", "#order-table"),
        ("office", "/disputes/", "#disputes"),
        ("mr_staff", "/referrals/?tab=sent", "#referrals"),
        ("office", "/meetings/", "#meetings"),
    ]
    for language, (_user, address, selector), page in phone_visits(browser, site, lists):
        seen = page.evaluate(ROW_SHAPE, selector)
        where = f"{language} {address}"
        assert seen["fits"], f"{where}: the table is wider than its box"
        assert seen["narrowest"] >= seen["width"] * 0.9, f"{where}: cells side by side"
        assert seen["rowOpensRecord"], f"{where}: tapping the row does not open it"
        if selector == "#referrals":
            assert page.evaluate(LINK_ABOVE_ROW, ".awaiting-decision a"), (
                f"{where}: the dispute's link is not tappable"
            )

    desk = phone(browser, site, "office", "zh-hans", **DESKTOP, is_mobile=False)
    desk.goto(f"{site.url}/orders/?tab=all")
    assert desk.evaluate(ROW_SHAPE, "#order-table")["display"] == "table-row"
    desk.context.close()


# The action items of a meeting's resolutions, as laid out now: whether each table fits its
# box, the narrowest cell of its first row, and the width of a "report done" note field
# once its form is open.
ACTION_ITEMS_SHAPE = """(selector) => {
  const tables = [...document.querySelectorAll(selector)];
  document.querySelectorAll("main details").forEach((d) => { d.open = true; });
  return tables.map((table) => {
    const box = table.closest(".table-responsive, .card-body");
    const cells = [...table.querySelector("tbody tr").children]
      .filter((c) => c.getBoundingClientRect().width > 0);
    const note = table.querySelector("input[name=note], input[name=reason]");
    return {
      fits: table.scrollWidth <= box.clientWidth + 1,
      width: table.getBoundingClientRect().width,
      narrowest: Math.min(...cells.map((c) => c.getBoundingClientRect().width)),
      note: note ? note.getBoundingClientRect().width : null,
    };
  });
}"""


def test_action_items_turn_into_stacked_rows_on_a_phone(browser, site, demo):
    """The joint meetings' action items were a six-column table squeezed into 390px: the
    task and the owner unit one character a line, and the "what was done" field a unit
    fills in to report an item done 18px wide."""
    lists = [
        ("mr_liaison", "/meetings/actions/", "#action-items"),
        ("office", f"/meetings/{demo['held_meeting']}/", "#resolutions table"),
    ]
    for language, (_user, address, selector), page in phone_visits(browser, site, lists):
        where = f"{language} {address}"
        shapes = page.evaluate(ACTION_ITEMS_SHAPE, selector)
        assert shapes, f"{where}: no action items shown"
        for seen in shapes:
            assert seen["fits"], f"{where}: the table is wider than its box"
            assert seen["narrowest"] >= seen["width"] * 0.9, f"{where}: cells side by side"
            assert seen["note"] is None or seen["note"] >= 200, f"{where}: note field {seen}"


# Every visible field whose hint (placeholder) is wider than the room inside it: the hint
# is all a reader has to go on until they type, and a cut one says half of it.
CUT_HINTS = """() => {
  document.querySelectorAll("main details").forEach((d) => { d.open = true; });
  const measure = document.createElement("canvas").getContext("2d");
  const cut = [];
  for (const field of document.querySelectorAll("main input[placeholder]")) {
    if (!field.getClientRects().length) continue;
    const style = getComputedStyle(field);
    const hint = getComputedStyle(field, "::placeholder");
    measure.font = `${hint.fontStyle} ${hint.fontWeight} ${hint.fontSize} ${hint.fontFamily}`;
    const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const needed = measure.measureText(field.placeholder).width;
    if (needed > room + 1) {
      cut.push(`${field.name}: "${field.placeholder}" ${needed | 0}px in ${room | 0}px`);
    }
  }
  return cut;
}"""


def test_the_hints_in_fields_are_read_whole_on_a_phone_and_a_desktop(browser, site, demo):
    """The search boxes of the disputes, the mediation cases and a unit's people cut their
    hint on a desktop ("Number, work order, busine"), as did the work order field of a
    meeting's agenda; on a phone, the public list of violators' search box and a unit's
    answer to a meeting invitation ("Note (required if the unit cannot atte")."""
    planned = demo["planned_meeting"]
    visits = [
        ("office", "/disputes/"),
        ("office", "/mediation/"),
        ("office", "/units/office/people/"),
        ("office", f"/meetings/{planned}/"),
        ("mr_liaison", f"/meetings/{planned}/"),
        (None, "/public/violators/"),
    ]
    report = {}
    for screen in ({}, {**DESKTOP, "is_mobile": False}):
        for language in LANGUAGES:
            for username, address in visits:
                page = phone(browser, site, username, language, **screen)
                page.goto(f"{site.url}{address}")
                if cut := page.evaluate(CUT_HINTS):
                    width = (screen or PHONE)["viewport"]["width"]
                    report[f"{width}px {language} {username} {address}"] = cut
                page.context.close()
    assert not report, "\n".join(f"{k}: {v}" for k, v in report.items())


def test_an_orders_actions_come_right_after_the_case_on_a_phone(browser, site, demo):
    """Opened from a link, the page showed the whole history and every side card before
    the sign-for and return buttons; on a desktop they stay in the right-hand column, at its
    top: under the dispute, lead, deadline and unit cards they were below the first screen
    of a 1280×800 laptop, whose right-hand column began with "Open a jurisdiction dispute"."""
    where = """() => {
      const box = (s) =>
        document.querySelector(s).closest(".card").getBoundingClientRect().toJSON();
      return {
        case: box("#order-content"), actions: box("#actions"), history: box("#timeline"),
        deadlines: box("#deadlines"),
      };
    }"""
    address = f"{site.url}/orders/{demo['to_sign']}/"
    for language in LANGUAGES:
        page = phone(browser, site, "mr_staff", language)
        page.goto(address)
        seen = page.evaluate(where)
        assert seen["case"]["bottom"] <= seen["actions"]["top"]
        assert seen["actions"]["bottom"] <= seen["deadlines"]["top"]
        assert seen["deadlines"]["bottom"] <= seen["history"]["top"]
        # Mediation is offered once the order is signed for, not on an order to sign.
        assert page.locator("#mediation").count() == 0
        assert page.locator("#action-sign").bounding_box()["y"] < 2 * PHONE["viewport"]["height"]
        page.context.close()

    laptop = {"width": 1280, "height": 800}
    for language in LANGUAGES:
        desk = phone(browser, site, "mr_staff", language, viewport=laptop, is_mobile=False)
        desk.goto(address)
        seen = desk.evaluate(where)
        assert seen["actions"]["left"] >= seen["case"]["right"]
        assert seen["actions"]["bottom"] <= seen["deadlines"]["top"]
        sign = desk.locator("#action-sign").bounding_box()
        assert sign["y"] + sign["height"] <= laptop["height"], f"{language}: sign-for off screen"
        desk.context.close()


def test_an_orders_cards_come_in_the_order_they_are_shown_for_tab_and_screen_readers(
    browser, site, demo
):
    """The actions were moved up on a phone with CSS `order` alone: Tab and a screen reader
    still went through the attachments, then every side card shown below the history, and
    reached the sign-for button last. Now the page itself is in the order it is shown."""
    cards = """() => [...document.querySelectorAll(".order-layout .card")]
      .map((card) => card.getBoundingClientRect().top)"""
    focused = """() => {
      const el = document.activeElement;
      if (!el || !el.closest(".order-layout")) return null;
      const box = el.getBoundingClientRect();
      return {
        top: box.top + scrollY,
        card: el.closest(".card").id || el.closest(".card").querySelector("h2").innerText,
        actions: el.closest("#actions") !== null,
      };
    }"""
    for username, number in [("mr_staff", demo["to_sign"]), ("housing_staff", demo["in_progress"])]:
        page = phone(browser, site, username, "en")
        page.goto(f"{site.url}/orders/{number}/")
        tops = page.evaluate(cards)
        assert tops == sorted(tops), f"{number}: the cards are not in the order shown"

        walk = []
        for _ in range(80):
            page.keyboard.press("Tab")
            seen = page.evaluate(focused)
            if seen:
                walk.append(seen)
            elif walk:
                break
        history = page.evaluate("document.querySelector('#timeline').getBoundingClientRect().top")
        history += page.evaluate("scrollY")
        first_action = next((i for i, seen in enumerate(walk) if seen["actions"]), None)
        assert first_action is not None, f"{number}: Tab never reaches the actions: {walk}"
        assert all(seen["top"] < history for seen in walk[:first_action]), walk
        for before, after in itertools.pairwise(walk):
            # (Two buttons on one line may differ in height by a few pixels.)
            assert after["top"] >= before["top"] - 8, f"{number}: Tab goes up: {before}, {after}"
        page.context.close()


def test_on_a_desktop_tab_reads_an_order_down_the_left_column_then_down_the_right(
    browser, site, demo
):
    """From xl up the side cards stand in the right-hand column in an order of their own
    (then: mediation, disputes, leads, deadlines, units, actions, duplicates) while the page
    holds them in the phone's (actions first). Tab went from the case to the actions low in the
    right-hand column, back up it to the mediation card, down again, and then back to the
    attachments under the case on the left. Now it reads the left column top to bottom, then
    the right one, and never goes up within a column; on a phone the order is unchanged."""
    focused = """() => {
      const el = document.activeElement;
      if (!el || !el.closest(".order-layout")) return null;
      const box = el.getBoundingClientRect();
      const side = document.querySelector(".order-side").getBoundingClientRect().left;
      return {
        column: box.left >= side ? "right" : "left",
        top: Math.round(box.top + scrollY),
        card: el.closest(".card").id || el.closest(".card").querySelector("h2").innerText,
        name: el.tagName + " " + (el.innerText || el.getAttribute("aria-label") || "").trim(),
      };
    }"""
    orders = [
        ("mr_staff", demo["to_sign"]),
        ("housing_staff", demo["in_progress"]),
        ("mr_staff", demo["co_handled"]),
        ("office", demo["in_progress"]),
    ]
    for username, number in orders:
        page = phone(browser, site, username, "en", **DESKTOP, is_mobile=False)
        page.goto(f"{site.url}/orders/{number}/")
        walk = []
        for _ in range(80):
            page.keyboard.press("Tab")
            seen = page.evaluate(focused)
            if seen:
                walk.append(seen)
            elif walk:
                break
        where = f"{username} {number}: " + "; ".join(
            f"{s['column']} {s['top']} {s['card']} {s['name'][:30]}" for s in walk
        )
        columns = [seen["column"] for seen in walk]
        assert "right" in columns and "left" in columns, where
        assert columns == sorted(columns), f"left and right by turns: {where}"
        assert any(seen["card"] == "actions" for seen in walk), where
        for before, after in itertools.pairwise(walk):
            if before["column"] == after["column"]:
                # (Two buttons on one line may differ in height by a few pixels.)
                assert after["top"] >= before["top"] - 8, f"Tab goes up: {where}"
        page.context.close()


def test_a_leads_actions_come_right_after_the_lead_on_a_phone(browser, site, demo):
    """The unit a lead is sent to opens it from the bell to sign for it and accept or reject
    it; on a phone its Actions card came after the evidence and the whole history, as the
    order's page once did. Now it follows the lead at once, the dispute card after it; from
    xl up it stays at the top of the right-hand column, beside the lead."""
    where = """() => {
      const box = (s) => document.querySelector(s).closest(".card").getBoundingClientRect();
      return {
        lead: box("#referral-facts").toJSON(), actions: box("#actions").toJSON(),
        disputes: box("#disputes").toJSON(), history: box("#referral-history").toJSON(),
      };
    }"""
    address = f"{site.url}/referrals/{demo['lead']}/"
    for language in LANGUAGES:
        page = phone(browser, site, "housing_staff", language)
        page.goto(address)
        seen = page.evaluate(where)
        assert seen["lead"]["bottom"] <= seen["actions"]["top"], f"{language}: {seen}"
        assert seen["actions"]["bottom"] <= seen["disputes"]["top"], f"{language}: {seen}"
        assert seen["disputes"]["bottom"] <= seen["history"]["top"], f"{language}: {seen}"
        page.context.close()

    laptop = {"width": 1366, "height": 768}
    for language in LANGUAGES:
        desk = phone(browser, site, "housing_staff", language, viewport=laptop, is_mobile=False)
        desk.goto(address)
        seen = desk.evaluate(where)
        assert seen["actions"]["left"] >= seen["lead"]["right"], f"{language}: {seen}"
        assert seen["actions"]["top"] == seen["lead"]["top"], f"{language}: {seen}"
        assert seen["history"]["right"] <= seen["actions"]["left"], f"{language}: {seen}"
        accept = desk.locator("#accept").bounding_box()
        assert accept["y"] + accept["height"] <= laptop["height"], f"{language}: off screen"
        desk.context.close()


def test_a_notification_title_takes_the_width_of_a_phone(browser, site, demo):
    """The date kept a column of its own, leaving the title a third of the screen."""
    widths = """() => {
      const list = document.querySelector("#notification-list").getBoundingClientRect();
      const title = document.querySelector("#notification-list a").parentElement;
      return title.getBoundingClientRect().width / list.width;
    }"""
    for language in LANGUAGES:
        page = phone(browser, site, "mr_staff", language)
        page.goto(f"{site.url}/notifications/")
        assert page.evaluate(widths) > 0.7
        page.context.close()


def test_the_dashboards_unit_charts_lie_on_their_side_on_a_phone(browser, site, demo):
    """Seventeen units' names under vertical bars overlapped and were cut off at 390px."""
    axes = """() => {
      const element = document.querySelector("[data-chart='chart-units']");
      const option = echarts.getInstanceByDom(element).getOption();
      return {
        units: option.yAxis[0].type === "category" ? "rows" : "columns",
        height: element.getBoundingClientRect().height,
      };
    }"""
    for language in LANGUAGES:
        page = phone(browser, site, "office", language)
        page.goto(f"{site.url}/dashboard/")
        seen = page.evaluate(axes)
        assert seen["units"] == "rows"
        assert seen["height"] >= 17 * 20
        page.context.close()

    # Also where a chart sits in half a wide desktop's width (xxl: rates beside routing).
    for width in (DESKTOP["viewport"]["width"], 1500):
        desk = phone(
            browser,
            site,
            "office",
            "zh-hans",
            viewport={"width": width, "height": 900},
            is_mobile=False,
        )
        desk.goto(f"{site.url}/dashboard/")
        assert desk.evaluate(axes)["units"] == "columns"
        assert desk.evaluate(axes.replace("chart-units", "chart-rates"))["units"] == "columns"
        desk.context.close()


def test_the_inbox_filters_beyond_the_search_fold_on_a_phone(browser, site, demo):
    """Eight filter fields pushed the first order below the first screen of a phone."""
    for language in LANGUAGES:
        page = phone(browser, site, "mr_staff", language)
        page.goto(f"{site.url}/orders/")
        assert page.is_visible("#id_q")
        assert not page.is_visible("#id_kind")
        assert page.locator("#order-table tbody tr").first.bounding_box()["y"] < 844
        page.click("#more-filters-toggle")
        page.wait_for_selector("#id_kind", state="visible")
        page.select_option("#id_kind", "complaint")
        page.click("#order-filters button[type=submit]")
        page.wait_for_url("**kind=complaint**")
        # A filter in use stays in sight.
        assert page.is_visible("#id_kind")
        page.context.close()

    desk = phone(browser, site, "mr_staff", "zh-hans", **DESKTOP, is_mobile=False)
    desk.goto(f"{site.url}/orders/")
    assert desk.is_visible("#id_kind")
    assert not desk.is_visible("#more-filters-toggle")
    desk.context.close()


# What the inbox's search box says it searches: its placeholder, if any, measured against
# the room inside the box, and the visible hints it is described by.
SEARCH_HINT = """() => {
  const box = document.querySelector("#id_q");
  const style = getComputedStyle(box);
  const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const pen = document.createElement("canvas").getContext("2d");
  pen.font = style.font;
  const hints = (box.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean)
    .map((id) => document.getElementById(id))
    .filter((el) => el && el.getBoundingClientRect().width > 0)
    .filter((el) => el.scrollWidth <= el.clientWidth
      && el.getBoundingClientRect().right <= document.documentElement.clientWidth);
  return {
    placeholder: box.placeholder,
    placeholderFits: pen.measureText(box.placeholder).width <= room,
    hints: hints.map((el) => el.innerText.replace(/\\s+/g, " ").trim()),
  };
}"""


def test_the_inboxs_search_hint_is_read_whole_on_a_laptop_and_a_phone(browser, site, demo):
    """In English the search box's placeholder "Number, text, business, phone or name" was
    cut off after "phone or" on a 1280×800 laptop and on a 375px phone. What the search
    looks in is now read whole in both languages, and is the box's description."""
    from django.utils import translation

    laptop = {"viewport": {"width": 1280, "height": 800}, "is_mobile": False}
    narrow = {"viewport": {"width": 375, "height": 740}}
    for language in LANGUAGES:
        with translation.override(language):
            hint = translation.gettext("Number, text, business, phone or name")
        for screen, size in (("laptop", laptop), ("375px", narrow)):
            page = phone(browser, site, "mr_staff", language, **size)
            page.goto(f"{site.url}/orders/")
            seen = page.evaluate(SEARCH_HINT)
            at = f"{language} {screen}"
            assert seen["placeholderFits"], f"{at}: {seen['placeholder']!r} is cut off"
            read = seen["hints"] + ([seen["placeholder"]] if seen["placeholder"] else [])
            assert hint in read, f"{at}: {hint!r} is not read whole: {seen}"
            page.context.close()


# The inbox's tabs as laid out now: the rows they stand on, the tallest and the shortest
# tab, the current tab's edges, the screen's width and the page's.
TAB_ROW = """() => {
  const tabs = [...document.querySelectorAll(".order-tabs .nav-link")]
    .map((tab) => tab.getBoundingClientRect());
  const active = document.querySelector(".order-tabs .nav-link.active").getBoundingClientRect();
  return {
    rows: new Set(tabs.map((box) => Math.round(box.top))).size,
    tallest: Math.max(...tabs.map((box) => box.height)),
    shortest: Math.min(...tabs.map((box) => box.height)),
    active: { left: active.left, right: active.right },
    screen: document.documentElement.clientWidth,
    page: document.scrollingElement.scrollWidth,
  };
}"""


def test_the_inbox_tabs_are_one_row_on_a_phone_with_the_current_tab_in_sight(browser, site, demo):
    """On a 375px phone the inbox's nine tabs (six for the office) wrapped over four or five
    rows, two to a row and "All" alone on the last, taking a third of the screen. They are
    now one row that scrolls sideways, no tab's label broken, and the current tab, even the
    last one, is in sight when the page opens."""
    visits = [
        ("mr_staff", "/orders/"),
        ("mr_staff", "/orders/?tab=all"),
        ("office", "/orders/?tab=all"),
    ]
    for language in LANGUAGES:
        for username, address in visits:
            page = phone(browser, site, username, language, viewport={"width": 375, "height": 740})
            page.goto(f"{site.url}{address}")
            seen = page.evaluate(TAB_ROW)
            at = f"{language} {username} {address}: {seen}"
            assert seen["rows"] == 1, f"{at}: the tabs stand on {seen['rows']} rows"
            assert seen["tallest"] < 1.5 * seen["shortest"], f"{at}: a label is broken"
            assert seen["active"]["left"] >= 0, at
            assert seen["active"]["right"] <= seen["screen"], f"{at}: the current tab is hidden"
            assert seen["page"] <= seen["screen"], f"{at}: the page scrolls sideways"
            page.context.close()


# Each entry of the home page's "Waiting for you" as laid out now: the lines of its label,
# whether its count stands on the label's first line, and whether the label keeps beside
# the count (not under it).
DUTY_LINES = """() => [...document.querySelectorAll("[data-duty]")].map((entry) => {
  const count = entry.querySelector(".badge");
  const badge = count.getBoundingClientRect();
  const label = document.createRange();
  label.setStartAfter(count);
  label.setEnd(entry, entry.childNodes.length);
  const lines = [...label.getClientRects()].filter((box) => box.width > 0);
  const first = lines.reduce((a, b) => (a.top <= b.top ? a : b));
  const middle = badge.top + badge.height / 2;
  return {
    duty: entry.dataset.duty,
    lines: new Set(lines.map((box) => Math.round(box.top))).size,
    level: first.top <= middle && middle <= first.bottom,
    beside: lines.every((box) => box.left >= badge.right),
  };
})"""


def test_each_count_waiting_for_you_stands_beside_its_labels_first_line(browser, site, demo):
    """On a phone the longer labels of "Waiting for you" ("Joint meetings waiting for your
    unit's answer") broke over two or three centred lines with the count halfway down beside
    them. The count now stands on the label's first line, the label wrapping beside it; on a
    1280×800 laptop each label keeps to one line."""
    laptop = {"viewport": {"width": 1280, "height": 800}, "is_mobile": False}
    narrow = {"viewport": {"width": 375, "height": 740}}
    for language in LANGUAGES:
        for screen, size in (("laptop", laptop), ("375px", narrow)):
            page = phone(browser, site, "mr_staff", language, **size)
            page.goto(f"{site.url}/")
            seen = page.evaluate(DUTY_LINES)
            at = f"{language} {screen}: {seen}"
            assert seen, at
            assert all(duty["level"] and duty["beside"] for duty in seen), at
            if screen == "laptop":
                assert all(duty["lines"] == 1 for duty in seen), at
            elif language == "en":  # (the case this is about)
                assert any(duty["lines"] > 1 for duty in seen), at
            page.context.close()


def test_the_small_list_searches_keep_their_button_beside_the_status_on_a_phone(
    browser, site, demo
):
    """Above the leads and meetings lists the Show button wrapped onto a row of its own
    and the search box stayed half the screen wide."""
    where = """() => {
      const form = document.querySelector("form.list-filter, main form[method=get]");
      const box = (s) => form.querySelector(s).getBoundingClientRect().toJSON();
      return {
        form: form.getBoundingClientRect().toJSON(),
        search: box("input[type=search]"), status: box("select"), button: box("button"),
      };
    }"""
    visits = [
        ("mr_staff", "/referrals/?tab=sent"),
        ("office", "/meetings/"),
        ("mr_staff", "/interventions/?state=to_answer"),
    ]
    for language, (_user, address), page in phone_visits(browser, site, visits):
        seen = page.evaluate(where)
        beside = seen["button"]["top"] == seen["status"]["top"]
        # A choice too long to share its row with the button takes the row (see below).
        fills_row = seen["status"]["width"] >= seen["form"]["width"] - 1
        assert beside or fills_row, f"{language} {address}"
        assert seen["search"]["width"] >= 0.9 * seen["form"]["width"], f"{language} {address}"


# A small list filter's status choice and Show button as laid out now: the options too long
# to be read whole in the choice, and the boxes of the choice, the button and the form.
FILTER_SHAPE = """() => {
  const form = document.querySelector("form.list-filter");
  const select = form.querySelector("select");
  const style = getComputedStyle(select);
  const room = select.clientWidth - parseFloat(style.paddingLeft)
    - parseFloat(style.paddingRight);
  const pen = document.createElement("canvas").getContext("2d");
  pen.font = style.font;
  const box = (el) => el.getBoundingClientRect().toJSON();
  return {
    cut: [...select.options].map((o) => o.text)
      .filter((text) => pen.measureText(text).width > room),
    status: box(select), button: box(form.querySelector("button")), form: box(form),
    screen: document.documentElement.clientWidth,
  };
}"""


def assert_filter_fits(seen: dict, at: str) -> None:
    """The button beside the choice or under it, both inside the form, the form on screen."""
    status, button = seen["status"], seen["button"]
    beside = button["top"] == status["top"] and button["left"] >= status["right"]
    below = button["top"] >= status["bottom"]
    assert beside or below, f"{at}: the button overlaps the choice"
    assert status["right"] <= seen["form"]["right"] and button["right"] <= seen["form"]["right"]
    assert seen["form"]["right"] <= seen["screen"], f"{at}: the form runs off the screen"


def test_a_list_filters_choices_are_read_whole_on_a_phone(browser, site, demo):
    """On a phone in English the dispute list showed "Joint teams with tasks for your unit"
    as "Joint teams with tasks for your" beside its Show button (and cut three dispute
    statuses and two of a lead's): a status choice whose longest option does not fit beside
    the button takes the row and the button goes under it; one that fits keeps it beside."""
    visits = [
        ("mr_staff", "/interventions/?state=to_answer"),
        ("mr_staff", "/disputes/?status=tasks"),
        ("mr_staff", "/referrals/?tab=sent"),
        ("office", "/meetings/"),
    ]
    for language, (_user, address), page in phone_visits(browser, site, visits):
        seen = page.evaluate(FILTER_SHAPE)
        assert not seen["cut"], f"{language} {address}: cut off: {seen['cut']}"
        assert_filter_fits(seen, f"{language} {address}")


def test_the_mediation_filter_wraps_like_the_other_lists_on_a_narrow_phone(browser, site, demo):
    """The mediation list's filter was the one small list filter that did not wrap: at 375px
    its status choice was squeezed beside the Show button and read "Sent to the court for
    judicial c" in English. Now, as above the other lists, a choice whose longest option does
    not fit beside the button takes the whole row and the button goes under it. (That status
    is too long to be read whole even in the whole row of a 375px phone in English: it reads
    "… judicial confirma"; the phone's own picker shows it whole.)"""
    for language in LANGUAGES:
        page = phone(browser, site, "mr_staff", language, viewport={"width": 375, "height": 740})
        page.goto(f"{site.url}/mediation/?status=submitted")
        seen = page.evaluate(FILTER_SHAPE)
        at = f"{language} 375px /mediation/"
        if seen["cut"]:
            assert seen["status"]["width"] >= seen["form"]["width"] - 1, (
                f"{at}: squeezed beside the button, cut off: {seen['cut']}"
            )
        assert_filter_fits(seen, at)
        page.context.close()


# Every visible <select> in the page's main part that reaches beyond the screen's edge.
SELECTS_OUT = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("main select")]
    .filter((el) => el.getBoundingClientRect().width > 0)
    .filter((el) => el.getBoundingClientRect().left < 0
      || el.getBoundingClientRect().right > width + 1)
    .map((el) => `${el.name} reaches ${Math.round(el.getBoundingClientRect().right)}px`);
}"""


def test_the_mediation_pages_choices_fit_a_375px_phone_in_english(browser, site, records):
    """In English the status "Sent to the court for judicial confirmation" made the mediation
    list's status <select> 393px wide on a 375px phone, until 025f9d3 let a list filter's
    choice shrink. Every choice on the mediation pages, the list's, the new agreement's and
    an agreement's, keeps within the screen, the wording unchanged (the phone's own picker
    shows an option whole)."""
    page = phone(browser, site, "mr_staff", "en", viewport={"width": 375, "height": 740})
    report = {}
    for address in (
        "/mediation/",
        "/mediation/?status=submitted",
        "/mediation/new/",
        f"/mediation/{records['agreement']}/",
    ):
        page.goto(f"{site.url}{address}")
        assert page.locator("main select").count(), address
        found = page.evaluate(SELECTS_OUT) + problems(page, [])
        if found:
            report[address] = found
    page.context.close()
    assert not report, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in report.items())


def load_records() -> dict:
    """What load_demo has none of for the mediation, early-intervention, plan, summary,
    consumer-education and evaluation pages: a mediation agreement, a request to step in, a
    plan, a summary, an education event and an expert opinion with two documents. (The
    quarterly report, the campaign, the releases and the exposed violator come with the demo.)"""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from complaints import interventions, mediation, services, workflow
    from departments.models import Unit, User
    from publicity import services as release_services
    from publicity.models import Release, ViolatorEntry
    from reports import plan_services
    from reports import services as report_services
    from reports.models import Campaign, UnitReport

    mr_staff = User.objects.get(username="mr_staff")
    # Mediation is recorded on a complaint the unit has signed for; the demo's bureau
    # orders may be a report or an inquiry.
    order = services.workorder_intake(
        acting_user=User.objects.get(username="office"),
        kind="complaint",
        channel="12345",
        content="在超市买到过期的酸奶，要求退货赔偿",
        citizen_name="张先生",
        unit_code="market-regulation",
    )
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    agreement = mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        parties="张先生；天津市武清区某某超市有限公司",
        terms="超市退还货款1280元并赔偿500元，消费者撤回投诉。",
        effective_on=timezone.localdate(),
        amount="1780",
        consent="both",
    )
    request = interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["housing", "commerce"],
        title="商场燃气泄漏后商户拒不停业",
        situation="消费者反映商场内餐饮商户燃气泄漏，仍在营业，请住建、商务部门提前介入。",
    )
    unit = Unit.objects.get(code="market-regulation")
    year = timezone.localdate().year
    today = timezone.localdate().isoformat()
    published = ViolatorEntry.objects.order_by("id").first()
    draft = release_services.release_create(
        acting_user=mr_staff,
        kind="violators",
        title="预付卡经营失信主体名单",
        body="以下经营主体因拒不退还预付款被处罚，现予公示。",
        entries=[
            {
                "business_name": published.business_name,
                "credit_code": published.credit_code,
                "violation": "收取预付款后停业，拒不退还消费者余额。",
                "penalty": "罚款人民币五万元，责令退还预付款。",
                "decided_on": today,
                "exposure_from": today,
                "exposure_until": today,
            }
        ],
    )
    plan = plan_services.plan_start(unit=unit, year=year, acting_user=mr_staff)
    summary = report_services.summary_start(unit=unit, year=year, acting_user=mr_staff)
    report_services.education_log(
        acting_user=mr_staff,
        day=timezone.localdate(),
        title="3·15 国际消费者权益日预付卡消费风险提示进社区宣传活动",
        audience="community",
        channel="on_site",
        people_reached=320,
        place="杨村街道泉州路社区服务中心",
    )
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    plan_services.evaluation_add(
        acting_user=User.objects.get(username="office"),
        year=year,
        kind="expert",
        title="关于全区消费者权益保护部门协作机制运行情况的专家评估意见",
        author="天津财经大学法学院消费者权益保护研究中心",
        day=timezone.localdate(),
        note="建议进一步压缩工单转办时限。",
        uploads=[
            SimpleUploadedFile("专家评估意见.pdf", pdf),
            SimpleUploadedFile("附件：数据分析.pdf", pdf + b"2"),
        ],
    )
    return {
        "agreement": agreement.id,
        "intervention": request.id,
        "plan": plan.id,
        "summary": summary.id,
        "report": UnitReport.objects.get(unit=unit).id,
        "campaign": Campaign.objects.get().id,
        "release": Release.objects.filter(status="published", entries__isnull=False).first().id,
        "duty_contact": unit.duty_contacts.first().id,
        "draft": draft.id,
    }


def more_pages(records):
    """(persona, address, what must be there and be big enough to tap): the pages beyond
    the daily ones, down to the public site."""
    r = records
    return [
        ("office", "/orders/overdue/", ["#overdue-board a"]),
        ("mr_staff", "/mediation/", ["#mediations a", "main form button"]),
        ("mr_staff", f"/mediation/{r['agreement']}/", ["main form button"]),
        ("mr_staff", "/interventions/", ["#interventions a", "main form button"]),
        ("mr_staff", f"/interventions/{r['intervention']}/", ["main form button"]),
        ("office", "/units/", ["#unit-table a", "main form button"]),
        ("office", "/units/market-regulation/", ["main .btn"]),
        ("mr_liaison", "/units/market-regulation/", ["main .btn"]),
        ("mr_liaison", "/units/market-regulation/people/", ["#people-table", "main form button"]),
        ("mr_liaison", "/units/market-regulation/duty-contacts/new/", ["main form .btn"]),
        ("mr_liaison", f"/duty-contacts/{r['duty_contact']}/edit/", ["main form .btn"]),
        ("mr_staff", "/reports/", ["#quarters .btn"]),
        ("mr_staff", f"/reports/{r['report']}/", ["#publicity-table"]),
        ("mr_staff", "/reports/plans/", ["#plans .btn"]),
        ("mr_staff", f"/reports/plans/{r['plan']}/", ["#save-plan"]),
        ("mr_staff", "/reports/annual/", ["#summaries .btn"]),
        ("mr_staff", f"/reports/annual/{r['summary']}/", ["#save-summary"]),
        ("office", "/campaigns/", ["#campaigns a", "#campaign-filters button"]),
        ("office", f"/campaigns/{r['campaign']}/", ["#campaign-actions", "#linked-orders a"]),
        ("leader", f"/campaigns/{r['campaign']}/", ["#campaign-actions"]),
        ("office", "/releases/", ["#release-table a", "#release-filter button"]),
        ("office", f"/releases/{r['release']}/", ["#entries-table"]),
        ("mr_staff", "/releases/new/", ["#id_kind", "#entry-0-decided_on", "#save-release"]),
        ("mr_staff", f"/releases/{r['draft']}/", ["#entry-0-credit_code", "#save-release"]),
        ("mr_liaison", f"/releases/{r['draft']}/", ["#entry-1-exposure_until", "#details-submit"]),
        ("office", f"/releases/{r['release']}/correct/", ["#entry-0-violation", "main form .btn"]),
        (None, "/public/", ["#language-switch button", "main form button"]),
        (None, f"/public/releases/{r['release']}/", ["#violators-table"]),
        (None, "/public/violators/", ["#violators-table", "main form button"]),
    ]


def test_the_other_pages_fit_a_phone_and_their_controls_can_be_tapped(browser, site, records):
    """The mediation list's status choice and Show button ran off the screen in English,
    the public site's name stood one letter a line beside the language switch, and the
    "What changed" line in a report's history was 21px tall."""
    assert_pages_fit(browser, site, more_pages(records))


def test_the_other_lists_turn_into_stacked_rows_on_a_phone(browser, site, records):
    """At 390px these tables squeezed a title or a unit to a character a line, or hid their
    last columns (the duty phone, a report's Start button, a violator's penalty, the office's
    Review button for a unit's quarterly report, the people an education event reached, an
    evaluation's documents and its Remove button) off to the right of the card. Where a row
    has a record to open, tapping the row opens it."""
    r = records
    lists = [  # (persona, address, table, whether the row opens a record)
        ("mr_staff", "/mediation/", "#mediations", True),
        ("mr_staff", "/interventions/", "#interventions", True),
        ("office", "/units/", "#unit-table", True),
        ("mr_liaison", "/units/market-regulation/people/", "#people-table", False),
        ("mr_staff", "/reports/", "#quarters", False),
        ("office", "/reports/", "#unit-reports", False),
        ("mr_staff", f"/reports/{r['report']}/", "#publicity-table", False),
        ("mr_staff", "/reports/plans/", "#plans", False),
        ("mr_staff", "/reports/annual/", "#summaries", False),
        ("mr_staff", "/reports/education/", "#education-events", False),
        ("office", "/reports/education/", "#education-events", False),
        ("office", "/reports/evaluations/", "#evaluations", False),
        ("leader", "/reports/evaluations/", "#evaluations", False),
        ("office", "/campaigns/", "#campaigns", True),
        ("office", f"/campaigns/{r['campaign']}/", "#campaign-actions", False),
        ("office", f"/campaigns/{r['campaign']}/", "#linked-orders", True),
        ("office", "/releases/", "#release-table", True),
        ("office", f"/releases/{r['release']}/", "#entries-table", False),
        (None, f"/public/releases/{r['release']}/", "#violators-table", False),
        (None, "/public/violators/", "#violators-table", False),
    ]
    for language, (_user, address, selector, opens), page in phone_visits(browser, site, lists):
        seen = page.evaluate(ROW_SHAPE, selector)
        where = f"{language} {address} {selector}"
        assert seen["fits"], f"{where}: the table is wider than its box"
        assert seen["narrowest"] >= seen["width"] * 0.9, f"{where}: cells side by side"
        assert seen["rowOpensRecord"] or not opens, f"{where}: tapping the row does not open it"

    desk = phone(browser, site, "mr_staff", "zh-hans", **DESKTOP, is_mobile=False)
    for address, selector in [
        ("/reports/", "#quarters"),
        ("/mediation/", "#mediations"),
        ("/reports/education/", "#education-events"),
    ]:
        desk.goto(f"{site.url}{address}")
        assert desk.evaluate(ROW_SHAPE, selector)["display"] == "table-row", selector
    desk.context.close()
    desk = phone(browser, site, "office", "en", **DESKTOP, is_mobile=False)
    desk.goto(f"{site.url}/reports/evaluations/")
    assert desk.evaluate(ROW_SHAPE, "#evaluations")["display"] == "table-row"
    desk.context.close()


def test_a_plans_and_a_summarys_save_button_keeps_to_one_line_on_a_phone(browser, site, records):
    """Beside its note the English Save button shrank and put its icon above the word."""
    for language in LANGUAGES:
        page = phone(browser, site, "mr_staff", language)
        for address, button in [
            (f"/reports/plans/{records['plan']}/", "#save-plan"),
            (f"/reports/annual/{records['summary']}/", "#save-summary"),
        ]:
            page.goto(f"{site.url}{address}")
            height = page.locator(button).bounding_box()["height"]
            assert TAP <= height < 1.5 * TAP, f"{language} {address}: {button} is {height}px"
        page.context.close()


# A table of figures as laid out now: whether it fits its box without scrolling sideways,
# the share of the table's width the first row's name has, the figures whose column is not
# named beside them, and how a row is shown.
FIGURES = """(selector) => {
  const table = document.querySelector(selector);
  const rows = [...table.querySelectorAll("tbody tr, tfoot tr")];
  const label = (cell) => getComputedStyle(cell, "::before").content;
  const unnamed = rows.flatMap((row) => [...row.children].slice(1))
    .filter((cell) => cell.getBoundingClientRect().width > 0)
    .filter((cell) => ["none", "normal", '""'].includes(label(cell)));
  return {
    fits: table.scrollWidth <= table.parentElement.clientWidth,
    name: rows[0].children[0].getBoundingClientRect().width / table.getBoundingClientRect().width,
    unnamed: unnamed.length,
    display: getComputedStyle(rows[0]).display,
  };
}"""


def test_tables_of_figures_are_read_without_scrolling_sideways_on_a_phone(browser, site, records):
    """A campaign's ten columns per unit, and the dashboard's per-unit and per-town tables,
    scrolled sideways inside their cards at 390px (their headings broken a character a line),
    as did the overdue board's counts by unit in English: on a phone each row is a block, the
    unit's name on a line of its own and every figure with its column's name beside it."""
    tables = [
        ("office", f"/campaigns/{records['campaign']}/", "#campaign-sums"),
        ("office", "/dashboard/", "#table-units"),
        ("office", "/dashboard/", "#table-rates"),
        ("office", "/dashboard/", "#table-routing"),
        ("office", "/dashboard/", "#table-towns"),
        ("mr_liaison", "/dashboard/", "#table-units"),
        ("office", "/orders/overdue/", "#overdue-board"),
        ("mr_staff", f"/reports/{records['report']}/", "#portal-by-category"),
        ("mr_staff", f"/reports/{records['report']}/", "#portal-by-channel"),
    ]
    for language, (username, address, selector), page in phone_visits(browser, site, tables):
        seen = page.evaluate(FIGURES, selector)
        where = f"{language} {username} {address} {selector}"
        assert seen["fits"], f"{where}: the table scrolls sideways"
        assert seen["name"] >= 0.9, f"{where}: the name shares its line with figures"
        assert seen["unnamed"] == 0, f"{where}: {seen['unnamed']} figures without a name"

    desk = phone(browser, site, "office", "zh-hans", **DESKTOP, is_mobile=False)
    for address, selector in [
        (f"/campaigns/{records['campaign']}/", "#campaign-sums"),
        ("/orders/overdue/", "#overdue-board"),
    ] + [("/dashboard/", s) for s in ("#table-units", "#table-rates", "#table-routing")]:
        desk.goto(f"{site.url}{address}")
        assert desk.evaluate(FIGURES, selector)["display"] == "table-row", selector
    desk.context.close()


def load_quarter() -> dict:
    """The quarter the demo campaign's actions were logged in, and the market regulation
    bureau's report for it (a draft: the demo's own report is for a quarter without any)."""
    from departments.models import Unit, User
    from reports import services as report_services
    from reports.models import CampaignAction

    day = CampaignAction.objects.order_by("day").last().day
    year, number = day.year, (day.month - 1) // 3 + 1
    report = report_services.report_start(
        unit=Unit.objects.get(code="market-regulation"),
        year=year,
        quarter=number,
        acting_user=User.objects.get(username="mr_staff"),
    )
    return {"period": f"{year}Q{number}", "report": report.id}


def test_a_quarters_figures_are_read_without_scrolling_sideways_on_a_phone(browser, site, quarter):
    """The district's quarterly report set its six columns of quarters and changes straight
    in its card, and in English the whole page scrolled sideways (507px on a 390px screen);
    its eight columns by unit, and a unit report's nine columns of campaign actions for the
    quarter, scrolled sideways inside their cards. On a phone each row is a block with every
    figure named beside it, as for a campaign's sums."""
    district = f"/reports/district/{quarter['period']}/"
    report = f"/reports/{quarter['report']}/"
    tables = [
        ("office", district, "#district-totals"),
        ("office", district, "#district-by-unit"),
        ("mr_staff", report, "#report-campaigns table"),
    ]
    for language, (username, address, selector), page in phone_visits(browser, site, tables):
        where = f"{language} {username} {address} {selector}"
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1] == PHONE["viewport"]["width"], f"{where}: page is {width}"
        seen = page.evaluate(FIGURES, selector)
        assert seen["fits"], f"{where}: the table scrolls sideways"
        assert seen["name"] >= 0.9, f"{where}: the name shares its line with figures"
        assert seen["unnamed"] == 0, f"{where}: {seen['unnamed']} figures without a name"

    desk = phone(browser, site, "office", "zh-hans", **DESKTOP, is_mobile=False)
    desk.goto(f"{site.url}{district}")
    for selector in ("#district-totals", "#district-by-unit"):
        assert desk.evaluate(FIGURES, selector)["display"] == "table-row", selector
    desk.context.close()


LAPTOP = {"viewport": {"width": 1366, "height": 768}, "is_mobile": False, "has_touch": False}

# Each row's unit name: how many lines it stands on.
NAME_LINES = """(selector) => [...document.querySelectorAll(selector + " tbody th")].map((th) => {
  const range = document.createRange();
  range.selectNodeContents(th);
  return [th.innerText, new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size];
})"""


# Screen widths, and how many lines a unit's name may take there: a 1366px laptop, a
# 1024px one (or a tablet held sideways), the narrowest with the menu beside the page, and
# a tablet held upright.
SCREENS = {1366: 2, 1024: 4, 992: 5, 768: 4}


def test_a_quarters_figures_by_unit_fit_a_1366px_laptop(browser, site, demo):
    """In English at 1366px the district report's table by unit, beside the column of the
    units' reports and the office's analysis, scrolled sideways inside its card by about
    40px ("Batches sampled" off to the right) with the units' names wrapped to three or four
    lines: it now has the page's width, in both languages. At 1024px (and from 768px, the
    width below which it is read a row at a time, to about 1040px) it still overflowed its
    box by about 18px in English: its columns' words, at the page's size, were wider than
    the box; it fits there too."""
    district = f"/reports/district/{demo['first_report_period']}/"
    for language, (width, most_lines) in itertools.product(LANGUAGES, SCREENS.items()):
        screen = {**LAPTOP, "viewport": {"width": width, "height": 768}}
        page = phone(browser, site, "office", language, **screen, device_scale_factor=1)
        page.goto(f"{site.url}{district}")
        seen = page.evaluate(FIGURES, "#district-by-unit")
        box = page.evaluate(
            "(t) => [t.scrollWidth, t.parentElement.clientWidth]",
            page.query_selector("#district-by-unit"),
        )
        at = f"{language} at {width}px"
        assert seen["fits"], f"{at}: the table is {box[0]}px wide in a {box[1]}px box"
        assert seen["display"] == "table-row", at
        page_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert page_width[0] <= page_width[1], f"{at}: the page is {page_width}"
        lines = page.evaluate(NAME_LINES, "#district-by-unit")
        assert len(lines) >= 17 and all(n <= most_lines for _name, n in lines), f"{at}: {lines}"
        page.context.close()


# The column names shown before the cells of a list's rows on a phone (the cells' ::before,
# drawn from data-label), as the reader sees them: only cells laid out and named.
LABELS = """(selector) => [...document.querySelectorAll(selector + " td[data-label]")]
  .filter((cell) => cell.getBoundingClientRect().width > 0)
  .map((cell) => getComputedStyle(cell, "::before"))
  .filter((before) => before.display !== "none" && before.content.startsWith('"'))
  .map((before) => JSON.parse(before.content))"""


def test_a_reports_campaign_actions_fit_a_laptop_in_both_languages(browser, site, quarter):
    """At 1366px a unit report's campaign actions stood the campaign's title on three lines
    (预付式消/费专项整/治行动) beside eight columns of figures; kept to two, the table scrolled
    sideways in English (738px in a 682px box), and in Chinese at 1280px. The title now
    stands on a line of its own above its figures, which have the report's width."""
    for language, width in itertools.product(LANGUAGES, (1366, 1280)):
        screen = {**LAPTOP, "viewport": {"width": width, "height": 768}}
        page = phone(browser, site, "mr_staff", language, **screen, device_scale_factor=1)
        page.goto(f"{site.url}/reports/{quarter['report']}/")
        at = f"{language} at {width}px"
        titles = page.evaluate(NAME_LINES, "#report-campaigns table")
        assert titles and all(lines == 1 for _title, lines in titles), (at, titles)
        box = page.evaluate(
            "(t) => [t.scrollWidth, t.clientWidth]",
            page.query_selector("#report-campaigns .table-responsive"),
        )
        assert box[0] <= box[1], f"{at}: the table is {box[0]}px wide in a {box[1]}px box"
        page.context.close()


def test_on_a_phone_a_lists_column_names_start_with_a_capital_in_english(browser, site, records):
    """Stacked on a phone, a row's values were named from model fields in lower case in
    English ("referred by", "channel", "status"...), beside "Next deadline", while the desktop
    headings start with a capital. In Chinese the names are the catalogue's, as before."""
    lists = [
        ("mr_staff", "/orders/?tab=all", "#order-table"),
        ("mr_staff", "/referrals/?tab=sent", "#referrals"),
        ("mr_staff", "/reports/", "#quarters"),
        ("mr_staff", "/reports/education/", "#education-events"),
        ("mr_staff", f"/reports/{records['report']}/", "#publicity-table"),
        ("office", f"/campaigns/{records['campaign']}/", "#campaign-sums"),
        ("office", f"/campaigns/{records['campaign']}/", "#linked-orders"),
    ]
    seen = {}
    for language, (_user, address, selector), page in phone_visits(browser, site, lists):
        labels = page.evaluate(LABELS, selector)
        assert labels, f"{language} {address} {selector}: no named cells"
        seen[language, address, selector] = labels
    lower = {
        f"{address} {selector}": sorted({x for x in labels if x[:1].islower()})
        for (language, address, selector), labels in seen.items()
        if language == "en" and any(x[:1].islower() for x in labels)
    }
    assert not lower, lower
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for (language, address, _selector), labels in seen.items():
        if language == "zh-hans":  # Chinese, not English names with a capital
            assert all(cjk.search(x) or not x[:1].isalpha() for x in labels), (address, labels)


# In the lists' tables: each date with its time, each percentage, that stands on more than
# one line, and each Chinese column heading that does (a heading hidden from sight aside).
BROKEN_IN_LISTS = r"""() => {
  const lines = (range) => new Set(
    [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))
  ).size;
  const broken = [];
  const value = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}|\d{2}-\d{2} \d{2}:\d{2}|\d+(\.\d+)?%/g;
  const texts = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  while (texts.nextNode()) {
    const node = texts.currentNode;
    if (!node.parentElement.closest("table")) continue;
    for (const found of node.data.matchAll(value)) {
      const range = document.createRange();
      range.setStart(node, found.index);
      range.setEnd(node, found.index + found[0].length);
      if (lines(range) > 1) broken.push(found[0]);
    }
  }
  for (const th of document.querySelectorAll("main table thead th")) {
    const text = th.innerText.trim();
    const head = th.closest("thead").getBoundingClientRect();
    const hidden = head.width < 5 || th.querySelector(".visually-hidden");
    if (hidden || !/^[\u4e00-\u9fff]+$/.test(text)) continue;
    const range = document.createRange();
    range.selectNodeContents(th);
    if (lines(range) > 1) broken.push(`heading ${text}`);
  }
  return broken;
}"""


def test_dates_times_and_rates_in_lists_and_chinese_headings_are_not_broken(browser, site, records):
    """A quarterly report's "submitted at" stood as "2026-10-07 / 14:20" on two lines beside
    a long "nobody to remind" note, on a 1366px laptop, as a release's "published at" did from
    768px; the meetings list broke its headings "未完成落实事项" and "议题数" at 1366px. A
    date with its time, a rate, and a Chinese heading are each kept whole, on a phone, a small
    laptop and a wide one, in both languages."""
    lists = [
        "/orders/?tab=all",
        "/orders/overdue/",
        "/referrals/?tab=all",
        "/interventions/",
        "/reports/",
        "/reports/annual/",
        "/reports/plans/",
        "/releases/",
        "/meetings/",
        "/dashboard/",
    ]
    report = {}
    for language in LANGUAGES:
        for width in (390, 1024, 1366):
            size = {"viewport": {"width": width, "height": 900}}
            page = phone(browser, site, "office", language, **size, is_mobile=width < 768)
            for address in lists:
                page.goto(f"{site.url}{address}")
                broken = page.evaluate(BROKEN_IN_LISTS)
                if broken:
                    report[f"{language} {width}px {address}"] = sorted(set(broken))
            page.context.close()
    assert report == {}


ALIGNED_TIME_LEFT = """() => [...document.querySelectorAll("#order-table tbody tr")].map((row) => {
  const cell = row.querySelector("td[data-label] > :is(.due-overdue, .due-soon, .due-ok)");
  if (!cell) return null;
  const start = cell.parentElement.firstElementChild.getBoundingClientRect();
  const due = cell.parentElement.querySelector(".text-nowrap").getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(cell.firstChild);
  const time = [...range.getClientRects()].find((r) => r.width > 1);
  return {left: Math.round(time.left - start.left), below: time.top >= due.bottom - 1};
}).filter(Boolean)"""


def test_the_inboxs_time_left_stands_under_its_deadline_on_a_phone(browser, site, demo):
    """In a phone's stacked row the time left ("剩余15小时43分钟") ran on after the deadline
    as an inline block with a small margin: wrapped under it, it stood 6px to the right of
    the deadline's start; where both fitted, beside it. It is a line of its own now, under
    the deadline and aligned with it, in every row."""
    for language, _visit, page in phone_visits(browser, site, [("mr_head", "/orders/")]):
        rows = page.evaluate(ALIGNED_TIME_LEFT)
        assert rows, language
        assert rows == [{"left": 0, "below": True}] * len(rows), f"{language}: {rows}"


def axe_pages(demo, quarter) -> list[tuple[str | None, str]]:
    """(persona, address): each kind of page, as the people who use it."""
    return [
        (None, "/accounts/login/"),
        ("office", "/"),
        ("office", "/reports/"),
        ("office", "/reports/annual/"),
        ("office", "/dashboard/"),
        ("office", "/orders/new/"),
        ("office", f"/orders/{demo['in_progress']}/"),
        ("office", f"/disputes/{demo['dispute']}/"),
        ("office", f"/meetings/{demo['held_meeting']}/"),
        ("office", "/orders/WQ-1999-000000/"),
        ("mr_staff", "/"),
        ("mr_staff", "/orders/"),
        ("mr_staff", f"/orders/{demo['to_sign']}/"),
        ("mr_staff", "/referrals/?tab=sent"),
        ("mr_staff", f"/reports/{quarter['report']}/"),
        ("housing_staff", f"/referrals/{demo['lead']}/"),
    ]


@pytest.mark.parametrize("part", ["laptop-zh-hans", "phone-en", "api-docs"])
def test_pages_pass_the_accessibility_checks(browser, site, demo, quarter, part):
    """axe-core's checks (WCAG 2 A and AA, and its best practices) find nothing, in Chinese on a
    laptop and, for the pages laid out most differently, in English on a phone. They found the
    office's "remind every late unit" button on the reports lists, Bootstrap's red on the
    page's grey at 4.15:1 (text needs 4.5:1), and the error pages' code at 1.4:1 (large text
    needs 3:1). The API documentation, a page of Swagger UI's own making, is checked with every
    operation opened, tried out and the Authorize dialog open: it had no language marked, its
    method badges read at 2.0:1 (static/css/swagger.css darkens them), and its markup nested
    a link in each operation's button, skipped a heading level, left selects, the request
    body and the dialog's close button without a name and examples out of the keyboard's
    reach (static/js/swagger-a11y.js mends them as it renders)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = {}
    every = axe_pages(demo, quarter)
    # On a phone in English, the pages whose layout changes most (about 1.5 s a page).
    some = [every[i] for i in (0, 1, 2, 9, 11, 12)]
    # In three parts, which the suite's two processes can share (it took 90 s in one).
    parts = {
        "laptop-zh-hans": [("zh-hans", {**LAPTOP, "device_scale_factor": 1}, every)],
        "phone-en": [("en", {}, some)],
    }
    for language, screen, visits in parts.get(part, []):
        for username, address in visits:
            page = phone(browser, site, username, language, **screen)
            page.goto(f"{site.url}{address}")
            violations = axe.run(page).response["violations"]
            if violations:
                found[f"{language} {username} {address}"] = [
                    f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in violations
                ]
            page.context.close()
    if part == "api-docs":
        page = phone(browser, site, None, "zh-hans", **LAPTOP)
        for lang in ("zh-hans", "en"):
            page.goto(f"{site.url}/api/v1/docs/?lang={lang}")
            assert page.evaluate("document.documentElement.lang") == lang
            operations = page.locator(".opblock-summary-control")
            operations.first.wait_for()
            for at in range(operations.count()):
                operations.nth(at).click()
            page.locator(".opblock-body").nth(operations.count() - 1).wait_for()
            try_out = page.locator(".try-out__btn")
            for at in range(try_out.count()):
                try_out.nth(at).click()
            page.locator(".btn.execute").nth(try_out.count() - 1).wait_for()
            page.locator(".btn.authorize").first.click()
            page.locator(".modal-ux").wait_for()
            violations = axe.run(page).response["violations"]
            if violations:
                found[f"docs {lang}"] = [
                    f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in violations
                ]
    assert found == {}
