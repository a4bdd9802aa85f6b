"""Rates and changes are rounded half up (四舍五入), as official figures are, and a rate in
the workbook is the rate shown, not its binary neighbour. 26 of 32 resolved (81.25%) read
81.2% in the district report and its workbook: Python's round() rounds half to even, and
81.25 is a little below itself in binary. The workbook held 0.5710000000000001 for 57.1%."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports import rendering
from reports.choices import ReportStatus
from reports.figures import Period, change, district_figures, rate
from reports.models import SamplingLine, UnitReport
from tests.factories import unit


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [(26, 32, 81.3), (1, 8, 12.5), (1, 16, 6.3), (1, 3, 33.3), (2, 3, 66.7), (0, 5, 0.0)],
)
def test_a_rate_is_rounded_half_up(part, whole, shown):
    assert rate(part, whole) == shown


def test_a_rate_of_nothing_is_none():
    assert rate(3, 0) is None


@pytest.mark.parametrize(
    ("now", "before", "shown"),
    [(81.3, 75.2, 8.1), (9, 8, 12.5), (7, 8, -12.5), (1.05, 1, 5.0), (8.25, 10, -17.5)],
)
def test_a_change_is_rounded_half_up(now, before, shown):
    assert change(now, before) == shown


def test_the_workbook_holds_a_rate_as_shown(db):
    period = Period.containing(timezone.localdate())
    report = UnitReport.objects.create(
        unit=unit("market-regulation"),
        year=period.year,
        quarter=period.quarter,
        status=ReportStatus.ACCEPTED,
        submitted_at=timezone.now(),
    )
    SamplingLine.objects.create(
        report=report, product_category="food", sampled=7, failed=4, failed_handled=4
    )
    book = load_workbook(io.BytesIO(rendering.build_xlsx(district_figures(period))))
    rates = [
        cell.value
        for sheet in book.worksheets
        for line in sheet.iter_rows()
        for cell in line
        if cell.number_format == "0.0%" and isinstance(cell.value, float)
    ]
    assert 0.571 in rates
    assert [value for value in rates if len(repr(value)) > len("0.571")] == []
