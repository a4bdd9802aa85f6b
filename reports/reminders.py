"""Reminders for the periodic duties of the notice.

Quarterly reports (measure 四（二）): the liaisons of units that have not submitted hear a
set number of working days before the due date, on the due date itself (the last working
day before it if it falls on a holiday), and, with their head, on the first working day
after it; a unit with neither liaison nor head has its staff told (`report_recipients`),
and one with nobody at all in the portal has the office's staff told once it is late.
Annual work summaries: from 15 November, then every working day until submitted (the
office's staff told once a year of a unit with nobody to remind).
The annual joint meeting: the office director, weekly from 1 November until it is held.
Implementation plans: once the office has set a date for a year's plans, the office hears
weekly from the day after it which units have not filed, for twelve weeks at most.

Each reminder is once per person and occasion (the notification key), so running daily,
twice, or on two workers tells nobody twice, and a scheduler that was down for a few days
does not send stale reminders in a burst.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from complaints.deadlines import WorkdayCalendar
from complaints.models import ReminderPolicy
from complaints.reference import reference
from departments.choices import RoleCode
from departments.models import Unit, User
from departments.notifications import Message, notify_many, office_people, people_with_roles
from meetings.models import JointMeeting, MeetingKind, MeetingStatus
from wuqing_consumer import language
from wuqing_consumer.language import (
    Written,
    in_district_language,
    written,
    written_plural,
    written_units,
)

from .choices import IN_HAND_STATUSES, PLAN_IN_HAND_STATUSES, SUMMARY_IN_STATUSES
from .figures import Period, member_units, units_asked, units_asked_for_summary
from .models import AnnualSummary, ImplementationPlan, PlanDeadline, UnitReport

BEFORE, DUE, LATE = "before", "due", "late"


def _workday_on_or_before(day: date, calendar: WorkdayCalendar) -> date:
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def _working_days_before(day: date, n: int, calendar: WorkdayCalendar) -> date:
    while n > 0:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            n -= 1
    return day


def _first_workday_after(day: date, calendar: WorkdayCalendar) -> date:
    day += timedelta(days=1)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def occasions(period: Period, lead: int, calendar: WorkdayCalendar) -> list[tuple[str, date]]:
    """When the reminders of a quarter's reports go out, in order."""
    due = period.due_on()
    return [
        (BEFORE, _working_days_before(due, lead, calendar)),
        (DUE, _workday_on_or_before(due, calendar)),
        (LATE, _first_workday_after(due, calendar)),
    ]


@in_district_language
def remind_reports_due(now: datetime | None = None) -> int:
    """Tell the units whose report is not in yet; returns how many people were told."""
    today = timezone.localdate(now or timezone.now())
    lead = ReminderPolicy.objects.values_list("report_lead_working_days", flat=True).first() or 5
    sent = 0
    # Reminders may start before the quarter ends; the previous quarter's are due after it.
    current = Period.containing(today)
    calendar = reference().calendar
    for period in (current, current.previous()):
        due = period.due_on()
        reached = [(name, day) for name, day in occasions(period, lead, calendar) if day <= today]
        if not reached:
            continue
        name, day = reached[-1]
        if (today - day).days > 3:
            continue
        sent += _remind(period, name, due)
    return sent


@in_district_language
def _remind(period: Period, occasion: str, due: date) -> int:
    in_hand = set(
        UnitReport.objects.filter(
            year=period.year, quarter=period.quarter, status__in=IN_HAND_STATUSES
        ).values_list("unit_id", flat=True)
    )
    waiting = [unit for unit in member_units() if unit.id not in in_hand]
    # Not a unit whose reporting began after the quarter (`figures.first_asked`).
    asked = units_asked(period, waiting)
    waiting = [unit for unit in waiting if unit.id in asked]
    if not waiting:
        return 0
    message = report_message(period, occasion, due, key=f"report_due:{period.label}:{occasion}")
    recipients = report_recipients(waiting, occasion)
    items = recipients_items(message, waiting, recipients)
    if occasion == LATE:
        # A late unit with nobody in the portal heard nothing: the office hears it instead.
        items += nobody_items(
            [unit for unit in waiting if unit.id not in recipients],
            key=f"report_nobody:{period.label}:{occasion}",
            title=lambda unit: written(
                "%(unit)s could not be reminded of its late quarterly report for %(period)s",
                unit=language.unit(unit),
                period=language.quarter(period),
            ),
            body=written("It was due on %(due)s.", due=due.isoformat()),
            url=f"{reverse('report_list')}?period={period.label}&show=late",
        )
    return notify_many(items)


