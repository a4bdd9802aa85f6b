"""Referral of a lead (线索移送, measure 四（五）): a unit that finds a violation outside its
remit hands it to the unit responsible, which acknowledges within a deadline and then
accepts it or rejects it with reasons; a rejection goes to the office. One function per
action, each in one transaction with its history line and its notifications."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
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
from departments.services import unit_hold
from wuqing_consumer import dates, language
from wuqing_consumer.language import written
from wuqing_consumer.texts import too_long

from . import stats, workflow
from .attachments import check_uploads, files_removed_on_rollback, same_file, store_upload
from .choices import (
    OPEN_DISPUTE_STATUSES,
    OPEN_REFERRAL_STATUSES,
    Action,
    Channel,
    DisputeStatus,
    Kind,
    ReferralAction,
    ReferralStatus,
)
from .deadlines import add_working_days
from .models import (
    Dispute,
    EscalationPolicy,
    Referral,
    ReferralAttachment,
    ReferralEvent,
    WorkOrder,
)
from .reference import reference
from .workflow import WorkflowError


class StaleReferral(WorkflowError):
    """Someone else acted on the referral after the user loaded the page."""


def ack_deadline(
    sent_at: datetime, *, urgent: bool, policy: EscalationPolicy | None = None
) -> datetime:
    """The end of the N-th working day after the referral (N from the office's policy, read
    here unless the caller has it)."""
    policy = policy or EscalationPolicy.objects.first() or EscalationPolicy()
    days = policy.urgent_referral_ack_working_days if urgent else policy.referral_ack_working_days
    return add_working_days(sent_at, days, reference().calendar)


def referrals_recount_ack_deadlines(*, since: date) -> int:
    """Recount the acknowledgement deadlines, due on `since` or later, of leads still waiting
    for it, after the office changed its holiday table from that day on (in its transaction,
    as `workflow.workorders_recount_deadlines` does for orders); returns how many moved."""
    policy = EscalationPolicy.objects.first() or EscalationPolicy()
    moved = 0
    waiting = Referral.objects.select_for_update(no_key=True).filter(
        status=ReferralStatus.SENT, ack_due_at__gte=stats.day_start(since)
    )
    for referral in waiting.order_by("id"):
        due = ack_deadline(referral.created_at, urgent=referral.urgent, policy=policy)
        if due != referral.ack_due_at:
            referral.ack_due_at = due
            referral.save(update_fields=["ack_due_at", "updated_at"])
            moved += 1
    return moved


def record_referral_event(
    referral: Referral, action: str, user: User | None, note: str = "", **data
) -> None:
    ReferralEvent.write(
        by=user,
        referral=referral,
        action=action,
        note=note,
        data=language.with_note_message(data, note),
    )


def _too_long_for(text: str, field: str) -> str | None:
    """A text longer than its column is refused, not cut: the inputs carry maxlength, but a
    crafted post or a script would have stored something nobody wrote."""
    model_field = Referral._meta.get_field(field)
    return too_long(text, model_field.max_length, model_field.verbose_name)


def _url(referral: Referral) -> str:
    return reverse("referral_detail", kwargs={"referral_id": referral.id})


@files_removed_on_rollback()
@transaction.atomic
def referral_send(
    *,
    acting_user: User,
    to_unit_code: str,
    title: str,
    facts: str,
    legal_basis: str = "",
    urgent: bool = False,
    order_number: str = "",
    uploads: Iterable[UploadedFile] = (),
) -> Referral:
    if not access.refers_for_unit(acting_user) or acting_user.unit.is_office:
        raise Http404
    errors: dict[str, str] = {}
    to_unit = Unit.objects.filter(code=to_unit_code, kind=UnitKind.MEMBER, is_active=True).first()
    if to_unit is None:
        errors["to_unit"] = _("Choose the unit the lead belongs to.")
    elif to_unit.id == acting_user.unit_id:
        errors["to_unit"] = _("A lead is referred to another unit, not to your own.")
    title, facts = (title or "").strip(), (facts or "").strip()
    if not title:
        errors["title"] = _("Give the lead a title.")
    elif problem := _too_long_for(title, "title"):
        errors["title"] = problem
    if not facts:
        errors["facts"] = _("Describe what was found.")
    order = None
    if order_number:
        try:
            order = access.workorder_or_404(acting_user, number=order_number.strip().upper())
        except Http404:
            errors["order"] = _("There is no work order %(number)s that you may see.") % {
                "number": order_number
            }
    checked: list = []
    try:
        checked = check_uploads(uploads)
    except ValidationError as error:
        errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    legal_basis = (legal_basis or "").strip()
    # The same form posted again refers one lead: the identical lead still open (awaiting
    # acknowledgement, or acknowledged and not yet decided) that a person of the sending unit
    # referred, the sender or a colleague, is the answer, marked `sent_before` for the page
    # to say so (and who referred it), with the files posted again sorted into those already
    # among its evidence and those not added. Once that lead is accepted, rejected or
    # withdrawn, the same lead is referred anew. A lead sent on from the unit by the group
    # leader's decision was not referred by one of its people and is not taken for it. The
    # unit's row is held, so that two of its people posting at once are handled in turn.
    unit_hold(acting_user.unit_id)
    lead = {
        "from_unit_id": acting_user.unit_id,
        "to_unit": to_unit,
        "order": order,
        "title": title,
        "facts": facts,
        "legal_basis": legal_basis,
        "urgent": bool(urgent),
    }
    # Locked, so that a decision on it being saved now is waited for (and the lead, no
    # longer open then, is not the answer).
    already = (
        Referral.objects.select_for_update(no_key=True, of=("self",))
        .filter(**lead, created_by__unit_id=acting_user.unit_id, status__in=OPEN_REFERRAL_STATUSES)
        .select_related("created_by")
        .order_by("-id")
        .first()
    )
    if already is not None:
        already.sent_before = True
        already.files_on_it, already.files_not_added = _files_posted_again(already, checked)
        return already
    now = timezone.now()
    referral = Referral.objects.create(
        **lead, created_by=acting_user, ack_due_at=ack_deadline(now, urgent=bool(urgent))
    )
    for upload, content_type in checked:
        store_upload(ReferralAttachment(referral=referral), upload, content_type, acting_user)
    record_referral_event(
        referral,
        ReferralAction.SEND,
        acting_user,
        data={"to": to_unit.code, "order": order.number if order else ""},
    )
    if order is not None:
        from .workflow import record_event

        record_event(
            order,
            Action.REFER,
            by=acting_user,
            unit=to_unit,
            note=written(
                "Lead %(number)s referred to %(unit)s",
                number=referral.number,
                unit=language.unit(to_unit),
            ),
        )
    _tell_receiver(
        referral,
        written(
            "%(unit)s referred a lead to you: %(title)s",
            unit=language.unit(acting_user.unit),
            title=title,
        ),
    )
    return referral


def _files_posted_again(
    referral: Referral, checked: list[tuple[UploadedFile, str]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names of the files posted with a lead already referred: those among its evidence
    already (the same name and content: a refresh or a second tab posts them again), and
    the others. Neither is stored: a lead's evidence is what was referred with it, what the
    receiving unit was told of and may have acknowledged; nothing adds to it afterwards
    (no history line, no notice), so a file slipped in here would be unseen evidence."""
    evidence = list(referral.attachments.all())
    on_it, not_added = [], []
    for upload, _content_type in checked:
        if any(same_file(stored, upload) for stored in evidence):
            on_it.append(upload.name)
        else:
            not_added.append(upload.name)
    return tuple(on_it), tuple(not_added)


