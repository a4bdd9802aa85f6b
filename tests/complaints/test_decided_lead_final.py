"""The group leader's decision ends a jurisdiction disagreement about a lead (notice, 四（五）:
"由协调小组组长决定"): a lead it sent on (`by_decision`) may be acknowledged and accepted by
the unit it went to, but neither rejected nor put to the leader again as a dispute, and a
lead whose own dispute he decided is not disputed a second time either. Leads already
rejected after such a decision, before this rule, keep their data and their pages open."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import disputes, referrals
from complaints.choices import ReferralAction, ReferralStatus
from complaints.models import Dispute, Referral, ReferralEvent
from complaints.workflow import WorkflowError
from reports import figures
from tests.complaints import lead_kit
from tests.factories import unit

# The shared fixtures of the lead tests (tests/complaints/lead_kit.py).
clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


rejected_lead, designate = lead_kit.rejected_lead, lead_kit.designate


def sent_to_housing(people) -> tuple[Referral, Dispute, Referral]:
    """The leader designates housing on the rejected lead's dispute: the lead goes on."""
    lead = rejected_lead(people)
    decision = designate(people, Dispute.objects.get(referral=lead), "housing")
    return lead, decision, Referral.objects.get(by_decision=decision)


def test_the_unit_a_lead_was_sent_to_by_decision_cannot_put_it_to_the_leader_again(people):
    _lead, decision, sent_on = sent_to_housing(people)

    for person in (people["housing"], people["office"], people["commerce"]):
        with pytest.raises(WorkflowError, match=decision.number):
            disputes.dispute_open(
                acting_user=person, summary="属预付卡，非住建。", referral_id=sent_on.id
            )
    assert list(Dispute.objects.values_list("id", flat=True)) == [decision.id]
    kept = Referral.objects.get(id=sent_on.id)
    assert (kept.status, kept.to_unit.code) == (ReferralStatus.SENT, "housing")

    # Acknowledging and accepting it work as before.
    referrals.referral_acknowledge(referral_id=sent_on.id, acting_user=people["housing"])
    accepted = referrals.referral_accept(referral_id=sent_on.id, acting_user=people["housing"])
    assert accepted.status == ReferralStatus.ACCEPTED
    with pytest.raises(WorkflowError, match=decision.number):
        disputes.dispute_open(
            acting_user=people["office"], summary="再议。", referral_id=sent_on.id
        )


def test_a_lead_whose_dispute_the_leader_decided_is_not_disputed_again(people):
    # The rejected original, whose case went on to housing.
    lead, decision, _sent_on = sent_to_housing(people)
    with pytest.raises(WorkflowError, match=decision.number):
        disputes.dispute_open(acting_user=people["office"], summary="再议。", referral_id=lead.id)

    # An open lead its receiver disputed and the leader left with it.
    kept = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title="另一条", facts="事实。"
    )
    first = disputes.dispute_open(
        acting_user=people["education"], summary="非教育。", referral_id=kept.id
    )
    designate(people, first, "education")
    with pytest.raises(WorkflowError, match=first.number):
        disputes.dispute_open(
            acting_user=people["education"], summary="仍非教育。", referral_id=kept.id
        )
    assert Dispute.objects.filter(referral=kept).count() == 1
    assert Referral.objects.get(id=kept.id).status == ReferralStatus.SENT


def test_the_web_refuses_to_open_a_dispute_about_a_lead_sent_by_decision(people, client):
    _lead, decision, sent_on = sent_to_housing(people)
    page = reverse("referral_detail", args=[sent_on.id])

    client.force_login(people["housing"])
    refused = client.post(
        reverse("dispute_open"),
        {"referral": sent_on.id, "summary": "属预付卡，非住建。", "back": page},
        follow=True,
    )
    assert refused.status_code == 200
    assert refused.redirect_chain[-1][0] == page
    assert decision.number in refused.content.decode()
    assert Dispute.objects.count() == 1
    assert 'id="open-dispute"' not in refused.content.decode()
    assert 'id="no-reject"' in refused.content.decode()
    assert 'id="reject"' not in refused.content.decode()


def reject_as_before(people, sent_on: Referral) -> Dispute:
    """What the code before this rule let housing do (old data): reject the lead sent to it
    by decision, which went to the office as a second dispute. Written as that code wrote
    it, since `referral_reject` now refuses."""
    now = timezone.now()
    Referral.objects.filter(id=sent_on.id).update(
        status=ReferralStatus.REJECTED,
        acknowledged_at=now,
        decided_at=now,
        decision_note="仍不属住建。",
        version=sent_on.version + 1,
    )
    sent_on.refresh_from_db()
    ReferralEvent.write(
        by=people["housing"],
        referral=sent_on,
        action=ReferralAction.REJECT,
        note="仍不属住建。",
        data={},
    )
    return disputes.dispute_for_rejected_referral(sent_on, people["housing"], "仍不属住建。")


def test_a_lead_sent_by_decision_and_rejected_before_this_rule_keeps_its_data_and_pages(
    people, client
):
    lead, decision, sent_on = sent_to_housing(people)
    second = reject_as_before(people, sent_on)
    pages = [
        reverse("referral_detail", args=[lead.id]),
        reverse("referral_detail", args=[sent_on.id]),
        reverse("dispute_detail", args=[decision.id]),
        reverse("dispute_detail", args=[second.id]),
        reverse("referral_list"),
        reverse("referral_list") + "?tab=received",
        reverse("dispute_list"),
        reverse("referral-detail", args=[sent_on.id]),
        reverse("referral-list"),
        reverse("dispute-detail", args=[second.id]),
    ]

    def all_open(person) -> None:
        client.force_login(person)
        assert {url: client.get(url).status_code for url in pages} == dict.fromkeys(pages, 200)

    for person in (people["housing"], people["office"], people["commerce"]):
        all_open(person)
    client.force_login(people["housing"])
    page = client.get(reverse("referral_detail", args=[sent_on.id])).content.decode()
    assert decision.number in page and 'id="reject"' not in page
    api = client.get(reverse("referral-detail", args=[sent_on.id])).json()
    assert (api["status"], api["by_decision"]) == (ReferralStatus.REJECTED, decision.number)

    # The old second dispute can still be decided, and the pages still open afterwards.
    designate(people, second, "commerce")
    third = Referral.objects.get(by_decision=second)
    pages.append(reverse("referral_detail", args=[third.id]))
    for person in (people["commerce"], people["office"]):
        all_open(person)
    assert Referral.objects.get(id=sent_on.id).status == ReferralStatus.REJECTED
    quarter = figures.Period(2026, 3)
    assert figures.portal_figures(quarter)["referrals"]["district"]["total"] == 1
    for code in ("commerce", "education", "housing"):
        assert figures.portal_figures(quarter, unit=unit(code))["referrals"]["received"]
