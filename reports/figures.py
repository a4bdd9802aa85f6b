"""The numbers of the quarterly reports: one unit's portal figures (block 3, pre-filled) and
the district's aggregate. Both read the daily summary (`complaints.stats`) and plain,
JSON-ready dicts come out, so a published report can keep them exactly as they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from complaints import stats
from complaints.choices import OPEN_REFERRAL_STATUSES, Channel, Kind, ReferralStatus
from complaints.deadlines import WorkdayCalendar
from complaints.models import DailyStat, Referral, WorkOrder
from complaints.reference import reference
from departments.choices import UnitKind
from departments.models import Town, Unit, reporting_on
from wuqing_consumer.dates import year_accepted
from wuqing_consumer.language import choice_names, in_district_language, quarter_key

from . import campaigns
from .choices import (
    IN_HAND_STATUSES,
    SUMMARY_IN_STATUSES,
    ProductCategory,
    PublicityKind,
    ReportStatus,
)
from .models import (
    AnnualSummary,
    DistrictReport,
    EducationEvent,
    PublicityItem,
    ReportingPeriod,
    SamplingLine,
    UnitReport,
    quarter_bounds,
)

Dimension = DailyStat.Dimension
TOP = 10
_PERIOD = re.compile(r"^\s*(\d{4})\s*[-_ ]?\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026Q3" (also "2026-Q3", "2026 q3"); ValueError with a message otherwise."""
        match = _PERIOD.match(text or "")
        # A year the calendar cannot hold ("0000Q1", "9999Q4" ends in year 10000) is no quarter.
        if not match or not year_accepted(int(match.group(1))):
            raise ValueError(
                _("“%(text)s” is not a quarter; write it like 2026Q3.") % {"text": text}
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> Period:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        """The key, "2026Q3": for addresses, inputs, files, caches and the API, never for a
        reader, who is shown `language.quarter_name` (`{{ period|quarter }}`)."""
        return quarter_key(self.year, self.quarter)

    @property
    def first(self) -> date:
        return quarter_bounds(self.year, self.quarter)[0]

    @property
    def last(self) -> date:
        return quarter_bounds(self.year, self.quarter)[1]

    @property
    def has_ended(self) -> bool:
        """Over in Beijing: its figures are complete, and may be reported and frozen."""
        return self.last < timezone.localdate()

    def previous(self) -> Period:
        return (
            Period(self.year - 1, 4) if self.quarter == 1 else Period(self.year, self.quarter - 1)
        )

    def next(self) -> Period:
        return (
            Period(self.year + 1, 1) if self.quarter == 4 else Period(self.year, self.quarter + 1)
        )

    def year_before(self) -> Period:
        return Period(self.year - 1, self.quarter)

    def due_on(self, calendar: WorkdayCalendar | None = None) -> date:
        """The office's date for the quarter, or the default (`calendar`: the working days,
        when the caller has them for several quarters)."""
        row = ReportingPeriod.objects.filter(year=self.year, quarter=self.quarter).first()
        if row:
            return row.due_on
        return ReportingPeriod.default_due_on(self.year, self.quarter, calendar)


def working_days() -> WorkdayCalendar:
    """The portal's working days for a page's default due dates (`Period.due_on`), read
    once (the reference's version, one query) and only if a quarter needs them: most
    quarters shown have a date of their own or none due."""
    return SimpleLazyObject(lambda: reference().calendar)


RECENT_QUARTERS = 8


def recent_periods(today: date) -> list[Period]:
    """The quarters a unit's report list shows, newest first: the running one and the seven
    before it. These are the quarters a unit is asked to report on; the home page's line
    counts the same ones, so it never names a quarter the list does not show."""
    period = Period.containing(today)
    periods = []
    for _i in range(RECENT_QUARTERS):
        periods.append(period)
        period = period.previous()
    return periods


def first_asked(first_report: tuple[int, int] | None, reports_since: date) -> Period:
    """The first quarter a unit is asked to report on: the one its reporting begins in
    (`Unit.reports_since`: the quarter it was added to the portal, or the one the office
    set), or the first it has a report for if that is earlier.

    A unit that never reports stays asked for every quarter from its beginning on, each
    late once due; it was once asked only for the last ended quarter, so each quarter it
    let pass stopped being asked of it. A draft started early for the quarter under way
    does not excuse an ended one: the earlier of the two counts."""
    since = Period.containing(reports_since)
    return min(Period(*first_report), since) if first_report else since


def units_asked(period: Period, units: list[Unit]) -> set[int]:
    """The ids of the `units` asked to report on `period`: reporting on the quarter's last
    day, from its beginning (`first_asked`: each unit's beginning and first report) to its
    end (`Unit.reports_on`: active with no `reports_until`, or a `reports_until` on or
    after that day), in one query. A unit deactivated later is still asked for the quarters
    that ended while it reported, so its report stays in their district reports; it is not
    asked for the quarter it stopped in, nor after. The office's list, its 催报, the
    scheduled reminders and the district report count a unit late only for the quarters
    its own list and home page ask it for."""
    first = dict(
        UnitReport.objects.filter(unit__in=units)
        .values("unit_id")
        .annotate(first=Min(F("year") * 10 + F("quarter")))
        .order_by()
        .values_list("unit_id", "first")
    )
    asked = set()
    for unit in units:
        first_report = divmod(first[unit.id], 10) if unit.id in first else None
        if unit.reports_on(period.last) and first_asked(first_report, unit.reports_since) <= period:
            asked.add(unit.id)
    return asked


def asked_for_summary(year: int) -> Q:
    """Units asked for `year`'s annual work summary (section 五): the member units whose
    reporting began by the end of that year (`Unit.reports_since`) and still went on on its
    due date (`AnnualSummary.due_on`, 30 November: `reporting_on`, active with no
    `reports_until` or one on or after that day). A unit added later, a year before the
    portal, or a year whose due date came after the unit was deactivated is not; a unit
    deactivated later stays asked for the years before. The one rule for the home page's
    lines, the office's list and count, the register, the archive, the 催报 and the
    scheduled reminders."""
    return Q(kind=UnitKind.MEMBER, reports_since__lte=date(year, 12, 31)) & reporting_on(
        AnnualSummary.due_on(year)
    )


def asks_for_summary(unit: Unit, year: int) -> bool:
    """`asked_for_summary` for one unit in hand, without a query: for the summaries already
    loaded with their unit (the home page's returned lines)."""
    return (
        unit.kind == UnitKind.MEMBER
        and unit.reports_since <= date(year, 12, 31)
        and unit.reports_on(AnnualSummary.due_on(year))
    )


def units_asked_for_summary(year: int) -> set[int]:
    """The ids of the units asked for `year`'s annual summary (`asked_for_summary`)."""
    return set(Unit.objects.filter(asked_for_summary(year)).values_list("id", flat=True))


def summary_overdue(year: int, summary: AnnualSummary | None, today: date) -> bool:
    """The year's annual summary is past its due date and not submitted (not started, a
    draft or returned): what the office's list marks Overdue and chases, and its register
    counts late, for a unit asked for it (`asked_for_summary`)."""
    return today > AnnualSummary.due_on(year) and (
        summary is None or summary.status not in SUMMARY_IN_STATUSES
    )


def is_late(due_on: date, status: str | None, today: date) -> bool:
    """Past its due date and not in the office's hands (not started, a draft or returned):
    what the unit's list and the office's mark Overdue, for a quarter the unit is asked for."""
    return due_on < today and status not in IN_HAND_STATUSES


def awaits_submission(period: Period, status: str | None, today: date, since: Period) -> bool:
    """The quarter, `since` or later, has ended and its report is not started or still a
    draft: the liaison or head has it to submit. A returned report is not counted here; it
    has its own line."""
    return since <= period and period.last < today and status in (None, ReportStatus.DRAFT)


def percent(part: float | int, whole: float | int) -> float:
    """100 × part / whole to one decimal, half up (四舍五入) as official figures are: 26 of 32
    is 81.3%, which `round` made 81.2 (half to even, and 81.25 in binary is below it)."""
    exact = Decimal(100) * Decimal(str(part)) / Decimal(str(whole))
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide."""
    return percent(part, whole) if whole else None


def change(now: float | int | None, before: float | int | None) -> float | None:
    """Relative change in percent (quarter-on-quarter, year-on-year); None if undefined."""
    if now is None or not before:
        return None
    return percent(Decimal(str(now)) - Decimal(str(before)), before)


def _with_rates(row: dict) -> dict:
    row = dict(row)
    row["on_time_rate"] = rate(row["on_time"], row["resolved"])
    row["satisfaction_rate"] = rate(row["satisfied"] + row["basically_satisfied"], row["rated"])
    row["resolution_rate"] = rate(row["resolved"], row["received"])
    return row


def _open_overdue(period: Period, now: datetime, unit_id: int | None = None) -> dict:
    """Orders of the quarter still open past a deadline: this changes with time alone, so
    it is counted live, over the overdue orders only (the indexed next-deadline column)."""
    orders = stats.received_between(
        WorkOrder.objects.filter(next_due_at__lt=now), period.first, period.last
    )
    if unit_id is not None:
        orders = orders.filter(primary_unit_id=unit_id)
    return dict(orders.values_list("primary_unit_id").annotate(n=Count("id")).order_by())


def _labels() -> dict[str, dict[str, str] | None]:
    """The labelled rows a kept figures dict may hold, with the names of their codes in the
    active language; None for rows whose code is the text itself (a hotline category, a
    business)."""
    return {
        "by_channel": choice_names(Channel),
        "by_kind": choice_names(Kind),
        "by_town": None,
        "by_category": None,
        "top_categories": None,
        "top_businesses": None,
    }


def _named(rows: list[dict], labels: dict[str, str] | None) -> list[dict]:
    """Rows named from their codes by `labels` (None: the code is the text itself), keeping
    a stored label for a code no longer known; "(none)" for an empty code."""
    named = []
    for row in rows:
        value = row.get("value")
        if not value:
            label = _("(none)")
        elif labels is None:
            label = row.get("label") or value
        else:
            label = labels.get(value, row.get("label") or value)
        named.append({**row, "label": label})
    return named


def outside_received(kept: dict) -> int:
    """The orders in the district's total but in no unit's row: waiting for dispatch,
    returned to the office, or with a unit no longer in the table. Worked out from the
    totals less the rows, as the workbook's own row is, so figures kept before a unit left
    the table are read the same way."""
    rows = sum(row.get("received", 0) for row in kept["by_unit"] if isinstance(row, dict))
    return kept["totals"].get("received", 0) - rows


def for_reader(kept: dict) -> dict:
    """Kept figures (a unit's portal figures, the district's) with their rows named in the
    active language: the reader's on a page, the district's in its official files.

    Figures are kept as they were worked out, labels included, in the language of whoever
    refreshed or published them (before they were kept in the district's language, that was
    the language of that person, command or task): a report started in Chinese showed an
    English reader "12315平台", one published in English put "Yangcun Street" in the Chinese
    PDF. Each row keeps its code, so it is named again here; a code no longer known (a
    channel since removed, a town since deleted) keeps the label it was kept with."""
    labels = _labels()
    if kept.get("by_town"):
        labels["by_town"] = _town_labels()
    shown = dict(kept)
    for key, names in labels.items():
        if isinstance(kept.get(key), list):
            shown[key] = _named(kept[key], names)
    sums = kept.get("report_sums")
    if isinstance(sums, dict) and isinstance(sums.get("sampling_by_category"), list):
        shown["report_sums"] = {
            **sums,
            "sampling_by_category": _named(
                sums["sampling_by_category"], choice_names(ProductCategory)
            ),
        }
    if isinstance(kept.get("totals"), dict) and isinstance(kept.get("by_unit"), list):
        shown["outside_received"] = outside_received(kept)
    submission = kept.get("submission")
    if isinstance(submission, list) and "missing_units" in kept:
        units = {u.code: u.display_name for u in Unit.objects.only("code", "name", "name_en")}
        shown["missing_units"] = [
            units.get(row.get("unit"), row.get("unit_name")) for row in submission if _missing(row)
        ]
    return shown


def _dimension_rows(period: Period, dimension: str, unit_id: int | None) -> list[dict]:
    rows = stats.totals_by(
        "value", first=period.first, last=period.last, unit_id=unit_id, dimension=dimension
    )
    rows = [_with_rates(row) for row in rows]
    rows.sort(key=lambda row: (-row["received"], row["value"]))
    return rows


def _town_labels() -> dict[str, str]:
    return {town.code: str(town) for town in Town.objects.all()}


@in_district_language
def portal_figures(
    period: Period, *, unit: Unit | None = None, now: datetime | None = None
) -> dict:
    """Block 3 as the portal knows it: orders received in the quarter (by the unit as primary
    unit, or district-wide) and what became of them, by category, channel and kind.

    Worked out in the district's language: the figures are kept, and whoever refreshed them
    (a person in English, a command, a task) should not decide the language of the labels
    that the admin, a backup or an old file reads. Pages and files name the rows again from
    their codes (`for_reader`)."""
    now = now or timezone.now()
    stats.wait_until_current()
    unit_id = unit.id if unit else None
    totals = _with_rates(stats.totals(first=period.first, last=period.last, unit_id=unit_id))
    open_overdue = sum(_open_overdue(period, now, unit_id).values())
    totals["open_overdue"] = open_overdue
    totals["overdue"] = totals["late"] + open_overdue
    return {
        "period": period.label,
        "as_of": timezone.localtime(now).isoformat(timespec="minutes"),
        "totals": totals,
        "by_category": _named(_dimension_rows(period, Dimension.CATEGORY, unit_id), None),
        "by_channel": _named(
            _dimension_rows(period, Dimension.CHANNEL, unit_id), choice_names(Channel)
        ),
        "by_kind": _named(_dimension_rows(period, Dimension.KIND, unit_id), choice_names(Kind)),
        "referrals": _referrals(period, unit),
        "education": _education(period, unit),
        "campaigns": campaigns.quarter_actions(period.first, period.last, unit),
    }


def _referrals(period: Period, unit: Unit | None) -> dict:
    """Leads referred in the quarter (measure 四（五）): sent and received by the unit, or the
    district's, with what became of them.

    A case is counted once. A rejected lead goes to the office as a jurisdiction dispute;
    when the group leader's decision sends it on to the unit designated (a new lead marked
    `by_decision`), that lead continues the same case and is no new referral: the case counts
    in the quarter it was first referred, and its outcome (accepted, open, rejected) is that
    of its latest lead. `disputed` counts the cases rejected and put to the office (the
    rejection stays visible even when the case then went on), `withdrawn` those a unit
    disputed while the lead was open and the leader's decision withdrew from it (no
    rejection: the unit refused nothing), `by_decision` those the leader's decision sent
    on; total = accepted + rejected + open, plus the withdrawn leads about a work order,
    whose case went on with the order and no lead was sent on (their outcome stays
    withdrawn). A lead accepted and only then disputed, whose order the leader moved to
    another unit, stays accepted: the case counts once, as accepted, and the unit that
    accepted it keeps it in its `received` as accepted, the work it did take on.

    A unit's `received` counts the leads it was given to handle, in the quarter each reached
    it, with its own outcome (a unit that rejected a lead the leader sent elsewhere keeps its
    rejection; one the leader withdrew from it is its workload still, counted as withdrawn,
    so there total = accepted + rejected + open + withdrawn); a lead sent on to the unit
    that had rejected it is the same case for that unit, counted once, at the original, with
    the later lead's outcome."""
    start = stats.day_start(period.first)
    end = stats.day_start(period.last + timedelta(days=1))
    in_quarter = Q(created_at__gte=start, created_at__lt=end)
    sent_on = Referral.objects.filter(by_decision__referral=OuterRef("pk")).order_by("-id")

    def outcome(by_decision: Q) -> dict:
        return {
            "total": Count("id"),
            "accepted": Count("id", filter=Q(outcome=ReferralStatus.ACCEPTED)),
            "rejected": Count("id", filter=Q(outcome=ReferralStatus.REJECTED)),
            "open": Count("id", filter=Q(outcome__in=OPEN_REFERRAL_STATUSES)),
            "disputed": Count("id", filter=Q(status=ReferralStatus.REJECTED)),
            "withdrawn": Count("id", filter=Q(status=ReferralStatus.WITHDRAWN)),
            "by_decision": Count("id", filter=by_decision),
        }

    cases = Referral.objects.filter(in_quarter, by_decision=None).annotate(
        outcome=Coalesce(Subquery(sent_on.values("status")[:1]), F("status")),
        sent_on_id=Subquery(sent_on.values("id")[:1]),
    )
    case_outcome = outcome(Q(sent_on_id__isnull=False))
    if unit is None:
        return {"district": cases.aggregate(**case_outcome)}
    back_to_unit = sent_on.filter(to_unit=unit)
    received = (
        Referral.objects.filter(in_quarter, to_unit=unit)
        .exclude(by_decision__referral__to_unit=unit)
        .annotate(
            outcome=Coalesce(Subquery(back_to_unit.values("status")[:1]), F("status")),
            sent_on_id=Subquery(back_to_unit.values("id")[:1]),
        )
    )
    return {
        "sent": cases.filter(from_unit=unit).aggregate(**case_outcome),
        "received": received.aggregate(
            **outcome(Q(by_decision__isnull=False) | Q(sent_on_id__isnull=False))
        ),
    }


