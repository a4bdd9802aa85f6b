"""Celery tasks for quarterly reports (routed to the "slow" queue): take ids, safe to run
twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

PENDING_FOR = timedelta(minutes=2)
"""A report waiting this long was not picked up: its queued task was lost (broker down)."""
RUNNING_FOR = timedelta(minutes=15)
"""Longer than the task time limit: a build still RUNNING after this lost its worker."""
BATCH = 50


@shared_task(acks_late=True)
def build_district_report_files(report_id: int) -> None:
    from .publishing import build_district_files

    build_district_files(report_id)


@shared_task(acks_late=True)
def sweep_district_report_files() -> int:
    """Queue again the builds whose task was lost or whose worker died; returns how many."""
    from django.utils import timezone

    from wuqing_consumer.celery import nudge

    from .choices import FileState
    from .models import DistrictReport

    now = timezone.now()
    dead = list(
        DistrictReport.objects.filter(
            file_state=FileState.RUNNING, updated_at__lt=now - RUNNING_FOR
        ).values_list("id", flat=True)[:BATCH]
    )
    # Back to PENDING without touching updated_at, so the next sweep retries it too if this
    # queueing is lost; the build's compare-and-set makes extra tasks harmless.
    DistrictReport.objects.filter(
        id__in=dead, file_state=FileState.RUNNING, updated_at__lt=now - RUNNING_FOR
    ).update(file_state=FileState.PENDING, progress=0)
    waiting = list(
        DistrictReport.objects.filter(
            file_state=FileState.PENDING, updated_at__lt=now - PENDING_FOR
        ).values_list("id", flat=True)[:BATCH]
    )
    for report_id in waiting:
        nudge(build_district_report_files, report_id)
    return len(waiting)


@shared_task(acks_late=True)
def remind_periodic_duties() -> int:
    """Daily: quarterly reports, annual summaries, the annual joint meeting and plans not
    filed (idempotent per person and occasion)."""
    from .reminders import remind_periodic_duties as remind

    return remind()
