"""Screens for the mediation–litigation link: record an agreement, send it for judicial
confirmation, the court's queue with its clocks, and marking a dispute passed to litigation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from departments import access
from wuqing_consumer.errors import refusal_text
from wuqing_consumer.list_filters import ListFilters
from wuqing_consumer.refusals import Refusal
from wuqing_consumer.versions import posted_version
from wuqing_consumer.views import form_page, form_values

from . import attachments, mediation
from .choices import MediationBody, MediationConsent, MediationStatus
from .filters import mediation_search
from .models import MediationAgreement
from .workflow import WorkflowError


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@login_required
def mediation_list(request: HttpRequest) -> HttpResponse:
    items = access.mediations_visible_to(request.user)
    court = access.is_court_staff(request.user)
    # The court's two tabs; an unknown one is the first, as the order list's tabs are.
    queue = "0" if court and request.GET.get("queue") == "0" else "1"
    if court and queue == "1":
        items = items.filter(status__in=[MediationStatus.SUBMITTED, MediationStatus.TAKEN])
    filters = ListFilters(request.GET)
    status = filters.choice("status", MediationStatus.values, label=_("Status"))
    if filters.invalid:
        items = items.none()
    elif status:
        items = items.filter(status=status)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        items = items.filter(mediation_search(query))
    page = Paginator(items.order_by("-created_at", "-id"), 25).get_page(request.GET.get("page"))
    # Each order is linked for whoever may open it (the office, the leader, the units on
    # it), as on the agreement's page; the court, which sees the agreements only, reads the
    # number alone. One query for the page.
    openable = set(
        access.workorders_visible_to(request.user)
        .filter(id__in={agreement.order_id for agreement in page})
        .values_list("id", flat=True)
    )
    return render(
        request,
        "complaints/mediation_list.html",
        {
            "page": page,
            "openable": openable,
            "court": court,
            "queue": queue,
            "status": status,
            "q": query,
            "filters": filters,
            "statuses": MediationStatus.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("parties")  # names the citizen: starred out of error reports
def mediation_new(request: HttpRequest) -> HttpResponse:
    """The form to record an agreement, for those who may record one (404 to anyone else,
    as to a form of a unit they are not in); opened for an order (`?order=`), for those who
    may record that order's."""
    if not access.records_mediation(request.user):
        raise Http404
    number = request.GET.get("order", "").strip()
    if request.method == "GET" and number:
        order = access.workorder_or_404(request.user, number=number.upper())
        if not access.records_mediation(request.user, order):
            raise Http404
    errors: dict = {}
    post = request.POST
    if request.method == "POST":
        try:
            agreement = mediation.agreement_record(
                order_number=post.get("order", ""),
                acting_user=request.user,
                body=post.get("body", ""),
                parties=post.get("parties", ""),
                terms=post.get("terms", ""),
                effective_on=_day(post.get("effective_on", "")),
                mediator=post.get("mediator", ""),
                amount=post.get("amount", ""),
                consent=post.get("consent", ""),
                scan=request.FILES.get("scan"),
            )
        except ValidationError as error:
            errors = error.message_dict
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(number)s was recorded.") % {"number": agreement.number})
            return redirect("mediation_detail", agreement_id=agreement.id)
        if "attachments" not in errors and (
            not_kept := attachments.not_kept_message(request.FILES.getlist("scan"))
        ):
            errors["attachments"] = [not_kept]
    return form_page(
        request,
        "complaints/mediation_new.html",
        {
            "errors": errors,
            "data": post if request.method == "POST" else {"order": number},
            "bodies": MediationBody.choices,
            "consents": MediationConsent.choices,
        },
        refused=request.method == "POST",
    )


@login_required
def mediation_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access.mediation_or_404(request.user, agreement_id=agreement_id)
    return _detail_page(request, agreement)


