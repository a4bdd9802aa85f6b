"""Screens for jurisdiction disputes and joint teams. Thin: read through the access module,
write through `disputes`, show errors as messages in the user's language."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from departments import access
from departments.models import User
from departments.notifications import notifications_mark_read_at
from wuqing_consumer import form_once
from wuqing_consumer.list_filters import ListFilters
from wuqing_consumer.versions import posted_version
from wuqing_consumer.views import form_values, posted_int, redirect_back

from . import disputes, selectors
from .choices import (
    OPEN_DISPUTE_STATUSES,
    Action,
    DisputeAction,
    DisputeStatus,
    ReferralStatus,
    UnitRelation,
    dispute_step_label,
)
from .filters import dispute_search
from .forms import member_units
from .models import Dispute, DisputeEvent, TeamTask, WorkOrderUnit
from .workflow import WorkflowError


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    items = access.disputes_visible_to(user)
    has_team_tasks = access.refers_for_unit(user)
    filters = ListFilters(request.GET)
    status = filters.choice(
        "status",
        ["undecided", *(["tasks"] if has_team_tasks else []), *DisputeStatus.values],
        label=_("Status"),
    )
    if filters.invalid:
        items = items.none()
    elif status == "undecided":
        items = items.filter(status__in=OPEN_DISPUTE_STATUSES)
    elif status == "tasks":
        items = selectors.disputes_with_tasks_for(user)
    elif status in DisputeStatus.values:
        items = items.filter(status=status)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        items = items.filter(dispute_search(query, user))
    # A row names the units its dispute involves as the dispute's page does: its joint
    # team's units too once the leader forms one, which come with the page, not per row.
    items = items.select_related("team__lead_unit").prefetch_related("units", "team__member_units")
    # A dispute the office's dispatch settled has no decision of the leader's to show: the
    # column says when the dispatch settled it instead.
    items = items.annotate(
        dispatched_at=Subquery(
            DisputeEvent.objects.filter(
                dispute=OuterRef("pk"), action=DisputeAction.DISPATCH
            ).values("created_at")[:1]
        )
    )
    page = Paginator(items.order_by("-opened_at", "-id"), 25).get_page(request.GET.get("page"))
    for dispute in page:
        dispute.units_led = selectors.units_involved(dispute, getattr(dispute, "team", None))
    return render(
        request,
        "complaints/dispute_list.html",
        {
            "page": page,
            "status": status,
            "q": query,
            "filters": filters,
            "statuses": DisputeStatus.choices,
            "now": timezone.now(),
            "sees_all": access.sees_all_units(user),
            "has_team_tasks": has_team_tasks,
        },
    )


@login_required
def dispute_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = access.dispute_or_404(request.user, dispute_id=dispute_id)
    notifications_mark_read_at(
        user=request.user, url=reverse("dispute_detail", kwargs={"dispute_id": dispute.id})
    )
    return _detail_page(request, dispute)


KEPT_FORMS = ("propose", "designate", "form-team", "add-task", "finding", "escalate", "conclude")
"""The dispute page's forms that come back with what was typed when they are refused for
what it holds: the team's conclusion above all (the longest text), a task with its owners
and due date, a finding, a question, the leader's decision and its reasons, the office's
proposal. Naming a member and marking a task done are a choice or a button; a refusal for
the dispute's state or version (`WorkflowError`) still goes back to the page as it now is."""


