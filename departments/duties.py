"""What is waiting for the signed-in person, across every flow of the portal, for the home
page: one count query per line, each starting from the access module, and only the lines
that have something in them. A person who opens the portal in the morning sees at once what
the day asks of them, instead of visiting every screen."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import selectors
from complaints.choices import DisputeStatus
from meetings.models import ActionStatus, InvitationAnswer, MeetingStatus
from publicity.choices import ReleaseStatus
from reports.choices import PlanStatus, ReportStatus

from . import access
from .models import User


@dataclass(frozen=True)
class Duty:
    key: str
    label: str
    count: int
    url: str
    urgent: bool = False


def _unit_duties(user: User, now) -> list[tuple[str, str, int, str, bool]]:
    today = timezone.localdate(now)
    unit_id = user.unit_id
    actions = access.action_items_visible_to(user).filter(
        owner_id=unit_id, status=ActionStatus.OPEN
    )
    releases = access.releases_visible_to(user).filter(unit_id=unit_id)
    return [
        (
            "orders_to_sign",
            _("Work orders to sign for"),
            selectors.orders_in_tab(user, "to_sign", now).count(),
            reverse("order_list") + "?tab=to_sign",
            False,
        ),
        (
            "orders_overdue",
            _("Overdue work orders"),
            selectors.orders_in_tab(user, "overdue", now).count(),
            reverse("order_list") + "?tab=overdue",
            True,
        ),
        (
            "meeting_answers",
            _("Joint meetings waiting for your unit's answer"),
            access.meetings_visible_to(user)
            .filter(
                status=MeetingStatus.PLANNED,
                planned_on__gte=today,
                invitations__unit_id=unit_id,
                invitations__answer=InvitationAnswer.WAITING,
            )
            .count(),
            reverse("meeting_list"),
            False,
        ),
        (
            "actions_late",
            _("Overdue action items of the joint meetings"),
            actions.filter(due_on__lt=today).count(),
            reverse("action_items") + "?show=overdue",
            True,
        ),
        (
            "actions_open",
            _("Open action items of the joint meetings"),
            actions.filter(due_on__gte=today).count(),
            reverse("action_items"),
            False,
        ),
        (
            "reports_returned",
            _("Quarterly reports returned for changes"),
            access.unit_reports_visible_to(user)
            .filter(unit_id=unit_id, status=ReportStatus.RETURNED)
            .count(),
            reverse("report_list"),
            True,
        ),
        (
            "releases_returned",
            _("Public releases returned for changes"),
            releases.filter(status=ReleaseStatus.RETURNED).count(),
            reverse("release_list") + "?status=returned",
            True,
        ),
        (
            "plans_returned",
            _("Implementation plans returned for changes"),
            access.plans_visible_to(user)
            .filter(unit_id=unit_id, status=PlanStatus.RETURNED)
            .count(),
            reverse("plan_list"),
            True,
        ),
    ]


def _office_duties(user: User, now) -> list[tuple[str, str, int, str, bool]]:
    today = timezone.localdate(now)
    releases = access.releases_visible_to(user)
    return [
        (
            "orders_triage",
            _("Work orders waiting for triage"),
            selectors.orders_in_tab(user, "triage", now).count(),
            reverse("order_list") + "?tab=triage",
            False,
        ),
        (
            "orders_overdue",
            _("Overdue work orders"),
            selectors.orders_in_tab(user, "overdue", now).count(),
            reverse("order_list") + "?tab=overdue",
            True,
        ),
        (
            "reports_to_review",
            _("Quarterly reports to review"),
            access.unit_reports_visible_to(user).filter(status=ReportStatus.SUBMITTED).count(),
            reverse("report_list"),
            False,
        ),
        (
            "releases_to_review",
            _("Public releases to review"),
            releases.filter(status=ReleaseStatus.SUBMITTED).count(),
            reverse("release_list") + "?status=submitted",
            False,
        ),
        (
            "releases_to_publish",
            _("Approved public releases to publish"),
            releases.filter(status=ReleaseStatus.APPROVED).count(),
            reverse("release_list") + "?status=approved",
            False,
        ),
        (
            "plans_to_acknowledge",
            _("Implementation plans to acknowledge"),
            access.plans_visible_to(user).filter(status=PlanStatus.FILED).count(),
            reverse("plan_list"),
            False,
        ),
        (
            "meetings_to_record",
            _("Joint meetings to record"),
            access.meetings_visible_to(user)
            .filter(status=MeetingStatus.PLANNED, planned_on__lte=today)
            .count(),
            reverse("meeting_list") + "?status=planned",
            True,
        ),
        (
            "actions_late",
            _("Overdue action items of the joint meetings"),
            access.action_items_visible_to(user)
            .filter(status=ActionStatus.OPEN, due_on__lt=today)
            .count(),
            reverse("action_items") + "?show=overdue",
            True,
        ),
    ]


def waiting_for(user: User, now=None) -> list[Duty]:
    """The lines with something waiting, urgent ones first."""
    now = now or timezone.now()
    if access.is_office_handler(user):
        rows = _office_duties(user, now)
    elif access.decides_disputes(user):
        rows = [
            (
                "disputes_to_decide",
                _("Jurisdiction disputes waiting for your decision"),
                access.disputes_visible_to(user).filter(status=DisputeStatus.PROPOSED).count(),
                reverse("dispute_list") + "?status=proposed",
                True,
            )
        ]
    elif getattr(user, "unit_id", None) is not None and access.has_role(
        user, *access.UNIT_HANDLER_ROLES
    ):
        rows = _unit_duties(user, now)
    else:
        return []
    duties = [Duty(*row) for row in rows if row[2]]
    return sorted(duties, key=lambda d: not d.urgent)
