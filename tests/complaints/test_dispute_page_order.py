"""A dispute's page stands in the order a phone shows it, as an order's and a lead's do
(portal.css, .order-layout): the dispute, then what the reader can do with it (the
leader's decision, the office's proposal, a team member's finding), then the history. The
history stood between the facts and the decision, so on a phone the group leader scrolled
through every step of the case to reach the form he came for."""

from django.conf import settings
from django.urls import reverse

from complaints import disputes
from tests.factories import make_order


def test_the_leader_meets_the_decision_before_the_history(client, leader, office_staff):
    order = make_order(office_staff, unit_code="education", category="预付卡")
    dispute = disputes.dispute_open(
        acting_user=office_staff,
        summary="归属不清",
        order_number=order.number,
        unit_codes=["market-regulation", "education"],
    )
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office_staff, proposal="建议")
    client.force_login(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    layout = page.index('class="row g-3 order-layout"')
    facts = page.index('id="units-involved"')
    decision = page.index('id="decide"')
    history = page.index('id="dispute-history"')
    assert layout < facts < decision < history
    assert page.index('class="col-xl-8 order-more"') < history
