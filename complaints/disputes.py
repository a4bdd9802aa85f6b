"""Jurisdiction disputes and joint investigation teams (管辖争议 → 联合调查组, measure 四（七）).

A dispute arises from a second return of the same order, a rejected referral, or a unit's
explicit dispute. The office proposes; the group leader decides within N working days
(7 by default, the SAMR measures' time for settling jurisdiction disputes): either the unit
responsible is designated (the order goes to it and cannot be returned again) or a joint
team is formed, with a lead unit and member units, tasks, findings and a conclusion. Each
step is one function, in one transaction, with its event on the dispute and, when there is
an order, on the order's timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import IntegerField, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from departments import access
from departments.choices import RoleCode, UnitKind
from departments.models import Notification, Unit, User
from departments.notifications import (
    Message,
    heads_or_liaisons,
    notifications_mark_done,
    notify_many,
    office_people,
    people_with_roles,
    unit_people,
)
from wuqing_consumer import language
from wuqing_consumer.dates import date_error
from wuqing_consumer.language import (
    label,
    message_of,
    with_note_message,
    written,
    written_lines,
)
from wuqing_consumer.texts import too_long

from . import stats, workflow
from .choices import (
    DECIDED_DISPUTE_STATUSES,
    OPEN_DISPUTE_STATUSES,
    OPEN_REFERRAL_STATUSES,
    OPEN_STATUSES,
    Action,
    DisputeAction,
    DisputeSource,
    DisputeStatus,
    ReferralAction,
    ReferralStatus,
    Status,
    UnitRelation,
)
from .deadlines import add_working_days
from .models import (
    Dispute,
    DisputeEvent,
    EscalationPolicy,
    JointTeam,
    Referral,
    TeamFinding,
    TeamTask,
    WorkOrder,
)
from .reference import reference
from .referrals import (
    ack_deadline,
    is_opened_as,
    lead_opened_as,
    order_opened_on_acceptance,
    record_referral_event,
    referral_kept_by_decision,
    referral_send_by_decision,
    referral_settled_with_order,
    referral_withdraw_by_decision,
)
from .workflow import WorkflowError

PUBLIC_SECURITY = "public-security"


def _url(dispute: Dispute) -> str:
    return reverse("dispute_detail", kwargs={"dispute_id": dispute.id})


def _event(dispute: Dispute, action: str, user: User | None, note: str = "", **data) -> None:
    DisputeEvent.write(
        by=user,
        dispute=dispute,
        action=action,
        note=note,
        data=with_note_message(data, note),
    )
    if dispute.order_id:
        workflow.record_event(
            dispute.order,
            Action.DISPUTE,
            by=user,
            note=workflow.step_note(dispute.number, label(DisputeAction, action), note),
            data={"dispute": dispute.id, "step": action, **data},
        )


def _tell(
    key: str, title: str, people: list[User], dispute: Dispute, body: str = "", url: str = ""
) -> None:
    """`url` where the dispute's page is not the recipients' to open (it answers them 404)."""
    message = Message(key=key, category="dispute", title=title, body=body, url=url or _url(dispute))
    notify_many([(message, people, None)])


def _member(code: str, field: str) -> Unit:
    unit = Unit.objects.filter(code=code, kind=UnitKind.MEMBER, is_active=True).first()
    if unit is None:
        raise ValidationError(
            {field: _("There is no member unit with the code “%(code)s”.") % {"code": code}}
        )
    return unit


def _lock(
    user: User,
    dispute_id: int,
    expected_version: int | None,
    refusal_now: Callable[[Dispute], str | None] = lambda dispute: None,
) -> Dispute:
    """The dispute, locked, once the step is possible on it as it is now (`refusal_now`
    says why not), and only then checked against the version the user's page showed: the
    office whose dispute was decided meanwhile reads that, not merely that it changed. The
    page that follows a refusal is the dispute as it now is, without what was typed."""
    dispute = access.dispute_or_404(user, dispute_id=dispute_id, lock=True)
    if refusal := refusal_now(dispute):
        raise WorkflowError(refusal)
    if expected_version is not None and dispute.version != expected_version:
        raise WorkflowError(
            _(
                "Someone else changed dispute %(number)s while you had it open, so nothing was "
                "saved. The page shows the dispute as it is now."
            )
            % {"number": dispute.number}
        )
    return dispute


def _save(dispute: Dispute, fields: list[str]) -> None:
    dispute.version += 1
    dispute.save(update_fields=[*fields, "version"])


def lead_disputes(referral: Referral) -> QuerySet[Dispute]:
    """The disputes about this lead: its own, the one its rejection was recorded on
    (`dispute_for_rejected_referral`), and any whose decision settled it with the case
    (a line on the lead's history names it: `_settle_lead`)."""
    decided = (
        referral.events.filter(action=ReferralAction.DECISION)
        .annotate(by=Cast(KeyTextTransform("dispute", "data"), IntegerField()))
        .values("by")
    )
    return Dispute.objects.filter(
        Q(referral=referral)
        | Q(events__action=DisputeAction.LEAD_REJECTED, events__data__referral=referral.id)
        | Q(id__in=decided)
    ).distinct()


def lead_settled_by(referral: Referral) -> Dispute | None:
    """The group leader's decision that already settled who handles this lead, if one did:
    the one that sent it on (`by_decision`), or one on a dispute about the lead
    (`lead_disputes`: its own, or the one its rejection was recorded on). The notice makes
    his decision the end of a jurisdiction disagreement (四（五）), so such a lead is not put
    to him again: otherwise the unit it was sent to could dispute it, have it withdrawn and
    sent on once more, and two units bounce a case he had decided. (A dispute the office's
    dispatch settled is not his decision, `DECIDED_DISPUTE_STATUSES`; it never covers a
    lead, `workflow.dispatch_refusal_by_dispute`.)"""
    if referral.by_decision_id is not None:
        return referral.by_decision
    return (
        lead_disputes(referral).filter(status__in=DECIDED_DISPUTE_STATUSES).order_by("-id").first()
    )


def order_settled_by(order: WorkOrder) -> Dispute | None:
    """The group leader's decision that already settled who handles this work order, if one
    did: one on a dispute about the order itself (every decision on a dispute with an open
    order assigns it, `workorder_assign_by_decision`; a finished one it leaves), or the one
    that settled the lead whose acceptance registered the order (`lead_settled_by`): that
    order is the case the lead was decided for. As for a lead, his decision ends the
    disagreement (四（五）), so such an order is not put to him again, neither disputed by
    its number nor returned a second time into a dispute; otherwise the unit could undo his
    decision by its work order. A dispute the office settled by dispatching the order
    before it went to him (`DisputeStatus.DISPATCHED`) is no decision of his: the unit the
    office chose may still return the order, or dispute it, and that goes to him."""
    decided = order.disputes.filter(status__in=DECIDED_DISPUTE_STATUSES).order_by("-id").first()
    if decided is not None:
        return decided
    leads = Referral.objects.filter(
        lead_opened_as(order_number=order.number, external_ref=order.external_ref)
    )
    for lead in leads:
        if is_opened_as(lead, order) and (settled := lead_settled_by(lead)) is not None:
            return settled
    return None


def _order_of_lead(referral: Referral, *, lock: bool = True) -> WorkOrder | None:
    """The work order a disputed lead came from, locked, which the dispute carries and its
    decision moves; none when the leader's decision already settled who handles that order
    (`order_settled_by`). His decision is final (四（五）): a unit it gave the order may
    refer a lead found in it, and the receiver may reject or dispute that lead, but the
    dispute is then about the lead alone, decided as one without an order; carrying the
    order, its decision would move the order again."""
    if referral.order_id is None:
        return None
    orders = WorkOrder.objects.select_for_update(no_key=True) if lock else WorkOrder.objects
    order = orders.get(id=referral.order_id)
    return None if order_settled_by(order) is not None else order


def _case_of_lead(
    referral: Referral, *, lock: bool = True
) -> tuple[WorkOrder | None, WorkOrder | None]:
    """The work order a dispute about this lead carries, and whether that order is itself
    the disputed case, as (order, case order or None). A unit that accepted the lead and
    registered a work order for it disputes the case it took on: the leader's decision must
    move that order, or it would stay with the unit ruled not responsible while the unit
    designated got nothing to handle. Its status is read under its lock, so it cannot be
    resolved in between. Otherwise the order the lead came from (`_order_of_lead`)."""
    opened = order_opened_on_acceptance(referral, lock=lock)
    if opened is not None and opened.status in OPEN_STATUSES:
        return opened, opened
    return _order_of_lead(referral, lock=lock), None


def may_open_lead_dispute(user: User, referral: Referral) -> bool:
    """Whether `user` may open a jurisdiction dispute about the lead `referral`. The notice
    has either side put a case the two units cannot agree on to the office (四（五）,
    双方达不成一致的): the receiving unit, and the referring unit until the receiving one
    accepted the lead (then the two agree); and the office, at any time, as its own
    question. Not about a lead the leader's decision already settled (`lead_settled_by`),
    nor one whose dispute, or whose work order's, waits for him. The lead's page offers the
    form by this, and `dispute_open` refuses the rest by the same checks
    (`_refuse_lead_dispute`), so no one is refused after being offered it, nor opens one by
    a post the page did not offer."""
    order, case_order = _case_of_lead(referral, lock=False)
    try:
        _refuse_lead_dispute(user, referral, order, case_order)
    except (WorkflowError, Http404):
        return False
    return True


def _refuse_lead_dispute(
    user: User, referral: Referral, order: WorkOrder | None, case_order: WorkOrder | None
) -> None:
    """`may_open_lead_dispute` in the service, with the reason. Someone with no part in
    the lead (a unit that may read it as the one designated, or the leader) learns no more
    than that there is nothing for them (Http404, as before); `order` and `case_order` are
    the lead's (`_case_of_lead`), locked by the service."""
    if not (
        access.is_office_handler(user)
        or access.receives_referral(user, referral)
        or access.sends_referral(user, referral)
    ):
        raise Http404
    if (decided := lead_settled_by(referral)) is not None:
        raise WorkflowError(
            _(
                "The group leader's decision %(dispute)s settled who handles lead %(number)s; "
                "no further jurisdiction dispute can be opened about it."
            )
            % {"number": referral.number, "dispute": decided.number}
        )
    if (
        referral.status == ReferralStatus.ACCEPTED
        and not access.is_office_handler(user)
        and not access.receives_referral(user, referral)
    ):
        raise WorkflowError(
            _(
                "%(unit)s accepted lead %(number)s, so your unit cannot open a jurisdiction "
                "dispute about it: %(unit)s or the office can."
            )
            % {"number": referral.number, "unit": referral.to_unit}
        )
    if case_order is not None:
        _refuse_settled_order(case_order)
    if order is not None and order.disputes.filter(status__in=OPEN_DISPUTE_STATUSES).exists():
        raise WorkflowError(
            _("Order %(number)s already has an open dispute.") % {"number": order.number}
        )
    if lead_disputes(referral).filter(status__in=OPEN_DISPUTE_STATUSES).exists():
        raise WorkflowError(
            _("Lead %(number)s already has an open dispute.") % {"number": referral.number}
        )


def _refuse_settled_order(order: WorkOrder) -> None:
    if (decided := order_settled_by(order)) is not None:
        raise WorkflowError(
            _(
                "The group leader's decision %(dispute)s settled who handles work order "
                "%(number)s; no further jurisdiction dispute can be opened about it."
            )
            % {"number": order.number, "dispute": decided.number}
        )


def may_open_order_dispute(user: User, order: WorkOrder) -> bool:
    """Whether `user` may open a jurisdiction dispute about `order` (by its number): the
    office, and the people of the units handling it now, primary or co-handling, while it is
    open. The notice has the units that cannot agree put the case to the office (四（五）):
    the unit that has the order and thinks it another's, or the office. A unit that once
    had it (it returned it, or the order was re-dispatched away from it) has said its piece
    and is a party to a dispute the others open (`dispute_open` counts every unit linked to
    the order), but does not open one. The order's page offers the form by this, and
    `dispute_open` refuses the others (`_refuse_order_dispute`), so no one is refused after
    being offered it, nor opens one by a post the page did not offer. (Whether a dispute is
    open already, or the leader's decision settled the order, each checks on its own.)"""
    return order.is_open and (
        access.is_office_handler(user)
        or access.handles_order(user, order)
        or access.co_handles_order(user, order)
    )


def _refuse_order_dispute(user: User, order: WorkOrder) -> None:
    """`may_open_order_dispute` in the service, with the reason: a finished order, or a unit
    that no longer has the order (a page left open from before, or a post the page did not
    offer); anyone else with no part in the order does not learn more than that there is
    nothing for them (Http404, as before)."""
    if not order.is_open:
        raise WorkflowError(
            _(
                "Order %(number)s has the status “%(status)s”; a jurisdiction dispute can be "
                "opened only about an order still open."
            )
            % {"number": order.number, "status": order.get_status_display()}
        )
    if may_open_order_dispute(user, order):
        return
    unit_id = getattr(user, "unit_id", None)
    if (
        unit_id is not None
        and order.unit_links.filter(unit_id=unit_id, relation=UnitRelation.FORMER).exists()
    ):
        raise WorkflowError(
            _(
                "Order %(number)s is no longer with your unit, so your unit cannot open a "
                "jurisdiction dispute about it: the unit handling it or the office can."
            )
            % {"number": order.number}
        )
    raise Http404


@transaction.atomic
def dispute_open(
    *,
    acting_user: User,
    summary: str,
    order_number: str = "",
    referral_id: int | None = None,
    unit_codes: Iterable[str] = (),
    suggested_unit_code: str = "",
) -> Dispute:
    """Open a dispute about an order or a lead. The office opens it from a second return or
    a rejected referral; a unit party to the lead (`may_open_lead_dispute`), or handling the
    order now (`may_open_order_dispute`), may dispute explicitly. A lead brings its order:
    the one the receiving unit registered on accepting it, while that is still open (the
    case the unit took on, which the decision moves, as `_settle_lead` expects), else the
    one the lead came from, unless the leader already settled that one (`_order_of_lead`):
    then the dispute is about the lead alone. Not a lead the leader has already settled
    (`lead_settled_by`), nor an order he has (`order_settled_by`): one named by its number,
    or the one registered on accepting the lead.

    The opener may name the unit it thinks should take the case (`suggested_unit_code`):
    an active member unit other than its own, which the office's proposal starts from."""
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Say what is disputed.")})
    suggested = suggested_unit_of(acting_user, suggested_unit_code)
    office = access.is_office_handler(acting_user)
    order: WorkOrder | None = None
    referral: Referral | None = None
    units: set[int] = set()
    # The lead and the order stay locked until the dispute is written, so that a form
    # posted twice, or a second return at the same moment, cannot open a second dispute.
    if referral_id is not None:
        referral = access.referral_or_404(acting_user, referral_id=referral_id, lock=True)
        order, case_order = _case_of_lead(referral)
        _refuse_lead_dispute(acting_user, referral, order, case_order)
        units |= {referral.from_unit_id, referral.to_unit_id}
        source = (
            DisputeSource.REJECTED_REFERRAL
            if referral.status == ReferralStatus.REJECTED
            else DisputeSource.UNIT_DISPUTE
        )
    elif order_number:
        order = access.workorder_or_404(acting_user, number=order_number.strip().upper(), lock=True)
        _refuse_order_dispute(acting_user, order)
        _refuse_settled_order(order)
        if order.disputes.filter(status__in=OPEN_DISPUTE_STATUSES).exists():
            raise WorkflowError(
                _("Order %(number)s already has an open dispute.") % {"number": order.number}
            )
        units |= set(order.unit_links.values_list("unit_id", flat=True))
        source = (
            DisputeSource.SECOND_RETURN
            if order.return_count >= workflow.RETURNS_BEFORE_FORCE
            else DisputeSource.UNIT_DISPUTE
        )
    else:
        raise ValidationError({"order": _("Name the work order or the lead that is disputed.")})
    if not office:
        if acting_user.unit_id not in units:
            raise Http404
        source = source if source != DisputeSource.SECOND_RETURN else DisputeSource.UNIT_DISPUTE
    elif source == DisputeSource.UNIT_DISPUTE:
        # The office's own question about who handles it, not a unit's objection.
        source = DisputeSource.OFFICE_QUESTION
    units |= {_member(code, "units").id for code in unit_codes if code}
    if order is not None:
        # Its history and page now show the dispute: a form opened on it before is stale.
        # (A second return's dispute is opened inside the return, which bumps it itself.)
        order.version += 1
        order.save(update_fields=["version", "updated_at"])
    return _create(
        source=source,
        order=order,
        referral=referral,
        unit_ids=units,
        summary=summary,
        by=acting_user,
        suggested_unit=suggested,
    )


def suggested_unit_of(user: User, code: str) -> Unit | None:
    """The unit the opener suggests should take the case, if it named one. Checked before
    anything is locked or written, so a wrong choice opens nothing."""
    code = (code or "").strip()
    if not code:
        return None
    unit = _member(code, "suggested_unit")
    if unit.id == getattr(user, "unit_id", None):
        raise ValidationError(
            {
                "suggested_unit": _(
                    "You cannot suggest your own unit: choose the unit that should take it, "
                    "or leave the choice empty."
                )
            }
        )
    return unit


def _create(
    *,
    source: str,
    order,
    referral: Referral | None,
    unit_ids: set[int],
    summary: str,
    by: User,
    suggested_unit: Unit | None = None,
    tell_office: bool = True,
) -> Dispute:
    now = timezone.now()
    policy = EscalationPolicy.objects.first() or EscalationPolicy()
    dispute = Dispute.objects.create(
        source=source,
        order=order,
        referral=referral,
        summary=summary,
        summary_message=message_of(summary) or {},
        suggested_unit=suggested_unit,
        opened_by=by,
        decision_due_at=add_working_days(
            now,
            policy.dispute_decision_working_days,
            reference().calendar,
        ),
    )
    dispute.units.set(Unit.objects.filter(id__in=unit_ids, kind=UnitKind.MEMBER))
    extra: dict[str, object] = {"suggested_unit": suggested_unit.code} if suggested_unit else {}
    if order is not None and workflow.suspend_sign_for(order, now):
        extra["sign_for_stopped"] = True
    _event(dispute, DisputeAction.OPEN, by, note=summary, source=source, **extra)
    if tell_office:
        _tell(
            f"dispute_opened:{dispute.id}",
            written("Jurisdiction dispute %(number)s opened", number=dispute.number),
            office_people(),
            dispute,
            summary,
        )
    return dispute


def disputes_recount_decision_deadlines(*, since: date) -> int:
    """Recount the leader's decision deadlines, due on `since` or later, of disputes still
    waiting for a decision, after the office changed its holiday table from that day on (in
    its transaction, as for orders and leads); returns how many moved."""
    days = (EscalationPolicy.objects.first() or EscalationPolicy()).dispute_decision_working_days
    calendar = reference().calendar
    moved = 0
    waiting = Dispute.objects.select_for_update(no_key=True).filter(
        status__in=OPEN_DISPUTE_STATUSES, decision_due_at__gte=stats.day_start(since)
    )
    for dispute in waiting.order_by("id"):
        due = add_working_days(dispute.opened_at, days, calendar)
        if due != dispute.decision_due_at:
            dispute.decision_due_at = due
            dispute.save(update_fields=["decision_due_at"])
            moved += 1
    return moved


def dispute_for_second_return(
    order, by: User, reason: str, *, tell_office: bool = True
) -> Dispute | None:
    """Called by the order's second return (in its transaction): the units disagree, so the
    order goes to the office as a dispute, unless one is open already, or the group
    leader's decision already settled who handles the order (`order_settled_by`): the return
    stands, and the order waits in the office's triage, which may force its assignment.

    `tell_office=False`: the caller tells the office of the dispute itself, in the one
    notice of the return that opened it (`workflow.tell_office_of_return`), so the office
    does not hear of one return twice."""
    if order.disputes.filter(status__in=OPEN_DISPUTE_STATUSES).exists():
        return None
    if order_settled_by(order) is not None:
        return None
    return _create(
        source=DisputeSource.SECOND_RETURN,
        order=order,
        referral=None,
        unit_ids=set(order.unit_links.values_list("unit_id", flat=True)),
        summary=written("Returned a second time: %(reason)s", reason=reason),
        by=by,
        tell_office=tell_office,
    )


def dispute_for_rejected_referral(
    referral: Referral, by: User, reasons: str, suggested: Unit | None = None
) -> Dispute:
    """Called by the rejection of a lead (in its transaction): it goes to the office, with
    the unit the rejecting unit suggests should take it, if it named one.

    An order, and a lead, has one open dispute at a time, as `dispute_open` insists: the
    leader settles who handles the order once, not in two decisions that may contradict
    each other. So if the lead's order (or the lead itself) already has an open dispute, the
    rejection is recorded on that one: a line on its timeline (and the order's) with the
    lead's number, the reasons and any suggestion, the referring and the rejecting units
    joined to its units, and the office told; the leader's deadline does not move, and the
    dispute keeps the suggestion it has (it takes this one if it had none). A lead about an order
    the leader's decision already settled opens a dispute about the lead alone
    (`_order_of_lead`)."""
    # The order's row is what a second return and another lead's rejection hold too, so
    # two of them at the same moment cannot both find no open dispute. An order the
    # leader's decision settled is not carried (`_order_of_lead`).
    order = _order_of_lead(referral)
    same = Q(referral=referral)
    if order is not None:
        same |= Q(order_id=order.id)
    existing = (
        Dispute.objects.select_for_update(no_key=True)
        .filter(same, status__in=OPEN_DISPUTE_STATUSES)
        .order_by("id")
        .first()
    )
    summary = written(
        "Lead %(number)s rejected: %(reasons)s", number=referral.number, reasons=reasons
    )
    if existing is None:
        return _create(
            source=DisputeSource.REJECTED_REFERRAL,
            order=order,
            referral=referral,
            unit_ids={referral.from_unit_id, referral.to_unit_id},
            summary=summary,
            by=by,
            suggested_unit=suggested,
        )
    existing.units.add(
        *Unit.objects.filter(
            id__in={referral.from_unit_id, referral.to_unit_id}, kind=UnitKind.MEMBER
        )
    )
    changed = []
    if suggested is not None and existing.suggested_unit_id is None:
        existing.suggested_unit = suggested
        changed.append("suggested_unit")
    _save(existing, changed)
    if suggested is not None:
        summary = written(
            "Lead %(number)s rejected, suggesting %(unit)s: %(reasons)s",
            number=referral.number,
            unit=language.unit(suggested),
            reasons=reasons,
        )
    _event(
        existing,
        DisputeAction.LEAD_REJECTED,
        by,
        note=summary,
        referral=referral.id,
        lead=referral.number,
        **({"suggested_unit": suggested.code} if suggested else {}),
    )
    _tell(
        f"dispute_lead_rejected:{existing.id}:{referral.id}",
        written(
            "Lead %(lead)s rejected: added to the open dispute %(number)s",
            lead=referral.number,
            number=existing.number,
        ),
        office_people(),
        existing,
        summary,
    )
    return existing


@transaction.atomic
def dispute_propose(
    *,
    dispute_id: int,
    acting_user: User,
    proposal: str,
    unit_code: str = "",
    co_unit_codes: Iterable[str] = (),
    expected_version: int | None = None,
) -> Dispute:
    """The office's proposal to the leader: a unit to designate, with any units to co-handle
    the work order with it (as his designation may name them), or a joint team. The leader's
    form starts from what the office proposed, so he confirms it rather than typing it
    again, and may still change it."""
    if not access.is_office_handler(acting_user):
        raise Http404
    dispute = _lock(acting_user, dispute_id, expected_version, _propose_refusal)
    proposal = (proposal or "").strip()
    if not proposal:
        raise ValidationError({"proposal": _("Write the office's proposal.")})
    unit = _member(unit_code, "unit") if unit_code else None
    co_units: list[Unit] = []
    if workflow.named_co_unit_codes(co_unit_codes):
        if unit is None:
            raise ValidationError(
                {
                    "co_units": _(
                        "Co-handling units work with the unit proposed: choose that unit too, "
                        "or leave them out for a joint team."
                    )
                }
            )
        co_units = _co_units(dispute, unit, co_unit_codes)
    dispute.proposal = proposal
    dispute.proposed_unit = unit
    dispute.proposed_at = timezone.now()
    dispute.status = DisputeStatus.PROPOSED
    _save(dispute, ["proposal", "proposed_unit", "proposed_at", "status"])
    _asks_done(dispute, decided=False)
    dispute.proposed_co_units.set(co_units)
    _event(
        dispute,
        DisputeAction.PROPOSE,
        acting_user,
        note=proposal,
        unit=unit_code,
        **({"co_units": [u.code for u in co_units]} if co_units else {}),
    )
    _tell(
        f"dispute_proposed:{dispute.id}:{dispute.version}",
        written("Dispute %(number)s waits for your decision", number=dispute.number),
        people_with_roles([RoleCode.GROUP_LEADER]),
        dispute,
        proposal,
    )
    return dispute


def _settled_by_dispatch(dispute: Dispute) -> str:
    return _(
        "The office dispatched work order %(number)s, which settled this dispute; there is "
        "nothing left to propose or decide."
    ) % {"number": dispute.order.number if dispute.order_id else ""}


def _propose_refusal(dispute: Dispute) -> str | None:
    if dispute.status == DisputeStatus.DISPATCHED:
        return _settled_by_dispatch(dispute)
    if dispute.status not in OPEN_DISPUTE_STATUSES:
        return _("This dispute has already been decided.")
    if dispute.status == DisputeStatus.PROPOSED:
        # One proposal stands before the leader; a second would change what he is reading.
        return _(
            "The office has already put its proposal to the group leader; it waits for "
            "his decision."
        )
    return None


def _decide_refusal(dispute: Dispute) -> str | None:
    if dispute.status == DisputeStatus.DISPATCHED:
        return _settled_by_dispatch(dispute)
    if dispute.status not in OPEN_DISPUTE_STATUSES:
        return _("This dispute has already been decided.")
    if dispute.status != DisputeStatus.PROPOSED:
        return _("Only a dispute with the office's proposal can be decided.")
    return None


def _decidable(user: User, dispute_id: int, expected_version: int | None) -> Dispute:
    if not access.decides_disputes(user):
        raise Http404
    return _lock(user, dispute_id, expected_version, _decide_refusal)


def _sign(dispute: Dispute, user: User, note: str) -> None:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Give the reasons for the decision.")})
    dispute.decided_by = user
    dispute.decided_at = timezone.now()
    dispute.decision_note = note
    _asks_done(dispute, decided=True)


def _asks_done(dispute: Dispute, *, decided: bool) -> None:
    """The notices that asked for a step of the dispute now taken are read, for everyone
    told: the office's 'dispute opened' (asking for its proposal) once it proposes, and with
    the group leader's decision his 'waits for your decision' too. They stayed unread in the
    bells of those who had not opened the dispute, 已立项 beside the decision's notice.
    With the decision, the reminders that it was waiting (`remind_escalations`) too."""
    keys = [f"dispute_opened:{dispute.id}"]
    if decided:
        keys += (
            Notification.objects.filter(
                Q(key__startswith=f"dispute_proposed:{dispute.id}:")
                | Q(key__startswith=f"dispute_pending:{dispute.id}:"),
                read_at__isnull=True,
            )
            .values_list("key", flat=True)
            .distinct()
        )
    notifications_mark_done(keys=keys)


def _parties(dispute: Dispute) -> list[User]:
    """Whom a decision concerns: the disputing units, the unit designated (which may not
    have been one of them: the leader may name any member unit), the joint team's units,
    and the office. Each person once, whichever of these their unit is."""
    unit_ids = set(dispute.units.values_list("id", flat=True))
    if dispute.designated_unit_id:
        unit_ids.add(dispute.designated_unit_id)
    if hasattr(dispute, "team"):
        unit_ids |= set(dispute.team.member_units.values_list("id", flat=True))
    return unit_people(unit_ids) + office_people()


def _lock_leads_and_order(dispute_id: int) -> dict[int, Referral]:
    """Lock the leads the decision may settle, then the order, before the dispute: a lead's
    rejection takes them in that order (referral_reject, then dispute_for_rejected_referral),
    and in another order the two deadlocked. The leads are the dispute's own and every lead
    of its order, not only those whose rejection the dispute has recorded so far: one being
    rejected meanwhile holds its lead, then waits for the order, and is recorded before this
    gets the order. With them the lead whose acceptance registered the order, which a unit
    disputing it locks before the order too (`dispute_open`)."""
    row = (
        Dispute.objects.filter(id=dispute_id)
        .values("referral_id", "order_id", "order__number", "order__external_ref")
        .first()
    ) or {}
    lead_id, order_id = row.get("referral_id"), row.get("order_id")
    same = Q(id=lead_id) if lead_id is not None else Q(pk__in=[])
    if order_id is not None:
        same |= Q(order_id=order_id) | lead_opened_as(
            order_number=row["order__number"], external_ref=row["order__external_ref"]
        )
    leads = {
        lead.id: lead
        for lead in Referral.objects.select_for_update(no_key=True).filter(same).order_by("id")
    }
    if order_id is not None:
        list(WorkOrder.objects.select_for_update(no_key=True).filter(id=order_id).values("id"))
    return leads


def _covered_leads(dispute: Dispute, locked: dict[int, Referral]) -> list[Referral]:
    """The leads the decision settles, the dispute's own first: it covers those whose
    rejection was recorded on it (`dispute_for_rejected_referral`) as well, since the
    leader decides who handles the order once, for every lead about it. So does the lead
    whose acceptance registered the order, when the office disputed the order by its number:
    the case the unit took on moves with it. Read under the dispute's lock, so no rejection
    is recorded meanwhile."""
    recorded = dispute.events.filter(action=DisputeAction.LEAD_REJECTED).values_list(
        "data__referral", flat=True
    )
    ids = {int(i) for i in recorded if i is not None}
    if dispute.order_id is not None:
        ids |= {i for i, lead in locked.items() if is_opened_as(lead, dispute.order)}
    ids -= {dispute.referral_id}
    if missing := ids - locked.keys():  # a lead referred and rejected after the first lock
        locked |= {
            lead.id: lead
            for lead in Referral.objects.select_for_update(no_key=True)
            .filter(id__in=missing)
            .order_by("id")
        }
    first = [locked[dispute.referral_id]] if dispute.referral_id in locked else []
    return first + [locked[i] for i in sorted(ids) if i in locked]


def _assign_order(dispute: Dispute, user: User, unit: Unit, co_units: Iterable[Unit] = ()) -> str:
    """The decision moves the dispute's work order to `unit` (`co_units` co-handling),
    forced, while the order is open. One resolved or closed meanwhile (the unit that
    referred a lead found in it kept handling it, or the office closed it) is left as it
    is: the case it held is finished, and reopening it is not the leader's to do. His
    decision stands all the same, as the notice makes it final (四（五）). Returns the
    status of an order so left, "" otherwise. The order is locked already
    (`_lock_leads_and_order`), so it cannot be finished in between."""
    if not dispute.order_id:
        return ""
    order = WorkOrder.objects.get(id=dispute.order_id)
    if order.status not in OPEN_STATUSES:
        dispute.order = order
        return order.status
    workflow.workorder_assign_by_decision(
        order_id=dispute.order_id,
        deciding_user=user,
        unit_code=unit.code,
        co_unit_codes=[u.code for u in co_units],
        reason=dispute.decision_note,
        decision=dispute.number,
    )
    dispute.order.refresh_from_db()
    return ""


def _decision_note(dispute: Dispute, left: str) -> str:
    """The decision's line: the leader's reasons, and, under them, why a finished work
    order was not moved (in the district's language, as every history line)."""
    if not left:
        return dispute.decision_note
    return written_lines(
        dispute.decision_note,
        written(
            "Work order %(number)s already had the status “%(status)s”, so the decision did not "
            "move it.",
            number=dispute.order.number,
            status=label(Status, left),
        ),
    )


def _order_left(left: str) -> dict[str, str]:
    return {"order_left": left} if left else {}


def _carries_case(dispute: Dispute, left: str) -> bool:
    """Whether the dispute's work order carries the case to the unit decided: it does when
    the decision moved it, not when it was finished and left."""
    return dispute.order_id is not None and not left


def _settle_lead(
    dispute: Dispute, lead: Referral, unit: Unit, user: User, *, with_order: bool
) -> None:
    """The leader's decision put the case with `unit`; the disputed lead goes with it. Open
    with another unit, ruled not responsible, it is withdrawn from that unit. A rejected or
    withdrawn lead about a work order the decision moved (`with_order`) stays where it is,
    with a line saying the case went with the order: no second item, no second order. So
    does a lead accepted before it was disputed: the unit did take it on, and its
    acceptance stays true of what it did, but the case now goes on with the order. Without
    an order, or with one finished before the decision and so left where it was, nothing
    else would hand the case to anyone, so a rejected or withdrawn lead is sent on to
    `unit` as a lead it may not reject. An open lead already with `unit` stays with it,
    with a line saying the decision kept it there."""
    if lead.id == dispute.referral_id:
        dispute.referral = lead
    if lead.status in OPEN_REFERRAL_STATUSES and lead.to_unit_id == unit.id:
        referral_kept_by_decision(referral=lead, dispute=dispute, deciding_user=user)
        return
    if lead.status in OPEN_REFERRAL_STATUSES and lead.to_unit_id != unit.id:
        holder = lead.to_unit
        referral_withdraw_by_decision(referral=lead, dispute=dispute, unit=unit)
        _event(
            dispute,
            DisputeAction.LEAD_WITHDRAWN,
            user,
            note=written(
                "Lead %(number)s withdrawn from %(unit)s",
                number=lead.number,
                unit=language.unit(holder),
            ),
            referral=lead.id,
            lead=lead.number,
        )
    closed = (ReferralStatus.REJECTED, ReferralStatus.WITHDRAWN)
    if with_order:
        if lead.status in (ReferralStatus.ACCEPTED, *closed):
            referral_settled_with_order(
                referral=lead, dispute=dispute, unit=unit, deciding_user=user
            )
        return
    if lead.status not in closed or lead.id != dispute.referral_id:
        return
    sent_on = referral_send_by_decision(dispute=dispute, unit=unit, deciding_user=user)
    _event(
        dispute,
        DisputeAction.LEAD_SENT,
        user,
        note=written(
            "Lead %(number)s referred to %(unit)s",
            number=sent_on.number,
            unit=language.unit(unit),
        ),
        referral=sent_on.id,
        lead=sent_on.number,
    )


def _co_units(dispute: Dispute, unit: Unit, codes: Iterable[str]) -> list[Unit]:
    """The co-handling units named with a designation, each once: they co-handle the
    dispute's work order, so a dispute about a lead alone has none to take, and the unit
    designated cannot also be one of them."""
    codes = workflow.named_co_unit_codes(codes)
    if not codes:
        return []
    if dispute.order_id is None:
        raise ValidationError(
            {
                "co_units": _(
                    "Co-handling units help with a work order, and this dispute has none; "
                    "designate the unit alone."
                )
            }
        )
    if refusal := workflow.primary_among_co_units(unit, codes):
        raise ValidationError({"co_units": refusal})
    return [_member(code, "co_units") for code in codes]


@transaction.atomic
def dispute_designate(
    *,
    dispute_id: int,
    acting_user: User,
    unit_code: str,
    note: str,
    co_unit_codes: Iterable[str] = (),
    expected_version: int | None = None,
) -> Dispute:
    """The leader designates the unit responsible; the order goes to it, forced, with the
    co-handling units he names (as the office's dispatch may), and the disputed leads go
    with the case (`_settle_lead`)."""
    locked = _lock_leads_and_order(dispute_id)
    dispute = _decidable(acting_user, dispute_id, expected_version)
    if not unit_code:
        # The form's list starts from no unit when the office proposed none.
        raise ValidationError({"unit": _("Choose the unit designated.")})
    unit = _member(unit_code, "unit")
    co_units = _co_units(dispute, unit, co_unit_codes)
    _sign(dispute, acting_user, note)
    dispute.designated_unit = unit
    dispute.status = DisputeStatus.DESIGNATED
    _save(dispute, ["decided_by", "decided_at", "decision_note", "designated_unit", "status"])
    left = _assign_order(dispute, acting_user, unit, co_units)
    _event(
        dispute,
        DisputeAction.DESIGNATE,
        acting_user,
        note=_decision_note(dispute, left),
        unit=unit.code,
        co_units=[] if left else [u.code for u in co_units],
        **_order_left(left),
    )
    for lead in _covered_leads(dispute, locked):
        _settle_lead(dispute, lead, unit, acting_user, with_order=_carries_case(dispute, left))
    _tell_outcome(
        dispute,
        key=f"dispute_decided:{dispute.id}",
        title=written(
            "Dispute %(number)s: %(unit)s is responsible",
            number=dispute.number,
            unit=language.unit(unit),
        ),
        note=dispute.decision_note,
        people=_parties(dispute),
        co_units=[] if left else co_units,
    )
    return dispute


def _tell_outcome(
    dispute: Dispute,
    *,
    key: str,
    title: str,
    note: str,
    people: list[User],
    co_units: list[Unit],
    co_units_told: bool = False,
) -> None:
    """How the dispute ended, to those it concerns (`people`), with its reasons (`note`)
    and, under them, the co-handling units the work order now has: the unit responsible
    works with them. Those units are told too (unless they heard of the order otherwise,
    `co_units_told`, as from the dispatch's own notice): one that is not party to the
    dispute cannot open its page, so it is sent to the work order it now co-handles."""
    if not co_units:
        _tell(key, title, people, dispute, note)
        return
    body = written_lines(
        note, written("Co-handling units: %(units)s", units=language.units(co_units))
    )
    _tell(key, title, people, dispute, body)
    if co_units_told:
        return
    told = {person.id for person in people}
    helpers = [p for p in unit_people([u.id for u in co_units]) if p.id not in told]
    order_url = reverse("order_detail", kwargs={"number": dispute.order.number})
    _tell(key, title, helpers, dispute, body, url=order_url)


def dispute_lead_numbers(dispute: Dispute) -> list[str]:
    """The numbers of the leads `dispute` covers besides its work order: the lead it is
    about, those whose rejection was recorded on it (`dispute_for_rejected_referral`), and
    the lead whose acceptance registered its work order (`lead_opened_as`), even when the
    dispute names the order alone (disputed by its number, or returned a second time): the
    order is the case the unit took on from that lead, referred to it by another unit. The
    leader's decision settles them with the order (`_covered_leads`); the office's dispatch
    moves the order alone, so it does not settle such a dispute
    (`workflow.dispatch_refusal_by_dispute`). Unlocked; at most two queries (the order is
    the one the dispute was read from)."""
    ids = {dispute.referral_id} if dispute.referral_id is not None else set()
    recorded = dispute.events.filter(action=DisputeAction.LEAD_REJECTED).values_list(
        "data__referral", flat=True
    )
    ids |= {int(i) for i in recorded if i is not None}
    same = Q(id__in=ids)
    order = dispute.order if dispute.order_id is not None else None
    if order is not None:
        same |= lead_opened_as(order_number=order.number, external_ref=order.external_ref)
    leads = (
        Referral.objects.filter(same)
        .order_by("id")
        .only("id", "created_at", "status", "case_reference")
    )
    return [
        lead.number
        for lead in leads
        if lead.id in ids or (order is not None and is_opened_as(lead, order))
    ]


def dispute_settle_by_dispatch(
    *,
    order: WorkOrder,
    unit: Unit,
    co_units: list[Unit],
    reason: str,
    acting_user: User,
    action: str = Action.DISPATCH,
    from_unit: Unit | None = None,
) -> Dispute | None:
    """The office dispatched `order` from its triage queue (`workflow.workorder_dispatch`),
    or re-dispatched it from `from_unit` to another (`action` `Action.REDISPATCH`,
    `workflow.workorder_redispatch`), in that transaction, the order locked and its new
    unit set: the open dispute about it, still waiting for the office's proposal, is
    settled by that dispatch, as the office chose the unit before putting the question to
    the group leader. It is closed (`DisputeStatus.DISPATCHED`) with its line on the
    dispute's and the order's timelines, the office's notice asking for a proposal is done,
    and the units in the dispute are told the outcome, and so is the unit a re-dispatch
    took the order from, were it not among them. None when no dispute is open. A dispute
    the leader's decision is pending on (proposed to him, or covering a lead) is refused
    (`workflow.dispatch_refusal_by_dispute`): checked again here under the dispute's lock,
    as the office's proposal may have been put meanwhile. It is no decision of his: the
    order stays open to a dispute (`order_settled_by`)."""
    dispute = (
        Dispute.objects.select_for_update(no_key=True)
        .filter(order_id=order.id, status__in=OPEN_DISPUTE_STATUSES)
        .order_by("id")
        .first()
    )
    if dispute is None:
        return None
    if refusal := workflow.dispatch_refusal_by_dispute(order, action):
        raise workflow.NotPossibleNow(refusal)
    dispute.order = order
    dispute.status = DisputeStatus.DISPATCHED
    _save(dispute, ["status"])
    left_unit = from_unit if action == Action.REDISPATCH else None
    if left_unit is not None:
        line = written(
            "Work order %(number)s re-dispatched from %(from_unit)s to %(unit)s",
            number=order.number,
            from_unit=language.unit(left_unit),
            unit=language.unit(unit),
        )
        title = written(
            "Dispute %(number)s settled: the office re-dispatched order %(order)s to %(unit)s",
            number=dispute.number,
            order=order.number,
            unit=language.unit(unit),
        )
    else:
        line = written(
            "Work order %(number)s dispatched to %(unit)s",
            number=order.number,
            unit=language.unit(unit),
        )
        title = written(
            "Dispute %(number)s settled: the office dispatched order %(order)s to %(unit)s",
            number=dispute.number,
            order=order.number,
            unit=language.unit(unit),
        )
    note = written_lines(line, reason) if reason else line
    _event(
        dispute,
        DisputeAction.DISPATCH,
        acting_user,
        note=note,
        unit=unit.code,
        co_units=[u.code for u in co_units],
        # A re-dispatch names the unit the order left, as its own line on the order does.
        **({"from_unit": left_unit.code} if left_unit is not None else {}),
    )
    # The office's notice asking for its proposal is done (`_create`).
    notifications_mark_done(keys=[f"dispute_opened:{dispute.id}"])
    told = set(dispute.units.values_list("id", flat=True))
    if left_unit is not None:
        told.add(left_unit.id)
    _tell_outcome(
        dispute,
        key=f"dispute_dispatched:{dispute.id}",
        title=title,
        note=note,
        people=unit_people(told),
        co_units=co_units,
        co_units_told=True,
    )
    return dispute


@transaction.atomic
def dispute_form_team(
    *,
    dispute_id: int,
    acting_user: User,
    lead_unit_code: str,
    member_unit_codes: Iterable[str],
    note: str,
    expected_version: int | None = None,
) -> JointTeam:
    """The leader forms a joint investigation team; the order goes to the lead unit with
    the members co-handling it, and the disputed lead goes to the lead unit as a
    designation would hand it over (`_settle_lead`); the member units read it through the
    team."""
    locked = _lock_leads_and_order(dispute_id)
    dispute = _decidable(acting_user, dispute_id, expected_version)
    if not lead_unit_code:
        raise ValidationError({"lead_unit": _("Choose the team's lead unit.")})
    lead = _member(lead_unit_code, "lead_unit")
    members = {lead.id: lead}
    for code in member_unit_codes:
        if code:
            unit = _member(code, "member_units")
            members[unit.id] = unit
    if len(members) < 2:
        raise ValidationError(
            {"member_units": _("A joint team needs at least one member unit besides the lead.")}
        )
    _sign(dispute, acting_user, note)
    dispute.status = DisputeStatus.TEAM
    _save(dispute, ["decided_by", "decided_at", "decision_note", "status"])
    team = JointTeam.objects.create(dispute=dispute, lead_unit=lead)
    team.member_units.set(members.values())
    # The lead unit's people start as members; the lead unit names the other units' people.
    team.members.set(unit_people([lead.id]))
    left = _assign_order(
        dispute, acting_user, lead, [u for u in members.values() if u.id != lead.id]
    )
    _event(
        dispute,
        DisputeAction.FORM_TEAM,
        acting_user,
        note=_decision_note(dispute, left),
        lead=lead.code,
        members=sorted(u.code for u in members.values()),
        **_order_left(left),
    )
    for disputed_lead in _covered_leads(dispute, locked):
        _settle_lead(
            dispute, disputed_lead, lead, acting_user, with_order=_carries_case(dispute, left)
        )
    _tell(
        f"team_formed:{dispute.id}",
        written(
            "A joint investigation team led by %(unit)s was formed for %(number)s",
            unit=language.unit(lead),
            number=dispute.number,
        ),
        _parties(dispute),
        dispute,
        dispute.decision_note,
    )
    return team


def _team_for(user: User, dispute_id: int, *, lead_only: bool = False) -> tuple[Dispute, JointTeam]:
    dispute = _lock(user, dispute_id, None)
    team = getattr(dispute, "team", None)
    if team is None or team.concluded_at is not None:
        raise WorkflowError(_("There is no working joint team on this dispute."))
    unit_id = getattr(user, "unit_id", None)
    is_member = team.member_units.filter(id=unit_id).exists() and access.has_role(
        user, *access.UNIT_HANDLER_ROLES
    )
    if lead_only:
        if (is_member and unit_id == team.lead_unit_id) or access.is_office_handler(user):
            return dispute, team
        if is_member:  # told "only the team's units", a member unit read it as a fault
            raise WorkflowError(_("Only the team's lead unit or the office may do this."))
    if not is_member:
        raise WorkflowError(_("Only the team's units may do this."))
    return dispute, team


@transaction.atomic
def team_add_member(*, dispute_id: int, acting_user: User, person_id: int) -> JointTeam:
    """The lead unit (or the office) names a person of a member unit to the team."""
    dispute, team = _team_for(acting_user, dispute_id, lead_only=True)
    person = User.objects.filter(
        id=person_id, is_active=True, unit__in=team.member_units.all()
    ).first()
    if person is None:
        raise ValidationError({"person": _("Choose a person of one of the team's units.")})
    if team.members.filter(id=person.id).exists():  # a repeated post: nothing happened
        return team
    team.members.add(person)
    _event(
        dispute,
        DisputeAction.ADD_MEMBER,
        acting_user,
        note=language.written_bracketed(person.display_name, language.unit(person.unit)),
    )
    return team


@transaction.atomic
def team_add_task(
    *,
    dispute_id: int,
    acting_user: User,
    title: str,
    owner_unit_code: str,
    due_on: date,
    owner_id: int | None = None,
) -> TeamTask:
    """The lead unit (or the office) sets a task with an owner and a deadline."""
    dispute, team = _team_for(acting_user, dispute_id, lead_only=True)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Name the task.")})
    if problem := too_long(title, TeamTask._meta.get_field("title").max_length, _("task")):
        raise ValidationError({"title": problem})
    if not (owner_unit_code or "").strip():
        raise ValidationError({"owner_unit": _("Choose the team's unit that owns the task.")})
    owner = _member(owner_unit_code, "owner_unit")
    if not team.member_units.filter(id=owner.id).exists():
        raise ValidationError({"owner_unit": _("The owner must be one of the team's units.")})
    if due_on is None or due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The deadline cannot be in the past.")})
    if problem := date_error(due_on):
        raise ValidationError({"due_on": problem})
    person = None
    if owner_id:
        person = team.members.filter(id=owner_id, unit=owner).first()
        if person is None:
            raise ValidationError(
                {"owner": _("The person responsible must be a team member of that unit.")}
            )
    # Under the dispute's lock: the same form posted twice sets the task once, as a second
    # copy would hold the conclusion back until someone marked it done as well.
    if team.tasks.filter(
        title=title, owner_unit=owner, owner=person, due_on=due_on, done_at=None
    ).exists():
        raise WorkflowError(
            _("The team already has this task open for %(unit)s.") % {"unit": owner.name}
        )
    task = TeamTask.objects.create(
        team=team, title=title, owner_unit=owner, owner=person, due_on=due_on
    )
    _event(
        dispute,
        DisputeAction.ADD_TASK,
        acting_user,
        note=title,
        owner=owner.code,
        due_on=due_on.isoformat(),
    )
    return task


@transaction.atomic
def team_complete_task(*, dispute_id: int, task_id: int, acting_user: User) -> TeamTask:
    dispute, team = _team_for(acting_user, dispute_id)
    task = team.tasks.filter(id=task_id).first()
    if task is None:
        raise Http404
    if task.owner_unit_id != acting_user.unit_id:
        raise WorkflowError(_("Only the unit that owns the task marks it done."))
    if task.done_at is not None:
        raise WorkflowError(_("This task is already done."))
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    _event(dispute, DisputeAction.COMPLETE_TASK, acting_user, note=task.title)
    return task


@transaction.atomic
def team_add_finding(*, dispute_id: int, acting_user: User, text: str) -> TeamFinding:
    dispute, team = _team_for(acting_user, dispute_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the finding.")})
    finding = TeamFinding.objects.create(
        team=team, unit_id=acting_user.unit_id, author=acting_user, text=text
    )
    _event(dispute, DisputeAction.FINDING, acting_user, note=text)
    return finding


@transaction.atomic
def team_escalate_question(*, dispute_id: int, acting_user: User, question: str) -> JointTeam:
    """A question the team cannot settle, for the agenda of the next joint meeting."""
    dispute, team = _team_for(acting_user, dispute_id, lead_only=True)
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": _("Write the question for the joint meeting.")})
    # the meetings app builds on complaints
    from meetings.models import AgendaItem, AgendaItemStatus, AgendaKind, MeetingStatus

    # The same question still waiting (a form posted twice) is not put a second time; one
    # a held meeting left unsettled may be put again.
    waiting = Q(status=AgendaItemStatus.WAITING) | Q(
        status=AgendaItemStatus.PLACED, meeting__status=MeetingStatus.PLANNED
    )
    if team.agenda_items.filter(waiting, question=question).exists():
        raise WorkflowError(_("This question already waits for a joint meeting."))
    team.open_question = question
    team.save(update_fields=["open_question"])

    AgendaItem.objects.create(
        team=team,
        kind=AgendaKind.TEAM_QUESTION,
        proposed_by_id=team.lead_unit_id,
        question=question,
    )
    _event(dispute, DisputeAction.ESCALATE, acting_user, note=question)
    _tell(
        f"team_question:{dispute.id}:{dispute.events.count()}",
        written(
            "Joint team %(number)s puts a question to the next joint meeting",
            number=dispute.number,
        ),
        office_people(),
        dispute,
        question,
    )
    return team


def team_question_answered(
    *, team: JointTeam, question: str, answer: str, meeting_title: str, acting_user: User
) -> None:
    """A joint meeting's resolution settled the team's question: the team's record says so,
    the question is no longer open, and the team's units are told. Called by the meetings
    app inside its own transaction."""
    dispute = Dispute.objects.select_for_update(no_key=True).get(id=team.dispute_id)
    team.refresh_from_db(fields=["open_question"])  # the team may have asked anew meanwhile
    if team.open_question.strip() == question.strip():
        team.open_question = ""
        team.save(update_fields=["open_question"])
    _event(
        dispute,
        DisputeAction.MEETING_ANSWER,
        acting_user,
        note=f"{question}\n→ {answer}",
        meeting=meeting_title,
    )
    _tell(
        f"team_answer:{dispute.id}:{dispute.events.count()}",
        written(
            "The joint meeting answered joint team %(number)s's question", number=dispute.number
        ),
        unit_people(team.member_units.values_list("id", flat=True)),
        dispute,
        answer,
    )


@transaction.atomic
def team_conclude(
    *,
    dispute_id: int,
    acting_user: User,
    violation_finding: str,
    law_applied: str,
    procedure: str,
    penalty: str = "",
    transfer_to: str = "",
    criminal_handover: bool = False,
) -> JointTeam:
    """The lead unit's conclusion, covering what the notice lists; a hand-over to criminal
    proceedings (行刑衔接) is referred to public security as a lead."""
    dispute, team = _team_for(acting_user, dispute_id, lead_only=True)
    errors = {}
    for field, value in (
        ("violation_finding", violation_finding),
        ("law_applied", law_applied),
        ("procedure", procedure),
    ):
        if not (value or "").strip():
            errors[field] = _("This part of the conclusion is required.")
    transfer_to = (transfer_to or "").strip()
    limit = JointTeam._meta.get_field("transfer_to").max_length
    if problem := too_long(transfer_to, limit, _("transferred to another authority")):
        errors["transfer_to"] = problem
    if open_tasks := team.tasks.filter(done_at=None).count():
        errors["tasks"] = ngettext(
            "%(n)s task of the team is not done yet.",
            "%(n)s tasks of the team are not done yet.",
            open_tasks,
        ) % {"n": open_tasks}
    if errors:
        raise ValidationError(errors)
    team.violation_finding = violation_finding.strip()
    team.law_applied = law_applied.strip()
    team.procedure = procedure.strip()
    team.penalty = (penalty or "").strip()
    team.transfer_to = transfer_to
    team.criminal_handover = bool(criminal_handover)
    team.concluded_at = timezone.now()
    team.concluded_by = acting_user
    if team.criminal_handover:
        team.handover_referral = _hand_over(dispute, team, acting_user)
    team.save()
    dispute.status = DisputeStatus.CONCLUDED
    _save(dispute, ["status"])
    _event(
        dispute,
        DisputeAction.CONCLUDE,
        acting_user,
        note=team.violation_finding,
        penalty=team.penalty,
        transfer_to=team.transfer_to,
        criminal_handover=team.criminal_handover,
    )
    _tell(
        f"team_concluded:{dispute.id}",
        written("Joint team %(number)s concluded", number=dispute.number),
        _parties(dispute),
        dispute,
        team.violation_finding,
    )
    return team


def _hand_over(dispute: Dispute, team: JointTeam, user: User) -> Referral:
    police = Unit.objects.get(code=PUBLIC_SECURITY)
    now = timezone.now()
    title = written("Hand-over to criminal proceedings: %(number)s", number=dispute.number)
    referral = Referral.objects.create(
        from_unit=team.lead_unit,
        to_unit=police,
        order=dispute.order,
        title=title,
        title_message=message_of(title) or {},
        facts=team.violation_finding,
        legal_basis=team.law_applied,
        urgent=True,
        ack_due_at=ack_deadline(now, urgent=True),
        created_by=user,
    )
    record_referral_event(referral, ReferralAction.SEND, user, dispute=dispute.id)
    _tell(
        f"criminal_handover:{dispute.id}",
        written(
            "A joint team hands a case over to criminal proceedings: %(number)s",
            number=referral.number,
        ),
        unit_people([police.id]),
        dispute,
        # Public security reads the lead sent to it; the dispute is the team's and the
        # parties', not its own unless it sat on the team.
        url=reverse("referral_detail", kwargs={"referral_id": referral.id}),
    )
    return referral


LEADER_PENDING_WORKING_DAYS = 3


def remind_escalations(now=None, limit: int = 500) -> int:
    """Disputes waiting for the leader more than 3 working days since the proposal (the
    leader and the office director), and team tasks past their deadline (the owner unit's
    people and the lead unit's head, or its liaisons when it has none; with neither, the
    office, told that no one there was: `heads_or_liaisons`); once per dispute or task."""
    now = now or timezone.now()
    calendar = reference().calendar
    items = []
    directors = people_with_roles([RoleCode.GROUP_LEADER, RoleCode.OFFICE_DIRECTOR])
    for dispute in Dispute.objects.filter(status=DisputeStatus.PROPOSED).order_by("proposed_at")[
        :limit
    ]:
        if add_working_days(dispute.proposed_at, LEADER_PENDING_WORKING_DAYS, calendar) >= now:
            continue
        message = Message(
            key=f"dispute_pending:{dispute.id}:{dispute.version}",
            category="dispute",
            title=written(
                "Dispute %(number)s has waited for a decision for more than %(n)s working days",
                number=dispute.number,
                n=LEADER_PENDING_WORKING_DAYS,
            ),
            url=_url(dispute),
        )
        items.append((message, directors, None))
    late = list(
        TeamTask.objects.filter(done_at=None, due_on__lt=timezone.localdate(now))
        .select_related("team__dispute", "team__lead_unit", "owner_unit")
        .order_by("due_on")[:limit]
    )
    # The people of the run's units, read once for all its tasks.
    owners: dict[int, list[User]] = {}
    if late:
        for user in unit_people({task.owner_unit_id for task in late}):
            owners.setdefault(user.unit_id, []).append(user)
    lead_units = {task.team.lead_unit_id: task.team.lead_unit for task in late}
    leads = heads_or_liaisons(lead_units.values())
    # Read only when a lead unit has no one to tell; once for the run however many tasks.
    office = office_people() if any(not side for side, _why in leads.values()) else []
    for task in late:
        dispute = task.team.dispute
        message = Message(
            key=f"team_task_overdue:{task.id}",
            category="dispute",
            title=written(
                "Team task “%(title)s” of %(number)s is overdue",
                title=task.title,
                number=dispute.number,
            ),
            url=_url(dispute),
        )
        owned = owners.get(task.owner_unit_id, [])
        items.append((message, owned, None))
        # The lead unit's heads; with none, its liaisons, saying why; with neither, the
        # office, saying that no one there was told (unless its people were, as the task's
        # own). Once each: a person also of the task's unit is told as of that unit.
        lead_unit_id = task.team.lead_unit_id
        lead_side, why = leads[lead_unit_id]
        if not lead_side and not (owned and task.owner_unit_id == lead_unit_id):
            lead_side = office
        told = {user.id for user in owned}
        if lead_side := [user for user in lead_side if user.id not in told]:
            items.append((replace(message, why=why) if why else message, lead_side, None))
    return notify_many(items) if items else 0
