"""What is waiting for the signed-in person, across every flow of the portal, for the home
page: one count query per line, each starting from the access module, and only the lines
that have something in them. A person who opens the portal in the morning sees at once what
the day asks of them, instead of visiting every screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from complaints import selectors
from complaints.choices import DisputeStatus, InterventionAnswer, ReferralStatus, Urgency
from complaints.models import DeadlinePolicy, InterventionUnit, TeamTask
from meetings.models import ActionStatus, AgendaItemStatus, MeetingStatus, awaiting_answer
from publicity.choices import ReleaseStatus
from reports import figures
from reports.choices import SUMMARY_IN_STATUSES, PlanStatus, ReportStatus, SummaryStatus
from reports.models import AnnualSummary, PlanDeadline, ReportingPeriod
from reports.reminders import SUMMARY_REMINDERS_FROM
from wuqing_consumer import dates
from wuqing_consumer.language import quarter_name

from . import access
from .choices import RoleCode, UnitKind
from .models import Unit, User


@dataclass(frozen=True)
class Duty:
    key: str
    label: str
    count: int
    url: str
    urgent: bool = False


def _lines(rows: list[tuple[str, str | Promise, int, str, bool]]) -> list[Duty]:
    """The rows with something in them, each label said for its count: the count stands
    before the label ("1 Overdue work order"), so a label written for any number
    (`ngettext_lazy` keyed on "count") is given its own."""
    return [
        Duty(key, label % {"count": count} if isinstance(label, Promise) else label, count, *rest)
        for key, label, count, *rest in rows
        if count
    ]


NEAREST_DEADLINES = 5


@dataclass(frozen=True)
class Deadline:
    """One line of the home page's nearest deadlines: an order (its urgency named unless
    ordinary, as the inbox badges it), which of its deadlines comes next, when
    (`dates.minute`), the time left or past, and whether it is overdue ("overdue"), due
    soon ("soon", by the end of the next working day) or later ("ok")."""

    number: str
    title: str
    urgency: str
    name: str
    due_at: str
    left: timedelta
    state: str


@dataclass(frozen=True)
class NearestDeadlines:
    """The unit's orders whose next deadline comes first, and the inbox tabs that list the
    overdue and due-soon ones, with as many as each lists."""

    rows: list[Deadline]
    overdue: int
    due_soon: int
    overdue_url: str
    due_soon_url: str


def nearest_deadlines(user: User, now: datetime | None = None) -> NearestDeadlines:
    """For a unit's people (`access.handles_unit_orders`): the first deadlines their unit
    has to meet, what is late and what comes next, in the order they fall due; the counts
    of "waiting for you" say how many are overdue, but not which orders, nor what falls
    due tomorrow. The tabs are counted as the inbox counts them (`orders_in_tab`), so each
    link's number is what it lists. Three queries, however many orders the unit has."""
    now = now or timezone.now()
    soon = selectors.due_soon_until(now)
    names = dict(DeadlinePolicy.Name.choices)
    rows = []
    for order in selectors.nearest_deadlines(user, NEAREST_DEADLINES):
        due = order.next_due_at
        rows.append(
            Deadline(
                number=order.number,
                title=order.title,
                urgency="" if order.urgency == Urgency.NORMAL else order.get_urgency_display(),
                name=names.get(order.next_due_name, order.next_due_name),
                due_at=dates.minute(due),
                left=due - now,
                state="overdue" if due < now else "soon" if due <= soon else "ok",
            )
        )
    orders = reverse("order_list")
    return NearestDeadlines(
        rows=rows,
        overdue=selectors.orders_in_tab(user, "overdue", now, soon).count(),
        due_soon=selectors.orders_in_tab(user, "due_soon", now, soon).count(),
        overdue_url=f"{orders}?tab=overdue",
        due_soon_url=f"{orders}?tab=due_soon",
    )


def _with_late(rows: QuerySet, late: Q) -> tuple[int, bool]:
    """All the rows a list shows, and whether any of them is late: one query, so the line
    counts what its link lists and still turns red when something in it is overdue."""
    found = rows.aggregate(count=Count("pk"), late=Count("pk", filter=late))
    return found["count"], found["late"] > 0


