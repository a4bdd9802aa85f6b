"""Screens of the joint meetings: the list with the questions waiting for a meeting, planning,
the meeting page (agenda, invitations and answers, the record, resolutions, history), the
action items across meetings, and the minutes as a PDF."""

from __future__ import annotations

from datetime import date, time
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from complaints.selectors import workday_calendar
from departments import access
from departments.choices import UnitKind
from departments.models import Unit
from departments.notifications import notifications_mark_read_at
from wuqing_consumer import form_once
from wuqing_consumer.list_filters import ListFilters
from wuqing_consumer.refusals import Refusal
from wuqing_consumer.versions import posted_version
from wuqing_consumer.views import form_page, form_values, redirect_back

from . import minutes, services
from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaItemStatus,
    AgendaKind,
    Invitation,
    InvitationAnswer,
    JointMeeting,
    MeetingKind,
    MeetingStatus,
    awaiting_answer,
)

ACTION_ROWS = 3

NEW_MEETING_FIELDS = (
    "kind",
    "title",
    "planned_on",
    "starts_at",
    "place",
    "chair",
    "guests",
    "notes",
    "units",
)
"""The new meeting's form, in the page's order: the first one refused is focused."""


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _time(value: str | None) -> time | None:
    try:
        parsed = time.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return None if parsed.tzinfo else parsed