def _detail_page(
    request: HttpRequest,
    dispute: Dispute,
    *,
    sent_for: str = "",
    sent: QueryDict | None = None,
    error: ValidationError | None = None,
    status: int = 200,
) -> HttpResponse:
    """The dispute's page; with `sent`, the form `sent_for` shows what was posted to it
    rather than the dispute as stored, as a refused form must (its messages say why, and
    `error` says it again under the fields refused)."""

    def kept(form: str) -> QueryDict | None:
        return sent if sent_for == form else None

    def refused(form: str) -> ValidationError | None:
        return error if sent_for == form else None

    team = getattr(dispute, "team", None)
    if team is not None:
        selectors.load_team_questions(team)
    user = request.user
    member = (
        team is not None
        and team.concluded_at is None
        and team.member_units.filter(id=getattr(user, "unit_id", None)).exists()
        and access.has_role(user, *access.UNIT_HANDLER_ROLES)
    )
    leads = member and user.unit_id == team.lead_unit_id
    sent_on = selectors.leads_sent_on_by(user, dispute)
    settled_leads = selectors.leads_settled_by(user, dispute, sent_on)
    # The settled leads' row says as what a lead was sent on; the older row of leads sent
    # on by the decision keeps only those it does not name, so none is listed twice.
    named = {lead.id for row in settled_leads for lead, _visible in row.sent_on}
    events = list(
        dispute.events.select_related("actor", "actor_unit").prefetch_related("actor__roles")
    )
    units_by_code = {unit.code: unit for unit in member_units()}
    for event in events:
        event.step = dispute_step_label(event.action, by_team=team is not None)
        # The decision's line names whom it gave the case, beside the leader's reasons.
        event.decided_unit = event.team_units = None
        if event.action == DisputeAction.DESIGNATE and event.data.get("unit"):
            event.decided_unit = units_by_code.get(event.data["unit"], event.data["unit"])
        elif event.action == DisputeAction.FORM_TEAM and event.data.get("lead"):
            lead = event.data["lead"]
            event.decided_unit = units_by_code.get(lead, lead)
            event.team_units = [
                units_by_code.get(code, code)
                for code in event.data.get("members", [])
                if code != lead
            ]
    # A lead's dispute is about the order the lead came from, the referrer's: the receiving
    # unit reads its number, as on the lead's page, not its title or a link to a page it
    # may not open, nor the reasons its units gave for returning it.
    order_visible = (
        dispute.order_id is not None
        and access.workorders_visible_to(user).filter(pk=dispute.order_id).exists()
    )
    # Each unit's reasons for returning the order, oldest first: a second return opens the
    # dispute with the second unit's reasons alone, and the leader decides between both.
    order_returns = (
        dispute.order.events.filter(action=Action.RETURN)
        .select_related("unit", "actor")
        .order_by("created_at", "id")
        if order_visible
        else []
    )
    # The units the leader named to co-handle the order with the one he designated: his
    # decision reads whole where it is summed up, not only in the history below it.
    proposed_co_units = list(dispute.proposed_co_units.order_by("sort_order"))
    # The office's dispatch that settled the dispute before it went to the leader, if one
    # did: whom it gave the order, by whom and when, where a decision would be summed up.
    dispatched = next((e for e in events if e.action == DisputeAction.DISPATCH), None)
    decided_co_units = next(
        (
            event.data.get("co_units") or []
            for event in reversed(events)
            if event.action == DisputeAction.DESIGNATE
        ),
        [],
    )
    return render(
        request,
        "complaints/dispute_detail.html",
        {
            "dispute": dispute,
            "order_visible": order_visible,
            "order_returns": order_returns,
            "sent_on": [(lead, visible) for lead, visible in sent_on if lead.id not in named],
            "settled_leads": settled_leads,
            "team": team,
            "events": events,
            "decided_co_units": decided_co_units,
            "dispatched": dispatched,
            "dispatched_unit": units_by_code.get(dispatched.data.get("unit"), "")
            if dispatched
            else None,
            # A re-dispatch names the unit the order left, as the dispute's history does.
            "dispatched_from": units_by_code.get(dispatched.data.get("from_unit"))
            if dispatched
            else None,
            "units": member_units(),
            "team_units": team.member_units.all() if team else [],
            "units_involved": selectors.units_involved(dispute, team),
            "team_units_led": [
                (unit, unit.id == team.lead_unit_id) for unit in selectors.team_units(team)
            ]
            if team
            else [],
            "tasks": team.tasks.select_related("owner_unit", "owner") if team else [],
            "members": team.members.select_related("unit") if team else [],
            "candidates": User.objects.filter(is_active=True, unit__in=team.member_units.all())
            .exclude(id__in=team.members.values("id"))
            .select_related("unit")
            if team
            else [],
            "findings": team.findings.select_related("unit", "author") if team else [],
            "can_propose": access.is_office_handler(user) and dispute.status == DisputeStatus.OPEN,
            "proposal_standing": access.sees_all_units(user)
            and dispute.status == DisputeStatus.PROPOSED,
            "can_decide": access.decides_disputes(user)
            and dispute.status == DisputeStatus.PROPOSED,
            "is_member": member,
            "leads": leads
            or (team is not None and team.concluded_at is None and access.is_office_handler(user)),
            "overdue": dispute.status in OPEN_DISPUTE_STATUSES
            and dispute.decision_due_at < timezone.now(),
            "today": timezone.localdate(),
            "task_form": form_values(
                ("title", "owner_unit", "owner", "due_on"),
                kept("add-task"),
                error=refused("add-task"),
            ),
            "propose_form": form_values(
                ("proposal", "unit", "co_units"),
                kept("propose"),
                # The office starts from the unit the opener suggested, if it named one.
                {
                    "proposal": dispute.proposal,
                    "unit": dispute.suggested_unit.code if dispute.suggested_unit else "",
                },
                error=refused("propose"),
                lists=["co_units"],
            ),
            # The leader starts from what the office proposed: he confirms it, or changes it.
            "designate_form": form_values(
                ("unit", "co_units", "note"),
                kept("designate"),
                {
                    "unit": dispute.proposed_unit.code if dispute.proposed_unit else "",
                    "co_units": [unit.code for unit in proposed_co_units],
                },
                error=refused("designate"),
                lists=["co_units"],
            ),
            "proposed_co_units": proposed_co_units,
            "co_now": _co_units_now(dispute),
            "unit_names": {unit.code: unit for unit in member_units()},
            "team_form": form_values(
                ("lead_unit", "member_units", "note"),
                kept("form-team"),
                lists=["member_units"],
                error=refused("form-team"),
            ),
            "finding_form": form_values(("text",), kept("finding"), error=refused("finding")),
            "escalate_form": form_values(
                ("question",), kept("escalate"), error=refused("escalate")
            ),
            "conclude_form": form_values(
                (
                    "violation_finding",
                    "law_applied",
                    "procedure",
                    "penalty",
                    "transfer_to",
                    "criminal_handover",
                ),
                kept("conclude"),
                checks=["criminal_handover"],
                error=refused("conclude"),
            ),
        },
        status=status,
    )