@in_district_language
def report_message(
    period: Period, occasion: str, due: date, *, key: str, url: str | None = None
) -> Message:
    """The notification of a quarterly report not in yet: the scheduled reminders' and the
    office's chase (催报, `services.reports_chase`) are the same message. It opens `url`
    (the chase's: that unit's report of the quarter), by default the unit's list showing
    just that quarter, to start or continue it."""
    values = {"period": language.quarter(period), "due": due.isoformat()}
    if occasion == LATE:
        title = written(
            "The quarterly report for %(period)s was due on %(due)s and is not in yet", **values
        )
    elif occasion == DUE:
        title = written("The quarterly report for %(period)s is due today (%(due)s)", **values)
    else:
        title = written("The quarterly report for %(period)s is due on %(due)s", **values)
    return Message(
        key=key,
        category="report",
        title=title,
        body=written(
            "Fill it in and have the liaison or head submit it to the coordination office."
        ),
        url=url or f"{reverse('report_list')}?period={period.label}",
    )


def report_recipients(units, occasion: str) -> dict[int, tuple[list[User], Written | None]]:
    """Whom a unit's reminder of a report not in goes to, by unit id, and the line saying
    why when it is not plain: its active liaisons (its heads if it has none), and once the
    report is late both; a unit with neither, its active staff, told why (`told_as_staff`),
    so the reminder reaches someone there who can get it submitted. A unit left out has
    nobody in the portal to tell: the office's list offers no 催报 for it. The scheduled
    reminders, the office's chases and the annual summary's reminders follow this one rule.
    One query however many units."""
    roles = (RoleCode.UNIT_LIAISON, RoleCode.UNIT_HEAD, RoleCode.UNIT_STAFF)
    by_unit = {unit.id: unit for unit in units}
    people: dict[int, dict[str, list[User]]] = {}
    for user in (
        User.objects.filter(is_active=True, unit_id__in=list(by_unit), roles__code__in=roles)
        .annotate(role_code=F("roles__code"))
        .order_by("id")
    ):
        people.setdefault(user.unit_id, {}).setdefault(user.role_code, []).append(user)
    found: dict[int, tuple[list[User], Written | None]] = {}
    for unit_id, by_role in people.items():
        liaisons = by_role.get(RoleCode.UNIT_LIAISON, [])
        heads = by_role.get(RoleCode.UNIT_HEAD, [])
        recipients = liaisons or heads
        if occasion == LATE:
            recipients = list({u.id: u for u in liaisons + heads}.values())
        if recipients:
            found[unit_id] = recipients, None
        elif staff := by_role.get(RoleCode.UNIT_STAFF):
            found[unit_id] = staff, told_as_staff(by_unit[unit_id])
    return found


def told_as_staff(unit: Unit) -> Written:
    """The line under a reminder of a report not in that tells a unit's staff, as it has
    no liaison or head to tell."""
    return written(
        "You are told as staff of %(unit)s: the unit has no liaison or head in the portal "
        "to submit it. Ask the coordination office to set one.",
        unit=language.unit(unit),
    )


def nobody_items(
    units, *, key: str, title: Callable[[Unit], Written], body: Written, url: str
) -> list[tuple[Message, list[User], None]]:
    """The `notify_many` items telling the office's staff of each of `units`, which has
    nobody in the portal to remind (`report_recipients` left it out), as an order's reminder
    for a unit with no one tells them (`complaints.reminders.People.of_unit`): one
    notification per unit and occasion (`key` ends with the unit's code), its `title`
    naming the unit, and the line saying why, so that a reminder is never sent
    having told nobody."""
    if not units:
        return []
    office = people_with_roles([RoleCode.OFFICE_STAFF])
    items = []
    for unit in units:
        message = Message(
            key=f"{key}:{unit.code}",
            category="report",
            title=title(unit),
            body=body,
            why=written(
                "%(unit)s has no one in the portal, so no one there was told: tell the unit, "
                "and add its people.",
                unit=language.unit(unit),
            ),
            url=url,
        )
        items.append((message, office, None))
    return items


def recipients_items(
    message: Message, units, recipients: dict[int, tuple[list[User], Written | None]]
) -> list[tuple[Message, list[User], None]]:
    """The `notify_many` items of one message to each of `units` that has someone to tell
    (`report_recipients`), with the line saying why where there is one."""
    items = []
    for unit in units:
        if unit.id in recipients:
            people, why = recipients[unit.id]
            items.append((replace(message, why=why) if why else message, people, None))
    return items


# --- the annual duties of the notice's section 五 and measure 四（三） ---------------------------

SUMMARY_REMINDERS_FROM = (11, 15)
MEETING_DUE_BY = (11, 1)


