"""Screens for quarterly reports. Thin: read through the access module and `figures`, write
through `services`, and turn their errors into messages in the user's language."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from complaints import attachments
from complaints.choices import Kind
from departments import access
from departments.notifications import notifications_mark_read_at
from wuqing_consumer import form_once
from wuqing_consumer.address_values import MalformedValue, NotOffered, choice_in
from wuqing_consumer.errors import refusal_text
from wuqing_consumer.language import list_separator, quarter_name
from wuqing_consumer.refusals import Refusal
from wuqing_consumer.versions import posted_version, posted_version_or_new
from wuqing_consumer.views import form_page

from . import figures, reminders, services
from .choices import IN_HAND_STATUSES, DistrictStatus, FileState, ReportStatus
from .forms import (
    AttachForm,
    DistrictAnalysisForm,
    UnitReportForm,
    publicity_formset,
    publicity_from_formset,
    sampling_from_post,
    sampling_rows,
)
from .models import DistrictReport, ReportAttachment, UnitReport


def _period_or_404(text: str) -> figures.Period:
    try:
        return figures.Period.parse(text)
    except ValueError:
        raise Http404 from None


def _errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _period_asked(request: HttpRequest) -> figures.Period | None:
    """The quarter in the address (`?period=2026Q3`), None when there is none."""
    text = (request.GET.get("period") or "").strip()
    if not text:
        return None
    try:
        return figures.Period.parse(text)
    except ValueError:
        raise MalformedValue("period", text, "2026Q3") from None


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """A unit's quarters with their report status; for the office, one quarter's units."""
    today = timezone.localdate()
    periods = figures.recent_periods(today)
    status = 200
    if access.sees_all_units(request.user):
        default = figures.Period.containing(today).previous()
        try:
            period = _period_asked(request) or default
        except MalformedValue as error:
            messages.error(request, error.message)
            period, status = default, 400
        # The home page's lines open the quarter's late units alone, or those whose report
        # waits for the office's review.
        try:
            show = choice_in(
                request.GET,
                "show",
                [("late", _("Late only")), ("to_review", _("Waiting for review only"))],
            )
        except NotOffered as error:
            messages.error(request, error.message)
            show, status = "", 400
        reports = {
            r.unit_id: r
            for r in access.unit_reports_visible_to(request.user).filter(
                year=period.year, quarter=period.quarter
            )
        }
        chased = services.last_chased("report.chase", period.label)
        due_on = period.due_on()
        units = figures.member_units(period.first)
        # As on the unit's own list: not late for a quarter before it began reporting.
        asked = figures.units_asked(period, units)
        rows = [
            {
                "unit": unit,
                "report": reports.get(unit.id),
                "asked": unit.id in asked,
                "late": unit.id in asked
                and figures.is_late(due_on, getattr(reports.get(unit.id), "status", None), today),
                "chased_at": chased.get(unit.id),
            }
            for unit in units
        ]
        can_chase = access.reviews_unit_reports(request.user)
        # Whom a 催报 would tell, by the chase's own rule: a late unit with nobody gets the
        # reason instead of a button that could only fail.
        told = (
            reminders.report_recipients([r["unit"] for r in rows if r["late"]], reminders.LATE)
            if can_chase
            else {}
        )
        for row in rows:
            row["told"] = told.get(row["unit"].id)
        # Not on the list of reports to review: it would remind units that list leaves out.
        can_chase_all = show != "to_review" and any(row["late"] and row["told"] for row in rows)
        asked_count = sum(1 for r in rows if r["asked"])
        in_hand = sum(1 for r in rows if r["report"] and r["report"].status in IN_HAND_STATUSES)
        if show == "late":
            rows = [row for row in rows if row["late"]]
        elif show == "to_review":
            rows = [
                row
                for row in rows
                if row["report"] and row["report"].status == ReportStatus.SUBMITTED
            ]
        district = DistrictReport.objects.filter(year=period.year, quarter=period.quarter).first()
        return render(
            request,
            "reports/office_reports.html",
            {
                "period": period,
                "periods": periods,
                "rows": rows,
                "due_on": due_on,
                "can_chase": can_chase,
                "can_chase_all": can_chase_all,
                "late_only": show == "late",
                "to_review_only": show == "to_review",
                "can_use_admin": access.can_use_admin(request.user),
                "asked": asked_count,
                "in_hand": in_hand,
                "district": district,
                # Before the office starts it, the district report is the office's and the
                # group leader's alone.
                "opens_district": district is not None
                or access.reads_district_drafts(request.user),
                "today": today,
            },
            status=status,
        )
    unit = getattr(request.user, "unit", None)
    if unit is None:
        raise Http404
    reports = {(r.year, r.quarter): r for r in access.unit_reports_visible_to(request.user)}
    # Only the quarters the unit is asked for are overdue, as on the home page: not those
    # before its reporting began (or its first report, if earlier).
    since = figures.first_asked(min(reports, default=None), unit.reports_since)
    rows = []
    calendar = figures.working_days()
    for p in periods:
        report = reports.get((p.year, p.quarter))
        reporting = unit.reports_on(p.last)
        due_on = p.due_on(calendar)
        rows.append(
            {
                "period": p,
                "report": report,
                "due_on": due_on,
                "asked": since <= p and reporting,
                # Before its reporting began it may still write one (which makes the
                # quarter asked); after it stopped, report_start refuses.
                "can_start": reporting,
                "overdue": since <= p
                and reporting
                and figures.is_late(due_on, getattr(report, "status", None), today),
            }
        )
    # A quarter it is not asked for is not listed as its work, unless it has a report: those
    # before its reporting began it may still write, from one control under the list.
    earlier = [
        row["period"] for row in rows if not row["report"] and row["can_start"] and not row["asked"]
    ]
    # The home page's line for several quarters links here, to just the quarters it counts;
    # a reminder or the office's chase (催报), to just the quarter it is about (shown even
    # when not asked, as it was asked for by name).
    to_submit = request.GET.get("show") == "to_submit"
    try:
        only = _period_asked(request)
    except MalformedValue as error:
        messages.error(request, error.message)
        only, status = None, 400
    if only is not None:
        rows = [row for row in rows if row["period"] == only]
    else:
        rows = [row for row in rows if row["asked"] or row["report"]]
    if to_submit:
        rows = [
            row
            for row in rows
            if figures.awaits_submission(
                row["period"], row["report"].status if row["report"] else None, today, since
            )
        ]
    published = access.district_reports_visible_to(request.user)[: figures.RECENT_QUARTERS]
    return render(
        request,
        "reports/unit_reports.html",
        {
            "unit": unit,
            "rows": rows,
            "can_start": access.works_on_unit_report(request.user, unit.id),
            "earlier": [] if only or to_submit else earlier,
            "to_submit": to_submit,
            "only": only,
            "published": published,
            "today": today,
        },
        status=status,
    )


@login_required
@require_POST
def reports_chase(request: HttpRequest, period: str) -> HttpResponse:
    """催报: the office reminds one late unit (`unit`) or every late unit (`all`)."""
    if not access.reviews_unit_reports(request.user):
        raise Http404
    quarter = _period_or_404(period)
    chase_all = request.POST.get("all") == "1"
    try:
        result = services.reports_chase(
            acting_user=request.user,
            period=quarter,
            unit_codes=None if chase_all else [request.POST.get("unit", "")],
        )
    except ValidationError as error:
        _errors_to_messages(request, error)
    except services.ReportError as error:
        messages.error(request, refusal_text(error))
    else:
        chase_said(
            request,
            result,
            chase_all,
            nobody_late=_("No unit's report for %(period)s is late.")
            % {"period": quarter_name(quarter)},
        )
    # Back to the list it was posted from: the late units alone, or every unit.
    late_only = "&show=late" if request.POST.get("show") == "late" else ""
    return redirect(f"{reverse('report_list')}?period={quarter.label}{late_only}")


def chase_said(
    request: HttpRequest, result: services.Chased, chase_all: bool, *, nobody_late: str
) -> None:
    """What a chase (催报) did, as messages: the units reminded, and why each other was not
    (an error for the one named; when all were chased, one warning per reason naming the
    units together, not a banner per unit above the list); `nobody_late` when all were
    chased and there was no one to remind. Those with nobody to tell are counted as well as
    named: the office sees at once how many it must reach some other way."""

    def names(units: list) -> str:
        return list_separator().join(str(u) for u in units)

    if result.told:
        messages.success(request, _("Reminded: %(units)s.") % {"units": names(result.told)})
    if not chase_all:
        for _unit, why in result.refused:
            messages.error(request, why)
    if chase_all and result.told_lately:
        messages.warning(
            request,
            _("Not reminded again, as already reminded in the last day: %(units)s.")
            % {"units": names(result.told_lately)},
        )
    if chase_all and result.nobody:
        messages.warning(
            request,
            ngettext(
                "%(n)s late unit could not be reached, as it has nobody in the portal to "
                "remind (no active liaison, head or staff account): %(units)s.",
                "%(n)s late units could not be reached, as they have nobody in the portal to "
                "remind (no active liaison, head or staff account): %(units)s.",
                len(result.nobody),
            )
            % {"n": len(result.nobody), "units": names(result.nobody)},
        )
    if chase_all and not result.told and not result.refused:
        messages.info(request, nobody_late)


@login_required
@require_POST
def report_start(request: HttpRequest) -> HttpResponse:
    unit = getattr(request.user, "unit", None)
    if unit is None or unit.is_office:
        raise Http404
    period = _period_or_404(request.POST.get("period", ""))
    try:
        report = services.report_start(
            unit=unit, year=period.year, quarter=period.quarter, acting_user=request.user
        )
    except services.ReportError as error:
        messages.error(request, error.message)
        return redirect("report_list")
    return redirect("unit_report", report_id=report.id)


def _with_changes(events) -> list:
    """Each save's changes as (label, before, after), for the history."""
    labels = {
        "sampling": _("Product-quality sampling inspections"),
        "publicity": _("Publicity and media coverage"),
    }
    events = list(events)
    for event in events:
        event.changes = []
        for field, values in (event.data.get("changed") or {}).items():
            if field in labels:
                event.changes.append((labels[field], None, None))
                continue
            try:
                label = capfirst(UnitReport._meta.get_field(field).verbose_name)
            except FieldDoesNotExist:
                label = field
            event.changes.append((label, values[0], values[1]))
    return events


