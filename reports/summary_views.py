"""Screens for the units' annual work summaries (section 五): write, attach, submit; the
office sees who has filed and downloads them all as one archive."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_http_methods, require_POST

from complaints import attachments
from complaints.exports import register_workbook
from departments import access, audit_actions
from departments.models import AuditEntry, Unit
from wuqing_consumer import form_once
from wuqing_consumer.address_values import MalformedValue, year_in
from wuqing_consumer.dates import FIRST_YEAR, year_accepted
from wuqing_consumer.errors import refusal_text
from wuqing_consumer.refusals import Refusal
from wuqing_consumer.versions import posted_version
from wuqing_consumer.views import form_page

from . import reminders, services
from .choices import (
    SUMMARY_EDITABLE_STATUSES,
    SUMMARY_IN_STATUSES,
    EducationAudience,
    EducationChannel,
    SummaryStatus,
)
from .figures import member_units, summary_overdue, units_asked_for_summary
from .forms import AttachForm
from .models import AnnualSummary, SummaryAttachment
from .views import chase_said


def _year(value: str | None, default: int) -> int:
    try:
        year = int(value or default)
    except ValueError:
        return default
    return year if FIRST_YEAR <= year <= default else default


SUMMARY_HISTORY = (
    "summary.create",
    "summary.save",
    "summary.attach",
    "summary.detach",
    "summary.submit",
    "summary.return",
    "summary.acknowledge",
)


def _history(summary: AnnualSummary, removed_shown: bool) -> list[dict]:
    """The summary's steps, as the plan's and the report's pages show theirs (流转记录): a
    summary keeps them in the audit trail only, which the unit cannot open. A file taken off
    is named only to those who still see it listed (`fetches_removed_files`)."""
    actions = [a for a in SUMMARY_HISTORY if removed_shown or a != "summary.detach"]
    hidden = (
        set()
        if removed_shown
        else set(
            summary.attachments.exclude(removed_at=None).values_list("original_name", flat=True)
        )
    )
    entries = AuditEntry.objects.filter(
        action__in=actions,
        object_type=AnnualSummary._meta.label_lower,
        object_id=str(summary.id),
    ).select_related("actor")
    history = []
    for entry in entries.order_by("created_at", "id"):
        data = entry.data or {}
        files = [name for name in data.get("files") or [] if name not in hidden]
        if data.get("files") and not files:
            continue
        history.append(
            {
                "at": entry.created_at,
                "actor": entry.actor,
                "name": audit_actions.name(entry.action),
                "action": entry.action,
                "files": files,
                "comment": data.get("comment") or "",
            }
        )
    return history


@login_required
def annual_summaries(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    status = 200
    try:
        asked_year = year_in(request.GET)
    except MalformedValue as error:
        messages.error(request, error.message)
        asked_year, status = None, 400
    year = asked_year if asked_year and asked_year <= today.year else today.year
    if asked_year and asked_year != year:
        # A year to come: said, not shown as another.
        messages.warning(
            request,
            _("There are no annual summaries for “%(value)s”; showing %(year)s.")
            % {"value": asked_year, "year": year},
        )
    years = list(range(today.year, today.year - 5, -1))
    if year not in years:
        years.append(year)  # an earlier year asked for in the address: the drop-down says so
    summaries = {s.unit_id: s for s in access.summaries_visible_to(request.user).filter(year=year)}
    if access.sees_all_units(request.user):
        rows = [
            {"unit": unit, "summary": summaries.get(unit.id)}
            for unit in member_units(date(year, 1, 1))
        ]
    else:
        unit = getattr(request.user, "unit", None)
        if unit is None:
            raise Http404
        rows = [{"unit": unit, "summary": summaries.get(unit.id)}]
    office = access.sees_all_units(request.user)
    due_on = AnnualSummary.due_on(year)
    asked = units_asked_for_summary(year)
    for row in rows:
        row["asked"] = row["unit"].id in asked
        row["late"] = row["asked"] and summary_overdue(year, row["summary"], today)
    can_chase = access.reviews_unit_reports(request.user) and any(r["late"] for r in rows)
    if can_chase:
        chased = services.last_chased("summary.chase", str(year))
        # Whom a 催报 would tell, by the chase's own rule (as on the list of a quarter's
        # reports): a late unit with nobody gets the reason instead of a button that could
        # only fail.
        told = reminders.report_recipients([r["unit"] for r in rows if r["late"]], reminders.LATE)
        for row in rows:
            row["chased_at"] = chased.get(row["unit"].id)
            row["told"] = told.get(row["unit"].id)
    return render(
        request,
        "reports/annual_summaries.html",
        {
            "can_chase": can_chase,
            "can_chase_all": can_chase and any(r["late"] and r.get("told") for r in rows),
            "can_use_admin": access.can_use_admin(request.user),
            "year": year,
            "years": years,
            "rows": rows,
            "due_on": due_on,
            "today": today,
            "office": office,
            # The office's button on a summary waiting for it says what is to be done there.
            "can_review": access.reviews_unit_reports(request.user),
            "asked": sum(1 for r in rows if r["asked"]),
            # The archive holds every submitted summary, asked for or not: none is left out.
            "archived": any(
                r["summary"] and r["summary"].status in SUMMARY_IN_STATUSES for r in rows
            ),
            "submitted": sum(
                1
                for r in rows
                if r["asked"] and r["summary"] and r["summary"].status in SUMMARY_IN_STATUSES
            ),
            # Of those, the ones the office has not acknowledged (or returned) yet.
            "to_acknowledge": sum(
                1
                for r in rows
                if r["asked"] and r["summary"] and r["summary"].status == SummaryStatus.SUBMITTED
            ),
            "can_start": getattr(request.user, "unit_id", None) is not None
            and access.works_on_unit_report(request.user, request.user.unit_id),
        },
        status=status,
    )


@login_required
@require_POST
def summaries_chase(request: HttpRequest, year: int) -> HttpResponse:
    """催报: the office reminds one unit whose summary is not in (`unit`) or all of them (`all`)."""
    if not access.reviews_unit_reports(request.user) or not year_accepted(year):
        raise Http404
    chase_all = request.POST.get("all") == "1"
    try:
        result = services.summaries_chase(
            acting_user=request.user,
            year=year,
            unit_codes=None if chase_all else [request.POST.get("unit", "")],
        )
    except (ValidationError, services.ReportError) as error:
        messages.error(request, refusal_text(error))
    else:
        chase_said(
            request,
            result,
            chase_all,
            nobody_late=_("Every unit has submitted its summary for %(year)s.") % {"year": year},
        )
    return redirect(f"{reverse('annual_summaries')}?year={year}")


@login_required
@require_POST
def summary_start(request: HttpRequest) -> HttpResponse:
    unit = getattr(request.user, "unit", None)
    if unit is None or unit.is_office:
        raise Http404
    year = _year(request.POST.get("year"), timezone.localdate().year)
    try:
        summary = services.summary_start(unit=unit, year=year, acting_user=request.user)
    except services.ReportError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('annual_summaries')}?year={year}")
    return redirect("annual_summary", summary_id=summary.id)


@login_required
@require_http_methods(["GET", "POST"])
def annual_summary(request: HttpRequest, summary_id: int) -> HttpResponse:
    summary = access.summary_or_404(request.user, summary_id=summary_id)
    if request.method == "POST":
        version = posted_version(request.POST)
        if (
            request.POST.get("then") == "submit"
            and summary.status in SUMMARY_IN_STATUSES
            and (request.POST.get("text") or "").strip() == summary.text
        ):
            # A second click on "submit" (or the form sent again) after it went through.
            messages.info(request, _("The summary was already submitted to the office."))
            return redirect("annual_summary", summary_id=summary.id)
        try:
            summary = services.summary_save(
                summary_id=summary.id,
                acting_user=request.user,
                text=request.POST.get("text", ""),
                expected_version=version,
            )
        except (ValidationError, services.ReportError) as error:
            messages.error(request, refusal_text(error))
            return _summary_page(
                request,
                access.summary_or_404(request.user, summary_id=summary.id),
                refusal=Refusal.of_exception(error, ("text",)),
                unsaved=True,
            )
        if request.POST.get("then") != "submit":
            messages.success(request, _("The summary was saved."))
            return redirect("annual_summary", summary_id=summary.id)
        try:
            services.summary_submit(
                summary_id=summary.id, acting_user=request.user, expected_version=None
            )
        except (ValidationError, services.ReportError) as error:
            # The save is kept (the unit's text is not lost, whatever it does next on the
            # page, such as attaching a file): say so, and why it was not sent.
            reason = refusal_text(error)
            messages.error(
                request,
                _("The summary was saved. Not submitted to the office: %(reason)s")
                % {"reason": reason},
            )
            return _summary_page(
                request,
                access.summary_or_404(request.user, summary_id=summary.id),
                refusal=Refusal.of_exception(error, ("text",)),
            )
        messages.success(request, _("The summary was submitted to the office."))
        return redirect("annual_summary", summary_id=summary.id)
    return _summary_page(request, summary)


def _summary_page(
    request: HttpRequest,
    summary: AnnualSummary,
    *,
    refusal: Refusal | None = None,
    returning: bool = False,
    attaching: bool = False,
    unsaved: bool = False,
) -> HttpResponse:
    """The summary's page; with `refusal`, its form (or, `returning`, the office's return)
    shown again with what was posted and the reasons beside the field (400); or,
    `attaching`, a file refused, why beside the file field and the text as stored (it was
    not sent). `unsaved`: the save itself was refused, so the text shown is not stored and
    the page asks before it is left or another of its forms is sent."""
    editable = summary.status in SUMMARY_EDITABLE_STATUSES and access.works_on_unit_report(
        request.user, summary.unit_id
    )
    # A unit not asked for the year (a summary from before such a unit was refused): it is
    # not offered to submit it, and the page says why; nor is it marked late.
    not_asked = services.summary_not_asked(summary.unit_id, summary.year)
    returned = acknowledged = None
    decided = {
        SummaryStatus.RETURNED: "summary.return",
        SummaryStatus.ACKNOWLEDGED: "summary.acknowledge",
    }
    if summary.status in decided:
        decision = (
            AuditEntry.objects.filter(
                action=decided[summary.status],
                object_type=AnnualSummary._meta.label_lower,
                object_id=str(summary.id),
            )
            .select_related("actor")
            .order_by("-created_at")
            .first()
        )
        if summary.status == SummaryStatus.RETURNED:
            returned = decision
        else:
            acknowledged = decision
    refused_text = refusal is not None and not returning and not attaching
    return form_page(
        request,
        "reports/annual_summary.html",
        {
            "history": _history(summary, access.fetches_removed_files(request.user)),
            "returned": returned,
            "acknowledged": acknowledged,
            "can_return": summary.status == SummaryStatus.SUBMITTED
            and access.reviews_unit_reports(request.user),
            "summary": summary,
            "editable": editable,
            "can_submit": editable
            and not not_asked
            and access.submits_unit_report(request.user, summary.unit_id),
            "not_asked": not_asked,
            "no_submitter": editable and not access.unit_has_submitter(summary.unit_id),
            "attachments": summary.attachments.filter(removed_at=None),
            "removed_attachments": summary.attachments.exclude(removed_at=None)
            if access.fetches_removed_files(request.user)
            else [],
            "due_on": AnnualSummary.due_on(summary.year),
            "refusal": refusal if refused_text else None,
            "return_refusal": refusal if returning else None,
            "attach_refusal": refusal if attaching else None,
            "text": request.POST.get("text", "") if refused_text else summary.text,
            "comment": request.POST.get("comment", "") if returning else "",
            "unsaved": unsaved,
        },
        refused=refusal is not None,
    )


@login_required
@require_POST
def summary_return(request: HttpRequest, summary_id: int) -> HttpResponse:
    """The office returns a submitted summary to its unit with comments."""
    return _review(
        request,
        summary_id,
        services.summary_return,
        _("The summary was returned to %(unit)s."),
    )


@login_required
@require_POST
def summary_acknowledge(request: HttpRequest, summary_id: int) -> HttpResponse:
    """The office acknowledges a submitted summary, with a comment if it has one."""
    return _review(
        request,
        summary_id,
        services.summary_acknowledge,
        _("The work summary of %(unit)s was acknowledged; the unit is told."),
    )


def _review(request: HttpRequest, summary_id: int, decide, done: str) -> HttpResponse:
    """The office's decision on a submitted summary (`decide`, a service taking the
    comment); refused, the page again (400) with the comment as typed and why beside it."""
    if not access.reviews_unit_reports(request.user):
        raise Http404
    summary = access.summary_or_404(request.user, summary_id=summary_id)
    try:
        decide(
            summary_id=summary.id,
            acting_user=request.user,
            comment=request.POST.get("comment", ""),
            expected_version=posted_version(request.POST),
        )
    except (ValidationError, services.ReportError) as error:
        messages.error(request, refusal_text(error))
        return _summary_page(
            request,
            access.summary_or_404(request.user, summary_id=summary.id),
            refusal=Refusal.of_exception(error, ("comment",)),
            returning=True,
        )
    messages.success(request, done % {"unit": summary.unit})
    return redirect("annual_summary", summary_id=summary.id)


@login_required
@require_POST
def summary_attach(request: HttpRequest, summary_id: int) -> HttpResponse:
    """Files added to the summary. One refused (not an accepted kind, too large) comes back
    with the page (400), why said once beside the file field, nothing stored."""
    summary = access.summary_or_404(request.user, summary_id=summary_id)
    form = AttachForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        stored = form_once.submit(
            request,
            lambda: services.summary_attach(
                summary_id=summary.id,
                acting_user=request.user,
                uploads=form.cleaned_data["attachments"],
            ),
            lambda stored: reverse("annual_summary", args=[summary.id]),
        )
    except form_once.AlreadySent as sent:
        return sent.response(request)
    except (ValidationError, services.ReportError) as error:
        if not isinstance(error, ValidationError):  # about the summary: no file field then
            messages.error(request, refusal_text(error))
        return _summary_page(
            request,
            access.summary_or_404(request.user, summary_id=summary.id),
            refusal=Refusal.of_exception(error, ("attachments",)),
            attaching=True,
        )
    messages.success(
        request,
        ngettext("%(n)s file added.", "%(n)s files added.", len(stored)) % {"n": len(stored)},
    )
    return redirect("annual_summary", summary_id=summary.id)


@login_required
@require_POST
def summary_detach(request: HttpRequest, summary_id: int, attachment_id: int) -> HttpResponse:
    summary = access.summary_or_404(request.user, summary_id=summary_id)
    try:
        services.summary_detach(
            summary_id=summary.id, attachment_id=attachment_id, acting_user=request.user
        )
    except services.ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The file was removed from the summary."))
    return redirect(reverse("annual_summary", args=[summary.id]) + "#attachments")


@login_required
def summary_attachment_download(
    request: HttpRequest, summary_id: int, attachment_id: int
) -> HttpResponse:
    summary = access.summary_or_404(request.user, summary_id=summary_id)
    attachment = access.get_or_404(
        access.files_fetchable_by(request.user, SummaryAttachment.objects.filter(summary=summary)),
        id=attachment_id,
    )
    return attachments.download(attachment)


@login_required
def summaries_archive(request: HttpRequest, year: int) -> HttpResponse:
    """Every submitted summary of the year in one zip: a folder per unit with its text and
    its files. A summary from a unit not asked for the year (`figures.asked_for_summary`;
    one submitted before such a unit was refused) is kept, not left out, but in a folder of
    its own named as the list names such a unit (本年度无需报送), as the district report says
    本季度无需报送: it does not pass for an asked unit's. Written to a temporary file on disk
    and copied in chunks, like the plans archive: seventeen units' scanned documents would
    otherwise sit in a worker's memory. A year outside the portal's (an address edited by
    hand) is not found, as for the register: no date can be made of year 0 or 99999."""
    if not access.sees_all_units(request.user) or not year_accepted(year):
        raise Http404
    asked = units_asked_for_summary(year)
    not_asked = _("Not asked for this year")
    summaries = (
        access.summaries_visible_to(request.user)
        .filter(year=year, status__in=SUMMARY_IN_STATUSES)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "attachments", queryset=SummaryAttachment.objects.filter(removed_at__isnull=True)
            )
        )
    )
    # A unit's folder is numbered as its row of the register (序号), not by its sort order.
    numbers = {unit.id: n for n, unit in _register_rows(year)}
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    try:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for summary in summaries:
                number = numbers.get(summary.unit_id, summary.unit.sort_order)
                folder = f"{number:02d}-{summary.unit.name}"
                if summary.unit_id not in asked:
                    folder = f"{not_asked}/{folder}"
                archive.writestr(f"{folder}/工作总结.txt", summary.text)
                attachments.add_to_archive(archive, folder, summary.attachments.all())
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return FileResponse(spool, as_attachment=True, filename=f"wuqing-annual-summaries-{year}.zip")


def _register_rows(year: int) -> list[tuple[int, Unit]]:
    """The year's units with their row numbers in the register (序号), which the archive's
    folders carry too, so that a folder is found from the register's row."""
    return list(enumerate(member_units(date(year, 1, 1)), start=1))


