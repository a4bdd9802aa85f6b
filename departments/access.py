"""What a user may see and do: the one place every view, API, export and report asks.

Unit people see their own unit's records; the office, the group leader and system
administrators see every unit's. Getters raise Http404 both for "missing" and for "not
yours", so a URL never confirms that another unit's record exists.
"""

from __future__ import annotations

from datetime import date
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Exists, IntegerField, Model, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.http import Http404

from complaints.choices import DisputeAction, ReferralAction
from complaints.models import (
    Dispute,
    DisputeEvent,
    Intervention,
    MediationAgreement,
    OrderExport,
    Referral,
    ReferralEvent,
    WorkOrder,
    WorkOrderUnit,
)
from meetings.models import ActionItem, AgendaItem, JointMeeting, MeetingStatus
from publicity.choices import ReleaseStatus
from publicity.models import Release, ViolatorEntry
from reports.choices import DistrictStatus, PlanStatus
from reports.models import (
    AnnualSummary,
    Campaign,
    CampaignAction,
    DistrictReport,
    EducationEvent,
    ImplementationPlan,
    UnitReport,
    YearEvaluation,
)

from .choices import UNIT_ROLES, RoleCode
from .models import AuditEntry, DutyContact, Unit, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

M = TypeVar("M", bound=Model)

ALL_UNITS_ROLES = frozenset(
    {
        RoleCode.OFFICE_STAFF,
        RoleCode.OFFICE_DIRECTOR,
        RoleCode.GROUP_LEADER,
        RoleCode.SYSTEM_ADMIN,
    }
)
UNIT_MANAGER_ROLES = frozenset({RoleCode.UNIT_HEAD, RoleCode.UNIT_LIAISON})
UNIT_HANDLER_ROLES = frozenset({RoleCode.UNIT_STAFF, RoleCode.UNIT_LIAISON, RoleCode.UNIT_HEAD})
OFFICE_HANDLER_ROLES = frozenset({RoleCode.OFFICE_STAFF, RoleCode.OFFICE_DIRECTOR})
SUPERVISOR_ROLES = frozenset(
    {RoleCode.OFFICE_STAFF, RoleCode.OFFICE_DIRECTOR, RoleCode.GROUP_LEADER}
)
ADMIN_SITE_ROLES = frozenset(
    {RoleCode.SYSTEM_ADMIN, RoleCode.OFFICE_DIRECTOR, RoleCode.OFFICE_STAFF}
)

# Django model permissions granted by role, as "app_label.codename" patterns. The admin and
# anything else calling user.has_perm() goes through RolePermissionBackend below.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    RoleCode.SYSTEM_ADMIN: ("*",),
    RoleCode.OFFICE_DIRECTOR: (
        "departments.*",
        "complaints.*_calendarday",
        "complaints.*_holidayschedule",
        "complaints.*_deadlinepolicy",
        "complaints.*_routingrule",
        "complaints.*_escalationstep",
        "complaints.*_reminderpolicy",
        "complaints.*_escalationpolicy",
        "complaints.view_workorder",
        "complaints.view_workorderevent",
        "complaints.view_apiclient",
        "complaints.change_apiclient",
        "complaints.view_callbackevent",
        "complaints.change_callbackevent",
        "complaints.view_callbackattempt",
        "reports.*_reportingperiod",
        "reports.*_plandeadline",
        "meetings.*_jointmeeting",
        "meetings.*_agendaitem",
        "django_celery_beat.*",
        "axes.view_*",
        "axes.delete_accessattempt",
    ),
    RoleCode.OFFICE_STAFF: (
        "departments.view_*",
        "departments.add_user",
        "departments.change_user",
        "departments.*_dutycontact",
        "departments.*_town",
        "complaints.*_calendarday",
        "complaints.*_holidayschedule",
        "complaints.view_deadlinepolicy",
        "complaints.*_routingrule",
        "complaints.view_callbackevent",
        "complaints.change_callbackevent",
        "complaints.view_callbackattempt",
        "reports.*_reportingperiod",
        "reports.*_plandeadline",
        "meetings.*_jointmeeting",
        "meetings.*_agendaitem",
        "axes.view_*",
        "axes.delete_accessattempt",
    ),
}


