"""The co-handling units' checkboxes cannot tick the unit chosen as primary, in a real
Chromium: on the office's new-order form when it picks a unit, on an order's dispatch form,
and on the leader's designation when he changes the unit designated, the primary unit's box
is disabled and unticked (if it was ticked), with "(the primary unit)" beside its name. The
server refuses the primary as a co-unit anyway (test_co_units_at_decision_and_intake.py);
the page keeps it from being chosen."""

import pytest

from complaints import disputes, workflow
from complaints.models import Dispute
from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS


@pytest.fixture
def proposed(transactional_db):
    office = UserFactory(username="c_office", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    UserFactory(username="c_leader", unit=unit("office"), roles=[RoleCode.GROUP_LEADER])
    commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    education = UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF])
    order = make_order(office, unit_code="commerce", content="培训学校预付学费停课，要求退费")
    workflow.workorder_return(order_id=order.id, acting_user=commerce, reason="属教育")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office, unit_code="education")
    workflow.workorder_return(order_id=order.id, acting_user=education, reason="属商务")
    dispute = Dispute.objects.get(order=order)
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=office, proposal="建议", unit_code="education"
    )
    return dispute


@pytest.fixture
def browser(module_browser, proposed, live_server):
    """The module's one Chromium; what a test opened in it is closed after it."""
    yield module_browser
    for context in module_browser.contexts:
        context.close()


def offered(page, group: str) -> set[str]:
    """The units that can be ticked in the checkbox group `group`."""
    return set(
        page.eval_on_selector_all(
            f"{group} input[type=checkbox]",
            "boxes => boxes.filter(b => !b.disabled).map(b => b.value)",
        )
    )


def ticked(page, group: str) -> set[str]:
    return set(
        page.eval_on_selector_all(
            f"{group} input[type=checkbox]",
            "boxes => boxes.filter(b => b.checked).map(b => b.value)",
        )
    )


def test_the_primary_unit_cannot_be_ticked_as_a_co_unit(browser, live_server, proposed):
    office = signed_in(browser, live_server, "c_office", at="/orders/new/")
    office.check("input[name=routing_choice][value=unit]")
    office.select_option("#id_unit", "housing")
    assert "housing" not in offered(office, "#id_co_units")
    assert office.is_visible("label[for=id_co_units-housing] .unit-check-why")
    office.check("#id_co_units-commerce")
    office.check("#id_co_units-education")
    office.select_option("#id_unit", "commerce")
    assert "commerce" not in offered(office, "#id_co_units")
    assert "housing" in offered(office, "#id_co_units")
    assert ticked(office, "#id_co_units") == {"education"}
    assert office.is_visible("label[for=id_co_units-commerce] .unit-check-why")
    assert not office.is_visible("label[for=id_co_units-housing] .unit-check-why")

    waiting = make_order(None, send_to_triage=True)
    office.goto(f"{live_server.url}/orders/{waiting.number}/")
    office.check("#dispatch-co-housing")
    office.select_option("#dispatch-unit", "housing")
    assert "housing" not in offered(office, "#dispatch-co")
    assert "commerce" in offered(office, "#dispatch-co")
    assert ticked(office, "#dispatch-co") == set()

    leader = signed_in(browser, live_server, "c_leader", at=f"/disputes/{proposed.id}/")
    assert "education" not in offered(leader, "#designate-co")
    leader.check("#designate-co-market-regulation")
    leader.select_option("#designate-unit", "market-regulation")
    assert "market-regulation" not in offered(leader, "#designate-co")
    assert "education" in offered(leader, "#designate-co")
    assert ticked(leader, "#designate-co") == set()


def test_a_refused_form_shows_its_ticked_units_in_the_list(browser, live_server, proposed):
    """The list scrolls inside its frame: a form sent back with a unit ticked far down the
    list showed its first names only, as if nothing had been ticked."""
    # In English the names take a column of their own, and the list scrolls.
    office = signed_in(browser, live_server, "c_office", at="/orders/new/", language="en")
    office.fill("#id_content", "某培训学校停课")
    office.check("input[name=routing_choice][value=triage]")
    office.check("#id_co_units-culture-tourism")
    office.click("#intake-submit")
    office.wait_for_selector("#id_co_units-error")
    assert office.is_checked("#id_co_units-culture-tourism")
    inside = office.eval_on_selector(
        "#id_co_units-culture-tourism",
        """box => { const list = box.closest('.unit-checks-list').getBoundingClientRect();
                    const at = box.getBoundingClientRect();
                    return at.top >= list.top && at.bottom <= list.bottom; }""",
    )
    assert inside


LOOK = """box => {
  const label = document.querySelector(`label[for="${box.id}"]`);
  const style = getComputedStyle(label);
  return {
    cursor: style.cursor,
    rowCursor: getComputedStyle(box.closest('.form-check')).cursor,
    color: style.color,
    title: label.getAttribute('title') || '',
  };
}"""


def test_a_unit_that_cannot_be_ticked_looks_it_and_says_why(browser, live_server, proposed):
    """The primary unit's box in the co-handling group was disabled, but its name read like
    any other, with the hand cursor of a label: it is greyed now, the cursor says no, and the
    label's title gives the reason, moving with the primary unit."""
    leader = signed_in(
        browser, live_server, "c_leader", at=f"/disputes/{proposed.id}/", language="en"
    )
    leader.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
    shut = leader.eval_on_selector("#designate-co-education", LOOK)
    open_ = leader.eval_on_selector("#designate-co-commerce", LOOK)
    assert shut["cursor"] == "not-allowed" and shut["rowCursor"] == "not-allowed"
    assert shut["color"] != open_["color"]
    assert "Education Bureau is the primary unit" in shut["title"]
    assert open_["title"] == "" and open_["cursor"] != "not-allowed"
    leader.select_option("#designate-unit", "commerce")
    assert (
        "Commerce Bureau is the primary unit"
        in leader.eval_on_selector("#designate-co-commerce", LOOK)["title"]
    )
    assert leader.eval_on_selector("#designate-co-education", LOOK)["title"] == ""
