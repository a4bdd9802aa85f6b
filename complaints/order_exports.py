"""Excel exports of the order list, made by a worker (`tasks.build_order_export`).

Asking (`order_export_request`) checks the filters, keeps the list's query string, tab and
language in an `OrderExport` row and queues the build once the row is committed. The build
(`order_export_build`) claims the row with a compare-and-set from PENDING to RUNNING, so a
task delivered twice (acks_late, a redelivered message, the sweep) builds once; it makes the
list again from the query string with the asker's access as it is then, and records the
unmasked view of citizens' details with the DONE state, in one transaction. A list that
cannot be made (a filter no longer valid, too many orders) ends FAILED with a message kept
in the district's language and what it was written from, shown in the reader's.

`order_exports_sweep` (every two minutes) queues again the exports whose task was lost,
takes back the builds whose worker died, and deletes exports older than `KEEP_FOR` with
their files.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from departments import access
from departments.models import User
from departments.services import audit_record
from wuqing_consumer.language import message_of, written, written_plural

from . import exports, selectors, services
from .choices import ExportStatus
from .exports import orders_workbook
from .filters import filtered_orders
from .models import OrderExport

logger = logging.getLogger(__name__)

EXPORT_LIMIT = 20000
"""The most orders one file holds: a longer list fails with a message (narrow it with the
filters) rather than be cut short unseen."""
KEEP_FOR = timedelta(days=7)
"""How long an export and its file are kept; the sweep deletes older ones."""
PENDING_FOR = timedelta(minutes=2)
"""An export waiting this long was not picked up: its queued task was lost (broker down)."""
RUNNING_FOR = timedelta(minutes=15)
"""The least a build may be RUNNING before the sweep takes it back (see `running_for`)."""
EXPORT_FIELDS = (
    *exports.ORDER_FIELDS,
    "primary_unit__name",
    "primary_unit__name_en",
    "town__name",
    "town__name_en",
)
"""What a build reads of each order: the workbook's columns (`exports.ORDER_FIELDS`) and the
names of its unit and town. Every field of 20,000 orders and their units made into objects
(JSON decoded included) was most of a unit's export's 6.8 s."""
BATCH = 100
LIST_ONLY = ("page", "per_page")
"""Query-string keys of the page shown, not of the list: an export holds the whole list."""


def export_params(params: QueryDict) -> str:
    """The list's query string without the page shown."""
    kept = params.copy()
    for key in LIST_ONLY:
        kept.pop(key, None)
    return kept.urlencode()


def order_export_request(*, acting_user: User, params: QueryDict, language: str) -> OrderExport:
    """Ask for the list `params` gives as a workbook. A refused filter is refused here, as
    the list refuses it (a file cannot show which filter is wrong); the build is queued
    once the row is committed."""
    now = timezone.now()
    found = filtered_orders(acting_user, params, now, selectors.due_soon_until(now))
    if found.refused:
        raise ValidationError(_("Correct the filters and export again."), code="filters")
    with transaction.atomic():
        export = OrderExport.objects.create(
            asker=acting_user,
            params=export_params(params),
            tab=found.tab,
            language=language or settings.LANGUAGE_CODE,
            created_at=now,
        )
        transaction.on_commit(lambda: _queue(export.id))
    return export


def _queue(export_id: int) -> None:
    from wuqing_consumer.celery import nudge

    from .tasks import build_order_export

    nudge(build_order_export, export_id)


