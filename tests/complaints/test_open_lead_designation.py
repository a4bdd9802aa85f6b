"""A unit disputes a lead that is still open with another unit and has no work order: the
leader's designation settles it. Another unit designated, the lead is withdrawn from the
unit ruled not responsible (closed as withdrawn, with a note naming the decision) and sent
on to the unit designated as a lead sent by decision; the unit that loses it is told and
can no longer act on it. The receiving unit designated keeps the lead and may not reject
it any more."""

from __future__ import annotations

import html
import importlib
import re

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from complaints import disputes, referrals
from complaints.choices import DisputeSource, ReferralAction, ReferralStatus
from complaints.models import Dispute, Referral
from complaints.workflow import WorkflowError
from departments.models import Notification
from reports import figures
from tests.complaints import lead_kit
from tests.factories import unit
from tests.helpers import migration_apps, while_another_session_locks

# The shared fixtures of the lead tests (tests/complaints/lead_kit.py).
clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


def disputed_open_lead(people, *, acknowledge: bool) -> Referral:
    """Commerce refers a lead to education, no order; education (having acknowledged it,
    or not) disputes it instead of rejecting it."""
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
    )
    if acknowledge:
        referrals.referral_acknowledge(referral_id=lead.id, acting_user=people["education"])
    disputes.dispute_open(
        acting_user=people["education"], summary="属预付卡，非教育。", referral_id=lead.id
    )
    return Referral.objects.get(id=lead.id)


def designate(people, lead: Referral, unit_code: str) -> Dispute:
    dispute = Dispute.objects.get(referral=lead)
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议。", unit_code=unit_code
    )
    return disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=people["leader"], unit_code=unit_code, note="指定。"
    )


@pytest.mark.parametrize("acknowledge", [False, True])
def test_designating_another_unit_moves_an_open_lead_and_the_old_receiver_cannot_act(
    people, acknowledge, django_capture_on_commit_callbacks
):
    lead = disputed_open_lead(people, acknowledge=acknowledge)
    dispute = designate(people, lead, "housing")

    sent_on = Referral.objects.get(by_decision=dispute)
    assert (sent_on.from_unit.code, sent_on.to_unit.code, sent_on.status) == (
        "commerce",
        "housing",
        ReferralStatus.SENT,
    )
    withdrawn = Referral.objects.get(id=lead.id)
    assert withdrawn.status == ReferralStatus.WITHDRAWN
    assert withdrawn.decided_at is not None
    assert dispute.number in withdrawn.decision_note

    told = Notification.objects.filter(
        recipient=people["education"], key=f"referral_withdrawn:{lead.id}"
    ).get()
    assert dispute.number in told.title
    assert Notification.objects.filter(
        recipient=people["housing"], key=f"referral_sent:{sent_on.id}"
    ).exists()

    education = people["education"]
    for act in (
        lambda: referrals.referral_acknowledge(referral_id=lead.id, acting_user=education),
        lambda: referrals.referral_accept(referral_id=lead.id, acting_user=education),
        lambda: referrals.referral_reject(referral_id=lead.id, acting_user=education, reasons="x"),
    ):
        with pytest.raises(WorkflowError):
            act()
    assert Dispute.objects.count() == 1

    counts = figures._referrals(_quarter(), None)["district"]
    assert (counts["total"], counts["open"], counts["by_decision"]) == (1, 1, 1)
    by_unit = {
        code: figures._referrals(_quarter(), unit(code))
        for code in ("commerce", "education", "housing")
    }
    assert (by_unit["commerce"]["sent"]["total"], by_unit["commerce"]["sent"]["open"]) == (1, 1)
    education_received = by_unit["education"]["received"]
    assert (education_received["total"], education_received["open"]) == (1, 0)
    assert (education_received["rejected"], education_received["withdrawn"]) == (0, 1)
    housing_received = by_unit["housing"]["received"]
    assert (housing_received["total"], housing_received["open"]) == (1, 1)