def _number(value: str | None) -> int:
    """A positive id from a form field, or 0 for anything else."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return 0
    return int(text)


def _members() -> list[Unit]:
    return list(Unit.objects.filter(kind=UnitKind.MEMBER, is_active=True).order_by("sort_order"))


def _show_errors(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, ValidationError):
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.error(request, error.message)


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


def _list_page(
    request: HttpRequest,
    *,
    sent: QueryDict | None = None,
    error: ValidationError | None = None,
    http_status: int = 200,
) -> HttpResponse:
    """The list; with `sent`, a unit's refused question comes back as typed, its reason read
    with the field, which the page starts on."""
    user = request.user
    if not (access.sees_all_units(user) or getattr(user, "unit_id", None)):
        raise Http404
    meetings = access.meetings_visible_to(user).annotate(
        items=Count("agenda", distinct=True),
        open_actions=Count(
            "resolutions__actions",
            filter=Q(resolutions__actions__status=ActionStatus.OPEN),
            distinct=True,
        ),
    )
    own_unit = getattr(user, "unit_id", None)
    filters = ListFilters(request.GET)
    status = filters.choice("status", MeetingStatus.values, label=_("Status"))
    # The home page's "meetings waiting for your unit's answer" opens this list of them.
    answer = filters.choice(
        "answer",
        ["waiting"] if own_unit and not access.sees_all_units(user) else [],
        label=_("Joint meetings waiting for your unit's answer"),
    )
    waiting_only = answer == "waiting"
    if filters.invalid:
        meetings = meetings.none()
    elif status:
        meetings = meetings.filter(status=status)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        meetings = meetings.filter(Q(title__icontains=q) | Q(minutes__icontains=q))
    if waiting_only:
        meetings = awaiting_answer(meetings, own_unit, timezone.localdate())
    page = Paginator(meetings.order_by("-planned_on", "-id"), 20).get_page(request.GET.get("page"))
    answers = {}
    if own_unit and not access.sees_all_units(user):
        answers = {
            i.meeting_id: i
            for i in Invitation.objects.filter(
                unit_id=own_unit, meeting_id__in=[m.id for m in page]
            )
        }
    for meeting in page:
        meeting.own_invitation = answers.get(meeting.id)
    waiting = access.agenda_proposals_visible_to(user).filter(status=AgendaItemStatus.WAITING)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page": page,
            "status": status,
            "filters": filters,
            "q": q,
            "statuses": MeetingStatus.choices,
            "waiting_only": waiting_only,
            "waiting": waiting.order_by("created_at")[:50],
            "office": access.runs_meetings(user),
            "can_propose": own_unit is not None and access.answers_for_unit(user, own_unit),
            "open_actions": _open_actions_listed(user),
            "question_form": form_values(("question",), sent, error=error),
        },
        status=http_status,
    )


@login_required
@require_POST
def agenda_propose(request: HttpRequest) -> HttpResponse:
    try:
        form_once.submit(
            request,
            lambda: services.agenda_propose(
                acting_user=request.user, question=request.POST.get("question", "")
            ),
            lambda item: reverse("meeting_list"),
        )
    except form_once.AlreadySent as sent:
        return sent.response(request)
    except ValidationError as error:
        _show_errors(request, error)
        return _list_page(request, sent=request.POST, error=error, http_status=400)
    else:
        messages.success(request, _("Your question was sent to the coordination office."))
    return redirect("meeting_list")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    if not access.runs_meetings(request.user):
        raise Http404
    refusal: Refusal | None = None
    post = request.POST
    if request.method == "POST":
        try:
            meeting = form_once.submit(
                request,
                lambda: services.meeting_plan(
                    acting_user=request.user,
                    kind=post.get("kind", ""),
                    title=post.get("title", ""),
                    planned_on=_day(post.get("planned_on")),
                    starts_at=_time(post.get("starts_at")),
                    place=post.get("place", ""),
                    chair=post.get("chair", ""),
                    guests=post.get("guests", ""),
                    notes=post.get("notes", ""),
                    unit_codes=post.getlist("units"),
                    waiting_item_ids=[n for n in map(_number, post.getlist("items")) if n],
                ),
                lambda meeting: reverse("meeting_detail", args=[meeting.id]),
            )
        except form_once.AlreadySent as sent:
            return sent.response(request)
        except ValidationError as error:
            refusal = Refusal.of_error(error, NEW_MEETING_FIELDS)
        except services.MeetingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The meeting was planned and the units invited."))
            _note_rest_day(request, meeting)
            return redirect("meeting_detail", meeting_id=meeting.id)
    units = _members()
    first = _first_shown(units)
    return form_page(
        request,
        "meetings/meeting_new.html",
        {
            "refusal": refusal,
            # A title is offered when the form is first shown, never put back into one sent
            # without it: the message asking for a title stood under a field that had one.
            "data": post if request.method == "POST" else first,
            "kinds": MeetingKind.choices,
            "units": units,
            "chosen_units": set(post.getlist("units")) if post else first["units"],
            "waiting": AgendaItem.objects.filter(status=AgendaItemStatus.WAITING)
            .select_related("proposed_by", "proposer", "team__dispute")
            .order_by("created_at"),
        },
        refused=request.method == "POST",
    )


def _first_shown(units: list[Unit]) -> dict:
    """The form as first shown: the year's annual meeting, every member unit invited, until
    it is planned; then an extra meeting, which concerns a few units, none ticked and no
    title. An extra meeting was offered the annual one's title and all seventeen units, and
    a click on the two units concerned unticked them."""
    today = timezone.localdate()
    if services.annual_meeting_of(today.year) is not None:
        return {"kind": MeetingKind.EXTRA, "title": "", "units": set()}
    return {
        "kind": MeetingKind.ANNUAL,
        "title": _("%(year)s annual meeting of the member units") % {"year": today.year},
        "units": {u.code for u in units},
    }


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access.meeting_or_404(request.user, meeting_id=meeting_id)
    notifications_mark_read_at(
        user=request.user, url=reverse("meeting_detail", kwargs={"meeting_id": meeting.id})
    )
    return _detail_page(request, meeting)


KEPT_FORMS = (
    "record",
    "resolve",
    "edit",
    "answer",
    "agenda",
    "cancel",
    "propose",
    "decline",
    "edit_item",
)
"""The meeting page's forms that come back with what was typed when they are refused for
what it holds: the record (minutes may be long), a resolution with its action items, the
plan, a unit's answer, an agenda item, a cancellation, a proposal declined or an item
reworded (open, under the item they were about). The page's other forms are a button or a
choice from a list. A refusal for the meeting's state or version (`MeetingError`) shows
the page as it now is (the forms carry its current version) with the form as it was sent;
its reason, about the meeting rather than a field, is read once, at the top of the page."""


def _mark_openable(user, agenda: list[AgendaItem]) -> None:
    """Whether the reader may open each item's work order and dispute: every unit that sees
    the meeting reads their numbers on its agenda, but a link only where the page would not
    answer it 404."""
    everything = access.sees_all_units(user)
    orders = {i.work_order_id for i in agenda if i.work_order_id}
    disputes = {i.team.dispute_id for i in agenda if i.team_id}
    if not everything:
        orders = set(
            access.workorders_visible_to(user).filter(id__in=orders).values_list("id", flat=True)
        )
        disputes = set(
            access.disputes_visible_to(user).filter(id__in=disputes).values_list("id", flat=True)
        )
    for item in agenda:
        item.order_openable = item.work_order_id in orders
        item.dispute_openable = item.team_id is not None and item.team.dispute_id in disputes


def _detail_page(
    request: HttpRequest,
    meeting: JointMeeting,
    *,
    sent_for: str = "",
    sent: QueryDict | None = None,
    error: ValidationError | None = None,
    status: int = 200,
) -> HttpResponse:
    """The meeting page; with `sent`, the form `sent_for` shows what was posted to it rather
    than the meeting as stored, as a refused form must (its messages say why, and `error`,
    when the refusal is about what was typed, says it again under the fields refused, the
    first of them focused)."""
    user = request.user
    office = access.runs_meetings(user)
    invitations = list(meeting.invitations.select_related("unit", "answered_by"))
    own = next((i for i in invitations if i.unit_id == getattr(user, "unit_id", None)), None)
    agenda = list(
        meeting.agenda.select_related(
            "proposed_by", "proposer", "team__dispute", "work_order"
        ).order_by("position", "id")
    )
    _mark_openable(user, agenda)
    resolutions = list(
        meeting.resolutions.select_related("agenda_item").prefetch_related(
            Prefetch("actions", queryset=ActionItem.objects.select_related("owner", "done_by"))
        )
    )
    answered = sum(1 for i in invitations if i.answer != InvitationAnswer.WAITING)
    for resolution in resolutions:
        for item in resolution.actions.all():
            item.can_complete = access.completes_action_item(user, item)
            _action_forms(item, sent_for, sent, error, prefix="")

    def kept(form: str) -> QueryDict | None:
        return sent if sent_for == form else None

    def refused(form: str) -> ValidationError | None:
        return error if sent_for == form else None

    reword = form_values(("question", "item"), kept("edit_item"), error=refused("edit_item"))
    for item in agenda:
        kept_here = reword["refused"] and reword["item"] == str(item.id)
        item.reword = reword if kept_here else None
        item.reword_text = reword["question"] if kept_here else item.question
        item.reword_id = f"edit-item-{item.id}-question"
    office_plans = office and meeting.status == MeetingStatus.PLANNED
    waiting = (
        list(
            AgendaItem.objects.filter(status=AgendaItemStatus.WAITING)
            .select_related("proposed_by", "proposer", "proposed_for")
            .order_by("created_at")
        )
        if office_plans
        else []
    )
    decline = form_values(("reason", "item"), kept("decline"), error=refused("decline"))
    for item in waiting:
        item.decline = decline if decline["refused"] and decline["item"] == str(item.id) else None
        item.decline_id = f"decline-{item.id}-reason"

    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "office": office,
            "invitations": invitations,
            "own": own,
            "can_answer": own is not None
            and meeting.status == MeetingStatus.PLANNED
            and access.answers_for_unit(user, own.unit_id),
            "agenda": agenda,
            "resolutions": resolutions,
            "events": meeting.events.select_related("actor", "actor_unit").prefetch_related(
                "actor__roles"
            ),
            "answered": answered,
            "attending": sum(1 for i in invitations if i.answer == InvitationAnswer.ATTENDING),
            "present": sum(1 for i in invitations if i.attended),
            "units": _members(),
            "uninvited": [u for u in _members() if u.id not in {i.unit_id for i in invitations}],
            "waiting": waiting,
            # The leader's proposals for this meeting, while they wait for the office.
            "proposals": meeting.proposals.filter(status=AgendaItemStatus.WAITING)
            .select_related("proposer")
            .order_by("created_at")
            if access.proposes_agenda_items(user)
            else [],
            "can_propose_item": access.proposes_agenda_items(user)
            and meeting.status == MeetingStatus.PLANNED,
            "propose_form": form_values(("question",), kept("propose"), error=refused("propose")),
            "agenda_kinds": [
                (k, label) for k, label in AgendaKind.choices if k != AgendaKind.TEAM_QUESTION
            ],
            "open_items": [i for i in agenda if i.status != AgendaItemStatus.SETTLED],
            "record": _record_form(meeting, invitations, kept("record"), refused("record")),
            "resolution": _resolution_form(kept("resolve"), refused("resolve")),
            "plan": _plan_form(meeting, kept("edit"), refused("edit")),
            "answer": form_values(
                ("attending", "attendees", "note"),
                kept("answer"),
                {
                    "attending": "no" if own.answer == InvitationAnswer.DECLINED else "yes",
                    "attendees": own.attendees,
                    "note": own.answer_note,
                }
                if own
                else None,
                error=refused("answer"),
            ),
            "agenda_form": form_values(
                ("kind", "work_order", "question"), kept("agenda"), error=refused("agenda")
            ),
            "cancel": form_values(("reason",), kept("cancel"), error=refused("cancel")),
            "today": timezone.localdate(),
        },
        status=status,
    )


RECORD_FIELDS = ("held_on", "attended", "attended_by", "minutes")


def _record_form(
    meeting: JointMeeting,
    invitations: list,
    sent: QueryDict | None,
    error: ValidationError | None = None,
) -> dict:
    """What the record form shows: the record as stored (before the first one, the planned
    day and the units that said they attend), or what was sent, and why it was refused.
    Who was present is a group of boxes with a name beside each: its reasons are read with
    the group, and the focus goes to its first box (or first name)."""
    if sent is None:
        held = meeting.status == MeetingStatus.HELD
        return {
            "held_on": (meeting.held_on or meeting.planned_on).isoformat(),
            "minutes": meeting.minutes,
            "rows": [
                {
                    "invitation": i,
                    "present": i.attended if held else i.answer == InvitationAnswer.ATTENDING,
                    "who": i.attended_by or i.attendees,
                }
                for i in invitations
            ],
        }
    present = set(sent.getlist("attended"))
    return {
        "refusal": Refusal.of_error(error, RECORD_FIELDS) if error is not None else None,
        "held_on": sent.get("held_on", ""),
        "minutes": sent.get("minutes", ""),
        "rows": [
            {
                "invitation": i,
                "present": str(i.unit_id) in present,
                "who": sent.get(f"attended_by-{i.unit_id}", ""),
            }
            for i in invitations
        ],
    }


ACTION_PARTS = ("owner", "task", "due_on")


def _resolution_form(sent: QueryDict | None, error: ValidationError | None = None) -> dict:
    refusal = _resolution_refusal(sent, error) if sent is not None and error else None
    sent = sent or QueryDict()
    return {
        "refusal": refusal,
        "text": sent.get("text", ""),
        "agenda_item": sent.get("agenda_item", ""),
        "settles": sent.get("settles") == "on",
        "actions": [
            {
                "i": i,
                "owner": sent.get(f"action-{i}-owner", ""),
                "task": sent.get(f"action-{i}-task", ""),
                "due_on": sent.get(f"action-{i}-due_on", ""),
                **{f"{part}_id": f"action-{i}-{part}" for part in ACTION_PARTS},
            }
            for i in range(ACTION_ROWS)
        ],
    }


def _resolution_refusal(sent: QueryDict, error: ValidationError) -> Refusal:
    """The service numbers the action items among those filled in (`action_1` the first
    row with anything in it), the page by their rows: a row's reason goes to its first
    empty field, or else to its due date (what is refused of a row filled in whole: a day
    before the meeting, or too far ahead)."""
    actions = _actions_from(sent)
    filled = [i for i, a in enumerate(actions) if a.is_filled]
    by_field = (
        error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    )
    reasons: dict[str, list[str]] = {}
    for key, texts in by_field.items():
        number = key.removeprefix("action_")
        if number != key and number.isdigit() and 0 < int(number) <= len(filled):
            i = filled[int(number) - 1]
            given = {
                "owner": actions[i].owner_code,
                "task": actions[i].task.strip(),
                "due_on": actions[i].due_on,
            }
            unreadable = actions[i].due_on is None and actions[i].due_typed.strip()
            part = (
                "due_on"
                if unreadable
                else next((p for p in ACTION_PARTS if not given[p]), "due_on")
            )
            key = f"action-{i}-{part}"
        reasons.setdefault(key, []).extend(texts)
    fields = [
        "text",
        "agenda_item",
        *(f"action-{i}-{part}" for i in range(ACTION_ROWS) for part in ACTION_PARTS),
    ]
    return Refusal.of(reasons, fields)


def _plan_form(
    meeting: JointMeeting, sent: QueryDict | None, error: ValidationError | None = None
) -> dict:
    """The plan as stored, or as sent (and then shown open)."""
    fields = ("title", "planned_on", "starts_at", "place", "chair", "guests", "notes")
    stored = {
        "title": meeting.title,
        "planned_on": meeting.planned_on.isoformat(),
        "starts_at": meeting.starts_at.strftime("%H:%M") if meeting.starts_at else "",
        "place": meeting.place,
        "chair": meeting.chair,
        "guests": meeting.guests,
        "notes": meeting.notes,
    }
    return form_values(fields, sent, stored, error=error)


def _actions_from(post) -> list[services.PlannedAction]:
    return [
        services.PlannedAction(
            owner_code=post.get(f"action-{i}-owner", "").strip(),
            task=post.get(f"action-{i}-task", ""),
            due_on=_day(post.get(f"action-{i}-due_on")),
            due_typed=post.get(f"action-{i}-due_on", ""),
        )
        for i in range(ACTION_ROWS)
    ]


SENT_ONCE = ("edit", "agenda", "record", "resolve", "cancel")
"""The meeting page's forms that change the meeting itself: each carries a one-time token
(`{% form_once %}`) and is run through `form_once.submit`, so the same post again saves
nothing and says it was saved the first time. All but the cancellation also carry the
meeting's version, which is what a repeat ran into; a form sent after someone else's
change is still refused as changed meanwhile. The leader's proposal has its own token (it
creates a record). The other forms post no version: a unit's answer sent again is
recorded once by the service; the rest (placing, declining, rewording an item, inviting)
are left as they were."""


@login_required
@require_POST
def meeting_act(request: HttpRequest, meeting_id: int, action: str) -> HttpResponse:
    meeting = access.meeting_or_404(request.user, meeting_id=meeting_id)
    post, user = request.POST, request.user
    version = posted_version(post)

    def number(name: str) -> int:
        return _number(post.get(name))

    calls = {
        "edit": lambda: services.meeting_update(
            meeting_id=meeting.id,
            acting_user=user,
            title=post.get("title", ""),
            planned_on=_day(post.get("planned_on")),
            starts_at=_time(post.get("starts_at")),
            place=post.get("place", ""),
            chair=post.get("chair", ""),
            guests=post.get("guests", ""),
            notes=post.get("notes", ""),
            expected_version=version,
        ),
        "invite": lambda: services.meeting_invite(
            meeting_id=meeting.id, acting_user=user, unit_codes=post.getlist("units")
        ),
        "agenda": lambda: services.agenda_add(
            meeting_id=meeting.id,
            acting_user=user,
            kind=post.get("kind", ""),
            question=post.get("question", ""),
            work_order_number=post.get("work_order", ""),
            expected_version=version,
        ),
        "place": lambda: services.agenda_place(
            meeting_id=meeting.id, item_id=number("item"), acting_user=user
        ),
        "unplace": lambda: services.agenda_unplace(
            meeting_id=meeting.id, item_id=number("item"), acting_user=user
        ),
        "propose": lambda: form_once.submit(
            request,
            lambda: services.agenda_leader_propose(
                meeting_id=meeting.id, acting_user=user, question=post.get("question", "")
            ),
            lambda item: reverse("meeting_detail", args=[meeting.id]),
        ),
        "decline": lambda: services.agenda_decline(
            meeting_id=meeting.id,
            item_id=number("item"),
            acting_user=user,
            reason=post.get("reason", ""),
        ),
        "edit_item": lambda: services.agenda_item_edit(
            meeting_id=meeting.id,
            item_id=number("item"),
            acting_user=user,
            question=post.get("question", ""),
            expected_version=version,
        ),
        "answer": lambda: services.invitation_answer(
            meeting_id=meeting.id,
            acting_user=user,
            attending=post.get("attending") == "yes",
            attendees=post.get("attendees", ""),
            note=post.get("note", ""),
        ),
        "record": lambda: services.meeting_record(
            meeting_id=meeting.id,
            acting_user=user,
            held_on=_day(post.get("held_on")),
            minutes=post.get("minutes", ""),
            attended_unit_ids=[n for n in map(_number, post.getlist("attended")) if n],
            attended_by={
                _number(key.split("-", 1)[1]): value
                for key, value in post.items()
                if key.startswith("attended_by-")
            },
            expected_version=version,
        ),
        "resolve": lambda: services.resolution_add(
            meeting_id=meeting.id,
            acting_user=user,
            text=post.get("text", ""),
            # An id that is no number names no item on the agenda: said so, not dropped.
            agenda_item_id=number("agenda_item") or (-1 if post.get("agenda_item") else None),
            settles_item=post.get("settles") == "on",
            actions=_actions_from(post),
            expected_version=version,
        ),
        "cancel": lambda: services.meeting_cancel(
            meeting_id=meeting.id, acting_user=user, reason=post.get("reason", "")
        ),
    }
    if action not in calls:
        raise Http404
    shown = reverse("meeting_detail", args=[meeting.id])
    try:
        if action in SENT_ONCE:
            result = form_once.submit(request, calls[action], lambda _: shown)
        else:
            result = calls[action]()
    except form_once.AlreadySent as sent:
        if action in SENT_ONCE:
            return _sent_twice(request, meeting)
        return sent.response(request)
    except ValidationError as error:
        _show_errors(request, error)
        if action in KEPT_FORMS:
            return _detail_page(
                request, meeting, sent_for=action, sent=post, error=error, status=400
            )
    except services.MeetingError as error:
        _show_errors(request, error)
        if action in KEPT_FORMS:
            # The page as it now is (its current version), the form with what was typed.
            # The refusal is about the meeting, not a field: said once, at the top.
            return _detail_page(
                request,
                access.meeting_or_404(user, meeting_id=meeting.id),
                sent_for=action,
                sent=post,
                status=400,
            )
    else:
        messages.success(request, _done(action, result))
        if action == "edit" and result.planned_on != meeting.planned_on:
            _note_rest_day(request, result)
    return redirect("meeting_detail", meeting_id=meeting.id)


def _note_rest_day(request: HttpRequest, meeting: JointMeeting) -> None:
    """A meeting planned for a day that is not a working day (a weekend, a holiday, by the
    calendar the deadlines count on) is said so, not refused: a meeting may be held then,
    but the seventeen units' people are more likely off, and the day more likely a slip."""
    day = meeting.planned_on
    if not workday_calendar([day.year]).is_workday(day):
        messages.warning(
            request,
            _(
                "%(day)s is not a working day (a weekend or a holiday, by the portal's "
                "calendar). The meeting is planned for it all the same: change the date if "
                "that was not meant."
            )
            % {"day": day.isoformat()},
        )


