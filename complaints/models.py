from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuqing_consumer.dates import FIRST_YEAR, LAST_YEAR
from wuqing_consumer.language import bracketed

from .choices import (
    OPEN_STATUSES,
    Action,
    Channel,
    DisputeAction,
    DisputeSource,
    DisputeStatus,
    DuplicateStatus,
    ExportStatus,
    ExtensionStatus,
    InterventionAction,
    InterventionAnswer,
    Kind,
    MediationAction,
    MediationBody,
    MediationConsent,
    MediationStatus,
    ReferralAction,
    ReferralStatus,
    Satisfaction,
    Status,
    UnitRelation,
    Urgency,
)

# The longest the office may set a deadline, a reminder's lead or an escalation's wait:
# about a year. Deadlines are counted day by day over the holiday calendar, and 3,000,000
# working days, which the admin took, made each new order count for 17 minutes and then
# fail past the year 9999 (found by fuzzing the admin).
MAX_WORKING_DAYS = 250
MAX_DAYS = 366
MAX_HOURS = 24 * MAX_DAYS
MAX_MINUTES = 60 * MAX_HOURS
WORKING_DAYS_CAP = [MaxValueValidator(MAX_WORKING_DAYS)]
DAYS_CAP = [MaxValueValidator(MAX_DAYS)]
HOURS_CAP = [MaxValueValidator(MAX_HOURS)]


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


