"""Screens for joint enforcement campaigns (measure 四（三）). Thin: read through the access
module and `campaigns`, write through its services, and turn their errors into form errors
or messages in the user's language."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from departments import access
from departments.notifications import notifications_mark_read_at
from wuqing_consumer import form_once
from wuqing_consumer.address_values import NotOffered, choice_in
from wuqing_consumer.versions import posted_version
from wuqing_consumer.views import form_page

from . import campaigns, rendering
from .campaign_forms import ActionForm, CampaignFilter, CampaignForm, CancelForm, CloseForm
from .choices import FINISHED_CAMPAIGN_STATUSES, CampaignEventKind, CampaignStatus
from .models import Campaign

PAGE_SIZE = 25
ORDERS_PAGE_SIZE = 20


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's errors on the form's fields, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _visible(request: HttpRequest):
    campaigns_qs = access.campaigns_visible_to(request.user)
    if not access.sees_all_units(request.user) and getattr(request.user, "unit_id", None) is None:
        raise Http404
    return campaigns_qs


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Every campaign of the district, newest first, by status and topic. A status or topic
    in the address the list does not offer is refused (400): the list shows none, marks the
    filter and names the values offered, rather than every campaign as if they answered
    it, as the order list and the portal's other lists do."""
    queryset = _visible(request)
    today = timezone.localdate()
    chosen: dict[str, str] = {}
    refused: list[NotOffered] = []
    for name, field in CampaignFilter.base_fields.items():
        offered = [(code, label) for code, label in field.choices if code]
        try:
            chosen[name] = choice_in(request.GET, name, offered)
        except NotOffered as error:
            chosen[name] = ""
            refused.append(error)
    filters = CampaignFilter(initial=chosen)
    for error in refused:
        field = filters.fields[error.name]
        field.widget.attrs = {
            **field.widget.attrs,
            "class": f"{field.widget.attrs.get('class', '')} is-invalid".strip(),
            "aria-invalid": "true",
            "aria-describedby": "filters-invalid",
        }
    status, topic = chosen["status"], chosen["topic"]
    if refused:
        queryset = queryset.none()
    queryset = campaigns.campaigns_with_status(queryset, status, today)
    if topic:
        queryset = queryset.filter(topic=topic)
    page = Paginator(queryset.order_by("-starts_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for campaign in page:
        campaign.status_now = campaign.status_on(today)
        campaign.status_label = CampaignStatus(campaign.status_now).label
    query = "&".join(f"{k}={v}" for k, v in (("status", status), ("topic", topic)) if v)
    unit_id = getattr(request.user, "unit_id", None)
    mine = (
        set(
            Campaign.units.through.objects.filter(
                unit_id=unit_id, campaign_id__in=[c.id for c in page]
            ).values_list("campaign_id", flat=True)
        )
        if unit_id
        else set()
    )
    return render(
        request,
        "reports/campaigns.html",
        {
            "page": page,
            "filters": filters,
            "refusal": {
                "invalid": bool(refused),
                "problems": [
                    {"name": e.name, "label": filters.fields[e.name].label, "message": e.message}
                    for e in refused
                ],
            },
            "query": query,
            "mine": mine,
            "can_start": access.manages_campaigns(request.user),
        },
        status=400 if refused else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    if not access.manages_campaigns(request.user):
        raise Http404
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = form_once.submit(
                request,
                lambda: campaigns.campaign_start(acting_user=request.user, **form.service_kwargs()),
                lambda campaign: reverse("campaign_detail", args=[campaign.id]),
            )
        except form_once.AlreadySent as sent:
            return sent.response(request)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if campaign.starts_on > timezone.localdate():
                messages.success(
                    request,
                    _("The campaign was set up; it starts on %(day)s.")
                    % {"day": campaign.starts_on.isoformat()},
                )
            else:
                messages.success(request, _("The campaign was started."))
            return redirect("campaign_detail", campaign_id=campaign.id)
    return form_page(
        request,
        "reports/campaign_form.html",
        {"form": form, "campaign": None},
        refused=request.method == "POST",
    )


def _closed(request: HttpRequest, campaign, message: str) -> HttpResponse:
    """A closed campaign's form (a bookmark, a tab left open), or one not started yet that
    could only fail: its page, saying so, rather than a 404 that reads as "no such
    campaign" or a form that could only fail."""
    messages.warning(request, message)
    return redirect("campaign_detail", campaign_id=campaign.id)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access.campaign_or_404(request.user, campaign_id=campaign_id)
    if not access.manages_campaigns(request.user):
        raise Http404
    if campaign.status in FINISHED_CAMPAIGN_STATUSES:
        return _closed(request, campaign, campaigns.finished_message(campaign, "change"))
    form = CampaignForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.campaign_update(
                campaign_id=campaign.id,
                acting_user=request.user,
                expected_version=posted_version(request.POST),
                **form.service_kwargs(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        except campaigns.CampaignError as error:
            # Changed meanwhile: what was typed comes back, with the current version.
            form.add_error(None, error.message)
            campaign = access.campaign_or_404(request.user, campaign_id=campaign.id)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("campaign_detail", campaign_id=campaign.id)
    return form_page(
        request,
        "reports/campaign_form.html",
        {"form": form, "campaign": campaign},
        refused=request.method == "POST",
    )


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Goal, units, targets, the sums per unit and in total, the actions the user may see,
    the linked work orders the user may see, and the history."""
    campaign = access.campaign_or_404(request.user, campaign_id=campaign_id)
    notifications_mark_read_at(
        user=request.user, url=reverse("campaign_detail", kwargs={"campaign_id": campaign.id})
    )
    today = timezone.localdate()
    orders = campaigns.linked_orders(campaign, request.user)
    orders_page = Paginator(orders, ORDERS_PAGE_SIZE).get_page(request.GET.get("page"))
    actions = access.campaign_actions_visible_to(request.user).filter(campaign=campaign)
    status_now = campaign.status_on(today)
    return render(
        request,
        "reports/campaign_detail.html",
        {
            "campaign": campaign,
            "status_now": status_now,
            "status_label": CampaignStatus(status_now).label,
            "units": list(campaign.units.all().order_by("sort_order", "code")),
            "sums": campaigns.campaign_sums(campaign),
            "actions": actions[:200],
            # A unit sees its own actions listed, and every unit's in the sums.
            "own_actions": not access.sees_all_units(request.user),
            "orders_page": orders_page,
            "events": campaigns.with_changes(_history_for(request.user, campaign)),
            "can_manage": access.manages_campaigns(request.user)
            and campaign.status not in FINISHED_CAMPAIGN_STATUSES,
            # Closing is for a campaign under way (`campaigns.campaign_close`), cancelling
            # for one not started (`campaigns.campaign_cancel`).
            "can_close": campaign.starts_on <= today,
            "can_cancel": campaign.starts_on > today,
            "can_log": campaign.status not in FINISHED_CAMPAIGN_STATUSES
            and campaign.starts_on <= today
            and access.logs_campaign_action(request.user, campaign),
        },
    )


def _history_for(user, campaign):
    """The office sees every line; a unit sees the campaign's own steps and its own logged
    actions, not who in another unit logged what (their actions are theirs)."""
    events = campaign.events.select_related("actor")
    if access.sees_all_units(user):
        return events
    code = getattr(getattr(user, "unit", None), "code", None)
    return events.exclude(Q(kind=CampaignEventKind.ACTION) & ~Q(data__unit=code))


@login_required
@require_http_methods(["GET", "POST"])
def campaign_log(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access.campaign_or_404(request.user, campaign_id=campaign_id)
    if not access.logs_campaign_action(request.user, campaign):
        raise Http404
    if campaign.status in FINISHED_CAMPAIGN_STATUSES:
        return _closed(request, campaign, campaigns.finished_message(campaign, "log"))
    if request.method == "GET" and campaign.starts_on > timezone.localdate():
        return _closed(
            request,
            campaign,
            _("This campaign starts on %(day)s; actions can be logged from then.")
            % {"day": campaign.starts_on.isoformat()},
        )
    form = ActionForm(
        request.POST or None, campaign=campaign, initial={"day": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            form_once.submit(
                request,
                lambda: campaigns.action_log(
                    campaign_id=campaign.id,
                    acting_user=request.user,
                    day=form.cleaned_data["day"],
                    counts=form.counts(),
                    note=form.cleaned_data["note"],
                ),
                lambda action: reverse("campaign_detail", args=[campaign.id]),
            )
        except form_once.AlreadySent as sent:
            return sent.response(request)
        except ValidationError as error:
            _add_errors(form, error)
        except campaigns.CampaignError as error:
            messages.error(request, error.message)
            return redirect("campaign_detail", campaign_id=campaign.id)
        else:
            messages.success(request, _("The action was logged."))
            return redirect("campaign_detail", campaign_id=campaign.id)
    return form_page(
        request,
        "reports/campaign_log.html",
        {"form": form, "campaign": campaign},
        refused=request.method == "POST",
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_close(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access.campaign_or_404(request.user, campaign_id=campaign_id)
    if not access.manages_campaigns(request.user):
        raise Http404
    if campaign.status in FINISHED_CAMPAIGN_STATUSES:
        return _closed(request, campaign, campaigns.finished_message(campaign, "close"))
    if request.method == "GET" and campaign.starts_on > timezone.localdate():
        # A form posted meanwhile keeps its summary and says so, from the service.
        return _closed(request, campaign, _("A campaign that has not started cannot be closed."))
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.campaign_close(
                campaign_id=campaign.id,
                acting_user=request.user,
                summary=form.cleaned_data["summary"],
                expected_version=posted_version(request.POST),
            )
        except ValidationError as error:
            _add_errors(form, error)
        except campaigns.CampaignError as error:
            # Changed meanwhile, or not started yet: the summary typed comes back.
            form.add_error(None, error.message)
            campaign = access.campaign_or_404(request.user, campaign_id=campaign.id)
        else:
            messages.success(request, _("The campaign was closed."))
            return redirect("campaign_detail", campaign_id=campaign.id)
    return form_page(
        request,
        "reports/campaign_close.html",
        {"form": form, "campaign": campaign, "sums": campaigns.campaign_sums(campaign)},
        refused=request.method == "POST",
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_cancel(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The office cancels a campaign not started yet: this page asks first, with the
    reason, as the close page does for one under way."""
    campaign = access.campaign_or_404(request.user, campaign_id=campaign_id)
    if not access.manages_campaigns(request.user):
        raise Http404
    if campaign.status in FINISHED_CAMPAIGN_STATUSES:
        return _closed(request, campaign, campaigns.finished_message(campaign, "cancel"))
    if request.method == "GET" and campaign.starts_on <= timezone.localdate():
        return _closed(
            request,
            campaign,
            _("This campaign has started: it can be closed with its summary, not cancelled."),
        )
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.campaign_cancel(
                campaign_id=campaign.id,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=posted_version(request.POST),
            )
        except ValidationError as error:
            _add_errors(form, error)
        except campaigns.CampaignError as error:
            form.add_error(None, error.message)
            campaign = access.campaign_or_404(request.user, campaign_id=campaign.id)
        else:
            messages.success(request, _("The campaign was cancelled."))
            return redirect("campaign_detail", campaign_id=campaign.id)
    return form_page(
        request,
        "reports/campaign_cancel.html",
        {"form": form, "campaign": campaign},
        refused=request.method == "POST",
    )


@login_required
def campaign_pdf(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign's summary as a PDF, built on request (it is a few pages)."""
    campaign = access.campaign_or_404(request.user, campaign_id=campaign_id)
    pdf = rendering.build_campaign_pdf(
        campaign,
        sums=campaigns.campaign_sums(campaign),
        linked_orders=campaigns.linked_orders(campaign, request.user).count(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.id}.pdf"'
    return response