def _co_units_now(dispute: Dispute) -> list:
    """The units co-handling the dispute's open work order now: a designation keeps them,
    so the leader's form names them rather than offering them again."""
    if dispute.order_id is None or dispute.status not in OPEN_DISPUTE_STATUSES:
        return []
    return [
        link.unit
        for link in WorkOrderUnit.objects.filter(
            order_id=dispute.order_id, relation=UnitRelation.CO
        ).select_related("unit")
    ]


@login_required
@require_POST
def dispute_open(request: HttpRequest) -> HttpResponse:
    referral = request.POST.get("referral")
    try:
        dispute = disputes.dispute_open(
            acting_user=request.user,
            summary=request.POST.get("summary", ""),
            order_number=request.POST.get("order", ""),
            referral_id=posted_int(referral),
            suggested_unit_code=request.POST.get("suggested_unit", ""),
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Dispute %(number)s was opened.") % {"number": dispute.number})
        return redirect("dispute_detail", dispute_id=dispute.id)
    return redirect_back(request, "dispute_list")


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def dispute_act(request: HttpRequest, dispute_id: int, action: str) -> HttpResponse:
    dispute = access.dispute_or_404(request.user, dispute_id=dispute_id)
    post, user = request.POST, request.user
    version = posted_version(post)
    calls = {
        "propose": lambda: disputes.dispute_propose(
            dispute_id=dispute.id,
            acting_user=user,
            proposal=post.get("proposal", ""),
            unit_code=post.get("unit", ""),
            co_unit_codes=post.getlist("co_units"),
            expected_version=version,
        ),
        "designate": lambda: disputes.dispute_designate(
            dispute_id=dispute.id,
            acting_user=user,
            unit_code=post.get("unit", ""),
            co_unit_codes=post.getlist("co_units"),
            note=post.get("note", ""),
            expected_version=version,
        ),
        "form-team": lambda: disputes.dispute_form_team(
            dispute_id=dispute.id,
            acting_user=user,
            lead_unit_code=post.get("lead_unit", ""),
            member_unit_codes=post.getlist("member_units"),
            note=post.get("note", ""),
            expected_version=version,
        ),
        "add-task": lambda: disputes.team_add_task(
            dispute_id=dispute.id,
            acting_user=user,
            title=post.get("title", ""),
            owner_unit_code=post.get("owner_unit", ""),
            due_on=_day(post.get("due_on", "")),
            owner_id=posted_int(post.get("owner")),
        ),
        "add-member": lambda: disputes.team_add_member(
            dispute_id=dispute.id,
            acting_user=user,
            person_id=posted_int(post.get("person")) or 0,
        ),
        "complete-task": lambda: disputes.team_complete_task(
            dispute_id=dispute.id,
            task_id=posted_int(post.get("task")) or 0,
            acting_user=user,
        ),
        "finding": lambda: form_once.submit(
            request,
            lambda: disputes.team_add_finding(
                dispute_id=dispute.id, acting_user=user, text=post.get("text", "")
            ),
            lambda finding: reverse("dispute_detail", args=[dispute.id]),
        ),
        "escalate": lambda: disputes.team_escalate_question(
            dispute_id=dispute.id, acting_user=user, question=post.get("question", "")
        ),
        "conclude": lambda: disputes.team_conclude(
            dispute_id=dispute.id,
            acting_user=user,
            violation_finding=post.get("violation_finding", ""),
            law_applied=post.get("law_applied", ""),
            procedure=post.get("procedure", ""),
            penalty=post.get("penalty", ""),
            transfer_to=post.get("transfer_to", ""),
            criminal_handover=post.get("criminal_handover") == "on",
        ),
    }
    if action not in calls:
        raise Http404
    try:
        result = calls[action]()
    except form_once.AlreadySent as sent:
        return sent.response(request)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        if action in KEPT_FORMS:
            return _detail_page(
                request, dispute, sent_for=action, sent=post, error=error, status=400
            )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _done(action, result, dispute.number))
    return redirect("dispute_detail", dispute_id=dispute.id)