class HolidaySchedule(models.Model):
    """The office's statement that one year's official holiday schedule (the State Council
    General Office's notice: holidays and make-up working days) is in the holiday calendar
    in full.

    Only this, or the chinese-calendar package's own data, makes a year's holidays known: a
    day or two entered ahead of the notice (an early make-up Saturday) say nothing of the
    Spring Festival or National Day, so until the office ticks this the portal keeps warning
    that deadlines in that year are counted Monday to Friday but the statutory holidays
    (`deadlines.statutory_holidays`). Changed through
    `services.holiday_schedule_save` only, which leaves an audit entry.
    """

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    is_complete = models.BooleanField(
        _("schedule complete"),
        default=False,
        help_text=_(
            "Tick once every holiday and make-up working day of the State Council's notice "
            "for this year is in the holiday calendar."
        ),
    )
    notice = models.CharField(
        _("notice"),
        max_length=120,
        blank=True,
        help_text=_("The State Council General Office's notice, e.g. 国办发明电〔2026〕14号"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules by year")

    def __str__(self) -> str:
        return str(self.year)


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
    # "*" for every kind or any urgency; chosen by name (the office typed the codes, and a
    # typo made a policy that never applied, silently).
    kind = models.CharField(
        _("kind of order"),
        max_length=20,
        default="*",
        choices=[("*", _("Every kind of order")), *Kind.choices],
    )
    urgency = models.CharField(
        _("urgency"),
        max_length=20,
        default="*",
        choices=[("*", _("Any urgency")), *Urgency.choices],
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
        return (
            f"{self.get_name_display()} {self.get_kind_display()}/{self.get_urgency_display()}:"
            f" {self.amount} {self.get_unit_display()}"
        )

    def clean(self) -> None:
        """An amount past about a year makes deadlines that cannot be counted; 0 minutes
        was refused only by the database's constraint, named by its code."""
        errors = {}
        if self.amount is not None:
            if self.unit == self.Unit.WORKING_DAYS and self.amount > MAX_WORKING_DAYS:
                errors["amount"] = ValidationError(
                    _("At most %(limit)s working days, about a year."),
                    code="max_value",
                    params={"limit": MAX_WORKING_DAYS},
                )
            elif self.unit == self.Unit.MINUTES and self.amount > MAX_MINUTES:
                errors["amount"] = ValidationError(
                    _("At most %(limit)s minutes, a year."),
                    code="max_value",
                    params={"limit": MAX_MINUTES},
                )
            elif self.unit == self.Unit.MINUTES and self.amount == 0:
                errors["amount"] = ValidationError(
                    _("A deadline in minutes is at least 1 minute."), code="min_value"
                )
        if errors:
            raise ValidationError(errors)


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


class OrderNumberCounter(models.Model):
    """The last number given out per year where PostgreSQL sequences are not available
    (SQLite); locked while an order is numbered. On PostgreSQL it only seeds the sequence."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("order number counter")
        verbose_name_plural = _("order number counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ReferenceVersion(models.Model):
    """One row whose `version` changes whenever the data intake reads on every order
    changes: units, towns, routing rules, the calendar, the deadline policy. Set by triggers
    (PostgreSQL) from a sequence, so a rolled-back change never reuses a version number and
    every process can keep that data in memory until the number moves (`complaints.reference`).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("reference data version")
        verbose_name_plural = _("reference data versions")

    def __str__(self) -> str:
        return str(self.version)


def index_where_set(field: str, prefix: str) -> models.Index:
    """An index on a foreign key over the rows that fill it only: rows that leave it empty
    (most hotline orders) cost no write to it."""
    return models.Index(
        fields=[field],
        condition=models.Q(**{f"{field}__isnull": False}),
        name=f"{prefix}_{field}",
    )


class WorkOrder(models.Model):
    """A citizen's complaint, report or inquiry and everything the portal knows about it.

    Status, deadlines and counters change only through `workflow`, under a row lock; the
    `version` lets a form posted from a stale page be refused instead of overwriting.
    The next open deadline is stored (`next_due_at`) so "overdue" is an indexed query.
    """

    number = models.CharField(_("number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    external_ref = models.CharField(
        _("channel reference"),
        max_length=64,  # a hotline_id, which the API takes up to 64
        blank=True,
        help_text=_("The number the hotline or platform gave this case."),
    )
    received_at = models.DateTimeField(_("received at"))
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    category = models.CharField(_("hotline category"), max_length=100, blank=True)

    business_name = models.CharField(_("business"), max_length=200, blank=True)
    business_address = models.CharField(_("business address"), max_length=200, blank=True)
    business_credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True
    )
    town = models.ForeignKey(
        "departments.Town",
        verbose_name=_("town or street"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
    )
    amount = models.DecimalField(
        _("amount involved (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    citizen_name = models.CharField(_("citizen's name"), max_length=60, blank=True)
    citizen_phone = models.CharField(_("citizen's phone"), max_length=20, blank=True)
    citizen_phone_digits = models.CharField(
        _("citizen's phone, digits only"),
        max_length=20,
        blank=True,
        editable=False,
    )
    citizen_id_number = models.CharField(_("citizen's ID number"), max_length=18, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    primary_unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("primary unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_work_orders",
        db_index=False,  # wo_unit_status and wo_unit_received lead with it
    )
    units = models.ManyToManyField(
        "departments.Unit",
        through="WorkOrderUnit",
        related_name="work_orders",
        verbose_name=_("units involved"),
    )
    routing = models.JSONField(_("routing decision"), default=dict, blank=True)

    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    due_sign_for = models.DateTimeField(_("sign for by"), null=True, blank=True)
    due_decision = models.DateTimeField(_("decide by"), null=True, blank=True)
    due_resolution = models.DateTimeField(_("resolve by"), null=True, blank=True)
    due_answer = models.DateTimeField(_("answer by"), null=True, blank=True)
    next_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True)
    next_due_name = models.CharField(_("next deadline is"), max_length=20, blank=True)

    reminded_due_at = models.DateTimeField(_("due-soon reminder sent for"), null=True, blank=True)
    escalated_due_at = models.DateTimeField(_("overdue escalation for"), null=True, blank=True)
    escalated_days = models.IntegerField(_("escalated up to day"), default=-1)
    next_escalation_at = models.DateTimeField(_("next escalation check"), null=True, blank=True)

    paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    pause_reason = models.CharField(_("reason for the pause"), max_length=300, blank=True)
    paused_working_days = models.PositiveIntegerField(_("working days paused"), default=0)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    """The latest reopening by a dissatisfied call-back: an order never accepted (an
    inquiry, an order resolved straight after signing) is received afresh then, and what it
    counts "when received" (an inquiry's answer, the decision) counts from it."""
    paused_days = models.JSONField(_("working days paused, by deadline"), null=True, blank=True)
    """{deadline: {"from": its clock's start, ISO 8601, "days": n}}: the days each deadline was
    paused since its clock started (`workflow._end_pause`). None on an order last paused before
    they were kept so: its days count on every deadline, as they were counted then."""
    sign_for_suspended_at = models.DateTimeField(
        _("sign-for clock stopped by a dispute since"), null=True, blank=True
    )
    """Set when a jurisdiction dispute about the order is opened while its unit's sign-for
    time is still running: the unit may not be held late for an order whose handler the
    group leader is yet to decide. Cleared by the next assignment (the leader's decision,
    or the office's dispatch), which starts a fresh sign-for clock."""
    designated_at = models.DateTimeField(
        _("unit with jurisdiction designated at"), null=True, blank=True
    )
    """When the group leader's decision on a jurisdiction dispute gave the order to the unit
    designated (or to a joint team's lead unit). The SAMR measures count the time to decide
    whether to accept a complaint or a report from when the unit with jurisdiction receives
    it, so the deadlines the policy counts from receipt (the acceptance decision, an
    inquiry's answer) count from this instead (`deadlines.received_by_unit`): the unit is
    not handed a case already months overdue. Kept by later steps, so that recounting the
    deadlines (a holiday table changed) keeps counting from it."""

    result = models.TextField(_("result"), blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    satisfaction_comment = models.TextField(_("satisfaction comment"), blank=True)
    satisfaction_at = models.DateTimeField(_("satisfaction recorded at"), null=True, blank=True)
    excluded_from_stats = models.BooleanField(
        _("excluded from satisfaction statistics"), default=False
    )
    exclusion_reason = models.CharField(_("reason for exclusion"), max_length=300, blank=True)
    exclusion_message = models.JSONField(_("written from"), default=dict, blank=True)
    """What the reason for exclusion was written from when the system wrote it (a merge),
    so the order's page shows it in the reader's language; empty for a reason a person
    typed, shown as typed."""

    dispatch_count = models.PositiveIntegerField(_("times dispatched"), default=0)
    return_count = models.PositiveIntegerField(_("times returned"), default=0)
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)
    supervision_count = models.PositiveIntegerField(_("times supervised"), default=0)
    forced_assignment = models.BooleanField(_("assignment forced by the office"), default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_orders",
        db_index=False,  # wo_merged_into, partial
    )

    source_client = models.ForeignKey(
        "ApiClient",
        verbose_name=_("submitted by API client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        db_index=False,  # wo_client_updated leads with it
    )
    hotline_id = models.CharField(_("hotline number"), max_length=64, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    duplicates_pending = models.BooleanField(
        _("duplicate check pending"),
        default=False,
        help_text=_(
            "Every new order is compared again just after it is saved, with the orders "
            "saved at the same moment."
        ),
    )
    created_by = models.ForeignKey(
        "departments.User",
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # wo_created_by, partial
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        indexes = [
            models.Index(fields=["primary_unit", "status", "next_due_at"], name="wo_unit_status"),
            models.Index(fields=["primary_unit", "-received_at"], name="wo_unit_received"),
            models.Index(fields=["status", "-received_at"], name="wo_status_received"),
            models.Index(fields=["-received_at", "-id"], name="wo_received"),
            # Covering, for counting overdue and due-soon orders per unit and receipt date
            # without visiting the table (dashboards, reports); the scans use it too.
            models.Index(
                fields=["next_due_at"],
                include=["primary_unit", "received_at"],
                condition=models.Q(next_due_at__isnull=False),
                name="wo_next_due_cover",
            ),
            # The list sorted by next deadline, either way: a page is read from it (with
            # `SORT_TIE_BREAKS`) instead of sorting every order, closed ones included.
            models.Index(fields=["next_due_at", "id"], name="wo_next_due_id"),
            models.Index(
                fields=["next_escalation_at"],
                condition=models.Q(next_escalation_at__isnull=False),
                name="wo_next_escalation",
            ),
            # The same citizen's phone however it was typed: duplicate hints and searches.
            models.Index(
                fields=["citizen_phone_digits"],
                condition=~models.Q(citizen_phone_digits=""),
                name="wo_citizen_phone_digits",
            ),
            models.Index(fields=["business_name"], name="wo_business"),
            models.Index(fields=["source_client", "updated_at"], name="wo_client_updated"),
            # A client's orders in the API's order: without it, a client with few of the
            # orders had its listing scan every order by id.
            models.Index(
                fields=["source_client", "id"],
                condition=models.Q(source_client__isnull=False),
                name="wo_client_order",
            ),
            models.Index(
                fields=["id"],
                condition=models.Q(duplicates_pending=True),
                name="wo_duplicates_pending",
            ),
            # Only orders the office entered or merged have these: the hotline's orders,
            # the bulk, skip the index altogether.
            *(index_where_set(field, "wo") for field in ("created_by", "merged_into")),
        ]
        constraints = [
            # A constraint rather than unique=True, which on PostgreSQL adds a second index
            # for LIKE searches; numbers are only ever looked up whole.
            models.UniqueConstraint(fields=["number"], name="one_order_per_number"),
            # Idempotent intake: the hotline's retry of one order finds this row.
            models.UniqueConstraint(
                fields=["source_client", "hotline_id"],
                condition=models.Q(source_client__isnull=False),
                name="one_order_per_hotline_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def co_unit_links(self):
        return [link for link in self.unit_links.all() if link.relation == UnitRelation.CO]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def current_result(self) -> str:
        """The result while it stands: "" once a reopening has set it aside, until the unit
        resolves the order again (the history keeps the rejected one), also when the
        reopened order is then closed by merging it into another."""
        return self.result if self.has_standing_resolution else ""

    @property
    def has_standing_resolution(self) -> bool:
        """Resolved, or closed after it was: what a satisfaction call-back is about."""
        return self.status in (Status.RESOLVED, Status.CLOSED) and self.resolved_at is not None

    @property
    def rating_of_latest_resolution(self) -> str:
        """The call-back's rating, or "" once the order has been resolved again since.

        `satisfaction` keeps the last rating for the statistics until a new one comes; a
        hotline reading it would take a reopened and resolved-again order as already
        called back, and never call the citizen about the second resolution.
        """
        resolved_since = (
            self.satisfaction_at is not None
            and self.resolved_at is not None
            and self.resolved_at > self.satisfaction_at
        )
        return "" if resolved_since else self.satisfaction

    def deadline_items(self) -> list[tuple[str, object]]:
        """Every deadline this order has, by name, in the order they fall."""
        items = [
            (name, getattr(self, f"due_{name}"))
            for name in DEADLINE_NAMES
            if getattr(self, f"due_{name}") is not None
        ]
        return sorted(items, key=lambda item: item[1])


DEADLINE_NAMES = ("sign_for", "decision", "resolution", "answer")


class WorkOrderUnit(models.Model):
    """A unit's part in an order: primary, co-handling, or formerly handling (after a return
    or a re-dispatch it keeps read access, so it can see where the order went)."""

    # Both looked up through the composite indexes below, which lead with them.
    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="unit_links", db_index=False
    )
    unit = models.ForeignKey(
        "departments.Unit",
        on_delete=models.PROTECT,
        related_name="work_order_links",
        db_index=False,
    )
    relation = models.CharField(_("relation"), max_length=10, choices=UnitRelation.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit of an order")
        verbose_name_plural = _("units of orders")
        constraints = [
            models.UniqueConstraint(fields=["order", "unit"], name="one_link_per_order_unit")
        ]
        indexes = [models.Index(fields=["unit", "relation", "order"], name="wou_unit")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.unit_id} {self.relation}"


class ActorShown:
    """A history line's `acting_as`: what its page brackets after the actor's name."""

    @property
    def acting_as(self) -> object:
        from departments.roles import acting_as

        return acting_as(self.actor, self.actor_unit)


class WorkOrderEvent(ActorShown, models.Model):
    """One immutable line of an order's history, written in the transaction that made it."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, related_name="events", db_index=False
    )  # woe_order leads with it
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        "departments.User",
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    actor_unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("acting unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        indexes = [
            models.Index(fields=["order", "created_at"], name="woe_order"),
            # Partial: the hotline's history lines have no actor, and the first has no unit.
            *(index_where_set(field, "woe") for field in ("actor", "actor_unit", "unit")),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"


class ExtensionRequest(models.Model):
    order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, related_name="extension_requests"
    )
    deadline = models.CharField(_("deadline"), max_length=20, choices=DeadlinePolicy.Name.choices)
    working_days = models.PositiveIntegerField(_("extra working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    requested_by = models.ForeignKey("departments.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(status="pending"),
                name="one_pending_extension_per_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} +{self.working_days} {self.status}"


class CoHandlingOpinion(models.Model):
    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="opinions")
    unit = models.ForeignKey("departments.Unit", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey("departments.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("opinion"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("co-handling opinion")
        verbose_name_plural = _("co-handling opinions")

    def __str__(self) -> str:
        return f"{self.order_id} {self.unit_id}"


class PossibleDuplicate(models.Model):
    """A pair of orders that look alike; the office links, merges or dismisses it."""

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="duplicates")
    other = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("why"), max_length=20)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DuplicateStatus.choices,
        default=DuplicateStatus.SUSPECTED,
    )
    decided_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["order", "other"], name="one_duplicate_pair")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} ~ {self.other_id} {self.status}"


class StoredFile(models.Model):
    """What every uploaded file keeps beside the file itself: the citizen's or official's
    own file name (the stored name is generated), its checked type, size and uploader."""

    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


def attachment_path(instance: "Attachment", filename: str) -> str:
    received = timezone.localtime(instance.order.received_at)
    return f"attachments/{received:%Y/%m}/{instance.order.number}/{filename}"


class Attachment(StoredFile):
    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)

    class Meta(StoredFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


def validate_callback_scheme(url: str) -> None:
    """Callbacks are HTTP POSTs: the URL field would take ftp:// too. A value with no
    scheme at all is left to the URL field's own message."""
    scheme, separator, _rest = url.partition("://")
    if separator and scheme.lower() not in ("http", "https"):
        raise ValidationError(
            _(
                "Enter an address that starts with http:// or https://: callbacks are "
                "posted over HTTP."
            ),
            code="invalid_scheme",
        )


def validate_rate_limit(value: int | None) -> None:
    """0 would answer every request 429, telling the client to wait in vain."""
    if value is not None and value < 1:
        raise ValidationError(
            _("Allow at least 1 request a minute: with 0 every request of the client is refused."),
            code="rate_limit_below_one",
        )


def _only_its_scheme_is_wrong(url: str) -> bool:
    """Whether the address would be taken with http(s)://: the URL validator refuses a
    gopher:// one as "not a valid URL" too, which says no more than the scheme's refusal."""
    _scheme, _separator, rest = url.partition("://")
    try:
        URLValidator()(f"https://{rest}")
    except ValidationError:
        return False
    return True


def api_client_refusals(
    errors: list[ValidationError], *, callback_url: str
) -> list[ValidationError]:
    """Which of the refusals of one of a client's fields to show, for `create_api_client`
    and the admin's form alike: a reason that says what is wrong hides the generic one
    given for the same value. -1 requests a minute is also "not 0 or more", but 0 is
    refused too; a URL whose only fault is its scheme is also "not a valid URL"."""
    codes = {error.code for error in errors}
    hidden = set()
    if "rate_limit_below_one" in codes:
        hidden.add("min_value")
    if "invalid_scheme" in codes and _only_its_scheme_is_wrong(callback_url):
        hidden.add("invalid")
    return [error for error in errors if error.code not in hidden]


class ApiClient(models.Model):
    """A machine client of the API (the 12345 hotline, later the 12315 platform).

    Its API key is stored only as a SHA-256 hash (keys are long random strings, so a fast
    hash is enough); its callback signing secret is never stored: it is derived from the
    server's signing key and `secret_salt`, so rotating means a new salt.

    A rotation keeps the previous key (its prefix and hash) and the previous salt until
    `API_ROTATION_GRACE_HOURS` later: the hotline is another organisation, and needs time to
    deploy the new values without being cut off.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    key_prefix = models.CharField(_("key prefix"), max_length=12, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=64)
    previous_key_prefix = models.CharField(_("previous key prefix"), max_length=12, blank=True)
    previous_key_hash = models.CharField(max_length=64, blank=True)
    previous_key_until = models.DateTimeField(_("previous key works until"), null=True, blank=True)
    previous_key_last_used_at = models.DateTimeField(
        _("previous key last used at"), null=True, blank=True
    )
    secret_salt = models.CharField(max_length=64)
    secret_fingerprint = models.CharField(_("secret fingerprint"), max_length=16)
    previous_secret_salt = models.CharField(max_length=64, blank=True)
    previous_secret_until = models.DateTimeField(
        _("previous secret also signs until"), null=True, blank=True
    )
    callback_url = models.URLField(
        _("callback URL"), blank=True, validators=[validate_callback_scheme]
    )
    # Goes up at each change of `callback_url` (`api_client_update`): a callback tried at
    # the URL before the change starts its day of retries again at the next attempt, even
    # when the URL was changed back to the one it was tried at.
    callback_url_version = models.PositiveIntegerField(_("callback URL version"), default=0)
    channel = models.CharField(
        _("channel of its orders"), max_length=12, choices=Channel.choices, default="12345"
    )
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        indexes = [
            models.Index(
                fields=["previous_key_prefix"],
                condition=~models.Q(previous_key_prefix=""),
                name="apiclient_previous_key",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Checked here, not by a validator on the field (a migration for no change in the
        # database); the admin's form checks it on its field too (`ApiClientForm`).
        try:
            validate_rate_limit(self.rate_limit_per_minute)
        except ValidationError as error:
            raise ValidationError({"rate_limit_per_minute": error}) from None

    @property
    def is_authenticated(self) -> bool:
        return True


class CallbackEvent(models.Model):
    """The outbox: one row per status change of a client's order, written in the same
    transaction as the change, delivered (at least once, in order per order) by Celery."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("callback", "Pending")  # not an approval's
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    event_id = models.UUIDField(_("event id"), unique=True)
    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, related_name="callbacks", verbose_name=_("API client")
    )
    order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, related_name="callbacks", verbose_name=_("work order")
    )
    type = models.CharField(_("type"), max_length=40)
    payload = models.JSONField(_("payload"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    # Where its day of retries (callbacks.RETRY_WINDOW) is counted from: its first attempt
    # at `retry_window_url`, moved on by the time its client was revoked
    # (api_client_reactivate). An attempt at another URL (the office gave the client a new
    # one), or at the same one after the office changed it and changed it back
    # (`retry_window_url_version`, the client's `callback_url_version` at the last
    # attempt), starts it again: the day is the receiver's it is posted to.
    retry_window_start = models.DateTimeField(_("retries counted from"), null=True, blank=True)
    retry_window_url = models.URLField(_("retries counted at"), blank=True)
    retry_window_url_version = models.PositiveIntegerField(
        _("retries counted at URL version"), default=0
    )
    # The attempts since the window started at `retry_window_url`: the backoff grows with
    # these, so that a receiver the office has just configured gets the quick early retries
    # rather than the hour the old URL's failures had grown it to. `attempts` counts all.
    attempts_at_url = models.PositiveIntegerField(_("attempts at this URL"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        indexes = [
            models.Index(
                fields=["client", "next_attempt_at"],
                condition=models.Q(state="pending"),
                name="callback_pending_due",
            ),
            models.Index(fields=["order", "id"], name="callback_order"),
        ]

    def __str__(self) -> str:
        # What the office looks for: which order, which change, and how delivery stands.
        change = f"{self.payload.get('number', '')} → {self.payload.get('status', '')}"
        return bracketed(change, self.get_state_display())


class CallbackAttempt(models.Model):
    event = models.ForeignKey(CallbackEvent, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")

    def __str__(self) -> str:
        return _("attempt at %(time)s") % {"time": to_the_second(self.at)}


def to_the_second(moment: datetime | None) -> str:
    """A delivery log's time to the second, in Beijing time: attempts a few seconds apart
    must not read as one."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


REMIND_AT_LEAST_A_DAY = MinValueValidator(
    1,
    message=_("Remind at least 1 working day before."),
)
"""0 was taken, and the reminders read it as their default (1 working day before a deadline,
5 before quarterly reports): not what the office had typed."""


class ReminderPolicy(models.Model):
    """How early the due-soon and report reminders go out; one row, edited by the office."""

    lead_working_days = models.PositiveIntegerField(
        _("remind this many working days before a deadline"),
        default=1,
        validators=[REMIND_AT_LEAST_A_DAY, *WORKING_DAYS_CAP],
    )
    report_lead_working_days = models.PositiveIntegerField(
        _("remind liaisons this many working days before quarterly reports are due"),
        default=5,
        validators=[REMIND_AT_LEAST_A_DAY, *WORKING_DAYS_CAP],
    )

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policy")

    def __str__(self) -> str:
        return str(self.lead_working_days)


class EscalationStep(models.Model):
    """Who is told when an order is this many working days past a deadline (督办 steps)."""

    class Recipients(models.TextChoices):
        UNIT_HEAD = "unit_head", _("Head of the handling unit")
        OFFICE = "office", _("Coordination office staff")
        OFFICE_DIRECTOR = "office_director", _("Office director")
        GROUP_LEADER = "group_leader", _("Group leader")

    days_overdue = models.PositiveIntegerField(
        _("working days overdue"), validators=WORKING_DAYS_CAP
    )
    recipients = models.CharField(_("notify"), max_length=20, choices=Recipients.choices)

    class Meta:
        ordering = ["days_overdue", "recipients"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        constraints = [
            models.UniqueConstraint(
                fields=["days_overdue", "recipients"], name="one_escalation_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.days_overdue}: {self.get_recipients_display()}"


class FigureMeasures(models.Model):
    """The counts kept for a group of orders (see `complaints.stats.MEASURES`)."""

    received = models.PositiveIntegerField(_("received"), default=0)
    open = models.PositiveIntegerField(_("open"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    on_time = models.PositiveIntegerField(_("resolved on time"), default=0)
    late = models.PositiveIntegerField(_("resolved late"), default=0)
    rated = models.PositiveIntegerField(_("rated"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)
    triaged = models.PositiveIntegerField(_("went to triage"), default=0)
    redispatched = models.PositiveIntegerField(_("re-dispatched"), default=0)

    class Meta:
        abstract = True


class DailyStat(FigureMeasures):
    """Work orders received on one day, counted by their current state, per primary unit and
    one dimension value (category, town, channel, kind or business; "all" for the total).

    Orders are counted by the day they were received (a cohort): a quarter's figures are
    "orders received in the quarter and what became of them". Rows for a day are rebuilt
    from the orders whenever one of that day's orders changes (see `complaints.stats`), so
    dashboards and reports read a few thousand rows instead of counting years of orders.
    """

    class Dimension(models.TextChoices):
        ALL = "all", _("All")
        CATEGORY = "category", _("Hotline category")
        TOWN = "town", _("Town or street")
        CHANNEL = "channel", _("Channel")
        KIND = "kind", _("Kind")
        BUSINESS = "business", _("Business")

    day = models.DateField(_("day received"))
    unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("primary unit"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices)
    value = models.CharField(_("value"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        indexes = [
            models.Index(fields=["dimension", "day"], name="dailystat_dim_day"),
            models.Index(fields=["unit", "dimension", "day"], name="dailystat_unit_dim_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.dimension}={self.value}"


class StatsDirtyDay(models.Model):
    """A day whose figures must be rebuilt: written with every event on an order, in the
    same transaction, so no change escapes the summary (an outbox for `DailyStat`)."""

    day = models.DateField()

    class Meta:
        verbose_name = _("day to recount")
        verbose_name_plural = _("days to recount")

    def __str__(self) -> str:
        return str(self.day)


class MonthlyStat(FigureMeasures):
    """`DailyStat` summed over a finished month, so a year's ranking of businesses or towns
    reads twelve months of rows instead of 365 days of them. Months before the current one
    only; `StatsMonth` says which are built. Rebuilt with their days (`complaints.stats`)."""

    month = models.DateField(_("month"))
    unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("primary unit"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    dimension = models.CharField(_("dimension"), max_length=10, choices=DailyStat.Dimension.choices)
    value = models.CharField(_("value"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")
        indexes = [
            models.Index(fields=["dimension", "month"], name="monthlystat_dim_month"),
            models.Index(fields=["unit", "dimension", "month"], name="monthlystat_unit_dim"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit_id} {self.dimension}={self.value}"


class StatsMonth(models.Model):
    """A finished month whose `MonthlyStat` rows are built and current."""

    month = models.DateField(primary_key=True)
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("built month")
        verbose_name_plural = _("built months")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class HistoryLine(models.Model):
    """One line of a record's history in the reporting and publicity flows: who, when, a
    note and details. Subclasses add the record and what was done; immutable once written."""

    actor = models.ForeignKey(
        "departments.User",
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class TimelineEntry(ActorShown, models.Model):
    """One line of an escalation flow's history (referral, dispute, intervention,
    mediation): who, from which unit, when, and a note. Immutable once written."""

    actor = models.ForeignKey(
        "departments.User",
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    actor_unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    @classmethod
    def write(cls, *, by: object, **fields: object) -> "TimelineEntry":
        """Record a line by `by` (a person, or None for the system)."""
        return cls.objects.create(actor=by, actor_unit_id=getattr(by, "unit_id", None), **fields)


class EscalationPolicy(models.Model):
    """Deadlines of the escalation flows (measures 四（五） and 四（七）); one row, edited by
    the office."""

    referral_ack_working_days = models.PositiveIntegerField(
        _("working days to acknowledge a referred lead"), validators=WORKING_DAYS_CAP, default=3
    )
    urgent_referral_ack_working_days = models.PositiveIntegerField(
        _("working days to acknowledge an urgent referred lead"),
        validators=WORKING_DAYS_CAP,
        default=1,
    )
    intervention_answer_hours = models.PositiveIntegerField(
        _("hours for a unit to answer a request to step in early"), validators=HOURS_CAP, default=4
    )
    confirmation_apply_days = models.PositiveIntegerField(
        _("days after a mediation agreement takes effect to apply for judicial confirmation"),
        validators=DAYS_CAP,
        default=30,
    )
    court_take_days = models.PositiveIntegerField(
        _("days for the court to decide whether to take an application"),
        validators=DAYS_CAP,
        default=3,
    )
    court_rule_days = models.PositiveIntegerField(
        _("days for the court to rule on an application it took"), validators=DAYS_CAP, default=15
    )
    court_extension_days = models.PositiveIntegerField(
        _("days the court may extend its ruling by"), validators=DAYS_CAP, default=10
    )
    dispute_decision_working_days = models.PositiveIntegerField(
        _("working days for the group leader to decide a jurisdiction dispute"),
        validators=WORKING_DAYS_CAP,
        default=7,
    )

    class Meta:
        verbose_name = _("escalation deadlines")
        verbose_name_plural = _("escalation deadlines")

    def __str__(self) -> str:
        return f"{self.referral_ack_working_days}/{self.urgent_referral_ack_working_days}"


class Referral(models.Model):
    """A lead one unit refers to the unit responsible (线索移送, measure 四（五）): a violation
    outside its remit, found in a work order or in its own work."""

    from_unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("referred by"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    to_unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("referred to"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    title = models.CharField(_("title"), max_length=200)
    title_message = models.JSONField(_("written from"), default=dict, blank=True)
    """What the title was written from, when the system wrote it (a joint team's hand-over
    to criminal proceedings), so pages show it in the reader's language; empty for a title
    a person typed, shown as typed."""
    facts = models.TextField(_("what was found"))
    legal_basis = models.TextField(_("legal basis suggested"), blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    ack_due_at = models.DateTimeField(_("acknowledge by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reasons or result"), blank=True)
    decision_message = models.JSONField(_("written from"), default=dict, blank=True)
    """What the decision note was written from, when the system wrote it (a lead withdrawn by
    the group leader's decision), so pages show it in the reader's language; empty for
    reasons a person typed, shown as typed."""
    case_reference = models.CharField(_("case or order opened"), max_length=60, blank=True)
    by_decision = models.ForeignKey(
        "Dispute",
        verbose_name=_("sent by the leader's decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads_by_decision",
    )
    """The dispute whose designation sent this lead on to the unit designated: that unit
    handles it and may not reject it (as an order assigned by decision cannot be returned)."""
    created_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("referred at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    sent_before = False
    """Not stored: True on the lead `referral_send` answers with when the same lead, referred
    by the sender or a colleague of the sending unit, was already open (awaiting
    acknowledgement, or acknowledged and not yet decided), so nothing was sent this time and
    the page says so, and by whom, rather than that the lead was referred."""
    files_on_it: tuple[str, ...] = ()
    """Not stored: with `sent_before`, the names of the files posted again that are among
    the lead's evidence already (the same name and content)."""
    files_not_added: tuple[str, ...] = ()
    """Not stored: with `sent_before`, the names of the other files posted again, which were
    not added to the lead (`referrals._files_posted_again` says why) and the page names."""

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referred lead")
        verbose_name_plural = _("referred leads")
        indexes = [
            models.Index(fields=["to_unit", "status"], name="referral_to"),
            models.Index(fields=["from_unit", "status"], name="referral_from"),
            models.Index(
                fields=["ack_due_at"],
                condition=models.Q(status="sent"),
                name="referral_ack_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """YS-2026-000012 (移送): the year referred and the row's id."""
        return f"YS-{timezone.localtime(self.created_at):%Y}-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED)


class ReferralEvent(TimelineEntry):
    """The referral's shared history (immutable)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=ReferralAction.choices)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta(TimelineEntry.Meta):
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")

    def __str__(self) -> str:
        return f"{self.referral_id} {self.action}"


def referral_attachment_path(instance: "ReferralAttachment", filename: str) -> str:
    return f"referrals/{instance.referral_id}/{filename}"


class ReferralAttachment(StoredFile):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=referral_attachment_path, max_length=255)

    class Meta(StoredFile.Meta):
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class Dispute(models.Model):
    """A jurisdiction dispute (管辖争议, measure 四（七）): units disagree about who handles an
    order or a lead. The office proposes; the group leader decides, designating the unit
    responsible or forming a joint investigation team. Nothing is deleted; each step is an
    event, and the decision carries the deciding user and time."""

    source = models.CharField(_("how it arose"), max_length=20, choices=DisputeSource.choices)
    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
    )
    referral = models.ForeignKey(
        Referral,
        verbose_name=_("referred lead"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
    )
    units = models.ManyToManyField(
        "departments.Unit", verbose_name=_("units involved"), related_name="disputes"
    )
    summary = models.TextField(_("what is disputed"))
    summary_message = models.JSONField(_("written from"), default=dict, blank=True)
    """What the system wrote `summary` from (a second return, a rejected lead), to show it in
    the reader's language; empty for a summary a person wrote."""
    suggested_unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("unit suggested by the opener"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    """The member unit the one who opened the dispute thinks should take the case, if it
    named one: a hint for the office's proposal, not a party to the dispute."""
    status = models.CharField(
        _("status"), max_length=12, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    opened_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    decision_due_at = models.DateTimeField(_("leader to decide by"))
    proposal = models.TextField(_("the office's proposal"), blank=True)
    proposed_unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("unit proposed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_co_units = models.ManyToManyField(
        "departments.Unit",
        verbose_name=_("co-handling units proposed"),
        blank=True,
        related_name="+",
    )
    """The units the office proposes should co-handle the work order with the unit it
    proposes: the leader's designation form starts from them, as from that unit."""
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "departments.User",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    designated_unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("unit designated"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(_("the leader's decision"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("jurisdiction dispute")
        verbose_name_plural = _("jurisdiction disputes")
        indexes = [models.Index(fields=["status", "decision_due_at"], name="dispute_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """ZY-2026-000003 (争议)."""
        return f"ZY-{timezone.localtime(self.opened_at):%Y}-{self.pk:06d}"


class DisputeEvent(TimelineEntry):
    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=DisputeAction.choices)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta(TimelineEntry.Meta):
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.action}"


class JointTeam(models.Model):
    """A joint investigation team (联合调查组) formed by the leader's decision."""

    dispute = models.OneToOneField(Dispute, on_delete=models.PROTECT, related_name="team")
    lead_unit = models.ForeignKey(
        "departments.Unit", verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    member_units = models.ManyToManyField(
        "departments.Unit", verbose_name=_("member units"), related_name="joint_teams"
    )
    members = models.ManyToManyField(
        "departments.User", verbose_name=_("members"), related_name="joint_teams", blank=True
    )
    formed_at = models.DateTimeField(_("formed at"), auto_now_add=True)
    violation_finding = models.TextField(_("finding of the violation"), blank=True)
    law_applied = models.TextField(_("law applied"), blank=True)
    procedure = models.TextField(_("procedure"), blank=True)
    penalty = models.TextField(_("penalty"), blank=True)
    transfer_to = models.CharField(
        _("transferred to another authority"), max_length=200, blank=True
    )
    criminal_handover = models.BooleanField(
        _("handed over to criminal proceedings (public security)"), default=False
    )
    handover_referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    open_question = models.TextField(_("question for the joint meeting"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("joint investigation team")
        verbose_name_plural = _("joint investigation teams")

    def __str__(self) -> str:
        return f"{self.dispute} {self.lead_unit}"


class TeamTask(models.Model):
    team = models.ForeignKey(JointTeam, on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    owner_unit = models.ForeignKey(
        "departments.Unit", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        "departments.User",
        verbose_name=_("person responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("team task")
        verbose_name_plural = _("team tasks")

    def __str__(self) -> str:
        return self.title


class TeamFinding(models.Model):
    team = models.ForeignKey(JointTeam, on_delete=models.PROTECT, related_name="findings")
    unit = models.ForeignKey("departments.Unit", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey("departments.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("finding"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("member's finding")
        verbose_name_plural = _("members' findings")

    def __str__(self) -> str:
        return self.text[:40]


class Intervention(models.Model):
    """Early intervention (提前介入, measure 四（五）): in an urgent case a unit asks others to
    step in before jurisdiction is settled; each answers within hours. One shared timeline."""

    requesting_unit = models.ForeignKey(
        "departments.Unit", verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
    )
    title = models.CharField(_("title"), max_length=200)
    situation = models.TextField(_("the situation"))
    answer_due_at = models.DateTimeField(_("answer by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("early intervention")
        verbose_name_plural = _("early interventions")

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """JR-2026-000004 (介入)."""
        return f"JR-{timezone.localtime(self.created_at):%Y}-{self.pk:06d}"


class InterventionUnit(models.Model):
    """One asked unit and its answer."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="asked")
    unit = models.ForeignKey("departments.Unit", on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(
        _("answer"),
        max_length=10,
        choices=InterventionAnswer.choices,
        default=InterventionAnswer.ASKED,
    )
    reason = models.TextField(_("reason"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("unit asked to step in")
        verbose_name_plural = _("units asked to step in")
        constraints = [
            models.UniqueConstraint(fields=["intervention", "unit"], name="one_answer_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.intervention_id} {self.unit_id} {self.answer}"


class InterventionEvent(TimelineEntry):
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=InterventionAction.choices)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta(TimelineEntry.Meta):
        verbose_name = _("intervention event")
        verbose_name_plural = _("intervention events")

    def __str__(self) -> str:
        return f"{self.intervention_id} {self.action}"


def mediation_scan_path(instance: "MediationAgreement", filename: str) -> str:
    return f"mediation/{instance.order_id}/{filename}"


class MediationAgreement(models.Model):
    """A complaint resolved by mediation, and its way to judicial confirmation (调诉对接,
    measure 四（七）): the agreement, the parties' consent, the application to the court
    within the days the office's policy gave when it was recorded (`apply_by`, counted from
    the agreement taking effect), and the court's clocks and ruling."""

    order = models.ForeignKey(
        WorkOrder, verbose_name=_("work order"), on_delete=models.PROTECT, related_name="mediations"
    )
    unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.CharField(_("mediated by"), max_length=10, choices=MediationBody.choices)
    mediator = models.CharField(_("mediator"), max_length=120, blank=True)
    parties = models.TextField(_("parties"))
    terms = models.TextField(_("terms"))
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    effective_on = models.DateField(_("agreement takes effect on"))
    consent = models.CharField(
        _("consent to judicial confirmation"),
        max_length=10,
        choices=MediationConsent.choices,
        blank=True,
    )
    scan = models.FileField(_("scanned agreement"), upload_to=mediation_scan_path, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MediationStatus.choices,
        default=MediationStatus.RECORDED,
    )
    apply_by = models.DateField(_("apply for confirmation by"))
    submitted_at = models.DateTimeField(_("sent to the court at"), null=True, blank=True)
    take_by = models.DateField(_("court to decide whether to take it by"), null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    case_number = models.CharField(_("court case number"), max_length=60, blank=True)
    rule_by = models.DateField(_("court to rule by"), null=True, blank=True)
    extended = models.BooleanField(_("time to rule extended"), default=False)
    decided_at = models.DateTimeField(_("ruled at"), null=True, blank=True)
    court_note = models.TextField(_("the court's reasons"), blank=True)
    created_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")
        indexes = [models.Index(fields=["status", "take_by"], name="mediation_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """TJ-2026-000005 (调解)."""
        return f"TJ-{timezone.localtime(self.created_at):%Y}-{self.pk:06d}"


class MediationEvent(TimelineEntry):
    agreement = models.ForeignKey(
        MediationAgreement, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=12, choices=MediationAction.choices)

    class Meta(TimelineEntry.Meta):
        verbose_name = _("mediation event")
        verbose_name_plural = _("mediation events")

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.action}"


class Litigation(models.Model):
    """A dispute that mediation did not settle, passed to the court as a lawsuit."""

    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        related_name="litigations",
    )
    court_case = models.CharField(_("court case"), max_length=60)
    note = models.TextField(_("note"), blank=True)
    marked_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        ordering = ["marked_at", "id"]
        verbose_name = _("passed to litigation")
        verbose_name_plural = _("passed to litigation")

    def __str__(self) -> str:
        return self.court_case


def order_export_path(instance: "OrderExport", filename: str) -> str:
    """Under exports/, by month, with a random part: the name says nothing of whose it is."""
    return f"exports/{timezone.localtime(instance.created_at):%Y/%m}/{filename}"


class OrderExport(models.Model):
    """An Excel export of the order list, asked for on the list and built by a worker
    (`complaints.tasks.build_order_export`): the list as `params` (the list's query string)
    gave it to the asker, in the asker's `language`. Only the asker opens it; rows and files
    go after `order_exports.KEEP_FOR` (`tasks.sweep_order_exports`)."""

    asker = models.ForeignKey(
        "departments.User",
        verbose_name=_("exported by"),
        # An account deleted leaves its exports to nobody until the sweep deletes them and
        # their files (a cascade would have left the files behind for good).
        on_delete=models.SET_NULL,
        null=True,
        related_name="order_exports",
    )
    params = models.TextField(_("filters"), blank=True)
    tab = models.CharField(_("tab"), max_length=20)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    file = models.FileField(_("file"), upload_to=order_export_path, blank=True, max_length=255)
    row_count = models.PositiveIntegerField(_("orders"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    error_message = models.JSONField(_("written from"), default=dict, blank=True)
    created_at = models.DateTimeField(_("exported at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order list export")
        verbose_name_plural = _("order list exports")
        indexes = [
            models.Index(fields=["asker", "-created_at", "-id"], name="order_export_asker"),
            models.Index(fields=["status", "created_at"], name="order_export_status"),
        ]

    def __str__(self) -> str:
        return f"{self.asker_id} {self.tab} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def in_progress(self) -> bool:
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)

    @property
    def download_name(self) -> str:
        return f"work-orders-{self.tab}-{timezone.localtime(self.created_at):%Y%m%d-%H%M}.xlsx"