def _sent_twice(request: HttpRequest, meeting: JointMeeting) -> HttpResponse:
    """The same form posted again (a double click past the page's guard, a retried post):
    the first was saved. Its version was no longer the meeting's, which read as "someone
    else changed this meeting" though no one else had (`form_once` tells the repeat
    apart); a cancellation's read as if the meeting could not be cancelled."""
    messages.info(
        request,
        _(
            "You had already sent this for the meeting “%(title)s”, and it was saved then; "
            "nothing was saved a second time. The page shows the meeting as it is now."
        )
        % {"title": meeting.title},
    )
    return redirect("meeting_detail", meeting_id=meeting.id)


ACTION_FORMS = {"complete": "note", "reopen": "reason"}


def _action_forms(
    item: ActionItem,
    sent_for: str,
    sent: QueryDict | None,
    error: ValidationError | None,
    *,
    prefix: str,
) -> None:
    """An action item's forms ("Report done", "Reopen"), folded away on its row: the one
    refused (`sent_for` is "complete:<id>" or "reopen:<id>") comes back open, with what was
    typed and why, its field focused; the others as they are."""
    item.kept_verb = ""
    item.kept = None
    for verb, field in ACTION_FORMS.items():
        setattr(item, f"{verb}_field", f"{prefix}{verb}-{item.id}-{field}")
        if sent_for == f"{verb}:{item.id}":
            item.kept_verb = verb
            item.kept = form_values((field,), sent, error=error)


