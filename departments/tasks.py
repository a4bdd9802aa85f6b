"""Celery tasks of the notification service."""

from celery import shared_task


@shared_task(acks_late=True)
def send_deliveries() -> int:
    """Send every due email, SMS and robot message; also the periodic sweep."""
    from .notifications import send_due_deliveries

    return send_due_deliveries()
