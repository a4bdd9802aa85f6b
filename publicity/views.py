"""Staff screens for public releases: units draft and submit, the office reviews, publishes
and corrects. Every write goes through `services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from departments import access
from departments.notifications import notifications_mark_read_at
from wuqing_consumer import form_once
from wuqing_consumer.errors import refusal_text
from wuqing_consumer.list_filters import ListFilters
from wuqing_consumer.refusals import Refusal
from wuqing_consumer.versions import posted_version
from wuqing_consumer.views import form_page

from . import services
from .choices import ReleaseKind, ReleaseStatus
from .models import Release

# The inputs of a violator row, in the form's order, named as the form names them.
ENTRY_LABELS = {
    "business_name": gettext_lazy("business name"),
    "credit_code": gettext_lazy("unified social credit code"),
    "violation": gettext_lazy("violation"),
    "penalty": gettext_lazy("penalty"),
    "decided_on": gettext_lazy("decision date"),
    "exposure_from": gettext_lazy("exposed from"),
    "exposure_until": gettext_lazy("exposed until"),
}
ENTRY_INPUTS = tuple(ENTRY_LABELS)
MAX_ROWS = 200


def entries_from_post(post) -> list[dict]:
    """The violator rows of the form; rows left wholly blank are not entries."""
    try:
        count = min(int(post.get("entries-count", "0")), MAX_ROWS)
    except ValueError:
        count = 0
    rows = []
    for index in range(count):
        row = {field: post.get(f"entry-{index}-{field}", "").strip() for field in ENTRY_INPUTS}
        if any(row.values()):
            rows.append(row)
    return rows


def _rows(entries: list[dict], blank: int = 2) -> list[dict]:
    """Rows for the form: what there is, plus a few blank ones to add violators."""
    return [*entries, *({} for _ in range(blank))]


def _entries_of(release: Release) -> list[dict]:
    return [
        {
            **{f: getattr(e, f) for f in ("business_name", "credit_code", "violation", "penalty")},
            **{f: getattr(e, f).isoformat() for f in ENTRY_INPUTS[4:]},
        }
        for e in release.entries.all()
    ]


@login_required
def release_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (access.sees_all_units(user) or getattr(user, "unit_id", None)):
        raise Http404
    releases = access.releases_visible_to(user)
    filters = ListFilters(request.GET)
    status = filters.choice("status", ReleaseStatus.values, label=capfirst(_("status")))
    kind = filters.choice("kind", ReleaseKind.values, label=capfirst(_("kind")))
    q = request.GET.get("q", "").strip()[:100]
    if filters.invalid:
        releases = releases.none()
    if status:
        releases = releases.filter(status=status)
    if kind:
        releases = releases.filter(kind=kind)
    if q:
        releases = releases.filter(Q(title__icontains=q) | Q(body__icontains=q))
    page = Paginator(releases.order_by("-updated_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "publicity/release_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "kind": kind,
            "filters": filters,
            "statuses": ReleaseStatus.choices,
            "kinds": ReleaseKind.choices,
            "can_write": access.writes_release(user, getattr(user, "unit_id", None)),
            "office": access.reviews_releases(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def release_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.writes_release(user, getattr(user, "unit_id", None)):
        raise Http404
    errors: dict = {}
    data = request.POST if request.method == "POST" else {}
    entries = entries_from_post(request.POST) if request.method == "POST" else []
    if request.method == "POST":
        try:
            release = form_once.submit(
                request,
                lambda: services.release_create(
                    acting_user=user,
                    kind=request.POST.get("kind", ""),
                    title=request.POST.get("title", ""),
                    body=request.POST.get("body", ""),
                    entries=entries,
                ),
                lambda release: reverse("release_detail", args=[release.id]),
            )
        except form_once.AlreadySent as sent:
            return sent.response(request)
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("release_detail", release_id=release.id)
    return form_page(
        request,
        "publicity/release_new.html",
        {
            "errors": errors,
            "data": data,
            "rows": _rows(entries, blank=3),
            "kinds": ReleaseKind.choices,
        },
        refused=request.method == "POST",
    )


@login_required
@require_http_methods(["GET", "POST"])
def release_detail(request: HttpRequest, release_id: int) -> HttpResponse:
    user = request.user
    release = access.release_or_404(user, release_id=release_id)
    notifications_mark_read_at(
        user=user, url=reverse("release_detail", kwargs={"release_id": release.id})
    )
    editable = release.is_editable and access.writes_release(user, release.unit_id)
    errors: dict = {}
    entries = _entries_of(release)
    draft_typed: list[tuple[str, str, str]] = []
    draft_typed_rows: list[list[tuple[str, str, str]]] = []
    if request.method == "POST":
        # Someone who may write the unit's releases hears from the service why one no longer
        # takes changes (a save-and-submit sent twice, say), rather than a 404.
        if not access.writes_release(user, release.unit_id):
            raise Http404
        entries = entries_from_post(request.POST)
        try:
            # Saving and submitting succeed or fail together: a refused submission must not
            # leave a half-done save behind the "nothing was saved" message.
            with transaction.atomic():
                release = services.release_save(
                    release_id=release.id,
                    acting_user=user,
                    title=request.POST.get("title", ""),
                    body=request.POST.get("body", ""),
                    entries=entries,
                    expected_version=posted_version(request.POST),
                )
                if request.POST.get("then") == "submit":
                    services.release_submit(release_id=release.id, acting_user=user)
            if request.POST.get("then") == "submit":
                messages.success(request, _("The release was submitted to the office."))
            else:
                messages.success(request, _("The draft was saved."))
            return redirect("release_detail", release_id=release.id)
        except ValidationError as error:
            errors = error.message_dict
            messages.error(request, _("Nothing was saved: correct what is marked below."))
        except services.ReleaseError as error:
            # Changed meanwhile (or no longer a draft): the page as it now is, with the
            # current version, and, while it is still a draft, the form as it was sent (once
            # it is not, what was typed read-only). Said once, at the top: it is about the
            # release, not about a field of the form.
            messages.error(request, error.message)
            release = access.release_or_404(user, release_id=release.id)
            editable = release.is_editable and access.writes_release(user, release.unit_id)
            if not editable:
                draft_typed = _typed(request.POST, DRAFT_LABELS)
                if release.lists_violators:
                    draft_typed_rows = [_typed(row, ENTRY_LABELS) for row in entries]
    return _release_page(
        request,
        release,
        editable=editable,
        errors=errors,
        data=request.POST if request.method == "POST" else {},
        rows=_rows(entries) if editable else [],
        draft_typed=draft_typed,
        draft_typed_rows=draft_typed_rows,
    )


def _release_page(
    request: HttpRequest,
    release: Release,
    *,
    editable: bool,
    errors: dict | None = None,
    data=None,
    rows: list | None = None,
    review_action: str = "",
    review_refusal: Refusal | None = None,
    review_typed: list[tuple[str, str, str]] | None = None,
    draft_typed: list[tuple[str, str, str]] | None = None,
    draft_typed_rows: list[list[tuple[str, str, str]]] | None = None,
) -> HttpResponse:
    """The release's page; 400 after a post that was refused: the unit's form (`data`) or
    the office's review (`review_action`, with what was typed in it) shown again, or, when
    the form is no longer offered, what was typed in it read-only (`draft_typed` with its
    violator rows `draft_typed_rows`, `review_typed`)."""
    user = request.user
    office = access.reviews_releases(user)
    return form_page(
        request,
        "publicity/release_detail.html",
        {
            "release": release,
            "editable": editable,
            "can_submit": editable and access.submits_release(user, release.unit_id),
            "no_submitter": editable
            and release.unit_id is not None
            and not access.unit_has_submitter(release.unit_id),
            "can_review": office and release.status == ReleaseStatus.SUBMITTED,
            "can_publish": office and release.status == ReleaseStatus.APPROVED,
            "can_correct": office and release.is_published and not release.corrections.exists(),
            "show_review": office or release.unit_id == getattr(user, "unit_id", None),
            "errors": errors or {},
            "data": data or {},
            "rows": rows or [],
            "entries": release.entries.all(),
            "events": release.events.select_related("actor"),
            "correction": release.corrections.first(),
            "review_action": review_action,
            "review_refusal": review_refusal,
            "review_data": request.POST if review_action else {},
            "review_typed": review_typed or [],
            "draft_typed": draft_typed or [],
            "draft_typed_rows": draft_typed_rows or [],
        },
        refused=request.method == "POST",
    )


ACTIONS = {"return", "approve", "publish"}


@login_required
@require_POST
def release_act(request: HttpRequest, release_id: int, action: str) -> HttpResponse:
    release = access.release_or_404(request.user, release_id=release_id)
    if action not in ACTIONS or not access.reviews_releases(request.user):
        raise Http404
    post = request.POST
    try:
        if action == "return":
            services.release_return(
                release_id=release.id,
                acting_user=request.user,
                comment=post.get("comment", ""),
                opinion_note=post.get("opinion_note", ""),
                expected_version=posted_version(request.POST),
            )
            messages.success(request, _("The release was returned to the unit."))
        elif action == "approve":
            services.release_approve(
                release_id=release.id,
                acting_user=request.user,
                opinion_note=post.get("opinion_note", ""),
                comment=post.get("comment", ""),
                expected_version=posted_version(request.POST),
            )
            messages.success(request, _("The release was approved."))
        else:
            services.release_publish(
                release_id=release.id,
                acting_user=request.user,
                expected_version=posted_version(request.POST),
            )
            messages.success(request, _("The release was published on the public pages."))
    except (ValidationError, services.ReleaseError) as error:
        return _review_refused(request, release.id, action, error)
    return redirect("release_detail", release_id=release.id)


# The fields of each of the office's forms, in the page's order.
REVIEW_FIELDS = {"approve": ("opinion_note", "comment"), "return": ("comment",), "publish": ()}


def _review_refused(
    request: HttpRequest, release_id: int, action: str, error: Exception
) -> HttpResponse:
    """The page again (400) with nothing changed: why beside the field of the form it is
    about, or at the top (the release changed or was reviewed meanwhile, a field the form
    does not have); the form, while the page still offers it, keeps what was typed."""
    fields = REVIEW_FIELDS[action]
    reasons = error.message_dict if hasattr(error, "error_dict") else {}
    own = {name: reasons[name] for name in fields if reasons.get(name)}
    others = [text for key, texts in reasons.items() if key not in own for text in texts]
    if not hasattr(error, "error_dict"):
        others = [refusal_text(error)]
    for text in others:
        messages.error(request, text)
    release = access.release_or_404(request.user, release_id=release_id)
    editable = release.is_editable and access.writes_release(request.user, release.unit_id)
    return _release_page(
        request,
        release,
        editable=editable,
        rows=_rows(_entries_of(release)) if editable else [],
        review_action=action,
        review_refusal=Refusal.of(own, fields) if own else None,
        review_typed=_typed(request.POST, {name: REVIEW_LABELS[name] for name in fields})
        if release.status != ReleaseStatus.SUBMITTED
        else None,
    )


# How the page names each field of a form when it shows what was typed in it, as the form
# names it.
REVIEW_LABELS = {
    "opinion_note": gettext_lazy("public-opinion assessment"),
    "comment": gettext_lazy("comment"),
}
DRAFT_LABELS = {"title": gettext_lazy("title"), "body": gettext_lazy("text")}


def _typed(post, labels: dict) -> list[tuple[str, str, str]]:
    """What was typed in a form the page no longer offers (someone else reviewed the
    release meanwhile, or submitted the unit's draft): without its form it would be gone, so
    the page shows it, to copy. A field left blank is not shown."""
    return [
        (name, capfirst(label), post.get(name, ""))
        for name, label in labels.items()
        if post.get(name, "").strip()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def release_correct(request: HttpRequest, release_id: int) -> HttpResponse:
    if not access.reviews_releases(request.user):
        raise Http404
    original = access.release_or_404(request.user, release_id=release_id)
    # A post is left to the service, which says why it refuses (a correction sent twice).
    if request.method != "POST" and (not original.is_published or original.corrections.exists()):
        raise Http404
    errors: dict = {}
    if request.method == "POST":
        entries = entries_from_post(request.POST)
        data = request.POST
        try:
            correction = services.release_correct(
                release_id=original.id,
                acting_user=request.user,
                reason=request.POST.get("reason", ""),
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
                entries=entries,
            )
        except ValidationError as error:
            errors = error.message_dict
        except services.ReleaseError as error:
            messages.error(request, error.message)
            return redirect("release_detail", release_id=original.id)
        else:
            messages.success(request, _("The correction was published."))
            return redirect("release_detail", release_id=correction.id)
    else:
        entries = _entries_of(original)
        data = {"title": _("Correction: %(title)s") % {"title": original.title}}
        data["body"] = original.body
    return form_page(
        request,
        "publicity/release_correct.html",
        {"original": original, "errors": errors, "data": data, "rows": _rows(entries, 1)},
        refused=request.method == "POST",
    )


@login_required
def release_pdf(request: HttpRequest, release_id: int) -> HttpResponse:
    """The PDF kept of a published release: the record of what was published, for staff."""
    release = access.release_or_404(request.user, release_id=release_id)
    if not release.is_published or not release.pdf:
        raise Http404
    return FileResponse(
        release.pdf.open("rb"),
        as_attachment=True,
        filename=f"{release.title[:80]}.pdf",
        content_type="application/pdf",
    )