def role_codes(user: User | AnonymousUser) -> frozenset[str]:
    """The user's role codes, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_role_codes", None)
    if cached is None:
        cached = frozenset(user.roles.values_list("code", flat=True))
        user._role_codes = cached
    return cached


def has_role(user: User | AnonymousUser, *roles: str) -> bool:
    return bool(role_codes(user) & set(roles))


def sees_all_units(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or has_role(
        user, *ALL_UNITS_ROLES
    )


def is_administrator(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or has_role(
        user, RoleCode.SYSTEM_ADMIN
    )


def can_use_admin(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or has_role(
        user, *ADMIN_SITE_ROLES
    )


def may_unlock_signins(user: User | AnonymousUser) -> bool:
    """Whether the user may clear failed sign-in records (django-axes' attempts), which
    unlocks whom they lock: the office's task when a person locked out calls, and an
    administrator's. The sign-in log and the failure log are not theirs to delete."""
    return is_administrator(user) or has_role(user, *OFFICE_HANDLER_ROLES)


def scope_by_unit(
    user: User | AnonymousUser, queryset: QuerySet[M], *unit_fields: str
) -> QuerySet[M]:
    """Restrict any queryset to the user's unit through one or more unit foreign keys.

    A record is the unit's when any of `unit_fields` (default "unit") points at the user's
    unit, so a work order reaches both its primary and its co-handling units.
    """
    if sees_all_units(user):
        return queryset
    unit_id = getattr(user, "unit_id", None)
    if not getattr(user, "is_authenticated", False) or unit_id is None:
        return queryset.none()
    condition = Q()
    for field in unit_fields or ("unit",):
        condition |= Q(**{field: unit_id})
    return (
        queryset.filter(condition).distinct()
        if len(unit_fields) > 1
        else queryset.filter(condition)
    )


def get_or_404(queryset: QuerySet[M], **lookup: object) -> M:
    """One object from an already scoped queryset; 404 whether missing or not the user's."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def grantable_roles(actor: User | AnonymousUser) -> frozenset[str]:
    """The roles the actor may give or take away in the admin.

    No one grants themselves or a friend more than they hold. Administrators grant every
    role. The office director looks after the office's staff and the units' people, so
    grants office staff and the unit roles, but neither office director nor group leader:
    the leader decides jurisdiction disputes, a power the notice gives the deputy district
    head, and directing the office is not the director's to hand on. Office staff look
    after the units' people only, so grant the unit roles only.
    """
    if is_administrator(actor):
        return frozenset(RoleCode)
    if has_role(actor, RoleCode.OFFICE_DIRECTOR):
        return UNIT_ROLES | {RoleCode.OFFICE_STAFF}
    if has_role(actor, RoleCode.OFFICE_STAFF):
        return UNIT_ROLES
    return frozenset()


def may_manage_user(actor: User | AnonymousUser, target: User) -> bool:
    """Whether the actor may edit, reset the password of, deactivate or delete the target's
    account in the admin (and so change its roles, unit and active flag).

    Administrators manage everyone. Anyone else manages only accounts whose every role they
    may grant (`grantable_roles`), never their own (no one raises or revives themselves),
    and no office account unless they may grant office staff. The target's roles are read
    as stored, whether or not it is active: a deactivated director is still a director's
    account, and reactivating it would hand its powers back.
    """
    if is_administrator(actor):
        return True
    grantable = grantable_roles(actor)
    if not grantable or target.pk == getattr(actor, "pk", None) or target.is_superuser:
        return False
    if target.unit is not None and target.unit.is_office and RoleCode.OFFICE_STAFF not in grantable:
        return False
    return {role.code for role in target.roles.all()} <= grantable


def units_visible_to(user: User | AnonymousUser) -> QuerySet[Unit]:
    """Every unit is in the directory: rapid response needs each unit to find the others."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    return Unit.objects.filter(is_active=True)


def units_managed_by(user: User | AnonymousUser) -> QuerySet[Unit]:
    """Units whose people and duty contacts the user may look after."""
    return scope_by_unit(user, Unit.objects.filter(is_active=True), "id")


def people_visible_to(user: User | AnonymousUser) -> QuerySet[User]:
    return scope_by_unit(user, User.objects.filter(is_active=True), "unit").select_related("unit")


def duty_contacts_visible_to(user: User | AnonymousUser) -> QuerySet[DutyContact]:
    if not getattr(user, "is_authenticated", False):
        return DutyContact.objects.none()
    return DutyContact.objects.select_related("unit")


def looks_after_units(user: User | AnonymousUser) -> bool:
    """The office (staff, director) and administrators keep the units set up: they name
    each unit's head and liaison in the admin and keep any unit's duty contacts, so they are
    warned of a unit without a head. The group leader sees every unit but configures none:
    he decides and oversees (`decides_disputes`)."""
    return is_office_handler(user) or is_administrator(user)


def can_edit_duty_contacts(user: User | AnonymousUser, unit: Unit) -> bool:
    if looks_after_units(user):
        return True
    return getattr(user, "unit_id", None) == unit.id and has_role(user, *UNIT_MANAGER_ROLES)


def managed_unit_or_404(user: User | AnonymousUser, code: str) -> Unit:
    return get_or_404(units_managed_by(user), code=code)


def unit_for_duty_contact_edit(user: User | AnonymousUser, code: str) -> Unit:
    """A unit whose duty contacts the user may change; 404 otherwise."""
    unit = managed_unit_or_404(user, code)
    if not can_edit_duty_contacts(user, unit):
        raise Http404
    return unit


def duty_contact_for_edit(
    user: User | AnonymousUser, contact_id: int, *, lock: bool = False
) -> DutyContact:
    """A duty contact the user may change; 404 otherwise (missing, other unit, or no role).

    With lock=True the row stays locked until the caller's transaction ends.
    """
    contacts = scope_by_unit(user, DutyContact.objects.select_related("unit"), "unit")
    if lock:
        contacts = contacts.select_for_update(of=("self",))
    contact = get_or_404(contacts, id=contact_id)
    if not can_edit_duty_contacts(user, contact.unit):
        raise Http404
    return contact


def duty_contact_deletion_for_edit(
    user: User | AnonymousUser, contact_id: int
) -> AuditEntry | None:
    """The audit entry of the deletion of a duty contact the user could have changed, so a
    form loaded before the deletion can say what became of it; None (the caller answers
    404) for an id never used, or for another unit's contact, as while it existed."""
    entry = (
        AuditEntry.objects.filter(
            action="duty_contact.delete",
            object_type=DutyContact._meta.label_lower,
            object_id=str(contact_id),
        )
        .select_related("actor", "unit")
        .first()
    )
    if entry is None or entry.unit is None:
        return None
    if not units_managed_by(user).filter(id=entry.unit_id).exists():
        return None
    return entry if can_edit_duty_contacts(user, entry.unit) else None


def is_office_handler(user: User | AnonymousUser) -> bool:
    """Office staff and director: they triage, dispatch, approve, close and call back."""
    return has_role(user, *OFFICE_HANDLER_ROLES)


def workorders_visible_to(user: User | AnonymousUser) -> QuerySet[WorkOrder]:
    """The office, the leader and administrators see every order; a unit sees the orders it
    handles, co-handles or once handled (so it can follow an order it returned)."""
    orders = WorkOrder.objects.all()
    if sees_all_units(user):
        return orders
    unit_id = getattr(user, "unit_id", None)
    if not getattr(user, "is_authenticated", False) or unit_id is None:
        return orders.none()
    links = WorkOrderUnit.objects.filter(order=OuterRef("pk"), unit_id=unit_id)
    return orders.filter(Exists(links))


def workorders_of_own_unit(user: User | AnonymousUser) -> QuerySet[WorkOrder]:
    """Orders the user's unit handles as primary unit (every order for the office).

    A subset of `workorders_visible_to`: the primary link always exists for the primary
    unit, so the inbox tabs can filter on the indexed column alone."""
    if sees_all_units(user):
        return WorkOrder.objects.all()
    unit_id = getattr(user, "unit_id", None)
    if not getattr(user, "is_authenticated", False) or unit_id is None:
        return WorkOrder.objects.none()
    return WorkOrder.objects.filter(primary_unit_id=unit_id)


def workorders_linked_to_own_unit(user: User | AnonymousUser, relation: str) -> QuerySet[WorkOrder]:
    """Orders the user's unit co-handles or once handled (a subset of what it may see)."""
    unit_id = getattr(user, "unit_id", None)
    if not getattr(user, "is_authenticated", False) or unit_id is None:
        return WorkOrder.objects.none()
    links = WorkOrderUnit.objects.filter(order=OuterRef("pk"), unit_id=unit_id, relation=relation)
    return WorkOrder.objects.filter(Exists(links))


def workorder_or_404(
    user: User | AnonymousUser,
    *,
    number: str | None = None,
    order_id: int | None = None,
    lock: bool = False,
) -> WorkOrder:
    """An order the user may see, by number or id; 404 when missing or not theirs.

    With lock=True the row stays locked until the caller's transaction ends, FOR NO KEY
    UPDATE: a second action on the order waits, but rows that only point at it (events,
    callbacks, attachments, the duplicate worker's pairs) are written meanwhile. No action
    deletes an order or changes its id.
    """
    orders = workorders_visible_to(user).select_related("primary_unit", "town")
    if lock:
        orders = orders.select_for_update(no_key=True, of=("self",))
    lookup = {"number": number} if number is not None else {"id": order_id}
    return get_or_404(orders, **lookup)


def handles_order(user: User | AnonymousUser, order: WorkOrder) -> bool:
    """A person of the order's primary unit, with a unit role."""
    return (
        order.primary_unit_id is not None
        and getattr(user, "unit_id", None) == order.primary_unit_id
        and has_role(user, *UNIT_HANDLER_ROLES)
    )


def co_handles_order(user: User | AnonymousUser, order: WorkOrder) -> bool:
    unit_id = getattr(user, "unit_id", None)
    return (
        unit_id is not None
        and has_role(user, *UNIT_HANDLER_ROLES)
        and any(link.unit_id == unit_id for link in order.co_unit_links)
    )


def may_see_citizen_details(user: User | AnonymousUser, order: WorkOrder) -> bool:
    """Unmasked phone and ID number: the office, and the primary unit on the detail page."""
    return is_office_handler(user) or handles_order(user, order)


def citizen_details_condition(user: User | AnonymousUser) -> Q:
    """`may_see_citizen_details` as a query condition: the orders whose citizen's phone and
    ID number the user is shown unmasked, and so the only ones a search by them may match
    (otherwise searching every number that fits a masked one would unmask it)."""
    if is_office_handler(user):
        return Q()
    unit_id = getattr(user, "unit_id", None)
    if unit_id is not None and has_role(user, *UNIT_HANDLER_ROLES):
        return Q(primary_unit_id=unit_id)
    return Q(pk__in=[])


def order_exports_of(user: User | AnonymousUser) -> QuerySet[OrderExport]:
    """A person's own exports of the order list, and no one else's: an export holds the list
    as its asker was shown it (citizens' details unmasked for the office), so not even the
    office opens another's."""
    if not getattr(user, "is_authenticated", False):
        return OrderExport.objects.none()
    return OrderExport.objects.filter(asker_id=user.pk)


def order_export_or_404(user: User | AnonymousUser, export_id: int) -> OrderExport:
    return get_or_404(order_exports_of(user), id=export_id)


def unit_reports_visible_to(user: User | AnonymousUser) -> QuerySet[UnitReport]:
    """The office sees every unit's quarterly reports; a unit only its own, drafts included."""
    return scope_by_unit(user, UnitReport.objects.select_related("unit"), "unit")


def unit_report_or_404(
    user: User | AnonymousUser, *, report_id: int, lock: bool = False
) -> UnitReport:
    reports = unit_reports_visible_to(user)
    if lock:
        reports = reports.select_for_update(no_key=True, of=("self",))
    return get_or_404(reports, id=report_id)


def works_on_unit_report(user: User | AnonymousUser, unit_id: int) -> bool:
    """Staff, liaison and head of the unit fill in its report."""
    return getattr(user, "unit_id", None) == unit_id and has_role(user, *UNIT_HANDLER_ROLES)


def submits_unit_report(user: User | AnonymousUser, unit_id: int) -> bool:
    """Only the unit's liaison or head sends the report to the office (measure 四（二）)."""
    return getattr(user, "unit_id", None) == unit_id and has_role(user, *UNIT_MANAGER_ROLES)


def unit_has_submitter(unit_id: int) -> bool:
    """Whether the unit has an active liaison or head to submit what its staff write (its
    report, summary, releases): without one a draft waits for nobody, and the page tells
    its people to ask the office to name one."""
    return User.objects.filter(
        unit_id=unit_id, is_active=True, roles__code__in=UNIT_MANAGER_ROLES
    ).exists()


def reviews_unit_reports(user: User | AnonymousUser) -> bool:
    """Office staff and director accept or return reports and publish the district's."""
    return is_office_handler(user)


def fetches_removed_files(user: User | AnonymousUser) -> bool:
    """A file taken off a unit's quarterly report or implementation plan stays stored, and
    the history line names it, for the record: the office (staff, director) and system
    administrators may still fetch it by its address."""
    return is_office_handler(user) or is_administrator(user)


def files_fetchable_by(user: User | AnonymousUser, files: QuerySet[M]) -> QuerySet[M]:
    """Of a record's removable files (those with `removed_at`), those `user` may download:
    to anyone but the office and administrators a removed file answers 404, like a missing
    one, even for people who may read the record."""
    return files if fetches_removed_files(user) else files.filter(removed_at__isnull=True)


def education_events_visible_to(user: User | AnonymousUser) -> QuerySet[EducationEvent]:
    return scope_by_unit(user, EducationEvent.objects.select_related("unit"), "unit")


def campaigns_visible_to(user: User | AnonymousUser) -> QuerySet[Campaign]:
    """Joint campaigns are the district's operations: the office and every member unit see
    them all, whoever takes part."""
    campaigns = Campaign.objects.select_related("lead_unit")
    if sees_all_units(user):
        return campaigns
    if not getattr(user, "is_authenticated", False) or getattr(user, "unit_id", None) is None:
        return campaigns.none()
    return campaigns


def campaign_or_404(
    user: User | AnonymousUser, *, campaign_id: int, lock: bool = False
) -> Campaign:
    campaigns = campaigns_visible_to(user)
    if lock:
        campaigns = campaigns.select_for_update(no_key=True, of=("self",))
    return get_or_404(campaigns, id=campaign_id)


def manages_campaigns(user: User | AnonymousUser) -> bool:
    """Office staff and director start, change and close campaigns."""
    return is_office_handler(user)


def logs_campaign_action(user: User | AnonymousUser, campaign: Campaign) -> bool:
    """People of the lead or a participating unit log what their unit did."""
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None or not has_role(user, *UNIT_HANDLER_ROLES):
        return False
    return unit_id == campaign.lead_unit_id or campaign.units.filter(id=unit_id).exists()


def campaign_actions_visible_to(user: User | AnonymousUser) -> QuerySet[CampaignAction]:
    """The office sees every unit's campaign actions; a unit its own (sums are for all)."""
    return scope_by_unit(user, CampaignAction.objects.select_related("unit", "logged_by"), "unit")


def district_reports_visible_to(user: User | AnonymousUser) -> QuerySet[DistrictReport]:
    """Units see a district report once published; the office also while drafting it."""
    if not getattr(user, "is_authenticated", False):
        return DistrictReport.objects.none()
    if sees_all_units(user):
        return DistrictReport.objects.all()
    if getattr(user, "unit_id", None) is None:
        return DistrictReport.objects.none()
    return DistrictReport.objects.filter(status=DistrictStatus.PUBLISHED)


def reads_district_drafts(user: User | AnonymousUser) -> bool:
    """The office drafts the district report; the group leader (组长), to whom the office
    answers (section 二 of the notice), reads it while it is drafted, before the units do."""
    return is_office_handler(user) or has_role(user, RoleCode.GROUP_LEADER)


def comments_on_district_report(user: User | AnonymousUser) -> bool:
    """The group leader sends the office comments on the district report; the office
    answers them by what it writes, and the units never read them."""
    return has_role(user, RoleCode.GROUP_LEADER)


def summaries_visible_to(user: User | AnonymousUser) -> QuerySet[AnnualSummary]:
    """The office sees every unit's annual summaries; a unit only its own."""
    return scope_by_unit(user, AnnualSummary.objects.select_related("unit"), "unit")


def summary_or_404(
    user: User | AnonymousUser, *, summary_id: int, lock: bool = False
) -> AnnualSummary:
    summaries = summaries_visible_to(user)
    if lock:
        summaries = summaries.select_for_update(no_key=True, of=("self",))
    return get_or_404(summaries, id=summary_id)


def plans_visible_to(user: User | AnonymousUser) -> QuerySet[ImplementationPlan]:
    """The office sees every unit's implementation plans, drafts included; a unit sees its
    own in every state and other units' once the office has acknowledged them (published)."""
    plans = ImplementationPlan.objects.select_related("unit")
    if sees_all_units(user):
        return plans
    unit_id = getattr(user, "unit_id", None)
    if not getattr(user, "is_authenticated", False) or unit_id is None:
        return plans.none()
    return plans.filter(Q(unit_id=unit_id) | Q(status=PlanStatus.ACKNOWLEDGED))


def plan_or_404(
    user: User | AnonymousUser, *, plan_id: int, lock: bool = False
) -> ImplementationPlan:
    plans = plans_visible_to(user)
    if lock:
        plans = plans.select_for_update(no_key=True, of=("self",))
    return get_or_404(plans, id=plan_id)


def evaluations_visible_to(user: User | AnonymousUser) -> QuerySet[YearEvaluation]:
    """Every unit and the office read the evaluations and expert opinions still in place;
    a removed one is gone for everybody (its history stays)."""
    if not getattr(user, "is_authenticated", False):
        return YearEvaluation.objects.none()
    if not sees_all_units(user) and getattr(user, "unit_id", None) is None:
        return YearEvaluation.objects.none()
    return YearEvaluation.objects.filter(removed_at__isnull=True)


def evaluation_or_404(
    user: User | AnonymousUser, *, evaluation_id: int, lock: bool = False
) -> YearEvaluation:
    evaluations = evaluations_visible_to(user)
    if lock:
        evaluations = evaluations.select_for_update(no_key=True)
    return get_or_404(evaluations, id=evaluation_id)


def removed_evaluations_visible_to(user: User | AnonymousUser) -> QuerySet[YearEvaluation]:
    """Removed evaluations, with their history, for the office people who manage them."""
    if not manages_evaluations(user):
        return YearEvaluation.objects.none()
    return YearEvaluation.objects.filter(removed_at__isnull=False)


def evaluation_files_or_404(user: User | AnonymousUser, *, evaluation_id: int) -> YearEvaluation:
    """An evaluation whose files the user may open: one in place, for every reader; a
    removed one only for those who list removed evaluations (the office), since removing
    keeps its files on record, as `fetches_removed_files` does for reports and plans."""
    evaluations = evaluations_visible_to(user) | removed_evaluations_visible_to(user)
    return get_or_404(evaluations, id=evaluation_id)


def manages_evaluations(user: User | AnonymousUser) -> bool:
    """Office staff and director add and remove evaluations and expert opinions."""
    return is_office_handler(user)


def referrals_visible_to(user: User | AnonymousUser) -> QuerySet[Referral]:
    """The office sees every referral; a unit those it sent or received, a lead on whose
    dispute the group leader designated it (the case it now handles, sent on as a new lead
    or moved with its work order, continues that one: its history and evidence), a
    rejected lead the leader's decision sent on to it, and a lead disputed before a joint
    team it sits on (the team investigates what the lead found). Another lead of the
    disputed order, whose rejection the dispute recorded, is settled by the same decision
    and read as the dispute's own lead is; so is the lead whose acceptance registered the
    disputed order (the decision writes on it where the case went)."""
    referrals = Referral.objects.select_related("from_unit", "to_unit", "order")
    if sees_all_units(user):
        return referrals
    unit_id = getattr(user, "unit_id", None)
    if not getattr(user, "is_authenticated", False) or unit_id is None:
        return referrals.none()
    recorded = (
        DisputeEvent.objects.filter(
            Q(dispute__designated_unit_id=unit_id) | Q(dispute__team__member_units__id=unit_id),
            action=DisputeAction.LEAD_REJECTED,
        )
        .annotate(lead=Cast(KeyTextTransform("referral", "data"), IntegerField()))
        .values("lead")
    )
    settled = (
        ReferralEvent.objects.filter(action=ReferralAction.DECISION)
        .annotate(by=Cast(KeyTextTransform("dispute", "data"), IntegerField()))
        .filter(
            by__in=Dispute.objects.filter(
                Q(designated_unit_id=unit_id) | Q(team__member_units__id=unit_id)
            ).values("id")
        )
        .values("referral_id")
    )
    involved = Referral.objects.filter(
        Q(from_unit_id=unit_id)
        | Q(to_unit_id=unit_id)
        | Q(disputes__designated_unit_id=unit_id)
        | Q(disputes__leads_by_decision__to_unit_id=unit_id)
        | Q(disputes__team__member_units__id=unit_id)
        | Q(id__in=recorded)
        | Q(id__in=settled)
    )
    return referrals.filter(id__in=involved.values("id"))


def referral_or_404(
    user: User | AnonymousUser, *, referral_id: int, lock: bool = False
) -> Referral:
    referrals = referrals_visible_to(user)
    if lock:
        referrals = (
            Referral.objects.filter(id__in=referrals.values("id"))
            .select_for_update(no_key=True, of=("self",))
            .select_related("from_unit", "to_unit", "order")
        )
    return get_or_404(referrals, id=referral_id)


def refers_for_unit(user: User | AnonymousUser) -> bool:
    """Any person of a member unit may refer a lead to another unit."""
    return getattr(user, "unit_id", None) is not None and has_role(user, *UNIT_HANDLER_ROLES)


def receives_referral(user: User | AnonymousUser, referral: Referral) -> bool:
    """People of the receiving unit acknowledge, accept or reject."""
    return getattr(user, "unit_id", None) == referral.to_unit_id and has_role(
        user, *UNIT_HANDLER_ROLES
    )


def sends_referral(user: User | AnonymousUser, referral: Referral) -> bool:
    """People of the referring unit, with a unit role: the other party to the lead."""
    return getattr(user, "unit_id", None) == referral.from_unit_id and has_role(
        user, *UNIT_HANDLER_ROLES
    )


def disputes_visible_to(user: User | AnonymousUser) -> QuerySet[Dispute]:
    """The office and the leader see every dispute; a unit those it is party to, those it
    was designated responsible for (the leader may name a unit that was not a party), or
    whose joint team it sits on."""
    disputes = Dispute.objects.select_related("order", "referral", "designated_unit")
    if sees_all_units(user):
        return disputes
    unit_id = getattr(user, "unit_id", None)
    if not getattr(user, "is_authenticated", False) or unit_id is None:
        return disputes.none()
    involved = Dispute.objects.filter(
        Q(units__id=unit_id) | Q(designated_unit_id=unit_id) | Q(team__member_units__id=unit_id)
    )
    return disputes.filter(id__in=involved.values("id"))


def dispute_or_404(user: User | AnonymousUser, *, dispute_id: int, lock: bool = False) -> Dispute:
    disputes = disputes_visible_to(user)
    if lock:
        disputes = Dispute.objects.filter(id__in=disputes.values("id")).select_for_update(
            no_key=True, of=("self",)
        )
    return get_or_404(disputes, id=dispute_id)


def interventions_visible_to(user: User | AnonymousUser) -> QuerySet[Intervention]:
    """The office sees every early intervention; a unit those it asked or was asked into."""
    items = Intervention.objects.select_related("requesting_unit", "order")
    if sees_all_units(user):
        return items
    unit_id = getattr(user, "unit_id", None)
    if not getattr(user, "is_authenticated", False) or unit_id is None:
        return items.none()
    involved = Intervention.objects.filter(
        Q(requesting_unit_id=unit_id) | Q(asked__unit_id=unit_id)
    )
    return items.filter(id__in=involved.values("id"))


def intervention_or_404(
    user: User | AnonymousUser, *, intervention_id: int, lock: bool = False
) -> Intervention:
    items = interventions_visible_to(user)
    if lock:
        items = Intervention.objects.filter(id__in=items.values("id")).select_for_update(
            no_key=True, of=("self",)
        )
    return get_or_404(items, id=intervention_id)


COURT = "court"


def is_court_staff(user: User | AnonymousUser) -> bool:
    unit = getattr(user, "unit", None) if getattr(user, "unit_id", None) else None
    return unit is not None and unit.code == COURT and has_role(user, *UNIT_HANDLER_ROLES)


def mediations_visible_to(user: User | AnonymousUser) -> QuerySet[MediationAgreement]:
    """The office sees every agreement; the unit that recorded it sees its own; the court
    sees those sent to it for judicial confirmation."""
    items = MediationAgreement.objects.select_related("order", "unit")
    if sees_all_units(user):
        return items
    unit_id = getattr(user, "unit_id", None)
    if not getattr(user, "is_authenticated", False) or unit_id is None:
        return items.none()
    if is_court_staff(user):
        return items.filter(Q(unit_id=unit_id) | Q(submitted_at__isnull=False))
    return items.filter(unit_id=unit_id)


def mediation_or_404(
    user: User | AnonymousUser, *, agreement_id: int, lock: bool = False
) -> MediationAgreement:
    items = mediations_visible_to(user)
    if lock:
        items = MediationAgreement.objects.filter(id__in=items.values("id")).select_for_update(
            no_key=True, of=("self",)
        )
    return get_or_404(items, id=agreement_id)


def records_mediation(user: User | AnonymousUser, order: WorkOrder | None = None) -> bool:
    """The unit handling an order records the agreement its mediation reached: a person of
    its primary unit with a unit role (`handles_order`). Without an order, whether the user
    may record one for any order: the form opens only for them, so an account of a unit
    that holds no role in it is not handed a form its post would refuse."""
    if order is None:
        return handles_unit_orders(user)
    return handles_order(user, order)


def marks_litigation(user: User | AnonymousUser, order: WorkOrder) -> bool:
    """A dispute mediation did not settle is marked as passed to court by the unit handling
    the order or by the office, which follows every order (one check for the order page,
    which offers the form, and the service, which refuses the rest)."""
    return handles_order(user, order) or is_office_handler(user)


def decides_disputes(user: User | AnonymousUser) -> bool:
    """The group leader (组长) decides jurisdiction disputes."""
    return has_role(user, RoleCode.GROUP_LEADER)


def oversees_district(user: User | AnonymousUser) -> bool:
    """The group leader (组长) and the office director, who answer for the mechanism, read
    the quarter's figures and follow what is stuck on their home page; office staff work
    their queues, and a unit its own."""
    return has_role(user, RoleCode.GROUP_LEADER, RoleCode.OFFICE_DIRECTOR)


def handles_unit_orders(user: User | AnonymousUser) -> bool:
    """A unit's staff, liaison or head: their unit's orders are theirs to handle, so their
    home page leads with the unit's nearest deadlines and its quarter's figures, where the
    office keeps the network's size and the leader reads the district's."""
    return (
        getattr(user, "unit_id", None) is not None
        and not sees_all_units(user)
        and has_role(user, *UNIT_HANDLER_ROLES)
    )


def runs_meetings(user: User | AnonymousUser) -> bool:
    """The office plans joint meetings, records them and follows their resolutions up."""
    return is_office_handler(user)


def proposes_agenda_items(user: User | AnonymousUser) -> bool:
    """The group leader (组长) proposes items for a planned joint meeting; the office, which
    convenes it (measure 四（四）), puts them on the agenda or declines them."""
    return has_role(user, RoleCode.GROUP_LEADER)


def meetings_visible_to(user: User | AnonymousUser) -> QuerySet[JointMeeting]:
    """The office sees every meeting; a unit the meetings it is invited to, and every held
    meeting (its minutes and resolutions are the member units' common record)."""
    if not getattr(user, "is_authenticated", False):
        return JointMeeting.objects.none()
    if sees_all_units(user):
        return JointMeeting.objects.all()
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None:
        return JointMeeting.objects.none()
    return JointMeeting.objects.filter(
        Q(status=MeetingStatus.HELD) | Q(invitations__unit_id=unit_id)
    ).distinct()


def meeting_or_404(
    user: User | AnonymousUser, *, meeting_id: int, lock: bool = False
) -> JointMeeting:
    meeting = get_or_404(meetings_visible_to(user), id=meeting_id)
    if lock:
        meeting = JointMeeting.objects.select_for_update(no_key=True).get(id=meeting.id)
    return meeting


def action_items_visible_to(user: User | AnonymousUser) -> QuerySet[ActionItem]:
    """Action items of the meetings the user sees, and always those the user's unit owns."""
    actions = ActionItem.objects.select_related("owner", "resolution__meeting")
    if sees_all_units(user):
        return actions
    unit_id = getattr(user, "unit_id", None)
    if not getattr(user, "is_authenticated", False) or unit_id is None:
        return actions.none()
    return actions.filter(
        Q(owner_id=unit_id) | Q(resolution__meeting__in=meetings_visible_to(user))
    ).distinct()


def agenda_proposals_visible_to(user: User | AnonymousUser) -> QuerySet[AgendaItem]:
    """Questions for the joint meeting: the office sees all; a unit those it proposed and
    those on the agenda of a meeting it sees."""
    items = AgendaItem.objects.select_related(
        "proposed_by", "proposer", "proposed_for", "meeting", "team__dispute"
    )
    if sees_all_units(user):
        return items
    unit_id = getattr(user, "unit_id", None)
    if not getattr(user, "is_authenticated", False) or unit_id is None:
        return items.none()
    return items.filter(Q(proposed_by_id=unit_id) | Q(meeting__in=meetings_visible_to(user)))


def answers_for_unit(user: User | AnonymousUser, unit_id: int) -> bool:
    """Any of the unit's staff, liaison or head confirms who goes to a meeting and reports
    an action item done."""
    return getattr(user, "unit_id", None) == unit_id and has_role(user, *UNIT_HANDLER_ROLES)


def completes_action_item(user: User | AnonymousUser, item: ActionItem) -> bool:
    """The owner unit's staff, liaison or head report its action item done, and the office
    may for it. The meeting page, the list of action items and `action_complete` all ask
    this, so no page offers "Report done" to an account the post would refuse (a person of
    the owner unit who holds no role in it)."""
    return answers_for_unit(user, item.owner_id) or runs_meetings(user)


def releases_visible_to(user: User | AnonymousUser) -> QuerySet[Release]:
    """The office sees every release; a unit its own (drafts included) and every published
    one. The public pages do not use this: they use `releases_published()`."""
    releases = Release.objects.select_related("unit")
    if sees_all_units(user):
        return releases
    unit_id = getattr(user, "unit_id", None)
    if not getattr(user, "is_authenticated", False) or unit_id is None:
        return releases.none()
    return releases.filter(Q(unit_id=unit_id) | Q(status=ReleaseStatus.PUBLISHED))


def release_or_404(user: User | AnonymousUser, *, release_id: int, lock: bool = False) -> Release:
    """With lock=True the row stays locked until the caller's transaction ends, FOR NO KEY
    UPDATE: no action deletes a release or changes its id, and a plain FOR UPDATE would
    also hold up the rows that point at it (the daily task's end-of-exposure line)."""
    releases = releases_visible_to(user)
    if lock:
        releases = releases.select_for_update(no_key=True, of=("self",))
    return get_or_404(releases, id=release_id)


def writes_release(user: User | AnonymousUser, unit_id: int | None) -> bool:
    """Staff, liaison and head of the issuing unit draft its releases."""
    return unit_id is not None and works_on_unit_report(user, unit_id)


def submits_release(user: User | AnonymousUser, unit_id: int | None) -> bool:
    """The unit's liaison or head signs a release off to the office."""
    return unit_id is not None and submits_unit_report(user, unit_id)


def reviews_releases(user: User | AnonymousUser) -> bool:
    """Office staff and director weigh public opinion, approve, return and publish."""
    return is_office_handler(user)


def releases_published() -> QuerySet[Release]:
    """What anyone, signed in or not, may read: published releases only."""
    return Release.objects.filter(status=ReleaseStatus.PUBLISHED).select_related("unit")


def published_release_or_404(release_id: int) -> Release:
    return get_or_404(releases_published(), id=release_id)


def violators_exposed(today: date) -> QuerySet[ViolatorEntry]:
    """Violators on the public list today: on a published list not since corrected (the
    correction carries the right entries), within their exposure period. The date filter
    makes an exposure end on time even if the daily task did not run."""
    return ViolatorEntry.objects.filter(
        release__status=ReleaseStatus.PUBLISHED,
        release__corrections__isnull=True,
        exposure_from__lte=today,
        exposure_until__gte=today,
    ).select_related("release__unit")


class RolePermissionBackend:
    """Answers Django's has_perm() from roles, so the admin needs no per-user permissions."""

    def authenticate(self, request, **credentials):
        return None

    def _patterns(self, user_obj: User) -> list[str]:
        patterns: list[str] = []
        for code in role_codes(user_obj):
            patterns.extend(ROLE_PERMISSIONS.get(code, ()))
        return patterns

    def has_perm(self, user_obj: User, perm: str, obj: object = None) -> bool:
        return any(fnmatchcase(perm, pattern) for pattern in self._patterns(user_obj))

    def has_module_perms(self, user_obj: User, app_label: str) -> bool:
        return any(
            pattern == "*" or pattern.split(".", 1)[0] == app_label
            for pattern in self._patterns(user_obj)
        )
