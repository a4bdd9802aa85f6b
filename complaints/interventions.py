"""Early intervention (提前介入, measure 四（五）): in an urgent case a unit asks one or more
other units to step in before jurisdiction is settled. Each asked unit answers, joining or
declining with a reason, within hours (the office's policy). Everyone involved writes on one
shared timeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from departments import access
from departments.choices import UnitKind
from departments.models import Unit, User
from departments.notifications import (
    Message,
    head_and_office_items,
    heads_or_liaisons,
    notify_many,
    office_people,
    unit_people,
)
from departments.services import user_hold
from wuqing_consumer import dates, language
from wuqing_consumer.language import with_note_message, written, written_units
from wuqing_consumer.texts import too_long

from . import workflow
from .choices import Action, InterventionAction, InterventionAnswer
from .models import EscalationPolicy, Intervention, InterventionEvent, InterventionUnit
from .workflow import WorkflowError


def _title_too_long(title: str) -> str | None:
    """A title longer than its column is refused, not cut: the input carries maxlength, but
    a crafted post or a script would have stored a title nobody wrote."""
    field = Intervention._meta.get_field("title")
    return too_long(title, field.max_length, field.verbose_name)


def _url(item: Intervention) -> str:
    return reverse("intervention_detail", kwargs={"intervention_id": item.id})


def _event(item: Intervention, action: str, user: User | None, note: str = "") -> None:
    InterventionEvent.write(
        by=user,
        intervention=item,
        action=action,
        note=note,
        data=with_note_message({}, note),
    )


@transaction.atomic
def intervention_request(
    *,
    acting_user: User,
    unit_codes: Iterable[str],
    title: str,
    situation: str,
    order_number: str = "",
) -> Intervention:
    if not access.refers_for_unit(acting_user) or acting_user.unit.is_office:
        raise Http404
    errors: dict[str, str] = {}
    codes = [c for c in dict.fromkeys(unit_codes) if c]
    units = list(
        Unit.objects.filter(code__in=codes, kind=UnitKind.MEMBER, is_active=True).exclude(
            id=acting_user.unit_id
        )
    )
    if not units or len(units) != len(codes):
        errors["units"] = _("Choose the other units to ask (not your own).")
    title, situation = (title or "").strip(), (situation or "").strip()
    if not title:
        errors["title"] = _("Give the request a title.")
    elif problem := _title_too_long(title):
        errors["title"] = problem
    if not situation:
        errors["situation"] = _("Describe the situation.")
    order = None
    if order_number:
        try:
            order = access.workorder_or_404(acting_user, number=order_number.strip().upper())
        except Http404:
            errors["order"] = _("There is no work order %(number)s that you may see.") % {
                "number": order_number
            }
    if errors:
        raise ValidationError(errors)
    # The same form posted twice asks once: the requester's identical request still open is
    # the answer.
    user_hold(acting_user)
    asked = sorted(u.id for u in units)
    for same in Intervention.objects.filter(
        created_by=acting_user,
        requesting_unit_id=acting_user.unit_id,
        order=order,
        title=title,
        situation=situation,
        closed_at=None,
    ).order_by("-id"):
        if sorted(same.asked.values_list("unit_id", flat=True)) == asked:
            return same
    policy = EscalationPolicy.objects.first() or EscalationPolicy()
    now = timezone.now()
    item = Intervention.objects.create(
        requesting_unit_id=acting_user.unit_id,
        order=order,
        title=title,
        situation=situation,
        answer_due_at=now + timedelta(hours=policy.intervention_answer_hours),
        created_by=acting_user,
    )
    InterventionUnit.objects.bulk_create(
        [InterventionUnit(intervention=item, unit=unit) for unit in units]
    )
    _event(item, InterventionAction.ASK, acting_user, note=written_units(units))
    if order is not None:
        workflow.record_event(
            order,
            Action.INTERVENTION,
            by=acting_user,
            note=written(
                "%(number)s: asked %(units)s to step in",
                number=item.number,
                units=language.units(units),
            ),
        )
    message = Message(
        key=f"intervention_asked:{item.id}",
        category="intervention",
        title=written(
            "%(unit)s asks you to step in early: %(title)s",
            unit=language.unit(acting_user.unit),
            title=title,
        ),
        body=written(
            "Answer by %(due)s.",
            due=dates.minute(item.answer_due_at),
        ),
        url=_url(item),
    )
    notify_many([(message, unit_people([u.id for u in units]), None)])
    return item


@transaction.atomic
def intervention_answer(
    *, intervention_id: int, acting_user: User, join: bool, reason: str = ""
) -> InterventionUnit:
    item = access.intervention_or_404(acting_user, intervention_id=intervention_id, lock=True)
    if item.closed_at is not None:
        raise WorkflowError(_("This request is closed."))
    row = item.asked.filter(unit_id=getattr(acting_user, "unit_id", None)).first()
    if row is None or not access.has_role(acting_user, *access.UNIT_HANDLER_ROLES):
        raise WorkflowError(_("Only the units asked answer this request."))
    if row.answer != InterventionAnswer.ASKED:
        raise WorkflowError(_("Your unit has already answered."))
    reason = (reason or "").strip()
    if not join and not reason:
        raise ValidationError({"reason": _("Give the reason for declining.")})
    row.answer = InterventionAnswer.JOINED if join else InterventionAnswer.DECLINED
    row.reason = reason
    row.answered_at = timezone.now()
    row.answered_by = acting_user
    row.save(update_fields=["answer", "reason", "answered_at", "answered_by"])
    _event(
        item,
        InterventionAction.JOIN if join else InterventionAction.DECLINE,
        acting_user,
        note=reason,
    )
    message = Message(
        key=f"intervention_answered:{item.id}:{row.unit_id}",
        category="intervention",
        title=written(
            "%(unit)s answered %(number)s: %(answer)s",
            unit=language.unit(row.unit),
            number=item.number,
            answer=language.label(InterventionAnswer, row.answer),
        ),
        body=reason,
        url=_url(item),
    )
    notify_many([(message, unit_people([item.requesting_unit_id]), None)])
    return row


def _involved(user: User, item: Intervention) -> bool:
    unit_id = getattr(user, "unit_id", None)
    return access.is_office_handler(user) or (
        access.has_role(user, *access.UNIT_HANDLER_ROLES)
        and (unit_id == item.requesting_unit_id or item.asked.filter(unit_id=unit_id).exists())
    )


def closes(user: User, item: Intervention) -> bool:
    """The office, or the asking unit's staff, liaison or head: as only they ask."""
    return access.is_office_handler(user) or (
        access.has_role(user, *access.UNIT_HANDLER_ROLES)
        and getattr(user, "unit_id", None) == item.requesting_unit_id
    )