def _report_to_submit(user: User, today: date) -> list[tuple[str, str, int, str, bool]]:
    """The quarters the unit's report list shows (`figures.recent_periods`) that have ended
    without the unit's report in (`figures.awaits_submission`), from the day each ends and
    from the first the unit is asked for (`figures.first_asked`: its reporting began then,
    or it reported on it), for those who submit it:
    the reminders say when one is due, this line says it every day.

    One quarter is one line that names it, red once past its due date, opening its draft
    (or the list, to start it). Several are one line: how many, the oldest and its due
    date, red if any is late, opening the report list showing just them. A unit behind by
    several quarters would otherwise see a red line per quarter push its orders and leads
    below a phone's first screen, and every other line of the page is one count of one
    kind of thing, opening the list of exactly those.

    One query: the unit's report of each quarter and the office's due date (if it moved
    one) together, and nothing for a unit that does not report; one more, the working
    days' version, when a quarter waiting is due on its default date. A returned report
    has its own line."""
    ended = [p for p in reversed(figures.recent_periods(today)) if p.last < today]
    reports = access.unit_reports_visible_to(user).filter(unit_id=user.unit_id)
    first = reports.order_by("year", "quarter")
    columns = {
        "first_year": Subquery(first.values("year")[:1]),
        "first_quarter": Subquery(first.values("quarter")[:1]),
    }
    for i, period in enumerate(ended):
        report = reports.filter(year=period.year, quarter=period.quarter)
        moved = ReportingPeriod.objects.filter(year=period.year, quarter=period.quarter)
        columns[f"report_{i}"] = Subquery(report.values("id")[:1])
        columns[f"status_{i}"] = Subquery(report.values("status")[:1])
        columns[f"due_{i}"] = Subquery(moved.values("due_on")[:1])
    found = (
        Unit.objects.filter(id=user.unit_id, kind=UnitKind.MEMBER, is_active=True)
        .annotate(**columns)
        .values("reports_since", "reports_until", *columns)
        .first()
    )
    if found is None:
        return []
    first_report = (found["first_year"], found["first_quarter"]) if found["first_year"] else None
    since = figures.first_asked(first_report, found["reports_since"])
    calendar = figures.working_days()
    waiting = [
        (
            period,
            found[f"report_{i}"],
            found[f"due_{i}"]
            or ReportingPeriod.default_due_on(period.year, period.quarter, calendar),
        )
        for i, period in enumerate(ended)
        if figures.awaits_submission(period, found[f"status_{i}"], today, since)
        # Not a quarter after its last day of reporting (`Unit.reports_until`).
        and (found["reports_until"] is None or period.last <= found["reports_until"])
    ]
    if not waiting:
        return []
    oldest, report_id, due = waiting[0]
    values = {"period": quarter_name(oldest), "due": due.isoformat()}
    if len(waiting) == 1:
        label = _("Quarterly report for %(period)s to submit by %(due)s") % values
        url = (
            reverse("unit_report", args=[report_id])
            if report_id
            else f"{reverse('report_list')}?period={oldest.label}"
        )
    else:
        label = _("Quarterly reports to submit (oldest %(period)s, due %(due)s)") % values
        url = reverse("report_list") + "?show=to_submit"
    late = any(today > due_on for _period, _report, due_on in waiting)
    return [("report_to_submit", label, len(waiting), url, late)]


