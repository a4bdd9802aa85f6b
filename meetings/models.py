"""Joint meetings of the member units (联席会议, measure 四（三）)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    ANNUAL = "annual", _("Annual meeting of the member units")
    EXTRA = "extra", _("Extra meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class JointMeeting(models.Model):
    """A joint meeting the office plans and, afterwards, records as held. The annual one
    must be held every year; the reminders ask the office director from 1 November."""

    kind = models.CharField(_("kind"), max_length=10, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    planned_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-planned_on"]
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="held") | models.Q(held_on__isnull=False),
                name="held_meeting_has_a_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.planned_on} {self.title}"


class AgendaItemStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a meeting")
    PLACED = "placed", _("On a meeting's agenda")
    SETTLED = "settled", _("Settled by a resolution")


class AgendaItem(models.Model):
    """A question for a joint meeting. A joint investigation team's unsettled question is
    one (`team`); the meeting that settles it closes the loop back to the team."""

    meeting = models.ForeignKey(
        JointMeeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda",
    )
    team = models.ForeignKey(
        "complaints.JointTeam",
        verbose_name=_("joint investigation team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    proposed_by = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    question = models.TextField(_("question"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AgendaItemStatus.choices,
        default=AgendaItemStatus.WAITING,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.question[:60]
