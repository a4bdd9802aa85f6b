"""Celery tasks for work orders: take ids, load what they need, safe to run twice."""

from __future__ import annotations

from celery import shared_task

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
def find_duplicates() -> int:
    """Possible duplicates of the orders the hotline pushed since the last run."""
    from .services import find_pending_duplicates

    return find_pending_duplicates()


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


@shared_task(acks_late=True)
def refresh_figures() -> int | None:
    """Recount the days whose orders changed (dashboards also do it before they read)."""
    from .stats import refresh

    return refresh()


@shared_task(acks_late=True)
def remind_referrals() -> int:
    """Referred leads past their acknowledgement deadline, disputes the leader has not
    decided and overdue team tasks (each once)."""
    from .disputes import remind_escalations
    from .interventions import remind_unanswered
    from .referrals import remind_unacknowledged

    return remind_unacknowledged() + remind_unanswered() + remind_escalations()


@shared_task(acks_late=True)
def build_order_export(export_id: int) -> bool:
    """An Excel export of the order list (routed to the "slow" queue)."""
    from .order_exports import order_export_build

    return order_export_build(export_id)


@shared_task(acks_late=True)
def sweep_order_exports() -> dict[str, int]:
    """Exports whose task was lost or whose worker died, and those past their keeping."""
    from .order_exports import order_exports_sweep

    return order_exports_sweep()
