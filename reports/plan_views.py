"""Screens for implementation plans (备案) and the year's evaluations and expert opinions
(section 五): units file their plans, the office acknowledges or returns them, sees who has
filed and downloads them all as one archive; the office keeps the year's evaluations, every
unit reads them beside the annual summaries."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from complaints import attachments
from departments import access
from wuqing_consumer import form_once
from wuqing_consumer.address_values import MalformedValue, year_in
from wuqing_consumer.errors import refusal_text
from wuqing_consumer.language import label_colon
from wuqing_consumer.refusals import Refusal
from wuqing_consumer.versions import posted_version
from wuqing_consumer.views import form_page

from . import plan_services
from .choices import EvaluationKind, PlanStatus
from .figures import member_units
from .forms import AttachForm
from .models import EvaluationAttachment, ImplementationPlan, PlanAttachment, PlanDeadline
from .services import ReportError

ARCHIVED_STATUSES = (PlanStatus.FILED, PlanStatus.ACKNOWLEDGED)


def _year(value: str | None, default: int, years: list[int]) -> int:
    try:
        year = int(value or default)
    except ValueError:
        return default
    return year if year in years else default


def _asked_year(request: HttpRequest, years: list[int]) -> tuple[int, int]:
    """The year in the address, among the list's `years`, and the answer's status: a
    malformed year is refused (400) and one outside the years said, each with a message
    and the current year shown."""
    default = timezone.localdate().year
    try:
        asked = year_in(request.GET)
    except MalformedValue as error:
        messages.error(request, error.message)
        return default, 400
    if asked is None:
        return default, 200
    if asked not in years:
        messages.warning(
            request,
            _("This list covers %(first)s to %(last)s, not %(value)s; showing %(year)s.")
            % {"first": min(years), "last": max(years), "value": asked, "year": default},
        )
        return default, 200
    return asked, 200


def _report_errors(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, ValidationError):
        for text in error.messages:
            messages.error(request, text)
    elif isinstance(error, ReportError):
        messages.error(request, error.message)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """The office: every member unit with its plan's state and the counts. A unit: its own
    plan, and the plans the office has acknowledged (published) for the year."""
    user = request.user
    office = access.sees_all_units(user)
    unit_id = getattr(user, "unit_id", None)
    if not office and unit_id is None:
        raise Http404
    years = plan_services.plan_years()
    year, status = _asked_year(request, years)
    plans = {p.unit_id: p for p in access.plans_visible_to(user).filter(year=year)}
    if office:
        rows = [{"unit": unit, "plan": plans.get(unit.id)} for unit in member_units()]
    else:
        rows = [{"unit": user.unit, "plan": plans.get(unit_id)}]
        rows += [
            {"unit": unit, "plan": plans[unit.id]}
            for unit in member_units()
            if unit.id != unit_id and unit.id in plans
        ]
    counts = {status: 0 for status in PlanStatus.values}
    for row in rows:
        if row["plan"] is not None:
            counts[row["plan"].status] += 1
    deadline = PlanDeadline.objects.filter(year=year).first()
    return render(
        request,
        "reports/plans.html",
        {
            "year": year,
            "years": years,
            "rows": rows,
            "office": office,
            "counts": counts,
            "not_filed": sum(
                1 for r in rows if r["plan"] is None or r["plan"].status == PlanStatus.DRAFT
            ),
            "in_archive": counts[PlanStatus.FILED] + counts[PlanStatus.ACKNOWLEDGED],
            "due_on": deadline.due_on if deadline else None,
            "today": timezone.localdate(),
            "can_start": not office
            and unit_id is not None
            and access.works_on_unit_report(user, unit_id)
            and plans.get(unit_id) is None,
        },
        status=status,
    )


@login_required
@require_POST
def plan_start(request: HttpRequest) -> HttpResponse:
    unit = getattr(request.user, "unit", None)
    if unit is None or unit.is_office:
        raise Http404
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    try:
        plan = plan_services.plan_start(unit=unit, year=year, acting_user=request.user)
    except ReportError as error:
        messages.error(request, error.message)
        return redirect("plan_list")
    return redirect("plan_detail", plan_id=plan.id)


PLAN_FIELDS = ("title", "note", "attachments")
"""The plan's form, in the page's order (the document is filed from the files beside it)."""


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan: the unit edits and files it; the office reads it and its history. A save
    refused comes back with what was typed and why, nothing saved (400); a filing refused
    too, its save kept (and said so)."""
    user = request.user
    plan = access.plan_or_404(user, plan_id=plan_id)
    if request.method == "POST":
        if not access.works_on_unit_report(user, plan.unit_id):
            raise Http404
        try:
            plan = plan_services.plan_save(
                plan_id=plan.id,
                acting_user=user,
                title=request.POST.get("title", ""),
                note=request.POST.get("note", ""),
                expected_version=posted_version(request.POST),
            )
        except (ValidationError, ReportError) as error:
            _report_errors(request, error)
            return _plan_page(
                request,
                access.plan_or_404(user, plan_id=plan.id),
                refusal=Refusal.of_exception(error, PLAN_FIELDS),
                unsaved=True,
            )
        if request.POST.get("then") != "file":
            messages.success(request, _("The plan was saved."))
            return redirect("plan_detail", plan_id=plan.id)
        try:
            plan_services.plan_file(plan_id=plan.id, acting_user=user)
        except (ValidationError, ReportError) as error:
            # The save is kept: the document is attached by a form of its own, which would
            # lose a title typed but not saved. The page says so, and why it was not filed.
            messages.error(
                request,
                _("The plan was saved. Not filed with the office: %(reason)s")
                % {"reason": refusal_text(error)},
            )
            return _plan_page(
                request,
                access.plan_or_404(user, plan_id=plan.id),
                refusal=Refusal.of_exception(error, PLAN_FIELDS),
            )
        messages.success(request, _("The plan was filed with the office."))
        return redirect("plan_detail", plan_id=plan.id)
    return _plan_page(request, plan)


