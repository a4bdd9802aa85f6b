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


class RoutingRule(models.Model):
    """One responsibility rule of the office's table: which words or hotline categories send
    an order to which unit. Edited in the admin; `routing.route` applies them."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    primary_unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("primary unit"),
        on_delete=models.PROTECT,
        related_name="routing_rules",
    )
    co_units = models.ManyToManyField(
        "departments.Unit",
        verbose_name=_("co-handling units"),
        blank=True,
        related_name="co_routing_rules",
    )
    categories = models.TextField(
        _("hotline categories"), blank=True, help_text=_("One per line, or separated by commas.")
    )
    any_of = models.TextField(
        _("any of these words"), blank=True, help_text=_("At least one must occur.")
    )
    all_of = models.TextField(_("all of these words"), blank=True, help_text=_("All must occur."))
    none_of = models.TextField(
        _("none of these words"), blank=True, help_text=_("The rule does not apply if any occurs.")
    )
    priority = models.IntegerField(_("priority"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-priority", "key"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name
