"""Quarterly information reports (measure 四（二）): each unit's, and the district's."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.models import HistoryLine, StoredFile
from wuqing_consumer.language import quarter_key, quarter_name

from .choices import (
    FINISHED_CAMPAIGN_STATUSES,
    CampaignEventKind,
    CampaignStatus,
    CampaignTopic,
    DistrictStatus,
    EducationAudience,
    EducationChannel,
    EvaluationAction,
    EvaluationKind,
    FileState,
    PlanAction,
    PlanStatus,
    ProductCategory,
    PublicityKind,
    ReportAction,
    ReportStatus,
    SummaryStatus,
)

if TYPE_CHECKING:
    from complaints.deadlines import WorkdayCalendar

QUARTER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter."""
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, following - timedelta(days=1)


def _quarter_named(record: models.Model) -> str:
    """The record's quarter as a reader names it, or its key while it holds a quarter out of
    range: the admin titles a page it refused (quarter 99999999999999999999) with str() of
    the record as typed, and that page answered 500."""
    try:
        return quarter_name(record)
    except (TypeError, ValueError):
        return quarter_key(record.year, record.quarter)


class ReportingPeriod(models.Model):
    """When a quarter's unit reports are due. A quarter without a row is due on the 10th day
    after it ends, or the first working day after that day if it is a rest day
    (`default_due_on`); the office adds a row to move a date (after a long holiday, say)."""

    year = models.PositiveIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=QUARTER_VALIDATORS)
    due_on = models.DateField(_("reports due on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="one_period_per_quarter")
        ]

    def __str__(self) -> str:
        return _quarter_named(self)

    @staticmethod
    def default_due_on(year: int, quarter: int, calendar: WorkdayCalendar | None = None) -> date:
        """The 10th day after the quarter ends or, when that is a weekend or holiday, the
        first working day after it, as a time limit that ends on a rest day runs on to the
        next working day: the fourth quarter of 2026 is due on Monday 11 January 2027, not
        on Sunday the 10th. `calendar`: the working days, when the caller has them."""
        day = quarter_bounds(year, quarter)[1] + timedelta(days=10)
        if calendar is None:
            from complaints.reference import reference

            calendar = reference().calendar
        while not calendar.is_workday(day):
            day += timedelta(days=1)
        return day

    def clean(self) -> None:
        """A quarter's reports are due after it ends: a date before (2029's first quarter
        due in 2026) made its reports late before the quarter began."""
        if not (self.year and self.quarter in (1, 2, 3, 4) and self.due_on):
            return
        try:
            last = quarter_bounds(self.year, self.quarter)[1]
        except (ValueError, OverflowError):
            return  # the year is refused at its field
        if self.due_on <= last:
            raise ValidationError(
                {
                    "due_on": _("A quarter's reports are due after it ends, after %(day)s.")
                    % {"day": last.isoformat()}
                }
            )


class UnitReport(models.Model):
    """One member unit's report for one quarter, with the four blocks of the notice."""

    unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="quarterly_reports",
    )
    year = models.PositiveIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=QUARTER_VALIDATORS)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # Block 2: consumer-protection cases
    cases_opened = models.PositiveIntegerField(_("cases opened"), default=0)
    cases_closed = models.PositiveIntegerField(_("cases closed"), default=0)
    fines_imposed = models.DecimalField(
        _("fines imposed (yuan)"), max_digits=14, decimal_places=2, default=0
    )
    money_recovered = models.DecimalField(
        _("money recovered for consumers (yuan)"), max_digits=14, decimal_places=2, default=0
    )
    # Block 3: what the unit received outside the portal (its own lines, letters, visits)
    outside_complaints = models.PositiveIntegerField(_("complaints outside the portal"), default=0)
    outside_reports = models.PositiveIntegerField(_("reports outside the portal"), default=0)
    outside_inquiries = models.PositiveIntegerField(_("inquiries outside the portal"), default=0)
    outside_resolved = models.PositiveIntegerField(
        _("of these, resolved"),
        default=0,
    )
    portal_figures = models.JSONField(_("figures from the portal"), default=dict, blank=True)
    prefilled = models.JSONField(_("pre-filled from the portal"), default=dict, blank=True)
    # Analysis
    situation = models.TextField(_("situation"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)

    review_comment = models.TextField(_("office's comments"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "-quarter", "unit__sort_order"]
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "quarter"], name="one_report_per_unit_quarter"
            )
        ]
        indexes = [models.Index(fields=["year", "quarter", "status"], name="report_quarter")]

    def __str__(self) -> str:
        return f"{self.unit} {_quarter_named(self)}"

    @property
    def period_label(self) -> str:
        """The quarter's key, "2026Q3", for addresses and files; a reader is shown
        `{{ report|quarter }}` (`language.quarter_name`)."""
        return quarter_key(self.year, self.quarter)

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class SamplingLine(models.Model):
    """Block 1: product-quality sampling inspections of one product category."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="sampling")
    product_category = models.CharField(
        _("product category"), max_length=30, choices=ProductCategory.choices
    )
    sampled = models.PositiveIntegerField(_("batches sampled"), default=0)
    failed = models.PositiveIntegerField(_("batches failed"), default=0)
    failed_handled = models.PositiveIntegerField(_("failed batches dealt with"), default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("sampling line")
        verbose_name_plural = _("sampling lines")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "product_category"], name="one_sampling_line_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_product_category_display()} {self.failed}/{self.sampled}"


class PublicityItem(models.Model):
    """Block 4: one media report, publicity event or online post."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="publicity")
    kind = models.CharField(_("kind"), max_length=10, choices=PublicityKind.choices)
    day = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    outlet = models.CharField(_("outlet or place"), max_length=120, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)

    class Meta:
        ordering = ["day", "id"]
        verbose_name = _("publicity item")
        verbose_name_plural = _("publicity items")

    def __str__(self) -> str:
        return self.title