def _plan_page(
    request: HttpRequest,
    plan: ImplementationPlan,
    *,
    refusal: Refusal | None = None,
    reviewing: bool = False,
    attaching: bool = False,
    unsaved: bool = False,
) -> HttpResponse:
    """The plan's page; with `refusal`, the plan's form (or, `reviewing`, the office's
    review) shown again with what was posted and the reasons beside the fields (400); or,
    `attaching`, a file refused, why beside the file field and the plan's form as stored
    (it was not sent). `unsaved`: the save itself was refused, so the form's text is not
    stored and the page asks before it is left or another of its forms is sent."""
    user = request.user
    own = access.works_on_unit_report(user, plan.unit_id)
    editable = own and plan.is_editable
    office = access.sees_all_units(user)
    refused_plan = refusal is not None and not reviewing and not attaching
    return form_page(
        request,
        "reports/plan.html",
        {
            "plan": plan,
            "editable": editable,
            "can_file": editable and access.submits_unit_report(user, plan.unit_id),
            "can_review": access.reviews_unit_reports(user) and plan.status == PlanStatus.FILED,
            "attachments": plan.attachments.filter(removed_at__isnull=True),
            # Other units read the published plan, not how it came about.
            "events": plan.events.select_related("actor") if own or office else None,
            "refusal": refusal if refused_plan or attaching else None,
            "review_refusal": refusal if reviewing else None,
            "title": request.POST.get("title", "") if refused_plan else plan.title,
            "note": request.POST.get("note", "") if refused_plan else plan.note,
            "comment": request.POST.get("comment", "") if reviewing else "",
            "unsaved": unsaved,
        },
        refused=refusal is not None,
    )


