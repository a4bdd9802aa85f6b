"""An order the group leader's decision on a jurisdiction dispute assigned (a designation,
or a joint team's lead unit) is not re-dispatched by the office: his decision ends the
disagreement (四（五）). Before, the re-dispatch moved the order and cleared its forced
assignment, quietly undoing the decision. The service refuses, leaving the order as it is,
and the order's page says why, naming the dispute, instead of offering the form. The
office's other actions on the order, which leave it with its unit, still work, and an order
the office itself forced (after two returns) may still be re-dispatched."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from complaints import disputes, workflow
from complaints.choices import Action, DisputeStatus, Status
from complaints.models import Dispute, WorkOrder, WorkOrderEvent
from departments.models import Notification
from tests.complaints import lead_kit
from tests.factories import make_order, unit

REFUSAL = (
    "Order %(number)s cannot be re-dispatched: the group leader's decision on jurisdiction "
    "dispute %(dispute)s assigned it to %(unit)s, and his decision is final."
)


# The shared fixtures of the dispute and lead tests (tests/complaints/lead_kit.py).
clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


def decided(people, how: str = "designate") -> tuple[WorkOrder, Dispute]:
    """Dispatched to Commerce, which disputes it; on the office's proposal the leader gives
    it to Housing: designated, or as the lead unit of a joint team with Education."""
    order = make_order(people["office"], unit_code="commerce", content="物业公司预收物业费后撤场")
    dispute = disputes.dispute_open(
        acting_user=people["commerce"], summary="不属商务。", order_number=order.number
    )
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议住建委。"
    )
    if how == "designate":
        disputes.dispute_designate(
            dispute_id=dispute.id, acting_user=people["leader"], unit_code="housing", note="属物业"
        )
    else:
        disputes.dispute_form_team(
            dispute_id=dispute.id,
            acting_user=people["leader"],
            lead_unit_code="housing",
            member_unit_codes=["education"],
            note="成立联合调查组",
        )
    order = WorkOrder.objects.get(id=order.id)
    dispute = Dispute.objects.get(id=dispute.id)
    assert (order.status, order.primary_unit.code) == (Status.ASSIGNED, "housing")
    assert order.forced_assignment
    assert dispute.status in (DisputeStatus.DESIGNATED, DisputeStatus.TEAM)
    return order, dispute


def redispatch(people, order, unit_code="commerce") -> WorkOrder:
    return workflow.workorder_redispatch(
        order_id=order.id, acting_user=people["office"], unit_code=unit_code, reason="改派商务"
    )


def rows(order) -> tuple:
    return (
        WorkOrder.objects.filter(id=order.id).values().get(),
        sorted(order.unit_links.values_list("unit__code", "relation")),
        WorkOrderEvent.objects.filter(order=order).count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize("how", ["designate", "team"])
def test_the_service_refuses_to_redispatch_an_order_the_leader_assigned(people, how):
    order, dispute = decided(people, how)
    before = rows(order)
    said = REFUSAL % {
        "number": order.number,
        "dispute": dispute.number,
        "unit": "Housing and Construction Commission",
    }

    assert workflow.assignment_decided_by(order) == dispute
    assert workflow.redispatch_refusal_by_decision(order) == said
    assert Action.REDISPATCH not in workflow.allowed_actions(people["office"], order)
    with pytest.raises(workflow.NotPossibleNow) as refused:
        redispatch(people, order)
    assert refused.value.message == said

    # Untouched: still with Housing, still forced, nothing recorded or told.
    assert rows(order) == before


def test_the_offices_other_actions_still_work_on_an_order_the_leader_assigned(people):
    order, _ = decided(people, "team")
    offered = workflow.allowed_actions(people["office"], order)
    assert {Action.SUPERVISE, Action.EXCLUDE, Action.MERGE} <= set(offered)

    workflow.workorder_supervise(order_id=order.id, acting_user=people["office"], note="请尽快办理")
    workflow.workorder_sign(order_id=order.id, acting_user=people["housing"])

    order.refresh_from_db()
    assert (order.status, order.primary_unit.code) == (Status.IN_PROGRESS, "housing")
    assert order.forced_assignment and order.supervision_count == 1
    # Education still co-handles it, and the re-dispatch is still refused once signed for.
    assert order.unit_links.filter(unit__code="education", relation="co").exists()
    assert Action.REDISPATCH not in workflow.allowed_actions(people["office"], order)
    with pytest.raises(workflow.NotPossibleNow, match="cannot be re-dispatched: the group"):
        redispatch(people, order)


def test_an_assignment_the_office_forced_may_still_be_redispatched(people):
    """After two returns the office forces the dispatch: its own decision, not the
    leader's, so it may re-dispatch (which, as before, clears the forced assignment)."""
    order = make_order(people["office"], unit_code="commerce", content="物业公司预收物业费后撤场")
    workflow.workorder_return(order_id=order.id, acting_user=people["commerce"], reason="属住建")
    workflow.workorder_dispatch(
        order_id=order.id, acting_user=people["office"], unit_code="housing"
    )
    workflow.workorder_return(order_id=order.id, acting_user=people["housing"], reason="属商务")
    workflow.workorder_dispatch(
        order_id=order.id, acting_user=people["office"], unit_code="commerce", force=True
    )
    order = WorkOrder.objects.get(id=order.id)
    assert order.forced_assignment

    assert workflow.assignment_decided_by(order) is None
    assert Action.REDISPATCH in workflow.allowed_actions(people["office"], order)
    redispatch(people, order, unit_code="housing")
    order.refresh_from_db()
    assert (order.primary_unit.code, order.forced_assignment) == ("housing", False)


