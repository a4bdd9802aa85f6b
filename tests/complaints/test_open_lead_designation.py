"""A unit disputes a lead that is still open with another unit and has no work order: the
leader's designation settles it. Another unit designated, the lead is withdrawn from the
unit ruled not responsible (closed as rejected, with a note naming the decision) and sent
on to the unit designated as a lead sent by decision; the unit that loses it is told and
can no longer act on it. The receiving unit designated keeps the lead and may not reject
it any more."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import translation

from complaints import disputes, referrals
from complaints.choices import DisputeSource, ReferralStatus
from complaints.deadlines import BEIJING
from complaints.models import Dispute, Referral
from complaints.workflow import WorkflowError
from departments.choices import RoleCode
from departments.models import Notification
from reports import figures
from tests.factories import UserFactory, unit


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 9, 21, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def people(db, office_staff, leader, housing_staff):
    return {
        "office": office_staff,
        "leader": leader,
        "commerce": UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF]),
        "education": UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF]),
        "housing": housing_staff,
    }


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
    assert withdrawn.status == ReferralStatus.REJECTED
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
    lead_locked = threading.Event()
    errors: list[Exception] = []

    def lead_then_dispute() -> None:
        try:
            with transaction.atomic():
                Referral.objects.select_for_update().get(id=lead.id)
                lead_locked.set()
                wait_until_another_session_waits_for_a_lock()
                Dispute.objects.select_for_update().get(id=dispute.id)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    other = threading.Thread(target=lead_then_dispute)
    other.start()
    assert lead_locked.wait(10)
    try:
        designated = disputes.dispute_designate(
            dispute_id=dispute.id, acting_user=people["leader"], unit_code="housing", note="指定。"
        )
    finally:
        other.join(30)
    assert errors == []
    assert designated.designated_unit.code == "housing"
    assert Referral.objects.get(by_decision=dispute).to_unit.code == "housing"


def wait_until_another_session_waits_for_a_lock(timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the designation never waited for a lock")


@pytest.mark.parametrize("opener", ["education", "office"])
def test_a_dispute_opened_about_a_lead_still_open_does_not_say_it_was_rejected(people, opener):
    """The office's own dispute about an open lead was recorded as "Referred lead rejected"."""
    lead = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title="预付卡", facts="某店关门。"
    )
    dispute = disputes.dispute_open(
        acting_user=people[opener], summary="管辖不清。", referral_id=lead.id
    )
    assert dispute.source == DisputeSource.UNIT_DISPUTE