@login_required
@require_POST
def plan_attach(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's document and other files. One refused (not an accepted kind, too large)
    comes back with the page (400), why said once beside the file field, nothing stored."""
    plan = access.plan_or_404(request.user, plan_id=plan_id)
    if not access.works_on_unit_report(request.user, plan.unit_id):
        raise Http404
    form = AttachForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        stored = form_once.submit(
            request,
            lambda: plan_services.plan_attach(
                plan_id=plan.id,
                acting_user=request.user,
                uploads=form.cleaned_data["attachments"],
            ),
            lambda stored: reverse("plan_detail", args=[plan.id]),
        )
    except form_once.AlreadySent as sent:
        return sent.response(request)
    except (ValidationError, ReportError) as error:
        if not isinstance(error, ValidationError):  # about the plan: no file field to say it
            messages.error(request, refusal_text(error))
        return _plan_page(
            request,
            access.plan_or_404(request.user, plan_id=plan.id),
            refusal=Refusal.of_exception(error, ("attachments",)),
            attaching=True,
        )
    messages.success(
        request,
        ngettext("%(n)s file added.", "%(n)s files added.", len(stored)) % {"n": len(stored)},
    )
    return redirect("plan_detail", plan_id=plan.id)


@login_required
@require_POST
def plan_detach(request: HttpRequest, plan_id: int, attachment_id: int) -> HttpResponse:
    plan = access.plan_or_404(request.user, plan_id=plan_id)
    if not access.works_on_unit_report(request.user, plan.unit_id):
        raise Http404
    try:
        plan_services.plan_detach(
            plan_id=plan.id, attachment_id=attachment_id, acting_user=request.user
        )
    except (ValidationError, ReportError) as error:
        _report_errors(request, error)
    else:
        messages.success(request, _("The file was removed from the plan."))
    return redirect("plan_detail", plan_id=plan.id)


@login_required
def plan_attachment_download(request: HttpRequest, plan_id: int, attachment_id: int):
    plan = access.plan_or_404(request.user, plan_id=plan_id)
    attachment = access.get_or_404(
        access.files_fetchable_by(request.user, PlanAttachment.objects.filter(plan=plan)),
        id=attachment_id,
    )
    return attachments.download(attachment)


@login_required
@require_POST
def plan_review(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The office acknowledges or returns a filed plan."""
    if not access.reviews_unit_reports(request.user):
        raise Http404
    plan = access.plan_or_404(request.user, plan_id=plan_id)
    decision = request.POST.get("decision")
    comment = request.POST.get("comment", "")
    try:
        if decision == "acknowledge":
            plan_services.plan_acknowledge(
                plan_id=plan.id,
                acting_user=request.user,
                comment=comment,
                expected_version=posted_version(request.POST),
            )
            messages.success(request, _("The plan was acknowledged."))
        elif decision == "return":
            plan_services.plan_return(
                plan_id=plan.id,
                acting_user=request.user,
                comment=comment,
                expected_version=posted_version(request.POST),
            )
            messages.success(request, _("The plan was returned to the unit."))
        else:
            raise ValidationError(_("Choose whether to acknowledge or return the plan."))
    except (ValidationError, ReportError) as error:
        _report_errors(request, error)
        return _plan_page(
            request,
            access.plan_or_404(request.user, plan_id=plan.id),
            refusal=Refusal.of_exception(error, ("comment",)),
            reviewing=True,
        )
    return redirect("plan_detail", plan_id=plan.id)


@login_required
def plans_archive(request: HttpRequest, year: int) -> HttpResponse:
    """Every filed or acknowledged plan of the year in one zip, a folder per unit with a
    text file of its title, state and note, and its documents. The zip is written to a
    temporary file on disk, not built in memory: plans are often scanned PDFs, and seventeen
    of them would otherwise sit in a worker's memory. The file goes when the response closes."""
    if not access.sees_all_units(request.user):
        raise Http404
    plans = (
        access.plans_visible_to(request.user)
        .filter(year=year, status__in=ARCHIVED_STATUSES)
        .order_by("unit__sort_order")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=PlanAttachment.objects.filter(removed_at__isnull=True),
                to_attr="kept_attachments",
            )
        )
    )
    # A unit's folder is numbered as its row of the register (序号), not by its sort order.
    from .plan_rendering import register_rows

    numbers = {unit.id: n for n, unit in register_rows()}
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    try:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for plan in plans:
                number = numbers.get(plan.unit_id, plan.unit.sort_order)
                folder = f"{number:02d}-{plan.unit.name}"
                lines = [
                    plan.title,
                    f"{_('Status')}{label_colon()}{plan.get_status_display()}",
                    f"{_('Filed at')}{label_colon()}"
                    f"{timezone.localtime(plan.filed_at):%Y-%m-%d %H:%M}"
                    if plan.filed_at
                    else "",
                    "",
                    plan.note,
                ]
                archive.writestr(f"{folder}/实施方案.txt", "\n".join(lines).strip() + "\n")
                attachments.add_to_archive(archive, folder, plan.kept_attachments)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"wuqing-implementation-plans-{year}.zip",
        content_type="application/zip",
    )


@login_required
def plans_register_pdf(request: HttpRequest, year: int) -> HttpResponse:
    """The year's register of plans (and evaluations) as a PDF for the office's files."""
    if not access.sees_all_units(request.user) or year not in plan_services.plan_years():
        raise Http404
    from .plan_rendering import build_register_pdf

    response = HttpResponse(build_register_pdf(year), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="wuqing-implementation-plans-{year}.pdf"'
    )
    return response