def _education(period: Period, unit: Unit | None) -> dict:
    """Consumer education events logged for the quarter (block 4)."""
    events = EducationEvent.objects.filter(day__gte=period.first, day__lte=period.last)
    if unit is not None:
        events = events.filter(unit=unit)
    totals = events.aggregate(events=Count("id"), people_reached=Sum("people_reached"))
    return {"events": totals["events"], "people_reached": totals["people_reached"] or 0}


def _submission(period: Period, units: list[Unit]) -> list[dict]:
    """Each unit's report for the quarter as the district report keeps it: asked or not,
    its status and when it was submitted."""
    reports = {
        r.unit_id: r for r in UnitReport.objects.filter(year=period.year, quarter=period.quarter)
    }
    asked = units_asked(period, units)
    return [
        {
            "unit": unit.code,
            "unit_name": unit.name,
            "asked": unit.id in asked,
            "status": reports[unit.id].status if unit.id in reports else "",
            "submitted_at": (
                timezone.localtime(reports[unit.id].submitted_at).isoformat(timespec="minutes")
                if unit.id in reports and reports[unit.id].submitted_at
                else None
            ),
        }
        for unit in units
    ]


def _missing(row: dict) -> bool:
    """A unit asked for the quarter's report that has none in the office's hands."""
    return row.get("asked", True) and row.get("status") not in IN_HAND_STATUSES