@login_required
def summaries_register(request: HttpRequest, year: int) -> HttpResponse:
    """The year's register as a workbook, for the office and the leader: each member unit,
    its summary's status, when it was submitted, whether it is late (submitted after the
    due date, or not submitted once it has passed) and when it was last reminded (催报)."""
    if not access.sees_all_units(request.user) or not year_accepted(year):
        raise Http404
    today = timezone.localdate()
    summaries = {
        s.unit_id: s
        for s in access.summaries_visible_to(request.user)
        .filter(year=year)
        .select_related("submitted_by")
        .annotate(files=Count("attachments", filter=Q(attachments__removed_at=None)))
    }
    chased = services.last_chased("summary.chase", str(year))
    asked = units_asked_for_summary(year)
    rows = []
    for number, unit in _register_rows(year):
        summary = summaries.get(unit.id)
        submitted = summary is not None and summary.status in SUMMARY_IN_STATUSES
        # Late only for a unit asked for the year; a summary from one not asked (sent before
        # such a unit was refused) is listed as such, as in the archive.
        late = unit.id in asked and (
            (summary is not None and summary.late_on is not None)
            or summary_overdue(year, summary, today)
        )
        if summary and unit.id in asked:
            status = summary.get_status_display()
        elif summary:
            status = _("%(status)s (not asked for this year)") % {
                "status": summary.get_status_display()
            }
        else:
            status = _("Not started") if unit.id in asked else _("Not asked for this year")
        rows.append(
            [
                number,
                str(unit),
                status,
                summary.submitted_at if submitted else None,
                capfirst(_("yes")) if late else "",
                chased.get(unit.id),
                str(summary.submitted_by) if submitted and summary.submitted_by else "",
                summary.files if summary else 0,
            ]
        )
    data = register_workbook(
        _("Annual work summaries %(year)s") % {"year": year},
        [
            pgettext("a row's number in a register", "No."),
            _("Unit"),
            _("Status"),
            _("Submitted at"),
            _("Late"),
            _("Last reminded"),
            _("Submitted by"),
            _("Attachments"),
        ],
        rows,
    )
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=f"wuqing-annual-summaries-{year}.xlsx"
    )


