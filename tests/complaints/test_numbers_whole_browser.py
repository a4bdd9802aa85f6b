"""A record's number is read whole. In the disputes list at 1366px the number column broke
each number at its hyphen ("ZY-2026-" on one line, "000003" on the next), and in the leads
list the decision and the lead sent on by it ("依组长决定转送 ZY-/2026-000003 → YS-/2026-
000002"): a number is what an official reads out on the phone or types into the search."""

from __future__ import annotations

import pytest

from complaints import disputes, referrals
from complaints.models import Dispute
from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS

# Each element holding nothing but a number, with how many lines it stands on.
NUMBERS = """() => [...document.querySelectorAll("main a, main span")]
  .filter((el) => !el.children.length && /^[A-Z]{2}-\\d{4}-\\d{6}$/.test(el.innerText.trim()))
  .map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return [el.innerText.trim(), tops.size];
  })"""


@pytest.fixture
def records(transactional_db):
    """A dispute about an order, and a lead rejected, put to the group leader, and sent on
    by his decision (the leads list then names the decision and the lead sent on)."""
    office = UserFactory(username="office_nr", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    leader = UserFactory(username="leader_nr", unit=unit("office"), roles=[RoleCode.GROUP_LEADER])
    commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    education = UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF])
    UserFactory(username="housing_nr", unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])
    order = make_order(office, unit_code="commerce", content="美发店转让后拒退预付卡余额")
    disputes.dispute_open(
        acting_user=office,
        summary="美发店转让后拒退预付卡余额，区商务局与区市场监管局对由谁处理意见不一。",
        order_number=order.number,
        unit_codes=["market-regulation"],
    )
    lead = referrals.referral_send(
        acting_user=commerce,
        to_unit_code="education",
        title="某小区物业公司擅自提高物业费并停止电梯维保",
        facts="办理电梯困人投诉时发现，该物业公司涉嫌违反物业服务合同约定。",
    )
    referrals.referral_reject(referral_id=lead.id, acting_user=education, reasons="不属教育。")
    dispute = Dispute.objects.get(referral=lead)
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=office, proposal="物业收费属住建。", unit_code="housing"
    )
    disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=leader, unit_code="housing", note="由住建委处理。"
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_numbers_in_the_lists_stand_on_one_line(browser, records, live_server, language):
    broken = {}
    page = signed_in(browser, live_server, "office_nr", language=language)
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        for address in ("/disputes/", "/referrals/"):
            page.goto(f"{live_server.url}{address}")
            numbers = page.evaluate(NUMBERS)
            assert len(numbers) >= 3, (address, numbers)
            if split := [number for number, lines in numbers if lines > 1]:
                broken[f"{address} at {width}px"] = split
    assert broken == {}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_numbers_in_notices_and_history_stand_on_one_line_on_a_phone(
    browser, records, live_server, language
):
    """A notice's title is a sentence: on a phone "…lead YS-2026-" stood on one line and
    "000002" on the next. Housing is told the lead the leader's decision sent it, naming the
    decision and the lead; accepting it registers an order whose history names them too."""
    from complaints.models import Referral, WorkOrder
    from departments.models import User

    lead = Referral.objects.get(by_decision__isnull=False)
    accepted = referrals.referral_accept(
        referral_id=lead.id,
        acting_user=User.objects.get(username="housing_nr"),
        open_order=True,
    )
    order = WorkOrder.objects.get(number=accepted.case_reference)
    page = signed_in(
        browser,
        live_server,
        "housing_nr",
        language=language,
        viewport={"width": 390, "height": 800},
    )
    broken = {}
    for address in ("/notifications/", f"/orders/{order.number}/"):
        page.goto(f"{live_server.url}{address}")
        numbers = page.evaluate(NUMBERS)
        assert {lead.number} <= {number for number, _lines in numbers}, (address, numbers)
        if split := [number for number, lines in numbers if lines > 1]:
            broken[address] = split
    assert broken == {}


def test_a_number_is_kept_whole_and_the_rest_escaped():
    from wuqing_consumer.templatetags.written import numbers_whole

    assert numbers_whole("<b>线索 YS-2026-000002 由WQ-2026-000001登记</b> AB-26-1") == (
        '&lt;b&gt;线索 <span class="text-nowrap">YS-2026-000002</span> 由'
        '<span class="text-nowrap">WQ-2026-000001</span>登记&lt;/b&gt; AB-26-1'
    )


def test_a_date_in_a_sentence_is_kept_whole_too():
    from wuqing_consumer.templatetags.written import numbers_whole

    assert numbers_whole("已于2026-12-05决定，WQ-2026-000001-2026-12-050 <i>") == (
        '已于<span class="text-nowrap">2026-12-05</span>决定，'
        '<span class="text-nowrap">WQ-2026-000001</span>-2026-12-050 &lt;i&gt;'
    )


def test_whole_date_gives_the_date_in_its_format_on_one_line():
    from datetime import UTC, date, datetime

    from django.template import Context, Template

    from wuqing_consumer.templatetags.written import whole_date

    assert whole_date(date(2026, 12, 5)) == '<span class="text-nowrap">2026-12-05</span>'
    assert whole_date(date(2026, 12, 5), "m-d") == '<span class="text-nowrap">12-05</span>'
    assert whole_date(None) == ""
    # Inside a translated sentence it is taken as markup, not shown as text; a moment is
    # shown at Beijing time, as the date filter shows it.
    at = datetime(2026, 12, 5, 12, 2, tzinfo=UTC)
    rendered = Template(
        '{% load i18n written %}{% blocktranslate with day=at|whole_date:"Y-m-d H:i" %}'
        "Decided on {{ day }}{% endblocktranslate %}"
    ).render(Context({"at": at}))
    assert rendered == '已于<span class="text-nowrap">2026-12-05 20:02</span>决定'
