"""Read queries for work orders and their calendar."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy

from departments import access
from departments.models import Unit, User

from .choices import (
    OPEN_DISPUTE_STATUSES,
    OPEN_STATUSES,
    DisputeAction,
    DuplicateStatus,
    ExtensionStatus,
    InterventionAnswer,
    ReferralAction,
    ReferralStatus,
    Status,
    UnitRelation,
)
from .deadlines import BEIJING, DayUnit, DeadlineRule, WorkdayCalendar, add_working_days
from .models import (
    DEADLINE_NAMES,
    CalendarDay,
    CoHandlingOpinion,
    DeadlinePolicy,
    Dispute,
    DisputeEvent,
    ExtensionRequest,
    HolidaySchedule,
    Intervention,
    InterventionUnit,
    JointTeam,
    PossibleDuplicate,
    Referral,
    ReferralEvent,
    RoutingRule,
    TeamTask,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderUnit,
)
from .reference import reference
from .routing import Rule, normalize


def workday_calendar(years: Iterable[int] | None = None) -> WorkdayCalendar:
    """The calendar with the office's table and its complete years loaded (only `years`
    when given); two queries."""
    days = CalendarDay.objects.all()
    schedules = HolidaySchedule.objects.filter(is_complete=True)
    if years is not None:
        years = list(years)
        days = days.filter(date__year__in=years)
        schedules = schedules.filter(year__in=years)
    return WorkdayCalendar(
        overrides=dict(days.values_list("date", "is_workday")),
        complete_years=frozenset(schedules.values_list("year", flat=True)),
    )


def years_missing_holidays(today: date) -> list[int]:
    """The years whose holidays nobody knows yet, of those that matter now: this year, next
    year from November (the State Council's notice comes late in the year), and each year
    in which an open working-day deadline falls: of an open order (an extension may carry
    one further), of a lead awaiting acknowledgement, of a dispute awaiting the leader's
    decision (those `deadlines_recount` moves). Only the years holding a deadline, not every
    year up to the furthest: one stray deadline years ahead must not make the office enter
    decades of holidays. One UNION query for all tables, so the home page stays cheap."""
    years = {today.year, today.year + 1} if today.month >= 11 else {today.year}
    orders = WorkOrder.objects.filter(status__in=OPEN_STATUSES)
    deadlines = [
        *((orders, f"due_{name}") for name in DEADLINE_NAMES),
        (Referral.objects.filter(status=ReferralStatus.SENT), "ack_due_at"),
        (Dispute.objects.filter(status__in=OPEN_DISPUTE_STATUSES), "decision_due_at"),
    ]
    first, *rest = [
        rows.filter(**{f"{field}__isnull": False})
        .order_by()
        .values_list(ExtractYear(field, tzinfo=BEIJING), flat=True)
        for rows, field in deadlines
    ]
    years.update(first.union(*rest))
    return reference().calendar.unknown_years(years)


def years_counted_without_holidays(deadlines: Iterable[datetime]) -> list[int]:
    """The years of these deadlines (Beijing time) whose holidays nobody knows yet: they
    were counted Monday to Friday but the statutory holidays, and move when the office enters
    the holidays."""
    return reference().calendar.unknown_years(
        timezone.localtime(due, BEIJING).year for due in deadlines
    )


def deadline_rules() -> tuple[DeadlineRule, ...]:
    """The office's deadline policy as the pure rules `deadlines.order_deadlines` takes."""
    return tuple(
        DeadlineRule(
            name=p.name,
            kind=p.kind,
            urgency=p.urgency,
            amount=p.amount,
            unit=DayUnit(p.unit),
            starts_at=p.starts_at,
        )
        for p in DeadlinePolicy.objects.all()
    )


_WORD_SEPARATORS = re.compile(r"[\n,，、;；]+")


def split_words(value: str) -> tuple[str, ...]:
    """The admin's word lists: one per line or separated by commas or 、. A "word" that
    matching would read as nothing (a zero-width space alone, pasted with a list) is left
    out: a rule refuses an empty word, and one such line in the admin made every page that
    loads the rules answer 500, for everyone."""
    words = (word.strip() for word in _WORD_SEPARATORS.split(value or ""))
    return tuple(word for word in words if normalize(word))


def routing_rules() -> tuple[Rule, ...]:
    """The office's active rules, in the form `routing.route` takes; kept per process with
    the rest of the reference data (`complaints.reference`)."""
    return reference().rules


def load_routing_rules() -> tuple[Rule, ...]:
    """A rule stored with its primary unit among its co-handling units (the admin refuses
    that now; before, or by hand) routes as if it were not, rather than breaking every page
    that loads the rules: a `Rule` refuses to hold it."""
    rules = RoutingRule.objects.filter(is_active=True).select_related("primary_unit")
    return tuple(
        Rule(
            key=row.key,
            name=row.name,
            primary_unit=row.primary_unit.code,
            co_units=tuple(
                unit.code for unit in row.co_units.all() if unit.code != row.primary_unit.code
            ),
            categories=split_words(row.categories),
            any_of=split_words(row.any_of),
            all_of=split_words(row.all_of),
            none_of=split_words(row.none_of),
            priority=row.priority,
        )
        for row in rules.prefetch_related("co_units")
    )


# --- work order lists --------------------------------------------------------------------

LIST_DEFERRED = ("content", "routing", "result", "satisfaction_comment", "citizen_id_number")


def due_soon_until(now: datetime) -> datetime:
    """ "Due soon" means before the end of the next working day."""
    return add_working_days(now, 1, reference().calendar)


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    empty: str = gettext_lazy("No order here.")
    """What the list says when the tab holds no order and nothing narrows it: what the tab
    is for, so an empty tab reads as nothing waiting rather than as a list that failed."""


_NOTHING_DUE_SOON = gettext_lazy("No deadline falls before the end of the next working day.")
_NOTHING_OVERDUE = gettext_lazy("No order is past a deadline.")

UNIT_TABS = (
    Tab(
        "to_sign",
        gettext_lazy("To sign for"),
        gettext_lazy("No order waits for your unit to sign for it."),
    ),
    Tab(
        "in_progress",
        gettext_lazy("In progress"),
        gettext_lazy("Your unit has no order in progress."),
    ),
    Tab(
        "reopened",
        gettext_lazy("Reopened"),
        gettext_lazy("No order of your unit was reopened after a dissatisfied call-back."),
    ),
    Tab("due_soon", gettext_lazy("Due soon"), _NOTHING_DUE_SOON),
    Tab("overdue", gettext_lazy("Overdue"), _NOTHING_OVERDUE),
    Tab(
        "returned",
        gettext_lazy("Returned"),
        gettext_lazy("Your unit has returned no order."),
    ),
    Tab(
        "co_handling",
        gettext_lazy("Co-handling"),
        gettext_lazy("Your unit co-handles no order."),
    ),
    Tab(
        "opinion_due",
        gettext_lazy("Opinion due"),
        gettext_lazy("No co-handled order waits for your unit's opinion."),
    ),
    Tab("all", gettext_lazy("All")),
)

_HANDLING = (Status.ASSIGNED, Status.IN_PROGRESS)


def awaiting_opinion(orders: QuerySet[WorkOrder], unit_id: int | None) -> QuerySet[WorkOrder]:
    """The orders the unit co-handles, still being handled, on which it has given no
    opinion yet (协办意见): the home page counts them and its line opens the list showing
    them (the "Opinion due" tab). An opinion is asked while the order is assigned or in
    progress, as the workflow takes one then."""
    return orders.filter(
        Exists(
            WorkOrderUnit.objects.filter(
                order=OuterRef("pk"), unit_id=unit_id, relation=UnitRelation.CO
            )
        ),
        status__in=_HANDLING,
    ).exclude(Exists(CoHandlingOpinion.objects.filter(order=OuterRef("pk"), unit_id=unit_id)))


def reopened_to_handle(orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """The orders being handled again after a dissatisfied call-back (回访不满意重办), until
    resolved again: the home page counts the unit's and its line opens the list showing
    them (the "Reopened" tab)."""
    return orders.filter(status__in=_HANDLING, reopen_count__gt=0)


OFFICE_TABS = (
    Tab(
        "triage",
        gettext_lazy("Triage queue"),
        gettext_lazy("The triage queue is empty: every order has a unit."),
    ),
    Tab(
        "extensions",
        gettext_lazy("Extension requests"),
        gettext_lazy("No extension request waits for a decision."),
    ),
    Tab(
        "to_close",
        gettext_lazy("Resolved, to close"),
        gettext_lazy("No resolved order waits to be closed."),
    ),
    Tab("due_soon", gettext_lazy("Due soon"), _NOTHING_DUE_SOON),
    Tab("overdue", gettext_lazy("Overdue"), _NOTHING_OVERDUE),
    Tab("all", gettext_lazy("All orders")),
)


FOLLOWER_TABS = (
    Tab("overdue", gettext_lazy("Overdue"), _NOTHING_OVERDUE),
    Tab("due_soon", gettext_lazy("Due soon"), _NOTHING_DUE_SOON),
    Tab("all", gettext_lazy("All orders")),
)
"""For those who see every order but handle none (the group leader, a system
administrator): they triage, decide extensions and close nothing, so the list opens on
what they follow, the overdue orders, which the leader may supervise (督办)."""


def tabs_for(user: User) -> tuple[Tab, ...]:
    if access.is_office_handler(user):
        return OFFICE_TABS
    return FOLLOWER_TABS if access.sees_all_units(user) else UNIT_TABS


def orders_in_tab(
    user: User, tab: str, now: datetime, soon: datetime | None = None
) -> QuerySet[WorkOrder]:
    """The orders of one inbox tab, already scoped to what the user may see."""
    mine = access.workorders_of_own_unit(user)
    orders = access.workorders_visible_to(user)
    if tab == "to_sign":
        orders = mine.filter(status=Status.ASSIGNED)
    elif tab == "in_progress":
        orders = mine.filter(status=Status.IN_PROGRESS)
    elif tab == "reopened":
        orders = reopened_to_handle(mine)
    elif tab == "due_soon":
        soon = soon or due_soon_until(now)
        orders = mine.filter(next_due_at__gte=now, next_due_at__lte=soon)
    elif tab == "overdue":
        orders = mine.filter(next_due_at__lt=now)
    elif tab == "returned":
        orders = access.workorders_linked_to_own_unit(user, UnitRelation.FORMER)
    elif tab == "co_handling":
        orders = access.workorders_linked_to_own_unit(user, UnitRelation.CO).filter(
            status__in=OPEN_STATUSES
        )
    elif tab == "opinion_due":
        orders = awaiting_opinion(orders, getattr(user, "unit_id", None))
    elif tab == "triage":
        orders = orders.filter(status=Status.TRIAGE)
    elif tab == "extensions":
        orders = orders.filter(
            Exists(
                ExtensionRequest.objects.filter(
                    order=OuterRef("pk"), status=ExtensionStatus.PENDING
                )
            )
        )
    elif tab == "to_close":
        orders = orders.filter(status=Status.RESOLVED)
    if access.sees_all_units(user):
        orders = orders.annotate(
            has_possible_duplicates=Exists(
                PossibleDuplicate.objects.filter(
                    order=OuterRef("pk"), status=DuplicateStatus.SUSPECTED
                )
            )
        )
    return orders.select_related("primary_unit", "town").defer(*LIST_DEFERRED)


def tab_counts(user: User, now: datetime, soon: datetime) -> dict[str, int]:
    """One count query per tab: cheap with the (unit, status, next_due_at) index."""
    return {
        tab.key: orders_in_tab(user, tab.key, now, soon).count()
        for tab in tabs_for(user)
        if tab.key != "all"
    }


def nearest_deadlines(user: User, limit: int) -> list[WorkOrder]:
    """The `limit` orders of the user's unit whose next deadline comes first, those past it
    first (the most overdue at the top): the orders of the inbox's due-soon and overdue
    tabs and the ones after them, as the unit handles them as primary unit, whose deadlines
    are its own to meet (`orders_no_longer_theirs`). One query on the (unit, status,
    next_due_at) index; only what a line of the home page shows is read."""
    return list(
        access.workorders_of_own_unit(user)
        .filter(next_due_at__isnull=False)
        .order_by("next_due_at", "id")
        .only("number", "title", "urgency", "next_due_at", "next_due_name")[:limit]
    )


def still_theirs(user: User, order: WorkOrder) -> bool:
    """`orders_no_longer_theirs` for one order whose unit links are loaded (the order
    page's): the reader's unit handles or co-handles it, or the reader sees every unit."""
    return access.sees_all_units(user) or any(
        link.unit_id == user.unit_id and link.relation != UnitRelation.FORMER
        for link in order.unit_links.all()
    )


def orders_no_longer_theirs(user: User, orders: list[WorkOrder]) -> set[int]:
    """Of `orders`, those whose deadlines are no longer the user's unit's to meet: it
    neither handles them as primary unit nor co-handles them (it returned them to the
    office, or they were re-dispatched away). The office and the others who see every unit
    follow every deadline. One query, for the orders of another primary unit only."""
    if access.sees_all_units(user):
        return set()
    unit_id = getattr(user, "unit_id", None)
    others = {order.id for order in orders if order.primary_unit_id != unit_id}
    if not others or unit_id is None:
        return others
    co_handled = WorkOrderUnit.objects.filter(
        order_id__in=others, unit_id=unit_id, relation=UnitRelation.CO
    ).values_list("order_id", flat=True)
    return others - set(co_handled)


def overdue_board(user: User, now: datetime) -> list[dict]:
    """Overdue and due-soon open orders per unit (the office sees every unit); one query."""
    soon = due_soon_until(now)
    rows = (
        access.workorders_visible_to(user)
        .filter(next_due_at__isnull=False, next_due_at__lte=soon)
        .values("primary_unit__code", "primary_unit__name", "primary_unit__name_en")
        .annotate(
            overdue=Count("id", filter=Q(next_due_at__lt=now)),
            due_soon=Count("id", filter=Q(next_due_at__gte=now)),
            oldest=Min("next_due_at"),
        )
        .order_by("-overdue", "primary_unit__code")
    )
    return list(rows)


def unit_links_in_order() -> QuerySet[WorkOrderUnit]:
    """An order's unit links with their units, in the portal's order of units: read with no
    order they come as the database's join gives them, which an update of the units' rows
    changes."""
    return WorkOrderUnit.objects.select_related("unit").order_by(
        "unit__sort_order", "unit__code", "id"
    )


def order_detail(user: User, number: str) -> WorkOrder:
    """The order with what the detail page shows, in a fixed number of queries."""
    return access.get_or_404(
        access.workorders_visible_to(user)
        .select_related("primary_unit", "town", "merged_into", "created_by")
        .prefetch_related(
            Prefetch("unit_links", queryset=unit_links_in_order()),
            Prefetch(
                "events",
                queryset=WorkOrderEvent.objects.select_related(
                    "actor", "actor_unit", "unit"
                ).prefetch_related("actor__roles"),
            ),
            Prefetch(
                "extension_requests",
                queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by"),
            ),
            Prefetch(
                "opinions",
                queryset=CoHandlingOpinion.objects.select_related("unit", "author"),
            ),
            "attachments",
            Prefetch(
                "duplicates",
                queryset=PossibleDuplicate.objects.select_related(
                    "other", "other__primary_unit", "other__merged_into"
                ),
            ),
            "merged_orders",
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("to_unit").order_by("created_at"),
            ),
            Prefetch("disputes", queryset=Dispute.objects.order_by("opened_at")),
            "mediations",
            "litigations",
        ),
        number=number,
    )


def leads_sent_on(
    user: User, originals: Iterable[Referral]
) -> dict[int, list[tuple[Referral, bool]]]:
    """For each of `originals` (a page of the referral list), the leads the group leader's
    decision sent it on as, oldest first, each with whether `user` may open it: a rejected
    or withdrawn lead so settled reads as one nobody has settled otherwise. Two queries
    however many rows the page has; none when no lead was sent on."""
    ids = [referral.id for referral in originals]
    if not ids:
        return {}
    leads = list(
        Referral.objects.filter(by_decision__referral_id__in=ids)
        .select_related("to_unit", "by_decision")
        .order_by("id")
    )
    if not leads:
        return {}
    visible = set(
        access.referrals_visible_to(user)
        .filter(id__in=[lead.id for lead in leads])
        .values_list("id", flat=True)
    )
    sent_on: dict[int, list[tuple[Referral, bool]]] = {}
    for lead in leads:
        sent_on.setdefault(lead.by_decision.referral_id, []).append((lead, lead.id in visible))
    return sent_on


def load_team_questions(team: JointTeam) -> None:
    """Load the joint team's questions to the joint meeting with the resolutions answering
    them and each resolution's meeting, which the dispute's page shows: two queries however
    many questions the team asked."""
    from meetings.models import AgendaItem, Resolution

    prefetch_related_objects(
        [team],
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.prefetch_related(
                Prefetch("resolutions", queryset=Resolution.objects.select_related("meeting"))
            ),
        ),
    )