FORM_FIELDS = {
    "submit": ("consent",),
    "take": ("case_number",),
    "not-take": ("reasons",),
    "confirm": ("reasons",),
    "refuse": ("reasons",),
    "extend": ("reasons",),
}
"""The field of each form on the agreement's page. A reason about none (the agreement
changed meanwhile) is said at it too, without marking it."""


def _detail_page(
    request: HttpRequest,
    agreement: MediationAgreement,
    *,
    sent_for: str = "",
    sent: QueryDict | None = None,
    error: Exception | None = None,
) -> HttpResponse:
    """The agreement's page; with `error`, the step `sent_for` was refused (400). Its reason
    is said once: under the form's field, with what was typed or chosen, when the page still
    offers that form; as the page's message when it does not (the application taken or
    ruled on meanwhile, the time to rule extended already, the time to apply over, a step
    this person does not take)."""
    user = request.user
    court = access.is_court_staff(user)
    today = timezone.localdate()
    own_recorded = (
        agreement.status == MediationStatus.RECORDED
        and user.unit_id == agreement.unit_id
        and access.has_role(user, *access.UNIT_HANDLER_ROLES)
    )
    # After the last day to apply the form is not offered (the service refuses it anyway):
    # the clocks say the day it ended, and that is the one place the page says it. A send
    # refused for it (a page opened before) says it as the page's message, with the days the
    # policy gave, so the clocks then say no more than that none runs.
    apply_ended = own_recorded and today > agreement.apply_by
    apply_end_refused = apply_ended and error is not None and sent_for == "submit"
    can_submit = own_recorded and not apply_ended
    court_waiting = court and agreement.status == MediationStatus.SUBMITTED
    court_ruling = court and agreement.status == MediationStatus.TAKEN
    offered = {
        "submit": can_submit,
        "take": court_waiting,
        "not-take": court_waiting,
        "confirm": court_ruling,
        "refuse": court_ruling,
        "extend": court_ruling and not agreement.extended,
    }
    forms = {action: form_values(fields, None) for action, fields in FORM_FIELDS.items()}
    forms["submit"]["consent"] = agreement.consent
    if error is not None:
        if offered.get(sent_for):
            forms[sent_for] = {
                **form_values(FORM_FIELDS[sent_for], sent),
                "refusal": Refusal.of_exception(error, FORM_FIELDS[sent_for]),
            }
        else:
            for text in _reasons(error):
                messages.error(request, text)
    # The extension's question names the day the court would then rule by.
    extension_days = mediation.court_extension_days() if court_ruling else 0
    return render(
        request,
        "complaints/mediation_detail.html",
        {
            "a": agreement,
            # Linked for whoever may open the order (the office and the leader see every
            # order), not for the court, which sees the agreement only.
            "order_openable": access.workorders_visible_to(user)
            .filter(id=agreement.order_id)
            .exists(),
            "events": agreement.events.select_related("actor", "actor_unit").prefetch_related(
                "actor__roles"
            ),
            "consents": MediationConsent.choices,
            "can_submit": can_submit,
            "apply_end_refused": apply_end_refused,
            "court_waiting": court_waiting,
            "court_ruling": court_ruling,
            "extension_days": extension_days,
            "extended_to": agreement.rule_by + timedelta(days=extension_days)
            if court_ruling and agreement.rule_by
            else None,
            "days_to_apply": (agreement.apply_by - today).days,
            "days_to_take": (agreement.take_by - today).days if agreement.take_by else None,
            "days_to_rule": (agreement.rule_by - today).days if agreement.rule_by else None,
            "submit_form": forms["submit"],
            "take_form": forms["take"],
            "not_take_form": forms["not-take"],
            "confirm_form": forms["confirm"],
            "refuse_form": forms["refuse"],
            "extend_form": forms["extend"],
        },
        status=400 if error is not None else 200,
    )


