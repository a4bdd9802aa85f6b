"""Writes on quarterly reports: one function per action, each in one transaction, each
leaving its history line; notifications are rows written in the same transaction and sent
after commit."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from complaints.attachments import check_uploads, files_removed_on_rollback, store_upload
from departments import access
from departments.models import AuditEntry, Unit, User
from departments.notifications import Message, notify_many, office_people, unit_people
from departments.services import audit_record
from wuqing_consumer import dates, language
from wuqing_consumer.celery import nudge
from wuqing_consumer.dates import date_error
from wuqing_consumer.errors import ActionRefused
from wuqing_consumer.language import Written, label_colon, written, written_plural
from wuqing_consumer.texts import too_long
from wuqing_consumer.versions import NEW

from . import campaigns, figures, reminders
from .choices import (
    IN_HAND_STATUSES,
    SUMMARY_EDITABLE_STATUSES,
    SUMMARY_IN_STATUSES,
    DistrictStatus,
    EducationAudience,
    EducationChannel,
    FileState,
    ProductCategory,
    PublicityKind,
    ReportAction,
    ReportStatus,
    SummaryStatus,
)
from .models import (
    AnnualSummary,
    DistrictReport,
    EducationEvent,
    PublicityItem,
    ReportAttachment,
    ReportEvent,
    SamplingLine,
    SummaryAttachment,
    UnitReport,
)

COUNT_FIELDS = (
    "cases_opened",
    "cases_closed",
    "outside_complaints",
    "outside_reports",
    "outside_inquiries",
    "outside_resolved",
)
MONEY_FIELDS = ("fines_imposed", "money_recovered")
TEXT_FIELDS = ("situation", "problems", "suggestions")
REPORT_FIELDS = (*COUNT_FIELDS, *MONEY_FIELDS, *TEXT_FIELDS)
MAX_MONEY = Decimal("999999999999.99")
SUMMARY_TEXT_LIMIT = 50_000
"""The summary's text is refused beyond this, not cut (its textarea says so too)."""
MAX_COUNT = 10_000_000  # for the form's count fields too; the columns hold 2,147,483,647


class ReportError(ActionRefused):
    """An action on a quarterly report, an annual summary or a plan that is not allowed now."""


class StaleReport(ReportError):
    """Someone else changed the report after the user loaded the page."""


def _event(report: UnitReport, action: str, user: User | None, note: str = "", **data) -> None:
    ReportEvent.objects.create(
        report=report,
        action=action,
        actor=user if user is not None and user.is_authenticated else None,
        note=note,
        data=data,
    )


def _report_url(report: UnitReport) -> str:
    return reverse("unit_report", kwargs={"report_id": report.id})


def _lock(user: User, report_id: int, expected_version: int | None) -> UnitReport:
    report = access.unit_report_or_404(user, report_id=report_id, lock=True)
    _check_version(report, expected_version)
    return report


def _check_version(report: UnitReport, expected_version: int | None) -> None:
    """Checked after whether the report may still be changed (or reviewed) at all: the
    refusal says the form sent keeps what was typed, true only while the page shows it."""
    if expected_version is not None and report.version != expected_version:
        raise StaleReport(
            _(
                "Someone else changed this report while you had it open, so nothing was "
                "saved. The rest of the page shows the report as it is now; the form you sent "
                "keeps what you typed: check it and send it again."
            )
        )


def _bump(report: UnitReport, fields: Iterable[str]) -> None:
    report.version += 1
    report.save(update_fields=sorted({*fields, "version", "updated_at"}))


def _refresh_portal_figures(report: UnitReport) -> None:
    period = figures.Period(report.year, report.quarter)
    report.portal_figures = figures.portal_figures(period, unit=report.unit)


def _prefill(report: UnitReport) -> dict[str, list]:
    """Start blocks 1 and 4 of a draft from the unit's campaign actions and education events
    of the quarter, without undoing the liaison's work: a block-1 line is written when the
    category has none, or updated while it still holds exactly what was pre-filled last time;
    an education event becomes a publicity item once (`prefilled` remembers which), so a
    refresh adds only new events and an item the liaison removed stays removed."""
    period = figures.Period(report.year, report.quarter)
    done = report.prefilled or {}
    done_lines: dict[str, dict] = dict(done.get("sampling", {}))
    done_events: set[int] = set(done.get("education_events", []))
    existing = {line.product_category: line for line in report.sampling.all()}
    added: dict[str, list] = {"sampling": [], "education_events": []}
    for category, values in campaigns.sampling_prefill(
        report.unit, period.first, period.last
    ).items():
        line = existing.get(category)
        if line is None and category not in done_lines:
            SamplingLine.objects.create(report=report, product_category=category, **values)
        elif line is not None and done_lines.get(category) == {
            "sampled": line.sampled,
            "failed": line.failed,
            "failed_handled": line.failed_handled,
        }:
            if done_lines[category] == values:
                continue
            SamplingLine.objects.filter(id=line.id).update(**values)
        else:
            continue
        done_lines[category] = values
        added["sampling"].append(category)
    fresh = [
        e
        for e in campaigns.education_prefill(report.unit, period.first, period.last)
        if e.id not in done_events
    ]
    # An event the liaison already typed into block 4 (same day and title) is not added twice.
    typed = set(
        report.publicity.filter(kind=PublicityKind.EVENT).values_list("day", "title")
        if report.pk
        else ()
    )
    events = [e for e in fresh if (e.day, e.title[:200]) not in typed]
    PublicityItem.objects.bulk_create(
        PublicityItem(
            report=report,
            kind=PublicityKind.EVENT,
            day=e.day,
            title=e.title,
            outlet=e.place[:120],
            people_reached=e.people_reached,
        )
        for e in events
    )
    added["education_events"] = [e.id for e in events]
    report.prefilled = {
        "sampling": done_lines,
        "education_events": sorted(done_events | {e.id for e in fresh}),
    }
    return added


@transaction.atomic
def report_start(*, unit: Unit, year: int, quarter: int, acting_user: User) -> UnitReport:
    """The unit's report for the quarter, created as a draft with the portal's figures
    pre-filled the first time anyone of the unit opens it."""
    if not access.works_on_unit_report(acting_user, unit.id):
        raise Http404
    period = figures.Period(year, quarter)
    if period.first > timezone.localdate():
        raise ReportError(_("Reports can only be written for a quarter that has begun."))
    existing = UnitReport.objects.filter(unit=unit, year=year, quarter=quarter).first()
    if existing:
        return existing
    _check_reporting(unit, period)
    report = UnitReport(unit=unit, year=year, quarter=quarter)
    _refresh_portal_figures(report)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Someone of the same unit opened it at the same moment: theirs is the report.
        return UnitReport.objects.get(unit=unit, year=year, quarter=quarter)
    added = _prefill(report)
    report.save(update_fields=["prefilled"])
    _event(report, ReportAction.CREATE, acting_user, prefilled=added)
    return report