def _done(action: str, result, number: str) -> str:
    """What the step just taken did, for the message after it: the leader reads whom his
    decision gave the case, not that the dispute "was updated"."""
    if action == "designate":
        return _("Dispute %(number)s: decision made, %(unit)s handles it.") % {
            "number": number,
            "unit": result.designated_unit,
        }
    if action == "form-team":
        return _(
            "Dispute %(number)s: decision made, a joint investigation team led by %(unit)s."
        ) % {"number": number, "unit": result.lead_unit}
    done = {
        "propose": _("Dispute %(number)s: the proposal was put to the group leader."),
        "add-task": _("Dispute %(number)s: the task was set."),
        "add-member": _("Dispute %(number)s: the team member was named."),
        "complete-task": _("Dispute %(number)s: the task was marked done."),
        "finding": _("Dispute %(number)s: the finding was added."),
        "escalate": _("Dispute %(number)s: the question was put to the next joint meeting."),
        "conclude": _("Dispute %(number)s: the team's conclusion was recorded."),
    }
    return done[action] % {"number": number}


@login_required
def escalation_board(request: HttpRequest) -> HttpResponse:
    """The office's view of what is stuck: leads not acknowledged in time, disputes waiting
    for the leader, joint teams with overdue tasks."""
    if not access.sees_all_units(request.user):
        raise Http404
    now = timezone.now()
    late_leads = (
        access.referrals_visible_to(request.user)
        .filter(status=ReferralStatus.SENT, ack_due_at__lt=now)
        .order_by("ack_due_at")[:100]
    )
    waiting = (
        access.disputes_visible_to(request.user)
        .filter(status__in=OPEN_DISPUTE_STATUSES)
        .prefetch_related("units")
        .order_by("decision_due_at")[:100]
    )
    late_tasks = (
        TeamTask.objects.filter(done_at=None, due_on__lt=timezone.localdate(now))
        .select_related("team__dispute", "team__lead_unit", "owner_unit")
        .order_by("due_on")[:100]
    )
    return render(
        request,
        "complaints/escalation_board.html",
        {"late_leads": late_leads, "waiting": waiting, "late_tasks": late_tasks, "now": now},
    )
