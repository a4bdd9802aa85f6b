"""Several people acting on the same records at once, and the same form posted twice.

These tests commit (transaction=True) and use two database connections, so they need
PostgreSQL: SQLite's in-memory test database is not shared between threads and has no row
locks. They wait on conditions (barriers, events), never on the clock.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from complaints import disputes, interventions, mediation, referrals, workflow
from complaints.choices import OPEN_DISPUTE_STATUSES, Action, ReferralAction, Status
from complaints.models import (
    Dispute,
    Intervention,
    InterventionUnit,
    Litigation,
    MediationAgreement,
    Referral,
    ReferralEvent,
    WorkOrderEvent,
)
from complaints.workflow import WorkflowError
from tests.factories import make_order

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: two connections locking one row.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_office_redispatches_from_the_order_page_in_its_own_transaction(
    client, office_staff, mr_staff
):
    """The page calls the workflow outside any transaction; the re-dispatch must open its
    own, or locking the order fails on PostgreSQL and the office gets a server error."""
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    order.refresh_from_db()
    client.force_login(office_staff)

    response = client.post(
        reverse("order_act", args=[order.number, Action.REDISPATCH]),
        {"unit": "housing", "reason": "涉及物业，改派住建委", "version": order.version},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.primary_unit.code, order.dispatch_count) == (
        Status.ASSIGNED,
        "housing",
        2,
    )
    assert WorkOrderEvent.objects.filter(order=order, action=Action.REDISPATCH).count() == 1


def run_together(*calls, hold_at=None, monkeypatch=None):
    """Run each call in its own thread (its own database connection), released together.

    When `hold_at` names a module attribute (a function), a thread reaching it waits there,
    inside its transaction, until the other thread reaches it too: where nothing makes
    the second wait, both get past what comes before it. If the second is held back (by a
    lock), the first goes on once the short bound passes. Returns each outcome in order:
    the result, or the exception raised."""
    outcomes: list[object] = [None] * len(calls)
    start = threading.Barrier(len(calls))
    meet = threading.Barrier(len(calls))
    if hold_at is not None:
        module, name = hold_at
        original = getattr(module, name)

        def holding(*args, **kwargs):
            with contextlib.suppress(threading.BrokenBarrierError):
                meet.wait(timeout=3)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, holding)

    def run(index, call):
        try:
            with translation.override("en"):
                start.wait(timeout=10)
                outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - returned to the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_a_dispute_form_posted_twice_at_once_opens_one_dispute(office_staff, monkeypatch):
    order = make_order(office_staff, unit_code="commerce", content="培训机构预付费纠纷")

    def open_dispute():
        return disputes.dispute_open(
            acting_user=office_staff, order_number=order.number, summary="两个单位都不管"
        )

    outcomes = run_together(
        open_dispute, open_dispute, hold_at=(disputes, "_create"), monkeypatch=monkeypatch
    )

    opened = [o for o in outcomes if isinstance(o, Dispute)]
    refused = [o for o in outcomes if not isinstance(o, Dispute)]
    assert len(opened) == 1, outcomes
    assert isinstance(refused[0], WorkflowError), outcomes
    assert "already has an open dispute" in refused[0].message
    assert order.disputes.filter(status__in=OPEN_DISPUTE_STATUSES).count() == 1


def test_a_lead_sent_twice_at_once_is_referred_once(mr_staff, monkeypatch):
    def send():
        return referrals.referral_send(
            acting_user=mr_staff,
            to_unit_code="commerce",
            title="培训机构预付费卷款",
            facts="某培训学校收取预付学费后停课，涉嫌违规经营。",
        )

    outcomes = run_together(
        send, send, hold_at=(referrals, "ack_deadline"), monkeypatch=monkeypatch
    )

    assert all(isinstance(o, Referral) for o in outcomes), outcomes
    assert outcomes[0].id == outcomes[1].id
    assert Referral.objects.count() == 1
    assert ReferralEvent.objects.filter(action=ReferralAction.SEND).count() == 1
    # Sent again later, while the first is still unacknowledged: the same lead.
    assert send().id == outcomes[0].id
    # A different lead is referred as usual.
    other = referrals.referral_send(
        acting_user=mr_staff, to_unit_code="commerce", title="另一条线索", facts="另一家机构"
    )
    assert Referral.objects.count() == 2 and other.id != outcomes[0].id


def test_the_same_lead_sent_by_two_colleagues_at_once_is_referred_once(
    mr_staff, mr_liaison, monkeypatch
):
    """The repeat is the sending unit's: two people of one unit sending the same lead at the
    same moment are handled one after the other, and the second gets the first's lead."""

    def send(person):
        return lambda: referrals.referral_send(
            acting_user=person,
            to_unit_code="commerce",
            title="培训机构预付费卷款",
            facts="某培训学校收取预付学费后停课，涉嫌违规经营。",
        )

    outcomes = run_together(
        send(mr_staff),
        send(mr_liaison),
        hold_at=(referrals, "ack_deadline"),
        monkeypatch=monkeypatch,
    )

    assert all(isinstance(o, Referral) for o in outcomes), outcomes
    assert outcomes[0].id == outcomes[1].id
    assert Referral.objects.count() == 1
    assert ReferralEvent.objects.filter(action=ReferralAction.SEND).count() == 1


def test_a_request_to_step_in_sent_twice_at_once_asks_once(mr_staff, monkeypatch):
    def ask(units=("housing", "public-security")):
        return interventions.intervention_request(
            acting_user=mr_staff,
            unit_codes=units,
            title="商场燃气泄漏后商户拒不停业",
            situation="消费者反映商场内餐饮商户燃气泄漏，仍在营业。",
        )

    outcomes = run_together(ask, ask, hold_at=(interventions, "_event"), monkeypatch=monkeypatch)

    assert all(isinstance(o, Intervention) for o in outcomes), outcomes
    assert outcomes[0].id == outcomes[1].id
    assert Intervention.objects.count() == 1
    assert InterventionUnit.objects.count() == 2
    # The same text put to other units is another request.
    assert ask(units=("housing",)).id != outcomes[0].id
    assert Intervention.objects.count() == 2


def test_a_mediation_agreement_posted_twice_at_once_is_recorded_once(
    office_staff, mr_staff, monkeypatch
):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)

    def record():
        return mediation.agreement_record(
            order_number=order.number,
            acting_user=mr_staff,
            body="unit",
            parties="张先生；某某超市",
            terms="超市退还货款并赔偿500元",
            effective_on=timezone.localdate(),
            amount="500",
        )

    outcomes = run_together(record, record, hold_at=(mediation, "_event"), monkeypatch=monkeypatch)

    assert all(isinstance(o, MediationAgreement) for o in outcomes), outcomes
    assert outcomes[0].id == outcomes[1].id
    assert MediationAgreement.objects.filter(order=order).count() == 1


def test_a_lawsuit_marked_twice_at_once_is_marked_once(office_staff, mr_staff, monkeypatch):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)

    def mark():
        return mediation.litigation_mark(
            order_number=order.number, acting_user=mr_staff, court_case="(2026)津0114民初88号"
        )

    outcomes = run_together(mark, mark, hold_at=(workflow, "record_event"), monkeypatch=monkeypatch)

    assert all(isinstance(o, Litigation) for o in outcomes), outcomes
    assert order.litigations.count() == 1
    assert WorkOrderEvent.objects.filter(order=order, action=Action.MEDIATION).count() == 1
