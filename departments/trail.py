"""Reading the audit trail, which grows by every change made in the portal and is never
pruned: its admin list reads only what a page needs, through the indexes, so it stays
fast at a million entries (scripts/benchmark_pages.py: 300,000 took 550 ms a page)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, models
from django.utils import timezone

from .models import AuditEntry


def distinct_values(field: str) -> list[str]:
    """The different values of an indexed column of the trail, in order, by a loose index
    scan: one index probe per value ("the least value above the last one"). SELECT
    DISTINCT read every entry (90 ms at 300,000) for a dozen values. Written for
    PostgreSQL and SQLite alike."""
    column = AuditEntry._meta.get_field(field).column
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    column = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE found(value) AS ("
            f" SELECT min({column}) FROM {table}"
            f" UNION ALL"
            f" SELECT (SELECT min({column}) FROM {table} WHERE {column} > found.value)"
            f" FROM found WHERE found.value IS NOT NULL"
            f") SELECT value FROM found WHERE value IS NOT NULL"
        )
        return [row[0] for row in cursor.fetchall()]


def _period_start(moment: datetime, kind: str) -> datetime:
    local = timezone.localtime(moment)
    if kind == "year":
        local = local.replace(month=1, day=1)
    elif kind == "month":
        local = local.replace(day=1)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _next_period(start: datetime, kind: str) -> datetime:
    if kind == "year":
        following = start.replace(year=start.year + 1)
    elif kind == "month":
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        following = (start + timedelta(days=1)).replace(hour=0)
    # Midnight in the portal's time zone again, whatever the offset did in between.
    return timezone.make_aware(following.replace(tzinfo=None))


class TrailQuerySet(models.QuerySet):
    """The admin's list of the trail. Its date hierarchy asks for the years (then months,
    days) that hold entries: Django answers with SELECT DISTINCT date_trunc(...) over every
    entry in range (160 ms at 300,000 over two years). Here the first and the last entry
    give the first and the last period, and each period between them is found with one
    probe of the created_at index ("the first entry from the next period on"): a trail of
    two years costs one query, and a search, which scans the trail for each, one scan."""

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if kind not in ("year", "month", "day") or tzinfo is not None:
            return super().datetimes(field_name, kind, order, tzinfo)
        bounds = self.aggregate(first=models.Min(field_name), last=models.Max(field_name))
        if bounds["first"] is None:
            return []
        last = _period_start(bounds["last"], kind)
        periods = [_period_start(bounds["first"], kind)]
        while periods[-1] < last:
            following = _next_period(periods[-1], kind)
            if following < last:
                within = {f"{field_name}__gte": following, f"{field_name}__lt": last}
                found = self.filter(**within).aggregate(first=models.Min(field_name))["first"]
                if found is not None:
                    periods.append(_period_start(found, kind))
                    continue
            periods.append(last)
        return periods if order == "ASC" else periods[::-1]


def trail_queryset(queryset: models.QuerySet) -> TrailQuerySet:
    """`queryset` (the admin's, with its joins) as a `TrailQuerySet`."""
    return TrailQuerySet(model=queryset.model, query=queryset.query, using=queryset.db)
