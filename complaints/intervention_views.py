"""Screens for early intervention (提前介入): ask, answer, write on the shared timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from departments import access
from wuqing_consumer import form_once
from wuqing_consumer.errors import refusal_text
from wuqing_consumer.list_filters import ListFilters
from wuqing_consumer.refusals import Refusal
from wuqing_consumer.views import form_page, form_values

from . import interventions, selectors
from .choices import InterventionAnswer
from .filters import record_search
from .forms import member_units
from .models import Intervention
from .workflow import WorkflowError


@login_required
def intervention_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    items = access.interventions_visible_to(user).prefetch_related("asked__unit")
    answers_for_unit = access.refers_for_unit(user) and not user.unit.is_office
    filters = ListFilters(request.GET)
    state = filters.choice(
        "state",
        [*(["to_answer"] if answers_for_unit else []), "open", "closed"],
        label=_("Status"),
    )
    if filters.invalid:
        items = items.none()
    elif state == "to_answer":
        items = selectors.interventions_to_answer(request.user).prefetch_related("asked__unit")
    elif state == "open":
        items = items.filter(closed_at=None)
    elif state == "closed":
        items = items.filter(closed_at__isnull=False)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        items = items.filter(record_search(query, "JR", "created_at", "title", "situation"))
    page = Paginator(items.order_by("-created_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/intervention_list.html",
        {
            "page": page,
            "state": state,
            "filters": filters,
            "q": query,
            "now": timezone.now(),
            "can_ask": answers_for_unit,
            "answers_for_unit": answers_for_unit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def intervention_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.refers_for_unit(user) or user.unit.is_office:
        raise Http404
    errors: dict = {}
    if request.method == "POST":
        try:
            item = interventions.intervention_request(
                acting_user=user,
                unit_codes=request.POST.getlist("units"),
                title=request.POST.get("title", ""),
                situation=request.POST.get("situation", ""),
                order_number=request.POST.get("order", ""),
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("%(number)s was sent.") % {"number": item.number})
            return redirect("intervention_detail", intervention_id=item.id)
    return form_page(
        request,
        "complaints/intervention_new.html",
        {
            "units": member_units().exclude(id=user.unit_id),
            "errors": errors,
            "data": request.POST
            if request.method == "POST"
            else {"order": request.GET.get("order", "")},
            "chosen": request.POST.getlist("units"),
        },
        refused=request.method == "POST",
    )


@login_required
def intervention_detail(request: HttpRequest, intervention_id: int) -> HttpResponse:
    item = access.intervention_or_404(request.user, intervention_id=intervention_id)
    return _detail_page(request, item)


FORM_FIELDS = {"join": (), "decline": ("reason",), "note": ("text",), "close": ()}
"""The fields of each form on the request's page, in the page's order. A form of a button
alone (joining, closing) is read with its button: a refusal is said there."""


def _detail_page(
    request: HttpRequest,
    item: Intervention,
    *,
    sent_for: str = "",
    sent: QueryDict | None = None,
    error: Exception | None = None,
) -> HttpResponse:
    """The request's page; with `error`, the step `sent_for` was refused (400). Its reason
    is said once: under the form's field, with what was typed, when the page still offers
    that form; as the page's message when it does not (the request closed meanwhile, the
    unit's answer given, a step this person does not take)."""
    user = request.user
    mine = item.asked.filter(unit_id=getattr(user, "unit_id", None)).first()
    can_answer = (
        item.closed_at is None
        and mine is not None
        and mine.answer == InterventionAnswer.ASKED
        and access.has_role(user, *access.UNIT_HANDLER_ROLES)
    )
    can_write = item.closed_at is None and interventions._involved(user, item)
    can_close = item.closed_at is None and interventions.closes(user, item)
    offered = {"join": can_answer, "decline": can_answer, "note": can_write, "close": can_close}
    forms = {action: form_values(fields, None) for action, fields in FORM_FIELDS.items()}
    if error is not None:
        if offered.get(sent_for):
            fields = FORM_FIELDS[sent_for] or ("button",)
            forms[sent_for] = {
                **form_values(FORM_FIELDS[sent_for], sent),
                "refusal": Refusal.of_exception(error, fields),
            }
        else:
            for text in _reasons(error):
                messages.error(request, text)
    return render(
        request,
        "complaints/intervention_detail.html",
        {
            "item": item,
            "asked": item.asked.select_related("unit", "answered_by"),
            # The order is the requesting unit's: a unit asked to step in reads its number,
            # not a link to a page it may not open.
            "order_visible": item.order_id is not None
            and access.workorders_visible_to(user).filter(pk=item.order_id).exists(),
            "events": item.events.select_related("actor", "actor_unit").prefetch_related(
                "actor__roles"
            ),
            "can_answer": can_answer,
            "can_write": can_write,
            "can_close": can_close,
            "late": item.answer_due_at < timezone.now(),
            "join_form": forms["join"],
            "decline_form": forms["decline"],
            "note_form": forms["note"],
            "close_form": forms["close"],
        },
        status=400 if error is not None else 200,
    )


def _reasons(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [refusal_text(error)]


@login_required
@require_POST
def intervention_act(request: HttpRequest, intervention_id: int, action: str) -> HttpResponse:
    item = access.intervention_or_404(request.user, intervention_id=intervention_id)
    post = request.POST
    calls = {
        "join": lambda: interventions.intervention_answer(
            intervention_id=item.id,
            acting_user=request.user,
            join=True,
            reason=post.get("reason", ""),
        ),
        "decline": lambda: interventions.intervention_answer(
            intervention_id=item.id,
            acting_user=request.user,
            join=False,
            reason=post.get("reason", ""),
        ),
        "note": lambda: form_once.submit(
            request,
            lambda: interventions.intervention_note(
                intervention_id=item.id, acting_user=request.user, text=post.get("text", "")
            ),
            lambda note: reverse("intervention_detail", args=[item.id]),
        ),
        "close": lambda: interventions.intervention_close(
            intervention_id=item.id, acting_user=request.user, note=post.get("note", "")
        ),
    }
    if action not in calls:
        raise Http404
    try:
        calls[action]()
    except form_once.AlreadySent as sent:
        return sent.response(request)
    except (ValidationError, WorkflowError) as error:
        # The page as it now is (another unit may have closed it meanwhile), refused.
        item = access.intervention_or_404(request.user, intervention_id=item.id)
        return _detail_page(request, item, sent_for=action, sent=post, error=error)
    messages.success(request, _done(action, item))
    return redirect("intervention_detail", intervention_id=item.id)


def _done(action: str, item: Intervention) -> str:
    """What the step just taken did, for the message after it: an answering unit reads that
    the unit that asked was told, not that the request "was updated"."""
    values = {"number": item.number, "unit": item.requesting_unit}
    return {
        "join": _("Early intervention %(number)s: your unit will step in; %(unit)s was told."),
        "decline": _("Early intervention %(number)s: your unit declined; %(unit)s was told why."),
        "note": _("Early intervention %(number)s: your note was added to the timeline."),
        "close": _("Early intervention %(number)s was closed."),
    }[action] % values
