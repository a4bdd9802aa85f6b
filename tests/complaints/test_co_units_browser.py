"""The co-handling list leaves out the unit chosen as primary, in a real Chromium: on the
office's new-order form when it picks a unit, on an order's dispatch form, and on the
leader's designation when he changes the unit designated. The server refuses the primary
as a co-unit anyway (test_co_units_at_decision_and_intake.py); the page keeps it from being
chosen."""

import pytest

from complaints import disputes, workflow
from complaints.models import Dispute
from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
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
def browser(proposed, live_server):
    with chromium() as browser:
        yield browser


def offered(page, selector: str) -> set[str]:
    return set(
        page.eval_on_selector_all(
            f"{selector} option",
            "options => options.filter(o => !o.hidden && !o.disabled).map(o => o.value)",
        )
    )


def test_the_primary_unit_is_not_offered_as_a_co_unit(browser, live_server, proposed):
    from django.db import connections

    try:
        office = signed_in(browser, live_server, "c_office")
        office.goto(f"{live_server.url}/orders/new/")
        office.check("input[name=routing_choice][value=unit]")
        office.select_option("#id_unit", "housing")
        assert "housing" not in offered(office, "#id_co_units")
        office.select_option("#id_co_units", ["commerce"])
        office.select_option("#id_unit", "commerce")
        assert "commerce" not in offered(office, "#id_co_units")
        assert "housing" in offered(office, "#id_co_units")
        assert office.eval_on_selector("#id_co_units", "s => [...s.selectedOptions].length") == 0

        waiting = make_order(None, send_to_triage=True)
        office.goto(f"{live_server.url}/orders/{waiting.number}/")
        office.select_option("#dispatch-unit", "housing")
        assert "housing" not in offered(office, "#dispatch-co")
        assert "commerce" in offered(office, "#dispatch-co")

        leader = signed_in(browser, live_server, "c_leader")
        leader.goto(f"{live_server.url}/disputes/{proposed.id}/")
        assert "education" not in offered(leader, "#designate-co")
        leader.select_option("#designate-unit", "market-regulation")
        assert "market-regulation" not in offered(leader, "#designate-co")
        assert "education" in offered(leader, "#designate-co")
    finally:
        connections.close_all()
