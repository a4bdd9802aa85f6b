"""A lead, an early intervention and a mediation agreement are locked FOR NO KEY UPDATE by
the actions on them, as work orders and disputes are: a second action still waits, while a
row that only points at the locked one (a history line, a file, a dispute about the lead)
is written meanwhile. A plain FOR UPDATE made any such write wait for the whole action (its
foreign key takes KEY SHARE on the row). No action deletes these rows or changes their id.
Each test holds the lock in another connection and writes here with a 3 s lock timeout."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, transaction
from django.utils import timezone

from complaints import disputes, interventions, mediation, referrals, workflow
from complaints.choices import InterventionAction, MediationAction, ReferralAction
from complaints.models import (
    InterventionEvent,
    MediationEvent,
    Referral,
    ReferralEvent,
)
from departments import access
from tests.complaints import lead_kit
from tests.factories import make_order

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: two connections locking one row.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The shared fixtures of the lead tests (tests/complaints/lead_kit.py).
clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


def _while_locked(lock, write):
    """Run `write` here, with a 3 s lock timeout, while another connection has run `lock`
    in a transaction and holds what it locked; returns what `write` returned."""
    locked, release = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def hold():
        try:
            with transaction.atomic():
                lock()
                locked.set()
                release.wait(timeout=20)
        except Exception as error:  # noqa: BLE001 - checked below
            errors.append(error)
        finally:
            locked.set()
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(timeout=20)
        assert not errors, errors
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        try:
            return write()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
    finally:
        release.set()
        thread.join(timeout=30)
        assert not errors, errors


def _sent_lead(people) -> Referral:
    return referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
    )


def _lead_line(lead: Referral):
    return lambda: ReferralEvent.write(by=None, referral=lead, action=ReferralAction.ATTACH)


def test_a_line_on_a_lead_is_written_while_an_action_holds_the_lead(people):
    lead = _sent_lead(people)

    def acknowledging():
        access.referral_or_404(people["education"], referral_id=lead.id, lock=True)

    event = _while_locked(acknowledging, _lead_line(lead))

    assert event.referral_id == lead.id


def test_a_line_on_a_waiting_lead_is_written_while_the_holiday_table_recounts_it(people):
    lead = _sent_lead(people)

    def recounting():
        referrals.referrals_recount_ack_deadlines(since=timezone.localdate())

    event = _while_locked(recounting, _lead_line(lead))

    assert event.referral_id == lead.id


def test_a_line_on_a_disputed_lead_is_written_while_the_leader_decides(people):
    lead = lead_kit.rejected_lead(people)
    dispute = lead.disputes.get()

    def deciding():
        disputes._lock_leads_and_order(dispute.id)

    event = _while_locked(deciding, _lead_line(lead))

    assert event.referral_id == lead.id


def test_a_line_on_an_intervention_is_written_while_an_action_holds_it(people):
    item = interventions.intervention_request(
        acting_user=people["housing"],
        unit_codes=["public-security"],
        title="电梯困人",
        situation="电梯仍在运行",
    )

    def answering():
        access.intervention_or_404(people["office"], intervention_id=item.id, lock=True)

    event = _while_locked(
        answering,
        lambda: InterventionEvent.write(
            by=None, intervention=item, action=InterventionAction.NOTE, note="补充情况"
        ),
    )

    assert event.intervention_id == item.id


def test_a_line_on_a_mediation_agreement_is_written_while_an_action_holds_it(people):
    order = make_order(people["office"], unit_code="housing")
    workflow.workorder_sign(order_id=order.id, acting_user=people["housing"])
    agreement = mediation.agreement_record(
        order_number=order.number,
        acting_user=people["housing"],
        body="unit",
        parties="王先生；某物业公司",
        terms="物业一周内修好电梯",
        effective_on=date(2026, 9, 21),
    )

    def submitting():
        access.mediation_or_404(people["housing"], agreement_id=agreement.id, lock=True)

    event = _while_locked(
        submitting,
        lambda: MediationEvent.write(by=None, agreement=agreement, action=MediationAction.EXTEND),
    )

    assert event.agreement_id == agreement.id