def _summary_to_submit(user: User, today: date) -> list[tuple[str, str, int, str, bool]]:
    """The annual work summary (section 五, before 1 December) not yet submitted, for those
    who submit it: this year's from the day its reminders start, last year's before then
    (late until it comes in, not forgotten at New Year). It names the last day, says so on
    that day and says it is late after it, both in red, and opens the unit's summary (or the
    list, to start it). A returned summary has its own line."""
    year = today.year if today >= date(today.year, *SUMMARY_REMINDERS_FROM) else today.year - 1
    summary = access.summaries_visible_to(user).filter(unit_id=OuterRef("pk"), year=year)
    found = (
        Unit.objects.filter(figures.asked_for_summary(year), id=user.unit_id)
        .annotate(
            summary_id=Subquery(summary.values("id")[:1]),
            status=Subquery(summary.values("status")[:1]),
        )
        .values("summary_id", "status")
        .first()
    )
    if found is None or found["status"] in (*SUMMARY_IN_STATUSES, SummaryStatus.RETURNED):
        return []
    due = AnnualSummary.due_on(year)
    values = {"year": year, "due": due.isoformat()}
    if today < due:
        label = _("Annual work summary for %(year)s to submit by %(due)s") % values
    elif today == due:
        label = _("Annual work summary for %(year)s: today, %(due)s, is the last day") % values
    else:
        label = _("Annual work summary for %(year)s is late: it was due by %(due)s") % values
    url = (
        reverse("annual_summary", args=[found["summary_id"]])
        if found["summary_id"]
        else f"{reverse('annual_summaries')}?year={year}"
    )
    return [("summary_to_submit", label, 1, url, today >= due)]


# What says whether a unit is asked for a period (`Unit.reports_on`, `asks_for_summary`).
_UNIT_REPORTING = ("unit__kind", "unit__is_active", "unit__reports_since", "unit__reports_until")


def _summaries_returned(user: User) -> list[tuple[str, str, int, str, bool]]:
    """The unit's annual summaries the office returned for changes, for everyone who writes
    them (staff change it, the liaison or head submits it again), in red, opening it: a
    line a summary (one a year, seldom more than one at a time), as a report's or a plan's
    return has its own line. Only the years the unit is still asked for
    (`figures.asked_for_summary`): it could not submit the others again. One query."""
    returned = (
        access.summaries_visible_to(user)
        .filter(unit_id=user.unit_id, status=SummaryStatus.RETURNED)
        .select_related("unit")
        .only("year", *_UNIT_REPORTING)
        .order_by("-year")
    )
    return [
        (
            "summary_returned",
            _("Your work summary for %(year)s was returned for changes") % {"year": summary.year},
            1,
            reverse("annual_summary", args=[summary.id]),
            True,
        )
        for summary in returned
        # Not a year the unit is no longer asked for: it could not submit it again.
        if figures.asks_for_summary(summary.unit, summary.year)
    ]


def _reports_returned(user: User) -> int:
    """The unit's quarterly reports the office returned for changes, of the quarters the
    unit still reported at the end of (`Unit.reports_on`): it could not submit the others
    again (`report_submit`), and a line that can never go away tells nothing. One query."""
    returned = (
        access.unit_reports_visible_to(user)
        .filter(unit_id=user.unit_id, status=ReportStatus.RETURNED)
        .select_related("unit")
        .only("year", "quarter", *_UNIT_REPORTING)
    )
    return sum(
        report.unit.reports_on(figures.Period(report.year, report.quarter).last)
        for report in returned
    )


def _plan_to_file(user: User, today: date) -> list[tuple[str, str, int, str, bool]]:
    """This year's implementation plan (section 五（二）) once the office has set a date for
    it (`PlanDeadline`), while the unit has not filed it, for those who file it: the date,
    red once it has passed, opening the unit's plan (or the list, to start it). A returned
    plan has its own line. One query; without a date set there is nothing to say."""
    plan = access.plans_visible_to(user).filter(unit_id=OuterRef("pk"), year=today.year)
    found = (
        Unit.objects.filter(id=user.unit_id, kind=UnitKind.MEMBER, is_active=True)
        .annotate(
            due=Subquery(PlanDeadline.objects.filter(year=today.year).values("due_on")[:1]),
            plan_id=Subquery(plan.values("id")[:1]),
            status=Subquery(plan.values("status")[:1]),
        )
        .values("due", "plan_id", "status")
        .first()
    )
    if found is None or found["due"] is None or found["status"] not in (None, PlanStatus.DRAFT):
        return []
    due = found["due"]
    values = {"year": today.year, "due": due.isoformat()}
    if today <= due:
        label = _("Implementation plan for %(year)s to file by %(due)s") % values
    else:
        label = _("Implementation plan for %(year)s is late: it was due by %(due)s") % values
    url = (
        reverse("plan_detail", args=[found["plan_id"]])
        if found["plan_id"]
        else f"{reverse('plan_list')}?year={today.year}"
    )
    return [("plan_to_file", label, 1, url, today > due)]


