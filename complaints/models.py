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


class DeadlinePolicy(models.Model):
    """One deadline rule the office can change: what, for which orders, how long, from when.

    Defaults are loaded by a migration from `deadlines.DEFAULT_DEADLINE_RULES`; "*" means
    any kind or any urgency, and the most specific row wins.
    """

    class Name(models.TextChoices):
        SIGN_FOR = "sign_for", _("Sign for")
        DECISION = "decision", _("Acceptance decision")
        RESOLUTION = "resolution", _("Resolution")
        ANSWER = "answer", _("Answer")

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        MINUTES = "minutes", _("minutes")

    class Clock(models.TextChoices):
        RECEIVED = "received", _("when received")
        DISPATCHED = "dispatched", _("when dispatched")
        ACCEPTED = "accepted", _("when accepted")

    name = models.CharField(_("deadline"), max_length=20, choices=Name.choices)
    kind = models.CharField(
        _("kind of order"),
        max_length=20,
        default="*",
        help_text=_("complaint, report, inquiry, or * for every kind"),
    )
    urgency = models.CharField(
        _("urgency"),
        max_length=20,
        default="*",
        help_text=_("normal, safety, utilities, or * for any"),
    )
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("counted in"), max_length=20, choices=Unit.choices)
    starts_at = models.CharField(_("clock starts"), max_length=20, choices=Clock.choices)

    class Meta:
        ordering = ["name", "kind", "urgency"]
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "kind", "urgency"], name="one_deadline_policy_per_case"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) | models.Q(unit="working_days"),
                name="minute_deadlines_are_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} {self.kind}/{self.urgency}: {self.amount} {self.unit}"
