"""The handling life of a work order: one transition table and one function per action.

Every action loads the order through the access module with a row lock, checks that it is
possible on the order as it is now (status, who is acting, conditions), then refuses a stale
form (the `version` the user saw is not the current one), changes the order, recomputes its
deadlines and writes one immutable event, all in one transaction. Views and the API call
these functions and nothing else writes an order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, F, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from departments import access
from departments.models import Unit, User
from wuqing_consumer import language
from wuqing_consumer.dates import minute
from wuqing_consumer.db import new_instance
from wuqing_consumer.errors import ActionRefused
from wuqing_consumer.language import (
    Written,
    label,
    with_note_message,
    written,
    written_lines,
    written_plural,
)
from wuqing_consumer.versions import UNKNOWN

from . import stats
from .choices import (
    DECIDED_DISPUTE_STATUSES,
    OPEN_DISPUTE_STATUSES,
    OPEN_STATUSES,
    Action,
    DisputeStatus,
    DuplicateStatus,
    ExtensionStatus,
    Kind,
    Satisfaction,
    Status,
    UnitRelation,
    Urgency,
)
from .deadlines import (
    deadline_starts,
    order_deadlines,
    received_by_unit,
    working_days_between,
)
from .models import (
    DEADLINE_NAMES,
    ApiClient,
    CoHandlingOpinion,
    DeadlinePolicy,
    Dispute,
    ExtensionRequest,
    PossibleDuplicate,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderUnit,
)
from .reference import reference

OFFICE = "office"
PRIMARY = "primary"
CO = "co"
HANDLER = "handler"  # the primary unit or a co-handling unit, each for its own part
SUPERVISOR = "supervisor"

MAX_EXTENSION_DAYS = 45
NOTE_MAX_LENGTH = 2000
"""A handling note is a line of the history, not a report: longer findings go in a file.
A unit's reason or opinion and the office's instruction are held to it too."""
RESULT_MAX_LENGTH = 5000
"""The result goes to the citizen through the hotline and cannot be changed once given: a
paste gone wrong would stand, whole, in the order and in the hotline's callback."""
RETURNS_BEFORE_FORCE = 2
"""After this many returns the office may force an assignment the unit cannot return."""
QUOTE_LIMIT = 200
"""How much of a unit's reason a notice quotes (`_quoted`); the order's page has it whole."""


class WorkflowError(ActionRefused):
    """An action on a work order that is not allowed now."""


class StaleOrder(WorkflowError):
    """Someone else changed the order after the user loaded the page."""


class NotPossibleNow(WorkflowError):
    """The action cannot be done on the order as it is now (its status, who acts, a
    condition such as a paused clock): about the order, not about what the user typed."""


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the status does not change
    actor: str


def _t(sources: Iterable[str], target: str | None, actor: str) -> Transition:
    return Transition(frozenset(sources), target, actor)


_HANDLING = (Status.ASSIGNED, Status.IN_PROGRESS)
_DONE = (Status.RESOLVED, Status.CLOSED)

TRANSITIONS: dict[str, Transition] = {
    Action.DISPATCH: _t([Status.TRIAGE], Status.ASSIGNED, OFFICE),
    Action.REDISPATCH: _t(_HANDLING, Status.ASSIGNED, OFFICE),
    Action.SIGN: _t([Status.ASSIGNED], Status.IN_PROGRESS, PRIMARY),
    Action.ACCEPT: _t([Status.IN_PROGRESS], None, PRIMARY),
    Action.RETURN: _t(_HANDLING, Status.TRIAGE, PRIMARY),
    Action.REQUEST_EXTENSION: _t([Status.IN_PROGRESS], None, PRIMARY),
    Action.APPROVE_EXTENSION: _t(_HANDLING, None, OFFICE),
    Action.REFUSE_EXTENSION: _t(_HANDLING, None, OFFICE),
    Action.PAUSE: _t([Status.IN_PROGRESS], None, PRIMARY),
    Action.RESUME: _t([Status.IN_PROGRESS], None, PRIMARY),
    Action.OPINION: _t(_HANDLING, None, CO),
    Action.NOTE: _t([Status.IN_PROGRESS], None, HANDLER),
    Action.SUPERVISE: _t(_HANDLING, None, SUPERVISOR),
    Action.RESOLVE: _t([Status.IN_PROGRESS], Status.RESOLVED, PRIMARY),
    Action.CLOSE: _t([Status.RESOLVED], Status.CLOSED, OFFICE),
    Action.SATISFACTION: _t(_DONE, None, OFFICE),
    Action.EXCLUDE: _t([*_HANDLING, *_DONE], None, OFFICE),
    Action.LINK_DUPLICATE: _t([*OPEN_STATUSES, *_DONE], None, OFFICE),
    Action.DISMISS_DUPLICATE: _t([*OPEN_STATUSES, *_DONE], None, OFFICE),
    Action.MERGE: _t(OPEN_STATUSES, Status.CLOSED, OFFICE),
}

_ACTION_VERBS = {
    Action.DISPATCH: gettext_lazy("dispatched"),
    Action.REDISPATCH: gettext_lazy("re-dispatched"),
    Action.SIGN: gettext_lazy("signed for"),
    Action.ACCEPT: gettext_lazy("accepted for handling"),
    Action.RETURN: gettext_lazy("returned"),
    Action.REQUEST_EXTENSION: gettext_lazy("given an extension request"),
    Action.APPROVE_EXTENSION: gettext_lazy("given an extension"),
    Action.REFUSE_EXTENSION: gettext_lazy("refused an extension"),
    Action.PAUSE: gettext_lazy("paused"),
    Action.RESUME: gettext_lazy("resumed"),
    Action.OPINION: gettext_lazy("given an opinion"),
    Action.NOTE: gettext_lazy("given a handling note"),
    Action.SUPERVISE: gettext_lazy("supervised"),
    Action.RESOLVE: gettext_lazy("resolved"),
    Action.CLOSE: gettext_lazy("closed"),
    Action.SATISFACTION: gettext_lazy("given a satisfaction call-back"),
    Action.EXCLUDE: gettext_lazy("excluded from satisfaction statistics"),
    Action.LINK_DUPLICATE: gettext_lazy("linked as a duplicate"),
    Action.DISMISS_DUPLICATE: gettext_lazy("marked as not a duplicate"),
    Action.MERGE: gettext_lazy("merged"),
}


_NOT_BEFORE_DISPATCH = {
    Action.SUPERVISE: gettext_lazy(
        "Order %(number)s has not been dispatched to a unit yet, so there is no unit to "
        "supervise. Dispatch it first."
    ),
    Action.EXCLUDE: gettext_lazy(
        "Order %(number)s has not been dispatched to a unit yet, so it counts in no unit's "
        "satisfaction statistics and cannot be excluded from them."
    ),
}
"""Office actions that need a unit: an order in the triage queue has none, so they are
refused with a reason rather than the status alone."""

_NOT_NOW = {
    Action.ACCEPT: gettext_lazy("This order has already been accepted, or needs no decision."),
    Action.RETURN: gettext_lazy(
        "The office assigned this order to your unit by a forced assignment; it cannot "
        "be returned. Raise a jurisdiction question with the office instead."
    ),
    Action.REQUEST_EXTENSION: gettext_lazy(
        "An extension request for this order is already waiting."
    ),
    Action.APPROVE_EXTENSION: gettext_lazy("No extension request is waiting for this order."),
    Action.REFUSE_EXTENSION: gettext_lazy("No extension request is waiting for this order."),
    Action.PAUSE: gettext_lazy("The clock of this order is already paused."),
    Action.RESUME: gettext_lazy("The clock of this order is not paused."),
    Action.EXCLUDE: gettext_lazy("This order is already excluded from satisfaction statistics."),
}
"""Why an action whose status allows it cannot be done now (`_extra_condition` false)."""


def dispatch_refusal_by_dispute(order: WorkOrder, action: str = Action.DISPATCH) -> str | None:
    """Why the office may not dispatch `order` from its triage queue, or re-dispatch it from the
    unit handling it to another (`action` `Action.REDISPATCH`), while a jurisdiction
    dispute about it is open, or None when it may. The group leader's decision settles who
    handles a disputed case (四（五）), and the office's dispatch may not get ahead of it once
    he is to decide: a dispute with the office's proposal before him, or one covering a
    lead besides the order (the lead it is about, a rejection recorded on it, or the lead
    whose acceptance registered the order, `disputes.dispute_lead_numbers`), whose decision
    settles the leads with the order, as a dispatch, moving the order alone, would not. A
    dispute still waiting for the office's proposal about the order alone is settled by the
    dispatch or re-dispatch instead (`disputes.dispute_settle_by_dispatch`): the office
    chooses the unit before putting the question to him. Refused, the order stays where it
    is, and a sign-for time the dispute stopped stays stopped (`suspend_sign_for`): a
    re-dispatch would start the new unit's. One rule for the order's page, which then says
    this rather than offering the form, and for `workorder_dispatch` and
    `workorder_redispatch`, which refuse. Reads the order's disputes as prefetched (the
    order's page); a query or two more only while one is open."""
    from .disputes import dispute_lead_numbers  # disputes builds on this module

    dispute = next((d for d in order.disputes.all() if d.status in OPEN_DISPUTE_STATUSES), None)
    if dispute is None:
        return None
    redispatch = action == Action.REDISPATCH
    if dispute.status == DisputeStatus.PROPOSED:
        if redispatch:
            refusal = _(
                "Order %(number)s cannot be re-dispatched now: the office's proposal on "
                "jurisdiction dispute %(dispute)s waits for the group leader's decision, which "
                "will assign the order."
            )
        else:
            refusal = _(
                "Order %(number)s cannot be dispatched now: the office's proposal on "
                "jurisdiction dispute %(dispute)s waits for the group leader's decision, which "
                "will assign the order."
            )
        return refusal % {"number": order.number, "dispute": dispute.number}
    leads = dispute_lead_numbers(dispute)
    if not leads:
        return None
    if redispatch:
        refusal = ngettext(
            "Order %(number)s cannot be re-dispatched now: jurisdiction dispute %(dispute)s "
            "about it also covers lead %(leads)s, which only the group leader's decision "
            "settles with the order. Put the office's proposal to him on the dispute's page.",
            "Order %(number)s cannot be re-dispatched now: jurisdiction dispute %(dispute)s "
            "about it also covers leads %(leads)s, which only the group leader's decision "
            "settles with the order. Put the office's proposal to him on the dispute's page.",
            len(leads),
        )
    else:
        refusal = ngettext(
            "Order %(number)s cannot be dispatched now: jurisdiction dispute %(dispute)s about "
            "it also covers lead %(leads)s, which only the group leader's decision settles "
            "with the order. Put the office's proposal to him on the dispute's page.",
            "Order %(number)s cannot be dispatched now: jurisdiction dispute %(dispute)s about "
            "it also covers leads %(leads)s, which only the group leader's decision settles "
            "with the order. Put the office's proposal to him on the dispute's page.",
            len(leads),
        )
    return refusal % {
        "number": order.number,
        "dispute": dispute.number,
        "leads": language.list_separator().join(leads),
    }