def test_designating_the_current_receiver_keeps_the_lead_which_can_no_longer_be_rejected(
    people,
):
    lead = disputed_open_lead(people, acknowledge=True)
    dispute = designate(people, lead, "education")

    assert not Referral.objects.filter(by_decision=dispute).exists()
    kept = Referral.objects.get(id=lead.id)
    assert (kept.status, kept.to_unit.code) == (ReferralStatus.ACKNOWLEDGED, "education")
    with pytest.raises(WorkflowError, match=dispute.number):
        referrals.referral_reject(
            referral_id=lead.id, acting_user=people["education"], reasons="仍不属教育。"
        )
    assert Referral.objects.get(id=lead.id).status == ReferralStatus.ACKNOWLEDGED
    assert Dispute.objects.count() == 1
    accepted = referrals.referral_accept(referral_id=lead.id, acting_user=people["education"])
    assert accepted.status == ReferralStatus.ACCEPTED

    counts = figures._referrals(_quarter(), None)["district"]
    assert (counts["total"], counts["accepted"], counts["by_decision"]) == (1, 1, 0)


def _quarter():
    return figures.Period(2026, 3)


def test_the_receiver_designated_is_offered_no_reject_form_and_told_why(people, client):
    lead = disputed_open_lead(people, acknowledge=True)
    dispute = designate(people, lead, "education")

    client.force_login(people["education"])
    page = client.get(f"/referrals/{lead.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="accept"' in page
    assert 'id="reject"' not in page
    assert dispute.number in page


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: two connections locking the same rows.",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_designation_and_a_rejection_of_the_lead_at_the_same_moment_do_not_deadlock(people):
    """A rejection locks the lead, then its dispute (referral_reject, then
    dispute_for_rejected_referral). A designation that locked the dispute first and then the
    lead deadlocked with it: PostgreSQL aborted one of the two with an error."""
    lead = disputed_open_lead(people, acknowledge=False)
    dispute = Dispute.objects.get(referral=lead)
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议。", unit_code="housing"
    )
    designated, errors = while_another_session_locks(
        [lead, dispute],
        lambda: disputes.dispute_designate(
            dispute_id=dispute.id, acting_user=people["leader"], unit_code="housing", note="指定。"
        ),
    )
    assert errors == []
    assert designated.designated_unit.code == "housing"
    assert Referral.objects.get(by_decision=dispute).to_unit.code == "housing"


@pytest.mark.parametrize("opener", ["education", "office"])
def test_a_dispute_opened_about_a_lead_still_open_does_not_say_it_was_rejected(people, opener):
    """The office's own dispute about an open lead was recorded as "Referred lead rejected"."""
    lead = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title="预付卡", facts="某店关门。"
    )
    dispute = disputes.dispute_open(
        acting_user=people[opener], summary="管辖不清。", referral_id=lead.id
    )
    assert dispute.source == (
        DisputeSource.OFFICE_QUESTION if opener == "office" else DisputeSource.UNIT_DISPUTE
    )


def rejected_lead(people, title: str) -> Referral:
    """Commerce refers a lead to education, which rejects it: a refusal, for comparison."""
    lead = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title=title, facts="事实。"
    )
    referrals.referral_reject(
        referral_id=lead.id, acting_user=people["education"], reasons="不属教育部门。"
    )
    return Referral.objects.get(id=lead.id)