def report_not_asked(unit: Unit, period: figures.Period) -> str:
    """Why the unit is not asked for `period`'s report, having stopped reporting before its
    end (`Unit.reports_on`), or "" when it is: a unit deactivated is not offered new work,
    but may still send a quarter that ended while it reported."""
    if unit.reports_on(period.last):
        return ""
    values = {"unit": unit, "period": language.quarter_name(period)}
    if unit.reports_until is not None:
        return _(
            "%(unit)s stopped reporting on %(day)s; it is not asked for a report for %(period)s."
        ) % {**values, "day": unit.reports_until.isoformat()}
    return _("%(unit)s no longer reports; it is not asked for a report for %(period)s.") % values


def _check_reporting(unit: Unit, period: figures.Period) -> None:
    """Refuse a report for a quarter the unit no longer reported at the end of."""
    if reason := report_not_asked(unit, period):
        raise ReportError(reason)


def _clean_count(value: Any, label: str, errors: list[str]) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        errors.append(capfirst(_("%(field)s must be a whole number.") % {"field": label}))
        return 0
    if number < 0:
        errors.append(capfirst(_("%(field)s cannot be negative.") % {"field": label}))
    elif number > MAX_COUNT:
        errors.append(capfirst(_("%(field)s is too large.") % {"field": label}))
    return number


def _clean_money(value: Any, label: str, errors: list[str]) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.01"))
    except ArithmeticError:
        errors.append(capfirst(_("%(field)s must be an amount in yuan.") % {"field": label}))
        return Decimal("0.00")
    if amount < 0:
        errors.append(capfirst(_("%(field)s cannot be negative.") % {"field": label}))
    elif amount > MAX_MONEY:
        errors.append(capfirst(_("%(field)s is too large.") % {"field": label}))
    return amount


def _label(field: str) -> str:
    return str(UnitReport._meta.get_field(field).verbose_name)


