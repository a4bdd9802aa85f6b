"""A quarter without a work order: the report's two tables of portal figures (by hotline
category, by channel) stand side by side. One said "No work order this quarter.", the
other showed a bare dash, as though a figure were missing."""

from __future__ import annotations

import re

from django.utils import timezone

from reports import figures
from reports import services as reports
from tests.factories import unit


def _table_body(page: str, table_id: str) -> str:
    table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def test_both_tables_of_figures_say_the_quarter_had_no_work_order(client, mr_liaison):
    period = figures.Period.containing(timezone.localdate())
    report = reports.report_start(
        unit=unit("market-regulation"),
        year=period.year,
        quarter=period.quarter,
        acting_user=mr_liaison,
    )
    client.force_login(mr_liaison)
    client.cookies["django_language"] = "en"

    page = client.get(f"/reports/{report.id}/").content.decode()

    assert _table_body(page, "portal-by-category") == "No work order this quarter."
    assert _table_body(page, "portal-by-channel") == "No work order this quarter."
