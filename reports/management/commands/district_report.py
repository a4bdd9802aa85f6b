"""``manage.py district_report 2026Q3 [--pdf out.pdf] [--xlsx out.xlsx]``: the district
quarterly report's files from whatever data exists now, published or not, for operations
and scripts. It always prints a summary, including which units have not submitted.

Files are written next to their target under a temporary name and renamed into place, so a
script never picks up half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from reports.figures import Period, district_figures
from reports.rendering import build_pdf, build_xlsx
from wuqing_consumer.language import quarter_name


def write_atomically(path: Path, content: bytes) -> None:
    path = path.resolve()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


class Command(BaseCommand):
    help = (
        "Build the district quarterly report of a quarter (e.g. 2026Q3) from the current data, "
        "published or not: --pdf PATH and/or --xlsx PATH write the files; a summary is always "
        "printed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period", help="The quarter, written like 2026Q3.")
        parser.add_argument("--pdf", help="Where to write the PDF.")
        parser.add_argument("--xlsx", help="Where to write the Excel workbook.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = Period.parse(options["period"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        pdf = Path(options["pdf"]) if options["pdf"] else None
        xlsx = Path(options["xlsx"]) if options["xlsx"] else None
        for target in (pdf, xlsx):
            if target and not target.resolve().parent.is_dir():
                raise CommandError(_("No such folder: %(path)s") % {"path": target.parent})
        figures = district_figures(period)
        totals = figures["totals"]
        self.stdout.write(
            _("District report %(period)s (%(first)s to %(last)s), figures as of %(as_of)s")
            % {
                "period": quarter_name(period),
                "first": figures["first"],
                "last": figures["last"],
                "as_of": figures["as_of"],
            }
        )
        self.stdout.write(
            _(
                "Received %(received)s, resolved %(resolved)s, on time %(on_time)s, "
                "satisfaction %(satisfaction)s, overdue %(overdue)s"
            )
            % {
                "received": totals["received"],
                "resolved": totals["resolved"],
                "on_time": _rate(totals["on_time_rate"]),
                "satisfaction": _rate(totals["satisfaction_rate"]),
                "overdue": totals["overdue"],
            }
        )
        missing = figures["missing_units"]
        if missing:
            self.stdout.write(
                _("Units that have not submitted (%(count)s): %(units)s")
                % {"count": len(missing), "units": "、".join(missing)}
            )
        else:
            self.stdout.write(_("All units have submitted."))
        if pdf:
            write_atomically(pdf, build_pdf(figures))
            self.stdout.write(_("PDF written to %(path)s") % {"path": pdf})
        if xlsx:
            write_atomically(xlsx, build_xlsx(figures))
            self.stdout.write(_("Workbook written to %(path)s") % {"path": xlsx})