def missing_unit_count(period: Period) -> int:
    """How many units asked for the quarter's report have none submitted now: what
    publishing again would freeze, told before it on a page that shows the frozen figures."""
    return sum(map(_missing, _submission(period, member_units(period.first))))


def member_units(since: date | None = None) -> list[Unit]:
    """The member units a list shows. Without `since`, the active ones (those offered new
    work: the chases, the reminders, the plans). With the first day of a period (a quarter,
    a year), those that reported on any day from it on (`reporting_on`): a unit deactivated
    later stays in the lists of the periods it reported in, asked or not (`units_asked`,
    `asked_for_summary`), so deactivating it does not change them."""
    units = Unit.objects.filter(kind=UnitKind.MEMBER)
    return list(units.filter(reporting_on(since) if since else Q(is_active=True)))


def _unit_report_rows(period: Period, units: list[Unit]) -> tuple[list[dict], dict]:
    """Accepted reports' own numbers per unit, and their district sums (blocks 1, 2, 4)."""
    reports = {
        r.unit_id: r
        for r in UnitReport.objects.filter(
            year=period.year, quarter=period.quarter, status=ReportStatus.ACCEPTED
        )
    }
    sampling = {
        row["report__unit_id"]: row
        for row in SamplingLine.objects.filter(report__in=reports.values())
        .values("report__unit_id")
        .annotate(
            sampled=Sum("sampled"), failed=Sum("failed"), failed_handled=Sum("failed_handled")
        )
        .order_by()
    }
    publicity = {
        row["report__unit_id"]: row
        for row in PublicityItem.objects.filter(report__in=reports.values())
        .values("report__unit_id")
        .annotate(
            media=Count("id", filter=Q(kind=PublicityKind.MEDIA)),
            events=Count("id", filter=Q(kind=PublicityKind.EVENT)),
            online=Count("id", filter=Q(kind=PublicityKind.ONLINE)),
            people_reached=Sum("people_reached"),
        )
        .order_by()
    }
    rows = []
    for unit in units:
        report = reports.get(unit.id)
        if report is None:
            continue
        s = sampling.get(unit.id, {})
        p = publicity.get(unit.id, {})
        rows.append(
            {
                "unit": unit.code,
                "unit_name": unit.name,
                "sampled": s.get("sampled") or 0,
                "failed": s.get("failed") or 0,
                "failed_handled": s.get("failed_handled") or 0,
                "cases_opened": report.cases_opened,
                "cases_closed": report.cases_closed,
                "fines_imposed": str(report.fines_imposed),
                "money_recovered": str(report.money_recovered),
                "outside_complaints": report.outside_complaints,
                "outside_reports": report.outside_reports,
                "outside_inquiries": report.outside_inquiries,
                "outside_resolved": report.outside_resolved,
                "media": p.get("media") or 0,
                "events": p.get("events") or 0,
                "online": p.get("online") or 0,
                "people_reached": p.get("people_reached") or 0,
            }
        )
    sums: dict = {}
    for key in rows[0].keys() if rows else ():
        if key in ("unit", "unit_name"):
            continue
        if key in ("fines_imposed", "money_recovered"):
            sums[key] = str(sum((Decimal(r[key]) for r in rows), Decimal("0.00")))
        else:
            sums[key] = sum(r[key] for r in rows)
    sums["sampling_by_category"] = [
        {
            "value": row["product_category"],
            "label": str(ProductCategory(row["product_category"]).label),
            "sampled": row["sampled"],
            "failed": row["failed"],
            "failed_handled": row["failed_handled"],
            "failure_rate": rate(row["failed"], row["sampled"]),
        }
        for row in SamplingLine.objects.filter(report__in=reports.values())
        .values("product_category")
        .annotate(
            sampled=Sum("sampled"), failed=Sum("failed"), failed_handled=Sum("failed_handled")
        )
        .order_by("-sampled", "product_category")
    ]
    return rows, sums


