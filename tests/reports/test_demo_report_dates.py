"""The demo's quarterly report (`load_demo_reports`) was written, submitted and accepted in
the days before it was due, not on the day the demo was loaded: loaded on 1 December, the
unit's list read "2026Q3, due 2026-10-10, accepted, submitted 2026-12-01", seven weeks after
the day it was due, and its history said the same."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from complaints.deadlines import BEIJING
from departments.demo import load_demo
from departments.models import Notification
from reports.choices import ReportAction
from reports.demo import load_demo_reports
from reports.models import UnitReport

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "loaded",
    [
        datetime(2026, 12, 1, 10, 0, tzinfo=BEIJING),  # long after Q3's report was due
        datetime(2026, 10, 3, 16, 0, tzinfo=BEIJING),  # a week before it is due
        datetime(2026, 10, 1, 9, 30, tzinfo=BEIJING),  # the morning after the quarter ended
    ],
    ids=["december", "before-due", "first-morning"],
)
def test_the_demo_report_was_handled_after_its_quarter_and_by_its_due_day(loaded):
    with time_machine.travel(loaded, tick=False):
        load_demo()
        assert load_demo_reports()
        now = timezone.now()
    report = UnitReport.objects.get()
    assert (report.year, report.quarter) == (2026, 3)
    quarter_ended = datetime(2026, 10, 1, tzinfo=BEIJING)
    due_end = datetime(2026, 10, 11, tzinfo=BEIJING)  # by the end of 10 October
    times = [report.created_at, report.submitted_at, report.reviewed_at]
    assert times == sorted(times)
    assert quarter_ended <= report.created_at and report.reviewed_at <= min(now, due_end)
    events = list(report.events.order_by("id").values_list("created_at", flat=True))
    assert events == sorted(events)
    assert events[0] >= quarter_ended and events[-1] <= min(now, due_end)
    assert events[-1] == report.reviewed_at
    # "Taken at" on the report's portal figures: it read the moment the demo was loaded,
    # then the report's start; submitting takes them again.
    taken = datetime.fromisoformat(report.portal_figures["as_of"])
    assert taken == report.submitted_at.replace(second=0, microsecond=0)


def test_the_demo_reports_notifications_are_dated_as_its_history():
    """The bell said 'Your report for 2026Q3 was accepted' at the time the demo was loaded,
    weeks after the history said it was accepted."""
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=BEIJING), tick=False):
        load_demo()
        assert load_demo_reports()
    report = UnitReport.objects.get()
    told = Notification.objects.filter(key__startswith="report_")
    assert told.filter(key=f"report_accepted:{report.id}").exists()
    by_action = dict(report.events.values_list("action", "created_at"))
    occasion = {"report_submitted": ReportAction.SUBMIT, "report_accepted": ReportAction.ACCEPT}
    for note in told:
        assert note.created_at == by_action[occasion[note.key.split(":")[0]]], note.key


def test_the_demo_reports_education_event_is_the_one_logged_on_the_education_page():
    """Block 4 listed a 300-person event under "Consumer education events logged in the
    portal for the quarter: 0, reaching 0 people": the demo typed it into the report
    without logging it. It is logged now, and the report's figures count it."""
    from reports.choices import PublicityKind
    from reports.figures import Period, portal_figures
    from reports.models import EducationEvent

    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=BEIJING), tick=False):
        load_demo()
        load_demo_reports()
    report = UnitReport.objects.get()
    typed = list(
        report.publicity.filter(kind=PublicityKind.EVENT).values_list("day", "people_reached")
    )
    logged = list(EducationEvent.objects.values_list("day", "people_reached"))
    assert typed == logged == [(datetime(2026, 7, 21).date(), 300)]
    education = portal_figures(Period(2026, 3), unit=report.unit)["education"]
    assert education == {"events": 1, "people_reached": 300}