def validate_report(
    values: dict[str, Any],
    sampling: list[dict],
    publicity: list[dict],
    period: figures.Period | None = None,
) -> tuple[dict[str, Any], list[dict], list[dict]]:
    """Clean and check a report's numbers; ValidationError naming every impossible one.
    With `period`, publicity must fall within it: the district report counts it there."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for field in COUNT_FIELDS:
        field_errors: list[str] = []
        clean[field] = _clean_count(values.get(field), _label(field), field_errors)
        if field_errors:
            errors[field] = field_errors
    for field in MONEY_FIELDS:
        field_errors = []
        clean[field] = _clean_money(values.get(field), _label(field), field_errors)
        if field_errors:
            errors[field] = field_errors
    for field in TEXT_FIELDS:
        clean[field] = str(values.get(field) or "").strip()
    outside = sum(clean[f] for f in ("outside_complaints", "outside_reports", "outside_inquiries"))
    if not errors and clean["outside_resolved"] > outside:
        errors["outside_resolved"] = [
            _(
                "Resolved outside the portal (%(resolved)s) cannot exceed what was received "
                "outside it (%(received)s)."
            )
            % {"resolved": clean["outside_resolved"], "received": outside}
        ]
    lines: list[dict] = []
    line_errors: list[str] = []
    seen: set[str] = set()
    for raw in sampling:
        category = raw.get("product_category")
        if category not in ProductCategory.values:
            line_errors.append(_("Choose a product category for every sampling line."))
            continue
        label = str(ProductCategory(category).label)
        if category in seen:
            line_errors.append(_("%(category)s is listed twice.") % {"category": label})
            continue
        seen.add(category)
        before = len(line_errors)
        line = {
            "product_category": category,
            "sampled": _clean_count(
                raw.get("sampled"), f"{label}{label_colon()}{_('batches sampled')}", line_errors
            ),
            "failed": _clean_count(
                raw.get("failed"), f"{label}{label_colon()}{_('batches failed')}", line_errors
            ),
            "failed_handled": _clean_count(
                raw.get("failed_handled"),
                f"{label}{label_colon()}{_('failed batches dealt with')}",
                line_errors,
            ),
        }
        if len(line_errors) > before:
            continue
        if line["failed"] > line["sampled"]:
            line_errors.append(
                ngettext(
                    "%(category)s: %(failed)s batch failed, but only %(sampled)s were sampled.",
                    "%(category)s: %(failed)s batches failed, but only %(sampled)s were sampled.",
                    line["failed"],
                )
                % {"category": label, "failed": line["failed"], "sampled": line["sampled"]}
            )
        if line["failed_handled"] > line["failed"]:
            line_errors.append(
                _(
                    "%(category)s: %(handled)s failed batches dealt with, but only %(failed)s "
                    "failed."
                )
                % {"category": label, "handled": line["failed_handled"], "failed": line["failed"]}
            )
        if any(line[k] for k in ("sampled", "failed", "failed_handled")):
            lines.append(line)
    if line_errors:
        errors["sampling"] = line_errors
    items: list[dict] = []
    item_errors: list[str] = []
    for number, raw in enumerate(publicity, start=1):
        title = str(raw.get("title") or "").strip()[:200]
        if raw.get("kind") not in PublicityKind.values or not title or not raw.get("day"):
            item_errors.append(
                _("Publicity item %(n)s needs a kind, a date and a title.") % {"n": number}
            )
            continue
        day = raw["day"]
        if not isinstance(day, date):
            try:
                day = date.fromisoformat(str(day))
            except ValueError:
                item_errors.append(_("Publicity item %(n)s has no valid date.") % {"n": number})
                continue
        if period is not None and not period.first <= day <= period.last:
            item_errors.append(
                _(
                    "Publicity item %(n)s is dated %(day)s, outside %(period)s "
                    "(%(first)s to %(last)s)."
                )
                % {
                    "n": number,
                    "day": day.isoformat(),
                    "period": language.quarter_name(period),
                    "first": period.first.isoformat(),
                    "last": period.last.isoformat(),
                }
            )
            continue
        items.append(
            {
                "kind": raw["kind"],
                "day": day,
                "title": title,
                "outlet": str(raw.get("outlet") or "").strip()[:120],
                "people_reached": _clean_count(
                    raw.get("people_reached"),
                    _("Publicity item %(n)s: people reached") % {"n": number},
                    item_errors,
                ),
            }
        )
    if item_errors:
        errors["publicity"] = item_errors
    if errors:
        raise ValidationError(errors)
    return clean, lines, items


def _json_value(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal | date) else value


@transaction.atomic
def report_save(
    *,
    report_id: int,
    acting_user: User,
    values: dict[str, Any],
    sampling: list[dict],
    publicity: list[dict],
    expected_version: int | None = None,
) -> UnitReport:
    """Save a draft (or a returned report being corrected); the history keeps what changed."""
    report = _lock(acting_user, report_id, None)
    if not access.works_on_unit_report(acting_user, report.unit_id):
        raise ReportError(
            _("Only people of %(unit)s can fill in its report.") % {"unit": report.unit}
        )
    if not report.is_editable:
        raise ReportError(_("This report has been submitted and can no longer be changed."))
    _check_version(report, expected_version)
    clean, lines, items = validate_report(
        values, sampling, publicity, figures.Period(report.year, report.quarter)
    )
    changed = {
        field: [_json_value(getattr(report, field)), _json_value(clean[field])]
        for field in REPORT_FIELDS
        if getattr(report, field) != clean[field]
    }
    old_lines = {
        line.product_category: [line.sampled, line.failed, line.failed_handled]
        for line in report.sampling.all()
    }
    new_lines = {
        line["product_category"]: [line["sampled"], line["failed"], line["failed_handled"]]
        for line in lines
    }
    old_items = [
        [i.kind, i.day.isoformat(), i.title, i.outlet, i.people_reached]
        for i in report.publicity.all()
    ]
    new_items = [
        [i["kind"], i["day"].isoformat(), i["title"], i["outlet"], i["people_reached"]]
        for i in items
    ]
    if old_lines != new_lines:
        changed["sampling"] = [old_lines, new_lines]
        report.sampling.all().delete()
        SamplingLine.objects.bulk_create([SamplingLine(report=report, **line) for line in lines])
    if old_items != new_items:
        changed["publicity"] = [old_items, new_items]
        report.publicity.all().delete()
        PublicityItem.objects.bulk_create([PublicityItem(report=report, **item) for item in items])
    if not changed:
        return report
    for field in REPORT_FIELDS:
        setattr(report, field, clean[field])
    _bump(report, REPORT_FIELDS)
    _event(report, ReportAction.SAVE, acting_user, changed=changed)
    return report


@transaction.atomic
def report_refresh_figures(
    *, report_id: int, acting_user: User, expected_version: int | None = None
) -> UnitReport:
    report = _lock(acting_user, report_id, None)
    if not access.works_on_unit_report(acting_user, report.unit_id) or not report.is_editable:
        raise ReportError(_("The portal's figures can only be refreshed in a draft."))
    _check_version(report, expected_version)
    _refresh_portal_figures(report)
    added = _prefill(report)
    _bump(report, ["portal_figures", "prefilled"])
    _event(
        report,
        ReportAction.REFRESH,
        acting_user,
        as_of=report.portal_figures["as_of"],
        prefilled=added,
    )
    return report


@files_removed_on_rollback()
@transaction.atomic
def report_attach(
    *, report_id: int, acting_user: User, uploads: Iterable[UploadedFile]
) -> list[ReportAttachment]:
    report = _lock(acting_user, report_id, None)
    if not access.works_on_unit_report(acting_user, report.unit_id) or not report.is_editable:
        raise ReportError(_("Files can only be added to a draft."))
    checked = check_uploads(uploads)
    if not checked:
        raise ValidationError({"attachments": _("Choose at least one file.")})
    stored = [
        store_upload(ReportAttachment(report=report), upload, content_type, acting_user)
        for upload, content_type in checked
    ]
    _bump(report, [])
    _event(report, ReportAction.ATTACH, acting_user, files=[a.original_name for a in stored])
    return stored


@transaction.atomic
def report_detach(*, report_id: int, attachment_id: int, acting_user: User) -> None:
    """Take a file off a draft; the row and the file stay, for the history."""
    report = _lock(acting_user, report_id, None)
    if not access.works_on_unit_report(acting_user, report.unit_id) or not report.is_editable:
        raise ReportError(_("Files can only be removed from a draft."))
    attachment = report.attachments.filter(id=attachment_id, removed_at=None).first()
    if attachment is None:
        raise Http404
    attachment.removed_at = timezone.now()
    attachment.save(update_fields=["removed_at"])
    _bump(report, [])
    _event(report, ReportAction.DETACH, acting_user, files=[attachment.original_name])


@transaction.atomic
def report_submit(
    *, report_id: int, acting_user: User, expected_version: int | None = None
) -> UnitReport:
    """Send the report to the office, with the portal's figures as they stand now."""
    report = _lock(acting_user, report_id, None)
    if not access.submits_unit_report(acting_user, report.unit_id):
        raise ReportError(_("Only the unit's liaison or head can submit its report."))
    if not report.is_editable:
        raise ReportError(_("This report has already been submitted."))
    _check_version(report, expected_version)
    period = figures.Period(report.year, report.quarter)
    _check_reporting(report.unit, period)
    if not period.has_ended:  # its figures would be frozen a part of it short
        raise ReportError(
            _("The quarter runs until %(day)s; its report can be submitted once it has ended.")
            % {"day": period.last.isoformat()}
        )
    if not report.situation.strip():
        raise ValidationError(
            {"situation": _("Describe the situation of the quarter before submitting.")}
        )
    _refresh_portal_figures(report)
    # The office is told a returned report came back changed: under the same line as its
    # first submission, the two read as one report sent twice.
    resubmitted = report.status == ReportStatus.RETURNED
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = acting_user
    _bump(report, ["status", "submitted_at", "submitted_by", "portal_figures"])
    _event(report, ReportAction.SUBMIT, acting_user)
    about = {"unit": language.unit(report.unit), "period": language.quarter(report)}
    message = Message(
        key=f"report_submitted:{report.id}:{report.version}",
        category="report",
        title=written(
            "%(unit)s submitted its report for %(period)s again, changed after its return",
            **about,
        )
        if resubmitted
        else written("%(unit)s submitted its report for %(period)s", **about),
        url=_report_url(report),
    )
    notify_many([(message, office_people(), None)])
    return report