def assignment_decided_by(order: WorkOrder) -> Dispute | None:
    """The group leader's decision on a jurisdiction dispute that gave `order` to the unit
    holding it, if its assignment comes from one: forced (`workorder_assign_by_decision`,
    a designation or a joint team's lead unit) with a decision of his on a dispute about
    the order. The office forces an assignment otherwise only when dispatching from the
    triage queue, which an order he assigned does not reach again: its unit cannot return
    it (`Action.RETURN`), and the office cannot re-dispatch it
    (`redispatch_refusal_by_decision`). Reads the order's disputes as prefetched (the
    order's page); one query otherwise, and none for an order not forced."""
    if not order.forced_assignment:
        return None
    decided = [d for d in order.disputes.all() if d.status in DECIDED_DISPUTE_STATUSES]
    if decided:
        return max(decided, key=lambda d: d.id)
    if order.external_ref:
        # Registered on accepting a lead his decision settled (`workorder_hold_by_decision`).
        # Its queries run once per loaded order: the order's page asks this several times
        # (its actions, the re-dispatch form's refusal, the header).
        if not hasattr(order, "_settled_by_lead"):
            from .disputes import order_settled_by  # disputes builds on this module

            order._settled_by_lead = order_settled_by(order)
        return order._settled_by_lead
    return None


def workorder_hold_by_decision(
    order: WorkOrder, *, decision: Dispute, lead_number: str, acting_user: User
) -> None:
    """The order a unit registered on accepting a lead the group leader's decision
    settled (`referrals.referral_accept`) is that case, and his decision is
    final (四（五）): the order is held with the unit as an order he assigned is, so the
    unit cannot return it to the office's triage, nor the office re-dispatch it
    (`assignment_decided_by`, which names his decision). Before, the unit could accept the
    lead and return the order, and the case he had decided went back to the triage queue.
    Its history says so in a line of its own, linking his decision, as the line of an order
    he assigned does (`data.decision`): the registration line names only the lead.
    In the caller's transaction, which registered the order and holds its row: the line is
    saved as it is (not through `record_event`, whose moving of `updated_at` for another
    flow's line this one update already does)."""
    line = new_event(
        order,
        Action.DISPUTE,
        by=acting_user,
        unit=order.primary_unit,
        note=written(
            "Lead %(lead)s was settled by the group leader's decision: this order stays with "
            "%(unit)s, which may not return it to the office, nor may the office re-dispatch "
            "it.",
            lead=lead_number,
            unit=language.unit(order.primary_unit),
        ),
        data={"decision": decision.number, "dispute": decision.id, "held": True},
    )
    line.save()
    WorkOrder.objects.filter(id=order.id).update(
        forced_assignment=True, version=F("version") + 1, updated_at=line.created_at
    )


def redispatch_refusal_by_decision(order: WorkOrder) -> str | None:
    """Why the office may not re-dispatch `order` to another unit, or None when it may:
    the group leader's decision gave it to the unit holding it (`assignment_decided_by`),
    and his decision ends the disagreement over who handles it (四（五）). A re-dispatch
    would move the order and clear its forced assignment, quietly undoing the decision.
    Actions that leave the order with its unit (supervising it, deciding an extension,
    closing it) are not concerned. One rule for the order's page, which says this (naming
    the dispute) rather than offering the form, and for `workorder_redispatch`, which
    refuses."""
    dispute = assignment_decided_by(order)
    if dispute is None:
        return None
    return _(
        "Order %(number)s cannot be re-dispatched: the group leader's decision on "
        "jurisdiction dispute %(dispute)s assigned it to %(unit)s, and his decision is final."
    ) % {"number": order.number, "dispute": dispute.number, "unit": order.primary_unit}


def _actor_allowed(user: User, order: WorkOrder, actor: str) -> bool:
    if actor == OFFICE:
        return access.is_office_handler(user)
    if actor == PRIMARY:
        return access.handles_order(user, order)
    if actor == CO:
        return access.co_handles_order(user, order)
    if actor == HANDLER:
        return access.handles_order(user, order) or access.co_handles_order(user, order)
    if actor == SUPERVISOR:
        return access.has_role(user, *access.SUPERVISOR_ROLES)
    return False


def _extra_condition(user: User, order: WorkOrder, action: str) -> bool:
    """Conditions beyond status and actor, so the page offers only what would succeed."""
    if action == Action.REDISPATCH and redispatch_refusal_by_decision(order) is not None:
        return False
    if action in (Action.DISPATCH, Action.REDISPATCH):
        return dispatch_refusal_by_dispute(order, action) is None
    if action == Action.RETURN:
        return not order.forced_assignment
    if action == Action.ACCEPT:
        return order.kind != Kind.INQUIRY and order.accepted_at is None
    if action == Action.PAUSE:
        return order.paused_at is None
    if action == Action.RESUME:
        return order.paused_at is not None
    if action == Action.REQUEST_EXTENSION:
        # An accepted report (no resolution deadline) or a paused clock has none to extend.
        return bool(extendable_deadline(order)) and not any(
            r.status == ExtensionStatus.PENDING for r in _requests(order)
        )
    if action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION):
        return any(r.status == ExtensionStatus.PENDING for r in _requests(order))
    if action == Action.EXCLUDE:
        return not order.excluded_from_stats
    return True


def _requests(order: WorkOrder) -> list[ExtensionRequest]:
    cached = getattr(order, "_extension_requests", None)
    if cached is None:
        cached = list(order.extension_requests.all())
        order._extension_requests = cached
    return cached


def can(user: User, order: WorkOrder, action: str) -> bool:
    transition = TRANSITIONS[action]
    return (
        order.status in transition.sources
        and _actor_allowed(user, order, transition.actor)
        and _extra_condition(user, order, action)
    )


def allowed_actions(user: User, order: WorkOrder) -> list[str]:
    """What this user may do to this order now; the detail page shows exactly these."""
    return [action for action in TRANSITIONS if can(user, order, action)]


def _load(user: User, order_id: int, action: str, expected_version: int | None) -> WorkOrder:
    """The order, locked, once the action is possible on it as it is now, and only then
    checked against the version the user's page showed: someone who opened the order before
    another closed or moved it reads why the action cannot be done now (its status, whose
    it is), not merely that it changed, which would send them back to a page without the
    action to try again (as reports and releases check their status first)."""
    order = access.workorder_or_404(user, order_id=order_id, lock=True)
    if refusal := _refusal_now(user, order, action):
        raise NotPossibleNow(refusal)
    if expected_version is not None and order.version != expected_version:
        raise StaleOrder(_changed_meanwhile(user, order, expected_version))
    return order


def _changed_meanwhile(user: User, order: WorkOrder, seen: int) -> str:
    """Why nothing was saved, naming the change the page had not shown: who made it, when,
    and which step. "Someone else" was said to a person who had changed the order
    themselves in another tab, and a colleague could not tell what to look for. A form that
    sent no version of its own (`UNKNOWN`) missed nothing in particular."""
    last = None
    if seen != UNKNOWN:
        events = order.events.select_related("actor", "actor_unit")
        last = events.order_by("-created_at", "-id").first()
    if last is None:
        return _(
            "Someone else changed order %(number)s while you had it open, so nothing was saved."
        ) % {"number": order.number}
    values = {
        "number": order.number,
        "time": minute(last.created_at),
        "step": Action(last.action).label,
    }
    if last.actor_id == user.id:
        return (
            _(
                "You changed order %(number)s at %(time)s (%(step)s) in another tab or window "
                "after opening this page, so nothing was saved here."
            )
            % values
        )
    if last.actor is None:
        return (
            _(
                "Order %(number)s changed at %(time)s (%(step)s) while you had it open, so "
                "nothing was saved."
            )
            % values
        )
    unit = last.actor_unit.display_name if last.actor_unit else ""
    person = language.bracketed(last.actor.display_name, unit)
    return _(
        "%(person)s changed order %(number)s at %(time)s (%(step)s) while you had it open, "
        "so nothing was saved."
    ) % {**values, "person": person}


def _refusal_now(user: User, order: WorkOrder, action: str) -> str:
    """Why the action cannot be done on the order as it is now, or "" when it can: the
    reasons `can` stands for, in words."""
    transition = TRANSITIONS[action]
    if order.status == Status.TRIAGE and action in _NOT_BEFORE_DISPATCH:
        return str(_NOT_BEFORE_DISPATCH[action]) % {"number": order.number}
    if order.status not in transition.sources:
        return _("Order %(number)s has the status “%(status)s”; it cannot be %(verb)s now.") % {
            "number": order.number,
            "status": order.get_status_display(),
            "verb": _ACTION_VERBS[action],
        }
    if not _actor_allowed(user, order, transition.actor):
        return _("You may not do this: order %(number)s cannot be %(verb)s by you.") % {
            "number": order.number,
            "verb": _ACTION_VERBS[action],
        }
    if _extra_condition(user, order, action):
        return ""
    if action == Action.REDISPATCH and (refusal := redispatch_refusal_by_decision(order)):
        return refusal
    if action in (Action.DISPATCH, Action.REDISPATCH):
        return dispatch_refusal_by_dispute(order, action) or ""
    if action == Action.REQUEST_EXTENSION and not extendable_deadline(order):
        return _("This order has no running deadline that can be extended.")
    if action == Action.RETURN and (dispute := assignment_decided_by(order)):
        return _(
            "The group leader's decision on jurisdiction dispute %(dispute)s assigned this "
            "order to your unit; it cannot be returned."
        ) % {"dispute": dispute.number}
    return str(_NOT_NOW[action])


def _required(text: str, what: str, limit: int | None = None) -> str:
    text = (text or "").strip()
    if not text:
        raise WorkflowError(_("Please give %(what)s.") % {"what": what})
    if limit is not None and len(text) > limit:
        raise WorkflowError(
            _("Please shorten %(what)s to %(limit)s characters; it has %(length)s.")
            % {"what": what, "limit": limit, "length": len(text)}
        )
    return text


# Events that change nothing the daily figures count (complaints.stats).
_ACTIONS_OUTSIDE_FIGURES = frozenset(
    {
        Action.OPINION,
        Action.NOTE,
        Action.ATTACH,
        Action.SUPERVISE,
        Action.LINK_DUPLICATE,
        Action.DISMISS_DUPLICATE,
        Action.REFER,
        Action.DISPUTE,
        Action.INTERVENTION,
        Action.MEDIATION,
    }
)


def new_event(
    order: WorkOrder,
    action: str,
    *,
    by: User | None,
    from_status: str = "",
    to_status: str = "",
    unit: Unit | None = None,
    note: str = "",
    data: dict | None = None,
) -> WorkOrderEvent:
    """The history line, not yet saved: intake writes its lines with the order in one go.

    A note the system wrote from a message (`language.written`) keeps the message in
    `data`, so the order's page shows it in the reader's language."""
    actor = by if isinstance(by, User) and by.is_authenticated else None
    return new_instance(
        WorkOrderEvent,
        order=order,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_unit_id=getattr(actor, "unit_id", None),
        unit=unit,
        note=note,
        data=with_note_message(data, note),
    )


def step_note(number: str, step: object, note: str = "") -> Written:
    """The line a step of a dispute or a mediation (`step`, its label) leaves on the order:
    "ZY-2026-000001 Opened: why"."""
    if note:
        return written("%(number)s %(step)s: %(note)s", number=number, step=step, note=note)
    return written("%(number)s %(step)s", number=number, step=step)