def _report_page(
    request: HttpRequest,
    report: UnitReport,
    form=None,
    formset=None,
    rows=None,
    *,
    refusal: Refusal | None = None,
    refused_action: str = "",
):
    """The report's page; with `form`, the save refused and shown again (400); with
    `refusal`, the submission, the office's review or a file (`refused_action`) refused,
    shown again with the comment typed and why beside its field (400)."""
    user = request.user
    editable = report.is_editable and access.works_on_unit_report(user, report.unit_id)
    period = figures.Period(report.year, report.quarter)
    # A quarter the unit stopped reporting before the end of (a report from before the office
    # set its last day): it is not offered to submit it, and the page says why.
    not_asked = services.report_not_asked(report.unit, period)
    return form_page(
        request,
        "reports/unit_report.html",
        {
            "report": report,
            "period": period,
            "due_on": period.due_on(),
            "editable": editable,
            "can_submit": report.is_editable
            and not not_asked
            and access.submits_unit_report(user, report.unit_id),
            "not_asked": not_asked,
            "no_submitter": editable and not access.unit_has_submitter(report.unit_id),
            "quarter_running": not period.has_ended,
            # The figures start at 0, so a report whose blocks 2 and 3 were never filled in
            # reads as a quarter of none: said where it is submitted, to be sure it is meant.
            "figures_all_zero": not any(
                getattr(report, field) for field in (*services.COUNT_FIELDS, *services.MONEY_FIELDS)
            ),
            "can_review": report.status == ReportStatus.SUBMITTED
            and access.reviews_unit_reports(user),
            "form": form or UnitReportForm(report=report),
            "formset": formset or publicity_formset(report),
            "sampling_rows": rows or sampling_rows(report),
            "sampling": report.sampling.all(),
            "publicity": report.publicity.all(),
            "attachments": report.attachments.filter(removed_at=None),
            "events": _with_changes(report.events.select_related("actor")),
            "portal": figures.for_reader(report.portal_figures or {}),
            "submit_refusal": refusal if refused_action == "submit" else None,
            "review_refusal": refusal if refused_action in REVIEW_ACTIONS else None,
            "attach_refusal": refusal if refused_action == "attach" else None,
            "comment": request.POST.get("comment", "") if refused_action in REVIEW_ACTIONS else "",
        },
        refused=form is not None or refusal is not None,
    )