def units_involved(dispute: Dispute, team: JointTeam | None) -> list[tuple[Unit, bool]]:
    """The units a dispute involves, each once, with whether it leads the joint team: the
    disputing units and, once the leader forms a team, the team's units too (the team is
    formed of any member units he names, not only those that disagreed). The lead unit,
    one of the team's units as well, comes first."""
    units = {unit.id: unit for unit in dispute.units.all()}
    lead_id = None
    if team is not None:
        lead_id = team.lead_unit_id
        units.update((unit.id, unit) for unit in team_units(team))
    return [
        (unit, unit.id == lead_id)
        for unit in sorted(units.values(), key=lambda u: (u.id != lead_id, u.sort_order, u.code))
    ]


def team_units(team: JointTeam) -> list[Unit]:
    """The joint team's units, its lead unit first (it is one of them as well)."""
    units = list(team.member_units.all())
    if all(unit.id != team.lead_unit_id for unit in units):
        units.append(team.lead_unit)
    return sorted(units, key=lambda u: (u.id != team.lead_unit_id, u.sort_order, u.code))


def leads_sent_on_by(user: User, dispute: Dispute) -> list[tuple[Referral, bool]]:
    """The leads `dispute`'s decision sent on (`referral_send_by_decision`), oldest first,
    each with whether `user` may open it. One query however many there are."""
    visible = access.referrals_visible_to(user).filter(pk=OuterRef("pk"))
    leads = (
        dispute.leads_by_decision.select_related("to_unit")
        .annotate(visible=Exists(visible))
        .order_by("id")
    )
    return [(lead, lead.visible) for lead in leads]


