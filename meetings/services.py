"""Every change to a joint meeting: planning, invitations and answers, the record of the
meeting, its resolutions and their action items. Each function is one transaction and writes
its history line in it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.filters import order_number_in
from complaints.models import WorkOrder
from departments import access
from departments.choices import UnitKind
from departments.models import Unit, User
from departments.notifications import Message, notify_many, office_people, unit_people
from wuqing_consumer import language
from wuqing_consumer.dates import date_error
from wuqing_consumer.errors import ActionRefused
from wuqing_consumer.language import with_note_message, written, written_units
from wuqing_consumer.texts import too_long
from wuqing_consumer.versions import refused_unless

from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaItemStatus,
    AgendaKind,
    Invitation,
    InvitationAnswer,
    JointMeeting,
    MeetingAction,
    MeetingEvent,
    MeetingKind,
    MeetingStatus,
    Resolution,
)

MAX_TEXT = 20000
MINUTES_LIMIT = MAX_TEXT * 5
"""A meeting's notes, a question, a resolution, a task, what was done and a cancellation's
reason are refused beyond MAX_TEXT characters, the minutes beyond MINUTES_LIMIT, not cut
(their inputs carry the same maxlength)."""


class MeetingError(ActionRefused):
    """An action on a joint meeting that is not allowed now."""


@dataclass(frozen=True)
class PlannedAction:
    """One action item of a resolution as the office types it."""

    owner_code: str
    task: str
    due_on: date | None
    due_typed: str = ""
    """The due date as sent, when it is not a date (`due_on` None): said so, not missing."""

    @property
    def is_filled(self) -> bool:
        """Anything typed in its row: the rows numbered in a refusal, by the page as here."""
        return bool(self.owner_code or self.task.strip() or self.due_on or self.due_typed.strip())


def meeting_url(meeting: JointMeeting) -> str:
    return reverse("meeting_detail", kwargs={"meeting_id": meeting.id})


def _event(meeting: JointMeeting, action: str, user: User | None, note: str = "", **data) -> None:
    MeetingEvent.write(
        by=user, meeting=meeting, action=action, note=note, data=with_note_message(data, note)
    )


def _office_only(user: User) -> None:
    if not access.runs_meetings(user):
        raise Http404


def _lock(
    user: User,
    meeting_id: int,
    expected_version: int | None = None,
    refusal_now: Callable[[JointMeeting], str | None] = lambda meeting: None,
) -> JointMeeting:
    """The meeting, locked, once the change is possible on it as it is now (`refusal_now`
    says why not: held or cancelled meanwhile), and only then checked against the version
    the user's page showed. A form refused so comes back on the page as it now is with
    what was typed (`meetings.views.KEPT_FORMS`), as the refusal says."""
    meeting = access.meeting_or_404(user, meeting_id=meeting_id, lock=True)
    if refusal := refusal_now(meeting):
        raise MeetingError(refusal)
    if expected_version is not None and meeting.version != expected_version:
        raise MeetingError(
            _(
                "Someone else changed this meeting while you had it open, so nothing was "
                "saved. The rest of the page shows the meeting as it is now; the form you sent "
                "keeps what you typed: check it and send it again."
            )
        )
    return meeting


def _bump(meeting: JointMeeting, fields: Iterable[str]) -> None:
    meeting.version += 1
    meeting.save(update_fields=[*fields, "version", "updated_at"])


def _member_units(codes: Iterable[str], field: str) -> list[Unit]:
    codes = [c for c in dict.fromkeys(codes) if c]
    units = list(Unit.objects.filter(code__in=codes, kind=UnitKind.MEMBER, is_active=True))
    unknown = sorted(set(codes) - {u.code for u in units})
    if unknown:
        raise ValidationError(
            {field: _("There is no member unit with the code “%(code)s”.") % {"code": unknown[0]}}
        )
    return sorted(units, key=lambda u: u.sort_order)


def _clean_plan(
    *,
    kind: str,
    title: str,
    planned_on: date | None,
    place: str,
    today: date,
    is_new: bool,
    chair: str = "",
    guests: str = "",
    notes: str = "",
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in MeetingKind.values:
        errors["kind"] = _("Choose whether this is the annual meeting or an extra one.")
    if not title.strip():
        errors["title"] = _("Give the meeting a title.")
    if planned_on is None:
        errors["planned_on"] = _("Give the date of the meeting.")
    elif problem := date_error(planned_on):
        errors["planned_on"] = problem
    elif is_new and planned_on < today:
        errors["planned_on"] = _("A meeting is planned for today or a later day.")
    if not place.strip():
        errors["place"] = _("Say where the meeting takes place.")
    for field, value in (("title", title), ("place", place), ("chair", chair), ("guests", guests)):
        if problem := _too_long(field, value):
            errors.setdefault(field, problem)
    if problem := _too_long("notes", notes, limit=MAX_TEXT):
        errors["notes"] = problem
    return errors


def _too_long(
    field: str,
    value: str,
    model: type[models.Model] = JointMeeting,
    *,
    limit: int | None = None,
    what: str | None = None,
) -> str | None:
    """A text longer than its column (or, for a text column, than `limit`) is refused, not
    cut: the plan's form on the meeting page had no maxlength, and a cut title or place is
    something nobody wrote (nor are cut guests or a cut answer, sent by a crafted post or a
    script past the inputs' maxlength). `what` names the field where its verbose name is
    ambiguous ("minutes" is also the unit of time in the catalogue)."""
    model_field = model._meta.get_field(field)
    return too_long(
        value.strip(), limit or model_field.max_length, what or model_field.verbose_name
    )


def _when(meeting: JointMeeting) -> str:
    """The meeting's day, and its time when it has one, as the units' notices write it."""
    when = meeting.planned_on.isoformat()
    if meeting.starts_at:
        when += f" {meeting.starts_at:%H:%M}"
    return when


def annual_meeting_of(year: int) -> JointMeeting | None:
    """The year's annual meeting, planned or held: the notice asks for one a year (每年召开一次),
    and a second is most likely the first planned again, which the reminders and the year's
    records would count twice. By the year it was planned for; the plan form offers an extra
    meeting once the year has one."""
    return (
        JointMeeting.objects.filter(kind=MeetingKind.ANNUAL, planned_on__year=year)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("planned_on", "id")
        .first()
    )


def _invite(meeting: JointMeeting, units: list[Unit], user: User) -> list[Unit]:
    already = set(meeting.invitations.values_list("unit_id", flat=True))
    new = [u for u in units if u.id not in already]
    Invitation.objects.bulk_create([Invitation(meeting=meeting, unit=u) for u in new])
    if new:
        _event(
            meeting,
            MeetingAction.INVITE,
            user,
            note=written_units(new),
            units=[u.code for u in new],
        )
    if new:
        message = Message(
            key=f"meeting_invite:{meeting.id}",
            category="meeting",
            title=written(
                "Invitation to the joint meeting “%(title)s” on %(when)s",
                title=meeting.title,
                when=_when(meeting),
            ),
            body=written("Place: %(place)s. Please confirm who attends.", place=meeting.place),
            url=meeting_url(meeting),
        )
        notify_many([(message, unit_people([u.id for u in new]), None)])
    return new


def _next_position(meeting: JointMeeting) -> int:
    return (meeting.agenda.aggregate(m=Max("position"))["m"] or 0) + 1


def _typical_case(user: User, number: str) -> WorkOrder | None:
    number = (number or "").strip()
    if not number:
        return None
    # Typed as the order search reads a number ('wq-2026-000035', full-width digits), as
    # the lead and intervention forms take one in lower case.
    found = order_number_in(number) or number.upper()
    order = access.workorders_visible_to(user).filter(number=found).first()
    if order is None:
        raise ValidationError(
            {"work_order": _("There is no work order numbered %(number)s.") % {"number": number}}
        )
    return order


@transaction.atomic
def meeting_plan(
    *,
    acting_user: User,
    kind: str,
    title: str,
    planned_on: date | None,
    place: str,
    starts_at: time | None = None,
    chair: str = "",
    guests: str = "",
    notes: str = "",
    unit_codes: Iterable[str] = (),
    waiting_item_ids: Iterable[int] = (),
) -> JointMeeting:
    """The office plans a meeting, invites units and puts waiting questions on its agenda."""
    _office_only(acting_user)
    today = timezone.localdate()
    errors = _clean_plan(
        kind=kind,
        title=title,
        planned_on=planned_on,
        place=place,
        today=today,
        is_new=True,
        chair=chair,
        guests=guests,
        notes=notes,
    )
    units: list[Unit] = []
    try:
        units = _member_units(unit_codes, "units")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if not units and "units" not in errors:
        errors["units"] = _("Invite at least one member unit.")
    if (
        kind == MeetingKind.ANNUAL
        and "planned_on" not in errors
        and planned_on is not None
        and (annual := annual_meeting_of(planned_on.year))
    ):
        errors["kind"] = _(
            "%(year)s already has its annual meeting, “%(title)s” on %(day)s (the notice "
            "asks for one a year): plan this one as an extra meeting."
        ) % {"year": planned_on.year, "title": annual.title, "day": _when(annual)}
    if errors:
        raise ValidationError(errors)
    meeting = JointMeeting.objects.create(
        kind=kind,
        title=title.strip(),
        planned_on=planned_on,
        starts_at=starts_at,
        place=place.strip(),
        chair=chair.strip(),
        guests=guests.strip(),
        notes=notes.strip(),
        created_by=acting_user,
    )
    _event(meeting, MeetingAction.PLAN, acting_user, note=meeting.title)
    _invite(meeting, units, acting_user)
    for item_id in waiting_item_ids:
        _place(meeting, item_id, acting_user)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting_id: int,
    acting_user: User,
    title: str,
    planned_on: date | None,
    place: str,
    starts_at: time | None,
    chair: str,
    notes: str,
    expected_version: int | None,
    guests: str = "",
) -> JointMeeting:
    _office_only(acting_user)
    meeting = _lock(
        acting_user,
        meeting_id,
        expected_version,
        refused_unless(
            lambda m: m.status == MeetingStatus.PLANNED,
            _("Only a planned meeting can be changed."),
        ),
    )
    errors = _clean_plan(
        kind=meeting.kind,
        title=title,
        planned_on=planned_on,
        place=place,
        today=timezone.localdate(),
        is_new=planned_on != meeting.planned_on,
        chair=chair,
        guests=guests,
        notes=notes,
    )
    if (
        meeting.kind == MeetingKind.ANNUAL
        and "planned_on" not in errors
        and planned_on.year != meeting.planned_on.year
        and (annual := annual_meeting_of(planned_on.year))
    ):
        errors["planned_on"] = _(
            "%(year)s already has its annual meeting, “%(title)s” on %(day)s (the notice "
            "asks for one a year): this one stays in %(own_year)s, or that one is cancelled "
            "first."
        ) % {
            "year": planned_on.year,
            "title": annual.title,
            "day": _when(annual),
            "own_year": meeting.planned_on.year,
        }
    if errors:
        raise ValidationError(errors)
    new = {
        "title": title.strip(),
        "planned_on": planned_on,
        "place": place.strip(),
        "starts_at": starts_at,
        "chair": chair.strip(),
        "guests": guests.strip(),
        "notes": notes.strip(),
    }
    changed = {k: v for k, v in new.items() if getattr(meeting, k) != v}
    if not changed:
        return meeting
    before = {k: str(getattr(meeting, k) or "") for k in changed}
    for field, value in changed.items():
        setattr(meeting, field, value)
    _bump(meeting, changed)
    _event(
        meeting,
        MeetingAction.EDIT,
        acting_user,
        changes={k: [before[k], str(v or "")] for k, v in changed.items()},
    )
    if {"planned_on", "starts_at", "place"} & changed.keys():
        message = Message(
            key=f"meeting_changed:{meeting.id}:{meeting.version}",
            category="meeting",
            title=written(
                "The joint meeting “%(title)s” moved to %(day)s, %(place)s",
                title=meeting.title,
                # The time too: a meeting moved to another hour of the same day would
                # otherwise be announced as unchanged.
                day=_when(meeting),
                place=meeting.place,
            ),
            url=meeting_url(meeting),
        )
        invited = meeting.invitations.values_list("unit_id", flat=True)
        notify_many([(message, unit_people(invited), None)])
    return meeting


@transaction.atomic
def meeting_invite(*, meeting_id: int, acting_user: User, unit_codes: Iterable[str]) -> int:
    _office_only(acting_user)
    meeting = _lock(acting_user, meeting_id)
    if meeting.status != MeetingStatus.PLANNED:
        raise MeetingError(_("Units are invited to a planned meeting only."))
    units = _member_units(unit_codes, "units")
    if not units:
        raise ValidationError({"units": _("Choose the units to invite.")})
    new = _invite(meeting, units, acting_user)
    if new:
        _bump(meeting, [])
    return len(new)


def _place(meeting: JointMeeting, item_id: int, user: User) -> AgendaItem:
    item = AgendaItem.objects.select_for_update().filter(id=item_id).first()
    if (
        item is not None
        and item.status == AgendaItemStatus.PLACED
        and item.meeting_id == meeting.id
    ):
        # Placed by this same click sent twice, or by a colleague: either way it is there.
        raise MeetingError(_("That question is already on this meeting's agenda."))
    if item is None or item.status != AgendaItemStatus.WAITING:
        raise MeetingError(_("That question is no longer waiting for a meeting."))
    item.meeting = meeting
    item.status = AgendaItemStatus.PLACED
    item.position = _next_position(meeting)
    item.save(update_fields=["meeting", "status", "position"])
    _event(meeting, MeetingAction.AGENDA, user, note=item.question, item=item.id, kind=item.kind)
    return item


@transaction.atomic
def agenda_add(
    *,
    meeting_id: int,
    acting_user: User,
    kind: str,
    question: str,
    work_order_number: str = "",
    expected_version: int | None = None,
) -> AgendaItem:
    """The office writes an agenda item straight onto a planned meeting. With the version
    the page showed, the same form posted twice adds the item once."""
    _office_only(acting_user)
    meeting = _lock(
        acting_user,
        meeting_id,
        expected_version,
        refused_unless(
            lambda m: m.status == MeetingStatus.PLANNED,
            _("The agenda of a meeting can only change before it is held."),
        ),
    )
    errors: dict[str, str] = {}
    if kind not in (AgendaKind.SITUATION, AgendaKind.TYPICAL_CASE, AgendaKind.PROPOSAL):
        errors["kind"] = _("Choose the kind of agenda item.")
    question = (question or "").strip()
    if not question:
        errors["question"] = _("Write the agenda item.")
    elif problem := _too_long("question", question, AgendaItem, limit=MAX_TEXT):
        errors["question"] = problem
    order = None
    try:
        order = _typical_case(acting_user, work_order_number)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if acting_user.unit_id is None:
        raise MeetingError(_("Your account belongs to no unit; ask an administrator."))
    if kind == AgendaKind.TYPICAL_CASE and order is None and "work_order" not in errors:
        errors["work_order"] = _("A typical case names the work order it is about.")
    if order is not None and (on_agenda := meeting.agenda.filter(work_order=order).first()):
        # The meeting's row is locked (`_lock`): a second add waits, then finds this one.
        errors["work_order"] = _(
            "Work order %(number)s is already on this meeting's agenda: “%(question)s”."
        ) % {"number": order.number, "question": on_agenda.question}
    if errors:
        raise ValidationError(errors)
    item = AgendaItem.objects.create(
        meeting=meeting,
        kind=kind,
        work_order=order,
        proposed_by=acting_user.unit,
        question=question,
        status=AgendaItemStatus.PLACED,
        position=_next_position(meeting),
    )
    _event(meeting, MeetingAction.AGENDA, acting_user, note=item.question, item=item.id, kind=kind)
    _bump(meeting, [])
    return item


@transaction.atomic
def agenda_place(*, meeting_id: int, item_id: int, acting_user: User) -> AgendaItem:
    _office_only(acting_user)
    meeting = _lock(acting_user, meeting_id)
    if meeting.status != MeetingStatus.PLANNED:
        raise MeetingError(_("The agenda of a meeting can only change before it is held."))
    item = _place(meeting, item_id, acting_user)
    _bump(meeting, [])
    return item


@transaction.atomic
def agenda_unplace(*, meeting_id: int, item_id: int, acting_user: User) -> AgendaItem:
    """Take an item off a planned meeting's agenda: a unit's proposal or a team's question
    goes back to wait for the next meeting; one the office wrote is dropped with it."""
    _office_only(acting_user)
    meeting = _lock(acting_user, meeting_id)
    if meeting.status != MeetingStatus.PLANNED:
        raise MeetingError(_("The agenda of a meeting can only change before it is held."))
    item = access.get_or_404(
        AgendaItem.objects.select_for_update().filter(meeting=meeting), id=item_id
    )
    _event(meeting, MeetingAction.UNPLACE, acting_user, note=item.question, item=item.id)
    if item.kind in (AgendaKind.TEAM_QUESTION, AgendaKind.PROPOSAL):
        item.meeting = None
        item.status = AgendaItemStatus.WAITING
        item.save(update_fields=["meeting", "status"])
    else:
        item.delete()  # planned meetings have no resolutions yet
    _bump(meeting, [])
    return item


def _agenda_text(question: str) -> str:
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": _("Write the agenda item.")})
    if problem := _too_long("question", question, AgendaItem, limit=MAX_TEXT):
        raise ValidationError({"question": problem})
    return question


def _planned(meeting: JointMeeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise MeetingError(_("The agenda of a meeting can only change before it is held."))


@transaction.atomic
def agenda_leader_propose(*, meeting_id: int, acting_user: User, question: str) -> AgendaItem:
    """The group leader proposes an item for a planned meeting. It waits for the office,
    which owns the agenda, like a unit's proposal, but names the meeting and the leader;
    the meeting's history records it and the office is told."""
    if not access.proposes_agenda_items(acting_user):
        raise Http404
    meeting = _lock(acting_user, meeting_id)
    _planned(meeting)
    question = _agenda_text(question)
    if acting_user.unit_id is None:
        raise MeetingError(_("Your account belongs to no unit; ask an administrator."))
    item = AgendaItem.objects.create(
        kind=AgendaKind.PROPOSAL,
        proposed_by_id=acting_user.unit_id,
        proposer=acting_user,
        proposed_for=meeting,
        question=question,
    )
    _event(meeting, MeetingAction.PROPOSE, acting_user, note=item.question, item=item.id)
    message = Message(
        key=f"agenda_proposal:{item.id}",
        category="meeting",
        title=written(
            "The group leader proposes an agenda item for %(meeting)s", meeting=meeting.title
        ),
        body=item.question[:500],
        url=meeting_url(meeting),
    )
    notify_many([(message, office_people(), None)])
    return item


@transaction.atomic
def agenda_decline(*, meeting_id: int, item_id: int, acting_user: User, reason: str) -> AgendaItem:
    """The office declines a proposal waiting for a meeting, saying why, from a planned
    meeting's page: it is kept, marked declined, never placed; the leader who proposed it,
    or the proposing unit's people, are told."""
    _office_only(acting_user)
    meeting = _lock(acting_user, meeting_id)
    _planned(meeting)
    item = access.get_or_404(
        AgendaItem.objects.select_for_update().filter(kind=AgendaKind.PROPOSAL), id=item_id
    )
    if item.status == AgendaItemStatus.DECLINED:
        raise MeetingError(_("That proposal has already been declined."))
    if item.status != AgendaItemStatus.WAITING:
        raise MeetingError(_("That question is no longer waiting for a meeting."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the proposal is declined.")})
    if problem := too_long(reason, MAX_TEXT, _("reason")):
        raise ValidationError({"reason": problem})
    item.status = AgendaItemStatus.DECLINED
    item.save(update_fields=["status"])
    _event(meeting, MeetingAction.DECLINE, acting_user, note=reason, item=item.id)
    message = Message(
        key=f"agenda_declined:{item.id}",
        category="meeting",
        title=written(
            "The office declined a proposal for the joint meeting: %(question)s",
            question=item.question[:80],
        ),
        body=reason[:500],
        url=meeting_url(meeting),
    )
    told = [item.proposer] if item.proposer_id else unit_people([item.proposed_by_id])
    notify_many([(message, told, None)])
    return item


@transaction.atomic
def agenda_item_edit(
    *,
    meeting_id: int,
    item_id: int,
    acting_user: User,
    question: str,
    expected_version: int | None,
) -> AgendaItem:
    """The office words an item on a planned meeting's agenda differently (the agenda is
    the office's); the history keeps what it said before. A joint investigation team's
    question is not reworded: the meeting's answer goes back to the team on its words.
    Checked against the meeting's version, as every other change of its agenda: two office
    staff rewording one item each wrote over the other's wording unawares."""
    _office_only(acting_user)
    meeting = _lock(acting_user, meeting_id, expected_version)
    _planned(meeting)
    item = access.get_or_404(
        AgendaItem.objects.select_for_update().filter(meeting=meeting), id=item_id
    )
    if item.kind == AgendaKind.TEAM_QUESTION:
        raise MeetingError(_("A joint investigation team's question is kept as the team put it."))
    question = _agenda_text(question)
    if question == item.question:
        return item
    before = item.question
    item.question = question
    item.save(update_fields=["question"])
    _event(
        meeting,
        MeetingAction.EDIT_ITEM,
        acting_user,
        note=question,
        item=item.id,
        question=[before, question],
    )
    _bump(meeting, [])
    return item


@transaction.atomic
def agenda_propose(*, acting_user: User, question: str) -> AgendaItem:
    """A member unit puts a question to the next joint meeting; the office places it."""
    unit_id = getattr(acting_user, "unit_id", None)
    if unit_id is None or not access.answers_for_unit(acting_user, unit_id):
        raise Http404
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": _("Write the question for the joint meeting.")})
    if problem := _too_long("question", question, AgendaItem, limit=MAX_TEXT):
        raise ValidationError({"question": problem})
    item = AgendaItem.objects.create(
        kind=AgendaKind.PROPOSAL, proposed_by_id=unit_id, question=question
    )
    message = Message(
        key=f"agenda_proposal:{item.id}",
        category="meeting",
        title=written(
            "%(unit)s proposes a question for the joint meeting",
            unit=language.unit(acting_user.unit),
        ),
        body=item.question[:500],
        url=reverse("meeting_list"),
    )
    notify_many([(message, office_people(), None)])
    return item


@transaction.atomic
def invitation_answer(
    *,
    meeting_id: int,
    acting_user: User,
    attending: bool,
    attendees: str = "",
    note: str = "",
) -> Invitation:
    """The invited unit says who attends, or that it cannot; it may change its answer until
    the meeting is held."""
    meeting = _lock(acting_user, meeting_id)
    unit_id = getattr(acting_user, "unit_id", None)
    invitation = (
        Invitation.objects.select_for_update().filter(meeting=meeting, unit_id=unit_id).first()
    )
    if invitation is None or not access.answers_for_unit(acting_user, unit_id):
        raise Http404
    if meeting.status != MeetingStatus.PLANNED:
        raise MeetingError(_("This meeting is no longer waiting for answers."))
    attendees = (attendees or "").strip()
    note = (note or "").strip()
    if attending and not attendees:
        raise ValidationError({"attendees": _("Say who attends: names and posts.")})
    if not attending and not note:
        raise ValidationError({"note": _("Say why the unit cannot attend.")})
    errors = {
        key: problem
        for key, field, value in (
            ("attendees", "attendees", attendees if attending else ""),
            ("note", "answer_note", note),
        )
        if (problem := _too_long(field, value, Invitation))
    }
    if errors:
        raise ValidationError(errors)
    answer = InvitationAnswer.ATTENDING if attending else InvitationAnswer.DECLINED
    new = (answer, attendees if attending else "", note)
    if new == (invitation.answer, invitation.attendees, invitation.answer_note):
        return invitation  # the same answer again (a resend): recorded once
    invitation.answer, invitation.attendees, invitation.answer_note = new
    invitation.answered_by = acting_user
    invitation.answered_at = timezone.now()
    invitation.save(
        update_fields=["answer", "attendees", "answer_note", "answered_by", "answered_at"]
    )
    _event(
        meeting,
        MeetingAction.ANSWER,
        acting_user,
        note=invitation.attendees or invitation.answer_note,
        answer=invitation.answer,
    )
    return invitation


@transaction.atomic
def meeting_record(
    *,
    meeting_id: int,
    acting_user: User,
    held_on: date | None,
    minutes: str,
    attended_unit_ids: Iterable[int],
    attended_by: dict[int, str] | None = None,
    expected_version: int | None = None,
) -> JointMeeting:
    """After the meeting: the day it was held, which invited units were there (and who),
    and the minutes. Recording again corrects the record; the history keeps both."""
    _office_only(acting_user)
    meeting = _lock(
        acting_user,
        meeting_id,
        expected_version,
        refused_unless(
            lambda m: m.status != MeetingStatus.CANCELLED,
            _("A cancelled meeting cannot be recorded as held."),
        ),
    )
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if held_on is None:
        errors["held_on"] = _("Give the day the meeting was held.")
    elif problem := date_error(held_on):
        errors["held_on"] = problem
    elif held_on > today:
        errors["held_on"] = _("A meeting can only be recorded once it has been held.")
    elif held_on < (planned := timezone.localdate(meeting.created_at)):
        errors["held_on"] = _(
            "The meeting was planned on %(day)s: it cannot have been held before."
        ) % {"day": planned.isoformat()}
    elif meeting.status == MeetingStatus.PLANNED and meeting.planned_on > today:
        errors["held_on"] = _(
            "The meeting is planned for %(day)s. If it was held earlier, change its date first."
        ) % {"day": meeting.planned_on.isoformat()}
    minutes = (minutes or "").strip()
    if not minutes:
        errors["minutes"] = _("Write the minutes of the meeting.")
    elif problem := _too_long(
        "minutes", minutes, limit=MINUTES_LIMIT, what=_("the minutes of the meeting")
    ):
        errors["minutes"] = problem
    invitations = list(meeting.invitations.select_for_update())
    present = set(attended_unit_ids)
    unknown = present - {i.unit_id for i in invitations}
    if unknown:
        errors["attended"] = _("Only invited units can be recorded as present.")
    elif not present:
        errors["attended"] = _("Tick the units that were present.")
    attended_by = attended_by or {}
    who = {
        i.unit_id: (attended_by.get(i.unit_id) or i.attendees).strip()
        for i in invitations
        if i.unit_id in present
    }
    if overlong := [
        f"{i.unit} · {problem}"
        for i in invitations
        if i.unit_id in who and (problem := _too_long("attended_by", who[i.unit_id], Invitation))
    ]:
        errors["attended_by"] = " ".join(overlong)
    if errors:
        raise ValidationError(errors)
    for invitation in invitations:
        invitation.attended = invitation.unit_id in present
        invitation.attended_by = who.get(invitation.unit_id, "")
    Invitation.objects.bulk_update(invitations, ["attended", "attended_by"])
    first_time = meeting.status == MeetingStatus.PLANNED
    meeting.status = MeetingStatus.HELD
    meeting.held_on = held_on
    meeting.minutes = minutes
    meeting.minutes_recorded_at = timezone.now()
    _bump(meeting, ["status", "held_on", "minutes", "minutes_recorded_at"])
    _event(
        meeting,
        MeetingAction.HOLD if first_time else MeetingAction.MINUTES,
        acting_user,
        note=f"{held_on.isoformat()} · {len(present)}/{len(invitations)}",
        held_on=held_on.isoformat(),
        present=sorted(present),
    )
    if first_time:
        message = Message(
            key=f"meeting_minutes:{meeting.id}",
            category="meeting",
            title=written(
                "The minutes of the joint meeting “%(title)s” are available", title=meeting.title
            ),
            url=meeting_url(meeting),
        )
        notify_many([(message, unit_people([i.unit_id for i in invitations]), None)])
    return meeting


@transaction.atomic
def resolution_add(
    *,
    meeting_id: int,
    acting_user: User,
    text: str,
    agenda_item_id: int | None = None,
    settles_item: bool = False,
    actions: Iterable[PlannedAction] = (),
    expected_version: int | None = None,
) -> Resolution:
    """Record one resolution of a held meeting, with the action items it gives units. One
    that settles a joint investigation team's question answers the team. With the version
    the page showed, the same form posted twice records the resolution once."""
    _office_only(acting_user)
    meeting = _lock(
        acting_user,
        meeting_id,
        expected_version,
        refused_unless(
            lambda m: m.status == MeetingStatus.HELD,
            _("Resolutions are recorded once the meeting is recorded as held."),
        ),
    )
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Write the resolution.")
    elif problem := _too_long("text", text, Resolution, limit=MAX_TEXT):
        errors["text"] = problem
    item = None
    if agenda_item_id:
        item = (
            AgendaItem.objects.select_for_update(of=("self",))
            .filter(meeting=meeting, id=agenda_item_id)
            .select_related("team")
            .first()
        )
        if item is None:
            errors["agenda_item"] = _("That item is not on this meeting's agenda.")
        elif settles_item and item.status == AgendaItemStatus.SETTLED:
            errors["agenda_item"] = _("That agenda item is already settled.")
    elif settles_item:
        errors["agenda_item"] = _("Choose the agenda item the resolution settles.")
    planned = [a for a in actions if a.is_filled]
    owners: dict[str, Unit] = {}
    for index, action in enumerate(planned, start=1):
        if action.due_on is None and action.due_typed.strip():
            errors[f"action_{index}"] = _("Action item %(n)s: %(problem)s") % {
                "n": index,
                "problem": _("Enter a date like 2026-07-06."),
            }
            continue
        if not action.owner_code or not action.task.strip() or action.due_on is None:
            errors[f"action_{index}"] = _(
                "Action item %(n)s needs an owner unit, a task and a due date."
            ) % {"n": index}
            continue
        if (problem := _too_long("task", action.task, ActionItem, limit=MAX_TEXT)) or (
            problem := date_error(action.due_on)
        ):
            errors[f"action_{index}"] = _("Action item %(n)s: %(problem)s") % {
                "n": index,
                "problem": problem,
            }
        elif action.due_on < (meeting.held_on or timezone.localdate()):
            errors[f"action_{index}"] = _(
                "Action item %(n)s is due before the meeting was held."
            ) % {"n": index}
        try:
            owners[action.owner_code] = _member_units([action.owner_code], f"action_{index}")[0]
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    number = (meeting.resolutions.aggregate(m=Max("number"))["m"] or 0) + 1
    resolution = Resolution.objects.create(
        meeting=meeting,
        agenda_item=item,
        number=number,
        text=text,
        settles_item=bool(item and settles_item),
        created_by=acting_user,
    )
    created = ActionItem.objects.bulk_create(
        [
            ActionItem(
                resolution=resolution,
                owner=owners[a.owner_code],
                task=a.task.strip(),
                due_on=a.due_on,
            )
            for a in planned
        ]
    )
    _event(
        meeting,
        MeetingAction.RESOLVE,
        acting_user,
        note=resolution.text,
        number=number,
        actions=len(created),
        settles=item.id if resolution.settles_item else None,
    )
    if item is not None and resolution.settles_item:
        item.status = AgendaItemStatus.SETTLED
        item.save(update_fields=["status"])
        if item.team_id:
            from complaints.disputes import team_question_answered

            team_question_answered(
                team=item.team,
                question=item.question,
                answer=resolution.text,
                meeting_title=meeting.title,
                acting_user=acting_user,
            )
    _bump(meeting, [])
    notify_many(
        [
            (
                Message(
                    key=f"meeting_action:{action.id}",
                    category="meeting",
                    title=written(
                        "An action item from the joint meeting for your unit, due %(due)s",
                        due=action.due_on.isoformat(),
                    ),
                    body=action.task[:500],
                    url=reverse("action_items"),
                ),
                unit_people([action.owner_id]),
                None,
            )
            for action in created
        ]
    )
    _announce_resolution(meeting, resolution, told={action.owner_id for action in created})
    return resolution


def _announce_resolution(meeting: JointMeeting, resolution: Resolution, *, told: set[int]) -> None:
    """The invited units were told of the minutes when the meeting was recorded as held,
    before any resolution could be (a resolution needs a held meeting): a unit that opened
    them then saw none, and nothing told it when they came. Each resolution is now told to
    the invited units, but for those given an action item by it, whose own notice names
    their task."""
    others = [i.unit_id for i in meeting.invitations.all() if i.unit_id not in told]
    if not others:
        return
    message = Message(
        key=f"meeting_resolution:{resolution.id}",
        category="meeting",
        title=written(
            "Resolution %(number)s of the joint meeting “%(title)s” is recorded",
            number=resolution.number,
            title=meeting.title,
        ),
        body=resolution.text[:500],
        url=meeting_url(meeting),
    )
    notify_many([(message, unit_people(others), None)])


def _lock_action(user: User, action_id: int) -> ActionItem:
    action = access.get_or_404(access.action_items_visible_to(user), id=action_id)
    return (
        ActionItem.objects.select_for_update()
        .select_related("resolution__meeting")
        .get(id=action.id)
    )


def _check_action_version(action: ActionItem, expected_version: int | None) -> None:
    """After the checks of the item as it now is: a form opened before the office reopened
    the item, or before the unit reported it done, would otherwise undo that decision with
    a note or reason written before it."""
    if expected_version is not None and action.version != expected_version:
        raise MeetingError(
            _(
                "Someone else changed this action item while you had it open, so nothing was "
                "saved. The page shows the item as it is now; the form you sent keeps what you "
                "typed: check it and send it again."
            )
        )


@transaction.atomic
def action_complete(
    *, action_id: int, acting_user: User, note: str, expected_version: int | None = None
) -> ActionItem:
    """The owner unit (or the office for it) reports what it did; the item is done."""
    action = _lock_action(acting_user, action_id)
    if not access.completes_action_item(acting_user, action):
        raise Http404
    if action.status == ActionStatus.DONE:
        raise MeetingError(_("This action item is already done."))
    _check_action_version(action, expected_version)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done.")})
    if problem := _too_long("done_note", note, ActionItem, limit=MAX_TEXT):
        raise ValidationError({"note": problem})
    action.status = ActionStatus.DONE
    action.done_note = note
    action.done_at = timezone.now()
    action.done_by = acting_user
    action.version += 1
    action.save(update_fields=["status", "done_note", "done_at", "done_by", "version"])
    meeting = action.resolution.meeting
    _event(meeting, MeetingAction.ACTION_DONE, acting_user, note=note, item=action.id)
    if not access.runs_meetings(acting_user):
        message = Message(
            key=f"meeting_action_done:{action.id}:{meeting.events.count()}",
            category="meeting",
            title=written(
                "%(unit)s has done its action item from “%(title)s”",
                unit=language.unit(action.owner),
                title=meeting.title,
            ),
            body=note[:500],
            url=meeting_url(meeting),
        )
        notify_many([(message, office_people(), None)])
    return action


@transaction.atomic
def action_reopen(
    *, action_id: int, acting_user: User, reason: str, expected_version: int | None = None
) -> ActionItem:
    """The office finds the work not done after all: the item is open again."""
    _office_only(acting_user)
    action = _lock_action(acting_user, action_id)
    if action.status != ActionStatus.DONE:
        raise MeetingError(_("Only a done action item can be reopened."))
    _check_action_version(action, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the action item is reopened.")})
    if problem := too_long(reason, MAX_TEXT, _("reason")):
        raise ValidationError({"reason": problem})
    action.status = ActionStatus.OPEN
    action.done_at = None
    action.done_by = None
    action.version += 1
    action.save(update_fields=["status", "done_at", "done_by", "version"])
    meeting = action.resolution.meeting
    _event(meeting, MeetingAction.ACTION_REOPEN, acting_user, note=reason, item=action.id)
    message = Message(
        key=f"meeting_action_reopen:{action.id}:{meeting.events.count()}",
        category="meeting",
        title=written("The office reopened an action item of your unit"),
        body=reason[:500],
        url=reverse("action_items"),
    )
    notify_many([(message, unit_people([action.owner_id]), None)])
    return action


@transaction.atomic
def meeting_cancel(*, meeting_id: int, acting_user: User, reason: str) -> JointMeeting:
    """Cancel a planned meeting; the questions on its agenda wait for the next one."""
    _office_only(acting_user)
    meeting = _lock(acting_user, meeting_id)
    if meeting.status != MeetingStatus.PLANNED:
        raise MeetingError(_("Only a planned meeting can be cancelled."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    if problem := _too_long("cancel_reason", reason, limit=MAX_TEXT):
        raise ValidationError({"reason": problem})
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason
    _bump(meeting, ["status", "cancel_reason"])
    meeting.agenda.filter(kind__in=[AgendaKind.TEAM_QUESTION, AgendaKind.PROPOSAL]).update(
        meeting=None, status=AgendaItemStatus.WAITING
    )
    _event(meeting, MeetingAction.CANCEL, acting_user, note=reason)
    message = Message(
        key=f"meeting_cancel:{meeting.id}",
        category="meeting",
        title=written(
            "The joint meeting “%(title)s” on %(day)s is cancelled",
            title=meeting.title,
            day=meeting.planned_on.isoformat(),
        ),
        body=reason[:500],
        url=meeting_url(meeting),
    )
    invited = meeting.invitations.values_list("unit_id", flat=True)
    notify_many([(message, unit_people(invited), None)])
    return meeting