# --- evaluations and expert opinions --------------------------------------------------------


def _evaluation_years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year + 1, this_year - 5, -1))


EVALUATION_FIELDS = ("year", "kind", "day", "title", "author", "note", "attachments")
"""The form adding an evaluation, in the page's order: the first one refused is focused."""


@login_required
@require_http_methods(["GET", "POST"])
def evaluations(request: HttpRequest) -> HttpResponse:
    """The year's third-party evaluations and expert opinions, beside links to the year's
    annual summaries and plans; the office adds documents here."""
    user = request.user
    if not access.sees_all_units(user) and getattr(user, "unit_id", None) is None:
        raise Http404
    years = _evaluation_years()
    if request.method == "POST":
        year, status = _year(request.GET.get("year"), timezone.localdate().year, years), 200
    else:
        year, status = _asked_year(request, years)
    refusal: Refusal | None = None
    if request.method == "POST":
        if not access.manages_evaluations(user):
            raise Http404
        post = request.POST
        try:
            day = date.fromisoformat(post.get("day", ""))
        except ValueError:
            day = None
        try:
            posted_year: int | None = int(post.get("year", ""))
        except ValueError:
            posted_year = None
        try:
            evaluation = form_once.submit(
                request,
                lambda: plan_services.evaluation_add(
                    acting_user=user,
                    year=posted_year,
                    kind=post.get("kind", ""),
                    title=post.get("title", ""),
                    author=post.get("author", ""),
                    day=day,
                    note=post.get("note", ""),
                    uploads=request.FILES.getlist("attachments"),
                ),
                lambda evaluation: f"{reverse('evaluations')}?year={evaluation.year}",
            )
        except form_once.AlreadySent as sent:
            return sent.response(request)
        except ValidationError as error:
            refusal = Refusal.of_error(error, EVALUATION_FIELDS)
        else:
            messages.success(request, _("The document was added."))
            return redirect(f"{reverse('evaluations')}?year={evaluation.year}")
    return _evaluations_page(request, year, years, refusal=refusal, status=status)


def _evaluations_page(
    request: HttpRequest,
    year: int,
    years: list[int],
    *,
    refusal: Refusal | None = None,
    removing: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """The year's page; with `refusal`, the add form (or, with `removing`, that
    evaluation's removal) comes back open with what was posted, its reasons read with the
    fields refused, the first of them focused (400)."""
    user = request.user
    items = (
        access.evaluations_visible_to(user)
        .filter(year=year)
        .prefetch_related("attachments")
        .order_by("kind", "-day", "-id")
    )
    removed = (
        access.removed_evaluations_visible_to(user)
        .filter(year=year)
        .prefetch_related("attachments", "events__actor")
    )
    refused = refusal is not None
    return render(
        request,
        "reports/evaluations.html",
        {
            "year": year,
            "years": years,
            "items": items,
            "removed": removed,
            "manages": access.manages_evaluations(user),
            "kinds": EvaluationKind.choices,
            "refusal": refusal if refused and removing is None else None,
            "removing": removing,
            "removal": refusal if removing is not None else None,
            "removal_id": f"remove-{removing}-reason",
            "data": request.POST if refused and removing is None else {},
            "reason": request.POST.get("reason", "") if removing is not None else "",
        },
        status=400 if refused else status,
    )


@login_required
def evaluation_file(request: HttpRequest, evaluation_id: int, attachment_id: int):
    evaluation = access.evaluation_files_or_404(request.user, evaluation_id=evaluation_id)
    attachment = access.get_or_404(
        EvaluationAttachment.objects.filter(evaluation=evaluation), id=attachment_id
    )
    return attachments.download(attachment)


@login_required
@require_POST
def evaluation_remove(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    if not access.manages_evaluations(request.user):
        raise Http404
    evaluation = access.evaluation_or_404(request.user, evaluation_id=evaluation_id)
    try:
        plan_services.evaluation_remove(
            evaluation_id=evaluation.id,
            acting_user=request.user,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        _report_errors(request, error)
        years = _evaluation_years()
        return _evaluations_page(
            request,
            _year(str(evaluation.year), timezone.localdate().year, years),
            years,
            refusal=Refusal.of_error(error, ("reason",)),
            removing=evaluation.id,
        )
    messages.success(request, _("The document was removed."))
    return redirect(f"{reverse('evaluations')}?year={evaluation.year}")