def _tell_receiver(referral: Referral, title: str) -> None:
    """The receiving unit's people hear of a new lead, and by when to acknowledge it."""
    message = Message(
        key=f"referral_sent:{referral.id}",
        category="referral",
        title=title,
        body=written(
            "Acknowledge it by %(due)s.",
            due=dates.minute(referral.ack_due_at),
        ),
        url=_url(referral),
    )
    notify_many([(message, unit_people([referral.to_unit_id]), referral.to_unit)])


def referral_send_by_decision(*, dispute: Dispute, unit: Unit, deciding_user: User) -> Referral:
    """The group leader designated `unit` (or made it the lead unit of a joint team) on the
    dispute about a rejected (or just withdrawn) lead that has no work order (called in the
    decision's transaction): without an order to move, nothing else would hand the case to
    anyone, so the lead goes on to that unit as a new lead, with the same facts, legal basis
    and urgency, and an acknowledgement deadline counted as for any lead. It comes from the
    unit that referred it (from the office when that is the unit designated), and, like an
    order assigned by decision, it cannot be bounced again: `referral_reject` refuses it.
    The original keeps its history and its evidence; a line on it says where the lead went,
    and the unit designated may open it."""
    original = dispute.referral
    from_unit = original.from_unit
    if from_unit.id == unit.id:
        from_unit = Unit.objects.filter(kind=UnitKind.OFFICE).order_by("id").first() or from_unit
    now = timezone.now()
    lead = Referral.objects.create(
        from_unit=from_unit,
        to_unit=unit,
        title=original.title,
        title_message=original.title_message,
        facts=original.facts,
        legal_basis=original.legal_basis,
        urgent=original.urgent,
        ack_due_at=ack_deadline(now, urgent=original.urgent),
        created_by=deciding_user,
        by_decision=dispute,
    )
    record_referral_event(
        lead,
        ReferralAction.SEND,
        deciding_user,
        note=written(
            "Sent by the group leader's decision %(dispute)s on lead %(lead)s",
            dispute=dispute.number,
            lead=original.number,
        ),
        to=unit.code,
        dispute=dispute.id,
        follows=original.id,
    )
    record_referral_event(
        original,
        ReferralAction.DECISION,
        deciding_user,
        note=written(
            "By the group leader's decision %(dispute)s the lead goes to %(unit)s as lead %(lead)s",
            dispute=dispute.number,
            unit=language.unit(unit),
            lead=lead.number,
        ),
        dispute=dispute.id,
        sent_on=lead.id,
    )
    _tell_receiver(
        lead,
        written(
            "By the group leader's decision %(dispute)s, lead %(number)s is yours to handle",
            dispute=dispute.number,
            number=lead.number,
        ),
    )
    return lead


