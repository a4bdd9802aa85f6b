"""A disputed lead ends where the group leader's decision puts the case, in every state the
lead can be in: a lead about a work order follows its order to the unit designated (withdrawn
from the unit ruled not responsible, readable by the one designated, no second order); a lead
cannot be accepted while its dispute waits for the leader; a joint team's lead unit receives a
lead without an order as a designation would hand it over."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation

from complaints import disputes, referrals, workflow
from complaints.choices import DisputeAction, ReferralAction, ReferralStatus
from complaints.models import Dispute, Referral, WorkOrder
from complaints.workflow import WorkflowError
from departments import access
from departments.choices import RoleCode
from departments.models import Notification
from reports import figures
from tests.complaints import lead_kit
from tests.factories import UserFactory, make_order, unit
from tests.helpers import counting_queries, while_another_session_locks

# The shared fixtures of the lead tests (tests/complaints/lead_kit.py).
clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


def decide(people, dispute: Dispute, decision: str, *, member: str):
    """The leader designates housing, or forms a team led by housing with `member`."""
    if decision == "designate":
        return disputes.dispute_designate(
            dispute_id=dispute.id, acting_user=people["leader"], unit_code="housing", note="指定。"
        )
    return disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="housing",
        member_unit_codes=[member],
        note="联合调查。",
    )


def _quarter():
    return figures.Period(2026, 3)


def propose(people, dispute: Dispute, unit_code: str = "") -> Dispute:
    return disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议。", unit_code=unit_code
    )


def disputed_lead_with_order(people, *, accepted: bool = False) -> Referral:
    """Commerce, handling a work order, refers a lead found in it to education, which
    disputes it instead of rejecting it (having acknowledged it, or `accepted` it): the
    dispute is about the order and the lead."""
    order = make_order(people["office"], unit_code="commerce", content="培训机构预收学费后停课")
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
        order_number=order.number,
    )
    if accepted:
        referrals.referral_accept(referral_id=lead.id, acting_user=people["education"])
    else:
        referrals.referral_acknowledge(referral_id=lead.id, acting_user=people["education"])
    dispute = disputes.dispute_open(
        acting_user=people["education"], summary="属预付卡，非教育。", referral_id=lead.id
    )
    assert (dispute.order_id, dispute.referral_id) == (order.id, lead.id)
    return Referral.objects.get(id=lead.id)


def test_a_lead_with_a_work_order_follows_the_order_to_the_unit_designated(
    people, client, django_capture_on_commit_callbacks
):
    lead = disputed_lead_with_order(people)
    dispute = propose(people, Dispute.objects.get(referral=lead), "housing")
    orders = WorkOrder.objects.count()

    dispute = disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=people["leader"], unit_code="housing", note="指定。"
    )

    order = WorkOrder.objects.get(id=lead.order_id)
    assert order.primary_unit.code == "housing"
    assert WorkOrder.objects.count() == orders  # the order moved, no second one
    assert not Referral.objects.filter(by_decision=dispute).exists()
    # Education, ruled not responsible, no longer holds the lead, and is told.
    withdrawn = Referral.objects.get(id=lead.id)
    assert withdrawn.status == ReferralStatus.WITHDRAWN
    assert withdrawn.decided_at is not None
    assert dispute.number in withdrawn.decision_note
    assert Notification.objects.filter(
        recipient=people["education"], key=f"referral_withdrawn:{lead.id}"
    ).exists()
    education = people["education"]
    for act in (
        lambda: referrals.referral_accept(referral_id=lead.id, acting_user=education),
        lambda: referrals.referral_reject(referral_id=lead.id, acting_user=education, reasons="x"),
    ):
        with pytest.raises(WorkflowError):
            act()
    assert Dispute.objects.count() == 1

    # The lead's history and the dispute's say where the case went.
    line = withdrawn.events.get(action=ReferralAction.DECISION)
    assert dispute.number in line.note and order.number in line.note
    assert unit("housing").name in line.note
    assert dispute.events.filter(action=DisputeAction.LEAD_WITHDRAWN).count() == 1

    # Housing, designated, reads the lead and its page names the decision and the order.
    client.force_login(people["housing"])
    page = client.get(reverse("referral_detail", args=[lead.id]))
    assert page.status_code == 200
    settled = page.content.decode().split('id="settled"', 1)[1].split("</dd>", 1)[0]
    assert dispute.number in settled and order.number in settled
    assert unit("housing").name in settled
    api = client.get(reverse("referral-detail", args=[lead.id])).json()
    assert (api["status"], api["order"]) == (ReferralStatus.WITHDRAWN, order.number)
    assert [api[key] for key in ("by_decision", "continues", "sent_on")] == [None, None, None]
    dispute_page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    assert withdrawn.number in dispute_page and order.number in dispute_page

    # One case, counted once.
    assert figures._referrals(_quarter(), None)["district"]["total"] == 1


def test_a_rejected_lead_with_a_work_order_is_readable_by_the_unit_its_order_went_to(
    people, client
):
    order = make_order(people["office"], unit_code="commerce", content="培训机构预收学费后停课")
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="预付卡",
        facts="某店关门。",
        order_number=order.number,
    )
    referrals.referral_reject(referral_id=lead.id, acting_user=people["education"], reasons="否。")
    dispute = propose(people, Dispute.objects.get(referral=lead), "housing")
    disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=people["leader"], unit_code="housing", note="指定。"
    )

    line = Referral.objects.get(id=lead.id).events.get(action=ReferralAction.DECISION)
    assert dispute.number in line.note and order.number in line.note
    client.force_login(people["housing"])
    assert client.get(reverse("referral_detail", args=[lead.id])).status_code == 200
    assert figures._referrals(_quarter(), None)["district"]["total"] == 1


def disputed_open_lead(people, opener: str = "education") -> Referral:
    """Commerce refers a lead to education, no order; `opener` disputes it at once."""
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
    )
    disputes.dispute_open(acting_user=people[opener], summary="管辖不清。", referral_id=lead.id)
    return Referral.objects.get(id=lead.id)


@pytest.mark.parametrize("opener", ["education", "office"])
@pytest.mark.parametrize("proposed", [False, True])
def test_a_lead_cannot_be_accepted_while_its_dispute_waits_for_the_leader(
    people, client, opener, proposed
):
    lead = disputed_open_lead(people, opener)
    dispute = Dispute.objects.get(referral=lead)
    if proposed:
        propose(people, dispute, "housing")
    education = people["education"]

    with pytest.raises(WorkflowError) as refused:
        referrals.referral_accept(referral_id=lead.id, acting_user=education, open_order=True)
    assert refused.value.message == translation.gettext(
        "Lead %(number)s is in jurisdiction dispute %(dispute)s, which waits for the group "
        "leader's decision: it can be accepted once the leader has decided."
    ) % {"number": lead.number, "dispute": dispute.number}
    kept = Referral.objects.get(id=lead.id)
    assert (kept.status, kept.case_reference) == (ReferralStatus.SENT, "")
    assert WorkOrder.objects.count() == 0
    # Acknowledging receipt is no decision on who handles it.
    referrals.referral_acknowledge(referral_id=lead.id, acting_user=education)

    client.force_login(education)
    page = client.get(reverse("referral_detail", args=[lead.id]), HTTP_ACCEPT_LANGUAGE="en")
    page = page.content.decode()
    assert 'id="accept"' not in page
    waiting = page.split('id="no-accept"', 1)[1].split("</p>", 1)[0]
    assert dispute.number in waiting
    posted = client.post(
        reverse("referral_act", args=[lead.id, "accept"]),
        {"version": Referral.objects.get(id=lead.id).version},
        follow=True,
    )
    assert dispute.number in posted.content.decode()
    assert Referral.objects.get(id=lead.id).status == ReferralStatus.ACKNOWLEDGED

    # The leader designates housing: the lead, never accepted, goes there.
    if not proposed:
        propose(people, dispute, "housing")
    disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=people["leader"], unit_code="housing", note="指定。"
    )
    assert Referral.objects.get(id=lead.id).status == ReferralStatus.WITHDRAWN
    assert Referral.objects.get(by_decision=dispute).to_unit.code == "housing"


def test_the_unit_the_leader_keeps_the_lead_with_accepts_it_once_the_leader_decided(people):
    lead = disputed_open_lead(people)
    dispute = propose(people, Dispute.objects.get(referral=lead), "education")
    disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=people["leader"], unit_code="education", note="指定。"
    )
    accepted = referrals.referral_accept(referral_id=lead.id, acting_user=people["education"])
    assert accepted.status == ReferralStatus.ACCEPTED


def form_team(people, lead: Referral, lead_unit: str, members: list[str]) -> Dispute:
    dispute = propose(people, Dispute.objects.get(referral=lead))
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code=lead_unit,
        member_unit_codes=members,
        note="联合调查。",
    )
    return Dispute.objects.get(id=dispute.id)


def test_a_joint_teams_lead_unit_receives_a_rejected_lead_without_an_order(people, client):
    police = UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_STAFF])
    lead = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title="预付卡", facts="某店关门。"
    )
    referrals.referral_reject(referral_id=lead.id, acting_user=people["education"], reasons="否。")
    dispute = form_team(people, lead, "housing", ["public-security"])

    sent_on = Referral.objects.get(by_decision=dispute)
    assert (sent_on.from_unit.code, sent_on.to_unit.code, sent_on.status) == (
        "commerce",
        "housing",
        ReferralStatus.SENT,
    )
    assert Notification.objects.filter(
        recipient=people["housing"], key=f"referral_sent:{sent_on.id}"
    ).exists()
    with pytest.raises(WorkflowError, match=dispute.number):
        referrals.referral_reject(
            referral_id=sent_on.id, acting_user=people["housing"], reasons="不属住建。"
        )
    assert Dispute.objects.count() == 1
    assert dispute.events.filter(action=DisputeAction.LEAD_SENT).count() == 1
    decision_line = lead.events.get(action=ReferralAction.DECISION)
    assert sent_on.number in decision_line.note

    # The team's member unit reads the lead it investigates; the API links the two leads.
    client.force_login(police)
    assert client.get(reverse("referral_detail", args=[lead.id])).status_code == 200
    client.force_login(people["housing"])
    api = client.get(reverse("referral-detail", args=[sent_on.id])).json()
    assert (api["by_decision"], api["continues"]) == (dispute.number, lead.number)
    original = client.get(reverse("referral-detail", args=[lead.id])).json()
    assert original["sent_on"] == sent_on.number
    assert client.get(reverse("dispute-detail", args=[dispute.id])).json()["sent_on"] == (
        sent_on.number
    )

    counts = figures._referrals(_quarter(), None)["district"]
    assert (counts["total"], counts["open"], counts["by_decision"]) == (1, 1, 1)


def test_a_joint_team_withdraws_an_open_lead_from_a_unit_that_does_not_lead_it(people):
    lead = disputed_open_lead(people)
    dispute = form_team(people, lead, "housing", ["education"])

    withdrawn = Referral.objects.get(id=lead.id)
    assert withdrawn.status == ReferralStatus.WITHDRAWN
    assert dispute.number in withdrawn.decision_note
    assert Notification.objects.filter(
        recipient=people["education"], key=f"referral_withdrawn:{lead.id}"
    ).exists()
    assert dispute.events.filter(action=DisputeAction.LEAD_WITHDRAWN).count() == 1
    sent_on = Referral.objects.get(by_decision=dispute)
    assert (sent_on.to_unit.code, sent_on.status) == ("housing", ReferralStatus.SENT)
    with pytest.raises(WorkflowError):
        referrals.referral_accept(referral_id=lead.id, acting_user=people["education"])

    counts = figures._referrals(_quarter(), None)["district"]
    assert (counts["total"], counts["open"], counts["by_decision"]) == (1, 1, 1)


def test_a_joint_teams_lead_unit_holding_the_lead_keeps_it_and_cannot_reject_it(people):
    lead = disputed_open_lead(people)
    dispute = form_team(people, lead, "education", ["housing"])

    assert not Referral.objects.filter(by_decision=dispute).exists()
    with pytest.raises(WorkflowError, match=dispute.number):
        referrals.referral_reject(
            referral_id=lead.id, acting_user=people["education"], reasons="仍不属教育。"
        )
    accepted = referrals.referral_accept(referral_id=lead.id, acting_user=people["education"])
    assert accepted.status == ReferralStatus.ACCEPTED
    assert Dispute.objects.count() == 1


def test_a_joint_team_on_a_lead_with_a_work_order_moves_both_to_its_lead_unit(people, client):
    lead = disputed_lead_with_order(people)
    orders = WorkOrder.objects.count()
    dispute = form_team(people, lead, "housing", ["commerce"])

    assert WorkOrder.objects.get(id=lead.order_id).primary_unit.code == "housing"
    assert WorkOrder.objects.count() == orders
    assert not Referral.objects.filter(by_decision=dispute).exists()
    assert Referral.objects.get(id=lead.id).status == ReferralStatus.WITHDRAWN
    client.force_login(people["housing"])
    page = client.get(reverse("referral_detail", args=[lead.id])).content.decode()
    settled = page.split('id="settled"', 1)[1].split("</dd>", 1)[0]
    assert dispute.number in settled and unit("housing").name in settled


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: two connections locking the same rows.",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("decision", ["designate", "form_team"])
def test_a_decision_and_another_leads_rejection_on_the_same_order_do_not_deadlock(people, decision):
    """Another lead of the same order, rejected, is recorded on the order's open dispute:
    its rejection locks the order, then the dispute (dispute_for_rejected_referral). A
    decision that locked the dispute first and then the order deadlocked with it."""
    lead = disputed_lead_with_order(people)
    dispute = propose(people, Dispute.objects.get(referral=lead), "housing")
    _, errors = while_another_session_locks(
        [WorkOrder.objects.get(id=lead.order_id), dispute],
        lambda: decide(people, dispute, decision, member="commerce"),
    )
    assert errors == []
    assert WorkOrder.objects.get(id=lead.order_id).primary_unit.code == "housing"
    assert Referral.objects.get(id=lead.id).status == ReferralStatus.WITHDRAWN


def test_a_lead_accepted_before_its_dispute_follows_the_order_to_the_unit_designated(
    people, client
):
    """Education accepted the lead, then disputed it: the leader's designation moves the
    order, and the lead, which education did accept, stays accepted with a line saying
    where the case went; housing, designated, reads it. The case counts once."""
    lead = disputed_lead_with_order(people, accepted=True)
    order = lead.order
    dispute = propose(people, Dispute.objects.get(referral=lead), "housing")

    dispute = disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=people["leader"], unit_code="housing", note="指定。"
    )

    assert WorkOrder.objects.get(id=order.id).primary_unit.code == "housing"
    kept = Referral.objects.get(id=lead.id)
    assert kept.status == ReferralStatus.ACCEPTED
    assert not Referral.objects.filter(by_decision=dispute).exists()
    line = kept.events.get(action=ReferralAction.DECISION)
    assert dispute.number in line.note and order.number in line.note
    assert unit("housing").name in line.note

    client.force_login(people["housing"])
    page = client.get(reverse("referral_detail", args=[lead.id]))
    assert page.status_code == 200
    settled = page.content.decode().split('id="settled"', 1)[1].split("</dd>", 1)[0]
    assert dispute.number in settled and order.number in settled
    assert 'id="actions"' not in page.content.decode()

    # One case, counted once; education keeps the lead it accepted in its workload.
    assert figures._referrals(_quarter(), None)["district"]["total"] == 1
    received = figures._referrals(_quarter(), unit("education"))["received"]
    assert (received["total"], received["accepted"], received["withdrawn"]) == (1, 1, 0)


def _source_order_line(client, lead: Referral) -> str:
    page = client.get(reverse("referral_detail", args=[lead.id])).content.decode()
    return page.split('id="source-order"', 1)[1].split("</dd>", 1)[0]


def test_the_lead_page_names_the_unit_that_handles_its_order_now(people, client):
    """Education, which may not open the order, reads who handles it: commerce, which
    referred the lead, until the leader's decision moved the order to housing."""
    lead = disputed_lead_with_order(people)
    order = WorkOrder.objects.get(id=lead.order_id)
    client.force_login(people["education"])
    before = _source_order_line(client, lead)
    assert order.number in before and unit("commerce").name in before

    dispute = propose(people, Dispute.objects.get(referral=lead), "housing")
    disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=people["leader"], unit_code="housing", note="指定。"
    )

    after = _source_order_line(client, lead)
    assert order.number in after and 'href="' not in after
    assert unit("housing").name in after and unit("commerce").name not in after