def test_the_old_receivers_figures_count_a_withdrawn_lead_as_withdrawn_not_as_rejected(people):
    """Education disputed one lead and the leader sent it to housing; it rejected another.
    Both are its workload (received), but only the second is a rejection put to the office."""
    lead = disputed_open_lead(people, acknowledge=True)
    designate(people, lead, "housing")
    rejected_lead(people, "拒收的线索")
    q3 = _quarter()
    keys = ("total", "accepted", "rejected", "open", "disputed", "by_decision", "withdrawn")

    def counted(block: dict) -> tuple:
        return tuple(block[key] for key in keys)

    education = figures.portal_figures(q3, unit=unit("education"))["referrals"]
    assert counted(education["received"]) == (2, 0, 1, 0, 1, 0, 1)
    # Commerce referred two cases: one now open with housing (withdrawn from education and
    # sent on by decision), one rejected and put to the office.
    commerce = figures.portal_figures(q3, unit=unit("commerce"))["referrals"]
    assert counted(commerce["sent"]) == (2, 0, 1, 1, 1, 1, 1)
    housing = figures.portal_figures(q3, unit=unit("housing"))["referrals"]
    assert counted(housing["received"]) == (1, 0, 0, 1, 0, 1, 0)
    # The district counts each case once, as commerce does.
    district = figures.district_figures(q3)["referrals"]
    assert counted(district) == (2, 0, 1, 1, 1, 1, 1)

    page = " ".join(
        render_to_string(
            "reports/_portal_figures.html",
            {"portal": figures.portal_figures(q3, unit=unit("education"))},
        ).split()
    )
    assert "(0 accepted, 1 rejected)" in page
    assert (
        "Rejected and put to the office as jurisdiction disputes: 0 of the leads referred, "
        "1 of those received."
    ) in page
    assert (
        "Withdrawn by the group leader's decision from the unit they were referred to, which "
        "disputed them, and not counted as rejected: 0 of the leads referred, 1 of those "
        "received."
    ) in page


def test_a_unit_whose_only_lead_went_on_by_decision_after_a_withdrawal_reads_it_on_its_report(
    people,
):
    lead = disputed_open_lead(people, acknowledge=False)
    designate(people, lead, "housing")

    page = " ".join(
        render_to_string(
            "reports/_portal_figures.html",
            {"portal": figures.portal_figures(_quarter(), unit=unit("commerce"))},
        ).split()
    )
    assert (
        "Rejected and put to the office as jurisdiction disputes: 0 of the leads referred, "
        "0 of those received. Sent on by the group leader's decision: 1 referred, 0 received"
    ) in page
    assert (
        "Withdrawn by the group leader's decision from the unit they were referred to, which "
        "disputed them, and not counted as rejected: 1 of the leads referred, 0 of those "
        "received."
    ) in page


def test_a_report_frozen_before_leads_were_counted_as_withdrawn_still_renders(people):
    """A submitted report keeps the figures it was sent with, without the key."""
    portal = figures.portal_figures(_quarter(), unit=unit("education"))
    rejected_lead(people, "拒收的线索")
    portal["referrals"] = figures.portal_figures(_quarter(), unit=unit("education"))["referrals"]
    for block in portal["referrals"].values():
        del block["withdrawn"]
    page = render_to_string("reports/_portal_figures.html", {"portal": portal})
    assert "Withdrawn by the group leader's decision" not in page
    assert "Rejected and put to the office as jurisdiction disputes" in page