_LINES_OF_OTHER_FLOWS = frozenset(
    {Action.REFER, Action.DISPUTE, Action.INTERVENTION, Action.MEDIATION}
)
"""Lines that a lead, a dispute, an early intervention or a mediation writes on the order
from its own service, which does not otherwise save the order. The hotline reads them in
the order's history, so `record_event` moves the order's `updated_at` (what a client polls
by with `updated_since`). The version stays: they change none of what the order's forms
act on (status, units, deadlines); the steps that do (a dispute opened, the leader's
decision) move it themselves."""

_NEW_PRIMARY_UNIT = {Action.REDISPATCH}
"""Changes a client is told of although the status may stay the same: its callback carries
the primary unit, which would otherwise go stale until the next status change."""


def record_event(
    order: WorkOrder,
    action: str,
    *,
    by: User | None,
    from_status: str = "",
    to_status: str = "",
    unit: Unit | None = None,
    note: str = "",
    data: dict | None = None,
    notify_client: bool = True,
) -> WorkOrderEvent:
    """The immutable history line; callers write it inside their own transaction.

    A status change (or a new primary unit) of an order an API client submitted also
    writes its callback to the outbox here, in the same transaction, so the change and its
    callback stand or fall together.
    """
    event = new_event(
        order,
        action,
        by=by,
        from_status=from_status,
        to_status=to_status,
        unit=unit,
        note=note,
        data=data,
    )
    event.save()
    if action in _LINES_OF_OTHER_FLOWS:
        _mark_changed_for_the_hotline(order, event.created_at)
    if action not in _ACTIONS_OUTSIDE_FIGURES:
        stats.mark_changed(order)
    changed = (from_status and to_status != from_status) or action in _NEW_PRIMARY_UNIT
    if notify_client and changed and order.source_client_id:
        from .callbacks import enqueue_status_change

        enqueue_status_change(order, event)
    return event


def _mark_changed_for_the_hotline(order: WorkOrder, moment: datetime) -> None:
    """Move `updated_at` for a line another flow wrote, without waiting for the order's row.
    Those flows lock their own row first (a dispute, an agreement), while the leader's
    decision and a lead's rejection lock the order before the dispute: waiting here for an
    order another transaction holds could deadlock with them. A row held elsewhere (not by
    this transaction, whose own locks do not count) is moved just after commit instead."""
    free = WorkOrder.objects.select_for_update(skip_locked=True, no_key=True).filter(id=order.id)
    if list(free.values_list("id", flat=True)):
        WorkOrder.objects.filter(id=order.id).update(updated_at=moment)
        order.updated_at = moment
        return
    transaction.on_commit(
        lambda: WorkOrder.objects.filter(id=order.id).update(updated_at=timezone.now())
    )


def open_deadline_names(order: WorkOrder) -> list[str]:
    """Deadlines still running: met ones and those of a paused clock are not, nor the
    sign-for time a jurisdiction dispute stopped (`suspend_sign_for`)."""
    if order.status not in OPEN_STATUSES:
        return []
    names = []
    if order.status == Status.ASSIGNED and order.sign_for_suspended_at is None:
        names.append("sign_for")
    if order.paused_at is None:
        names += _pausable_running(order)
    return [name for name in names if getattr(order, f"due_{name}") is not None]


PAUSABLE = ("decision", "resolution", "answer")
"""The deadlines a pause can stop; the sign-for time runs on (`_pausable_running`)."""


def _pausable_running(order: WorkOrder) -> list[str]:
    """The deadlines a pause stops, those running when the clock is not paused: the
    decision until acceptance, the resolution after it, an inquiry's answer."""
    names = []
    if order.kind != Kind.INQUIRY and order.accepted_at is None:
        names.append("decision")
    if order.accepted_at is not None:
        names.append("resolution")
    names.append("answer")
    return [name for name in names if getattr(order, f"due_{name}") is not None]


def extendable_deadline(order: WorkOrder) -> str:
    """The running deadline an extension request moves by default, or "" when none runs
    that may be extended (the sign-for time never is)."""
    open_names = open_deadline_names(order)
    return next((n for n in ("resolution", "answer", "decision") if n in open_names), "")


_MET_BY = {
    "sign_for": "signed_at",
    "decision": "accepted_at",
    "resolution": "resolved_at",
    "answer": "resolved_at",
}


def why_deadline_stopped(order: WorkOrder, name: str, due: datetime) -> str:
    """Why a deadline no longer counts down: met (in time or late), paused, stopped by a
    jurisdiction dispute waiting for the leader (sign-for only), or none of these (the
    order went back to the office, or was merged)."""
    met_at = getattr(order, _MET_BY.get(name, ""), None)
    if met_at is not None:
        return "on_time" if met_at <= due else "late"
    if (
        name == "sign_for"
        and order.sign_for_suspended_at is not None
        and order.status == Status.ASSIGNED
    ):
        return "disputed"
    if order.paused_at is not None and order.status in OPEN_STATUSES:
        return "paused"
    return "stopped"


def _approved_extensions(order: WorkOrder, rules=None) -> dict[str, int]:
    """The working days of the order's approved extensions, by the deadline they moved,
    approved since that deadline's clock started: a unit's extension of its resolution
    does not pass to the unit an order is re-dispatched to, nor to a reopening."""
    extensions: dict[str, int] = defaultdict(int)
    if order.pk:
        starts = _deadline_starts(order, rules)
        approved = order.extension_requests.filter(status=ExtensionStatus.APPROVED)
        for name, days, decided_at, requested_at in approved.values_list(
            "deadline", "working_days", "decided_at", "requested_at"
        ):
            start = starts.get(name)
            if start is not None and (decided_at or requested_at) >= start:
                extensions[name] += days
    return extensions


def _clocks(order: WorkOrder) -> dict[str, datetime | None]:
    """When each clock started. A reopening starts the one still running again: an accepted
    order's resolution counts from it, and an order never accepted (an inquiry, one resolved
    straight after signing) is received afresh, where an inquiry's answer had stayed due
    before its first answer and every step of the chase fired at once. The acceptance itself
    is kept: the reopening had overwritten it, and the decision read as met late."""
    received = received_by_unit(order.received_at, order.designated_at)
    accepted = order.accepted_at
    reopened = order.reopened_at
    if reopened is not None:
        if accepted is None or accepted > reopened:  # not accepted before the reopening
            received = max(received, reopened)
        if accepted is not None:
            accepted = max(accepted, reopened)
    return {"received": received, "dispatched": order.dispatched_at, "accepted": accepted}


def _deadline_starts(order: WorkOrder, rules=None) -> dict[str, datetime]:
    rules = rules if rules is not None else reference().deadline_rules
    return deadline_starts(
        kind=order.kind, urgency=order.urgency, clocks=_clocks(order), rules=rules
    )


def _paused_days(order: WorkOrder, rules) -> dict[str, int]:
    """The working days each deadline was paused since its clock started. An order paused
    before the days were kept by deadline (`paused_days` empty) has them on every one, as
    they were counted then; so has every new order, with none (intake's path)."""
    if order.paused_days is None:
        return dict.fromkeys(PAUSABLE, order.paused_working_days)
    starts = _deadline_starts(order, rules)
    return {
        name: entry["days"]
        for name, entry in order.paused_days.items()
        if name in starts and datetime.fromisoformat(entry["from"]) == starts[name]
    }


def _computed_deadlines(
    order: WorkOrder, extensions: dict[str, int], *, calendar=None, rules=None
) -> dict[str, datetime]:
    """Every deadline of the order from policy, `extensions` (working days by deadline
    name) and paused working days."""
    if calendar is None or rules is None:
        snapshot = reference()
        calendar = calendar if calendar is not None else snapshot.calendar
        rules = rules if rules is not None else snapshot.deadline_rules
    paused = _paused_days(order, rules)
    return order_deadlines(
        kind=order.kind,
        urgency=order.urgency,
        clocks=_clocks(order),
        calendar=calendar,
        rules=rules,
        extensions=extensions,
        paused_working_days=paused,
    )


def deadline_if_extended(
    order: WorkOrder, name: str, working_days: int, *, approved: dict[str, int] | None = None
) -> datetime | None:
    """The deadline `name` would have once `working_days` more were approved (on top of
    those `approved` already, read from the order when not given). An extension adds
    working days to the deadline, not to today: so the rule has always counted, and
    neither the notice (silent on extensions) nor the domain reference ("extendable by
    15") says otherwise. On a deadline long past the new one may have passed too, so the
    forms say so before anyone asks for or approves it."""
    extensions = dict(_approved_extensions(order) if approved is None else approved)
    extensions[name] = extensions.get(name, 0) + working_days
    return _computed_deadlines(order, extensions).get(name)


@dataclass(frozen=True)
class LateExtension:
    """What an extension of an overdue deadline can do: the fewest working days whose new
    deadline is still ahead (None when even the longest extension is not enough), and the
    deadline the longest extension would give."""

    fewest_days: int | None
    longest_due: datetime | None


def late_extension(order: WorkOrder, name: str, now: datetime) -> LateExtension:
    """For a deadline already past at `now`: how many working days an extension needs to
    bring it back ahead. The deadline grows with the days, so the fewest is searched by
    halves, a handful of recounts rather than one per day."""
    approved = _approved_extensions(order)
    longest = deadline_if_extended(order, name, MAX_EXTENSION_DAYS, approved=approved)
    if longest is None or longest < now:
        return LateExtension(fewest_days=None, longest_due=longest)
    low, high = 1, MAX_EXTENSION_DAYS
    while low < high:
        middle = (low + high) // 2
        due = deadline_if_extended(order, name, middle, approved=approved)
        if due is not None and due >= now:
            high = middle
        else:
            low = middle + 1
    return LateExtension(fewest_days=low, longest_due=longest)


def refresh_deadlines(order: WorkOrder, *, calendar=None, rules=None) -> None:
    """Recompute every deadline from policy, approved extensions and paused working days."""
    if calendar is None or rules is None:
        snapshot = reference()
        calendar = calendar if calendar is not None else snapshot.calendar
        rules = rules if rules is not None else snapshot.deadline_rules
    extensions = _approved_extensions(order, rules)
    due = _computed_deadlines(order, extensions, calendar=calendar, rules=rules)
    for name in DEADLINE_NAMES:
        setattr(order, f"due_{name}", due.get(name))
    previous = order.next_due_at
    running = [(getattr(order, f"due_{name}"), name) for name in open_deadline_names(order)]
    if running:
        order.next_due_at, order.next_due_name = min(running)
    else:
        order.next_due_at, order.next_due_name = None, ""
    if order.next_due_at != previous or order.next_due_at is None:
        # A new deadline starts its own escalation: the overdue scan looks at it once due.
        order.next_escalation_at = order.next_due_at


DEADLINE_FIELDS = [f"due_{name}" for name in DEADLINE_NAMES] + [
    "next_due_at",
    "next_due_name",
    "next_escalation_at",
]