def referral_withdraw_by_decision(*, referral: Referral, dispute: Dispute, unit: Unit) -> None:
    """The group leader's decision on a dispute about `referral`, a lead still open with
    another unit, put the case with `unit` (called in the decision's transaction, with the
    lead locked): the unit holding it was ruled not responsible, so it loses the lead, and
    is told. The lead closes as withdrawn, not as rejected: the unit did not refuse it, it
    disputed it and the leader ruled, so its list and its quarter's figures must not show a
    rejection it never made (the lead stays in its workload, received; the district counts
    the case once, at this lead). A note names the decision; without a work order
    `referral_send_by_decision` then sends it on as it does a rejected one; with one,
    `referral_settled_with_order` says the case went with the order."""
    referral.status = ReferralStatus.WITHDRAWN
    referral.decided_at = timezone.now()
    referral.decision_note = written(
        "Withdrawn by the group leader's decision %(dispute)s: %(unit)s is responsible",
        dispute=dispute.number,
        unit=language.unit(unit),
    )
    referral.decision_message = language.message_of(referral.decision_note) or {}
    _save(referral, ["status", "decided_at", "decision_note", "decision_message"])
    message = Message(
        key=f"referral_withdrawn:{referral.id}",
        category="referral",
        title=written(
            "By the group leader's decision %(dispute)s, lead %(number)s goes to %(unit)s: "
            "it is no longer yours to handle",
            dispute=dispute.number,
            number=referral.number,
            unit=language.unit(unit),
        ),
        url=_url(referral),
    )
    notify_many([(message, unit_people([referral.to_unit_id]), None)])


def referral_kept_by_decision(*, referral: Referral, dispute: Dispute, deciding_user: User) -> None:
    """The group leader's decision on a dispute about `referral`, a lead still open with
    the unit he designated (or made the lead unit of a joint team), keeps it there (called
    in the decision's transaction): nothing about the lead changes, but its history says
    which decision kept it, as it does for a lead withdrawn or sent on, so that the lead's
    page, the dispute's row of leads the decision settled and `binding_decision` agree."""
    record_referral_event(
        referral,
        ReferralAction.DECISION,
        deciding_user,
        note=written(
            "Kept with %(unit)s by the group leader's decision %(dispute)s",
            unit=language.unit(referral.to_unit),
            dispute=dispute.number,
        ),
        dispute=dispute.id,
        kept=True,
    )


