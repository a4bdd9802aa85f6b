"""Celery tasks for public releases: take ids, call services, safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def end_expired_exposures() -> int:
    """Daily: record the end of every exposure period that has passed."""
    from .services import exposures_end

    return exposures_end()