def _unit_duties(user: User, now: datetime) -> list[tuple[str, str, int, str, bool]]:
    today = timezone.localdate(now)
    unit_id = user.unit_id
    received = selectors.referrals_in_tab(user, "received", now)
    leads_to_acknowledge, leads_late = _with_late(
        received.filter(status=ReferralStatus.SENT), Q(ack_due_at__lt=now)
    )
    interventions, interventions_late = _with_late(
        selectors.interventions_to_answer(user), Q(answer_due_at__lt=now)
    )
    late_tasks = selectors.open_team_tasks_of(user).filter(
        team__dispute=OuterRef("pk"), due_on__lt=today
    )
    team_tasks, tasks_late = _with_late(
        selectors.disputes_with_tasks_for(user), Q(Exists(late_tasks))
    )
    actions = access.action_items_visible_to(user).filter(
        owner_id=unit_id, status=ActionStatus.OPEN
    )
    releases = access.releases_visible_to(user).filter(unit_id=unit_id)
    if access.submits_release(user, unit_id):
        sign_off = [
            (
                "releases_to_submit",
                ngettext_lazy(
                    "Draft public release to submit to the office",
                    "Draft public releases to submit to the office",
                    "count",
                ),
                releases.filter(status=ReleaseStatus.DRAFT).count(),
                reverse("release_list") + "?status=draft",
                False,
            )
        ]
    else:
        sign_off = []
    if access.submits_unit_report(user, unit_id):
        sign_off += _report_to_submit(user, today)
        sign_off += _summary_to_submit(user, today)
        sign_off += _plan_to_file(user, today)
    order_tabs = (
        (
            "to_sign",
            ngettext_lazy("Work order to sign for", "Work orders to sign for", "count"),
            False,
        ),
        (
            "overdue",
            ngettext_lazy("Overdue work order", "Overdue work orders", "count"),
            True,
        ),
        (
            "reopened",
            ngettext_lazy(
                "Work order reopened after a dissatisfied call-back",
                "Work orders reopened after a dissatisfied call-back",
                "count",
            ),
            False,
        ),
        (
            "opinion_due",
            ngettext_lazy(
                "Co-handled work order waiting for your unit's opinion",
                "Co-handled work orders waiting for your unit's opinion",
                "count",
            ),
            False,
        ),
    )
    return [
        *(
            (
                f"orders_{tab}",
                label,
                selectors.orders_in_tab(user, tab, now).count(),
                reverse("order_list") + f"?tab={tab}",
                late,
            )
            for tab, label, late in order_tabs
        ),
        (
            "leads_to_acknowledge",
            ngettext_lazy("Referred lead to acknowledge", "Referred leads to acknowledge", "count"),
            leads_to_acknowledge,
            reverse("referral_list") + "?tab=received&status=sent",
            leads_late,
        ),
        (
            "leads_to_decide",
            ngettext_lazy(
                "Acknowledged lead to accept or reject",
                "Acknowledged leads to accept or reject",
                "count",
            ),
            received.filter(status=ReferralStatus.ACKNOWLEDGED).count(),
            reverse("referral_list") + "?tab=received&status=acknowledged",
            False,
        ),
        (
            "interventions_to_answer",
            ngettext_lazy(
                "Early intervention request waiting for your unit's answer",
                "Early intervention requests waiting for your unit's answer",
                "count",
            ),
            interventions,
            reverse("intervention_list") + "?state=to_answer",
            interventions_late,
        ),
        (
            "team_tasks",
            ngettext_lazy(
                "Joint investigation team with tasks for your unit",
                "Joint investigation teams with tasks for your unit",
                "count",
            ),
            team_tasks,
            reverse("dispute_list") + "?status=tasks",
            tasks_late,
        ),
        (
            "meeting_answers",
            ngettext_lazy(
                "Joint meeting waiting for your unit's answer",
                "Joint meetings waiting for your unit's answer",
                "count",
            ),
            awaiting_answer(access.meetings_visible_to(user), unit_id, today).count(),
            reverse("meeting_list") + "?answer=waiting",
            False,
        ),
        (
            "actions_late",
            ngettext_lazy(
                "Overdue action item of the joint meetings",
                "Overdue action items of the joint meetings",
                "count",
            ),
            actions.filter(due_on__lt=today).count(),
            reverse("action_items") + "?show=overdue",
            True,
        ),
        (
            "actions_open",
            ngettext_lazy(
                "Open action item of the joint meetings",
                "Open action items of the joint meetings",
                "count",
            ),
            actions.filter(due_on__gte=today).count(),
            reverse("action_items") + "?show=upcoming",
            False,
        ),
        (
            "reports_returned",
            ngettext_lazy(
                "Quarterly report returned for changes",
                "Quarterly reports returned for changes",
                "count",
            ),
            _reports_returned(user),
            reverse("report_list"),
            True,
        ),
        (
            "releases_returned",
            ngettext_lazy(
                "Public release returned for changes",
                "Public releases returned for changes",
                "count",
            ),
            releases.filter(status=ReleaseStatus.RETURNED).count(),
            reverse("release_list") + "?status=returned",
            True,
        ),
        *sign_off,
        *_summaries_returned(user),
        (
            "plans_returned",
            ngettext_lazy(
                "Implementation plan returned for changes",
                "Implementation plans returned for changes",
                "count",
            ),
            access.plans_visible_to(user)
            .filter(unit_id=unit_id, status=PlanStatus.RETURNED)
            .count(),
            reverse("plan_list"),
            True,
        ),
    ]