def test_the_lead_page_says_when_its_order_is_back_with_the_office(people, client):
    lead = disputed_lead_with_order(people)
    workflow.workorder_return(
        order_id=lead.order_id, acting_user=people["commerce"], reason="非本局职责。"
    )
    client.force_login(people["education"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("referral_detail", args=[lead.id]))
    line = page.content.decode().split('id="source-order"', 1)[1].split("</dd>", 1)[0]
    assert translation.gettext("with the office, awaiting dispatch") in line
    assert unit("commerce").display_name not in line


def another_lead_rejected_onto_the_dispute(people, lead: Referral) -> Referral:
    """Commerce refers a second lead of the same order to market regulation, which rejects
    it: its rejection goes on the order's open dispute, not a second one."""
    market = UserFactory(unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF])
    other = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="market-regulation",
        title="同一工单的另一线索",
        facts="该机构另有虚假宣传。",
        order_number=WorkOrder.objects.get(id=lead.order_id).number,
    )
    referrals.referral_reject(referral_id=other.id, acting_user=market, reasons="不属市场监管。")
    dispute = Dispute.objects.get(referral=lead)
    assert Dispute.objects.count() == 1
    assert dispute.events.filter(
        action=DisputeAction.LEAD_REJECTED, data__referral=other.id
    ).exists()
    return Referral.objects.get(id=other.id)