@dataclass(frozen=True)
class SettledLead:
    """A lead the group leader's decision settled, and what it did to it: withdrawn from the
    unit holding it, a line saying the case goes on with the work order the decision moved,
    sent on as the leads in `sent_on` (each with whether the reader may open it), or kept
    with the unit holding it, which the decision named."""

    lead: Referral
    visible: bool
    withdrawn: bool
    with_order: bool
    sent_on: list[tuple[Referral, bool]]
    kept: bool = False


def leads_settled_by(
    user: User, dispute: Dispute, sent_on: list[tuple[Referral, bool]]
) -> list[SettledLead]:
    """Every lead `dispute`'s decision settled (`disputes._settle_lead`), the dispute's own
    first: besides its own lead, the other leads of its order whose rejections it recorded
    and the lead whose acceptance registered the order. Read from what the decision wrote
    (the lead's line naming the dispute, the dispute's line withdrawing it), so the list
    says what happened, not what the leads look like now; each with whether `user` may open
    it (`departments.access`). `sent_on` is `leads_sent_on_by(user, dispute)`: the leads the
    dispute's own lead was sent on as. One query however many leads there are."""
    if dispute.decided_at is None:
        return []
    lines = (
        ReferralEvent.objects.filter(action=ReferralAction.DECISION)
        .annotate(by=Cast(KeyTextTransform("dispute", "data"), IntegerField()))
        .filter(by=dispute.id)
    )
    withdrawals = DisputeEvent.objects.filter(
        dispute=dispute, action=DisputeAction.LEAD_WITHDRAWN
    ).annotate(lead=Cast(KeyTextTransform("referral", "data"), IntegerField()))
    visible = access.referrals_visible_to(user).filter(pk=OuterRef("pk"))
    leads = (
        Referral.objects.filter(
            Q(id__in=lines.values("referral_id")) | Q(id__in=withdrawals.values("lead"))
        )
        .select_related("to_unit")
        .annotate(
            visible=Exists(visible),
            withdrawn=Exists(withdrawals.filter(lead=OuterRef("pk"))),
            with_order=Exists(lines.filter(referral=OuterRef("pk"), data__has_key="order")),
            kept=Exists(lines.filter(referral=OuterRef("pk"), data__kept=True)),
        )
        .order_by("id")
    )
    settled = [
        SettledLead(
            lead=lead,
            visible=lead.visible,
            withdrawn=lead.withdrawn,
            with_order=lead.with_order,
            sent_on=sent_on if lead.id == dispute.referral_id else [],
            kept=lead.kept,
        )
        for lead in leads
    ]
    return sorted(settled, key=lambda row: row.lead.id != dispute.referral_id)