def list_rows(client, user, query: str) -> dict[int, str]:
    """The referral list's rows at `?query`, as `user` reads them in Chinese, by lead id."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("referral_list") + query).content.decode()
    return {
        int(found[0]): found[1]
        for found in re.findall(r'<tr data-referral="(\d+)">(.*?)</tr>', page, flags=re.S)
    }


def test_the_old_receivers_list_says_the_lead_was_withdrawn_by_decision_not_rejected(
    people, client
):
    lead = disputed_open_lead(people, acknowledge=True)
    designate(people, lead, "housing")
    refused = rejected_lead(people, "拒收的线索")
    with translation.override("zh-hans"):
        withdrawn_label = html.escape(gettext("Withdrawn by the leader's decision"))
        rejected_label = html.escape(gettext("Rejected"))

    rows = list_rows(client, people["education"], "?tab=received")
    # Closed, not shown in the colour of a lead still waiting for the unit.
    assert f'<span class="badge text-bg-secondary">{withdrawn_label}</span>' in rows[lead.id]
    assert f">{rejected_label}</span>" not in rows[lead.id]
    assert f">{rejected_label}</span>" in rows[refused.id]
    status = "?tab=received&status="
    assert set(list_rows(client, people["education"], status + "rejected")) == {refused.id}
    assert set(list_rows(client, people["education"], status + "withdrawn")) == {lead.id}
    # The office's "Rejected" tab lists the leads units refused, not the one withdrawn.
    assert set(list_rows(client, people["office"], "?tab=rejected")) == {refused.id}

    client.force_login(people["education"])
    detail = client.get(reverse("referral-detail", args=[lead.id])).json()
    assert detail["status"] == "withdrawn"


def test_leads_withdrawn_before_the_status_existed_are_marked_withdrawn(people):
    """Until 0041 a withdrawn lead was closed as rejected; one a unit rejected has the
    rejection in its history, which the one withdrawn lacks."""
    migration = importlib.import_module("complaints.migrations.0042_referral_withdrawn")
    apps = migration_apps("complaints", "0042_referral_withdrawn")
    withdrawn = disputed_open_lead(people, acknowledge=True)
    designate(people, withdrawn, "housing")
    refused_sent_on = rejected_lead(people, "拒收后指定")
    designate(people, refused_sent_on, "housing")
    refused = rejected_lead(people, "拒收未决")
    Referral.objects.filter(id=withdrawn.id).update(status=ReferralStatus.REJECTED)

    migration.mark_withdrawn_leads(apps, None)

    statuses = dict(Referral.objects.filter(by_decision=None).values_list("id", "status"))
    assert statuses == {
        withdrawn.id: ReferralStatus.WITHDRAWN,
        refused_sent_on.id: ReferralStatus.REJECTED,
        refused.id: ReferralStatus.REJECTED,
    }


def test_the_lead_page_shows_a_withdrawn_or_rejected_lead_in_the_lists_colours(people, client):
    lead = disputed_open_lead(people, acknowledge=True)
    designate(people, lead, "housing")
    refused = rejected_lead(people, "拒收的线索")
    client.force_login(people["office"])

    def badge(referral: Referral) -> str:
        page = client.get(reverse("referral_detail", args=[referral.id])).content.decode()
        return page.split('id="referral-status"', 1)[0].rsplit("<span", 1)[1]

    assert "text-bg-secondary" in badge(lead)
    assert "text-bg-warning" in badge(refused)


@pytest.mark.parametrize("decision", ["designate", "form_team"])
def test_the_lead_kept_with_its_receiver_says_so_and_the_dispute_page_lists_it(
    people, client, decision
):
    """The leader designates the unit holding the dispute's open lead (or makes it the lead
    unit of a joint team): the lead stays with it, a line on the lead says so, naming the
    decision, and the dispute's row of leads the decision settled lists it as kept."""
    lead = disputed_open_lead(people, acknowledge=True)
    dispute = Dispute.objects.get(referral=lead)
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议。", unit_code=""
    )
    if decision == "designate":
        disputes.dispute_designate(
            dispute_id=dispute.id,
            acting_user=people["leader"],
            unit_code="education",
            note="指定。",
        )
    else:
        disputes.dispute_form_team(
            dispute_id=dispute.id,
            acting_user=people["leader"],
            lead_unit_code="education",
            member_unit_codes=["commerce"],
            note="联合调查。",
        )

    kept = Referral.objects.get(id=lead.id)
    assert (kept.status, kept.to_unit.code) == (ReferralStatus.ACKNOWLEDGED, "education")
    line = kept.events.get(action=ReferralAction.DECISION)
    assert line.data["dispute"] == dispute.id and line.data["kept"] is True
    assert line.data["note_message"]["params"]["dispute"] == dispute.number
    with translation.override(settings.LANGUAGE_CODE):
        assert line.note == gettext(
            "Kept with %(unit)s by the group leader's decision %(dispute)s"
        ) % {"unit": unit("education").name, "dispute": dispute.number}

    client.force_login(people["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    block = page.split('id="settled-leads"', 1)[1].split("</dd>", 1)[0]
    rows = re.findall(r'<div class="settled-lead" data-referral="(\d+)">(.*?)</div>', block, re.S)
    assert [int(found) for found, _row in rows] == [lead.id]
    assert 'data-outcome="kept"' in rows[0][1] and "kept with this unit" in rows[0][1]
    assert 'data-outcome="withdrawn"' not in rows[0][1]
    # The lead's page shows the line in the reader's language.
    shown = html.unescape(client.get(reverse("referral_detail", args=[lead.id])).content.decode())
    assert (
        f"Kept with {unit('education').name_en} by the group leader's decision {dispute.number}"
        in shown
    )