@transaction.atomic
def workorders_recount_deadlines(*, since: date) -> int:
    """Recount the deadlines of open orders that run to `since` or later, after the office
    changed its holiday table from that day on; returns how many orders' deadlines moved.

    Deadlines are stored when their clock starts, so without this, orders counted Monday to
    Friday before next year's holidays were entered would keep deadlines inside the Spring
    Festival until their next action moved them without a word. A deadline that ended
    before `since` cannot contain the changed day and is left as it is. Call it in the
    transaction that changes the table, so the two stand or fall together.
    """
    snapshot = reference()
    start = stats.day_start(since)
    later = Q()
    for name in DEADLINE_NAMES:
        later |= Q(**{f"due_{name}__gte": start})
    orders = (
        WorkOrder.objects.select_for_update(no_key=True, of=("self",))
        .filter(later, status__in=OPEN_STATUSES)
        .order_by("id")
    )
    moved = 0
    for order in orders.iterator(chunk_size=500):
        before = [getattr(order, name) for name in DEADLINE_FIELDS]
        refresh_deadlines(order, calendar=snapshot.calendar, rules=snapshot.deadline_rules)
        if [getattr(order, name) for name in DEADLINE_FIELDS] != before:
            order.save(update_fields=[*DEADLINE_FIELDS, "updated_at"])
            moved += 1
    return moved


def suspend_sign_for(order: WorkOrder, now: datetime) -> bool:
    """A jurisdiction dispute about `order` was just opened (in its transaction, the order
    locked): if the unit holding it is still within its sign-for time, that clock stops
    until the group leader's decision, which assigns the order afresh (`_assign`) and so
    starts a new one from the decision. The notice leaves who handles a disputed case to
    the leader's decision (四（五）), so a unit that disputed in time is not shown, nor
    counted, late for an order it is waiting to be told is its own. One whose sign-for
    time had already passed was late before it disputed, and stays so. Whether it stopped
    is returned, for the history line. Not a user's edit: the version stays."""
    if order.status != Status.ASSIGNED or order.sign_for_suspended_at is not None:
        return False
    if order.due_sign_for is None or order.due_sign_for < now:
        return False
    order.sign_for_suspended_at = now
    refresh_deadlines(order)
    order.save(update_fields=["sign_for_suspended_at", *DEADLINE_FIELDS, "updated_at"])
    return True


def _save(order: WorkOrder, fields: Iterable[str]) -> None:
    refresh_deadlines(order)
    order.version += 1
    order.save(update_fields=sorted({*fields, *DEADLINE_FIELDS, "version", "updated_at"}))


def _move(
    order: WorkOrder,
    action: str,
    *,
    by: User | None,
    fields: Iterable[str] = (),
    unit: Unit | None = None,
    note: str = "",
    data: dict | None = None,
) -> WorkOrderEvent:
    """The status change the transition table names for `action`: set, saved with
    `fields`, and recorded with where it came from."""
    from_status = order.status
    order.status = TRANSITIONS[action].target
    _save(order, ["status", *fields])
    return record_event(
        order,
        action,
        by=by,
        from_status=from_status,
        to_status=order.status,
        unit=unit,
        note=note,
        data=data,
    )


def _set_relation(order: WorkOrder, unit: Unit, relation: str) -> None:
    WorkOrderUnit.objects.update_or_create(order=order, unit=unit, defaults={"relation": relation})


def _member_unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=(code or "").strip(), is_active=True, kind="member").first()
    if unit is None:
        raise WorkflowError(_("There is no member unit with the code “%(code)s”.") % {"code": code})
    return unit


def named_co_unit_codes(codes: Iterable[str]) -> list[str]:
    """The co-handling units' codes as named, each once, blanks left out."""
    return list(dict.fromkeys(code.strip() for code in codes if code and code.strip()))


def primary_among_co_units(unit: Unit | None, codes: Iterable[str]) -> str | None:
    """The refusal when the primary unit is named among the co-handling units (it would
    read as both handling the order and helping itself), None otherwise. One rule for the
    office's form, intake, dispatch and the leader's designation, each refusing in its own
    way (a form's field, a service's ValidationError, a workflow error)."""
    if unit is None or unit.code not in codes:
        return None
    return _("%(unit)s is the primary unit; it cannot also be a co-handling unit.") % {"unit": unit}


def _co_units(unit: Unit, codes: Iterable[str]) -> list[Unit]:
    """The co-handling units named, each once; the primary unit among them is refused."""
    codes = named_co_unit_codes(codes)
    if refusal := primary_among_co_units(unit, codes):
        raise WorkflowError(refusal)
    return [_member_unit(code) for code in codes]


def _assign(order: WorkOrder, unit: Unit, co_units: Iterable[Unit], now: datetime) -> list[str]:
    """Make `unit` the primary unit, keep the others as former or co-handling units. The
    assignment before it, if any, has ended (`_assignment_ended`)."""
    _assignment_ended(order)
    if order.primary_unit_id and order.primary_unit_id != unit.id:
        _set_relation(order, order.primary_unit, UnitRelation.FORMER)
    order.primary_unit = unit
    _set_relation(order, unit, UnitRelation.PRIMARY)
    for co in co_units:
        if co.id != unit.id:
            _set_relation(order, co, UnitRelation.CO)
    order.dispatched_at = now
    order.signed_at = None
    order.accepted_at = None
    order.sign_for_suspended_at = None  # a new assignment, a new sign-for clock
    order.dispatch_count += 1
    return [
        "primary_unit",
        "dispatched_at",
        "signed_at",
        "accepted_at",
        "sign_for_suspended_at",
        "dispatch_count",
        "reminded_due_at",
    ]


def _assignment_ended(order: WorkOrder) -> None:
    """The order leaves its primary unit (returned, re-dispatched, designated to another
    unit, which may keep it as co-handling, or merged), or the leader's decision gives it
    to the unit afresh: what the unit's people were asked to do about it is no longer
    theirs, so their unread new-order notices of it ("sign for it by …", of every
    assignment) and its due-soon and overdue reminders are done, as signing marks the
    former done. One UPDATE over the unit's people's unread notices, however many were
    told; none for an order no unit had. Others' notices stay: a co-handling unit's request
    for its opinion, and the office's and the leader's overdue notices, which are about
    the order wherever it is. Deliveries already queued by email or SMS are left to go.

    Whoever has the order next is reminded of its deadlines, even one the unit was reminded
    of (the decision and answer deadlines count from the call, not the assignment): the
    due-soon scan starts again (`reminded_due_at`), under the new assignment's key."""
    from .reminders import order_reminder_key_prefixes

    order.reminded_due_at = None
    if order.primary_unit_id is None:
        return
    _done(
        _dispatched_keys(order),
        unit_id=order.primary_unit_id,
        key_prefixes=order_reminder_key_prefixes(order.id),
    )


def _left_triage(order: WorkOrder, *, overdue: bool = False) -> None:
    """The order leaves the office's triage queue, dispatched (by the office, or by the
    group leader's decision) or merged: the office's unread due-soon reminders of it, sent
    while it waited there (`reminders.People.of_unit`), are done, as a unit's are when the
    order leaves it (`_assignment_ended`); whoever has it next is reminded afresh. With
    `overdue` (a merge, which closes the order, from the queue or from a unit) its overdue
    notices to the office's people are done too: there is nothing left to chase. Not on a
    dispatch, as those are about the order wherever it is. Called before the assignment
    resets `reminded_due_at`: an order the office was not reminded of since it came back
    (nor, with `overdue`, told overdue) costs no query."""
    from .reminders import order_reminder_key_prefixes

    due_soon, overdue_prefix = order_reminder_key_prefixes(order.id)
    prefixes = [due_soon] if order.reminded_due_at is not None else []
    if overdue and order.escalated_due_at is not None:
        prefixes.append(overdue_prefix)
    if prefixes:
        _done([], key_prefixes=prefixes, office=True)


def _withdraw_pending_extension(
    order: WorkOrder, now: datetime, note: Written | None = None
) -> None:
    """A request made by a unit that no longer handles the order is not for the office to
    approve any more; it is closed as refused, with the reason, and the order's history
    says so as the system's line (no one decided it), next to the unit that asked, so the
    request no longer simply disappears. Called before the order leaves that unit, and
    before it is resolved or merged: a finished order has no deadline left to extend, and
    the office, which decides only on orders being handled, could never clear the request
    from its list. `note` says why, when it is not that the order left the unit."""
    note = note or written("Withdrawn: the order left the unit that asked.")
    pending = order.extension_requests.select_for_update().filter(status=ExtensionStatus.PENDING)
    withdrawn = []
    for request in pending.order_by("id"):
        withdrawn.append(request.id)
        request.status = ExtensionStatus.REFUSED
        request.decided_at = now
        request.decision_note = note
        request.save(update_fields=["status", "decided_at", "decision_note"])
        record_event(
            order,
            Action.REFUSE_EXTENSION,
            by=None,
            unit=order.primary_unit,
            note=note,
            data={
                "request": request.id,
                "deadline": request.deadline,
                "working_days": request.working_days,
                "withdrawn": True,
            },
        )
    if withdrawn:
        _done([_extension_requested_key(request_id) for request_id in withdrawn])


@transaction.atomic
def workorder_dispatch(
    *,
    order_id: int,
    acting_user: User,
    unit_code: str,
    co_unit_codes: Iterable[str] = (),
    reason: str = "",
    force: bool = False,
    expected_version: int | None = None,
) -> WorkOrder:
    """Triage → assigned. After two returns the office may force it (the unit cannot
    return a forced order again). Not while the group leader's decision on a dispute about
    the order is pending (`dispatch_refusal_by_dispute`); an open dispute about the order
    alone, still waiting for the office's proposal, is settled by the dispatch
    (`disputes.dispute_settle_by_dispatch`)."""
    from .disputes import dispute_settle_by_dispatch  # disputes builds on this module

    order = _load(acting_user, order_id, Action.DISPATCH, expected_version)
    unit = _member_unit(unit_code)
    co_units = _co_units(unit, co_unit_codes)
    if force and order.return_count < RETURNS_BEFORE_FORCE:
        raise WorkflowError(
            _("An assignment can be forced only after the order was returned twice.")
        )
    now = timezone.now()
    _left_triage(order)
    fields = _assign(order, unit, co_units, now)
    order.forced_assignment = force
    _move(
        order,
        Action.DISPATCH,
        by=acting_user,
        fields=[*fields, "forced_assignment"],
        unit=unit,
        note=reason.strip(),
        data={"forced": force, "co_units": [c.code for c in co_units]},
    )
    dispute_settle_by_dispatch(
        order=order, unit=unit, co_units=co_units, reason=reason.strip(), acting_user=acting_user
    )
    _returns_dealt_with(order)
    tell_units_of_new_orders([order], overdue_said=True)
    return order