def _done(action: str, result) -> str:
    """What the step just taken did, for the message after it: "the meeting was updated"
    after adding an agenda item or recording a resolution told the office nothing."""
    if action == "agenda":
        return _("Agenda item added: %(question)s") % {"question": result.question}
    if action == "invite":
        return (
            ngettext("%(n)s more unit was invited.", "%(n)s more units were invited.", result)
            % {"n": result}
            if result
            else _("Those units were already invited.")
        )
    return {
        "edit": _("The meeting's details were saved."),
        "place": _("The item was placed on the agenda."),
        "unplace": _("The item was taken off the agenda."),
        "propose": _("Your proposal was sent to the office, which puts it on the agenda."),
        "decline": _("The proposal was declined; whoever proposed it is told."),
        "edit_item": _("The agenda item was reworded."),
        "answer": _("Your unit's answer was sent to the coordination office."),
        "record": _("The meeting was recorded as held."),
        "resolve": _("The resolution was recorded."),
        "cancel": _("The meeting was cancelled."),
    }[action]


def _open_actions_listed(user) -> int:
    """The badge beside the link to the action items: what that list opens with, its open
    items, and for a unit its own unit's only (`action_items`' default)."""
    items = access.action_items_visible_to(user).filter(status=ActionStatus.OPEN)
    if not access.sees_all_units(user) and getattr(user, "unit_id", None):
        items = items.filter(owner_id=user.unit_id)
    return items.count()


