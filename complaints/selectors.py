"""Read queries for work orders and their calendar."""

from __future__ import annotations

from datetime import date

from .deadlines import DayUnit, DeadlineRule, WorkdayCalendar
from .models import CalendarDay, DeadlinePolicy


def workday_calendar() -> WorkdayCalendar:
    """The calendar with the office's table loaded; one query, a few hundred rows at most."""
    return WorkdayCalendar(overrides=dict(CalendarDay.objects.values_list("date", "is_workday")))


def years_missing_holidays(today: date, calendar: WorkdayCalendar | None = None) -> list[int]:
    """This year, and from November next year too, when nobody knows their holidays yet."""
    calendar = calendar or workday_calendar()
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    return calendar.unknown_years(years)


def deadline_rules() -> tuple[DeadlineRule, ...]:
    """The office's deadline policy as the pure rules `deadlines.order_deadlines` takes."""
    return tuple(
        DeadlineRule(
            name=p.name,
            kind=p.kind,
            urgency=p.urgency,
            amount=p.amount,
            unit=DayUnit(p.unit),
            starts_at=p.starts_at,
        )
        for p in DeadlinePolicy.objects.all()
    )