@transaction.atomic
def workorder_assign_by_decision(
    *,
    order_id: int,
    deciding_user: User,
    unit_code: str,
    co_unit_codes: Iterable[str] = (),
    reason: str,
    decision: str,
) -> WorkOrder:
    """The group leader's decision on a jurisdiction dispute: the order goes to the unit
    designated (or the lead unit of a joint team, the members co-handling), and that unit
    cannot return it again. The decision, not the transition table's actor, authorises it;
    callers check that the user decides disputes."""
    order = access.workorder_or_404(deciding_user, order_id=order_id, lock=True)
    if order.status not in OPEN_STATUSES:
        raise WorkflowError(
            _("Order %(number)s has the status “%(status)s”; it can no longer be assigned.")
            % {"number": order.number, "status": order.get_status_display()}
        )
    reason = _required(reason, _("the reason for the decision"), NOTE_MAX_LENGTH)
    unit = _member_unit(unit_code)
    co_units = _co_units(unit, co_unit_codes)
    now = timezone.now()
    if order.paused_at is not None:
        _end_pause(order, now)
    _withdraw_pending_extension(order, now)
    action = Action.DISPATCH if order.status == Status.TRIAGE else Action.REDISPATCH
    if order.status == Status.TRIAGE:
        _left_triage(order)
    previous = order.primary_unit
    fields = _assign(order, unit, co_units, now)
    order.forced_assignment = True
    # The unit designated receives the case now: what it has to do counts from here.
    order.designated_at = now
    refresh_deadlines(order)
    afresh = _deadlines_afresh(order)
    _move(
        order,
        action,
        by=deciding_user,
        fields=[
            *fields,
            "forced_assignment",
            "designated_at",
            "paused_at",
            "pause_reason",
            "paused_working_days",
            "paused_days",
        ],
        unit=unit,
        note=_with_deadlines_afresh(reason, afresh),
        data={
            "decision": decision,
            "forced": True,
            "from_unit": previous.code if previous else None,
            "co_units": [c.code for c in co_units],
            "deadlines_afresh": {name: due.isoformat() for name, due in afresh},
        },
    )
    _returns_dealt_with(order)
    tell_units_of_new_orders([order], co_units_told=True)
    return order


def _deadlines_afresh(order: WorkOrder) -> list[tuple[str, datetime]]:
    """The deadlines the unit designated now has to meet, each counted from the decision
    (`designated_at`): to sign for it, and to decide whether to accept it (or to answer an
    inquiry), in the order they fall. Read before the order's status moves to assigned, so
    not from `open_deadline_names`: a new assignment has no acceptance and no pause yet."""
    names = ["sign_for", *(["decision"] if order.kind != Kind.INQUIRY else []), "answer"]
    due = [(name, getattr(order, f"due_{name}")) for name in names]
    return sorted(((name, at) for name, at in due if at is not None), key=lambda item: item[1])


def _with_deadlines_afresh(reason: str, afresh: list[tuple[str, datetime]]) -> str:
    """The decision's line on the order: the leader's reasons, and under them that the
    deadlines count afresh from the decision, with when each now falls, so the unit
    designated, the office and the hotline read why they are not those of the citizen's
    call (in the district's language, as every history line)."""
    if not afresh:
        return reason
    return written_lines(
        reason,
        written("Counted afresh from this decision, when the unit designated receives the case:"),
        *(
            written(
                "%(deadline)s by %(due)s",
                deadline=label(DeadlinePolicy.Name, name),
                due=minute(due),
            )
            for name, due in afresh
        ),
    )


@transaction.atomic
def workorder_redispatch(
    *,
    order_id: int,
    acting_user: User,
    unit_code: str,
    reason: str,
    expected_version: int | None = None,
) -> WorkOrder:
    """Assigned or in progress → assigned to another unit, which starts its own sign-for
    time; the co-handling units stay. Not an order the group leader's decision assigned
    (`redispatch_refusal_by_decision`). As for a dispatch from the triage queue: not while
    the group leader's decision on a dispute about the order is pending
    (`dispatch_refusal_by_dispute`), and an open dispute about the order alone, still
    waiting for the office's proposal, is settled by the re-dispatch
    (`disputes.dispute_settle_by_dispatch`), the unit the order leaves told with the
    dispute's units."""
    from .disputes import dispute_settle_by_dispatch  # disputes builds on this module

    order = _load(acting_user, order_id, Action.REDISPATCH, expected_version)
    reason = _required(reason, _("the reason for re-dispatching"), NOTE_MAX_LENGTH)
    unit = _member_unit(unit_code)
    if unit.id == order.primary_unit_id:
        raise WorkflowError(_("The order is already with %(unit)s.") % {"unit": unit})
    previous = order.primary_unit
    now = timezone.now()
    if order.paused_at is not None:
        _end_pause(order, now)
    _withdraw_pending_extension(order, now)
    fields = _assign(order, unit, (), now)
    order.forced_assignment = False
    _move(
        order,
        Action.REDISPATCH,
        by=acting_user,
        fields=[
            *fields,
            "forced_assignment",
            "paused_at",
            "pause_reason",
            "paused_working_days",
            "paused_days",
        ],
        unit=unit,
        note=reason,
        data={"from_unit": previous.code if previous else None},
    )
    co_links = order.unit_links.filter(relation=UnitRelation.CO).select_related("unit")
    dispute_settle_by_dispatch(
        order=order,
        unit=unit,
        co_units=[link.unit for link in co_links.order_by("unit__sort_order", "unit__code")],
        reason=reason,
        acting_user=acting_user,
        action=Action.REDISPATCH,
        from_unit=previous,
    )
    tell_units_of_new_orders([order], overdue_said=True)
    return order


@transaction.atomic
def workorder_sign(
    *, order_id: int, acting_user: User, expected_version: int | None = None
) -> WorkOrder:
    order = _load(acting_user, order_id, Action.SIGN, expected_version)
    order.signed_at = timezone.now()
    _move(order, Action.SIGN, by=acting_user, fields=["signed_at"], unit=order.primary_unit)
    # What each of the unit's people was asked to do is done: signed for by one of them.
    _done(
        _dispatched_keys(order),
        unit_id=order.primary_unit_id,
    )
    return order


@transaction.atomic
def workorder_accept(
    *, order_id: int, acting_user: User, note: str = "", expected_version: int | None = None
) -> WorkOrder:
    """The acceptance decision (受理) of a complaint or report; starts the resolution clock."""
    order = _load(acting_user, order_id, Action.ACCEPT, expected_version)
    order.accepted_at = timezone.now()
    _save(order, ["accepted_at"])
    record_event(order, Action.ACCEPT, by=acting_user, unit=order.primary_unit, note=note.strip())
    return order


@transaction.atomic
def workorder_return(
    *, order_id: int, acting_user: User, reason: str, expected_version: int | None = None
) -> WorkOrder:
    """The unit says the order is outside its remit: back to the office's triage queue."""
    order = _load(acting_user, order_id, Action.RETURN, expected_version)
    reason = _required(reason, _("the reason for returning the order"), NOTE_MAX_LENGTH)
    unit = order.primary_unit
    if order.paused_at is not None:
        _end_pause(order, timezone.now())
    _withdraw_pending_extension(order, timezone.now())
    _assignment_ended(order)
    _set_relation(order, unit, UnitRelation.FORMER)
    order.primary_unit = None
    order.return_count += 1
    order.signed_at = order.accepted_at = order.sign_for_suspended_at = None
    _move(
        order,
        Action.RETURN,
        by=acting_user,
        fields=[
            "primary_unit",
            "return_count",
            "signed_at",
            "accepted_at",
            "sign_for_suspended_at",
            "reminded_due_at",
            "paused_at",
            "pause_reason",
            "paused_working_days",
            "paused_days",
        ],
        unit=unit,
        note=reason,
        data={"return_count": order.return_count},
    )
    dispute = None
    if order.return_count >= RETURNS_BEFORE_FORCE:
        from .disputes import dispute_for_second_return  # disputes builds on this module

        dispute = dispute_for_second_return(order, acting_user, reason, tell_office=False)
    tell_office_of_return(order, unit, reason, dispute)
    return order


@transaction.atomic
def workorder_request_extension(
    *,
    order_id: int,
    acting_user: User,
    working_days: int,
    reason: str,
    deadline: str = "",
    expected_version: int | None = None,
) -> ExtensionRequest:
    order = _load(acting_user, order_id, Action.REQUEST_EXTENSION, expected_version)
    reason = _required(reason, _("the reason for the extension"), NOTE_MAX_LENGTH)
    if not 1 <= int(working_days) <= MAX_EXTENSION_DAYS:
        raise WorkflowError(
            _("An extension must be between 1 and %(max)s working days.")
            % {"max": MAX_EXTENSION_DAYS}
        )
    deadline = deadline or extendable_deadline(order)
    if deadline not in open_deadline_names(order) or deadline == "sign_for":
        raise WorkflowError(_("This order has no running deadline that can be extended."))
    request = ExtensionRequest.objects.create(
        order=order,
        deadline=deadline,
        working_days=int(working_days),
        reason=reason,
        requested_by=acting_user,
    )
    order.version += 1
    order.save(update_fields=["version", "updated_at"])
    record_event(
        order,
        Action.REQUEST_EXTENSION,
        by=acting_user,
        unit=order.primary_unit,
        note=reason,
        data={"deadline": deadline, "working_days": int(working_days), "request": request.id},
    )
    tell_office_of_extension_request(order, request)
    return request