def leads_awaiting_decision(
    user: User, leads: Iterable[Referral]
) -> dict[int, tuple[Dispute, bool]]:
    """For each of `leads` (a page of the referral list) whose dispute waits for the group
    leader, that dispute and whether `user` may open it: the list shows "Acknowledged" for
    a lead its unit cannot accept meanwhile (`referrals.awaiting_decision`), and should say
    why. A lead's dispute is the one about it, or its order's open dispute on which its
    rejection was recorded (`disputes.dispute_for_rejected_referral`), which the lead's
    page lists too. One query however many rows the page has."""
    ids = [lead.id for lead in leads]
    if not ids:
        return {}
    waiting: dict[int, tuple[Dispute, bool]] = {}
    for dispute in _disputes_awaiting_decision(user, ids):
        waiting.setdefault(dispute.lead, (dispute, dispute.visible))
    return waiting


def _disputes_awaiting_decision(user: User, ids: list[int]) -> QuerySet[Dispute]:
    visible = access.disputes_visible_to(user).filter(pk=OuterRef("pk"))
    waiting_ = Dispute.objects.filter(status__in=OPEN_DISPUTE_STATUSES)
    own = waiting_.filter(referral_id__in=ids).annotate(lead=F("referral_id"))
    recorded = (
        waiting_.filter(events__action=DisputeAction.LEAD_REJECTED)
        .annotate(lead=Cast(KeyTextTransform("referral", "events__data"), IntegerField()))
        .filter(lead__in=ids)
    )
    # Each part unordered (Dispute's default ordering): SQLite refuses an ORDER BY inside
    # a compound statement, and `make run` serves from SQLite.
    return (
        own.annotate(visible=Exists(visible))
        .order_by()
        .union(recorded.annotate(visible=Exists(visible)).order_by(), all=True)
        .order_by("id")
    )


