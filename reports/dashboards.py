"""The numbers of the office's and the units' dashboards.

History comes from the daily summary (`complaints.stats`): orders are counted by the day
they were received, so a range's figures are "orders received then, and what became of
them", the same cohort as the quarterly reports, and a request reads summary rows instead
of counting years of orders. What changes with time alone (an open order becoming due
soon or overdue) is counted live, over the open orders whose next deadline is before the
end of the next working day (the indexed `next_due_at` column): bounded by open work, not
by history. A dashboard costs the same dozen queries whatever the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from complaints import selectors, stats
from complaints.choices import Channel
from complaints.models import DailyStat, WorkOrder
from departments.choices import UnitKind
from departments.models import Town, Unit
from wuqing_consumer.language import choice_names

from .choices import ReportStatus
from .figures import Period, rate, working_days
from .models import UnitReport

Dimension = DailyStat.Dimension
TOP = 10
MAX_YEARS = 3
# Up to this many days the trend has a point per day, then per week, then per month.
DAILY_UP_TO = 62
WEEKLY_UP_TO = 366


def earliest_first(last: date) -> date:
    """The first day a dashboard ending on `last` may show: the day after the same date
    `MAX_YEARS` back (after 28 February for a 29 February), so a range cut to three years
    runs from 1 January when it ends on 31 December, as the office would count them."""
    try:
        back = last.replace(year=last.year - MAX_YEARS)
    except ValueError:
        back = last.replace(year=last.year - MAX_YEARS, day=28)
    return back + timedelta(days=1)


@dataclass(frozen=True)
class DateRange:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def week_of(today: date) -> DateRange:
    monday = today - timedelta(days=today.weekday())
    return DateRange(monday, monday + timedelta(days=6))


def month_of(today: date) -> DateRange:
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return DateRange(first, following - timedelta(days=1))


def quarter_of(today: date) -> DateRange:
    period = Period.containing(today)
    return DateRange(period.first, period.last)


def year_of(today: date) -> DateRange:
    return DateRange(date(today.year, 1, 1), date(today.year, 12, 31))


PRESETS = {"week": week_of, "month": month_of, "quarter": quarter_of, "year": year_of}


def quarter_so_far(now: datetime, *, unit_id: int | None = None) -> dict:
    """The figures of the quarter under way, from its first day to today: the district's
    for the home page of those who answer for the mechanism (`access.oversees_district`),
    or with `unit_id` one unit's (the orders it handles as primary unit) for that unit's
    people. What the dashboard shows for "This quarter", in a handful of queries; callers
    have checked that the user may see the unit (`departments.access`)."""
    stats.wait_until_current()
    today = stats.local_day(now)
    period = Period.containing(today)
    totals = with_rates(stats.totals(first=period.first, last=today, unit_id=unit_id))
    return {"period": period, "first": period.first, "today": today, **totals}


def with_rates(row: dict) -> dict:
    """The measures of one group, with the rates the dashboard and the reports show."""
    row = dict(row)
    row["on_time_rate"] = rate(row["on_time"], row["resolved"])
    row["satisfaction_rate"] = rate(row["satisfied"] + row["basically_satisfied"], row["rated"])
    row["resolution_rate"] = rate(row["resolved"], row["received"])
    if "triaged" in row:
        row["triaged_share"] = rate(row["triaged"], row["received"])
        row["redispatched_share"] = rate(row["redispatched"], row["received"])
    return row


def _empty() -> dict:
    return dict.fromkeys(stats.MEASURES, 0)


def _add(into: dict, row: dict) -> None:
    for measure in stats.MEASURES:
        into[measure] += row[measure]


def _bucket(first: date, last: date) -> str:
    days = (last - first).days + 1
    if days <= DAILY_UP_TO:
        return "day"
    return "week" if days <= WEEKLY_UP_TO else "month"


def _bucket_start(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def _trend(rows: list[dict], first: date, last: date) -> dict:
    """Received and resolved per day, week or month from `first` to `last` (no gaps)."""
    bucket = _bucket(first, last)
    points: dict[date, dict] = {}
    day = _bucket_start(first, bucket)
    while day <= last:
        points[day] = {"start": day, "received": 0, "resolved": 0, "open": 0}
        day = (
            day + timedelta(days=7 if bucket == "week" else 1)
            if bucket != "month"
            else (day + timedelta(days=32)).replace(day=1)
        )
    for row in rows:
        if first <= row["day"] <= last:
            point = points[_bucket_start(row["day"], bucket)]
            for key in ("received", "resolved", "open"):
                point[key] += row[key]
    return {"bucket": bucket, "points": list(points.values())}


def _live_deadlines(
    first: date, last: date, now: datetime, soon: datetime, unit_id: int | None
) -> dict[int | None, dict]:
    """Open orders past a deadline or due soon, per primary unit: those received in the
    range (as the order list's overdue and due-soon tabs show them with its date filter)
    and, for the headline, those received at any time. One query over the open orders
    whose next deadline is before `soon`. Counting next_due_at rather than id lets an index
    on next_due_at that includes primary_unit_id and received_at answer it alone."""
    received = Q(
        received_at__gte=stats.day_start(first),
        received_at__lt=stats.day_start(last + timedelta(days=1)),
    )
    orders = WorkOrder.objects.filter(next_due_at__isnull=False, next_due_at__lte=soon)
    if unit_id is not None:
        orders = orders.filter(primary_unit_id=unit_id)
    rows = (
        orders.values("primary_unit_id")
        .annotate(
            overdue=Count("next_due_at", filter=received & Q(next_due_at__lt=now)),
            due_soon=Count("next_due_at", filter=received & Q(next_due_at__gte=now)),
            overdue_any=Count("next_due_at", filter=Q(next_due_at__lt=now)),
            due_soon_any=Count("next_due_at", filter=Q(next_due_at__gte=now)),
        )
        .order_by()
    )
    return {row.pop("primary_unit_id"): row for row in rows}


def _top(
    dimension: str, first: date, last: date, unit_id: int | None, limit: int | None
) -> list[dict]:
    """Values of a dimension by orders received, most first (ties by value)."""
    rows = stats.totals_by("value", first=first, last=last, unit_id=unit_id, dimension=dimension)
    rows.sort(key=lambda row: (-row["received"], row["value"]))
    return [with_rates(row) for row in (rows[:limit] if limit else rows)]


def _label(rows: list[dict], labels: dict[str, str]) -> list[dict]:
    for row in rows:
        row["label"] = labels.get(row["value"], row["value"]) or _("(none)")
    return rows


def report_status(unit: Unit, today: date) -> list[dict]:
    """The unit's quarterly reports of the current and the previous quarter."""
    current = Period.containing(today)
    periods = [current, current.previous()]
    reports = {
        (r.year, r.quarter): r
        for r in UnitReport.objects.filter(unit=unit).filter(
            Q(year=periods[0].year, quarter=periods[0].quarter)
            | Q(year=periods[1].year, quarter=periods[1].quarter)
        )
    }
    rows = []
    calendar = working_days()
    for period in periods:
        report = reports.get((period.year, period.quarter))
        due_on = period.due_on(calendar)
        status = report.status if report else ""
        rows.append(
            {
                "period": period.label,
                "status": status,
                "status_label": (ReportStatus(status).label if status else _("Not started")),
                "due_on": due_on,
                "late": status in ("", ReportStatus.DRAFT, ReportStatus.RETURNED)
                and today > due_on,
                "report_id": report.id if report else None,
            }
        )
    return rows


def dashboard_data(*, unit: Unit | None, first: date, last: date, now: datetime) -> dict:
    """Everything a dashboard shows: the district's (unit=None) or one unit's.

    Callers have checked that the user may see `unit` (`departments.access`).
    """
    stats.wait_until_current()
    today = stats.local_day(now)
    unit_id = unit.id if unit else None
    week, month, quarter = week_of(today), month_of(today), quarter_of(today)

    # Days: the headline weeks, months and quarters and the trend, in one read.
    read_first = min(first, week.first, quarter.first)
    read_last = max(last, today)
    days = stats.totals_by("day", first=read_first, last=read_last, unit_id=unit_id)
    received_in = {
        key: sum(r["received"] for r in days if span.first <= r["day"] <= min(span.last, today))
        for key, span in (("week", week), ("month", month), ("quarter", quarter))
    }
    trend = _trend(days, first, min(last, max(today, first)))

    units = [unit] if unit else list(Unit.objects.filter(kind=UnitKind.MEMBER, is_active=True))
    per_unit = {
        row["unit_id"]: row
        for row in stats.totals_by("unit_id", first=first, last=last, unit_id=unit_id)
    }
    soon = selectors.due_soon_until(now)
    live = _live_deadlines(first, last, now, soon, unit_id)
    no_live = {"overdue": 0, "due_soon": 0, "overdue_any": 0, "due_soon_any": 0}

    totals = _empty()
    for row in per_unit.values():
        _add(totals, row)
    live_totals = dict(no_live)
    for row in live.values():
        for key in live_totals:
            live_totals[key] += row[key]
    totals = {**with_rates(totals), **live_totals}

    by_unit = []
    for member in units:
        row = {**_empty(), **per_unit.get(member.id, {}), **live.get(member.id, no_live)}
        row.pop("unit_id", None)
        by_unit.append(
            {**with_rates(row), "unit_id": member.id, "code": member.code, "name": str(member)}
        )
    # Orders without a primary unit wait in the office's triage queue.
    if unit is None and (None in per_unit or None in live):
        row = {**_empty(), **per_unit.get(None, {}), **live.get(None, no_live)}
        row.pop("unit_id", None)
        by_unit.append({**with_rates(row), "unit_id": None, "code": "", "name": _("Triage queue")})

    towns = {town.code: str(town) for town in Town.objects.all()}
    channels = choice_names(Channel)
    return {
        "unit": unit,
        "first": first,
        "last": last,
        "today": today,
        "now": now,
        "due_soon_until": soon,
        "received_in": received_in,
        "spans": {"week": week, "month": month, "quarter": quarter},
        "trend": trend,
        "totals": totals,
        "by_unit": by_unit,
        "categories": _label(_top(Dimension.CATEGORY, first, last, unit_id, TOP), {}),
        "businesses": _label(_top(Dimension.BUSINESS, first, last, unit_id, TOP), {}),
        "towns": _label(_top(Dimension.TOWN, first, last, unit_id, None), towns),
        "channels": _label(_top(Dimension.CHANNEL, first, last, unit_id, None), channels),
        "reports": report_status(unit, today) if unit is not None else [],
    }
