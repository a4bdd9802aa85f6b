"""A quarter's reports are due on the 10th day after it ends; the fourth quarter of 2026's
10th day is Sunday 10 January 2027, and the portal made a unit that submitted on the
Monday late. A time limit that ends on a rest day runs on to the next working day: the
default due date is now the first working day from the 10th day on, by the holiday
calendar (the office's table, then the package's), and a date the office set stays."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from complaints.deadlines import BEIJING
from complaints.models import CalendarDay
from reports.choices import ReportStatus
from reports.figures import Period, is_late
from reports.models import ReportingPeriod


@pytest.mark.parametrize(
    ("period", "tenth_day", "due"),
    [
        # Sunday: the Monday after.
        (Period(2026, 4), date(2027, 1, 10), date(2027, 1, 11)),
        # Saturday 10 October 2026 is a working day made up for the National Day holiday.
        (Period(2026, 3), date(2026, 10, 10), date(2026, 10, 10)),
        # A Friday, a working day.
        (Period(2026, 2), date(2026, 7, 10), date(2026, 7, 10)),
    ],
)
def test_the_default_due_date_is_the_first_working_day_from_the_tenth_day(
    db, period, tenth_day, due
):
    assert (tenth_day - period.last).days == 10
    assert period.due_on() == due


def test_a_holiday_the_office_entered_moves_the_due_date_past_it(db):
    CalendarDay.objects.create(date=date(2026, 7, 10), is_workday=False, name="特别休假")
    assert Period(2026, 2).due_on() == date(2026, 7, 13)  # past the weekend too


def test_a_date_the_office_set_is_kept_even_on_a_rest_day(db):
    ReportingPeriod.objects.create(year=2026, quarter=4, due_on=date(2027, 1, 10))
    assert Period(2026, 4).due_on() == date(2027, 1, 10)


def test_a_report_submitted_on_the_monday_after_a_sunday_tenth_day_is_not_late(db):
    due = Period(2026, 4).due_on()
    for day, late in ((date(2027, 1, 11), False), (date(2027, 1, 12), True)):
        assert is_late(due, ReportStatus.DRAFT, day) is late, day


def test_the_units_report_list_shows_the_moved_due_date(client, mr_liaison):
    with time_machine.travel(datetime(2027, 1, 11, 10, tzinfo=BEIJING), tick=False):
        client.force_login(mr_liaison)
        page = client.get("/reports/?period=2026Q4").content.decode()
    assert "2027-01-11" in page
    assert "2027-01-10" not in page