@transaction.atomic
def workorder_decide_extension(
    *,
    order_id: int,
    acting_user: User,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """The office approves or refuses the waiting request; only approval moves a deadline."""
    action = Action.APPROVE_EXTENSION if approve else Action.REFUSE_EXTENSION
    order = _load(acting_user, order_id, action, expected_version)
    request = order.extension_requests.filter(status=ExtensionStatus.PENDING).first()
    if request is None:
        raise WorkflowError(_("No extension request is waiting for this order."))
    if not approve:
        _required(note, _("the reason for refusing"), NOTE_MAX_LENGTH)
    before = getattr(order, f"due_{request.deadline}")
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.decided_by = acting_user
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _save(order, [])
    after = getattr(order, f"due_{request.deadline}")
    record_event(
        order,
        action,
        by=acting_user,
        unit=order.primary_unit,
        note=note.strip(),
        data={
            "request": request.id,
            "deadline": request.deadline,
            "working_days": request.working_days,
            "before": before.isoformat() if before else None,
            "after": after.isoformat() if after else None,
        },
    )
    _done([_extension_requested_key(request.id)])
    _tell_of_extension_decision(order, request, after)
    return order


def _extension_still_late(order: WorkOrder, name: str, now: datetime) -> Written:
    """The line under an approval whose new deadline has already passed: how many more
    working days would bring it ahead, or that even the longest would not (as the unit's
    extension form says, `late_extension`)."""
    late = late_extension(order, name, now)
    if late.fewest_days is None:
        return written(
            "An extension adds working days to the deadline, not to today: even the longest "
            "further extension, %(days)s working days, would leave it past.",
            days=MAX_EXTENSION_DAYS,
        )
    return written_plural(
        "An extension adds working days to the deadline, not to today: a further extension "
        "would need at least %(n)s working day to bring it ahead.",
        "An extension adds working days to the deadline, not to today: a further extension "
        "would need at least %(n)s working days to bring it ahead.",
        late.fewest_days,
    )


def _tell_of_extension_decision(
    order: WorkOrder, request: ExtensionRequest, due: datetime | None
) -> None:
    """The person who asked and the unit's head learn the office's decision, the deadline
    as it now stands and the office's note; otherwise a refusal is noticed only when the
    order falls overdue. Written in this transaction, sent after commit.

    An extension adds working days to the deadline, not to today, so the deadline as it
    now stands may have passed already: the title (all a text message carries) says the
    order is, or stays, overdue, rather than "now due" or "still due" a time gone."""
    from departments.choices import RoleCode
    from departments.notifications import Message, notify, people_with_roles
    from wuqing_consumer.language import label

    from .models import DeadlinePolicy

    approved = request.status == ExtensionStatus.APPROVED
    params = {
        "number": order.number,
        "deadline": label(DeadlinePolicy.Name, request.deadline),
        "time": minute(due, "—"),
    }
    passed = due is not None and request.decided_at is not None and due < request.decided_at
    if approved and passed:
        title = written(
            "Extension approved: %(number)s, %(deadline)s now due %(time)s, which has "
            "already passed: the order stays overdue",
            **params,
        )
    elif approved:
        title = written("Extension approved: %(number)s, %(deadline)s now due %(time)s", **params)
    elif passed:
        title = written(
            "Extension refused: %(number)s, %(deadline)s was due %(time)s: the order is overdue",
            **params,
        )
    else:
        title = written("Extension refused: %(number)s, %(deadline)s still due %(time)s", **params)
    if request.decision_note:
        body = written(
            "%(title)s\n\nThe office's note: %(note)s",
            title=order.title,
            note=request.decision_note,
        )
    else:
        body = order.title
    if approved and passed:
        body = written_lines(
            body, _extension_still_late(order, request.deadline, request.decided_at)
        )
    heads = people_with_roles([RoleCode.UNIT_HEAD], [order.primary_unit_id])
    people = {user.id: user for user in heads}
    asked = request.requested_by
    if asked.unit_id == order.primary_unit_id:
        people.setdefault(asked.id, asked)
    notify(
        users=people.values(),
        message=Message(
            key=f"extension:{request.id}",
            category="extension",
            title=title,
            body=body,
            url=reverse("order_detail", args=[order.number]),
        ),
    )


def _dispatched_key(order_id: int, dispatch_count: int) -> str:
    """The occasion of a unit's new-order notice: the order's assignment by its count."""
    return f"dispatched:{order_id}:{dispatch_count}"


def _dispatched_keys(order: WorkOrder) -> list[str]:
    """The occasions of every new-order notice the order has had, one an assignment."""
    return [_dispatched_key(order.id, n) for n in range(1, order.dispatch_count + 1)]


def _returned_key(order_id: int, return_count: int) -> str:
    return f"returned:{order_id}:{return_count}"


def _extension_requested_key(request_id: int) -> str:
    return f"extension_requested:{request_id}"


def _done(
    keys: list[str],
    unit_id: int | None = None,
    key_prefixes: Iterable[str] = (),
    *,
    office: bool = False,
) -> None:
    from departments.notifications import notifications_mark_done

    notifications_mark_done(keys=keys, unit_id=unit_id, key_prefixes=key_prefixes, office=office)


def _returns_dealt_with(order: WorkOrder) -> None:
    """The order returned to the office is dispatched, designated by the group leader or
    merged into an earlier one: the office's notices asking to dispatch it again are done.
    No query for an order never returned, as the hotline's."""
    if order.return_count:
        _done([_returned_key(order.id, n) for n in range(1, order.return_count + 1)])


def _quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A unit's words in a notice: whole when short, else their start and an ellipsis, so
    the bell and the email stay a notice; the order's page has them whole."""
    text = text.strip()
    return text if len(text) <= limit else f"{text[: limit - 1].rstrip()}…"


def tell_office_of_return(
    order: WorkOrder, unit: Unit, reason: str, dispute: Dispute | None = None
) -> None:
    """The people who dispatch the order again (the office's staff and director: the
    transition table's OFFICE, `access.is_office_handler`) hear at once that a unit returned
    it to the triage queue, which unit, why and how many times it has come back, rather than
    from their home page's list. Written in the return's transaction, once per return (the
    key), sent after commit; one set of queries however many are in the office.

    The title names the order by its number, the unit and the count: it is all a text
    message carries, and the reason, which may quote the citizen, is in the text with the
    order's title, cut when long (`_quoted`). A return that opened a jurisdiction dispute
    (`disputes.dispute_for_second_return`, which then tells no one itself) says so in the
    same notice, linking to the dispute's page, where the office writes its proposal to the
    group leader: one return, told once."""
    from departments.notifications import Message, notify, office_people

    n, number, unit_name = order.return_count, order.number, language.unit(unit)
    lines: list[object] = [
        order.title,
        written("Reason for returning: %(reason)s", reason=_quoted(reason)),
    ]
    if dispute is None:
        title = written_plural(
            "Order %(number)s returned by %(unit)s (%(n)s return so far): dispatch it again",
            "Order %(number)s returned by %(unit)s (%(n)s returns so far): dispatch it again",
            n,
            number=number,
            unit=unit_name,
        )
        url = reverse("order_detail", args=[number])
    else:
        title = written_plural(
            "Order %(number)s returned by %(unit)s (%(n)s return so far): jurisdiction "
            "dispute %(dispute)s opened",
            "Order %(number)s returned by %(unit)s (%(n)s returns so far): jurisdiction "
            "dispute %(dispute)s opened",
            n,
            number=number,
            unit=unit_name,
            dispute=dispute.number,
        )
        lines.append(
            written(
                "Write the office's proposal on the dispute's page; the group leader's "
                "decision is due by %(due)s.",
                due=minute(dispute.decision_due_at),
            )
        )
        url = reverse("dispute_detail", args=[dispute.id])
    notify(
        users=office_people(),
        message=Message(
            key=_returned_key(order.id, n),
            category="return",
            title=title,
            body=written_lines(*lines),
            url=url,
        ),
    )


def tell_office_of_extension_request(order: WorkOrder, request: ExtensionRequest) -> None:
    """The people who decide extensions (the office's staff and director: the transition
    table's OFFICE for approving and refusing) hear at once that a unit asks for one: which
    order and unit, which deadline, how many working days, when it falls now and would fall
    if approved, and why. Written in the request's transaction, once per request, sent
    after commit; one set of queries however many are in the office. The title carries no
    words of the unit's or the citizen's, as a text message carries the title alone."""
    from departments.notifications import Message, notify, office_people

    deadline = label(DeadlinePolicy.Name, request.deadline)
    before = getattr(order, f"due_{request.deadline}")
    after = deadline_if_extended(order, request.deadline, request.working_days)

    notify(
        users=office_people(),
        message=Message(
            key=_extension_requested_key(request.id),
            category="extension",
            title=written_plural(
                "Extension requested: %(number)s, %(unit)s asks %(n)s more working day "
                "on %(deadline)s",
                "Extension requested: %(number)s, %(unit)s asks %(n)s more working days "
                "on %(deadline)s",
                request.working_days,
                number=order.number,
                unit=language.unit(order.primary_unit),
                deadline=deadline,
            ),
            body=written_lines(
                order.title,
                written(
                    "%(deadline)s due %(before)s; if approved, %(after)s.",
                    deadline=deadline,
                    before=minute(before, "—"),
                    after=minute(after, "—"),
                ),
                written("Reason for the extension: %(reason)s", reason=_quoted(request.reason)),
            ),
            url=reverse("order_detail", args=[order.number]),
        ),
    )


@transaction.atomic
def workorder_pause(
    *, order_id: int, acting_user: User, reason: str, expected_version: int | None = None
) -> WorkOrder:
    """Stop the clock while the unit waits on something outside its control (testing,
    inspection); the SAMR measures do not count that time."""
    order = _load(acting_user, order_id, Action.PAUSE, expected_version)
    reason = _required(
        reason,
        _("the reason for pausing the clock"),
        WorkOrder._meta.get_field("pause_reason").max_length,
    )
    order.paused_at = timezone.now()
    order.pause_reason = reason
    _save(order, ["paused_at", "pause_reason"])
    record_event(order, Action.PAUSE, by=acting_user, unit=order.primary_unit, note=reason)
    return order


def _end_pause(order: WorkOrder, now: datetime) -> int:
    """The paused working days, kept for the deadlines the pause stopped, with when each
    one's clock started: a deadline already met or not yet started is not moved, and one
    whose clock starts again (a re-dispatch, a reopening) starts without them."""
    snapshot = reference()
    days = working_days_between(
        timezone.localdate(order.paused_at), timezone.localdate(now), snapshot.calendar
    )
    starts = _deadline_starts(order, snapshot.deadline_rules)
    kept = _paused_days(order, snapshot.deadline_rules)
    order.paused_days = {
        name: {"from": starts[name].isoformat(), "days": kept.get(name, 0)}
        for name in PAUSABLE
        if name in starts and kept.get(name, 0)
    }
    for name in _pausable_running(order):
        if name in starts:
            entry = order.paused_days.setdefault(
                name, {"from": starts[name].isoformat(), "days": 0}
            )
            entry["days"] += days
    order.paused_working_days += days
    order.paused_at, order.pause_reason = None, ""
    return days


@transaction.atomic
def workorder_resume(
    *, order_id: int, acting_user: User, note: str = "", expected_version: int | None = None
) -> WorkOrder:
    order = _load(acting_user, order_id, Action.RESUME, expected_version)
    days = _end_pause(order, timezone.now())
    _save(order, ["paused_at", "pause_reason", "paused_working_days", "paused_days"])
    record_event(
        order,
        Action.RESUME,
        by=acting_user,
        unit=order.primary_unit,
        note=note.strip(),
        data={"paused_working_days": days},
    )
    return order


@transaction.atomic
def workorder_add_opinion(
    *, order_id: int, acting_user: User, text: str, expected_version: int | None = None
) -> CoHandlingOpinion:
    order = _load(acting_user, order_id, Action.OPINION, expected_version)
    text = _required(text, _("your unit's opinion"), NOTE_MAX_LENGTH)
    opinion = CoHandlingOpinion.objects.create(
        order=order, unit=acting_user.unit, author=acting_user, text=text
    )
    order.version += 1
    order.save(update_fields=["version", "updated_at"])
    record_event(order, Action.OPINION, by=acting_user, unit=acting_user.unit, note=text)
    _tell_primary_unit_of_opinion(order, opinion)
    return opinion


def _tell_primary_unit_of_opinion(order: WorkOrder, opinion: CoHandlingOpinion) -> None:
    """The primary unit's people hear that a co-handling unit gave its opinion, which it is
    to take into account before replying: on the order's page alone it was read only if
    someone opened the order again in time. The title names the order by its number and the
    unit (what a text message carries); the order's title and the opinion are in the text.
    Not to the group chat, which hears only of new and reopened orders, supervision and
    leads."""
    from departments.notifications import Message, notify, unit_people

    if order.primary_unit_id is None:
        return
    notify(
        users=unit_people([order.primary_unit_id]),
        message=Message(
            key=f"opinion:{opinion.id}",
            category="opinion",
            title=written(
                "%(unit)s gave its opinion on order %(number)s, which your unit handles",
                unit=language.unit(opinion.unit),
                number=order.number,
            ),
            body=written_lines(order.title, opinion.text),
            url=reverse("order_detail", args=[order.number]) + "#opinions",
        ),
    )


@transaction.atomic
def workorder_add_note(
    *, order_id: int, acting_user: User, text: str, expected_version: int | None = None
) -> WorkOrderEvent:
    """A handling note (办理记录): what the primary unit, or a co-handling unit for its own
    part, did on the order (a call, a visit, a test sent off), as a line of the history
    with no status change. Internal: the hotline's view of the history leaves it out
    (`choices.INTERNAL_ACTIONS`), no callback is sent and `updated_at`, which the hotline
    polls by, is left alone; the version moves, so a form from before the note is stale."""
    order = _load(acting_user, order_id, Action.NOTE, expected_version)
    text = _required(text, _("the handling note"), NOTE_MAX_LENGTH)
    order.version += 1
    order.save(update_fields=["version"])
    return record_event(
        order, Action.NOTE, by=acting_user, unit=acting_user.unit, note=text, notify_client=False
    )


@transaction.atomic
def workorder_supervise(
    *, order_id: int, acting_user: User, note: str, expected_version: int | None = None
) -> WorkOrder:
    """督办: the office (or the leader) presses the unit; recorded and counted."""
    order = _load(acting_user, order_id, Action.SUPERVISE, expected_version)
    note = _required(note, _("what the unit is asked to do"), NOTE_MAX_LENGTH)
    order.supervision_count += 1
    _save(order, ["supervision_count"])
    event = record_event(
        order, Action.SUPERVISE, by=acting_user, unit=order.primary_unit, note=note
    )
    if order.primary_unit_id is not None:
        _tell_unit_of_supervision(order, event)
    return order


def _tell_unit_of_supervision(order: WorkOrder, event: WorkOrderEvent) -> None:
    """The unit's people (bell, and their channels) and its group-chat robot; sent after
    commit by the notification service."""
    from departments.notifications import Message, notify

    unit = order.primary_unit
    people = User.objects.filter(
        unit=unit, is_active=True, roles__code__in=access.UNIT_HANDLER_ROLES
    ).distinct()
    # The group leader (组长) may supervise too: the unit is told it was he, not the office.
    by_leader = access.decides_disputes(event.actor) and not access.is_office_handler(event.actor)
    if by_leader:
        title = written("The group leader supervises order %(number)s", number=order.number)
        body = written(
            "The group leader supervises order %(number)s (%(title)s):\n\n"
            "%(note)s\n\nPlease handle it and reply in the portal.",
            number=order.number,
            title=order.title,
            note=event.note,
        )
    else:
        title = written("Supervision of order %(number)s", number=order.number)
        body = written(
            "The coordination office supervises order %(number)s (%(title)s):\n\n"
            "%(note)s\n\nPlease handle it and reply in the portal.",
            number=order.number,
            title=order.title,
            note=event.note,
        )
    notify(
        users=people,
        message=Message(
            key=f"supervise:{event.id}",
            category="supervise",
            title=title,
            body=body,
            url=reverse("order_detail", args=[order.number]),
        ),
        robot_unit=unit,
    )


def tell_units_of_new_orders(
    orders: Iterable[WorkOrder], *, co_units_told: bool = False, overdue_said: bool = False
) -> None:
    """Each order's unit hears at once that the order came to it, and by when to sign for
    it; each co-handling unit that it is asked to help (the bell, the channels its people
    chose, and its group-chat robot). Rapid response (measure 4(1)) needs the unit to know
    the day the order arrives, not from the due-soon reminder. Only orders still waiting to
    be signed for by that unit: one moved on meanwhile was told by what moved it. A fixed
    number of queries for any number of orders (the hotline's come in batches, told by the
    worker just after intake answers); once per order and assignment (the key).

    The title names the order by its number and says what to do (by when to sign for it,
    whom to help), and the order's own title is in the text: the title is what a text
    message and the unit's group chat (which may include people outside the unit) carry,
    and an order's title is often the citizen's first words, a name or a phone in them, as
    the due-soon and overdue reminders keep it out of theirs.

    `co_units_told`: the co-handling units heard of the orders otherwise, as from the group
    leader's decision, which tells those he names itself, with his reasons
    (`disputes._tell_outcome`): only the unit designated is told here.

    `overdue_said`: the office dispatched or re-dispatched the orders, and a deadline that
    has already passed (the acceptance decision or the answer, counted from the citizen's
    call, not from the dispatch) is said in the text under the order's title, with when it
    fell (`_overdue_lines`), so the unit does not learn it from the overdue notices alone."""
    from departments.notifications import Message, notify_many, unit_people

    waiting = [o for o in orders if o.primary_unit_id and o.status == Status.ASSIGNED]
    if not waiting:
        return
    helping: dict[int, list[Unit]] = defaultdict(list)
    if not co_units_told:
        links = WorkOrderUnit.objects.filter(order__in=waiting, relation=UnitRelation.CO)
        for link in links.select_related("unit"):
            helping[link.order_id].append(link.unit)
    unit_ids = {o.primary_unit_id for o in waiting} | {
        u.id for units in helping.values() for u in units
    }
    people: dict[int, list[User]] = defaultdict(list)
    for person in unit_people(unit_ids):
        people[person.unit_id].append(person)
    again = _back_with_a_unit_that_had_them(waiting)
    items = []
    now = timezone.now()
    for order in waiting:
        url = reverse("order_detail", args=[order.number])
        items.append(
            (
                _new_order_message(
                    order, url, now, again=order.id in again, overdue_said=overdue_said
                ),
                people[order.primary_unit_id],
                order.primary_unit,
            )
        )
        for unit in helping[order.id]:
            message = Message(
                key=f"co_handling:{order.id}:{unit.id}",
                category="dispatch",
                title=written(
                    "Order %(number)s, handled by %(unit)s: your unit is asked to co-handle it",
                    number=order.number,
                    unit=language.unit(order.primary_unit),
                ),
                body=written_lines(
                    order.title, written("Give your unit's opinion on the order's page.")
                ),
                url=url,
            )
            items.append((message, people[unit.id], unit))
    notify_many(items)


def _back_with_a_unit_that_had_them(orders: list[WorkOrder]) -> set[int]:
    """The ids of `orders` dispatched to their unit before this assignment too (it returned
    the order and has it again, or the leader designated the unit that held it): its notice
    does not call the order new. A query only when one was dispatched more than once, so
    the hotline's new orders cost none."""
    again = [o for o in orders if o.dispatch_count > 1]
    if not again:
        return set()
    units = {o.id: o.primary_unit_id for o in again}
    dispatches = (
        WorkOrderEvent.objects.filter(
            order_id__in=list(units), action__in=[Action.DISPATCH, Action.REDISPATCH]
        )
        .values_list("order_id", "unit_id")
        .annotate(n=Count("id"))
    )
    return {order_id for order_id, unit_id, n in dispatches if units[order_id] == unit_id and n > 1}


def _overdue_lines(order: WorkOrder, now: datetime) -> list[Written]:
    """A line for each running deadline of the order that has already passed at `now`, in
    the order they fell: what a unit given an overdue order reads in its notice. Not the
    time to sign for it, which the title speaks of."""
    late = [
        (getattr(order, f"due_{name}"), name)
        for name in open_deadline_names(order)
        if name != "sign_for" and getattr(order, f"due_{name}") < now
    ]
    return [
        written(
            "Already overdue: %(what)s was due %(when)s.",
            what=label(DeadlinePolicy.Name, name),
            when=minute(due),
        )
        for due, name in sorted(late)
    ]


def _new_order_message(
    order: WorkOrder, url: str, now: datetime, *, again: bool, overdue_said: bool = False
):
    """The notice to the unit an order came to (`tell_units_of_new_orders`). One told when
    its time to sign has already passed (the hotline's, told by a worker that came late)
    says so rather than "sign for it by" a time gone; one back with a unit that had it is
    not called new. With `overdue_said`, the deadlines already passed are said under the
    order's title (`_overdue_lines`)."""
    from departments.notifications import Message

    due = order.due_sign_for
    at = minute(due)
    if due is None:
        title = (
            written("Order %(number)s is with your unit again", number=order.number)
            if again
            else written("New order %(number)s for your unit", number=order.number)
        )
    elif due < now:
        title = (
            written(
                "Order %(number)s is with your unit again: the time to sign for it, %(due)s, "
                "has passed; sign for it now",
                number=order.number,
                due=at,
            )
            if again
            else written(
                "New order %(number)s for your unit: the time to sign for it, %(due)s, has "
                "passed; sign for it now",
                number=order.number,
                due=at,
            )
        )
    else:
        title = (
            written(
                "Order %(number)s is with your unit again: sign for it by %(due)s",
                number=order.number,
                due=at,
            )
            if again
            else written(
                "New order %(number)s for your unit: sign for it by %(due)s",
                number=order.number,
                due=at,
            )
        )
    if order.urgency != Urgency.NORMAL:
        # An urgent order's shorter time to sign is read first, in the bell and on a phone.
        title = written(
            "[%(urgency)s] %(notice)s", urgency=label(Urgency, order.urgency), notice=title
        )
    late = _overdue_lines(order, now) if overdue_said else []
    return Message(
        key=_dispatched_key(order.id, order.dispatch_count),
        category="dispatch",
        title=title,
        body=written_lines(order.title, *late) if late else order.title,
        url=url,
    )


@transaction.atomic
def workorder_resolve(
    *, order_id: int, acting_user: User, result: str, expected_version: int | None = None
) -> WorkOrder:
    order = _load(acting_user, order_id, Action.RESOLVE, expected_version)
    result = _required(result, _("the result of the handling"), RESULT_MAX_LENGTH)
    now = timezone.now()
    data = {}
    if order.paused_at is not None:
        data["paused_working_days"] = _end_pause(order, now)
    _withdraw_pending_extension(
        order, now, written("Withdrawn: the order was resolved before the office decided.")
    )
    order.result = result
    order.resolved_at = now
    event = _move(
        order,
        Action.RESOLVE,
        by=acting_user,
        fields=[
            "result",
            "resolved_at",
            "paused_at",
            "pause_reason",
            "paused_working_days",
            "paused_days",
        ],
        unit=order.primary_unit,
        note=result,
        data=data,
    )
    _tell_co_units_of_result(order, event)
    return order


def _tell_co_units_of_result(order: WorkOrder, event: WorkOrderEvent) -> None:
    """Each co-handling unit hears that the primary unit replied with the result (once per
    resolution: a reopened order resolved again is told again): the order leaves its
    "Co-handling" tab then, and the result was found only by looking for it. The title
    names the order by its number and the primary unit; the result itself is read on the
    order's page, in the portal, rather than carried by email."""
    from departments.notifications import Message, notify_many, unit_people

    co_unit_ids = [link.unit_id for link in order.co_unit_links]
    if not co_unit_ids:
        return
    people: dict[int, list[User]] = defaultdict(list)
    for person in unit_people(co_unit_ids):
        people[person.unit_id].append(person)
    url = reverse("order_detail", args=[order.number])
    title = written(
        "Order %(number)s, which your unit co-handles, was resolved by %(unit)s",
        number=order.number,
        unit=language.unit(order.primary_unit),
    )
    body = written_lines(order.title, written("The result is on the order's page."))
    notify_many(
        [
            (
                Message(
                    key=f"co_resolved:{event.id}:{unit_id}",
                    category="resolved",
                    title=title,
                    body=body,
                    url=url,
                ),
                people[unit_id],
                None,
            )
            for unit_id in co_unit_ids
        ]
    )


@transaction.atomic
def workorder_close(
    *, order_id: int, acting_user: User, note: str = "", expected_version: int | None = None
) -> WorkOrder:
    order = _load(acting_user, order_id, Action.CLOSE, expected_version)
    order.closed_at = timezone.now()
    _move(
        order,
        Action.CLOSE,
        by=acting_user,
        fields=["closed_at"],
        unit=order.primary_unit,
        note=note.strip(),
    )
    return order


@transaction.atomic
def workorder_record_satisfaction(
    *,
    order_id: int,
    acting_user: User,
    rating: str,
    comment: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """A call-back's answer. Dissatisfied reopens the order to the unit and is counted."""
    order = _load(acting_user, order_id, Action.SATISFACTION, expected_version)
    return _apply_satisfaction(order, acting_user, rating, comment, {})


@transaction.atomic
def workorder_client_satisfaction(
    *, client: ApiClient, hotline_id: str, rating: str, comment: str = "", callback_id: str = ""
) -> WorkOrder:
    """The hotline's call-back result for one of its own orders; only on a resolved order
    (the contract), or one the office closed before the call-back came, as the office may
    record one then too; the event says which client reported it.

    The hotline retries on every timeout. With the hotline's own `callback_id`, a call-back
    is that id, however late its retry comes: after the unit resolved a reopened order
    again, the retry of the dissatisfied call-back must not reopen it a second time. Without
    one, the same rating and comment as any call-back since the latest resolution is that
    call-back again, even arriving after a later one. A retry is answered with the order as
    it stands and recorded once, even after a dissatisfied one reopened the order.
    """
    order = (
        WorkOrder.objects.select_for_update(no_key=True, of=("self",))
        .select_related("primary_unit")
        .filter(source_client=client, hotline_id=hotline_id)
        .first()
    )
    if order is None:
        raise Http404
    comment = comment.strip()
    if callback_id:
        recorded = (
            order.events.filter(action=Action.SATISFACTION, data__callback_id=callback_id)
            .only("note", "data")
            .first()
        )
        if recorded is not None:
            if recorded.data.get("rating") == rating and recorded.note == comment:
                return order
            raise WorkflowError(
                _(
                    "Call-back %(id)s was already recorded on order %(number)s with another "
                    "rating or comment. Send a new callback_id for a new call-back."
                )
                % {"id": callback_id, "number": order.number}
            )
    else:
        latest_first = order.events.filter(
            action__in=[Action.SATISFACTION, Action.RESOLVE]
        ).order_by("-id")
        for event in latest_first.only("action", "actor", "note", "data"):
            if event.action == Action.RESOLVE:
                break  # a call-back on an earlier resolution is not this one
            if (
                event.actor_id is None
                and "client" in event.data
                and event.data.get("rating") == rating
                and event.note == comment
            ):
                return order
    if not order.has_standing_resolution:
        if order.merged_into_id is not None:
            # The case goes on in the other order: the call-back belongs there.
            raise WorkflowError(
                _(
                    "Order %(number)s was merged into order %(into)s, where the case is "
                    "handled: a satisfaction call-back is for that order, once it is resolved."
                )
                % {
                    "number": order.number,
                    "into": WorkOrder.objects.values_list("number", flat=True).get(
                        id=order.merged_into_id
                    ),
                }
            )
        raise WorkflowError(
            _(
                "Order %(number)s has the status “%(status)s” (%(code)s); a satisfaction "
                "call-back is accepted only once it is resolved."
            )
            % {"number": order.number, "status": order.get_status_display(), "code": order.status}
        )
    extra = {"client": client.name}
    if callback_id:
        extra["callback_id"] = callback_id
    return _apply_satisfaction(order, None, rating, comment, extra)


def _apply_satisfaction(
    order: WorkOrder, actor: User | None, rating: str, comment: str, extra: dict
) -> WorkOrder:
    if not rating:
        raise WorkflowError(
            _("Choose what the citizen said at the call-back: %(ratings)s.")
            % {"ratings": language.list_separator().join(str(r.label) for r in Satisfaction)}
        )
    if rating not in Satisfaction.values:
        raise WorkflowError(_("Unknown satisfaction rating “%(rating)s”.") % {"rating": rating})
    from_status = order.status
    order.satisfaction = rating
    order.satisfaction_comment = comment.strip()
    order.satisfaction_at = timezone.now()
    fields = ["satisfaction", "satisfaction_comment", "satisfaction_at"]
    reopened = (
        rating == Satisfaction.DISSATISFIED
        and order.primary_unit_id is not None
        and order.merged_into_id is None
    )
    if reopened:
        order.status = Status.IN_PROGRESS
        order.reopen_count += 1
        order.resolved_at = order.closed_at = None
        # Handling starts again: what it counts from here counts from the reopening (`_clocks`).
        order.reopened_at = timezone.now()
        fields += ["status", "reopen_count", "resolved_at", "closed_at", "reopened_at"]
    _save(order, fields)
    record_event(
        order,
        Action.SATISFACTION,
        by=actor,
        note=comment.strip(),
        data={"rating": rating, **extra},
    )
    if reopened:
        event = record_event(
            order,
            Action.REOPEN,
            by=actor,
            from_status=from_status,
            to_status=Status.IN_PROGRESS,
            unit=order.primary_unit,
            note=comment.strip(),
            data={"reopen_count": order.reopen_count, **extra},
        )
        _tell_unit_of_reopening(order, event)
    return order


def _tell_unit_of_reopening(order: WorkOrder, event: WorkOrderEvent) -> None:
    """The unit learns at once that its order is back (回访不满意重办), whether the office
    or the hotline recorded the call-back: the order was out of its lists since it was
    resolved, and its time to resolve it counts again from now. What the citizen said is
    read on the order's page, not carried by a text message or the group chat."""
    from departments.notifications import Message, notify, unit_people

    notify(
        users=unit_people([order.primary_unit_id]),
        message=Message(
            key=f"reopen:{event.id}",
            category="return",
            title=written(
                "Order %(number)s is with your unit again: the citizen was dissatisfied at "
                "the call-back; handle it again",
                number=order.number,
            ),
            body=written_lines(
                order.title,
                written("What the citizen said and the previous result are on the order's page."),
            ),
            url=reverse("order_detail", args=[order.number]),
        ),
        robot_unit=order.primary_unit,
    )


@transaction.atomic
def workorder_exclude_from_stats(
    *, order_id: int, acting_user: User, reason: str, expected_version: int | None = None
) -> WorkOrder:
    order = _load(acting_user, order_id, Action.EXCLUDE, expected_version)
    reason = _required(
        reason,
        _("the reason for excluding the order"),
        WorkOrder._meta.get_field("exclusion_reason").max_length,
    )
    order.excluded_from_stats = True
    order.exclusion_reason = reason
    _save(order, ["excluded_from_stats", "exclusion_reason"])
    record_event(order, Action.EXCLUDE, by=acting_user, note=reason)
    return order


def _duplicate(order: WorkOrder, duplicate_id: int) -> PossibleDuplicate:
    pair = (
        PossibleDuplicate.objects.select_for_update()
        .filter(id=duplicate_id, order=order)
        .select_related("other")
        .first()
    )
    if pair is None:
        raise WorkflowError(_("That possible duplicate is not listed for this order."))
    if pair.status != DuplicateStatus.SUSPECTED:
        raise WorkflowError(_("This possible duplicate has already been decided."))
    return pair


def _decide_duplicate(pair: PossibleDuplicate, status: str, user: User) -> None:
    pair.status = status
    pair.decided_by = user
    pair.decided_at = timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at"])


@transaction.atomic
def workorder_link_duplicate(
    *, order_id: int, acting_user: User, duplicate_id: int, expected_version: int | None = None
) -> WorkOrder:
    """Both orders stay as they are, each showing the other; nothing is lost."""
    order = _load(acting_user, order_id, Action.LINK_DUPLICATE, expected_version)
    pair = _duplicate(order, duplicate_id)
    _decide_duplicate(pair, DuplicateStatus.LINKED, acting_user)
    order.version += 1
    order.save(update_fields=["version", "updated_at"])
    PossibleDuplicate.objects.update_or_create(
        order=pair.other,
        other=order,
        defaults={
            "reason": pair.reason,
            "status": DuplicateStatus.LINKED,
            "decided_by": acting_user,
            "decided_at": pair.decided_at,
        },
    )
    # Its history shows the link too, the hotline's view of it included.
    WorkOrder.objects.filter(id=pair.other_id).update(
        version=F("version") + 1, updated_at=order.updated_at
    )
    record_event(order, Action.LINK_DUPLICATE, by=acting_user, data={"other": pair.other.number})
    record_event(pair.other, Action.LINK_DUPLICATE, by=acting_user, data={"other": order.number})
    return order


@transaction.atomic
def workorder_dismiss_duplicate(
    *, order_id: int, acting_user: User, duplicate_id: int, expected_version: int | None = None
) -> WorkOrder:
    order = _load(acting_user, order_id, Action.DISMISS_DUPLICATE, expected_version)
    pair = _duplicate(order, duplicate_id)
    _decide_duplicate(pair, DuplicateStatus.DISMISSED, acting_user)
    order.version += 1
    order.save(update_fields=["version", "updated_at"])
    record_event(order, Action.DISMISS_DUPLICATE, by=acting_user, data={"other": pair.other.number})
    return order


@transaction.atomic
def workorder_merge(
    *, order_id: int, acting_user: User, duplicate_id: int, expected_version: int | None = None
) -> WorkOrder:
    """The order is closed as merged into the earlier one; both records and histories stay,
    and the citizen's contact stays on this order."""
    order = _load(acting_user, order_id, Action.MERGE, expected_version)
    pair = _duplicate(order, duplicate_id)
    target = pair.other
    if target.merged_into_id is not None:
        raise WorkflowError(_("The other order has itself been merged; merge into that one."))
    _decide_duplicate(pair, DuplicateStatus.MERGED, acting_user)
    now = timezone.now()
    _withdraw_pending_extension(
        order,
        now,
        written("Withdrawn: the order was merged into another before the office decided."),
    )
    _left_triage(order, overdue=True)
    _assignment_ended(order)
    order.merged_into = target
    order.closed_at = now
    order.excluded_from_stats = True
    reason = written("Merged into %(number)s", number=target.number)
    order.exclusion_reason, order.exclusion_message = reason, reason.message
    order.paused_at, order.pause_reason = None, ""
    _move(
        order,
        Action.MERGE,
        by=acting_user,
        fields=[
            "merged_into",
            "closed_at",
            "excluded_from_stats",
            "exclusion_reason",
            "exclusion_message",
            "paused_at",
            "pause_reason",
            "reminded_due_at",
        ],
        data={"into": target.number},
    )
    # The earlier order's history and page now show the merge: a form opened on it before
    # is stale too. `_duplicate` read it under the pair's lock (the join is locked as well).
    target.version += 1
    target.save(update_fields=["version", "updated_at"])
    record_event(target, Action.MERGE, by=acting_user, data={"merged": order.number})
    # A returned order merged from the triage queue is not to be dispatched again either.
    _returns_dealt_with(order)
    return order
