"""Excel export of order lists (openpyxl, write-only mode so big lists stay light).

Text in these workbooks comes from citizens and staff. openpyxl stores any string starting
with ``=`` as a formula, so a hotline order titled ``=HYPERLINK(...)`` would become a live
formula in the office's spreadsheet; `as_text` keeps such values text. Control characters
other than tab and line breaks, which XML 1.0 (and so a workbook) cannot hold, are left out
(`cell_text`): the API refuses only NUL, and openpyxl refused the whole workbook for one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from io import BytesIO

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font

from wuqing_consumer.texts import without_control_characters

from .models import WorkOrder
from .services import mask_id_number, mask_phone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: object) -> object:
    """A string without the control characters a workbook cannot hold; anything else as is."""
    return without_control_characters(value) if isinstance(value, str) else value


def as_text(cell: Cell) -> Cell:
    """Keep a string that a spreadsheet would read as a formula as plain text: stored as a
    string, with Excel's quote prefix so editing the cell does not turn it into one either.
    Numbers, dates and other strings are left as they are."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _text_safe(sheet, value: object) -> object:
    value = cell_text(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return as_text(WriteOnlyCell(sheet, value=value))
    return value


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


TIME_FORMAT = "yyyy-mm-dd hh:mm"
"""A moment as the portal writes it, to the minute: the spreadsheet's default showed the
seconds (2026-12-03 18:33:07), which no page shows."""


def _cell(sheet, value):
    """A value of a row: a moment in Beijing time, to the minute (`TIME_FORMAT`), still a
    date-time the spreadsheet sorts and filters; text kept as text (`_text_safe`)."""
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = TIME_FORMAT
        return cell
    return _text_safe(sheet, value)


def choice_labels(field: str) -> dict[str, str]:
    """A field's choices as {value: label} in the reader's language, made once per file:
    `get_<field>_display` builds that mapping again for every call (its lazy labels made
    hashable each time), four times an order, a fifth of the time of an export of
    thousands of orders. A value outside the choices reads as stored, as it does there."""
    return {value: str(label) for value, label in WorkOrder._meta.get_field(field).flatchoices}


ORDER_FIELDS = (
    "number",
    "kind",
    "channel",
    "external_ref",
    "received_at",
    "status",
    "primary_unit",
    "title",
    "content",
    "category",
    "business_name",
    "town",
    "amount",
    "citizen_name",
    "citizen_phone",
    "citizen_id_number",
    "next_due_at",
    "result",
    "satisfaction",
)
"""The fields of an order `orders_workbook` reads (a caller may load only these)."""


def orders_workbook(
    orders: Iterable[WorkOrder],
    unmasked_ids: set[int],
    now: datetime,
    not_theirs: Collection[int] = frozenset(),
) -> bytes:
    """`not_theirs`: the orders whose deadlines are no longer the user's unit's to meet
    (`selectors.orders_no_longer_theirs`); they read as on the list, neither due nor overdue."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Work orders"))
    headers = [
        _("Number"),
        _("Kind"),
        _("Channel"),
        _("Channel reference"),
        _("Received at"),
        _("Status"),
        _("Primary unit"),
        _("Title"),
        _("Content"),
        _("Hotline category"),
        _("Business"),
        _("Town or street"),
        _("Amount involved (yuan)"),
        _("Citizen's name"),
        _("Citizen's phone"),
        _("Citizen's ID number"),
        _("Next deadline"),
        _("Overdue"),
        _("Result"),
        _("Satisfaction"),
    ]
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    kinds, channels, statuses, satisfactions = (
        choice_labels(name) for name in ("kind", "channel", "status", "satisfaction")
    )
    for order in orders:
        unmasked = order.id in unmasked_ids
        theirs = order.id not in not_theirs
        values = [
            order.number,
            kinds.get(order.kind, order.kind),
            channels.get(order.channel, order.channel),
            order.external_ref,
            order.received_at,
            statuses.get(order.status, order.status),
            str(order.primary_unit) if order.primary_unit else "",
            order.title,
            order.content,
            order.category,
            order.business_name,
            str(order.town) if order.town else "",
            float(order.amount) if order.amount is not None else None,
            order.citizen_name,
            order.citizen_phone if unmasked else mask_phone(order.citizen_phone),
            order.citizen_id_number if unmasked else mask_id_number(order.citizen_id_number),
            order.next_due_at if theirs else capfirst(_("no longer your unit's")),
            capfirst(_("yes")) if theirs and order.next_due_at and order.next_due_at < now else "",
            order.result,
            satisfactions.get(order.satisfaction, order.satisfaction),
        ]
        sheet.append([_cell(sheet, value) for value in values])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def register_workbook(title: str, headers: list, rows: Iterable[list]) -> bytes:
    """A one-sheet workbook: a bold header row, then the rows; date-times shown in Beijing
    time, and text that a spreadsheet would read as a formula kept as text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
