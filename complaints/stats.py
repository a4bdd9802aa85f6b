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
from .models import DailyStat, StatsDirtyDay, WorkOrder

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
    """Recount the figures of every day from `first` to `last`; returns the rows written.

    Callers hold the refresh lock (or own the database, like the benchmark's seeding).
    """
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
            rebuild(first, last)
    return len(days)


def wait_until_current() -> None:
    """For readers that must agree with the orders: rebuild what is dirty, or if another
    refresher holds the lock, wait for it (it started before this request's read)."""
    if refresh() is None and connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        refresh()


def _rows(first: date, last: date, dimension: str, unit_id: int | None) -> QuerySet[DailyStat]:
    rows = DailyStat.objects.filter(dimension=dimension, day__gte=first, day__lte=last)
    return rows if unit_id is None else rows.filter(unit_id=unit_id)


def _sums() -> dict:
    return {m: Coalesce(Sum(m), 0) for m in MEASURES}


def totals(
    *, first: date, last: date, unit_id: int | None = None, dimension: str = Dimension.ALL
) -> dict[str, int]:
    """The measures summed over a date range (one unit's, or the district's)."""
    return _rows(first, last, dimension, unit_id).aggregate(**_sums())


def totals_by(
    *group_by: str,
    first: date,
    last: date,
    unit_id: int | None = None,
    dimension: str = Dimension.ALL,
) -> list[dict]:
    """The measures summed over a date range per "unit_id", "value" and/or "day"."""
    keys = list(group_by)
    return list(
        _rows(first, last, dimension, unit_id).values(*keys).annotate(**_sums()).order_by(*keys)
    )