def referral_settled_with_order(
    *, referral: Referral, dispute: Dispute, unit: Unit, deciding_user: User
) -> None:
    """The group leader's decision on a dispute about a work order and `referral` (the
    dispute's own lead, another lead of the order whose rejection was recorded on it, or
    the lead whose acceptance registered the order) put the case with `unit` (called in
    the decision's transaction): the order went there,
    by decision, and carries the case; a lead sent on as well would be a second item for
    the same case, and its acceptance could register a second order. So the lead, rejected
    or withdrawn, or accepted before it was disputed, stays as it is, with a line saying
    where the case went; the unit may open it (its facts and evidence) through
    `departments.access`."""
    record_referral_event(
        referral,
        ReferralAction.DECISION,
        deciding_user,
        note=written(
            "By the group leader's decision %(dispute)s the case goes to %(unit)s with work "
            "order %(order)s",
            dispute=dispute.number,
            unit=language.unit(unit),
            order=dispute.order.number,
        ),
        dispute=dispute.id,
        order=dispute.order.number,
    )


def order_opened_on_acceptance(referral: Referral, *, lock: bool = False) -> WorkOrder | None:
    """The work order the receiving unit registered on accepting this lead (`open_order`),
    if it did: the lead keeps only its number, as `case_reference`, and the order names the
    lead as its external reference, so a case number typed by hand is not taken for it."""
    if referral.status != ReferralStatus.ACCEPTED or not referral.case_reference:
        return None
    orders = WorkOrder.objects.select_for_update(no_key=True) if lock else WorkOrder.objects.all()
    return orders.filter(number=referral.case_reference, external_ref=referral.number).first()


def lead_opened_as(*, order_number: str, external_ref: str) -> Q:
    """The lead whose acceptance registered the order numbered `order_number` with
    `external_ref` (`order_opened_on_acceptance` read from the order's side), as a filter
    on leads: a dispute naming only the order still concerns the lead the unit took on.
    The number's year is not in the filter; `is_opened_as` checks the whole number."""
    found = re.fullmatch(r"YS-\d{4}-(\d{6,})", external_ref or "")
    if found is None or not order_number:
        return Q(pk__in=[])
    return Q(id=int(found[1]), status=ReferralStatus.ACCEPTED, case_reference=order_number)


def is_opened_as(referral: Referral, order: WorkOrder) -> bool:
    """Whether `order` is the one the unit registered on accepting `referral`."""
    return (
        referral.status == ReferralStatus.ACCEPTED
        and bool(referral.case_reference)
        and referral.case_reference == order.number
        and referral.number == order.external_ref
    )


def binding_decision(referral: Referral) -> Dispute | None:
    """The group leader's decision that settled who handles this lead, if one did: the one
    that sent it (`by_decision`), or, on a dispute about this very lead, a designation of
    the unit that holds it or a joint team that unit leads. Either way the lead cannot be
    bounced again. The kept lead is not marked `by_decision` itself: that field names a lead
    sent on, and the figures and pages read it as the continuation of another lead."""
    if referral.by_decision_id is not None:
        return referral.by_decision
    return (
        referral.disputes.filter(
            Q(status=DisputeStatus.DESIGNATED, designated_unit_id=referral.to_unit_id)
            | Q(
                status__in=(DisputeStatus.TEAM, DisputeStatus.CONCLUDED),
                team__lead_unit_id=referral.to_unit_id,
            )
        )
        .order_by("-id")
        .first()
    )


def awaiting_decision(referral: Referral) -> Dispute | None:
    """The dispute about this lead still waiting for the group leader, if one is."""
    return referral.disputes.filter(status__in=OPEN_DISPUTE_STATUSES).order_by("id").first()


def _load(
    user: User,
    referral_id: int,
    expected_version: int | None,
    refusal_now: Callable[[Referral], str | None] = lambda referral: None,
) -> Referral:
    """The lead, locked, once the action is possible on it as it is now (`refusal_now` says
    why not), and only then checked against the version the user's page showed: someone
    whose lead was decided meanwhile reads why, not merely that it changed (as orders do)."""
    referral = access.referral_or_404(user, referral_id=referral_id, lock=True)
    if not access.receives_referral(user, referral):
        raise WorkflowError(_("Only %(unit)s acts on this lead.") % {"unit": referral.to_unit.name})
    if refusal := refusal_now(referral):
        raise WorkflowError(refusal)
    if expected_version is not None and referral.version != expected_version:
        raise StaleReferral(
            _("Someone else changed lead %(number)s while you had it open, so nothing was saved.")
            % {"number": referral.number}
        )
    return referral


