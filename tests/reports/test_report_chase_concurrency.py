"""Two people of the office press 催报 for the same unit at the same moment: the unit is told
once, and the second is told it was already reminded."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.db import connection

from complaints.deadlines import BEIJING
from departments.models import AuditEntry, Notification
from reports import reminders, services
from reports.figures import Period
from tests.complaints.test_concurrency import run_together

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: two connections locking one row.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_chases_at_once_tell_the_unit_once(
    office_staff, office_director, housing_head, monkeypatch
):
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=BEIJING), tick=False):

        def chase(person):
            return lambda: services.reports_chase(
                acting_user=person, period=Period(2026, 3), unit_codes=["housing"]
            )

        first, second = run_together(
            chase(office_staff),
            chase(office_director),
            hold_at=(reminders, "report_recipients"),
            monkeypatch=monkeypatch,
        )
    outcomes = sorted([len(first.told), len(second.told)])
    assert outcomes == [0, 1]
    assert Notification.objects.filter(key__startswith="report_chase:").count() == 1
    assert AuditEntry.objects.filter(action="report.chase").count() == 1


def test_a_chase_does_not_hold_up_an_order_for_the_unit_it_is_reminding(
    office_staff, housing_head, monkeypatch
):
    """The chase locks the units' rows while it tells them; a plain FOR UPDATE there would
    also stop every order registered for those units until the chase committed, as an
    order's foreign key to its unit takes a KEY SHARE lock on the unit's row."""
    import threading

    from django.db import connection as main_connection

    from tests.factories import make_order

    locked, release = threading.Event(), threading.Event()
    original = reminders.report_recipients

    def holding(*args, **kwargs):
        locked.set()
        release.wait(timeout=20)
        return original(*args, **kwargs)

    monkeypatch.setattr(reminders, "report_recipients", holding)
    outcome = {}

    def chase():
        try:
            with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=BEIJING), tick=False):
                outcome["chased"] = services.reports_chase(
                    acting_user=office_staff, period=Period(2026, 3), unit_codes=["housing"]
                )
        finally:
            connection.close()

    thread = threading.Thread(target=chase)
    thread.start()
    try:
        assert locked.wait(timeout=20)
        with main_connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        try:
            order = make_order(office_staff, unit_code="housing")
        finally:
            with main_connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
        assert order.primary_unit.code == "housing"
    finally:
        release.set()
        thread.join(timeout=30)
    assert len(outcome["chased"].told) == 1