def _review(report_id: int, acting_user: User, expected_version: int | None) -> UnitReport:
    report = _lock(acting_user, report_id, None)
    if not access.reviews_unit_reports(acting_user):
        raise Http404
    if report.status != ReportStatus.SUBMITTED:
        raise ReportError(_("Only a submitted report can be accepted or returned."))
    _check_version(report, expected_version)
    report.reviewed_at = timezone.now()
    report.reviewed_by = acting_user
    return report


def _tell_unit(report: UnitReport, key: str, title: str, body: str = "") -> None:
    people = unit_people([report.unit_id])
    message = Message(key=key, category="report", title=title, body=body, url=_report_url(report))
    notify_many([(message, people, None)])


REVIEW_COMMENT_LIMIT = 20000
"""The office's comments on a report: as long as a plan's (a page of remarks is ~2,000)."""


def _review_comment(comment: str) -> str:
    """The office's comments as typed, refused past the limit rather than kept whole at
    any length (the column has none) or cut."""
    comment = (comment or "").strip()
    if problem := too_long(comment, REVIEW_COMMENT_LIMIT, _("the comments")):
        raise ValidationError({"comment": problem})
    return comment


@transaction.atomic
def report_return(
    *, report_id: int, acting_user: User, comment: str, expected_version: int | None = None
) -> UnitReport:
    comment = _review_comment(comment)
    if not comment:
        raise ValidationError({"comment": _("Say what the unit should change.")})
    report = _review(report_id, acting_user, expected_version)
    report.status = ReportStatus.RETURNED
    report.review_comment = comment
    _bump(report, ["status", "review_comment", "reviewed_at", "reviewed_by"])
    _event(report, ReportAction.RETURN, acting_user, note=comment)
    _tell_unit(
        report,
        f"report_returned:{report.id}:{report.version}",
        written(
            "Your report for %(period)s was returned for changes", period=language.quarter(report)
        ),
        comment,
    )
    return report


@transaction.atomic
def report_accept(
    *, report_id: int, acting_user: User, comment: str = "", expected_version: int | None = None
) -> UnitReport:
    comment = _review_comment(comment)
    report = _review(report_id, acting_user, expected_version)
    report.status = ReportStatus.ACCEPTED
    report.review_comment = comment
    _bump(report, ["status", "review_comment", "reviewed_at", "reviewed_by"])
    _event(report, ReportAction.ACCEPT, acting_user, note=report.review_comment)
    _tell_unit(
        report,
        f"report_accepted:{report.id}",
        written("Your report for %(period)s was accepted", period=language.quarter(report)),
    )
    return report


# --- the district report ----------------------------------------------------------------


_DISTRICT_STALE = gettext_lazy(
    "Someone else changed the district report while you had it open, so nothing was saved. "
    "The rest of the page shows the report as it is now; the form you sent keeps what you "
    "typed: check it and send it again."
)
"""The office's analysis refused as stale: `reports.views.district_report` shows the page
again (400) with the report as it now is and the analysis as it was typed."""


def _district_for_update(
    period: figures.Period, user: User, *, expect_new: bool = False
) -> DistrictReport:
    """The quarter's report, locked; created if there is none. With `expect_new` (a page
    opened before the quarter had a report) one that already exists is refused as stale.
    Two first saves at once cannot both create it: the quarter is unique, and get_or_create
    turns the loser's IntegrityError into finding the winner's row, refused here too."""
    if not access.reviews_unit_reports(user):
        raise Http404
    report, created = DistrictReport.objects.get_or_create(year=period.year, quarter=period.quarter)
    if expect_new and not created:
        raise StaleReport(str(_DISTRICT_STALE))
    return DistrictReport.objects.select_for_update().get(id=report.id)


@transaction.atomic
def district_report_save(
    *,
    period: figures.Period,
    acting_user: User,
    analysis: str,
    expected_version: int | None = None,
) -> DistrictReport | None:
    """The office's analysis, kept as it is typed (a draft until published). An empty one
    for a quarter with no report yet is not stored (None): there is nothing to keep, and an
    empty draft would make the quarter look begun to the leader and administrators.
    `expected_version=NEW` is a page opened before the quarter had a report: the save that
    finds one created meanwhile is refused as stale, not written over it."""
    analysis = (analysis or "").strip()
    if (
        not analysis
        and access.reviews_unit_reports(acting_user)
        and not DistrictReport.objects.filter(year=period.year, quarter=period.quarter).exists()
    ):
        return None
    expect_new = expected_version == NEW
    report = _district_for_update(period, acting_user, expect_new=expect_new)
    if not expect_new and expected_version is not None and report.version != expected_version:
        raise StaleReport(str(_DISTRICT_STALE))
    if analysis == report.analysis:
        return report
    before = report.analysis
    report.analysis = analysis
    report.version += 1
    report.save(update_fields=["analysis", "version", "updated_at"])
    audit_record(
        actor=acting_user,
        action="district_report.save",
        obj=report,
        summary=written(
            "Office's analysis in the district report for %(period)s saved",
            period=language.quarter(report),
        ),
        data={"analysis": [before, analysis]},
    )
    return report


@transaction.atomic
def district_report_publish(
    *, period: figures.Period, acting_user: User, expected_version: int | None = None
) -> DistrictReport:
    """Publish (or publish again, after a correction): the figures are frozen as they stand,
    and the files are built by a worker from that snapshot; every unit is told once they
    are ready."""
    report = _district_for_update(period, acting_user)
    if expected_version is not None and report.version != expected_version:
        raise StaleReport(
            _(
                "Someone else changed the district report just after it was saved, so it was "
                "not published. The page shows the report as it is now."
            )
        )
    if not period.has_ended:
        raise ReportError(_("A quarter can be published once it has ended."))
    if not report.analysis.strip():
        raise ValidationError({"analysis": _("Write the office's analysis before publishing.")})
    if report.file_state in (FileState.PENDING, FileState.RUNNING):
        raise ReportError(_("The files are being built; wait until they are ready."))
    report.figures = figures.district_figures(period)
    report.status = DistrictStatus.PUBLISHED
    report.published_at = timezone.now()
    report.published_by = acting_user
    report.file_state = FileState.PENDING
    report.progress = 0
    report.file_error = ""
    report.version += 1
    report.save(
        update_fields=[
            "figures",
            "status",
            "published_at",
            "published_by",
            "file_state",
            "progress",
            "file_error",
            "version",
            "updated_at",
        ]
    )
    audit_record(
        actor=acting_user,
        action="district_report.publish",
        obj=report,
        summary=written("District report %(period)s published", period=language.quarter(report)),
        data={"missing_units": report.figures["missing_units"], "version": report.version},
    )
    transaction.on_commit(lambda: _queue_files(report.id))
    return report


