"""Working-day arithmetic on the Chinese calendar, and the deadlines an order gets from policy.

Pure functions: the calendar and the policies are passed in, so the same code serves the
services, the reminder scans and the tests, and nothing here reads the database or the clock.

Which days are working days, in order of authority:
1. the office's own table (`overrides`: date -> is it a working day), because the State
   Council publishes next year's holidays late in the year and the office may know first;
2. the `chinese-calendar` package for the years it knows (weekends, statutory holidays and
   make-up working days, 调休);
3. for the other years, Monday to Friday but the statutory holidays every year has (元旦, 春节
   from New Year's Eve, 清明, 劳动节, 端午, 中秋, 国庆: `statutory_holidays`), with a warning so
   the office fills the table: the bridging days off and make-up working days only the
   year's notice says.

A year's holidays are known when the package has the year, or when the office has stated
that the year's official schedule is entered in full (`complete_years`, from
`models.HolidaySchedule`). A few days entered early do not make a year known: until the
whole notice is in, the year's deadlines are provisional and the office is told so.

A deadline of N working days ends at the end of the Nth working day after the day the clock
started (the start day itself does not count, as in the SAMR measures' "N 个工作日内").
Urgent sign-for deadlines count calendar minutes instead (the Tianjin 12345 rules).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import chinese_calendar
from lunar_python import Lunar, Solar

logger = logging.getLogger(__name__)

BEIJING = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)


class DayUnit(StrEnum):
    WORKING_DAYS = "working_days"
    MINUTES = "minutes"


@dataclass
class WorkdayCalendar:
    """Answers "is this a working day?" from the office table, the package, then Mon-Fri."""

    overrides: Mapping[date, bool] = field(default_factory=dict)
    complete_years: Collection[int] = frozenset()
    """Years whose official schedule the office has entered in full."""
    warned_years: set[int] = field(default_factory=set)
    answers: dict[date, bool] = field(default_factory=dict, repr=False, compare=False)
    """Days already answered: the package checks its range on every call, and one process
    keeps one calendar for many orders (`complaints.reference`)."""

    def is_workday(self, day: date) -> bool:
        answer = self.answers.get(day)
        if answer is None:
            answer = self.answers[day] = self._is_workday(day)
        return answer

    def _is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self.warned_years and day.year not in self.complete_years:
                self.warned_years.add(day.year)
                logger.warning(
                    "No holiday data for %s: counting Monday to Friday but the statutory "
                    "holidays until the office enters that year's holidays.",
                    day.year,
                )
            return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def is_known_year(self, year: int) -> bool:
        """Whether all holidays of `year` are known: the package has the year, or the office
        marked its schedule complete. Days of the office table alone are not enough."""
        if year in self.complete_years:
            return True
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            return False
        return True

    def unknown_years(self, years: Iterable[int]) -> list[int]:
        return sorted(year for year in set(years) if not self.is_known_year(year))


@functools.cache
def statutory_holidays(year: int) -> frozenset[date]:
    """The days off that the State Council's rules on holidays (全国年节及纪念日放假办法, as
    revised in 2024) give in every year: New Year's Day, the Spring Festival from its eve to
    the third day, Qingming, 1 and 2 May, the Dragon Boat Festival, Mid-Autumn and 1 to 3
    October. December's deadlines run into a year whose notice is not out yet, and counted
    Monday to Friday alone they fell days early, over New Year's Day and the Spring
    Festival (found by using the portal as a unit)."""
    spring = Lunar.fromYmd(year, 1, 1).getSolar()
    new_year = date(spring.getYear(), spring.getMonth(), spring.getDay())
    moving = [new_year + timedelta(days=n) for n in (-1, 0, 1, 2)]
    for month, day in ((5, 5), (8, 15)):
        solar = Lunar.fromYmd(year, month, day).getSolar()
        moving.append(date(solar.getYear(), solar.getMonth(), solar.getDay()))
    qingming = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    moving.append(date(qingming.getYear(), qingming.getMonth(), qingming.getDay()))
    fixed = [
        date(year, 1, 1),
        date(year, 5, 1),
        date(year, 5, 2),
        *(date(year, 10, d) for d in (1, 2, 3)),
    ]
    return frozenset([*fixed, *moving])


def add_working_days(start: datetime, days: int, calendar: WorkdayCalendar) -> datetime:
    """The end of the `days`-th working day after the day of `start` (Beijing time)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start.astimezone(BEIJING).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return datetime.combine(day, END_OF_DAY, tzinfo=BEIJING)


def received_by_unit(received: datetime, designated: datetime | None) -> datetime:
    """When the unit with jurisdiction received the case: the clock of every deadline the
    policy counts "when received" (the acceptance decision, an inquiry's answer). That is
    the citizen's receipt, or, when the group leader's decision on a jurisdiction dispute
    designated the unit after it, that decision: the SAMR measures count the time to decide
    on a complaint or report from when the unit with jurisdiction receives it, and a unit
    designated months after the citizen called has had the case only since then. The
    sign-for clock starts at each dispatch anyway; the resolution clock at the acceptance,
    which a designation asks of the unit afresh, as a re-dispatch does."""
    if designated is not None and designated > received:
        return designated
    return received


