"""A member unit with no active account at all hears no reminder of its report: nobody
there to tell. Once its quarterly report is late (and when its annual summary's reminders
begin) the office's staff are told instead, one notification per unit and occasion, naming
the unit and why, and opening the list of late units (the year's summaries), as an order's
reminder for a unit with no one tells the office (`complaints.reminders.People.of_unit`).

The third quarter of 2026 is due on Saturday 10 October 2026; the late reminder goes out on
Monday 12 October."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from departments.models import Notification, User
from reports import reminders
from reports.figures import member_units
from tests.departments.test_notification_language import english
from tests.factories import UserFactory, unit

pytestmark = pytest.mark.django_db

NO_ONE_THERE = (
    "%(unit)s has no one in the portal, so no one there was told: tell the unit, and add its "
    "people."
)


def at(y, m, d, hh=8, mm=30):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


@pytest.fixture
def everyone_but_housing(db):
    """Every member unit has a liaison but the housing commission, whose one account is
    switched off."""
    for member in member_units():
        if member.code != "housing":
            UserFactory(unit=member, roles=[RoleCode.UNIT_LIAISON])
    UserFactory(username="housing_gone", unit=unit("housing"), roles=[RoleCode.UNIT_LIAISON])
    User.objects.filter(username="housing_gone").update(is_active=False)


def of_office(user):
    return Notification.objects.filter(recipient=user, key__startswith="report_nobody:")


def said_why(notice) -> str:
    lines = (notice.messages.get("body") or {}).get("lines", [])
    return lines[-1]["id"] if lines else ""


def test_a_late_unit_with_nobody_has_the_office_told_once(
    client, everyone_but_housing, office_staff, office_director
):
    with time_machine.travel(at(2026, 10, 12), tick=False):
        reminders.remind_reports_due()
    notice = of_office(office_staff).get()
    assert notice.key == "report_nobody:2026Q3:late:housing"
    assert notice.url == "/reports/?period=2026Q3&show=late"
    assert said_why(notice) == NO_ONE_THERE
    assert english(client, office_staff) == {
        "Housing and Construction Commission could not be reminded of its late quarterly "
        "report for Q3 2026": "It was due on 2026-10-10.\nHousing and Construction Commission "
        "has no one in the portal, so no one there was told: tell the unit, and add its people."
    }
    # The office's staff, as for an order's reminder; not its director.
    assert not of_office(office_director).exists()
    # A second run, the same day or the next, tells no one again.
    with time_machine.travel(at(2026, 10, 13), tick=False):
        reminders.remind_reports_due()
    assert of_office(office_staff).count() == 1


def test_before_and_on_the_due_date_the_office_is_not_told(everyone_but_housing, office_staff):
    for when in (at(2026, 9, 28), at(2026, 10, 10)):
        with time_machine.travel(when, tick=False):
            reminders.remind_reports_due()
    assert not of_office(office_staff).exists()


def test_a_unit_with_someone_to_tell_is_not_reported_to_the_office(
    everyone_but_housing, office_staff
):
    UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])
    with time_machine.travel(at(2026, 10, 12), tick=False):
        reminders.remind_reports_due()
    assert not of_office(office_staff).exists()


def test_each_late_unit_with_nobody_is_its_own_notification(office_staff):
    """No member unit has anyone: one notification per unit asked for the quarter."""
    with time_machine.travel(at(2026, 10, 12), tick=False):
        reminders.remind_reports_due()
    keys = set(of_office(office_staff).values_list("key", flat=True))
    assert "report_nobody:2026Q3:late:housing" in keys
    assert len(keys) == len({k.rsplit(":", 1)[1] for k in keys}) > 1


def test_the_annual_summary_of_a_unit_with_nobody_is_told_to_the_office_once_a_year(
    client, everyone_but_housing, office_staff
):
    for day in (16, 17, 18):
        with time_machine.travel(at(2026, 11, day), tick=False):
            reminders.remind_annual_summaries()
    notice = Notification.objects.get(recipient=office_staff, key__startswith="summary_nobody:")
    assert notice.key == "summary_nobody:2026:housing"
    assert notice.url == "/reports/annual/?year=2026"
    assert said_why(notice) == NO_ONE_THERE
    assert english(client, office_staff) == {
        "Housing and Construction Commission could not be reminded of its annual work summary "
        "for 2026": "It is due by 2026-11-30.\nHousing and Construction Commission has no one "
        "in the portal, so no one there was told: tell the unit, and add its people."
    }