def _running_day(period: Period, now: datetime) -> str | None:
    """Today (Beijing), if `period` has begun and not ended: its figures are of its days so
    far."""
    today = timezone.localdate(now)
    return today.isoformat() if period.first <= today <= period.last else None


def _compared(period: Period, other: Period, now: datetime) -> dict:
    """`other`'s figures, whole; while `period` runs, of only as many of its first days as
    `period` has had: 69 days of a quarter against a whole one of 92 read as a fall of a
    quarter."""
    last = other.last
    if _running_day(period, now):
        days = (timezone.localdate(now) - period.first).days
        last = min(other.first + timedelta(days=days), other.last)
    return {
        "period": other.label,
        "first": other.first.isoformat(),
        "last": last.isoformat(),
        **_with_rates(stats.totals(first=other.first, last=last)),
    }


@in_district_language
def district_figures(period: Period, *, now: datetime | None = None) -> dict:
    """Everything the district report shows, from whatever data exists now."""
    now = now or timezone.now()
    portal = portal_figures(period, now=now)
    previous = _compared(period, period.previous(), now)
    year_before = _compared(period, period.year_before(), now)
    units = member_units(period.first)
    by_unit_stats = {
        row["unit_id"]: _with_rates(row)
        for row in stats.totals_by("unit_id", first=period.first, last=period.last)
    }
    open_overdue = _open_overdue(period, now)
    report_rows, report_sums = _unit_report_rows(period, units)
    accepted = {row["unit"]: row for row in report_rows}
    empty = dict.fromkeys(stats.MEASURES, 0)
    by_unit = []
    for unit in units:
        row = by_unit_stats.get(unit.id) or _with_rates({**empty, "unit_id": unit.id})
        row = {**row, "unit": unit.code, "unit_name": unit.name, "unit_name_en": unit.name_en}
        row["open_overdue"] = open_overdue.get(unit.id, 0)
        row["overdue"] = row["late"] + row["open_overdue"]
        row["report"] = accepted.get(unit.code)
        by_unit.append(row)
    submission = _submission(period, units)
    missing = [row["unit_name"] for row in submission if _missing(row)]
    towns = _named(_dimension_rows(period, Dimension.TOWN, None), _town_labels())
    businesses = _named(_dimension_rows(period, Dimension.BUSINESS, None)[:TOP], None)
    district = DistrictReport.objects.filter(year=period.year, quarter=period.quarter).first()
    totals = portal["totals"]
    return {
        "period": period.label,
        "year": period.year,
        "quarter": period.quarter,
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
        "due_on": period.due_on().isoformat(),
        "as_of": portal["as_of"],
        "totals": totals,
        "previous": previous,
        "year_before": year_before,
        # A quarter still running is compared with the same days of the others.
        "to_date": _running_day(period, now),
        "changes": {
            key: {
                "qoq": change(totals[key], previous[key]),
                "yoy": change(totals[key], year_before[key]),
            }
            for key in ("received", "resolved", "on_time_rate", "satisfaction_rate")
        },
        "by_unit": by_unit,
        # In the totals but in no unit's row: waiting for dispatch, or returned.
        "unassigned_received": (by_unit_stats.get(None) or {}).get("received", 0),
        "by_category": portal["by_category"],
        "top_categories": portal["by_category"][:TOP],
        "top_businesses": businesses,
        "by_town": towns,
        "by_channel": portal["by_channel"],
        "by_kind": portal["by_kind"],
        "referrals": portal["referrals"]["district"],
        "education": portal["education"],
        "campaigns": portal["campaigns"],
        "unit_reports": report_rows,
        "report_sums": report_sums,
        "submission": submission,
        "missing_units": missing,
        "analysis": district.analysis if district else "",
    }
