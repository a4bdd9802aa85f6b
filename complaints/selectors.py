"""Read queries for work orders and their calendar."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from .deadlines import DayUnit, DeadlineRule, WorkdayCalendar
from .models import CalendarDay, DeadlinePolicy, RoutingRule
from .routing import Rule


def workday_calendar(years: Iterable[int] | None = None) -> WorkdayCalendar:
    """The calendar with the office's table loaded (only `years` when given); one query."""
    days = CalendarDay.objects.all()
    if years is not None:
        days = days.filter(date__year__in=list(years))
    return WorkdayCalendar(overrides=dict(days.values_list("date", "is_workday")))


def years_missing_holidays(today: date) -> list[int]:
    """This year, and from November next year too, when nobody knows their holidays yet."""
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    return workday_calendar(years).unknown_years(years)


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


_WORD_SEPARATORS = re.compile(r"[\n,，、;；]+")


def split_words(value: str) -> tuple[str, ...]:
    """The admin's word lists: one per line or separated by commas or 、."""
    return tuple(word.strip() for word in _WORD_SEPARATORS.split(value or "") if word.strip())


def routing_rules() -> tuple[Rule, ...]:
    """The office's active rules, in the form `routing.route` takes; two queries."""
    rules = RoutingRule.objects.filter(is_active=True).select_related("primary_unit")
    return tuple(
        Rule(
            key=row.key,
            name=row.name,
            primary_unit=row.primary_unit.code,
            co_units=tuple(unit.code for unit in row.co_units.all()),
            categories=split_words(row.categories),
            any_of=split_words(row.any_of),
            all_of=split_words(row.all_of),
            none_of=split_words(row.none_of),
            priority=row.priority,
        )
        for row in rules.prefetch_related("co_units")
    )