@pytest.mark.parametrize("decision", ["designate", "form_team"])
def test_another_lead_rejected_onto_the_orders_dispute_is_settled_by_the_decision(
    people, client, decision
):
    lead = disputed_lead_with_order(people)
    other = another_lead_rejected_onto_the_dispute(people, lead)
    order = WorkOrder.objects.get(id=lead.order_id)

    if decision == "designate":
        dispute = propose(people, Dispute.objects.get(referral=lead), "housing")
        disputes.dispute_designate(
            dispute_id=dispute.id, acting_user=people["leader"], unit_code="housing", note="指定。"
        )
    else:
        dispute = form_team(people, lead, "housing", ["education"])

    assert not Referral.objects.filter(by_decision=dispute).exists()
    kept = Referral.objects.get(id=other.id)
    assert kept.status == ReferralStatus.REJECTED
    line = kept.events.get(action=ReferralAction.DECISION)
    assert dispute.number in line.note and order.number in line.note
    assert unit("housing").name in line.note
    # Housing, which now handles the order, reads the lead and its page names the decision.
    client.force_login(people["housing"])
    page = client.get(reverse("referral_detail", args=[other.id]))
    assert page.status_code == 200
    settled = page.content.decode().split('id="settled"', 1)[1].split("</dd>", 1)[0]
    assert dispute.number in settled and order.number in settled
    assert other.id in {r.id for r in access.referrals_visible_to(people["housing"])}
    # A lead of the order that the dispute does not cover stays out of housing's sight.
    untouched = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="无关",
        facts="另一件事。",
        order_number=order.number,
    )
    assert client.get(reverse("referral_detail", args=[untouched.id])).status_code == 404


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: two connections locking the same rows.",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("decision", ["designate", "form_team"])
def test_a_decision_settling_another_lead_of_the_order_takes_the_leads_first(people, decision):
    """The decision settles another lead of the order too, so it locks that lead as well:
    before the order and the dispute, as anything acting on a lead does (lead, order,
    dispute). Locking it after the dispute deadlocked with a session that holds the lead
    and then wants the order."""
    lead = disputed_lead_with_order(people)
    other = another_lead_rejected_onto_the_dispute(people, lead)
    dispute = propose(people, Dispute.objects.get(referral=lead), "housing")
    _, errors = while_another_session_locks(
        [other, WorkOrder.objects.get(id=lead.order_id), dispute],
        lambda: decide(people, dispute, decision, member="commerce"),
    )
    assert errors == []
    assert Referral.objects.get(id=other.id).events.filter(action=ReferralAction.DECISION).exists()