EDUCATION_FIELDS = (
    "day",
    "title",
    "place",
    "audience",
    "channel",
    "people_reached",
    "materials",
)
"""The form logging an education event, in the page's order: the first one refused is
focused."""


@login_required
@require_http_methods(["GET", "POST"])
def education_events(request: HttpRequest) -> HttpResponse:
    """A unit's consumer education events (all units' for the office), and logging one."""
    user = request.user
    can_log = getattr(user, "unit_id", None) is not None and access.works_on_unit_report(
        user, user.unit_id
    )
    refusal: Refusal | None = None
    if request.method == "POST":
        if not can_log:
            raise Http404
        post = request.POST
        try:
            day = date.fromisoformat(post.get("day", ""))
        except ValueError:
            day = None
        try:
            form_once.submit(
                request,
                lambda: services.education_log(
                    acting_user=user,
                    day=day,
                    title=post.get("title", ""),
                    audience=post.get("audience", ""),
                    channel=post.get("channel", ""),
                    people_reached=post.get("people_reached", "0"),
                    place=post.get("place", ""),
                    materials=post.get("materials", ""),
                ),
                lambda event: reverse("education_events"),
            )
        except form_once.AlreadySent as sent:
            return sent.response(request)
        except ValidationError as error:
            refusal = Refusal.of_error(error, EDUCATION_FIELDS)
        else:
            messages.success(request, _("The event was logged."))
            return redirect("education_events")
    events = access.education_events_visible_to(user)
    page = Paginator(events.order_by("-day", "-id"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/education_events.html",
        {
            "page": page,
            "can_log": can_log,
            "refusal": refusal,
            "data": request.POST,
            "audiences": EducationAudience.choices,
            "channels": EducationChannel.choices,
        },
        status=400 if refusal else 200,
    )
