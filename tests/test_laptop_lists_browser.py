"""Lists on a laptop (1024 to 1366px), in Chinese and in English.

A unit's name in a list's first column broke wherever the column ran out of room: "区市场监
管局" stood as "区市场监 / 管局", "区文化和旅游局" as "区文化和旅游 / 局" even at 1366px.
And the inbox at 1024px in English was 930 to 980px wide in a 738px box: the next deadline
and its time left off to the right, behind a sideways scroll; in Chinese it fitted only by
squeezing the business and the unit to a character a line."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from departments.choices import RoleCode
from departments.models import AuditEntry
from reports.choices import ReportStatus
from reports.models import UnitReport
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS


LANGUAGES = ("zh-hans", "en")

# The texts under `selector` that a line break splits anywhere but between words: a Chinese
# name has no spaces, so it must stand whole (a break after punctuation, as in "（演示）", is
# between its parts). Each character's box tells its line.
SPLIT_INSIDE_WORDS = """(selector) => {
  const split = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.getClientRects().length) continue;
    const chars = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = [...range.getClientRects()].find((r) => r.width > 0);
        chars.push({c: node.data[i], top: box ? Math.round(box.top) : null});
      }
    }
    const shown = chars.filter((x) => x.top !== null && x.c.trim());
    for (let i = 1; i < shown.length; i++) {
      if (shown[i].top === shown[i - 1].top) continue;
      // Broken between these two: fine only at a space or after punctuation.
      const from = chars.indexOf(shown[i - 1]), to = chars.indexOf(shown[i]);
      const between = chars.slice(from + 1, to).map((x) => x.c).join("");
      if (!/\\s/.test(between) && !/[\\p{P}·]/u.test(shown[i - 1].c)) {
        split.push(el.innerText.replace(/\\n/g, " / ") + " (after " + JSON.stringify(
          shown.slice(0, i).map((x) => x.c).join("")) + ")");
        break;
      }
    }
  }
  return split;
}"""

# The inbox as laid out: the page's and the table's widths, and each time left that is not
# inside the table's visible box.
INBOX = """() => {
  const table = document.querySelector("#order-table");
  const box = table.parentElement.getBoundingClientRect();
  const hidden = [...table.querySelectorAll(".due-overdue, .due-soon, .due-ok")]
    .filter((el) => { const r = el.getBoundingClientRect(); return r.right > box.right + 1; })
    .map((el) => el.innerText);
  return {
    page: [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth],
    table: [table.scrollWidth, table.parentElement.clientWidth],
    timesLeft: table.querySelectorAll(".due-overdue, .due-soon, .due-ok").length,
    hidden: hidden,
  };
}"""


@pytest.fixture
def orders(transactional_db):
    """Late orders of several kinds and channels with the two units of the longest names,
    one waiting for dispatch."""
    office = UserFactory(username="office_lap", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    UserFactory(username="mr_lap", unit=unit("market-regulation"), roles=[RoleCode.UNIT_HEAD])
    long_ago = timezone.now() - timedelta(days=60)
    for title, kind, channel, unit_code in (
        ("超市销售过期酸奶", "complaint", "12345", "market-regulation"),
        ("网购衣服七天无理由退货被拒", "complaint", "phone", "market-regulation"),
        ("超市销售过期食品", "report", "12315", "market-regulation"),
        ("物业收取不合理费用", "complaint", "12345", "housing"),
        ("咨询退换货规定", "inquiry", "walk_in", "culture-tourism"),
    ):
        make_order(
            office,
            title=title,
            kind=kind,
            channel=channel,
            unit_code=unit_code,
            business_name="某某便民超市连锁有限公司",
            received_at=long_ago,
        )
    make_order(office, title="装修公司拖延工期", send_to_triage=True, received_at=long_ago)


def sign_in(browser, live_server, username: str, language: str, width: int):
    viewport = {"width": width, "height": 900}
    return signed_in(browser, live_server, username, language=language, viewport=viewport)


def test_the_inbox_fits_a_1024px_laptop_with_its_time_left_in_sight(browser, orders, live_server):
    """From 768 to 1199px (1024 the common case), as the unit and as the office, in both
    languages: no sideways scroll, every time left in sight, no heading or unit's name
    broken inside a word."""
    seen = {}
    for language in LANGUAGES:
        for username in ("mr_lap", "office_lap"):
            page = sign_in(browser, live_server, username, language, 1024)
            for width in (1024, 768, 1199):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{live_server.url}/orders/?tab=all")
                inbox = page.evaluate(INBOX)
                assert inbox["timesLeft"] >= 3, (language, username)
                # Its headings and the units' names are each read whole, too.
                split = page.evaluate(
                    SPLIT_INSIDE_WORDS, "#order-table thead th, #order-table .unit-name"
                )
                wrong = []
                if inbox["page"][0] > inbox["page"][1]:
                    wrong.append(f"the page is {inbox['page']}")
                if inbox["table"][0] > inbox["table"][1]:
                    wrong.append(f"the table is {inbox['table'][0]}px in {inbox['table'][1]}")
                if inbox["hidden"]:
                    wrong.append(f"out of sight: {inbox['hidden']}")
                if split:
                    wrong.append(f"broken inside a word: {split}")
                if wrong:
                    seen[f"{language} {username} {width}px"] = wrong
            page.context.close()
    assert seen == {}


# A unit's name in the first column of the lists by unit.
UNIT_LISTS = {
    "/reports/": "#unit-reports tbody th",
    "/reports/plans/": "#plans tbody th",
    "/reports/annual/": "#summaries tbody th",
    "/dashboard/": "#table-units tbody th, #table-rates tbody th, #table-routing tbody th",
    "/orders/overdue/": "#overdue-board tbody tr > :first-child",
}


def test_a_units_name_is_broken_only_between_words_on_a_laptop(browser, orders, live_server):
    """In Chinese a unit's name stands whole; in English it wraps between its words."""
    seen = {}
    for language in LANGUAGES:
        page = sign_in(browser, live_server, "office_lap", language, 1024)
        for width in (1024, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            for address, selector in UNIT_LISTS.items():
                page.goto(f"{live_server.url}{address}")
                assert page.locator(selector).count() >= 3, (address, selector)
                split = page.evaluate(SPLIT_INSIDE_WORDS, selector)
                if split:
                    seen[f"{language} {width}px {address}"] = split
        page.context.close()
    assert seen == {}


# The lines a link's own text stands on (its hidden unit's name, absolutely placed, aside).
LINK_LINES = """(selector) => [...document.querySelectorAll(selector)].filter(
  (a) => a.getClientRects().length).map((a) => {
  const tops = new Set();
  let text = "";
  const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest(".visually-hidden")) continue;
    for (let i = 0; i < node.length; i++) {
      if (!node.data[i].trim()) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = [...range.getClientRects()].find((r) => r.width > 0);
      if (box) tops.add(Math.round(box.top));
    }
    text += node.data;
  }
  return [text, tops.size];
})"""


def test_the_link_to_add_a_units_people_is_read_whole(browser, orders, live_server):
    """Beside "Nobody to remind" the link to the admin broke as "在系统管理中添加其 / 人员"
    at 1366px: it stands on one line at a desk, a laptop, a tablet and a phone, and the page
    does not scroll sideways for it. In English at 1024 and 768px, where its column is
    narrower than it and the table has no more room, it wraps between its words.
    As in the demo: one unit's report in, with its dates."""
    UnitReport.objects.create(
        unit=unit("market-regulation"),
        year=2026,
        quarter=3,
        status=ReportStatus.ACCEPTED,
        submitted_at=timezone.now() - timedelta(days=3),
        reviewed_at=timezone.now(),
    )
    seen = {}
    for language in LANGUAGES:
        page = sign_in(browser, live_server, "office_lap", language, 1366)
        for width in (1366, 1280, 1024, 768, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/reports/?period=2026Q3")
            links = page.evaluate(LINK_LINES, "[id^=nobody-] a")
            assert len(links) >= 3, (language, width)
            broken = sorted({text for text, lines in links if lines != 1})
            if language == "en" and width in (1024, 768):
                # The column is narrower than the link: it may wrap between its words.
                broken = page.evaluate(SPLIT_INSIDE_WORDS, "[id^=nobody-] a")
            scroll = page.evaluate(
                "() => [document.scrollingElement.scrollWidth,"
                " document.scrollingElement.clientWidth]"
            )
            table = page.evaluate(
                "() => { const t = document.querySelector('#unit-reports');"
                " return [t.scrollWidth, t.parentElement.clientWidth]; }"
            )
            wrong = []
            if broken:
                wrong.append(f"broken: {broken}")
            if scroll[0] > scroll[1]:
                wrong.append(f"the page is {scroll}")
            if table[0] > table[1]:
                wrong.append(f"the table is {table[0]}px in {table[1]}")
            if wrong:
                seen[f"{language} {width}px"] = wrong
        page.context.close()
    assert seen == {}


# The Chinese names under `selector` (lang="zh-Hans" on an English page) that stand on lines
# broken inside a word, as the browser's own Chinese dictionary splits them into words, or
# that leave one or two characters on a line of their own.
CHINESE_NAMES_BROKEN = """(selector) => {
  const words = new Intl.Segmenter("zh-Hans", {granularity: "word"});
  const wrong = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.getClientRects().length) continue;
    const text = el.textContent;
    const ends = new Set([...words.segment(text)].map((s) => s.index + s.segment.length));
    const lines = [];
    let at = -1, line = "";
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let offset = 0, broken = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = [...range.getClientRects()].find((r) => r.width > 0);
        if (box && node.data[i].trim()) {
          const top = Math.round(box.top);
          if (line && top !== at) {
            lines.push(line);
            line = "";
            if (!ends.has(offset + i) && !broken) broken = offset + i;
          }
          at = top;
        }
        line += node.data[i];
      }
      offset += node.length;
    }
    lines.push(line);
    const shown = lines.map((l) => l.trim()).join(" / ");
    if (broken !== null) wrong.push(shown + " (inside a word)");
    else if (lines.length > 1 && lines.some((l) => [...l.trim()].length <= 2)) wrong.push(shown);
  }
  return wrong;
}"""

BUSINESSES = (
    "天津某物业服务有限公司",
    "某某便民超市",
    "某某健身会所",
    "某某便民超市连锁有限公司",
    "天津市武清区某某餐饮管理有限公司",
)


@pytest.fixture
def businesses(transactional_db):
    """Orders received this week, each naming one of the businesses."""
    office = UserFactory(username="office_biz", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    for name in BUSINESSES:
        make_order(office, title="超市销售过期食品", business_name=name)


def test_chinese_names_on_an_english_phone_break_between_their_words(
    browser, businesses, live_server
):
    """The dashboard's businesses on a phone in English broke as "某某便民超 / 市", "天津某物业服务
    有限公 / 司": a Chinese name stands whole where it fits, and otherwise breaks between its
    words, never leaving one or two characters on a line; the page does not scroll sideways.
    At 360px, where the English headings leave no room for a six-character name, it breaks
    between any two words rather than push the table out of its card."""
    seen = {}
    page = sign_in(browser, live_server, "office_biz", "en", 390)
    for width in (390, 1024, 1366, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/dashboard/")
        names = page.locator("#table-businesses tbody th[lang]")
        assert names.count() == len(BUSINESSES), width
        wrong = page.evaluate(CHINESE_NAMES_BROKEN, "#table-businesses tbody th[lang]")
        if width == 360:
            wrong = [w for w in wrong if "inside a word" in w]
        out = page.evaluate(
            """() => {
              const se = document.scrollingElement;
              const table = document.querySelector("#table-businesses");
              const card = table.closest(".card");
              return [se.scrollWidth - se.clientWidth,
                      table.getBoundingClientRect().right - card.getBoundingClientRect().right
                      + parseFloat(getComputedStyle(card).borderRightWidth)];
            }"""
        )
        if out[0] > 0:
            wrong.append(f"the page scrolls {out[0]}px sideways")
        if out[1] > 0:
            wrong.append(f"the table stands {out[1]:.0f}px out of its card")
        if wrong:
            seen[f"{width}px"] = wrong
    page.context.close()
    assert seen == {}


# The requests to step in as laid out: each row's title cell width, the table's width in its
# box, and the texts read in one row's cells.
STEP_IN_LIST = """() => {
  const table = document.querySelector("#interventions");
  const titles = [...table.querySelectorAll("tbody td.intervention-title")]
    .map((td) => Math.round(td.getBoundingClientRect().width));
  return {
    titles: titles,
    table: [table.scrollWidth, table.parentElement.clientWidth],
    page: [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth],
  };
}"""


@pytest.fixture
def requests_to_step_in(transactional_db):
    from complaints import interventions

    office = UserFactory(username="office_lap", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    liaison = UserFactory(
        username="mr_lap", unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON]
    )
    police = UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_STAFF])
    for title, units in (
        (
            "Gas leak at a shopping-centre food court; the tenant keeps trading and refuses "
            "to close",
            ["housing", "public-security"],
        ),
        ("商场自动扶梯突然反转致多名顾客受伤，商户拒绝停业整改", ["housing", "public-security"]),
        ("Supermarket chain selling expired infant formula in three branches", ["housing"]),
    ):
        item = interventions.intervention_request(
            acting_user=liaison, unit_codes=units, title=title, situation="请提前介入。"
        )
        if "public-security" in units:
            interventions.intervention_answer(
                intervention_id=item.id, acting_user=police, join=True
            )
    return office


def test_a_request_to_step_in_keeps_room_for_its_title_on_a_laptop(
    browser, requests_to_step_in, live_server
):
    """At 1366px in English the title had about 350px beside the asking unit and the
    answers ("Housing and Construction Commission: Asked, no answer yet"), at 1024px 160px,
    two words a line. It keeps 300px at least, in both languages, with no sideways scroll and
    the units' names whole; at 1024 the asking unit and the time to answer by stand under the
    title and the number."""
    seen = {}
    for language in LANGUAGES:
        page = sign_in(browser, live_server, "office_lap", language, 1366)
        for width in (1366, 1024):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/interventions/")
            laid = page.evaluate(STEP_IN_LIST)
            wrong = []
            if len(laid["titles"]) != 3 or min(laid["titles"]) < 300:
                wrong.append(f"titles {laid['titles']}px wide")
            if laid["table"][0] > laid["table"][1] or laid["page"][0] > laid["page"][1]:
                wrong.append(f"scrolls sideways: {laid}")
            if language == "zh-hans" and (
                split := page.evaluate(SPLIT_INSIDE_WORDS, "#interventions .unit-name")
            ):
                wrong.append(f"broken inside a word: {split}")
            shown = page.locator("#interventions .asked-by-line").first.is_visible()
            if shown != (width == 1024):
                wrong.append(f"asking unit under the title: {shown}")
            if wrong:
                seen[f"{language} {width}px"] = wrong
        page.context.close()
    assert seen == {}


# The leads as laid out: each row's title cell width, the table's width in its box.
LEADS_LIST = """() => {
  const table = document.querySelector("#referrals");
  const titles = [...table.querySelectorAll("tbody td.lead-title")]
    .map((td) => Math.round(td.getBoundingClientRect().width));
  return {
    titles: titles,
    table: [table.scrollWidth, table.parentElement.clientWidth],
    page: [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth],
  };
}"""


@pytest.fixture
def leads(transactional_db):
    """Leads between the units of the longest names, in English and in Chinese: one waiting
    to be acknowledged (overdue), one acknowledged late, one rejected."""
    from complaints import referrals

    UserFactory(username="office_lap", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    housing = UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])
    culture = UserFactory(unit=unit("culture-tourism"), roles=[RoleCode.UNIT_STAFF])
    sent = []
    for by, to, title in (
        (
            commerce,
            "housing",
            "Property-management company cutting off water to owners who refuse the new "
            "parking fee",
        ),
        (housing, "culture-tourism", "旅行社以低价团诱导游客进入指定购物店强制消费，拒绝退款"),
        (
            culture,
            "commerce",
            "Prepaid cards of a closed fitness club still sold through a partner travel agency",
        ),
    ):
        sent.append(
            referrals.referral_send(
                acting_user=by, to_unit_code=to, title=title, facts="详见附件。", urgent=True
            )
        )
    Referral = type(sent[0])
    Referral.objects.filter(id__in=[r.id for r in sent]).update(
        ack_due_at=timezone.now() - timedelta(days=2)
    )
    referrals.referral_acknowledge(referral_id=sent[1].id, acting_user=culture)
    referrals.referral_reject(referral_id=sent[2].id, acting_user=commerce, reasons="不属本单位。")


def test_a_lead_keeps_room_for_its_title_on_a_laptop(browser, leads, live_server):
    """At 1366px in English the title had about 180px beside the two units, the status and
    the acknowledgement, three or four words a line (about 140px at 1280). It keeps 300px at
    least at 1366 and 200 at 1280, in both languages, with no sideways scroll down to 1200
    and the units' names whole. At 1024 it had about 110px and the acknowledgement stood
    behind a sideways scroll: there the referring unit stands under the title and the
    acknowledgement under the number, as the requests to step in do, and the title keeps
    280px."""
    seen = {}
    for language in LANGUAGES:
        page = sign_in(browser, live_server, "office_lap", language, 1366)
        for width, room in ((1366, 300), (1280, 200), (1200, 0), (1024, 280)):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/referrals/")
            laid = page.evaluate(LEADS_LIST)
            wrong = []
            if len(laid["titles"]) != 3 or min(laid["titles"]) < room:
                wrong.append(f"titles {laid['titles']}px wide")
            if laid["table"][0] > laid["table"][1] or laid["page"][0] > laid["page"][1]:
                wrong.append(f"scrolls sideways: {laid}")
            if language == "zh-hans" and (
                split := page.evaluate(SPLIT_INSIDE_WORDS, "#referrals .unit-name")
            ):
                wrong.append(f"broken inside a word: {split}")
            moved = [
                page.locator(f"#referrals {line}").first.is_visible()
                for line in (".referred-by-line", ".lead-ack-line")
            ]
            if moved != [width == 1024] * 2:
                wrong.append(f"referring unit, acknowledgement in lines: {moved}")
            if wrong:
                seen[f"{language} {width}px"] = wrong
        page.context.close()
    assert seen == {}


# The record numbers and dates under `selector` that stand on two lines: a browser may break
# a line after a hyphen, "2026-12-" on one line and "05" on the next.
TOKENS_BROKEN = r"""(selector) => {
  const broken = [];
  for (const el of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[A-Z]{2}-\d{4}-\d{6}|\d{4}-\d{2}-\d{2}|\d{2}-\d{2}/g)) {
        const tops = new Set();
        for (let i = m.index; i < m.index + m[0].length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const box = [...range.getClientRects()].find((r) => r.width > 0);
          if (box) tops.add(Math.round(box.top));
        }
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


@pytest.fixture
def disputes_decided(transactional_db):
    """Two disputes of the demo's length: one waiting for the group leader, one decided."""
    from complaints import disputes

    office = UserFactory(username="office_lap", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    leader = UserFactory(username="leader_lap", unit=unit("office"), roles=[RoleCode.GROUP_LEADER])
    for summary, decide in (
        ("美发店转让后拒退预付卡余额，区商务局与区市场监管局对由谁处理意见不一。", False),
        (
            "电梯反复困人，既涉及物业管理，也涉及电梯安全监管，区住建委与区市场监管局对由谁牵头处理意见不一。",
            True,
        ),
    ):
        order = make_order(office, unit_code="commerce", category="预付卡")
        dispute = disputes.dispute_open(
            acting_user=office,
            summary=summary,
            order_number=order.number,
            unit_codes=["market-regulation", "commerce"],
        )
        disputes.dispute_propose(dispute_id=dispute.id, acting_user=office, proposal="建议")
        if decide:
            disputes.dispute_designate(
                dispute_id=dispute.id, acting_user=leader, unit_code="commerce", note="商务局办理"
            )


def test_the_dispute_lists_dates_numbers_and_states_are_read_whole(
    browser, disputes_decided, live_server
):
    """Beside the long summaries the last columns were narrow: "已于2026-12-" stood above
    "05决定", "待组长决" above "定", and in English at 1024px the bare date "2026-12-" above
    "15"."""
    seen = {}
    for language in LANGUAGES:
        page = sign_in(browser, live_server, "office_lap", language, 1366)
        for width in (1366, 1024):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/disputes/")
            assert page.locator("#disputes tbody tr").count() == 2
            wrong = page.evaluate(TOKENS_BROKEN, "#disputes tbody td")
            if language == "zh-hans":
                wrong += page.evaluate(
                    SPLIT_INSIDE_WORDS,
                    "#disputes tbody td:nth-child(4), #disputes tbody td:nth-child(5)",
                )
            if wrong:
                seen[f"{language} {width}px"] = wrong
        page.context.close()
    assert seen == {}


AUDIT_LIST = """() => {
  const table = document.querySelector("#result_list");
  const summaries = [...table.querySelectorAll("tbody td.field-summary")];
  return {
    table: [table.scrollWidth, table.parentElement.clientWidth],
    summaries: summaries.length,
    narrowest: Math.min(...summaries.map((td) => td.getBoundingClientRect().width)),
    objects: [...table.querySelectorAll("tbody td.field-object_type")].map((td) => td.innerText),
  };
}"""


def test_the_audit_trail_fits_a_laptop_with_room_for_its_summaries(
    browser, transactional_db, live_server
):
    """At 1280 and 1366px, in both languages, the admin's menu open: the trail without a
    sideways scroll, the summaries at least 150px wide. In English it was 890px in a 717px
    box at 1366px: a unit's long name kept on one line, the object's id off to the right."""
    office = UserFactory(
        username="office_audit", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF]
    )
    housing = unit("housing")
    for number in range(3):
        AuditEntry.objects.create(
            actor=office,
            unit=housing,
            action="duty_contact.update",
            object_type="departments.dutycontact",
            object_id=str(40 + number),
            summary="郑华 13800000000（值班电话变更为 022-29341234，节假日由王芳值班）",
        )
    seen = {}
    for language in LANGUAGES:
        page = sign_in(browser, live_server, office.username, language, 1366)
        for width in (1280, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/admin/departments/auditentry/")
            trail = page.evaluate(AUDIT_LIST)
            assert trail["summaries"] == 3, trail
            wrong = []
            if trail["table"][0] > trail["table"][1]:
                wrong.append(f"the table is {trail['table'][0]}px in {trail['table'][1]}")
            if trail["narrowest"] < 150:
                wrong.append(f"a summary is {trail['narrowest']:.0f}px wide")
            if wrong:
                seen[f"{language} {width}px"] = wrong
        page.context.close()
    assert seen == {}
    # The kind of record and its id in one column, each in the reader's language.
    assert sorted(trail["objects"]) == ["Duty contact #40", "Duty contact #41", "Duty contact #42"]