def _rejected_onto(people, lead: Referral, count: int) -> list[Referral]:
    """`count` more leads of `lead`'s order, each rejected by market regulation onto the
    order's open dispute."""
    market = UserFactory(unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF])
    order = WorkOrder.objects.get(id=lead.order_id)
    others = []
    for n in range(count):
        other = referrals.referral_send(
            acting_user=people["commerce"],
            to_unit_code="market-regulation",
            title=f"同一工单的线索{n}",
            facts="另有虚假宣传。",
            order_number=order.number,
        )
        referrals.referral_reject(referral_id=other.id, acting_user=market, reasons="否。")
        others.append(other)
    return others


def _settled_rows(client, user, dispute: Dispute) -> dict[int, str]:
    """The dispute page's rows of leads the decision settled, as `user` reads it in English,
    by lead id."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    if 'id="settled-leads"' not in page:
        return {}
    block = page.split('id="settled-leads"', 1)[1].split("</dd>", 1)[0]
    row = r'<div class="settled-lead" data-referral="(\d+)">(.*?)</div>'
    return {int(found[0]): found[1] for found in re.findall(row, block, flags=re.S)}


@pytest.mark.parametrize("decision", ["designate", "form_team"])
def test_the_dispute_page_lists_every_lead_the_decision_settled(people, client, decision):
    lead = disputed_lead_with_order(people)
    other = another_lead_rejected_onto_the_dispute(people, lead)
    dispute = propose(people, Dispute.objects.get(referral=lead), "housing")
    # Before the decision nothing is settled.
    assert _settled_rows(client, people["office"], dispute) == {}
    decide(people, dispute, decision, member="commerce")

    withdrawn = 'data-outcome="withdrawn"'
    line = 'data-outcome="line"'
    for reader in ("office", "leader"):
        rows = _settled_rows(client, people[reader], dispute)
        assert list(rows) == [lead.id, other.id], reader
        # The dispute's own lead, open with education, was withdrawn from it; a line on it
        # says the case went with the order.
        own = rows[lead.id]
        assert f'href="{reverse("referral_detail", args=[lead.id])}"' in own
        assert lead.number in own and unit("education").display_name in own
        assert withdrawn in own and line in own
        # The other lead of the order, rejected by market regulation onto this dispute,
        # only got the line.
        theirs = rows[other.id]
        assert f'href="{reverse("referral_detail", args=[other.id])}"' in theirs
        assert other.number in theirs and unit("market-regulation").display_name in theirs
        assert line in theirs and withdrawn not in theirs

    # Education, a party, reads the other lead's number, without a link it could not follow.
    rows = _settled_rows(client, people["education"], dispute)
    assert other.number in rows[other.id]
    assert f'href="{reverse("referral_detail", args=[other.id])}"' not in rows[other.id]
    assert client.get(reverse("referral_detail", args=[other.id])).status_code == 404


def test_the_dispute_page_says_as_what_a_lead_without_an_order_was_sent_on(people, client):
    lead = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title="预付卡", facts="某店关门。"
    )
    referrals.referral_reject(referral_id=lead.id, acting_user=people["education"], reasons="否。")
    dispute = propose(people, Dispute.objects.get(referral=lead), "housing")
    decide(people, dispute, "designate", member="")
    sent_on = Referral.objects.get(by_decision=dispute)

    rows = _settled_rows(client, people["leader"], dispute)
    assert list(rows) == [lead.id]
    assert 'data-outcome="sent-on"' in rows[lead.id]
    assert f'href="{reverse("referral_detail", args=[sent_on.id])}"' in rows[lead.id]
    assert unit("housing").display_name in rows[lead.id]


def test_the_dispute_page_reads_the_settled_leads_in_a_fixed_number_of_queries(people, client):
    def page_queries(extra: int) -> int:
        lead = disputed_lead_with_order(people)
        _rejected_onto(people, lead, extra)
        dispute = propose(people, Dispute.objects.get(referral=lead), "housing")
        decide(people, dispute, "designate", member="")
        assert len(_settled_rows(client, people["office"], dispute)) == extra + 1
        with counting_queries() as captured:
            page = client.get(reverse("dispute_detail", args=[dispute.id]))
        assert page.status_code == 200
        return len(captured)

    assert page_queries(1) == page_queries(4)


@pytest.mark.parametrize(
    ("decision", "step"),
    [
        ("designate", "Lead sent to the unit designated"),
        ("form_team", "Lead sent to the joint team's lead unit"),
    ],
)
def test_the_history_names_where_the_lead_was_sent_by_the_kind_of_decision(
    people, client, decision, step
):
    lead = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title="预付卡", facts="某店关门。"
    )
    referrals.referral_reject(referral_id=lead.id, acting_user=people["education"], reasons="否。")
    dispute = propose(people, Dispute.objects.get(referral=lead), "housing")
    decide(people, dispute, decision, member="commerce")

    client.force_login(people["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    found = re.findall(r'data-action="lead_sent">.*?<strong>(.*?)</strong>', page, flags=re.S)
    assert [html.unescape(label) for label in found] == [step]


@pytest.mark.parametrize("decision", ["designate", "form_team"])
def test_the_dispute_page_names_a_lead_sent_on_once(people, client, decision):
    """The row of leads the decision settled says as what the dispute's lead was sent on;
    the older row of leads sent on by the decision does not name it a second time."""
    lead = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title="预付卡", facts="某店关门。"
    )
    referrals.referral_reject(referral_id=lead.id, acting_user=people["education"], reasons="否。")
    dispute = propose(people, Dispute.objects.get(referral=lead), "housing")
    decide(people, dispute, decision, member="commerce")
    sent_on = Referral.objects.get(by_decision=dispute)

    for reader in ("office", "leader", "commerce", "housing"):
        client.force_login(people[reader])
        page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
        facts = page.split('<dl class="row mb-0">', 1)[1].split("</dl>", 1)[0]
        assert facts.count(sent_on.number) == 1, reader
        assert 'id="settled-leads"' in facts and 'id="sent-on"' not in facts
        # It says how the lead sent on stands now, as the older row did.
        row = _settled_rows(client, people[reader], dispute)[lead.id]
        assert sent_on.number in row and f"· {sent_on.get_status_display()}</span>" in row
