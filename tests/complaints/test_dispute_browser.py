"""A jurisdiction dispute end to end in a real Chromium: the Commerce Bureau returns an order
about a prepaid card at a training school, the Education Bureau returns it too, the office
opens a dispute and proposes a team, the group leader forms one led by Education with
Commerce, both record findings, and Education concludes with a penalty and a hand-over to
public security. The order's timeline shows every step."""

import pytest

from complaints.models import Dispute, Referral
from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS


@pytest.fixture
def order(transactional_db):
    office = UserFactory(username="d_office", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    UserFactory(username="d_leader", unit=unit("office"), roles=[RoleCode.GROUP_LEADER])
    UserFactory(username="d_commerce", unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    UserFactory(username="d_education", unit=unit("education"), roles=[RoleCode.UNIT_STAFF])
    return make_order(
        office,
        unit_code="commerce",
        content="某培训学校收了一年预付学费后停课，老板失联，要求退费",
        category="预付卡",
    )


@pytest.fixture
def browser(module_browser, order, live_server):
    """The module's one Chromium; what a test opened in it is closed after it."""
    yield module_browser
    for context in module_browser.contexts:
        context.close()


def test_a_dispute_goes_from_two_returns_to_a_joint_team_and_a_handover(
    browser, live_server, order
):
    walk(browser, live_server, order.number)


def give_back(page, live_server, number, reason):
    page.goto(f"{live_server.url}/orders/{number}/")
    page.click("#summary-return")
    page.fill("#summary-return + form textarea[name=reason]", reason)
    page.once("dialog", lambda dialog: dialog.accept())  # a return cannot be taken back
    page.click("#action-return")
    page.wait_for_selector("#order-status[data-status='triage']")


def walk(browser, live_server, number):
    commerce = signed_in(browser, live_server, "d_commerce")
    give_back(commerce, live_server, number, "培训机构归教育部门管理")

    office = signed_in(browser, live_server, "d_office")
    office.goto(f"{live_server.url}/orders/{number}/")
    office.select_option("#dispatch-unit", "education")
    office.click("#action-dispatch")
    office.wait_for_selector("#order-status[data-status='assigned']")

    education = signed_in(browser, live_server, "d_education")
    give_back(education, live_server, number, "预付卡属商务部门")

    # The second return sent the order to the office as a dispute.
    office.goto(f"{live_server.url}/orders/{number}/")
    office.click("#disputes a.font-monospace")
    office.wait_for_selector("#dispute-status[data-status='open']")
    assert "预付卡属商务部门" in office.inner_text("#dispute-history")
    office.fill("#proposal", "建议成立联合调查组，由区教育局牵头、区商务局参加。")
    office.click("#propose")
    office.wait_for_selector("#dispute-status[data-status='proposed']")
    dispute_url = office.url

    leader = signed_in(browser, live_server, "d_leader")
    leader.goto(dispute_url)
    leader.select_option("#lead-unit", "education")
    leader.check("#member-units-commerce")
    leader.fill("#team-note", "涉及教育培训与预付卡经营，两部门联合调查")
    # The decision cannot be undone: the page asks first, and sends it once he agrees.
    asked = []
    leader.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    leader.click("#form-team")
    leader.wait_for_selector("#dispute-status[data-status='team']")
    assert "两部门联合调查" in leader.inner_text("#decision")
    assert len(asked) == 1

    education.goto(dispute_url)
    education.fill("#finding-text", "该校未取得办学许可。")
    education.click("#add-finding")
    education.wait_for_selector("text=该校未取得办学许可。")
    commerce.goto(dispute_url)
    commerce.fill("#finding-text", "预收费用逾五十万元。")
    commerce.click("#add-finding")
    commerce.wait_for_selector("text=预收费用逾五十万元。")

    education.goto(dispute_url)
    education.click("#details-conclude summary")
    education.fill("#c-finding", "无证办学，预收学费后停课，涉嫌诈骗。")
    education.fill("#c-law", "《民办教育促进法》第六十四条")
    education.fill("#c-procedure", "一般程序，联合调查")
    education.fill("#c-penalty", "责令停止办学，罚款十万元")
    education.check("#c-criminal")
    education.once("dialog", lambda dialog: dialog.accept())  # the conclusion is final
    education.click("#conclude")
    education.wait_for_selector("#dispute-status[data-status='concluded']")
    assert "罚款十万元" in education.inner_text("#conclusion")

    office.goto(f"{live_server.url}/orders/{number}/")
    timeline = office.inner_text("#timeline")
    dispute = Dispute.objects.get()
    for step in ("争议立项", "协调办意见", "已成立联合调查组", "记录调查情况", "调查结论"):
        assert f"{dispute.number} {step}" in timeline, step
    handover = Referral.objects.get(to_unit__code="public-security")
    assert handover.from_unit.code == "education"
    office.close()


def test_a_refused_conclusion_puts_the_keyboard_back_on_the_field_refused(
    browser, live_server, order
):
    """The page came back with the focus at its top, the reason only there: a keyboard user
    tabbed through the whole menu to find the folded form again."""
    from complaints import disputes, workflow

    people = {u: UserFactory._meta.model.objects.get(username=f"d_{u}") for u in PEOPLE}
    workflow.workorder_return(order_id=order.id, acting_user=people["commerce"], reason="属教育")
    workflow.workorder_dispatch(
        order_id=order.id, acting_user=people["office"], unit_code="education"
    )
    workflow.workorder_return(order_id=order.id, acting_user=people["education"], reason="属商务")
    dispute = Dispute.objects.get(order=order)
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="联合调查"
    )
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="education",
        member_unit_codes=["commerce"],
        note="联合调查",
    )
    page = signed_in(browser, live_server, "d_education")
    page.goto(f"{live_server.url}/disputes/{dispute.id}/")
    page.click("#details-conclude summary")
    page.fill("#c-finding", "停课未退费")
    page.fill("#c-procedure", "一般程序")
    page.once("dialog", lambda dialog: dialog.accept())  # the conclusion is final
    with page.expect_navigation():
        page.click("#conclude")

    assert page.evaluate("document.activeElement.id") == "c-law"
    assert page.is_visible("#c-law-refused")


PEOPLE = ("office", "leader", "commerce", "education")