@in_district_language
def remind_annual_summaries(now: datetime | None = None) -> int:
    """From 15 November (whatever day it is), then every working day until the summary is in
    or 30 November has passed: the liaisons (or heads, or staff: `report_recipients`) of
    units asked for the year's summary (`figures.asked_for_summary`) that have not
    submitted."""
    today = timezone.localdate(now or timezone.now())
    start = date(today.year, *SUMMARY_REMINDERS_FROM)
    due = AnnualSummary.due_on(today.year)
    if not start <= today <= due:
        return 0
    calendar = reference().calendar
    if today != start and not calendar.is_workday(today):
        return 0
    submitted = set(
        AnnualSummary.objects.filter(year=today.year, status__in=SUMMARY_IN_STATUSES).values_list(
            "unit_id", flat=True
        )
    )
    asked = units_asked_for_summary(today.year)
    waiting = [unit for unit in member_units() if unit.id not in submitted and unit.id in asked]
    if not waiting:
        return 0
    message = Message(
        key=f"annual_summary:{today.year}:{today:%m%d}",
        category="report",
        title=written(
            "The annual work summary for %(year)s is due by %(due)s",
            year=today.year,
            due=due.isoformat(),
        ),
        body=written("Write it and have the liaison or head submit it to the coordination office."),
        url=reverse("annual_summaries"),
    )
    # Its liaisons (or heads, or staff), as a quarterly report's reminders before it is due.
    recipients = report_recipients(waiting, BEFORE)
    items = recipients_items(message, waiting, recipients)
    # A unit with nobody to remind: the office's staff hear it once a year, not every day.
    items += nobody_items(
        [unit for unit in waiting if unit.id not in recipients],
        key=f"summary_nobody:{today.year}",
        title=lambda unit: written(
            "%(unit)s could not be reminded of its annual work summary for %(year)s",
            unit=language.unit(unit),
            year=today.year,
        ),
        body=written("It is due by %(due)s.", due=due.isoformat()),
        url=f"{reverse('annual_summaries')}?year={today.year}",
    )
    return notify_many(items)


@in_district_language
def remind_annual_meeting(now: datetime | None = None) -> int:
    """From 1 November, once a week until the year's annual joint meeting is recorded as
    held: the office director."""
    today = timezone.localdate(now or timezone.now())
    due = date(today.year, *MEETING_DUE_BY)
    if today < due:
        return 0
    held = JointMeeting.objects.filter(
        kind=MeetingKind.ANNUAL, status=MeetingStatus.HELD, held_on__year=today.year
    ).exists()
    if held:
        return 0
    message = Message(
        key=f"annual_meeting:{today.year}:week{(today - due).days // 7}",
        category="meeting",
        title=written(
            "The annual joint meeting of %(year)s has not been held yet", year=today.year
        ),
        body=written("The notice asks for one joint meeting of the member units every year."),
        url=reverse("meeting_list"),
    )
    directors = list(
        User.objects.filter(is_active=True, roles__code=RoleCode.OFFICE_DIRECTOR).distinct()
    )
    return notify_many([(message, directors, None)])


PLAN_REMINDER_WEEKS = 12


@in_district_language
def remind_plans_not_filed(now: datetime | None = None) -> int:
    """The office's staff and director, weekly from the day after the date the office set for
    a year's implementation plans: which units have not filed one (a draft or a returned plan
    is not filed). No date set, no reminder: the notice gives none."""
    today = timezone.localdate(now or timezone.now())
    earliest = today - timedelta(days=7 * PLAN_REMINDER_WEEKS)
    sent = 0
    for deadline in PlanDeadline.objects.filter(due_on__lt=today, due_on__gte=earliest):
        in_hand = set(
            ImplementationPlan.objects.filter(
                year=deadline.year, status__in=PLAN_IN_HAND_STATUSES
            ).values_list("unit_id", flat=True)
        )
        waiting = [unit for unit in member_units() if unit.id not in in_hand]
        if not waiting:
            continue
        week = (today - deadline.due_on - timedelta(days=1)).days // 7
        message = Message(
            key=f"plans_not_filed:{deadline.year}:{deadline.due_on.isoformat()}:week{week}",
            category="report",
            title=written_plural(
                "%(n)s unit has not filed its implementation plan for %(year)s (due %(due)s)",
                "%(n)s units have not filed their implementation plan for %(year)s (due %(due)s)",
                len(waiting),
                year=deadline.year,
                due=deadline.due_on.isoformat(),
            ),
            body=written_units(waiting),
            url=f"{reverse('plan_list')}?year={deadline.year}",
        )
        sent += notify_many([(message, office_people(), None)])
    return sent


def remind_periodic_duties(now: datetime | None = None) -> int:
    """The daily run: quarterly reports, annual summaries, the annual meeting, plans, and
    the meetings' action items and invitations."""
    from meetings.reminders import remind_meeting_duties

    return (
        remind_reports_due(now)
        + remind_annual_summaries(now)
        + remind_annual_meeting(now)
        + remind_plans_not_filed(now)
        + remind_meeting_duties(now)
    )