@login_required
def action_items(request: HttpRequest) -> HttpResponse:
    return _action_items_page(request, request.GET)


def _action_items_page(
    request: HttpRequest,
    params: QueryDict,
    *,
    sent_for: str = "",
    sent: QueryDict | None = None,
    error: ValidationError | None = None,
    http_status: int = 200,
) -> HttpResponse:
    """Every action item the user sees, the overdue first; a unit's own are the default.
    `params` the list's filters and page (the address a refused form came from)."""
    user = request.user
    if not (access.sees_all_units(user) or getattr(user, "unit_id", None)):
        raise Http404
    today = timezone.localdate()
    items = access.action_items_visible_to(user).select_related("done_by")
    sees_all = access.sees_all_units(user)
    units = _members() if sees_all else []
    filters = ListFilters(params)
    show = filters.choice(
        "show", ["open", "overdue", "upcoming", "done", "all"], label=_("Show"), default="open"
    )
    mine = filters.choice(
        "mine", ["0", "1"], label=_("Only my unit's"), default="0" if sees_all else "1"
    )
    unit = filters.choice("unit", [u.code for u in units], label=_("Owner unit"))
    if filters.invalid:
        items = items.none()
    elif show == "open":
        items = items.filter(status=ActionStatus.OPEN)
    elif show == "overdue":
        items = items.filter(status=ActionStatus.OPEN, due_on__lt=today)
    elif show == "upcoming":  # the home page's open items, beside its line of the late ones
        items = items.filter(status=ActionStatus.OPEN, due_on__gte=today)
    elif show == "done":
        items = items.filter(status=ActionStatus.DONE)
    if mine == "1" and getattr(user, "unit_id", None):
        items = items.filter(owner_id=user.unit_id)
    if unit:
        items = items.filter(owner__code=unit)
    page = Paginator(items.order_by("status", "due_on", "id"), 25).get_page(params.get("page"))
    for item in page:
        item.overdue = item.is_overdue(today)
        item.can_complete = item.status == ActionStatus.OPEN and access.completes_action_item(
            user, item
        )
        _action_forms(item, sent_for, sent, error, prefix="list-")
    return render(
        request,
        "meetings/action_items.html",
        {
            "page": page,
            "show": show,
            "mine": mine,
            "unit": unit,
            "filters": filters,
            "units": units,
            "office": access.runs_meetings(user),
            "today": today,
        },
        status=http_status,
    )


