"""Reminders for the quarterly reports (measure 四（二）): the liaisons of units that have not
submitted hear a set number of working days before the due date, on the due date itself
(the last working day before it if it falls on a holiday), and, with their head, on the first
working day after it.

A run sends only the latest occasion reached, once per person and occasion (the
notification key), so running it daily, twice, or on two workers tells nobody twice, and a
scheduler that was down for a few days does not send stale reminders in a burst.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.deadlines import WorkdayCalendar
from complaints.models import ReminderPolicy
from complaints.selectors import workday_calendar
from departments.choices import RoleCode
from departments.models import User
from departments.notifications import Message, notify_many

from .choices import IN_HAND_STATUSES
from .figures import Period, member_units
from .models import UnitReport

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


def remind_reports_due(now: datetime | None = None) -> int:
    """Tell the units whose report is not in yet; returns how many people were told."""
    today = timezone.localdate(now or timezone.now())
    lead = ReminderPolicy.objects.values_list("report_lead_working_days", flat=True).first() or 5
    sent = 0
    # Reminders may start before the quarter ends; the previous quarter's are due after it.
    current = Period.containing(today)
    for period in (current, current.previous()):
        due = period.due_on()
        calendar = workday_calendar([due.year - 1, due.year, due.year + 1])
        reached = [(name, day) for name, day in occasions(period, lead, calendar) if day <= today]
        if not reached:
            continue
        name, day = reached[-1]
        if (today - day).days > 3:
            continue
        sent += _remind(period, name, due)
    return sent


def _remind(period: Period, occasion: str, due: date) -> int:
    in_hand = set(
        UnitReport.objects.filter(
            year=period.year, quarter=period.quarter, status__in=IN_HAND_STATUSES
        ).values_list("unit_id", flat=True)
    )
    waiting = [unit for unit in member_units() if unit.id not in in_hand]
    if not waiting:
        return 0
    roles = {RoleCode.UNIT_LIAISON, RoleCode.UNIT_HEAD}
    people: dict[int, dict[str, list[User]]] = {}
    for user in User.objects.filter(
        is_active=True, unit__in=waiting, roles__code__in=roles
    ).prefetch_related("roles"):
        codes = {role.code for role in user.roles.all()}
        for code in codes & roles:
            people.setdefault(user.unit_id, {}).setdefault(code, []).append(user)
    if occasion == LATE:
        title = _("The quarterly report for %(period)s was due on %(due)s and is not in yet")
    elif occasion == DUE:
        title = _("The quarterly report for %(period)s is due today (%(due)s)")
    else:
        title = _("The quarterly report for %(period)s is due on %(due)s")
    message = Message(
        key=f"report_due:{period.label}:{occasion}",
        category="report",
        title=title % {"period": period.label, "due": due.isoformat()},
        body=_("Fill it in and have the liaison or head submit it to the coordination office."),
        url=reverse("report_list"),
    )
    items = []
    for unit in waiting:
        by_role = people.get(unit.id, {})
        liaisons = by_role.get(RoleCode.UNIT_LIAISON, [])
        heads = by_role.get(RoleCode.UNIT_HEAD, [])
        recipients = liaisons or heads
        if occasion == LATE:
            recipients = list({u.id: u for u in liaisons + heads}.values())
        if recipients:
            items.append((message, recipients, None))
    return notify_many(items)