class _Refused(Exception):
    """The list cannot be made into a file; `message` says why, for the asker."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


BUILD_FAILED = (
    "The file could not be made. Export the list again; if it fails again, tell the "
    "coordination office."
)


def order_export_build(export_id: int) -> bool:
    """Build the workbook of a PENDING export (claimed here) and store it; True when this
    call finished it, DONE or FAILED. Does nothing for an export already claimed, finished
    or deleted."""
    started = timezone.now()
    claimed = OrderExport.objects.filter(id=export_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.RUNNING, started_at=started, error="", error_message={}
    )
    if not claimed:
        return False
    export = OrderExport.objects.select_related("asker").get(id=export_id)
    stored = ""
    try:
        with translation.override(export.language or settings.LANGUAGE_CODE):
            content, orders, unmasked = _workbook(export, started)
        stored = default_storage.save(
            _file_name(export), ContentFile(content, name=export.download_name)
        )
        with transaction.atomic():
            done = _finish(
                export_id,
                started,
                status=ExportStatus.DONE,
                file=stored,
                row_count=len(orders),
            )
            if done and unmasked:
                services.record_unmasked_view(user=export.asker, orders=unmasked, where="export")
    except _Refused as refused:
        return bool(_fail(export_id, started, refused.message))
    except Exception:  # whatever failed, the row must say so
        logger.exception("Building order export %s failed", export_id)
        _delete(stored)
        return bool(_fail(export_id, started, written(BUILD_FAILED)))
    if not done:
        # The sweep took the build back meanwhile (it looked dead): its rerun stores its own.
        _delete(stored)
    return bool(done)


def _workbook(export: OrderExport, now: datetime) -> tuple[bytes, list, list]:
    asker = export.asker
    if asker is None or not asker.is_active:
        raise _Refused(written("The account that asked for the export is no longer active."))
    found = filtered_orders(
        asker, QueryDict(export.params), now, selectors.due_soon_until(now), tab=export.tab
    )
    if found.tab != export.tab:
        raise _Refused(
            written("The list exported is no longer among yours. Export the list again.")
        )
    if found.refused:
        raise _Refused(
            written(
                "A filter of the list is no longer valid. Correct the filters on the list "
                "and export again."
            )
        )
    orders = list(
        found.orders.defer(None)
        .select_related("primary_unit", "town")
        .only(*EXPORT_FIELDS)[: EXPORT_LIMIT + 1]
    )
    if len(orders) > EXPORT_LIMIT:
        raise _Refused(
            written(
                "The list has more than %(limit)s orders, too many for one file. Narrow it "
                "with the filters (for example by date received) and export again.",
                limit=f"{EXPORT_LIMIT:,}",
            )
        )
    unmasked = [o for o in orders if access.may_see_citizen_details(asker, o)]
    not_theirs = selectors.orders_no_longer_theirs(asker, orders)
    content = orders_workbook(orders, {o.id for o in unmasked}, now, not_theirs)
    return content, orders, unmasked


def _file_name(export: OrderExport) -> str:
    """exports/YYYY/MM/<random>-work-orders-<tab>-<time>.xlsx: a name nobody can guess."""
    month = timezone.localtime(export.created_at)
    return f"exports/{month:%Y/%m}/{secrets.token_hex(8)}-{export.download_name}"


def _finish(export_id: int, started: datetime, **values) -> int:
    """Set the outcome of the build that claimed the export at `started`, not of another
    that claimed it since (after the sweep took a dead-looking build back)."""
    return OrderExport.objects.filter(
        id=export_id, status=ExportStatus.RUNNING, started_at=started
    ).update(finished_at=timezone.now(), **values)


def _fail(export_id: int, started: datetime, message: str) -> int:
    return _finish(
        export_id,
        started,
        status=ExportStatus.FAILED,
        error=str(message)[:500],
        error_message=message_of(message) or {},
    )


def _delete(*names: str) -> None:
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete %s", name)


def order_export_download(*, acting_user: User, export_id: int) -> OrderExport:
    """A finished export of the user's own, to be sent to them; the download is written in
    the audit trail (the workbook may hold citizens' details unmasked)."""
    export = access.order_export_or_404(acting_user, export_id)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404
    if not default_storage.exists(export.file.name):
        logger.warning("The file of order export %s is missing: %s", export.id, export.file.name)
        raise Http404
    audit_record(
        actor=acting_user,
        action="order_export.download",
        obj=export,
        unit_id=getattr(acting_user, "unit_id", None),
        summary=written_plural(
            "Excel export of the order list downloaded: %(n)s order",
            "Excel export of the order list downloaded: %(n)s orders",
            export.row_count or 0,
        ),
        data={"tab": export.tab, "params": export.params, "rows": export.row_count},
    )
    return export


def running_for() -> timedelta:
    """How long a build may be RUNNING before it counts as having lost its worker: longer
    than a task may run (CELERY_TASK_TIME_LIMIT, which an operator may raise for large
    lists), or a live build would be made a second time beside itself."""
    return max(RUNNING_FOR, timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 300))


def order_exports_sweep(now: datetime | None = None) -> dict[str, int]:
    """Queue again the exports whose task was lost, take back the builds whose worker died
    (back to PENDING, queued at once; the build's compare-and-set makes extra tasks
    harmless), and delete the exports older than `KEEP_FOR` with their files (first: an
    export of a week ago still waiting is not made now). Bounded per run; returns how many
    of each."""
    now = now or timezone.now()
    old = list(
        OrderExport.objects.filter(created_at__lt=now - KEEP_FOR).values_list("id", "file")[:BATCH]
    )
    with transaction.atomic():
        deleted, _kinds = OrderExport.objects.filter(id__in=[pk for pk, _f in old]).delete()
        files = [name for _pk, name in old if name]
        transaction.on_commit(lambda: _delete(*files))
    started_before = now - running_for()
    dead = list(
        OrderExport.objects.filter(
            status=ExportStatus.RUNNING, started_at__lt=started_before
        ).values_list("id", flat=True)[:BATCH]
    )
    reset = OrderExport.objects.filter(
        id__in=dead, status=ExportStatus.RUNNING, started_at__lt=started_before
    ).update(status=ExportStatus.PENDING, started_at=None)
    waiting = list(
        OrderExport.objects.filter(
            status=ExportStatus.PENDING, created_at__lt=now - PENDING_FOR
        ).values_list("id", flat=True)[:BATCH]
    )
    for export_id in waiting:
        _queue(export_id)
    return {"reset": reset, "queued": len(waiting), "deleted": deleted}
