"""The summary tables behind dashboards and reports: daily figures per unit and dimension.

Every event on an order marks the day the order was received as dirty, in the event's own
transaction (`mark_changed`). `refresh` rebuilds the figures of dirty days from the orders
themselves, so the summary is always what a count over the orders would give: there are no
increments that could drift. Readers call `refresh` first (it costs one query when nothing
changed), and a Celery task does it after each change and every minute, so the figures are
current whether or not a worker runs.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .choices import OPEN_STATUSES, Satisfaction, Status
from .models import DailyStat, MonthlyStat, StatsDirtyDay, StatsMonth, WorkOrder

Dimension = DailyStat.Dimension
MEASURES = (
    "received",
    "open",
    "resolved",
    "on_time",
    "late",
    "rated",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
    "triaged",
    "redispatched",
)
# Which order column each dimension groups by ("all" groups by the unit alone).
DIMENSION_FIELDS: dict[str, str | None] = {
    Dimension.ALL: None,
    Dimension.CATEGORY: "category",
    Dimension.TOWN: "town__code",
    Dimension.CHANNEL: "channel",
    Dimension.KIND: "kind",
    Dimension.BUSINESS: "business_name",
}
_LOCK_KEY = 0x57515354  # "WQST": one refresher at a time on PostgreSQL


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, local_zone()).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone())


def received_between(queryset: QuerySet[WorkOrder], first: date, last: date) -> QuerySet:
    """Orders received from the start of `first` to the end of `last`, local time."""
    return queryset.filter(
        received_at__gte=day_start(first), received_at__lt=day_start(last + timedelta(days=1))
    )


def measure_aggregates() -> dict:
    """The counts of one group of orders; the same definitions serve the naive cross-check."""
    deadline = Coalesce("due_resolution", "due_answer")
    done = Q(status__in=(Status.RESOLVED, Status.CLOSED), resolved_at__isnull=False)
    counted = Q(excluded_from_stats=False, satisfaction__gt="")
    return {
        "received": Count("id"),
        "open": Count("id", filter=Q(status__in=OPEN_STATUSES)),
        "resolved": Count("id", filter=done),
        "on_time": Count(
            "id",
            filter=done & (Q(due_resolution=None, due_answer=None) | Q(resolved_at__lte=deadline)),
        ),
        "late": Count("id", filter=done & Q(resolved_at__gt=deadline)),
        "rated": Count("id", filter=counted),
        "satisfied": Count("id", filter=counted & Q(satisfaction=Satisfaction.SATISFIED)),
        "basically_satisfied": Count(
            "id", filter=counted & Q(satisfaction=Satisfaction.BASICALLY_SATISFIED)
        ),
        "dissatisfied": Count("id", filter=counted & Q(satisfaction=Satisfaction.DISSATISFIED)),
        "triaged": Count("id", filter=Q(routing__status=Status.TRIAGE)),
        "redispatched": Count("id", filter=Q(dispatch_count__gt=1)),
    }


def mark_changed(order: WorkOrder) -> None:
    """Call inside the transaction that changes `order`; `refresh` recounts its day."""
    StatsDirtyDay.objects.create(day=local_day(order.received_at))


def _contiguous(days: Iterable[date]) -> list[tuple[date, date]]:
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and day == ranges[-1][1] + timedelta(days=1):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def rebuild(first: date, last: date) -> int:
    """Recount every day from `first` to `last` and the finished months they touch; returns
    the daily rows written. Callers hold the refresh lock (or own the database, like the
    benchmark's seeding)."""
    rows = _rebuild_days(first, last)
    roll_up(_months_between(first, last))
    return rows


def _rebuild_days(first: date, last: date) -> int:
    orders = received_between(WorkOrder.objects.all(), first, last).annotate(
        day=TruncDate("received_at", tzinfo=local_zone())
    )
    rows: list[DailyStat] = []
    for dimension, field in DIMENSION_FIELDS.items():
        groups = orders
        keys = ["day", "primary_unit_id"]
        if field:
            keys.append(field)
            if dimension == Dimension.BUSINESS:
                groups = groups.exclude(business_name="")
        for row in groups.values(*keys).annotate(**measure_aggregates()).order_by():
            rows.append(
                DailyStat(
                    day=row["day"],
                    unit_id=row["primary_unit_id"],
                    dimension=dimension,
                    value=(row[field] or "")[:200] if field else "",
                    **{m: row[m] for m in MEASURES},
                )
            )
    DailyStat.objects.filter(day__gte=first, day__lte=last).delete()
    DailyStat.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _try_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def refresh(limit: int = 5000) -> int | None:
    """Rebuild the days marked dirty; the number of days, or None if another refresher is
    at work (its result is as good: it started after our caller's writes committed).

    The dirty rows are read and deleted in the transaction that rebuilds their days, after
    taking the lock: a mark that is visible belongs to a committed change, so the rebuild
    sees that change; a mark not yet committed stays for the next run.
    """
    with transaction.atomic():
        if not _try_lock():
            return None
        marks = list(StatsDirtyDay.objects.order_by("id").values_list("id", "day")[:limit])
        if not marks:
            return 0
        StatsDirtyDay.objects.filter(id__in=[m[0] for m in marks]).delete()
        days = {day for _, day in marks}
        for first, last in _contiguous(days):
            _rebuild_days(first, last)
        months = {month_start(day) for day in days}
        # A month that has just ended is rolled up once, even if nothing in it changes again.
        previous = month_start(month_start(timezone.localdate()) - timedelta(days=1))
        if not StatsMonth.objects.filter(month=previous).exists():
            months.add(previous)
        roll_up(months)
    return len(days)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _months_between(first: date, last: date) -> set[date]:
    months, month = set(), month_start(first)
    while month <= last:
        months.add(month)
        month = month_end(month) + timedelta(days=1)
    return months


def roll_up(months: Iterable[date]) -> None:
    """Sum the daily rows of finished months into `MonthlyStat` (set-based, in the database).
    Months not yet over are skipped: readers take their days from the daily rows."""
    current = month_start(timezone.localdate())
    daily, monthly = DailyStat._meta.db_table, MonthlyStat._meta.db_table
    columns = ", ".join(MEASURES)
    sums = ", ".join(f"SUM({m})" for m in MEASURES)
    for month in sorted(m for m in months if m < current):
        MonthlyStat.objects.filter(month=month).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {monthly} (month, unit_id, dimension, value, {columns}) "
                f"SELECT %s, unit_id, dimension, value, {sums} FROM {daily} "
                "WHERE day >= %s AND day <= %s GROUP BY unit_id, dimension, value",
                [month, month, month_end(month)],
            )
        StatsMonth.objects.update_or_create(month=month)