REVIEW_ACTIONS = ("accept", "return")


@login_required
@require_http_methods(["GET", "POST"])
def unit_report(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.unit_report_or_404(request.user, report_id=report_id)
    if request.method == "GET":
        notifications_mark_read_at(
            user=request.user, url=reverse("unit_report", kwargs={"report_id": report.id})
        )
        return _report_page(request, report)
    form = UnitReportForm(request.POST, report=report)
    formset = publicity_formset(report, request.POST)
    rows = sampling_rows(report, request.POST)
    if form.is_valid() and formset.is_valid():
        try:
            services.report_save(
                report_id=report.id,
                acting_user=request.user,
                values=form.cleaned_data,
                sampling=sampling_from_post(request.POST),
                publicity=publicity_from_formset(formset),
                expected_version=posted_version(request.POST),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                if field in form.fields:
                    form.add_error(field, errors)
                else:
                    for text in errors:
                        messages.error(request, text)
        except services.ReportError as error:
            # Changed by someone else meanwhile: what was typed comes back, with the current
            # version, so that sending it again is a choice made knowing it.
            form.add_error(None, error.message)
            messages.error(request, error.message)
        else:
            messages.success(request, _("The report was saved."))
            if request.POST.get("then") == "submit":
                return redirect(reverse("unit_report", args=[report.id]) + "#submit")
            return redirect("unit_report", report_id=report.id)
    else:
        messages.error(request, _("Some numbers are not valid; see the marked fields."))
        _line_errors_to_messages(request, report, formset)
    report.refresh_from_db()
    return _report_page(request, report, form=form, formset=formset, rows=rows)


def _line_errors_to_messages(request: HttpRequest, report: UnitReport, formset) -> None:
    """With a marked field, the service that checks the sampling lines and publicity items
    did not run: what is wrong with them is said now too, not after the next save."""
    try:
        services.validate_report(
            {},
            sampling_from_post(request.POST),
            publicity_from_formset(formset) if formset.is_valid() else [],
            figures.Period(report.year, report.quarter),
        )
    except ValidationError as error:
        for field in ("sampling", "publicity"):
            for text in error.message_dict.get(field, []):
                messages.error(request, text)


@login_required
@require_POST
def unit_report_act(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    report = access.unit_report_or_404(request.user, report_id=report_id)
    version = posted_version(request.POST)
    comment = request.POST.get("comment", "")
    done = {
        "submit": (
            lambda: services.report_submit(
                report_id=report.id, acting_user=request.user, expected_version=version
            ),
            _("The report was submitted to the office."),
        ),
        "accept": (
            lambda: services.report_accept(
                report_id=report.id,
                acting_user=request.user,
                comment=comment,
                expected_version=version,
            ),
            _("The report was accepted."),
        ),
        "return": (
            lambda: services.report_return(
                report_id=report.id,
                acting_user=request.user,
                comment=comment,
                expected_version=version,
            ),
            _("The report was returned to the unit."),
        ),
        "refresh": (
            lambda: services.report_refresh_figures(
                report_id=report.id, acting_user=request.user, expected_version=version
            ),
            _("The portal's figures were refreshed."),
        ),
    }
    if action not in done:
        raise Http404
    call, success = done[action]
    try:
        call()
    except (ValidationError, services.ReportError) as error:
        messages.error(request, refusal_text(error))
        if action == "refresh":
            return redirect("unit_report", report_id=report.id)
        return _report_page(
            request,
            access.unit_report_or_404(request.user, report_id=report.id),
            refusal=Refusal.of_exception(error, ("comment",) if action != "submit" else (action,)),
            refused_action=action,
        )
    messages.success(request, success)
    return redirect("unit_report", report_id=report.id)


@login_required
@require_POST
def unit_report_attach(request: HttpRequest, report_id: int) -> HttpResponse:
    """Files added to a draft. One refused (not an accepted kind, too large) comes back with
    the page (400), why said once beside the file field, nothing stored."""
    report = access.unit_report_or_404(request.user, report_id=report_id)
    form = AttachForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        stored = form_once.submit(
            request,
            lambda: services.report_attach(
                report_id=report.id,
                acting_user=request.user,
                uploads=form.cleaned_data["attachments"],
            ),
            lambda stored: reverse("unit_report", args=[report.id]) + "#attachments",
        )
    except form_once.AlreadySent as sent:
        return sent.response(request)
    except (ValidationError, services.ReportError) as error:
        return _attach_refused(request, report.id, error)
    messages.success(
        request,
        ngettext("%(n)s file added.", "%(n)s files added.", len(stored)) % {"n": len(stored)},
    )
    return redirect(reverse("unit_report", args=[report.id]) + "#attachments")


def _attach_refused(request: HttpRequest, report_id: int, error: Exception) -> HttpResponse:
    """Why beside the file field; a refusal about the report, not the file (no longer a
    draft, so no file field), as a message."""
    if not isinstance(error, ValidationError):
        messages.error(request, refusal_text(error))
    return _report_page(
        request,
        access.unit_report_or_404(request.user, report_id=report_id),
        refusal=Refusal.of_exception(error, ATTACH_FIELDS),
        refused_action="attach",
    )


ATTACH_FIELDS = ("attachments",)


@login_required
@require_POST
def unit_report_detach(request: HttpRequest, report_id: int, attachment_id: int) -> HttpResponse:
    report = access.unit_report_or_404(request.user, report_id=report_id)
    try:
        services.report_detach(
            report_id=report.id, attachment_id=attachment_id, acting_user=request.user
        )
    except services.ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The file was removed from the report."))
    return redirect(reverse("unit_report", args=[report.id]) + "#attachments")


@login_required
def report_attachment_download(
    request: HttpRequest, report_id: int, attachment_id: int
) -> HttpResponse:
    report = access.unit_report_or_404(request.user, report_id=report_id)
    attachment = access.get_or_404(
        access.files_fetchable_by(request.user, ReportAttachment.objects.filter(report=report)),
        id=attachment_id,
    )
    return attachments.download(attachment)


# --- district report --------------------------------------------------------------------


def _district_or_404(request: HttpRequest, period: figures.Period) -> DistrictReport | None:
    """The office and the group leader get the report (or None before anyone wrote it: the
    live figures); units only once published."""
    report = (
        access.district_reports_visible_to(request.user)
        .filter(year=period.year, quarter=period.quarter)
        .first()
    )
    if report is None and not access.reads_district_drafts(request.user):
        raise Http404
    return report


@login_required
@require_http_methods(["GET", "POST"])
def district_report(request: HttpRequest, period: str) -> HttpResponse:
    quarter = _period_or_404(period)
    report = _district_or_404(request, quarter)
    office = access.reviews_unit_reports(request.user)
    form = DistrictAnalysisForm(
        request.POST or None, initial={"analysis": report.analysis if report else ""}
    )
    refusal: Refusal | None = None
    refused: Exception | None = None
    if request.method == "POST":
        if not office:
            raise Http404
        if not form.is_valid():
            refusal = Refusal.of(form.errors, DISTRICT_FIELDS)
        else:
            try:
                saved = services.district_report_save(
                    period=quarter,
                    acting_user=request.user,
                    analysis=form.cleaned_data["analysis"],
                    expected_version=posted_version_or_new(request.POST),
                )
            except (ValidationError, services.ReportError) as error:
                messages.error(request, refusal_text(error))
                refused = error
            else:
                if request.POST.get("then") == "publish":
                    refused = _publish(request, quarter, saved)
                elif saved is None:
                    messages.info(request, _("Nothing was saved: the analysis is empty."))
                else:
                    messages.success(request, _("The analysis was saved."))
            if refused is None:
                return redirect("district_report", period=quarter.label)
            # A refusal about the analysis is read beside it as well as at the top; one about
            # the report (changed meanwhile, a quarter not ended, files being built) once, at
            # the top.
            if isinstance(refused, ValidationError):
                refusal = Refusal.of_error(refused, DISTRICT_FIELDS)
            # The page as it now is (the form carries the current version), the analysis as
            # it was typed.
            report = _district_or_404(request, quarter)
    # A post that reaches here was refused, shown again with what was typed and why.
    return _district_page(
        request, quarter, report, form, refusal=refusal, refused=refused is not None
    )


def _district_page(
    request: HttpRequest,
    quarter: figures.Period,
    report: DistrictReport | None,
    form: DistrictAnalysisForm,
    *,
    refusal: Refusal | None = None,
    comment: Refusal | None = None,
    refused: bool = False,
) -> HttpResponse:
    """The quarter's district report; with `refusal` the office's analysis refused, with
    `comment` the group leader's comment refused: back in its field with why (400).
    `refused` an analysis refused for the report rather than for what was typed: back as
    typed (400), why said only at the top."""
    published = report is not None and report.status == DistrictStatus.PUBLISHED
    data = report.figures if published else figures.district_figures(quarter)
    office = access.reviews_unit_reports(request.user)
    if not office or not quarter.has_ended:
        missing_now = 0
    elif published:
        missing_now = figures.missing_unit_count(quarter)
    else:
        missing_now = len(data["missing_units"])
    return form_page(
        request,
        "reports/district_report.html",
        {
            "period": quarter,
            "report": report,
            "office": office,
            "missing_now": missing_now,
            "published": published,
            "figures": figures.for_reader(data),
            "snapshot": report.figures if published else None,
            "form": form,
            "quarter_ended": quarter.has_ended,
            "kinds": dict(Kind.choices),
            "comments": services.district_report_comments(quarter)
            if access.reads_district_drafts(request.user)
            else [],
            "can_comment": access.comments_on_district_report(request.user),
            "refusal": refusal,
            "comment_refusal": comment,
            "comment_text": request.POST.get("comment", "") if comment else "",
        },
        refused=refused or refusal is not None or comment is not None,
    )


DISTRICT_FIELDS = ("analysis",)


@login_required
@require_POST
def district_report_comment(request: HttpRequest, period: str) -> HttpResponse:
    """The group leader's comment on the district report, for the office."""
    quarter = _period_or_404(period)
    report = _district_or_404(request, quarter)
    if not access.comments_on_district_report(request.user):
        raise Http404
    try:
        form_once.submit(
            request,
            lambda: services.district_report_comment(
                period=quarter, acting_user=request.user, comment=request.POST.get("comment", "")
            ),
            lambda entry: reverse("district_report", args=[quarter.label]),
        )
    except form_once.AlreadySent as sent:
        return sent.response(request)
    except ValidationError as error:
        form = DistrictAnalysisForm(initial={"analysis": report.analysis if report else ""})
        comment = Refusal.of_error(error, ("comment",))
        return _district_page(request, quarter, report, form, comment=comment)
    else:
        messages.success(request, _("Your comment was sent to the office."))
    return redirect("district_report", period=quarter.label)


def _publish(
    request: HttpRequest, quarter: figures.Period, saved: DistrictReport | None
) -> Exception | None:
    """The second step of "save and publish"; its refusal, or None once published. The save
    is kept when publishing is refused (the office's text is not lost), so the message says
    both what was kept and why nothing was published; with nothing saved (an empty analysis,
    no draft) only why, and nothing is published: a report a colleague saved since was
    never read by the sender."""
    if saved is None:
        text = _("Write the office's analysis before publishing.")
        messages.error(request, text)
        return ValidationError({"analysis": text})
    try:
        services.district_report_publish(
            period=quarter,
            acting_user=request.user,
            expected_version=saved.version,
        )
    except (ValidationError, services.ReportError) as error:
        reason = refusal_text(error)
        if saved.status == DistrictStatus.PUBLISHED:
            messages.error(
                request,
                _(
                    "The analysis was saved; units still read the version published before. "
                    "Not published again: %(reason)s"
                )
                % {"reason": reason},
            )
        else:
            messages.error(
                request, _("Saved as a draft. Not published: %(reason)s") % {"reason": reason}
            )
        return error
    messages.success(request, _("The district report was published; the files are being built."))
    return None


@login_required
def district_report_status(request: HttpRequest, period: str) -> HttpResponse:
    """The files' state, polled by the page (htmx) while a worker builds them."""
    quarter = _period_or_404(period)
    report = _district_or_404(request, quarter)
    return render(
        request,
        "reports/_district_files.html",
        {"report": report, "period": quarter, "office": access.reviews_unit_reports(request.user)},
    )


@login_required
@require_POST
def district_report_rebuild(request: HttpRequest, period: str) -> HttpResponse:
    quarter = _period_or_404(period)
    try:
        services.district_report_rebuild(period=quarter, acting_user=request.user)
    except services.ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The files are being built again."))
    return redirect("district_report", period=quarter.label)


@login_required
def district_report_file(request: HttpRequest, period: str, kind: str) -> HttpResponse:
    quarter = _period_or_404(period)
    report = _district_or_404(request, quarter)
    if report is None or report.file_state != FileState.READY or kind not in ("pdf", "xlsx"):
        raise Http404
    stored = report.pdf if kind == "pdf" else report.xlsx
    if not stored:
        raise Http404
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=f"wuqing-district-report-{quarter.label}.{kind}",
    )