@transaction.atomic
def intervention_note(*, intervention_id: int, acting_user: User, text: str) -> None:
    """A line on the shared timeline, by any unit involved or the office."""
    item = access.intervention_or_404(acting_user, intervention_id=intervention_id, lock=True)
    if item.closed_at is not None:  # closing ends the shared timeline, as its question says
        raise WorkflowError(_("This request is closed."))
    if not _involved(acting_user, item):
        raise WorkflowError(_("Only the units involved write here."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write something first.")})
    _event(item, InterventionAction.NOTE, acting_user, note=text)


@transaction.atomic
def intervention_close(*, intervention_id: int, acting_user: User, note: str = "") -> Intervention:
    item = access.intervention_or_404(acting_user, intervention_id=intervention_id, lock=True)
    if item.closed_at is not None:
        raise WorkflowError(_("This request is closed."))
    if not closes(acting_user, item):
        raise WorkflowError(_("The unit that asked, or the office, closes the request."))
    item.closed_at = timezone.now()
    item.save(update_fields=["closed_at"])
    _event(item, InterventionAction.CLOSE, acting_user, note=(note or "").strip())
    return item


def remind_unanswered(now: datetime | None = None, limit: int = 500) -> int:
    """Asked units that have not answered in time: their heads and the office, once each. A
    unit with no active head: its liaisons, saying why; with neither, the office hears that
    no one there was told (`heads_or_liaisons`)."""
    now = now or timezone.now()
    rows = list(
        InterventionUnit.objects.filter(
            answer=InterventionAnswer.ASKED,
            intervention__closed_at=None,
            intervention__answer_due_at__lt=now,
        )
        .select_related("intervention", "unit")
        .order_by("intervention__answer_due_at")[:limit]
    )
    if not rows:
        return 0
    heads = heads_or_liaisons({r.unit_id: r.unit for r in rows}.values())
    office = office_people()
    items = []
    for row in rows:
        message = Message(
            key=f"intervention_late:{row.intervention_id}:{row.unit_id}",
            category="intervention",
            title=written(
                "%(unit)s has not answered the request to step in %(number)s",
                unit=language.unit(row.unit),
                number=row.intervention.number,
            ),
            url=_url(row.intervention),
        )
        items.extend(head_and_office_items(message, heads[row.unit_id], office))
    return notify_many(items)
