"""Read queries for work orders and their calendar."""

from __future__ import annotations

from datetime import date

from .deadlines import WorkdayCalendar
from .models import CalendarDay


def workday_calendar() -> WorkdayCalendar:
    """The calendar with the office's table loaded; one query, a few hundred rows at most."""
    return WorkdayCalendar(overrides=dict(CalendarDay.objects.values_list("date", "is_workday")))


def years_missing_holidays(today: date, calendar: WorkdayCalendar | None = None) -> list[int]:
    """This year, and from November next year too, when nobody knows their holidays yet."""
    calendar = calendar or workday_calendar()
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    return calendar.unknown_years(years)
