"""Quarterly report reminders over the 2026 National Day holiday.

The third quarter's reports are due on Saturday 10 October 2026, a make-up working day after
the 1-7 October holiday. Five working days before it is Monday 28 September (9, 8 October,
then 30, 29, 28 September: the holiday does not count). The day after the due date is a
Sunday, so the late notice goes out on Monday 12 October.
"""

from __future__ import annotations

from datetime import date, datetime

import chinese_calendar
import pytest
import time_machine
from django.utils import translation

from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from departments.models import Notification
from reports import reminders, services
from reports.figures import Period, member_units
from tests.factories import UserFactory, unit


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at(y, m, d, hh=8, mm=30):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def test_the_calendar_is_the_one_this_file_assumes():
    assert chinese_calendar.is_workday(date(2026, 10, 10))
    assert not any(chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(date(2026, 9, 28))
    assert not chinese_calendar.is_workday(date(2026, 10, 11))


@pytest.fixture
def liaisons(db):
    people = {u.code: UserFactory(unit=u, roles=[RoleCode.UNIT_LIAISON]) for u in member_units()}
    people["housing-head"] = UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_HEAD])
    return people


def told(key_part: str) -> set[str]:
    return set(
        Notification.objects.filter(key__contains=key_part).values_list(
            "recipient__username", flat=True
        )
    )


def run(when: datetime) -> int:
    with time_machine.travel(when, tick=False):
        return reminders.remind_reports_due()


def test_liaisons_are_reminded_before_on_and_after_the_due_date_until_they_submit(liaisons):
    mr = liaisons["market-regulation"]
    with time_machine.travel(at(2026, 9, 25), tick=False):
        report = services.report_start(
            unit=unit("market-regulation"), year=2026, quarter=3, acting_user=mr
        )
    assert run(at(2026, 9, 25)) == 0  # Friday before: too early

    first = run(at(2026, 9, 28))
    assert first == len(member_units())
    assert mr.username in told("report_due:2026Q3:before")  # a draft is not submitted
    assert liaisons["housing-head"].username not in told("report_due:2026Q3:before")
    assert run(at(2026, 9, 28, 14)) == 0  # the same day again
    assert run(at(2026, 9, 29)) == 0
    assert run(at(2026, 10, 5)) == 0  # holiday

    with time_machine.travel(at(2026, 10, 9), tick=False):
        services.report_save(
            report_id=report.id,
            acting_user=mr,
            values={"situation": "平稳"},
            sampling=[],
            publicity=[],
        )
        services.report_submit(report_id=report.id, acting_user=mr)

    assert run(at(2026, 10, 10)) == len(member_units()) - 1
    assert mr.username not in told("report_due:2026Q3:due")
    assert liaisons["transport"].username in told("report_due:2026Q3:due")

    assert run(at(2026, 10, 11)) == 0  # Sunday
    late = run(at(2026, 10, 12))
    assert late == len(member_units()) - 1 + 1  # and the housing bureau's head
    assert liaisons["housing-head"].username in told("report_due:2026Q3:late")
    assert run(at(2026, 10, 20)) == 0


def test_a_unit_without_a_liaison_is_reminded_through_its_head(db):
    head = UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_HEAD])
    assert run(at(2026, 9, 28)) == 1
    assert told("report_due:2026Q3:before") == {head.username}


def test_the_due_date_is_data(liaisons):
    from reports.models import ReportingPeriod

    ReportingPeriod.objects.create(year=2026, quarter=3, due_on=date(2026, 10, 16))
    assert Period(2026, 3).due_on() == date(2026, 10, 16)
    assert run(at(2026, 9, 28)) == 0
    # 16 October is a Friday: five working days before is the make-up Saturday, 10 October.
    assert run(at(2026, 10, 9)) == 0
    assert run(at(2026, 10, 10)) == len(member_units())
