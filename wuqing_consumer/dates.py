"""The years a date typed into the portal may have: one rule for every form, service and
admin page, and for the reports' quarters (`reports.figures.Period.parse`).

A date field takes year 1 or 9999 as readily as 2026; such a date is always a slip of the
keyboard, and days counted from it leave the calendar (9999-12-31 plus a 30-day period),
the holiday table and every report. The portal keeps nothing from before 2000."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_YEAR, LAST_YEAR = 2000, 2999


def year_accepted(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def date_error(day: date | None) -> str:
    """The message, in the current language, for a date (or a time) whose year is outside
    the accepted years; "" for any other date and for no date, which each form reports in
    its own words."""
    if day is None or year_accepted(day.year):
        return ""
    return _(
        "%(date)s is not a date the portal accepts: the year must be between %(first)s "
        "and %(last)s."
    ) % {
        "date": date(day.year, day.month, day.day).isoformat(),
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }


def validate_year(value: int | None) -> None:
    """The rule for a year typed on its own (a reporting period's, a filing deadline's)."""
    if value is not None and not year_accepted(value):
        raise ValidationError(
            _("The year must be between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="year",
        )


def validate_date(value: date | None) -> None:
    """The same rule as a validator, for form fields (a Django form's DateField, the admin)."""
    message = date_error(value)
    if message:
        raise ValidationError(message, code="year")


def minute(moment: datetime | None, empty: str = "") -> str:
    """A moment as pages and notices write it in a sentence: the site's time (Beijing), to
    the minute ("2026-12-03 14:30"); `empty` for no moment."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else empty


def day(moment: datetime) -> str:
    """The day of a moment in the site's time ("2026-12-03")."""
    return f"{timezone.localtime(moment):%Y-%m-%d}"