def working_days_between(start: date, end: date, calendar: WorkdayCalendar) -> int:
    """Working days after `start` up to and including `end`; 0 when end <= start."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            count += 1
    return count


@dataclass(frozen=True)
class DeadlineRule:
    """One line of the office's deadline policy, as data (see complaints.models later)."""

    name: str  # sign_for, decision, resolution, answer
    kind: str  # complaint, report, inquiry, or "*" for every kind
    urgency: str  # normal, safety, utilities, or "*"
    amount: int
    unit: DayUnit
    # The order's clock that starts it: dispatched, received (by the unit with jurisdiction:
    # `received_by_unit`), accepted.
    starts_at: str


DEFAULT_DEADLINE_RULES: tuple[DeadlineRule, ...] = (
    DeadlineRule("sign_for", "*", "normal", 1, DayUnit.WORKING_DAYS, "dispatched"),
    DeadlineRule("sign_for", "*", "safety", 15, DayUnit.MINUTES, "dispatched"),
    DeadlineRule("sign_for", "*", "utilities", 30, DayUnit.MINUTES, "dispatched"),
    DeadlineRule("decision", "complaint", "*", 7, DayUnit.WORKING_DAYS, "received"),
    DeadlineRule("resolution", "complaint", "*", 45, DayUnit.WORKING_DAYS, "accepted"),
    DeadlineRule("decision", "report", "*", 15, DayUnit.WORKING_DAYS, "received"),
    DeadlineRule("answer", "inquiry", "*", 5, DayUnit.WORKING_DAYS, "received"),
)


def _applies(rule: DeadlineRule, kind: str, urgency: str) -> bool:
    return rule.kind in ("*", kind) and rule.urgency in ("*", urgency)


def _specificity(rule: DeadlineRule) -> int:
    return (rule.kind != "*") + (rule.urgency != "*")


def due_at(
    rule: DeadlineRule,
    started: datetime,
    calendar: WorkdayCalendar,
    *,
    extension_days: int = 0,
    paused_working_days: int = 0,
) -> datetime:
    """When one deadline falls, given when its clock started, extensions and paused time."""
    if rule.unit == DayUnit.MINUTES:
        return started + timedelta(minutes=rule.amount)
    return add_working_days(started, rule.amount + extension_days + paused_working_days, calendar)


def _chosen_rules(
    kind: str, urgency: str, rules: Iterable[DeadlineRule]
) -> dict[str, DeadlineRule]:
    """The rule of each deadline name for an order: the most specific that matches."""
    chosen: dict[str, DeadlineRule] = {}
    for rule in rules:
        if not _applies(rule, kind, urgency):
            continue
        current = chosen.get(rule.name)
        if current is None or _specificity(rule) > _specificity(current):
            chosen[rule.name] = rule
    return chosen


def deadline_starts(
    *,
    kind: str,
    urgency: str,
    clocks: Mapping[str, datetime | None],
    rules: Iterable[DeadlineRule] = DEFAULT_DEADLINE_RULES,
) -> dict[str, datetime]:
    """When the clock of each deadline an order has now started, by name: the paused days
    and the extensions of a deadline count from then, not from a clock that ran before (a
    unit's own acceptance, before a re-dispatch or a reopening started it again)."""
    starts = {}
    for name, rule in _chosen_rules(kind, urgency, rules).items():
        started = clocks.get(rule.starts_at)
        if started is not None:
            starts[name] = started
    return starts


def order_deadlines(
    *,
    kind: str,
    urgency: str,
    clocks: Mapping[str, datetime | None],
    calendar: WorkdayCalendar,
    rules: Iterable[DeadlineRule] = DEFAULT_DEADLINE_RULES,
    extensions: Mapping[str, int] | None = None,
    paused_working_days: Mapping[str, int] | None = None,
) -> dict[str, datetime]:
    """Every deadline an order has now, by name; a deadline whose clock has not started
    (no acceptance yet, say) is absent. The most specific matching rule wins per name."""
    extensions = extensions or {}
    paused_working_days = paused_working_days or {}
    result: dict[str, datetime] = {}
    for name, rule in _chosen_rules(kind, urgency, rules).items():
        started = clocks.get(rule.starts_at)
        if started is None:
            continue
        result[name] = due_at(
            rule,
            started,
            calendar,
            extension_days=extensions.get(name, 0),
            paused_working_days=paused_working_days.get(name, 0),
        )
    return result


def time_left(deadline: datetime, now: datetime) -> timedelta:
    """Negative when overdue; the UI turns amber when little is left and red when negative."""
    return deadline - now