def _summaries_to_acknowledge(user: User) -> tuple[str, str, int, str, bool]:
    """The annual summaries submitted and waiting for the office's acknowledgement (or its
    return), opening the list of the oldest year among them. One query."""
    waiting = (
        access.summaries_visible_to(user)
        .filter(status=SummaryStatus.SUBMITTED)
        .aggregate(n=Count("id"), year=Min("year"))
    )
    url = reverse("annual_summaries")
    if waiting["year"]:
        url += f"?year={waiting['year']}"
    return (
        "summaries_to_acknowledge",
        ngettext_lazy(
            "Annual work summary to acknowledge", "Annual work summaries to acknowledge", "count"
        ),
        waiting["n"],
        url,
        False,
    )


def _summaries_not_in(user: User, today: date) -> list[tuple[str, str, int, str, bool]]:
    """From the day after a year's annual summaries were due until the next year's are: how
    many member units' summaries are not submitted, in red, opening the year's list with
    its reminders (催报). One query."""
    year = today.year if today > AnnualSummary.due_on(today.year) else today.year - 1
    due = AnnualSummary.due_on(year)
    submitted = access.summaries_visible_to(user).filter(
        unit_id=OuterRef("pk"), year=year, status__in=SUMMARY_IN_STATUSES
    )
    asked = Unit.objects.filter(figures.asked_for_summary(year))
    waiting = asked.filter(~Exists(submitted)).count()
    label = ngettext(
        "Annual work summary for %(year)s not in (due by %(due)s)",
        "Annual work summaries for %(year)s not in (due by %(due)s)",
        waiting,
    ) % {
        "year": year,
        "due": due.isoformat(),
    }
    return [
        (
            "summaries_not_in",
            label,
            waiting,
            f"{reverse('annual_summaries')}?year={year}",
            True,
        )
    ]