DISTRICT_COMMENT_LIMIT = 5000


def district_report_comments(period: figures.Period) -> list[AuditEntry]:
    """The group leader's comments on a quarter's district report, oldest first. They are
    kept in the audit trail only: a comment changes nothing in the report."""
    return list(
        AuditEntry.objects.filter(action="district_report.comment", object_id=period.label)
        .select_related("actor")
        .order_by("created_at", "id")
    )


@transaction.atomic
def district_report_comment(
    *, period: figures.Period, acting_user: User, comment: str
) -> AuditEntry:
    """The group leader's comment on the district report, drafted or published, for the
    office (staff and director), who are told. It may come before the office has saved
    anything: it is kept under the quarter, not a report row."""
    if not access.comments_on_district_report(acting_user):
        raise Http404
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write your comment for the office.")})
    if problem := too_long(comment, DISTRICT_COMMENT_LIMIT, _("the comment")):
        raise ValidationError({"comment": problem})
    entry = audit_record(
        actor=acting_user,
        action="district_report.comment",
        obj=None,
        object_type=DistrictReport._meta.label_lower,
        object_id=period.label,
        summary=(
            said := written(
                "The group leader commented on the district report %(period)s",
                period=language.quarter(period),
            )
        ),
        data={"comment": comment},
    )
    message = Message(
        key=f"district_report_comment:{entry.id}",
        category="report",
        title=said,
        body=comment[:500],
        url=reverse("district_report", args=[period.label]),
    )
    notify_many([(message, office_people(), None)])
    return entry


def _queue_files(report_id: int) -> None:
    from .tasks import build_district_report_files

    nudge(build_district_report_files, report_id)


def district_report_rebuild(*, period: figures.Period, acting_user: User) -> DistrictReport:
    """Try the files again after a failure (same snapshot, same version)."""
    with transaction.atomic():
        report = _district_for_update(period, acting_user)
        if report.status != DistrictStatus.PUBLISHED or report.file_state != FileState.FAILED:
            raise ReportError(_("Only files that failed to build can be built again."))
        DistrictReport.objects.filter(id=report.id).update(
            file_state=FileState.PENDING, progress=0, file_error="", updated_at=timezone.now()
        )
        transaction.on_commit(lambda: _queue_files(report.id))
    report.refresh_from_db()
    return report


# --- annual work summaries (section 五) -------------------------------------------------------


def _lock_summary(user: User, summary_id: int, expected_version: int | None) -> AnnualSummary:
    summary = access.summary_or_404(user, summary_id=summary_id, lock=True)
    if not access.works_on_unit_report(user, summary.unit_id):
        raise ReportError(
            _("Only people of %(unit)s can write its summary.") % {"unit": summary.unit}
        )
    # Submitted first: the submission itself bumps the version, and "changed by someone
    # else" would hide that the summary is with the office.
    if summary.status not in SUMMARY_EDITABLE_STATUSES:
        raise ReportError(_("This summary has been submitted and can no longer be changed."))
    _check_summary_version(summary, expected_version)
    return summary


def _check_summary_version(summary: AnnualSummary, expected_version: int | None) -> None:
    if expected_version is not None and summary.version != expected_version:
        raise StaleReport(
            _(
                "Someone else changed this summary while you had it open, so nothing was "
                "saved. The rest of the page shows the summary as it is now; the form you sent "
                "keeps what you typed: check it and send it again."
            )
        )


def summary_not_asked(unit_id: int, year: int) -> str:
    """Why the unit is not asked for `year`'s summary (`figures.asked_for_summary`, the rule
    the list, the register, the 催报 and the reminders follow), or "" when it is."""
    if Unit.objects.filter(figures.asked_for_summary(year), id=unit_id).exists():
        return ""
    unit = Unit.objects.get(id=unit_id)
    if unit.reports_until is not None and unit.reports_until < AnnualSummary.due_on(year):
        return _(
            "%(unit)s is not asked for a summary for %(year)s: it stopped reporting on %(day)s."
        ) % {"unit": unit, "year": year, "day": unit.reports_until.isoformat()}
    if unit.reports_since > date(year, 12, 31):
        return _("%(unit)s is not asked for a summary for %(year)s: it began reporting later.") % {
            "unit": unit,
            "year": year,
        }
    return _("%(unit)s is not asked for a summary for %(year)s.") % {"unit": unit, "year": year}


def _check_asked_for_summary(unit_id: int, year: int) -> None:
    """Refuse a summary for `year` from a unit not asked for it: it would otherwise reach
    the office as if the unit had been asked."""
    if reason := summary_not_asked(unit_id, year):
        raise ReportError(reason)


@transaction.atomic
def summary_start(*, unit: Unit, year: int, acting_user: User) -> AnnualSummary:
    """The unit's summary for `year`, started as a draft the first time anyone of the unit
    opens it. Refused for a year not yet begun, and for a year the unit is not asked for."""
    if not access.works_on_unit_report(acting_user, unit.id):
        raise Http404
    if year > timezone.localdate().year:
        raise ReportError(_("A summary can only be written for this year or an earlier one."))
    _check_asked_for_summary(unit.id, year)
    try:
        with transaction.atomic():
            summary, created = AnnualSummary.objects.get_or_create(unit=unit, year=year)
    except IntegrityError:
        return AnnualSummary.objects.get(unit=unit, year=year)
    if created:
        audit_record(
            actor=acting_user,
            action="summary.create",
            obj=summary,
            unit=unit,
            summary=written(
                "%(unit)s started its work summary for %(year)s",
                year=summary.year,
                unit=language.unit(unit),
            ),
        )
    return summary


@transaction.atomic
def summary_save(
    *, summary_id: int, acting_user: User, text: str, expected_version: int | None = None
) -> AnnualSummary:
    summary = _lock_summary(acting_user, summary_id, expected_version)
    text = (text or "").strip()
    if problem := too_long(text, SUMMARY_TEXT_LIMIT, _("the summary text")):
        raise ValidationError({"text": problem})
    if text == summary.text:
        return summary
    before = summary.text
    summary.text = text
    summary.version += 1
    summary.save(update_fields=["text", "version", "updated_at"])
    audit_record(
        actor=acting_user,
        action="summary.save",
        obj=summary,
        unit_id=summary.unit_id,
        summary=written(
            "%(unit)s saved its work summary for %(year)s",
            year=summary.year,
            unit=language.unit(summary.unit),
        ),
        data={"text": [before, text]},
    )
    return summary