def _save(referral: Referral, fields: list[str]) -> None:
    referral.version += 1
    referral.save(update_fields=[*fields, "version", "updated_at"])


def _tell_referrer(referral: Referral, key: str, title: str, body: str = "") -> None:
    message = Message(key=key, category="referral", title=title, body=body, url=_url(referral))
    notify_many([(message, unit_people([referral.from_unit_id]), None)])


@transaction.atomic
def referral_acknowledge(
    *, referral_id: int, acting_user: User, expected_version: int | None = None
) -> Referral:
    referral = _load(acting_user, referral_id, expected_version, _acknowledge_refusal)
    referral.status = ReferralStatus.ACKNOWLEDGED
    referral.acknowledged_at = timezone.now()
    _save(referral, ["status", "acknowledged_at"])
    record_referral_event(referral, ReferralAction.ACKNOWLEDGE, acting_user)
    _tell_referrer(
        referral,
        f"referral_acknowledged:{referral.id}",
        written(
            "%(unit)s acknowledged lead %(number)s",
            unit=language.unit(referral.to_unit),
            number=referral.number,
        ),
    )
    return referral


def _acknowledge_refusal(referral: Referral) -> str | None:
    if referral.status != ReferralStatus.SENT:
        return _("This lead has already been acknowledged.")
    return None


def _decided_refusal(referral: Referral) -> str | None:
    if referral.status not in (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED):
        return _("This lead has already been decided.")
    return None


def _accept_refusal(referral: Referral) -> str | None:
    """Not while a dispute about the lead waits for the group leader (`referral_accept`)."""
    waiting = awaiting_decision(referral)
    if waiting is not None:
        return _(
            "Lead %(number)s is in jurisdiction dispute %(dispute)s, which waits for the "
            "group leader's decision: it can be accepted once the leader has decided."
        ) % {"number": referral.number, "dispute": waiting.number}
    return _decided_refusal(referral)


def _reject_refusal(referral: Referral) -> str | None:
    """A lead the group leader's decision settled cannot be rejected (`referral_reject`)."""
    decision = binding_decision(referral)
    if decision is not None and referral.by_decision_id is None:
        return _(
            "The group leader's decision %(dispute)s made %(unit)s responsible for lead "
            "%(number)s; it cannot be rejected."
        ) % {
            "number": referral.number,
            "unit": referral.to_unit.display_name,
            "dispute": decision.number,
        }
    if referral.by_decision_id is not None:
        return _(
            "Lead %(number)s was sent to %(unit)s by the group leader's decision "
            "%(dispute)s; it cannot be rejected."
        ) % {
            "number": referral.number,
            "unit": referral.to_unit.display_name,
            "dispute": referral.by_decision.number,
        }
    return _decided_refusal(referral)


def _decide(referral: Referral, acting_user: User) -> None:
    """Called once `_decided_refusal` let the decision through."""
    if referral.status == ReferralStatus.SENT:
        # Deciding at once also acknowledges it.
        referral.acknowledged_at = timezone.now()
        record_referral_event(referral, ReferralAction.ACKNOWLEDGE, acting_user)
    referral.decided_at = timezone.now()