@login_required
@require_POST
def action_act(request: HttpRequest, action_id: int, verb: str) -> HttpResponse:
    calls = {
        "complete": lambda: services.action_complete(
            action_id=action_id,
            acting_user=request.user,
            note=request.POST.get("note", ""),
            expected_version=posted_version(request.POST),
        ),
        "reopen": lambda: services.action_reopen(
            action_id=action_id,
            acting_user=request.user,
            reason=request.POST.get("reason", ""),
            expected_version=posted_version(request.POST),
        ),
    }
    if verb not in calls:
        raise Http404
    try:
        item = calls[verb]()
    except ValidationError as error:
        _show_errors(request, error)
        return _action_refused(request, action_id, verb, error)
    except services.MeetingError as error:
        _show_errors(request, error)  # about the item, not the text: said once, at the top
        return _action_refused(request, action_id, verb, None)
    else:
        messages.success(
            request,
            _("The action item is done.")
            if verb == "complete"
            else _("The action item is open again."),
        )
        if request.POST.get("next") == "meeting":
            return redirect("meeting_detail", meeting_id=item.resolution.meeting_id)
    return redirect_back(request, "action_items")


def _action_refused(
    request: HttpRequest, action_id: int, verb: str, error: ValidationError | None
) -> HttpResponse:
    """The page the form was on again (the meeting's, or the list as it was filtered), the
    form open with what was typed and, when it is about what was typed (`error`), why."""
    kept = {"sent_for": f"{verb}:{action_id}", "sent": request.POST, "error": error}
    if request.POST.get("next") == "meeting":
        item = (
            access.action_items_visible_to(request.user)
            .select_related("resolution")
            .filter(id=action_id)
            .first()
        )
        if item is None:
            raise Http404
        meeting = access.meeting_or_404(request.user, meeting_id=item.resolution.meeting_id)
        return _detail_page(request, meeting, **kept, status=400)
    back = urlsplit(request.POST.get("back", ""))
    params = QueryDict(back.query if back.path == reverse("action_items") else "")
    return _action_items_page(request, params, **kept, http_status=400)


@login_required
def minutes_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access.meeting_or_404(request.user, meeting_id=meeting_id)
    if meeting.status != MeetingStatus.HELD:
        raise Http404
    content = minutes.build_minutes_pdf(meeting)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="joint-meeting-{meeting.held_on:%Y%m%d}-{meeting.id}.pdf"'
    )
    return response
