"""Joint meetings of the member units (联席会议, measure 四（四）): planned by the office with an
agenda and invited units, attended, minuted, and followed up through resolutions whose action
items are tracked to completion."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from complaints.models import TimelineEntry
from departments.choices import RoleCode
from wuqing_consumer.language import bracketed


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
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.CharField(_("chaired by"), max_length=100, blank=True)
    guests = models.CharField(
        _("other people invited (leaders, experts)"), max_length=300, blank=True
    )
    notes = models.TextField(_("notes for the invited units"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    minutes = models.TextField(pgettext_lazy("a meeting's record", "minutes"), blank=True)
    minutes_recorded_at = models.DateTimeField(_("minutes recorded at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        "departments.User",
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-planned_on", "-id"]
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


class InvitationAnswer(models.TextChoices):
    WAITING = "waiting", _("No answer yet")
    ATTENDING = "attending", _("Will attend")
    DECLINED = "declined", _("Cannot attend")


class Invitation(models.Model):
    """A unit invited to a meeting: whom it sends (its answer), and afterwards whether it
    was there."""

    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="invitations")
    unit = models.ForeignKey(
        "departments.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    answer = models.CharField(
        _("answer"),
        max_length=10,
        choices=InvitationAnswer.choices,
        default=InvitationAnswer.WAITING,
    )
    attendees = models.CharField(_("who attends (names and posts)"), max_length=300, blank=True)
    answer_note = models.CharField(_("note"), max_length=300, blank=True)
    answered_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attended_by = models.CharField(_("who was there"), max_length=300, blank=True)

    class Meta:
        ordering = ["unit__sort_order", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "unit"], name="one_invitation_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.unit}"


def awaiting_answer(meetings: models.QuerySet, unit_id: int, today) -> models.QuerySet:
    """The planned meetings, from today on, whose invitation of the unit is not answered
    yet: the home page counts them and its line opens the meetings list showing them."""
    return meetings.filter(
        status=MeetingStatus.PLANNED,
        planned_on__gte=today,
        id__in=Invitation.objects.filter(unit_id=unit_id, answer=InvitationAnswer.WAITING).values(
            "meeting_id"
        ),
    )


class AgendaKind(models.TextChoices):
    SITUATION = "situation", _("Situation report")
    TYPICAL_CASE = "typical_case", _("Typical case")
    TEAM_QUESTION = "team_question", _("Question from a joint investigation team")
    PROPOSAL = "proposal", _("A unit's proposal")


class AgendaItemStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a meeting")
    PLACED = "placed", _("On a meeting's agenda")
    SETTLED = "settled", _("Settled by a resolution")
    DECLINED = "declined", _("Declined by the office")


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
    kind = models.CharField(
        _("kind"), max_length=15, choices=AgendaKind.choices, default=AgendaKind.PROPOSAL
    )
    team = models.ForeignKey(
        "complaints.JointTeam",
        verbose_name=_("joint investigation team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    work_order = models.ForeignKey(
        "complaints.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposer = models.ForeignKey(
        "departments.User",
        verbose_name=_("proposed by (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_for = models.ForeignKey(
        JointMeeting,
        verbose_name=_("proposed for the meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    question = models.TextField(_("question"))
    position = models.PositiveIntegerField(_("position"), default=0)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AgendaItemStatus.choices,
        default=AgendaItemStatus.WAITING,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["position", "created_at", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.question[:60]

    @property
    def kind_label(self) -> str:
        """The kind as listed: the group leader's proposal is not a unit's."""
        if self.proposer_id is not None:
            return str(_("The group leader's proposal"))
        return self.get_kind_display()

    @property
    def proposed_by_label(self) -> str:
        """Who proposed the item: the group leader by name and post, else the unit."""
        if self.proposer_id is not None:
            return bracketed(self.proposer, RoleCode.GROUP_LEADER.label)
        return str(self.proposed_by)


class Resolution(models.Model):
    """What the meeting decided. A resolution on an agenda item may settle it; one that
    settles a team's question closes that question for the team."""

    meeting = models.ForeignKey(
        JointMeeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="resolutions",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolutions",
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("resolution"))
    settles_item = models.BooleanField(_("settles the agenda item"), default=False)
    created_by = models.ForeignKey(
        "departments.User",
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="one_resolution_number_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.number}"


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("action item", "Open")
    DONE = "done", pgettext_lazy("action item", "Done")


class ActionItem(models.Model):
    """One thing a resolution asks a unit to do by a date; reminded until done."""

    resolution = models.ForeignKey(
        Resolution, verbose_name=_("resolution"), on_delete=models.PROTECT, related_name="actions"
    )
    owner = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="meeting_actions",
    )
    task = models.TextField(_("task"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_note = models.TextField(_("what was done"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        "departments.User",
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["status", "due_on"], name="meeting_action_due")]

    def __str__(self) -> str:
        return self.task[:60]

    def is_overdue(self, today: date) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < today


class MeetingAction(models.TextChoices):
    PLAN = "plan", _("Meeting planned")
    EDIT = "edit", _("Plan changed")
    INVITE = "invite", _("Unit invited")
    AGENDA = "agenda", _("Agenda item added")
    UNPLACE = "unplace", _("Agenda item taken off")
    PROPOSE = "propose", _("Agenda item proposed")
    DECLINE = "decline", _("Proposal declined")
    EDIT_ITEM = "edit_item", _("Agenda item reworded")
    ANSWER = "answer", _("Invitation answered")
    HOLD = "hold", _("Meeting recorded as held")
    MINUTES = "minutes", _("Minutes recorded")
    RESOLVE = "resolve", _("Resolution recorded")
    ACTION_DONE = "action_done", _("Action item done")
    ACTION_REOPEN = "action_reopen", _("Action item reopened")
    CANCEL = "cancel", _("Meeting cancelled")


class MeetingEvent(TimelineEntry):
    """The meeting's history: planning, answers, the record, every resolution and action."""

    meeting = models.ForeignKey(
        JointMeeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=15, choices=MeetingAction.choices)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta(TimelineEntry.Meta):
        verbose_name = _("meeting history entry")
        verbose_name_plural = _("meeting history")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def step(self) -> str:
        """The line's heading in the history: the units invited at once are counted, since
        one line names them all; an answer says whether the unit attends; any other step
        (or a line without its units or answer) by its label."""
        units = self.data.get("units") if isinstance(self.data, dict) else None
        if self.action == MeetingAction.INVITE and units:
            return ngettext("%(n)s unit invited", "%(n)s units invited", len(units)) % {
                "n": len(units)
            }
        # An answer says which: under a bare "answered", a unit's reason for staying away
        # read as the names of those who would come.
        answer = self.data.get("answer") if isinstance(self.data, dict) else None
        if self.action == MeetingAction.ANSWER and answer in InvitationAnswer.values:
            return gettext("Answered: %(answer)s") % {"answer": InvitationAnswer(answer).label}
        return self.get_action_display()
