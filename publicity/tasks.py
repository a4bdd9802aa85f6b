"""Celery tasks for public releases: take ids, call services, safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def end_expired_exposures() -> int:
    """Daily: record the end of every exposure period that has passed."""
    from .services import exposures_end

    return exposures_end()


@shared_task(acks_late=True)
def build_release_pdf(release_id: int) -> bool:
    from .services import release_pdf_build

    return release_pdf_build(release_id=release_id)


@shared_task(acks_late=True)
def sweep_release_pdfs() -> int:
    """Queue again the PDFs whose task was lost; the build's compare-and-set makes extra
    tasks harmless."""
    from wuqing_consumer.celery import nudge

    from .services import release_pdfs_missing

    missing = release_pdfs_missing()
    for release_id in missing:
        nudge(build_release_pdf, release_id)
    return len(missing)