def wait_until_current() -> None:
    """For readers that must agree with the orders: rebuild what is dirty, or if another
    refresher holds the lock, wait for it (it started before this request's read)."""
    if refresh() is None and connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        refresh()


def _split(first: date, last: date) -> tuple[list[date], list[tuple[date, date]]]:
    """The built months wholly inside the range, and the day ranges around them."""
    whole = [m for m in sorted(_months_between(first, last)) if m >= first and month_end(m) <= last]
    built = set(StatsMonth.objects.filter(month__in=whole).values_list("month", flat=True))
    spans: list[tuple[date, date]] = []
    day = first
    for month in sorted(built):
        if day < month:
            spans.append((day, month - timedelta(days=1)))
        day = month_end(month) + timedelta(days=1)
    if day <= last:
        spans.append((day, last))
    return sorted(built), spans


def _sums() -> dict:
    return {m: Coalesce(Sum(m), 0) for m in MEASURES}


def _sources(
    first: date, last: date, dimension: str, unit_id: int | None, by_day: bool
) -> list[QuerySet]:
    """Querysets whose sums together cover the range: months from `MonthlyStat` where they
    are built (unless days are asked for), the rest from `DailyStat`."""
    months, spans = ([], [(first, last)]) if by_day else _split(first, last)
    # Both queries always run (one of them may match nothing), so a read costs the same
    # number of queries whatever data there is.
    monthly = MonthlyStat.objects.filter(dimension=dimension)
    monthly = monthly.filter(month__in=months) if months else monthly.filter(month__isnull=True)
    condition = Q() if spans else Q(day__isnull=True)
    for a, b in spans:
        condition |= Q(day__gte=a, day__lte=b)
    sources: list[QuerySet] = [monthly, DailyStat.objects.filter(condition, dimension=dimension)]
    if by_day:
        sources = sources[1:]
    if unit_id is not None:
        sources = [rows.filter(unit_id=unit_id) for rows in sources]
    return sources


def totals(
    *, first: date, last: date, unit_id: int | None = None, dimension: str = Dimension.ALL
) -> dict[str, int]:
    """The measures summed over a date range (one unit's, or the district's)."""
    result = dict.fromkeys(MEASURES, 0)
    for rows in _sources(first, last, dimension, unit_id, by_day=False):
        for measure, value in rows.aggregate(**_sums()).items():
            result[measure] += value
    return result


def totals_by(
    *group_by: str,
    first: date,
    last: date,
    unit_id: int | None = None,
    dimension: str = Dimension.ALL,
) -> list[dict]:
    """The measures summed over a date range per "unit_id", "value" and/or "day"."""
    keys = list(group_by)
    merged: dict[tuple, dict] = {}
    for rows in _sources(first, last, dimension, unit_id, by_day="day" in keys):
        for row in rows.values(*keys).annotate(**_sums()).order_by():
            key = tuple(row[k] for k in keys)
            if key in merged:
                for measure in MEASURES:
                    merged[key][measure] += row[measure]
            else:
                merged[key] = row
    return [merged[key] for key in sorted(merged, key=_sort_key)]


def _sort_key(key: tuple) -> tuple:
    return tuple((value is None, value if value is not None else 0) for value in key)