def _reports_to_review(user: User) -> list[tuple[str, str, int, str, bool]]:
    """The units' reports submitted and not yet reviewed: a line per quarter with some,
    newest first, opening the office's list at that quarter showing those units alone
    (`show=to_review`), so that each line counts exactly the rows its link lists. The list
    shows one quarter: a single line for every quarter counted them all and opened the
    oldest quarter's whole list, where the officer found fewer reports to review than the
    line said and no way to the others but the quarter picker.

    The list's units of a quarter are the member units reporting on any day from its
    first (`figures.member_units`, `Unit.reports_on`); a report of a unit that stopped
    before it is not among them, so not counted either. One query."""
    submitted = (
        access.unit_reports_visible_to(user)
        .filter(status=ReportStatus.SUBMITTED, unit__kind=UnitKind.MEMBER)
        .only("year", "quarter", "unit__is_active", "unit__reports_until")
    )
    waiting: dict[figures.Period, int] = {}
    for report in submitted:
        period = figures.Period(report.year, report.quarter)
        if report.unit.reports_on(period.first):
            waiting[period] = waiting.get(period, 0) + 1
    return [
        (
            "reports_to_review",
            ngettext(
                "Quarterly report to review for %(period)s",
                "Quarterly reports to review for %(period)s",
                waiting[period],
            )
            % {"period": quarter_name(period)},
            waiting[period],
            f"{reverse('report_list')}?period={period.label}&show=to_review",
            False,
        )
        for period in sorted(waiting, reverse=True)
    ]


def _reports_late(user: User, today: date) -> list[tuple[str, str, int, str, bool]]:
    """The member units' quarterly reports that are late: past the quarter's due date (the
    office's, if it moved one) and not in its hands (not started, a draft or returned:
    `figures.is_late`), of the quarters its list offers (`figures.recent_periods`) and each
    unit is asked for (`figures.first_asked`, `Unit.reports_on`), as the list marks them
    Overdue and chases them (催报). One red line per late quarter, newest first, opening the
    list at that quarter showing its late units alone (`show=late`), so that each line
    counts exactly the rows its link lists. The office's list shows one quarter and chases
    one quarter at a time ("Remind all late units"): a single line for several quarters
    counted them all and opened the oldest alone, where the officer found fewer rows than
    the line said and no way to the others but the quarter picker. Unlike a unit's own
    reports to submit (one line for several, `_report_to_submit`), the office has no list
    of several quarters' units to open.

    One query: the units with their first report and each quarter's status and moved due
    date as subqueries, whatever the number of units; and the working days' version, for
    the default due dates (`ReportingPeriod.default_due_on`)."""
    periods = list(reversed(figures.recent_periods(today)))
    reports = access.unit_reports_visible_to(user).filter(unit_id=OuterRef("pk"))
    first = reports.order_by("year", "quarter")
    columns = {
        "first_year": Subquery(first.values("year")[:1]),
        "first_quarter": Subquery(first.values("quarter")[:1]),
    }
    for i, period in enumerate(periods):
        moved = ReportingPeriod.objects.filter(year=period.year, quarter=period.quarter)
        report = reports.filter(year=period.year, quarter=period.quarter)
        columns[f"status_{i}"] = Subquery(report.values("status")[:1])
        columns[f"due_{i}"] = Subquery(moved.values("due_on")[:1])
    # Every member unit, as the list: one deactivated later is still asked for the quarters
    # it reported in.
    units = (
        Unit.objects.filter(kind=UnitKind.MEMBER)
        .annotate(**columns)
        .only("kind", "is_active", "reports_since", "reports_until")
    )
    late: dict[figures.Period, int] = {}
    due: dict[figures.Period, date] = {}
    calendar = figures.working_days()
    for unit in units:
        first_report = (unit.first_year, unit.first_quarter) if unit.first_year else None
        since = figures.first_asked(first_report, unit.reports_since)
        for i, period in enumerate(periods):
            due_on = getattr(unit, f"due_{i}") or ReportingPeriod.default_due_on(
                period.year, period.quarter, calendar
            )
            if (
                since <= period
                and unit.reports_on(period.last)
                and figures.is_late(due_on, getattr(unit, f"status_{i}"), today)
            ):
                late[period] = late.get(period, 0) + 1
                due[period] = due_on
    return [
        (
            "reports_late",
            ngettext(
                "Late quarterly report for %(period)s (due %(due)s)",
                "Late quarterly reports for %(period)s (due %(due)s)",
                late[period],
            )
            % {"period": quarter_name(period), "due": due[period].isoformat()},
            late[period],
            f"{reverse('report_list')}?period={period.label}&show=late",
            True,
        )
        for period in sorted(late, reverse=True)
    ]