@transaction.atomic
def referral_accept(
    *,
    referral_id: int,
    acting_user: User,
    case_reference: str = "",
    note: str = "",
    open_order: bool = False,
    expected_version: int | None = None,
) -> Referral:
    """Take the lead on; `case_reference` names the case opened from it, or `open_order`
    registers a work order for the receiving unit (a report, numbered as usual), signed for
    by the person accepting: accepting the lead is the unit taking the order on, so it is
    not left waiting in the unit's own inbox to be signed for.
    The sign-for is the workflow's own (`workorder_sign`: its history line, deadlines and
    any callback as for an order signed by hand), in this transaction with the rest.

    Not while a dispute about the lead waits for the group leader: who handles it is his to
    settle, and a lead accepted meanwhile (a case or an order opened, the referring unit
    told) would be left with a unit his decision may rule out. The unit may acknowledge it
    and wait, or reject it, which goes on that dispute. The lead is locked before its
    dispute is read, as the designation locks it before the dispute, so the two cannot
    pass each other."""
    referral = _load(acting_user, referral_id, expected_version, _accept_refusal)
    case_reference = (case_reference or "").strip()
    if problem := _too_long_for(case_reference, "case_reference"):
        raise ValidationError({"case_reference": problem})
    _decide(referral, acting_user)
    referral.status = ReferralStatus.ACCEPTED
    referral.case_reference = case_reference
    if open_order:
        from .services import workorder_intake

        registration = written(
            "Registered by %(unit)s on accepting lead %(number)s",
            unit=language.unit(referral.to_unit),
            number=referral.number,
        )
        order = workorder_intake(
            acting_user=None,
            kind=Kind.REPORT,
            channel=Channel.OTHER,
            title=referral.title,
            content=referral.facts,
            external_ref=referral.number,
            anonymous=True,
            unit_code=referral.to_unit.code,
            registered_for=(acting_user, registration),
        )
        order = workflow.workorder_sign(order_id=order.id, acting_user=acting_user)
        from .disputes import lead_settled_by  # disputes builds on this module

        if (decision := lead_settled_by(referral)) is not None:
            workflow.workorder_hold_by_decision(
                order, decision=decision, lead_number=referral.number, acting_user=acting_user
            )
        referral.case_reference = order.number
    referral.decision_note = (note or "").strip()
    _save(referral, ["status", "acknowledged_at", "decided_at", "case_reference", "decision_note"])
    record_referral_event(
        referral,
        ReferralAction.ACCEPT,
        acting_user,
        note=referral.decision_note,
        case_reference=referral.case_reference,
    )
    _tell_referrer(
        referral,
        f"referral_accepted:{referral.id}",
        written(
            "%(unit)s accepted lead %(number)s",
            unit=language.unit(referral.to_unit),
            number=referral.number,
        ),
        referral.case_reference,
    )
    return referral


@transaction.atomic
def referral_reject(
    *,
    referral_id: int,
    acting_user: User,
    reasons: str,
    suggested_unit_code: str = "",
    expected_version: int | None = None,
) -> Referral:
    """Refuse the lead, with reasons: it goes to the office as a jurisdiction dispute, and
    the unit that referred it hears of it. The rejecting unit may name the unit it thinks
    should take it, as when it disputes the lead (`disputes.suggested_unit_of`)."""
    from .disputes import dispute_for_rejected_referral, suggested_unit_of  # builds on this

    suggested = suggested_unit_of(acting_user, suggested_unit_code)
    referral = _load(acting_user, referral_id, expected_version, _reject_refusal)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Give the reasons for rejecting the lead.")})
    _decide(referral, acting_user)
    referral.status = ReferralStatus.REJECTED
    referral.decision_note = reasons
    _save(referral, ["status", "acknowledged_at", "decided_at", "decision_note"])
    record_referral_event(referral, ReferralAction.REJECT, acting_user, note=reasons)
    title = written(
        "%(unit)s rejected lead %(number)s",
        unit=language.unit(referral.to_unit),
        number=referral.number,
    )
    message = Message(
        key=f"referral_rejected:{referral.id}",
        category="referral",
        title=title,
        body=reasons,
        url=_url(referral),
    )
    notify_many(
        [
            (message, office_people(), None),
            (message, unit_people([referral.from_unit_id]), None),
        ]
    )
    dispute_for_rejected_referral(referral, acting_user, reasons, suggested)
    return referral


def remind_unacknowledged(now: datetime | None = None, limit: int = 500) -> int:
    """Leads past their acknowledgement deadline: the receiving unit's head and the office,
    once per lead (bounded per run; the indexed deadline of sent leads). A unit with no
    active head: its liaisons, saying why; with neither, the office hears that no one there
    was told (`heads_or_liaisons`)."""
    now = now or timezone.now()
    overdue = list(
        Referral.objects.filter(status=ReferralStatus.SENT, ack_due_at__lt=now)
        .select_related("to_unit", "from_unit")
        .order_by("ack_due_at")[:limit]
    )
    if not overdue:
        return 0
    heads = heads_or_liaisons({r.to_unit_id: r.to_unit for r in overdue}.values())
    office = office_people()
    items = []
    for referral in overdue:
        message = Message(
            key=f"referral_ack_overdue:{referral.id}",
            category="referral",
            title=written(
                "Lead %(number)s from %(from)s has not been acknowledged by %(to)s",
                **{
                    "number": referral.number,
                    "from": language.unit(referral.from_unit),
                    "to": language.unit(referral.to_unit),
                },
            ),
            url=_url(referral),
        )
        items.extend(head_and_office_items(message, heads[referral.to_unit_id], office))
    return notify_many(items)
