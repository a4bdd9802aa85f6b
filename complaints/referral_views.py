"""Screens for referred leads (线索移送). Thin: read through the access module, write
through `referrals`, turn their errors into messages in the user's language."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from departments import access
from departments.notifications import notifications_mark_read_at
from wuqing_consumer import language
from wuqing_consumer.dates import day
from wuqing_consumer.list_filters import ListFilters
from wuqing_consumer.refusals import Refusal
from wuqing_consumer.versions import posted_version
from wuqing_consumer.views import form_page

from . import attachments, referrals, selectors
from .choices import OPEN_REFERRAL_STATUSES, ReferralAction, ReferralStatus
from .disputes import lead_disputes, may_open_lead_dispute
from .filters import record_search
from .forms import MultipleFileField, member_units
from .models import Referral, ReferralAttachment
from .referrals import StaleReferral
from .workflow import WorkflowError

TABS = {
    "received": gettext_lazy("Received"),
    "sent": gettext_lazy("Sent"),
    "all": gettext_lazy("All"),
}
OFFICE_TABS = {
    "all": gettext_lazy("All"),
    "overdue": gettext_lazy("Not acknowledged in time"),
    "rejected": gettext_lazy("Rejected"),
}
EMPTY_TABS = {
    "received": gettext_lazy("No lead was referred to your unit."),
    "sent": gettext_lazy("Your unit has referred no lead."),
    "overdue": gettext_lazy("Every lead was acknowledged in time."),
    "rejected": gettext_lazy("No lead was rejected."),
}
"""What an empty tab says when nothing narrows it: "No referred lead here." under
"Received" read as no lead at all, beside a "Sent" tab counting one."""


class ReferralForm(forms.Form):
    to_unit = forms.ChoiceField(label=gettext_lazy("Refer to"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    facts = forms.CharField(
        label=gettext_lazy("What was found"), widget=forms.Textarea(attrs={"rows": 5})
    )
    legal_basis = forms.CharField(
        label=gettext_lazy("Legal basis suggested"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    urgent = forms.BooleanField(label=gettext_lazy("Urgent"), required=False)
    order = forms.CharField(label=gettext_lazy("Work order"), required=False, max_length=20)
    attachments = MultipleFileField(label=gettext_lazy("Evidence"), required=False)

    def __init__(self, *args, own_unit_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].choices = [("", "—")] + [
            (u.code, str(u)) for u in member_units().exclude(id=own_unit_id)
        ]
        for name, field in self.fields.items():
            if name != "urgent":
                field.widget.attrs.setdefault("class", "form-control")
        self.fields["to_unit"].widget.attrs["class"] = "form-select"
        self.fields["urgent"].widget.attrs["class"] = "form-check-input"


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    office = access.sees_all_units(user)
    tabs = OFFICE_TABS if office else TABS
    tab = request.GET.get("tab") or ("all" if office else "received")
    if tab not in tabs:
        tab = next(iter(tabs))
    now = timezone.now()
    referrals_ = selectors.referrals_in_tab(user, tab, now)
    filters = ListFilters(request.GET)
    status = filters.choice("status", ReferralStatus.values, label=_("Status"))
    if filters.invalid:
        referrals_ = referrals_.none()
    elif status:
        referrals_ = referrals_.filter(status=status)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        referrals_ = referrals_.filter(record_search(query, "YS", "created_at", "title", "facts"))
    page = Paginator(
        referrals_.select_related("by_decision").order_by("-created_at", "-id"), 25
    ).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    sent_on = selectors.leads_sent_on(user, page.object_list)
    waiting = selectors.leads_awaiting_decision(user, page.object_list)
    for referral in page.object_list:
        referral.sent_on = sent_on.get(referral.id, [])
        referral.awaiting = waiting.get(referral.id)
    return render(
        request,
        "complaints/referral_list.html",
        {
            "tabs": tabs,
            "counts": selectors.referral_tab_counts(user, tabs, now),
            "tab": tab,
            "page": page,
            "status": status,
            "filters": filters,
            "statuses": ReferralStatus.choices,
            "q": query,
            "empty": EMPTY_TABS.get(tab) if not (query or status or filters.invalid) else None,
            "now": now,
            "can_refer": access.refers_for_unit(user) and not user.unit.is_office,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.refers_for_unit(user) or user.unit.is_office:
        raise Http404
    form = ReferralForm(
        request.POST or None,
        request.FILES or None,
        own_unit_id=user.unit_id,
        initial={"order": request.GET.get("order", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = referrals.referral_send(
                acting_user=user,
                to_unit_code=data["to_unit"],
                title=data["title"],
                facts=data["facts"],
                legal_basis=data["legal_basis"],
                urgent=data["urgent"],
                order_number=data["order"],
                uploads=data["attachments"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if referral.sent_before:
                _say_sent_before(request, referral)
            else:
                messages.success(
                    request,
                    _("Lead %(number)s was referred to %(unit)s.")
                    % {"number": referral.number, "unit": referral.to_unit},
                )
            return redirect("referral_detail", referral_id=referral.id)
    not_kept = attachments.not_kept_message(request.FILES.getlist("attachments"))
    if form.errors and "attachments" not in form.errors and not_kept:
        form.add_error("attachments", not_kept)
    return form_page(
        request, "complaints/referral_new.html", {"form": form}, refused=request.method == "POST"
    )


def _say_sent_before(request: HttpRequest, referral: Referral) -> None:
    """The lead posted again was the same lead, referred by the sender or a colleague and
    still open: the page it leads to says so, by whom when it was a colleague, whether it
    waits for acknowledgement or was acknowledged and waits for a decision, and names the
    files posted with it, none of which was added to it."""
    facts = {"number": referral.number, "unit": referral.to_unit, "day": day(referral.created_at)}
    by_colleague = referral.created_by_id != request.user.id
    if by_colleague:
        facts["person"] = referral.created_by.display_name
    if referral.status == ReferralStatus.SENT and by_colleague:
        text = _(
            "Lead %(number)s, with the same title and text, had already been referred to "
            "%(unit)s by %(person)s of your unit on %(day)s and is still awaiting "
            "acknowledgement; nothing new was sent."
        )
    elif referral.status == ReferralStatus.SENT:
        text = _(
            "Lead %(number)s, with the same title and text, had already been referred to "
            "%(unit)s on %(day)s and is still awaiting acknowledgement; nothing new was sent."
        )
    elif by_colleague:
        text = _(
            "Lead %(number)s, with the same title and text, had already been referred to "
            "%(unit)s by %(person)s of your unit on %(day)s, which acknowledged it on "
            "%(acknowledged)s and has not yet accepted or rejected it; nothing new was sent."
        )
    else:
        text = _(
            "Lead %(number)s, with the same title and text, had already been referred to "
            "%(unit)s on %(day)s, which acknowledged it on %(acknowledged)s and has not yet "
            "accepted or rejected it; nothing new was sent."
        )
    if referral.status != ReferralStatus.SENT:
        facts["acknowledged"] = day(referral.acknowledged_at)
    messages.info(request, text % facts)
    if referral.files_on_it:
        messages.info(
            request,
            ngettext(
                "%(names)s is already among the evidence of lead %(number)s.",
                "%(names)s are already among the evidence of lead %(number)s.",
                len(referral.files_on_it),
            )
            % {"names": _file_names(referral.files_on_it), "number": referral.number},
        )
    if referral.files_not_added:
        messages.warning(
            request,
            ngettext(
                "%(names)s was not added to lead %(number)s: evidence goes with a lead when "
                "it is referred and cannot be added afterwards. If it is new evidence, send "
                "it to %(unit)s by other means.",
                "%(names)s were not added to lead %(number)s: evidence goes with a lead when "
                "it is referred and cannot be added afterwards. If they are new evidence, "
                "send them to %(unit)s by other means.",
                len(referral.files_not_added),
            )
            % {
                "names": _file_names(referral.files_not_added),
                "number": referral.number,
                "unit": referral.to_unit,
            },
        )


def _file_names(names) -> str:
    return language.list_separator().join(f"“{name}”" for name in names)


@login_required
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = access.referral_or_404(request.user, referral_id=referral_id)
    notifications_mark_read_at(
        user=request.user, url=reverse("referral_detail", kwargs={"referral_id": referral.id})
    )
    receiving = access.receives_referral(request.user, referral)
    visible = access.workorders_visible_to(request.user)
    # A rejection may have been recorded on the order's open dispute rather than opening one;
    # a decision on the order the lead's acceptance registered settled the lead as well.
    disputes = list(
        lead_disputes(referral)
        .select_related("order", "designated_unit", "team__lead_unit")
        .order_by("opened_at", "id")
    )
    # The leader's decision on this lead's dispute (or on its order's, which recorded the
    # lead's rejection) moved the case with its work order: to which unit (the one
    # designated, or the joint team's lead unit), with which order (a link where the
    # reader may open it).
    settled = []
    for d in disputes:
        team = getattr(d, "team", None)
        unit = d.designated_unit or (team.lead_unit if team is not None else None)
        if d.order_id is not None and unit is not None:
            settled.append((d, unit, visible.filter(pk=d.order_id).exists()))
    visible_leads = access.referrals_visible_to(request.user)
    # Where the leader's decision sent this lead on, and, for a lead sent on so, the lead
    # it continues with its evidence: a number always, a link where the reader may open it.
    sent_on = selectors.leads_sent_on(request.user, [referral]).get(referral.id, [])
    follows = referral.by_decision.referral if referral.by_decision_id else None
    events = list(
        referral.events.select_related("actor", "actor_unit").prefetch_related("actor__roles")
    )
    # Who sent it, for the unit they acted for then (the history's line, not the person's
    # unit today); a lead sent on by decision says it was the leader's decision instead.
    sending = next((e for e in events if e.action == ReferralAction.SEND), None)
    sender = sending.actor if sending and sending.actor else referral.created_by
    sender_unit = sending.actor_unit if sending and sending.actor else getattr(sender, "unit", None)
    typed = _typed_back(request, referral) or {}
    return render(
        request,
        "complaints/referral_detail.html",
        {
            "referral": referral,
            "typed": typed,
            "refusals": _refusals(typed),
            "sent_on": sent_on,
            "settled": settled,
            "follows": follows,
            "follows_visible": follows is not None and visible_leads.filter(pk=follows.pk).exists(),
            "follows_attachments": follows.attachments.all() if follows is not None else [],
            # The order the lead came from is the referring unit's: the receiver sees its
            # number, not a link to a page it may not open.
            "order_visible": referral.order_id is not None
            and visible.filter(pk=referral.order_id).exists(),
            # Who handles it now: a return or the leader's decision may have moved it from
            # the unit that referred the lead.
            "order_handler": referral.order.primary_unit if referral.order_id else None,
            "case_order": visible.filter(number=referral.case_reference).first()
            if referral.case_reference
            else None,
            "events": events,
            "sender": sender,
            "sender_elsewhere": sender_unit is not None and sender_unit.id != referral.from_unit_id,
            "sender_unit": sender_unit,
            "attachments": referral.attachments.all(),
            "can_acknowledge": receiving and referral.status == ReferralStatus.SENT,
            "can_decide": receiving and referral.status in OPEN_REFERRAL_STATUSES,
            "awaiting": referrals.awaiting_decision(referral)
            if receiving and referral.status in OPEN_REFERRAL_STATUSES
            else None,
            "binding": referrals.binding_decision(referral)
            if receiving and referral.status in OPEN_REFERRAL_STATUSES
            else None,
            "can_dispute": may_open_lead_dispute(request.user, referral),
            "units": member_units(),
            "disputes": disputes,
            "ack_overdue": referral.status == ReferralStatus.SENT
            and referral.ack_due_at < timezone.now(),
        },
    )


@login_required
@require_POST
def referral_act(request: HttpRequest, referral_id: int, action: str) -> HttpResponse:
    referral = access.referral_or_404(request.user, referral_id=referral_id)
    version = posted_version(request.POST)
    calls = {
        "acknowledge": lambda: referrals.referral_acknowledge(
            referral_id=referral.id, acting_user=request.user, expected_version=version
        ),
        "accept": lambda: referrals.referral_accept(
            referral_id=referral.id,
            acting_user=request.user,
            case_reference=request.POST.get("case_reference", ""),
            note=request.POST.get("note", ""),
            open_order=request.POST.get("open_order") == "on",
            expected_version=version,
        ),
        "reject": lambda: referrals.referral_reject(
            referral_id=referral.id,
            acting_user=request.user,
            reasons=request.POST.get("reasons", ""),
            suggested_unit_code=request.POST.get("suggested_unit", ""),
            expected_version=version,
        ),
    }
    if action not in calls:
        raise Http404
    try:
        done = calls[action]()
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        _keep_typed(request, referral, action, error)
    except WorkflowError as error:
        messages.error(request, _refusal_said(action, referral, error))
        _keep_typed(request, referral, action, error)
    else:
        messages.success(
            request,
            _("Lead %(number)s: %(status)s.")
            % {"number": done.number, "status": done.get_status_display()},
        )
    return redirect("referral_detail", referral_id=referral.id)


# What the unit writes to accept or reject a lead, in the form's order, kept in the session
# when the action is refused and put back in its form, with the reason beside its field,
# when the page is shown (as an order's actions are: complaints.views.TYPED_FIELDS).
TYPED_FIELDS: dict[str, tuple[str, ...]] = {
    "accept": ("case_reference", "note"),
    "reject": ("reasons", "suggested_unit"),
}
TYPED_KEY = "referral_typed"


def _refusal_said(action: str, referral: Referral, error: WorkflowError) -> str:
    """The refusal as the page that follows reads it: a lead changed meanwhile says whether
    the form keeps what was typed. The service checks first whether the action is possible
    on the lead as it is now, so a stale accept or reject still finds its form on the page,
    with what was typed (`_keep_typed`); an acknowledgement has nothing typed."""
    if not isinstance(error, StaleReferral):
        return str(error.message)
    if action in TYPED_FIELDS:
        text = _(
            "Someone else changed lead %(number)s while you had it open, so nothing was "
            "saved. The page shows the lead as it is now; the form keeps what you typed: "
            "check it and send it again."
        )
    else:
        text = _(
            "Someone else changed lead %(number)s while you had it open, so nothing was "
            "saved. The page shows the lead as it is now."
        )
    return text % {"number": referral.number}


def _keep_typed(request: HttpRequest, referral: Referral, action: str, error: Exception) -> None:
    """The refused form's fields and, when what was typed is at fault, the reasons by field
    to be read beside them as well as at the top. A refusal about the lead as a whole
    (changed meanwhile, no longer possible) is read once, at the top of the page, the form
    below it open with what was typed."""
    if action not in TYPED_FIELDS:
        return
    if isinstance(error, ValidationError):
        reasons = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    else:
        reasons = {}
    request.session[TYPED_KEY] = {
        "referral": referral.id,
        "action": action,
        **{name: request.POST.get(name, "") for name in TYPED_FIELDS[action]},
        "open_order": request.POST.get("open_order") == "on",
        "refused": {field: [str(text) for text in texts] for field, texts in reasons.items()},
    }


def _typed_back(request: HttpRequest, referral: Referral) -> dict | None:
    """What was typed in this lead's refused form, once: the page that follows the refusal
    shows it, a later visit shows the forms as usual."""
    typed = request.session.get(TYPED_KEY)
    if not isinstance(typed, dict) or typed.get("referral") != referral.id:
        return None
    del request.session[TYPED_KEY]
    return typed


def _refusals(typed: dict) -> dict[str, Refusal]:
    if not typed or not typed.get("refused"):
        return {}
    action = typed["action"]
    return {action: Refusal.of(typed["refused"], TYPED_FIELDS[action])}


@login_required
def referral_attachment(request: HttpRequest, referral_id: int, attachment_id: int) -> HttpResponse:
    referral = access.referral_or_404(request.user, referral_id=referral_id)
    attachment = access.get_or_404(
        ReferralAttachment.objects.filter(referral=referral), id=attachment_id
    )
    return attachments.download(attachment)