# -- the order's page ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_order_page_says_why_instead_of_offering_the_form(client, people, language):
    order, dispute = decided(people)
    client.force_login(people["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("order_detail", args=[order.number])
    with translation.override(language):
        said = gettext(REFUSAL) % {
            "number": order.number,
            "dispute": dispute.number,
            "unit": str(unit("housing")),
        }
        link = gettext("Dispute %(number)s") % {"number": dispute.number}

    page = client.get(url).content.decode()

    assert 'id="form-redispatch"' not in page
    shown = re.search(r'id="redispatch-refused" data-decided>(.*?)</div>', page, re.S).group(1)
    assert said.replace("'", "&#x27;") in shown
    assert reverse("dispute_detail", args=[dispute.id]) in shown and link in shown
    # The office's other forms are still there.
    assert reverse("order_act", args=[order.number, "supervise"]) in page

    # A form posted from a page opened before the decision: refused, with the same words.
    answer = client.post(
        reverse("order_act", args=[order.number, "redispatch"]),
        {"unit": "commerce", "reason": "属商务"},
        follow=True,
    )
    assert said in [str(m) for m in answer.context["messages"]]
    assert WorkOrder.objects.get(id=order.id).primary_unit.code == "housing"

    # The unit holding the order is offered no re-dispatch, and is told nothing of one.
    client.force_login(people["housing"])
    page = client.get(url).content.decode()
    assert 'id="redispatch-refused"' not in page and 'id="form-redispatch"' not in page


def test_the_form_is_offered_for_an_order_the_leader_did_not_assign(client, people):
    order = make_order(people["office"], unit_code="commerce", content="物业公司预收物业费后撤场")
    client.force_login(people["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("order_detail", args=[order.number])).content.decode()

    assert 'id="form-redispatch"' in page and 'id="redispatch-refused"' not in page


@pytest.mark.parametrize("how", ["designate", "team"])
def test_a_unit_refused_a_return_is_told_the_leader_decided_not_the_office(people, how):
    """The refusal said "The office assigned this order to your unit by a forced
    assignment" for an order the group leader's decision gave the unit."""
    order, dispute = decided(people, how)
    with pytest.raises(workflow.NotPossibleNow) as refused:
        workflow.workorder_return(
            order_id=order.id, acting_user=people["housing"], reason="不归我们"
        )
    assert dispute.number in refused.value.message
    assert "group leader's decision" in refused.value.message
    assert "The office assigned" not in refused.value.message


# -- what the order's page calls the assignment ----------------------------------------------


def _history_item(page: str, action: str) -> str:
    items = re.findall(rf'<li class="timeline-item" data-action="{action}">(.*?)</li>', page, re.S)
    assert len(items) == 1, items
    return items[0]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("how", ["designate", "team"])
def test_the_page_names_the_leaders_decision_not_a_forced_redispatch(client, people, language, how):
    """The header said "Forced assignment" and the history "Re-dispatched → Housing" with a
    "forced" badge, as if the office had moved the order on its own: it was the group
    leader's decision on the dispute, which both now name, the history with a link to it."""
    order, dispute = decided(people, how)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        decided_words = gettext("Assigned by the group leader's decision")
        forced_words = gettext("Forced assignment")
        redispatched = gettext("Re-dispatched")
    link = reverse("dispute_detail", args=[dispute.id])
    for reader in ("office", "housing", "commerce"):
        client.force_login(people[reader])
        page = client.get(reverse("order_detail", args=[order.number])).content.decode()

        badge = re.search(r'<span class="badge[^"]*" id="decided-badge"[^>]*>(.*?)</span>', page)
        assert badge and badge.group(1) == decided_words, reader
        assert dispute.number in re.search(r'id="decided-badge" title="([^"]*)"', page).group(1)
        assert forced_words not in page and 'id="forced-badge"' not in page

        item = _history_item(page, "redispatch")
        assert f"<strong>{decided_words}</strong>" in item
        assert redispatched not in item and "text-bg-dark" not in item
        assert f'data-decision="{dispute.number}"' in item
        assert f'href="{link}"' in item, reader


def test_an_order_the_office_forced_is_still_called_a_forced_assignment(client, people):
    order = make_order(people["office"], unit_code="commerce", content="物业公司预收物业费后撤场")
    workflow.workorder_return(order_id=order.id, acting_user=people["commerce"], reason="属住建")
    workflow.workorder_dispatch(
        order_id=order.id, acting_user=people["office"], unit_code="housing"
    )
    workflow.workorder_return(order_id=order.id, acting_user=people["housing"], reason="属商务")
    workflow.workorder_dispatch(
        order_id=order.id, acting_user=people["office"], unit_code="commerce", force=True
    )
    client.force_login(people["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("order_detail", args=[order.number])).content.decode()

    assert re.search(r'id="forced-badge">Forced assignment</span>', page)
    assert 'id="decided-badge"' not in page
    dispatches = re.findall(
        r'<li class="timeline-item" data-action="dispatch">(.*?)</li>', page, re.S
    )
    assert "<strong>Dispatched</strong>" in dispatches[-1] and ">forced</span>" in dispatches[-1]
    assert "data-decision" not in page and "group leader&#x27;s decision" not in page