def _reasons(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [refusal_text(error)]


@dataclass(frozen=True)
class _ScanFile:
    """The agreement's scan in the shape `attachments.download` serves."""

    file: FieldFile
    original_name: str
    content_type: str


@login_required
def mediation_scan(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """The scanned agreement, for whoever may see the agreement (the court reads the signed
    original before it confirms)."""
    agreement = access.mediation_or_404(request.user, agreement_id=agreement_id)
    if not agreement.scan:
        raise Http404
    suffix = PurePath(agreement.scan.name).suffix.lower().lstrip(".")
    name = _("Mediation agreement %(number)s") % {"number": agreement.number}
    return attachments.download(
        _ScanFile(
            agreement.scan,
            f"{name}.{suffix}",
            attachments.CONTENT_TYPES.get(suffix, "application/octet-stream"),
        )
    )


@login_required
@require_POST
def mediation_act(request: HttpRequest, agreement_id: int, action: str) -> HttpResponse:
    agreement = access.mediation_or_404(request.user, agreement_id=agreement_id)
    post, user = request.POST, request.user
    version = posted_version(post)
    calls = {
        "submit": lambda: mediation.agreement_submit(
            agreement_id=agreement.id,
            acting_user=user,
            consent=post.get("consent", ""),
            expected_version=version,
        ),
        "take": lambda: mediation.court_take(
            agreement_id=agreement.id,
            acting_user=user,
            case_number=post.get("case_number", ""),
            expected_version=version,
        ),
        "not-take": lambda: mediation.court_not_take(
            agreement_id=agreement.id,
            acting_user=user,
            reasons=post.get("reasons", ""),
            expected_version=version,
        ),
        "extend": lambda: mediation.court_extend(
            agreement_id=agreement.id,
            acting_user=user,
            reasons=post.get("reasons", ""),
            expected_version=version,
        ),
        "confirm": lambda: mediation.court_rule(
            agreement_id=agreement.id,
            acting_user=user,
            confirm=True,
            reasons=post.get("reasons", ""),
            expected_version=version,
        ),
        "refuse": lambda: mediation.court_rule(
            agreement_id=agreement.id,
            acting_user=user,
            confirm=False,
            reasons=post.get("reasons", ""),
            expected_version=version,
        ),
    }
    if action not in calls:
        raise Http404
    try:
        result = calls[action]()
    except (ValidationError, WorkflowError) as error:
        # The page as it now is (the court may have ruled meanwhile), refused.
        agreement = access.mediation_or_404(user, agreement_id=agreement.id)
        return _detail_page(request, agreement, sent_for=action, sent=post, error=error)
    messages.success(request, _done(action, result))
    return redirect("mediation_detail", agreement_id=agreement.id)


def _done(action: str, agreement: MediationAgreement) -> str:
    """What the step just taken did, for the message after it: the unit reads that its
    application went to the court, the court what it decided, not that it "was updated"."""
    number = agreement.number
    if action == "take":
        return _(
            "Mediation agreement %(number)s: the court took the application, case %(case)s."
        ) % {"number": number, "case": agreement.case_number}
    if action == "extend":
        return _("Mediation agreement %(number)s: the time to rule was extended to %(date)s.") % {
            "number": number,
            "date": date_format(agreement.rule_by),
        }
    done = {
        "submit": _("Mediation agreement %(number)s: sent to the court for judicial confirmation."),
        "not-take": _(
            "Mediation agreement %(number)s: the court declined to take the application."
        ),
        "confirm": _("Mediation agreement %(number)s: the court confirmed it."),
        "refuse": _("Mediation agreement %(number)s: the court refused to confirm it."),
    }
    return done[action] % {"number": number}


@login_required
@require_POST
def litigation_mark(request: HttpRequest, number: str) -> HttpResponse:
    try:
        mediation.litigation_mark(
            order_number=number,
            acting_user=request.user,
            court_case=request.POST.get("court_case", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The order was marked as passed to litigation."))
    return redirect("order_detail", number=number)