def _office_duties(user: User, now: datetime) -> list[tuple[str, str, int, str, bool]]:
    today = timezone.localdate(now)
    releases = access.releases_visible_to(user)
    disputes_to_propose, disputes_late = _with_late(
        access.disputes_visible_to(user).filter(status=DisputeStatus.OPEN),
        Q(decision_due_at__lt=now),
    )
    return [
        (
            "orders_triage",
            ngettext_lazy(
                "Work order waiting for triage", "Work orders waiting for triage", "count"
            ),
            selectors.orders_in_tab(user, "triage", now).count(),
            reverse("order_list") + "?tab=triage",
            False,
        ),
        (
            "orders_overdue",
            ngettext_lazy("Overdue work order", "Overdue work orders", "count"),
            selectors.orders_in_tab(user, "overdue", now).count(),
            reverse("order_list") + "?tab=overdue",
            True,
        ),
        (
            "orders_extensions",
            ngettext_lazy("Extension request to decide", "Extension requests to decide", "count"),
            selectors.orders_in_tab(user, "extensions", now).count(),
            reverse("order_list") + "?tab=extensions",
            False,
        ),
        (
            "orders_to_close",
            ngettext_lazy(
                "Resolved work order to close after the call-back",
                "Resolved work orders to close after the call-back",
                "count",
            ),
            selectors.orders_in_tab(user, "to_close", now).count(),
            reverse("order_list") + "?tab=to_close",
            False,
        ),
        (
            "leads_late",
            ngettext_lazy(
                "Referred lead not acknowledged in time",
                "Referred leads not acknowledged in time",
                "count",
            ),
            selectors.referrals_in_tab(user, "overdue", now).count(),
            reverse("referral_list") + "?tab=overdue",
            True,
        ),
        (
            "disputes_to_propose",
            ngettext_lazy(
                "Jurisdiction dispute waiting for your proposal",
                "Jurisdiction disputes waiting for your proposal",
                "count",
            ),
            disputes_to_propose,
            reverse("dispute_list") + "?status=open",
            disputes_late,
        ),
        *_reports_to_review(user),
        *_reports_late(user, today),
        (
            "releases_to_review",
            ngettext_lazy("Public release to review", "Public releases to review", "count"),
            releases.filter(status=ReleaseStatus.SUBMITTED).count(),
            reverse("release_list") + "?status=submitted",
            False,
        ),
        (
            "releases_to_publish",
            ngettext_lazy(
                "Approved public release to publish", "Approved public releases to publish", "count"
            ),
            releases.filter(status=ReleaseStatus.APPROVED).count(),
            reverse("release_list") + "?status=approved",
            False,
        ),
        *_summaries_not_in(user, today),
        _summaries_to_acknowledge(user),
        (
            "plans_to_acknowledge",
            ngettext_lazy(
                "Implementation plan to acknowledge", "Implementation plans to acknowledge", "count"
            ),
            access.plans_visible_to(user).filter(status=PlanStatus.FILED).count(),
            reverse("plan_list"),
            False,
        ),
        (
            "questions_waiting",
            ngettext_lazy(
                "Question waiting for a meeting", "Questions waiting for a meeting", "count"
            ),
            access.agenda_proposals_visible_to(user)
            .filter(status=AgendaItemStatus.WAITING)
            .count(),
            reverse("meeting_list") + "#waiting-questions",
            False,
        ),
        (
            "meetings_to_record",
            ngettext_lazy("Joint meeting to record", "Joint meetings to record", "count"),
            access.meetings_visible_to(user)
            .filter(status=MeetingStatus.PLANNED, planned_on__lte=today)
            .count(),
            reverse("meeting_list") + "?status=planned",
            True,
        ),
        (
            "actions_late",
            ngettext_lazy(
                "Overdue action item of the joint meetings",
                "Overdue action items of the joint meetings",
                "count",
            ),
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
        disputes_to_decide, decisions_late = _with_late(
            access.disputes_visible_to(user).filter(status=DisputeStatus.PROPOSED),
            Q(decision_due_at__lt=now),
        )
        rows = [
            (
                "disputes_to_decide",
                ngettext_lazy(
                    "Jurisdiction dispute waiting for your decision",
                    "Jurisdiction disputes waiting for your decision",
                    "count",
                ),
                disputes_to_decide,
                reverse("dispute_list") + "?status=proposed",
                decisions_late,
            )
        ]
    elif getattr(user, "unit_id", None) is not None and access.has_role(
        user, *access.UNIT_HANDLER_ROLES
    ):
        rows = _unit_duties(user, now)
    else:
        return []
    duties = _lines(rows)
    return sorted(duties, key=lambda d: not d.urgent)


def _leader_follows(user: User, now: datetime) -> list[tuple[str, str, int, str, bool]]:
    """What the group leader oversees and others act on: the district's overdue orders (the
    escalation steps tell him of them), disputes still with the office, overdue tasks of
    the joint teams he formed, early intervention requests still open, and the units'
    late quarterly reports and annual summaries. Each line counts what its link lists; one
    query a line."""
    today = timezone.localdate(now)
    with_office, office_late = _with_late(
        access.disputes_visible_to(user).filter(status=DisputeStatus.OPEN),
        Q(decision_due_at__lt=now),
    )
    unanswered = InterventionUnit.objects.filter(
        intervention=OuterRef("pk"), answer=InterventionAnswer.ASKED
    )
    interventions, interventions_late = _with_late(
        access.interventions_visible_to(user).filter(closed_at=None),
        Q(answer_due_at__lt=now) & Q(Exists(unanswered)),
    )
    return [
        (
            "orders_overdue",
            ngettext_lazy("Overdue work order", "Overdue work orders", "count"),
            selectors.orders_in_tab(user, "overdue", now).count(),
            reverse("order_list") + "?tab=overdue",
            True,
        ),
        (
            "disputes_with_office",
            ngettext_lazy(
                "Jurisdiction dispute waiting for the office's proposal",
                "Jurisdiction disputes waiting for the office's proposal",
                "count",
            ),
            with_office,
            reverse("dispute_list") + "?status=open",
            office_late,
        ),
        (
            "team_tasks_late",
            ngettext_lazy(
                "Overdue task of joint investigation teams",
                "Overdue tasks of joint investigation teams",
                "count",
            ),
            TeamTask.objects.filter(done_at=None, due_on__lt=today).count(),
            reverse("escalation_board"),
            True,
        ),
        (
            "interventions_open",
            ngettext_lazy(
                "Early intervention request still open",
                "Early intervention requests still open",
                "count",
            ),
            interventions,
            reverse("intervention_list") + "?state=open",
            interventions_late,
        ),
        *_reports_late(user, today),
        *_summaries_not_in(user, today),
    ]


def _director_follows(user: User, now: datetime) -> list[tuple[str, str, int, str, bool]]:
    """The disputes the office has put to the group leader: the director is told when one
    waits more than three working days (`disputes.remind_escalations`), and sees them here
    all along, red once one is past its decision day."""
    with_leader, leader_late = _with_late(
        access.disputes_visible_to(user).filter(status=DisputeStatus.PROPOSED),
        Q(decision_due_at__lt=now),
    )
    return [
        (
            "disputes_with_leader",
            ngettext_lazy(
                "Jurisdiction dispute waiting for the group leader's decision",
                "Jurisdiction disputes waiting for the group leader's decision",
                "count",
            ),
            with_leader,
            reverse("dispute_list") + "?status=proposed",
            leader_late,
        )
    ]


def to_follow(user: User, now=None) -> list[Duty]:
    """What the person's role oversees while others act on it (`access.oversees_district`),
    for the home page beside what waits for them: the lines with something in them, urgent
    ones first."""
    now = now or timezone.now()
    if access.decides_disputes(user):
        rows = _leader_follows(user, now)
    elif access.has_role(user, RoleCode.OFFICE_DIRECTOR):
        rows = _director_follows(user, now)
    else:
        return []
    lines = _lines(rows)
    return sorted(lines, key=lambda d: not d.urgent)
