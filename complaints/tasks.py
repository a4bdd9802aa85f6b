"""Celery tasks for work orders: take ids, load what they need, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

from departments.models import AuditEntry, User

from .models import WorkOrderEvent

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    acks_late=True,
)
def notify_supervision(event_id: int) -> int:
    """Mail the supervised unit's people once per supervision event (督办通知).

    The sent marker is an audit entry keyed by the event, claimed in a transaction before
    sending, so a retried or duplicated task does not mail twice.
    """
    event = (
        WorkOrderEvent.objects.select_related("order", "order__primary_unit", "actor")
        .filter(id=event_id, action="supervise")
        .first()
    )
    if event is None or event.order.primary_unit is None:
        return 0
    order = event.order
    recipients = list(
        User.objects.filter(unit=order.primary_unit, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    with transaction.atomic():
        _, created = AuditEntry.objects.get_or_create(
            action="workorder.supervision_mailed",
            object_type="complaints.workorderevent",
            object_id=str(event.id),
            defaults={"unit": order.primary_unit, "summary": order.number},
        )
        if not created:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            subject = translation.gettext("Supervision of order %(number)s") % {
                "number": order.number
            }
            body = translation.gettext(
                "The coordination office supervises order %(number)s (%(title)s):\n\n%(note)s\n\n"
                "Please handle it and reply in the portal."
            ) % {"number": order.number, "title": order.title, "note": event.note}
        send_mail(subject, body, None, recipients)
    logger.info("Supervision of %s mailed to %s people", order.number, len(recipients))
    return len(recipients)


RESCHEDULE_WITHIN = 300
"""A retry due within this many seconds is queued by the task itself; later ones are left
to the sweep (long countdowns sit badly with the Redis visibility timeout)."""


@shared_task(bind=True, acks_late=True)
def deliver_order_callbacks(self, order_id: int) -> int:
    from .callbacks import deliver_order

    delivered, wait = deliver_order(order_id)
    if wait is not None and wait.total_seconds() <= RESCHEDULE_WITHIN:
        queue = (self.request.delivery_info or {}).get("routing_key")
        self.apply_async(
            (order_id,),
            countdown=max(wait.total_seconds(), 0),
            **({"queue": queue} if queue else {}),
        )
    return delivered


@shared_task(acks_late=True)
def sweep_callbacks() -> int:
    """Every pending callback that is due, whatever happened to its kick (broker down,
    worker lost): the outbox is the truth. Bounded per run."""
    import time as _time

    from .callbacks import deliver_order, due_order_ids

    started = _time.monotonic()
    delivered = 0
    for order_id in due_order_ids():
        delivered += deliver_order(order_id)[0]
        if _time.monotonic() - started > 240:
            break
    return delivered


@shared_task(acks_late=True)
def remind_due_soon() -> int:
    from .reminders import remind_due_soon as scan

    return scan()


@shared_task(acks_late=True)
def supervise_overdue() -> int:
    from .reminders import supervise_overdue as scan

    return scan()


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    from .reminders import send_daily_digests as send

    return send()
