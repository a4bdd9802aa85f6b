"""Celery tasks of what the apps share: take ids, call services, safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def forget_sent_forms() -> int:
    """Daily: delete the claims of form tokens too old to be posted again."""
    from .form_once import delete_old

    return delete_old()