@files_removed_on_rollback()
@transaction.atomic
def summary_attach(
    *, summary_id: int, acting_user: User, uploads: Iterable[UploadedFile]
) -> list[SummaryAttachment]:
    summary = _lock_summary(acting_user, summary_id, None)
    checked = check_uploads(uploads)
    if not checked:
        raise ValidationError({"attachments": _("Choose at least one file.")})
    stored = [
        store_upload(SummaryAttachment(summary=summary), upload, content_type, acting_user)
        for upload, content_type in checked
    ]
    audit_record(
        actor=acting_user,
        action="summary.attach",
        obj=summary,
        unit_id=summary.unit_id,
        summary=written_plural(
            "%(unit)s attached %(n)s file to its work summary for %(year)s",
            "%(unit)s attached %(n)s files to its work summary for %(year)s",
            len(stored),
            year=summary.year,
            unit=language.unit(summary.unit),
        ),
        data={"files": [a.original_name for a in stored]},
    )
    return stored


@transaction.atomic
def summary_detach(*, summary_id: int, attachment_id: int, acting_user: User) -> None:
    """Take a file off a summary being written (a draft, or one returned for changes): as a
    quarterly report's or a plan's, the row and the stored file stay, marked removed, so a
    file once submitted is never lost; the office still sees it listed as removed, the
    unit no longer; the audit row (`summary.detach`) names it."""
    summary = _lock_summary(acting_user, summary_id, None)
    attachment = summary.attachments.filter(id=attachment_id, removed_at=None).first()
    if attachment is None:
        raise Http404
    attachment.removed_at = timezone.now()
    attachment.save(update_fields=["removed_at"])
    audit_record(
        actor=acting_user,
        action="summary.detach",
        obj=summary,
        unit_id=summary.unit_id,
        summary=written(
            "%(unit)s removed a file from its work summary for %(year)s",
            year=summary.year,
            unit=language.unit(summary.unit),
        ),
        data={"files": [attachment.original_name]},
    )


@transaction.atomic
def summary_submit(
    *, summary_id: int, acting_user: User, expected_version: int | None = None
) -> AnnualSummary:
    summary = _lock_summary(acting_user, summary_id, expected_version)
    if not access.submits_unit_report(acting_user, summary.unit_id):
        raise ReportError(_("Only the unit's liaison or head can submit its summary."))
    _check_asked_for_summary(summary.unit_id, summary.year)
    if not summary.text.strip():
        raise ValidationError({"text": _("Write the summary before submitting it.")})
    # As for a quarterly report: the office is told a returned summary came back changed.
    resubmitted = summary.status == SummaryStatus.RETURNED
    summary.status = SummaryStatus.SUBMITTED
    summary.submitted_at = timezone.now()
    summary.submitted_by = acting_user
    summary.version += 1
    summary.save(update_fields=["status", "submitted_at", "submitted_by", "version", "updated_at"])
    audit_record(
        actor=acting_user,
        action="summary.submit",
        obj=summary,
        unit_id=summary.unit_id,
        summary=written(
            "%(unit)s submitted its work summary for %(year)s",
            year=summary.year,
            unit=language.unit(summary.unit),
        ),
    )
    about = {"unit": language.unit(summary.unit), "year": summary.year}
    due = summary.due_on(summary.year).isoformat()
    if resubmitted and summary.late_on:
        title = written(
            "%(unit)s submitted its work summary for %(year)s again, changed after its "
            "return, after its due date %(due)s",
            due=due,
            **about,
        )
    elif resubmitted:
        title = written(
            "%(unit)s submitted its work summary for %(year)s again, changed after its return",
            **about,
        )
    elif summary.late_on:
        title = written(
            "%(unit)s submitted its work summary for %(year)s late, after its due date %(due)s",
            due=due,
            **about,
        )
    else:
        title = written("%(unit)s submitted its work summary for %(year)s", **about)
    message = Message(
        key=f"summary_submitted:{summary.id}:{summary.version}",
        category="report",
        title=title,
        url=reverse("annual_summary", kwargs={"summary_id": summary.id}),
    )
    notify_many([(message, office_people(), None)])
    return summary


@transaction.atomic
def summary_return(
    *, summary_id: int, acting_user: User, comment: str, expected_version: int | None = None
) -> AnnualSummary:
    """The office sends a submitted summary back to its unit with comments: it is returned
    for changes (the unit changes it and submits it again, which dates the submission, late
    or not, anew); the comment is kept in the audit row (`summary.return`), which the
    summary's page shows while it is returned, and the unit's people are told."""
    if not access.reviews_unit_reports(acting_user):
        raise Http404
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the unit should change.")})
    summary = _summary_for_review(acting_user, summary_id, comment, expected_version)
    summary.status = SummaryStatus.RETURNED
    summary.submitted_at = None
    summary.submitted_by = None
    summary.version += 1
    summary.save(update_fields=["status", "submitted_at", "submitted_by", "version", "updated_at"])
    _summary_decided(
        summary,
        acting_user,
        comment,
        action="summary.return",
        done=written(
            "%(unit)s's work summary for %(year)s returned for changes",
            year=summary.year,
            unit=language.unit(summary.unit),
        ),
        key="summary_returned",
        told=written("Your work summary for %(year)s was returned for changes", year=summary.year),
    )
    return summary


def _summary_decided(
    summary: AnnualSummary,
    user: User,
    comment: str,
    *,
    action: str,
    done: Written,
    key: str,
    told: Written,
) -> None:
    """The office's decision on a summary in the audit trail, its comment with it (which
    the summary's page shows), and the unit's people told, the comment as the body."""
    audit_record(
        actor=user,
        action=action,
        obj=summary,
        unit_id=summary.unit_id,
        summary=done,
        data={"comment": comment},
    )
    message = Message(
        key=f"{key}:{summary.id}:{summary.version}",
        category="report",
        title=told,
        body=comment,
        url=reverse("annual_summary", kwargs={"summary_id": summary.id}),
    )
    notify_many([(message, unit_people([summary.unit_id]), None)])


def _summary_for_review(
    user: User, summary_id: int, comment: str, expected_version: int | None
) -> AnnualSummary:
    """The summary the office acknowledges or returns, locked: only one submitted (the
    other decision may have come first, from another page), as the page showed it."""
    if problem := too_long(comment, SUMMARY_TEXT_LIMIT, _("the comments")):
        raise ValidationError({"comment": problem})
    summary = access.summary_or_404(user, summary_id=summary_id, lock=True)
    if summary.status != SummaryStatus.SUBMITTED:
        raise ReportError(
            _(
                "Only a submitted summary can be acknowledged or returned; this one has the "
                "status “%(status)s”."
            )
            % {"status": summary.get_status_display()}
        )
    _check_summary_version(summary, expected_version)
    return summary


