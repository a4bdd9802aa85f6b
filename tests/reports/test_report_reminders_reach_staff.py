"""Whom a unit's reminder of a report not in reaches: its liaisons (its heads if it has
none), both once late; a unit with neither has its active staff told, with a line saying
why, so a unit whose only account is a staff member's hears of it too. The scheduled
reminders, the office's 催报 and the annual summary's reminders follow the one rule
(`reminders.report_recipients`).

The third quarter of 2026 is due on Saturday 10 October 2026 (a make-up working day);
the reminders go out on 28 September, 10 October and Monday 12 October."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.utils import translation

from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from departments.models import Notification
from reports import reminders, services
from reports.figures import Period
from tests.factories import UserFactory, unit


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at(y, m, d, hh=8, mm=30):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


@pytest.fixture
def housing(db):
    """The housing commission's only active account is a staff member's; another staff
    member's account is switched off."""
    UserFactory(username="housing_gone", unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])
    from departments.models import User

    User.objects.filter(username="housing_gone").update(is_active=False)
    return UserFactory(username="housing_only", unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])


def told(key_part: str) -> dict[str, Notification]:
    return {
        n.recipient.username: n
        for n in Notification.objects.filter(key__contains=key_part).select_related("recipient")
    }


@pytest.mark.parametrize(
    ("when", "occasion"),
    [(at(2026, 9, 28), "before"), (at(2026, 10, 10), "due"), (at(2026, 10, 12), "late")],
)
def test_a_unit_with_only_staff_has_its_staff_reminded(housing, when, occasion):
    with time_machine.travel(when, tick=False):
        assert reminders.remind_reports_due() == 1
    notes = told(f"report_due:2026Q3:{occasion}")
    assert list(notes) == ["housing_only"]
    assert "您作为区住房建设委的工作人员收到此提醒" in notes["housing_only"].body  # and why


def test_staff_are_not_told_when_the_unit_has_a_liaison_or_a_head(db):
    staff = UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])
    head = UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_HEAD])
    with time_machine.travel(at(2026, 10, 12), tick=False):
        reminders.remind_reports_due()
    notes = told("report_due:2026Q3:late")
    assert set(notes) == {head.username}
    assert staff.username not in notes
    assert "工作人员收到此提醒" not in notes[head.username].body


def test_the_office_chase_reaches_a_unit_with_only_staff(housing, office_staff):
    with time_machine.travel(at(2026, 10, 20, 10), tick=False):
        result = services.reports_chase(
            acting_user=office_staff, period=Period(2026, 3), unit_codes=["housing"]
        )
    assert [u.code for u in result.told] == ["housing"]
    assert result.refused == []
    assert list(told("report_chase:2026Q3:housing")) == ["housing_only"]


def test_the_annual_summary_reminder_reaches_a_unit_with_only_staff(housing):
    with time_machine.travel(at(2026, 11, 16), tick=False):
        reminders.remind_annual_summaries()
    assert list(told("annual_summary:2026:")) == ["housing_only"]


def test_a_unit_with_no_active_account_is_nobody_to_tell(housing):
    from departments.models import User

    User.objects.filter(username="housing_only").update(is_active=False)
    assert unit("housing").id not in reminders.report_recipients([unit("housing")], "late")
