from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wuqing_consumer.language import SUMMARY_MESSAGE, Reader

from . import audit_actions
from .choices import (
    NOTIFICATION_ICON_DEFAULT,
    NOTIFICATION_ICONS,
    RoleCode,
    TownKind,
    UnitKind,
)

phone_validator = RegexValidator(
    r"^[0-9][0-9 ()+-]{2,29}$",
    _("Enter a phone number: digits, with spaces, hyphens or parentheses if needed."),
)


def _is_english() -> bool:
    return (get_language() or "").startswith("en")


def this_quarter_start() -> date:
    """The first day of the quarter under way in Beijing: a unit added now is asked for its
    quarterly reports from this quarter on (`Unit.reports_since`)."""
    today = timezone.localdate()
    return date(today.year, (today.month - 1) // 3 * 3 + 1, 1)


def reporting_on(day: date, prefix: str = "") -> models.Q:
    """Units still reporting on `day`: active with no last day (`Unit.reports_until`), or
    whose last day is `day` or later. A unit inactive without a last day (deactivated before
    the day was kept, with no trace of it) is asked for nothing. `prefix` reaches the unit
    through a relation ("unit__")."""
    return models.Q(**{f"{prefix}is_active": True, f"{prefix}reports_until__isnull": True}) | (
        models.Q(**{f"{prefix}reports_until__gte": day})
    )


class Unit(models.Model):
    """The coordination office or one of the 17 member units of the 2022 notice.

    `code` is the stable identifier used by the API, URLs and fixtures; names may change.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=60)
    full_name = models.CharField(_("full name"), max_length=120, blank=True)
    name_en = models.CharField(_("English name"), max_length=120)
    remit = models.TextField(_("remit"), blank=True)
    remit_en = models.TextField(_("remit (English)"), blank=True)
    handles_disputes = models.BooleanField(
        _("handles disputes"),
        default=True,
        help_text=_("Whether work orders may be dispatched to this unit."),
    )
    sort_order = models.PositiveIntegerField(_("display order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    robot_webhook_url = models.URLField(
        _("group-chat robot webhook"),
        blank=True,
        help_text=_("WeCom or DingTalk robot address; reminders for the unit are posted there."),
    )
    reports_since = models.DateField(
        _("quarterly reports from"),
        default=this_quarter_start,
        help_text=_(
            "The unit is asked for a quarterly report for the quarter containing this day and "
            "every quarter after it, and for any earlier quarter it has reported on. A unit "
            "added to the portal starts with the quarter it is added in."
        ),
    )
    reports_until = models.DateField(
        _("reports until"),
        null=True,
        blank=True,
        help_text=_(
            "The last day the unit is asked to report: it is asked for the quarters that end "
            "by this day and for the annual summaries due by it. Set to the day the unit is "
            "deactivated, if empty; cleared when it is made active again. Empty: it still "
            "reports."
        ),
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        """Deactivating a unit (`is_active` set False, by the admin or any service) stamps the
        day in Beijing as the last it reports on (`reports_until`), unless one is set; making
        it active again clears it. Only the change counts: editing a unit already inactive
        leaves its day, or its lack of one, as it was, so no past period changes."""
        was_active = getattr(self, "_was_active", None)
        changed = None
        if was_active is True and not self.is_active and self.reports_until is None:
            self.reports_until = timezone.localdate()
            changed = "reports_until"
        elif was_active is False and self.is_active and self.reports_until is not None:
            self.reports_until = None
            changed = "reports_until"
        fields = kwargs.get("update_fields")
        if changed and fields is not None and "is_active" in fields:
            kwargs["update_fields"] = {*fields, changed}
        super().save(*args, **kwargs)
        self._was_active = self.is_active

    def clean(self) -> None:
        """A unit asked to report until a day before it is first asked would be asked for
        no quarter, silently."""
        if self.reports_since and self.reports_until and self.reports_until < self.reports_since:
            raise ValidationError(
                {
                    "reports_until": ValidationError(
                        _("The last day to report cannot come before the first (%(since)s)."),
                        code="before_since",
                        params={"since": self.reports_since.isoformat()},
                    )
                }
            )

    @classmethod
    def from_db(cls, db, field_names, values):
        unit = super().from_db(db, field_names, values)
        unit._was_active = unit.__dict__.get("is_active")
        return unit

    def reports_on(self, day: date) -> bool:
        """Whether the unit is asked to report on `day` (`reporting_on`), at its end; its
        beginning (`reports_since`) is for the caller."""
        if self.reports_until is not None:
            return self.reports_until >= day
        return self.is_active

    @property
    def display_name(self) -> str:
        return self.name_en if _is_english() and self.name_en else self.name

    @property
    def display_remit(self) -> str:
        return self.remit_en if _is_english() and self.remit_en else self.remit

    @property
    def is_office(self) -> bool:
        return self.kind == UnitKind.OFFICE


class Town(models.Model):
    """A town (镇) or street office (街道) where a case happened; the office edits the list."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=TownKind.choices)
    sort_order = models.PositiveIntegerField(_("display order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("town or street")
        verbose_name_plural = _("towns and streets")

    def __str__(self) -> str:
        return self.name_en if _is_english() and self.name_en else self.name


class Role(models.Model):
    """A role a person holds; rows are the RoleCode values, loaded by a migration.

    A table rather than a field because one person may hold several roles (staff and
    liaison, say) and later notifications ask "the liaisons of unit X".
    """

    code = models.CharField(_("code"), max_length=30, primary_key=True, choices=RoleCode.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return str(RoleCode(self.code).label)


class User(AbstractUser):
    """A person using the portal: belongs to one unit (or the office) and holds roles."""

    name = models.CharField(_("full name"), max_length=60, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    job_title = models.CharField(_("job title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    notify_by_email = models.BooleanField(_("notify me by email"), default=True)
    notify_by_sms = models.BooleanField(_("notify me by SMS"), default=False)
    daily_digest = models.BooleanField(_("send me a daily digest"), default=False)

    class Meta:
        ordering = ["unit__sort_order", "username"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username

    def get_short_name(self) -> str:
        """What the admin's header greets the person by ("欢迎，赵敏。"): the name the portal
        shows, where Django's own would fall back to the sign-in name for want of a first
        name, which the portal does not ask for."""
        return self.display_name


class DutyContact(models.Model):
    """A unit's duty line for rapid response (measure 四（一）): who answers, and when.

    The unit's head and liaison and the office may all edit it: `version` lets a change
    made from a form loaded before someone else's change be refused, not silently undo it.
    """

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="duty_contacts",
    )
    label = models.CharField(
        _("label"),
        max_length=40,
        help_text=_("For example: duty phone, emergency line."),
    )
    person = models.CharField(_("person on duty"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, validators=[phone_validator])
    hours = models.CharField(
        _("hours"),
        max_length=60,
        blank=True,
        help_text=_("For example: workdays 8:30-17:30."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("display order"), default=100)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=0,
        help_text=_("Goes up with every change, so an edit made from an older form is refused."),
    )

    class Meta:
        ordering = ["unit__sort_order", "sort_order", "id"]
        verbose_name = _("duty contact")
        verbose_name_plural = _("duty contacts")

    def __str__(self) -> str:
        return f"{self.label} {self.phone}"


class AuditEntry(models.Model):
    """An immutable record of a change made in the portal, written in the same transaction."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [
            # The trail's filter by kind of record lists the kinds by probing this index
            # (`trail.distinct_values`), as the filter by action probes action's.
            models.Index(fields=["object_type"], name="audit_object_type"),
        ]

    def __str__(self) -> str:
        """In the portal's time, as the trail's list shows the entry (not UTC, as stored),
        and what was done in the reader's language."""
        created = timezone.localtime(self.created_at) if self.created_at else None
        when = f"{created:%Y-%m-%d %H:%M} " if created else ""
        what = f" #{self.object_id}" if self.object_id else ""
        return f"{when}{self.action_name}{what}"

    @property
    def action_name(self) -> str:
        """The action in the reader's language (`audit_actions`), its code if it has none."""
        return audit_actions.name(self.action)

    def summary_for_reader(self, reader: Reader | None = None) -> str:
        """The summary in the reader's language where it was written from a message (kept
        in `data`, see `services.audit_record`), else as stored: an entry written before
        that was kept, or a summary a person typed. A page passes one `Reader` for all its
        entries, so the units they name are read once."""
        data = self.data if isinstance(self.data, dict) else {}
        return (reader or Reader()).show(self.summary, data.get(SUMMARY_MESSAGE))


class Notification(models.Model):
    """One thing a person should know, shown under the bell and sent on their channels.

    `key` names the occasion (e.g. "due_soon:12:decision:2026-10-08"); it is unique per
    person, so a scan that runs twice, or on two workers, tells nobody twice. The title and
    the text are kept as written, in the district's language; `messages` keeps what the
    system wrote them from ({"title": …, "body": …}, see `language.written`), so the list
    shows them in the reader's.
    """

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("to")
    )
    key = models.CharField(_("key"), max_length=160)
    category = models.CharField(_("category"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    messages = models.JSONField(_("written from"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_key")
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            # The scans ask "which of these occasions were told already?" by key alone.
            models.Index(fields=["key"], name="notification_key"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def icon(self) -> str:
        """The icon's classes in the list of notifications (`NOTIFICATION_ICONS`)."""
        return NOTIFICATION_ICONS.get(self.category, NOTIFICATION_ICON_DEFAULT)


class Delivery(models.Model):
    """A notification on one outside channel (email, SMS, a unit's group-chat robot), sent
    after commit by Celery and retried; its state is what the office can inspect."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")
        ROBOT = "robot", _("Group-chat robot")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=300)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="delivery_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.address} {self.state}"