@transaction.atomic
def summary_acknowledge(
    *, summary_id: int, acting_user: User, comment: str = "", expected_version: int | None = None
) -> AnnualSummary:
    """The office takes a submitted summary as the unit's account of its year: the unit's
    part ends there (it is no longer asked to change it), where before a summary stayed
    "submitted" for good and the unit never learnt that the office had read it. The
    comment, if any, is kept in the audit row (`summary.acknowledge`), which the page
    shows, and the unit's people are told."""
    if not access.reviews_unit_reports(acting_user):
        raise Http404
    comment = (comment or "").strip()
    summary = _summary_for_review(acting_user, summary_id, comment, expected_version)
    summary.status = SummaryStatus.ACKNOWLEDGED
    summary.version += 1
    summary.save(update_fields=["status", "version", "updated_at"])
    _summary_decided(
        summary,
        acting_user,
        comment,
        action="summary.acknowledge",
        done=written(
            "%(unit)s's work summary for %(year)s acknowledged",
            year=summary.year,
            unit=language.unit(summary.unit),
        ),
        key="summary_acknowledged",
        told=written("The office acknowledged your work summary for %(year)s", year=summary.year),
    )
    return summary


# --- consumer education (section 五) ----------------------------------------------------------


@transaction.atomic
def education_log(
    *,
    acting_user: User,
    day: date | None,
    title: str,
    audience: str,
    channel: str,
    people_reached: Any = 0,
    place: str = "",
    materials: str = "",
) -> EducationEvent:
    """A unit logs an education event it held; its totals feed the quarterly report."""
    unit_id = getattr(acting_user, "unit_id", None)
    if unit_id is None or not access.works_on_unit_report(acting_user, unit_id):
        raise Http404
    errors: dict[str, list[str]] = {}
    if day is None:
        errors["day"] = [_("Give the date of the event.")]
    elif problem := date_error(day):
        errors["day"] = [problem]
    elif day > timezone.localdate():
        errors["day"] = [_("Log events that have taken place.")]
    title = (title or "").strip()[:200]
    if not title:
        errors["title"] = [_("Give the event a title.")]
    if audience not in EducationAudience.values:
        errors["audience"] = [_("Choose the audience.")]
    if channel not in EducationChannel.values:
        errors["channel"] = [_("Choose how it was held.")]
    reach_errors: list[str] = []
    reached = _clean_count(people_reached, _("people reached"), reach_errors)
    if reach_errors:
        errors["people_reached"] = reach_errors
    if errors:
        raise ValidationError(errors)
    event = EducationEvent.objects.create(
        unit_id=unit_id,
        day=day,
        title=title,
        place=(place or "").strip()[:200],
        audience=audience,
        channel=channel,
        people_reached=reached,
        materials=(materials or "").strip(),
        created_by=acting_user,
    )
    audit_record(
        actor=acting_user,
        action="education.log",
        obj=event,
        unit_id=unit_id,
        summary=written("Consumer education event logged: %(title)s", title=title),
    )
    return event


# --- 催报: the office chases the units whose quarterly report is late ---------------------------

CHASE_INTERVAL = timedelta(days=1)
"""A unit is chased for a quarter at most once in this time: a second reminder the same
day, from the office's second click or a colleague's, would only be noise."""


@dataclasses.dataclass
class Chased:
    """What a chase did: the units told, and those not told with the reason for each; the
    latter also by reason (`nobody` to tell, `told_lately`), for a chase of every late unit
    to name them together."""

    told: list[Unit] = dataclasses.field(default_factory=list)
    refused: list[tuple[Unit, str]] = dataclasses.field(default_factory=list)
    nobody: list[Unit] = dataclasses.field(default_factory=list)
    told_lately: list[Unit] = dataclasses.field(default_factory=list)


def _units_chased(unit_codes: Iterable[str] | None) -> list[Unit]:
    """The member units a chase (催报) is for, the ones named or every one, in the portal's
    order and locked: two chases at once tell a unit once. FOR NO KEY UPDATE: a plain FOR
    UPDATE would also hold up every order, report or notification written for these units
    meanwhile (their foreign keys take KEY SHARE)."""
    members = figures.member_units()
    if unit_codes is not None:
        codes = set(c for c in unit_codes if c)
        members = [unit for unit in members if unit.code in codes]
        if not codes or len(members) != len(codes):
            raise ValidationError({"unit": _("Choose a member unit to remind.")})
    order = {unit.id: i for i, unit in enumerate(members)}
    locked = Unit.objects.select_for_update(no_key=True).filter(id__in=order)
    return sorted(locked, key=lambda u: order[u.id])


def _tell_late(
    late: list[Unit],
    *,
    action: str,
    object_id: str,
    already_told: str,
    record: Callable[[Unit, list[User]], Message],
) -> Chased:
    """Tell the `late` units' people (`reminders.report_recipients`: the liaisons and heads,
    or the staff of a unit with neither), leaving out, and saying so, a unit already chased
    for the same thing (`action`, `object_id`) within `CHASE_INTERVAL` (`already_told`, with
    %(unit)s and %(time)s) and one with nobody in the portal to tell. `record` audits one
    unit told and gives its notification."""
    recent = {
        entry.unit_id: entry.created_at
        for entry in AuditEntry.objects.filter(
            action=action,
            object_id=object_id,
            unit__in=late,
            created_at__gt=timezone.now() - CHASE_INTERVAL,
        ).order_by("created_at")
    }
    recipients = reminders.report_recipients(late, reminders.LATE)
    result = Chased()
    items = []
    for unit in late:
        if unit.id in recent:
            time = dates.minute(recent[unit.id])
            result.refused.append((unit, already_told % {"unit": unit, "time": time}))
            result.told_lately.append(unit)
            continue
        if unit.id not in recipients:
            result.refused.append(
                (
                    unit,
                    _(
                        "%(unit)s has nobody in the portal to remind: no active liaison, head "
                        "or staff account."
                    )
                    % {"unit": unit},
                )
            )
            result.nobody.append(unit)
            continue
        people, _why = recipients[unit.id]
        items += reminders.recipients_items(record(unit, people), [unit], recipients)
        result.told.append(unit)
    notify_many(items)
    return result


