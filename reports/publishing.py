"""Building a published district report's files, the work of `tasks.build_district_report_files`.

The row is claimed with a compare-and-set from PENDING to RUNNING, so a task delivered twice
(acks_late, a redelivered message, the sweep) builds once. Progress is written with single
UPDATEs in autocommit, never inside a long transaction, so the page that polls sees it move.
Every UPDATE sets `updated_at` itself (`QuerySet.update` skips `auto_now`): the sweep judges
a stuck build by it.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from departments.choices import UnitKind
from departments.models import Unit, User
from departments.notifications import Message, notify_many
from wuqing_consumer.language import quarter, written

from .choices import FileState
from .figures import Period, district_figures
from .models import DistrictReport
from .rendering import build_pdf, build_xlsx

logger = logging.getLogger(__name__)


def district_report_url(period_label: str) -> str:
    return reverse("district_report", kwargs={"period": period_label})


def file_name(report: DistrictReport, extension: str) -> str:
    return f"wuqing-district-report-{report.period_label}.{extension}"


def _set(report_id: int, **values) -> int:
    return DistrictReport.objects.filter(id=report_id, file_state=FileState.RUNNING).update(
        updated_at=timezone.now(), **values
    )


def build_district_files(report_id: int) -> None:
    """Build and store the PDF and the workbook of a report waiting for its files, then tell
    every unit. Does nothing unless the report is PENDING (claimed here); failures are
    recorded on the row (FAILED, with a short message) and logged, not raised."""
    claimed = DistrictReport.objects.filter(id=report_id, file_state=FileState.PENDING).update(
        file_state=FileState.RUNNING, progress=0, file_error="", updated_at=timezone.now()
    )
    if not claimed:
        return
    report = DistrictReport.objects.get(id=report_id)
    stored: list[str] = []
    try:
        data = report.figures or district_figures(Period(report.year, report.quarter))
        _set(report_id, progress=5)
        pdf = build_pdf(
            data, progress=lambda percent: _set(report_id, progress=5 + percent * 4 // 5)
        )
        xlsx = build_xlsx(data)
        _set(report_id, progress=90)
        old = {report.pdf.name, report.xlsx.name} - {""}
        report.pdf.save(file_name(report, "pdf"), ContentFile(pdf), save=False)
        stored.append(report.pdf.name)
        report.xlsx.save(file_name(report, "xlsx"), ContentFile(xlsx), save=False)
        stored.append(report.xlsx.name)
        done = _set(
            report_id,
            pdf=report.pdf.name,
            xlsx=report.xlsx.name,
            file_state=FileState.READY,
            files_built_at=timezone.now(),
            progress=100,
        )
    except Exception as error:  # whatever failed, the row must say so
        logger.exception("Building the files of district report %s failed", report_id)
        _delete(stored)
        _set(report_id, file_state=FileState.FAILED, file_error=_short(error))
        return
    if not done:
        # The sweep took the build back meanwhile (it looked dead): its rerun stores its own.
        _delete(stored)
        return
    _delete(old - set(stored))
    try:
        _notify_units(report)
    except Exception:  # the files are ready; a lost notice is only logged
        logger.exception("Notifying the units of district report %s failed", report_id)


def _short(error: Exception) -> str:
    text = f"{type(error).__name__}: {error}".strip()
    return text[:300]


def _delete(names) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete %s", name)


def recipients() -> tuple[dict[Unit, list[User]], list[User]]:
    """Active people of active member units (by unit, for the units' group-chat robots), and
    the office's people."""
    people = (
        User.objects.filter(is_active=True, unit__is_active=True)
        .filter(Q(unit__kind=UnitKind.MEMBER) | Q(unit__kind=UnitKind.OFFICE))
        .select_related("unit")
        .order_by("unit__sort_order", "id")
    )
    by_unit: dict[Unit, list[User]] = {}
    office: list[User] = []
    for person in people:
        if person.unit.kind == UnitKind.OFFICE:
            office.append(person)
        else:
            by_unit.setdefault(person.unit, []).append(person)
    for unit in Unit.objects.filter(kind=UnitKind.MEMBER, is_active=True):
        by_unit.setdefault(unit, [])
    return by_unit, office


def _notify_units(report: DistrictReport) -> None:
    message = Message(
        key=f"district_report:{report.period_label}:v{report.version}",
        category="report",
        title=written("%(period)s district quarterly report published", period=quarter(report)),
        body=written("The PDF and Excel files can be downloaded from the report's page."),
        url=district_report_url(report.period_label),
    )
    by_unit, office = recipients()
    with transaction.atomic():
        notify_many(
            [(message, people, unit) for unit, people in by_unit.items()]
            + [(message, office, None)]
        )
