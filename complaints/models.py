from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """The office's own entry for one day: a holiday or a make-up working day (调休).

    It wins over the chinese-calendar package, and covers years the package does not know
    yet (next year's holidays are announced late in the year).
    """

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: a working day (e.g. a make-up Saturday). Unticked: a day off."),
    )
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("e.g. 春节"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("holiday calendar")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