def last_chased(action: str, object_id: str) -> dict[int, datetime]:
    """When each unit was last chased (催报) for one thing (`report.chase` of a quarter,
    `summary.chase` of a year), from the audit trail, which is the chases' record."""
    return dict(
        AuditEntry.objects.filter(action=action, object_id=object_id)
        .order_by("created_at")
        .values_list("unit_id", "created_at")
    )


@transaction.atomic
def reports_chase(
    *, acting_user: User, period: figures.Period, unit_codes: Iterable[str] | None
) -> Chased:
    """Remind the liaisons and heads of units whose report for `period` is late (past its
    due date and not submitted): the units named, or with `unit_codes=None` every late
    unit. The notification is the scheduled late reminder's; each unit told is audited.
    A unit named that has submitted or is not asked for the quarter (`figures.first_asked`:
    it began reporting later), or a quarter not yet due, is refused outright; a unit
    chased within `CHASE_INTERVAL`, or with nobody in the portal to tell, is left out and
    said so in the result. The units' rows are locked, so two chases at once tell a unit
    once, without holding up what is written for those units meanwhile."""
    if not access.reviews_unit_reports(acting_user):
        raise Http404
    due = period.due_on()
    if timezone.localdate() <= due:
        raise ReportError(
            _("The reports for %(period)s are due on %(due)s; they are not late yet.")
            % {"period": language.quarter_name(period), "due": due.isoformat()}
        )
    units = _units_chased(unit_codes)
    in_hand = set(
        UnitReport.objects.filter(
            year=period.year, quarter=period.quarter, status__in=IN_HAND_STATUSES, unit__in=units
        ).values_list("unit_id", flat=True)
    )
    if unit_codes is not None and in_hand:
        raise ReportError(
            _("%(unit)s has already submitted its report for %(period)s.")
            % {
                "unit": next(u for u in units if u.id in in_hand),
                "period": language.quarter_name(period),
            }
        )
    # A quarter before a unit began reporting is not asked of it (`figures.first_asked`).
    asked = figures.units_asked(period, units)
    if unit_codes is not None and len(asked) != len(units):
        raise ReportError(
            _("%(unit)s is not asked for a report for %(period)s: it began reporting later.")
            % {
                "unit": next(u for u in units if u.id not in asked),
                "period": language.quarter_name(period),
            }
        )
    late = [unit for unit in units if unit.id not in in_hand and unit.id in asked]
    # A late unit's report of the quarter is a draft or a returned one: the chase opens it.
    open_reports = dict(
        UnitReport.objects.filter(
            year=period.year, quarter=period.quarter, unit__in=late
        ).values_list("unit_id", "id")
    )

    def record(unit: Unit, people: list[User]) -> Message:
        entry = audit_record(
            actor=acting_user,
            action="report.chase",
            obj=unit,
            unit=unit,
            object_type="reports.unitreport",
            object_id=period.label,
            summary=written(
                "%(unit)s reminded of its report for %(period)s",
                unit=language.unit(unit),
                period=language.quarter(period),
            ),
            data={"period": period.label, "due": due.isoformat(), "told": [u.id for u in people]},
        )
        return reminders.report_message(
            period,
            reminders.LATE,
            due,
            key=f"report_chase:{period.label}:{unit.code}:{entry.id}",
            url=reverse("unit_report", args=[open_reports[unit.id]])
            if unit.id in open_reports
            else None,
        )

    return _tell_late(
        late,
        action="report.chase",
        object_id=period.label,
        already_told=_(
            "%(unit)s was already reminded at %(time)s; a unit is reminded at most once a "
            "day for the same quarter."
        ),
        record=record,
    )


@transaction.atomic
def summaries_chase(*, acting_user: User, year: int, unit_codes: Iterable[str] | None) -> Chased:
    """催报 for the annual work summaries: once the due date (30 November) has passed, the
    office reminds the liaisons and heads of the member units whose summary of `year` is not
    submitted: the units named, or with `unit_codes=None` every such unit. As with the
    quarterly reports' chase, a unit named that has submitted, or a year not yet due, is
    refused outright, and so is one not asked for the year (`figures.asked_for_summary`: it
    began reporting later), which "all" leaves out; a unit reminded within
    `CHASE_INTERVAL`, or with nobody to tell, is left out and said so; each unit told is
    audited (`summary.chase`, object id the year), and the units' rows are locked so two
    chases at once tell a unit once."""
    if not access.reviews_unit_reports(acting_user):
        raise Http404
    due = AnnualSummary.due_on(year)
    if timezone.localdate() <= due:
        raise ReportError(
            _("The annual summaries for %(year)s are due by %(due)s; they are not late yet.")
            % {"year": year, "due": due.isoformat()}
        )
    units = _units_chased(unit_codes)
    submitted = set(
        AnnualSummary.objects.filter(
            year=year, status__in=SUMMARY_IN_STATUSES, unit__in=units
        ).values_list("unit_id", flat=True)
    )
    if unit_codes is not None and submitted:
        raise ReportError(
            _("%(unit)s has already submitted its summary for %(year)s.")
            % {"unit": next(u for u in units if u.id in submitted), "year": year}
        )
    asked = figures.units_asked_for_summary(year)
    if unit_codes is not None and any(unit.id not in asked for unit in units):
        raise ReportError(
            _("%(unit)s is not asked for a summary for %(year)s: it began reporting later.")
            % {"unit": next(u for u in units if u.id not in asked), "year": year}
        )
    late = [unit for unit in units if unit.id not in submitted and unit.id in asked]

    def record(unit: Unit, people: list[User]) -> Message:
        entry = audit_record(
            actor=acting_user,
            action="summary.chase",
            obj=unit,
            unit=unit,
            object_type="reports.annualsummary",
            object_id=str(year),
            summary=written(
                "%(unit)s reminded of its work summary for %(year)s",
                unit=language.unit(unit),
                year=year,
            ),
            data={"year": year, "due": due.isoformat(), "told": [u.id for u in people]},
        )
        return Message(
            key=f"summary_chase:{year}:{unit.code}:{entry.id}",
            category="report",
            title=written(
                "The annual work summary for %(year)s was due by %(due)s and is not yet submitted",
                year=year,
                due=due.isoformat(),
            ),
            body=written(
                "Write it and have the liaison or head submit it to the coordination office."
            ),
            url=f"{reverse('annual_summaries')}?year={year}",
        )

    return _tell_late(
        late,
        action="summary.chase",
        object_id=str(year),
        already_told=_(
            "%(unit)s was already reminded at %(time)s; a unit is reminded at most once a "
            "day for the same summary."
        ),
        record=record,
    )