def report_attachment_path(instance: ReportAttachment, filename: str) -> str:
    report = instance.report
    return f"reports/{quarter_key(report.year, report.quarter)}/{report.unit.code}/{filename}"


class ReportAttachment(StoredFile):
    report = models.ForeignKey(UnitReport, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=report_attachment_path, max_length=255)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta(StoredFile.Meta):
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")


class ReportEvent(HistoryLine):
    """The report's history: who did what, and which fields a save changed (immutable)."""

    report = models.ForeignKey(UnitReport, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=ReportAction.choices)

    class Meta(HistoryLine.Meta):
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"


def district_file_path(instance: DistrictReport, filename: str) -> str:
    return f"district-reports/{quarter_key(instance.year, instance.quarter)}/{filename}"


class DistrictReport(models.Model):
    """The office's district report for a quarter: its analysis, and once published the
    figures as they stood and the PDF and Excel files built from them (stored, not rebuilt
    on each download)."""

    year = models.PositiveIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=QUARTER_VALIDATORS)
    status = models.CharField(
        _("status"), max_length=10, choices=DistrictStatus.choices, default=DistrictStatus.DRAFT
    )
    analysis = models.TextField(_("the office's analysis"), blank=True)
    figures = models.JSONField(_("figures as published"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file_state = models.CharField(
        _("files"), max_length=10, choices=FileState.choices, default=FileState.NONE, blank=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file_error = models.CharField(_("error"), max_length=300, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=district_file_path, blank=True, max_length=255)
    xlsx = models.FileField(_("Excel"), upload_to=district_file_path, blank=True, max_length=255)
    files_built_at = models.DateTimeField(_("files built at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("district report")
        verbose_name_plural = _("district reports")
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="one_district_report")
        ]

    def __str__(self) -> str:
        return _quarter_named(self)

    @property
    def period_label(self) -> str:
        """The quarter's key, "2026Q3", for addresses and files; a reader is shown
        `{{ report|quarter }}` (`language.quarter_name`)."""
        return quarter_key(self.year, self.quarter)


class AnnualSummary(models.Model):
    """A unit's annual work summary (section 五 of the notice), due before 1 December."""

    unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="annual_summaries",
    )
    year = models.PositiveIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=12, choices=SummaryStatus.choices, default=SummaryStatus.DRAFT
    )
    text = models.TextField(pgettext_lazy("a written account of work done", "summary"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "unit__sort_order"]
        verbose_name = _("annual work summary")
        verbose_name_plural = _("annual work summaries")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_summary_per_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"

    @staticmethod
    def due_on(year: int) -> date:
        """Before 1 December: the last day to submit is 30 November."""
        return date(year, 11, 30)

    @property
    def late_on(self) -> date | None:
        """The day (Beijing) a summary was submitted after its due date, or None: a late
        summary is still taken, and marked so the office sees which came in late."""
        if self.submitted_at is None:
            return None
        day = timezone.localdate(self.submitted_at)
        return day if day > self.due_on(self.year) else None


def summary_attachment_path(instance: SummaryAttachment, filename: str) -> str:
    summary = instance.summary
    return f"annual-summaries/{summary.year}/{summary.unit.code}/{filename}"


class SummaryAttachment(StoredFile):
    summary = models.ForeignKey(AnnualSummary, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=summary_attachment_path, max_length=255)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta(StoredFile.Meta):
        verbose_name = _("summary attachment")
        verbose_name_plural = _("summary attachments")


class EducationEvent(models.Model):
    """A consumer education event a unit held (消费教育, section 五): its totals feed block 4
    of the unit's quarterly report."""

    unit = models.ForeignKey(
        "departments.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    audience = models.CharField(_("audience"), max_length=10, choices=EducationAudience.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=EducationChannel.choices)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    materials = models.TextField(_("materials"), blank=True)
    created_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("consumer education event")
        verbose_name_plural = _("consumer education events")
        indexes = [models.Index(fields=["unit", "day"], name="education_unit_day")]

    def __str__(self) -> str:
        return self.title


class PlanDeadline(models.Model):
    """The date by which units file their implementation plans for a year. There is no
    default in the notice, so the office sets one (in the admin) when it wants the portal
    to remind it of the units that have not filed."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    due_on = models.DateField(_("plans due on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("implementation plan deadline")
        verbose_name_plural = _("implementation plan deadlines")

    def __str__(self) -> str:
        return str(self.year)


class ImplementationPlan(models.Model):
    """A unit's implementation plan for a year, filed with the office (备案, section 五).

    Drafts and returned plans are the unit's own; the office sees every plan once filed
    (and the drafts, to know who is working on one); other units see a plan only once the
    office has acknowledged it, which is when it counts as published."""

    unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="implementation_plans",
    )
    year = models.PositiveIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    office_comment = models.TextField(_("office's comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "unit__sort_order"]
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_plan_per_unit_year")
        ]
        indexes = [models.Index(fields=["year", "status"], name="plan_year_status")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)


def plan_attachment_path(instance: PlanAttachment, filename: str) -> str:
    plan = instance.plan
    return f"implementation-plans/{plan.year}/{plan.unit.code}/{filename}"


class PlanAttachment(StoredFile):
    plan = models.ForeignKey(
        ImplementationPlan, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=plan_attachment_path, max_length=255)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta(StoredFile.Meta):
        verbose_name = _("plan attachment")
        verbose_name_plural = _("plan attachments")


class PlanEvent(HistoryLine):
    """The plan's history: who filed, acknowledged or returned it and why (immutable)."""

    plan = models.ForeignKey(ImplementationPlan, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=PlanAction.choices)

    class Meta(HistoryLine.Meta):
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.action}"


class YearEvaluation(models.Model):
    """A third-party evaluation or an expert opinion on a year's work (section 五). The
    office adds and removes them; every unit reads them. Removing keeps the row (and the
    history) and hides it."""

    year = models.PositiveIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=12, choices=EvaluationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    author = models.CharField(_("author or organisation"), max_length=200)
    day = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-day", "-id"]
        verbose_name = _("evaluation or expert opinion")
        verbose_name_plural = _("evaluations and expert opinions")
        indexes = [models.Index(fields=["year", "removed_at"], name="evaluation_year")]

    def __str__(self) -> str:
        return self.title


def evaluation_file_path(instance: EvaluationAttachment, filename: str) -> str:
    return f"evaluations/{instance.evaluation.year}/{instance.evaluation_id}/{filename}"


class EvaluationAttachment(StoredFile):
    evaluation = models.ForeignKey(
        YearEvaluation, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=evaluation_file_path, max_length=255)

    class Meta(StoredFile.Meta):
        verbose_name = _("evaluation file")
        verbose_name_plural = _("evaluation files")


class EvaluationEvent(HistoryLine):
    """Who added or removed an evaluation, and why it was removed (immutable)."""

    evaluation = models.ForeignKey(YearEvaluation, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=EvaluationAction.choices)

    class Meta(HistoryLine.Meta):
        verbose_name = _("evaluation event")
        verbose_name_plural = _("evaluation events")

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.action}"


class Campaign(models.Model):
    """A joint enforcement campaign (联合整治行动, measure 四（三）) the office starts on one of
    the notice's product categories or a hot area; the units taking part log what they did."""

    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=30, choices=CampaignTopic.choices)
    goal = models.TextField(_("goal"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    lead_unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="led_campaigns",
    )
    units = models.ManyToManyField(
        "departments.Unit",
        verbose_name=_("participating units"),
        related_name="campaigns",
        blank=True,
    )
    targets = models.TextField(_("target businesses or areas"), blank=True)
    keywords = models.TextField(_("business-name keywords"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    summary = models.TextField(
        pgettext_lazy("a written account of work done", "summary"), blank=True
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("joint campaign")
        verbose_name_plural = _("joint campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.starts_on:%Y-%m-%d} – {self.ends_on:%Y-%m-%d}"

    @property
    def closed_early_on(self) -> date | None:
        """The day (Beijing) the office closed the campaign before its planned end, or None:
        its pages then say so beside the planned period, which alone read as if it had run
        to the end."""
        if self.status != CampaignStatus.CLOSED or self.closed_at is None:
            return None
        day = timezone.localdate(self.closed_at)
        return day if day < self.ends_on else None

    @property
    def target_lines(self) -> list[str]:
        return [line.strip() for line in self.targets.splitlines() if line.strip()]

    @property
    def keyword_lines(self) -> list[str]:
        return [line.strip() for line in self.keywords.splitlines() if line.strip()]

    def status_on(self, day: date) -> str:
        """Planned and running are a matter of the date; closing and cancelling are acts."""
        if self.status in FINISHED_CAMPAIGN_STATUSES:
            return self.status
        return CampaignStatus.RUNNING if self.starts_on <= day else CampaignStatus.PLANNED


ACTION_COUNTS = (
    "inspections",
    "businesses_checked",
    "problems_found",
    "cases_opened",
    "batches_sampled",
    "batches_failed",
    "batches_removed",
    "pieces_removed",
)


class CampaignAction(models.Model):
    """What one unit did on one day of a campaign (immutable once logged)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="actions")
    unit = models.ForeignKey(
        "departments.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("date"))
    inspections = models.PositiveIntegerField(_("inspections"), default=0)
    businesses_checked = models.PositiveIntegerField(_("businesses checked"), default=0)
    problems_found = models.PositiveIntegerField(_("problems found"), default=0)
    cases_opened = models.PositiveIntegerField(_("cases opened"), default=0)
    batches_sampled = models.PositiveIntegerField(_("batches sampled"), default=0)
    batches_failed = models.PositiveIntegerField(_("batches failed"), default=0)
    batches_removed = models.PositiveIntegerField(_("batches removed from sale"), default=0)
    pieces_removed = models.PositiveIntegerField(_("pieces removed from sale"), default=0)
    note = models.TextField(_("note"), blank=True)
    logged_by = models.ForeignKey(
        "departments.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    logged_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("campaign action")
        verbose_name_plural = _("campaign actions")
        indexes = [
            models.Index(fields=["campaign", "unit"], name="campaign_action_unit"),
            models.Index(fields=["unit", "day"], name="campaign_action_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.unit_id} {self.day}"


class CampaignEvent(HistoryLine):
    """The campaign's history: who started, changed, logged on or closed it (immutable)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("action"), max_length=10, choices=CampaignEventKind.choices)

    class Meta(HistoryLine.Meta):
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.kind}"
