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
