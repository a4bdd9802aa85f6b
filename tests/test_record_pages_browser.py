"""Leads, requests to step in and mediation agreements, in Chinese and in English, on a
laptop and on a phone.

A request's number stood as "JR-2026- / 000001" in the list at 1366px in English, broken at
its hyphen beside a title squeezed to five characters; a lead's receiving unit broke inside
its name ("区住房建设 / 委") while the referring unit beside it stood whole; on a phone the
pages of a lead and a request broke their date with its time ("2026- / 12-02 12:18") after
the referring unit and person, and a request's answers stood in four columns, each unit's
answer squeezed to two characters a line ("已请求， / 尚未 / 答复", "不属 / 我委 / 职责。")."""

from __future__ import annotations

from datetime import date

import pytest

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS

LANGUAGES = ("zh-hans", "en")

# Each record number (a link in the lists' first column), each Chinese unit's name, and each
# date with its time in `main`, that stands on more than one line.
BROKEN = r"""(selector) => {
  const lines = (range) => new Set(
    [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))
  ).size;
  const broken = [];
  for (const el of document.querySelectorAll(selector)) {
    const range = document.createRange();
    range.selectNodeContents(el);
    if (lines(range) > 1) broken.push(el.innerText.replace(/\n/g, " / "));
  }
  const texts = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  while (texts.nextNode()) {
    const node = texts.currentNode;
    for (const found of node.data.matchAll(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/g)) {
      const range = document.createRange();
      range.setStart(node, found.index);
      range.setEnd(node, found.index + found[0].length);
      if (lines(range) > 1) broken.push(found[0]);
    }
  }
  return broken;
}"""


@pytest.fixture
def records(transactional_db):
    """A lead the Market Regulation Bureau referred to the
    Housing and Construction Commission, a request to step in, a mediation agreement."""
    from complaints import interventions, mediation, referrals, workflow

    office = UserFactory(username="office_rec", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    mr = UserFactory(
        username="mr_rec",
        unit=unit("market-regulation"),
        roles=[RoleCode.UNIT_STAFF, RoleCode.UNIT_LIAISON],
    )
    housing = UserFactory(username="housing_rec", unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])
    lead = referrals.referral_send(
        acting_user=mr,
        to_unit_code="housing",
        title="小区物业擅自提高停车费",
        facts="巡查中发现某物业公司未经备案上调地下车位停车费。",
    )
    item = interventions.intervention_request(
        acting_user=mr,
        unit_codes=["housing", "public-security"],
        title="商场电梯事故",
        situation="某商场自动扶梯伤人，涉及特种设备与物业管理，请提前介入。",
    )
    interventions.intervention_answer(
        intervention_id=item.id, acting_user=housing, join=False, reason="不属我委职责。"
    )
    order = make_order(office)
    workflow.workorder_sign(order_id=order.id, acting_user=mr)
    agreement = mediation.agreement_record(
        order_number=order.number,
        acting_user=mr,
        body="unit",
        parties="张先生；某某超市",
        terms="超市退还货款并赔偿500元",
        effective_on=date.today(),
        amount="500",
    )
    return {"lead": lead.id, "intervention": item.id, "agreement": agreement.id}


def sign_in(browser, live_server, username: str, language: str, width: int):
    viewport = {"width": width, "height": 900}
    return signed_in(browser, live_server, username, language=language, viewport=viewport)


def test_numbers_unit_names_and_times_stand_whole(records, live_server):
    lists = {
        "/referrals/?tab=all": "#referrals td:first-child a, #referrals .unit-name",
        "/interventions/": "#interventions td:first-child a, #interventions .unit-name",
        "/mediation/": "#mediations td:first-child a, #mediations .unit-name",
    }
    details = [
        f"/referrals/{records['lead']}/",
        f"/interventions/{records['intervention']}/",
        f"/mediation/{records['agreement']}/",
    ]
    seen = {}
    with chromium() as browser:
        for language in LANGUAGES:
            for username in ("mr_rec", "housing_rec", "office_rec"):
                page = sign_in(browser, live_server, username, language, 1366)
                for width in (1366, 1024, 390):
                    page.set_viewport_size({"width": width, "height": 900})
                    for address, selector in lists.items():
                        page.goto(f"{live_server.url}{address}")
                        if address.startswith("/referrals/"):
                            # Both units of each lead are names read whole (the referring
                            # unit stands under the title on a narrow laptop instead).
                            rows = page.locator("#referrals tbody tr[data-referral]").count()
                            names = page.locator("#referrals tbody .unit-name:visible").count()
                            if rows and names != 2 * rows:
                                seen[f"{language} {username} {width}px {address}"] = [
                                    f"{names} unit names marked in {rows} rows"
                                ]
                        # An English name may wrap between its words; a Chinese one stands whole.
                        if language == "en":
                            selector = selector.split(",")[0]
                        if broken := page.evaluate(BROKEN, selector):
                            seen[f"{language} {username} {width}px {address}"] = broken
                    for address in details:
                        if username == "housing_rec" and "mediation" in address:
                            continue  # not its unit's agreement
                        page.goto(f"{live_server.url}{address}")
                        # A unit's answer to a request, and its reason's first words, whole.
                        answers = "#answers td:first-of-type" if width == 390 else "h1"
                        if broken := page.evaluate(BROKEN, answers):
                            seen[f"{language} {username} {width}px {address}"] = broken
                page.context.close()
    assert not seen, "\n".join(f"{where}: {what}" for where, what in sorted(seen.items()))