# --- what waits for a unit or the office outside the order inbox -------------------------
# The lists and the home page's "waiting for you" share these, so a line's count is the
# number of rows its link shows.


def _referral_tab_condition(user: User, tab: str, now: datetime) -> Q:
    if tab == "received":
        return Q(to_unit_id=user.unit_id)
    if tab == "sent":
        return Q(from_unit_id=user.unit_id)
    if tab == "overdue":
        return Q(status=ReferralStatus.SENT, ack_due_at__lt=now)
    if tab == "rejected":
        return Q(status=ReferralStatus.REJECTED)
    return Q()


def referrals_in_tab(user: User, tab: str, now: datetime) -> QuerySet[Referral]:
    """The leads of one tab of the lead list, scoped to what the user may see."""
    return access.referrals_visible_to(user).filter(_referral_tab_condition(user, tab, now))


def referral_tab_counts(user: User, tabs: Iterable[str], now: datetime) -> dict[str, int]:
    """How many leads each tab of the lead list holds, by the tab's own condition
    (`referrals_in_tab`), so the count and the list agree. One query."""
    counted = {
        tab: Count("id", filter=_referral_tab_condition(user, tab, now) or Q(id__isnull=False))
        for tab in tabs
    }
    return access.referrals_visible_to(user).aggregate(**counted)


def interventions_to_answer(user: User) -> QuerySet[Intervention]:
    """Open requests the user's unit was asked into and has not answered."""
    asked = InterventionUnit.objects.filter(
        intervention=OuterRef("pk"),
        unit_id=getattr(user, "unit_id", None),
        answer=InterventionAnswer.ASKED,
    )
    return access.interventions_visible_to(user).filter(Exists(asked), closed_at=None)


def open_team_tasks_of(user: User) -> QuerySet[TeamTask]:
    """Tasks of working joint teams set for the user's unit: only the owning unit marks a
    task done (a person named to it belongs to that unit), and only while the team works."""
    return TeamTask.objects.filter(
        done_at=None, team__concluded_at=None, owner_unit_id=getattr(user, "unit_id", None)
    )


def disputes_with_tasks_for(user: User) -> QuerySet[Dispute]:
    """Disputes whose joint team has a task open for the user's unit."""
    tasks = open_team_tasks_of(user).filter(team__dispute=OuterRef("pk"))
    return access.disputes_visible_to(user).filter(Exists(tasks))
