"""Staff screens for work orders. Thin: read through selectors, write through services and
workflow, and turn their errors into messages in the user's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from departments import access
from departments.models import User
from departments.notifications import notifications_mark_read_at
from wuqing_consumer import form_once
from wuqing_consumer.dates import minute
from wuqing_consumer.language import bracketed, list_separator
from wuqing_consumer.refusals import Refusal
from wuqing_consumer.templatetags.written import in_own_lang
from wuqing_consumer.texts import sentences
from wuqing_consumer.versions import posted_version
from wuqing_consumer.views import posted_int

from . import attachments, disputes, mediation, referrals, selectors, services, workflow
from .choices import (
    OPEN_DISPUTE_STATUSES,
    Action,
    DuplicateStatus,
    Satisfaction,
    Status,
    Urgency,
)
from .filters import filtered_orders
from .forms import AttachForm, IntakeForm, bootstrap, member_units
from .models import Attachment, DeadlinePolicy, Referral, RoutingRule, WorkOrder
from .routing import CATEGORY_PREFIX, MIN_SCORE, RoutingDecision
from .urgency import suggest_urgency

PAGE_SIZES = (25, 50, 100)
SEARCH_COUNT_LIMIT = 1000
CITIZEN_FIELDS = ("citizen_name", "citizen_phone", "citizen_id_number")
"""Starred out of the error report mailed to ADMINS when a request fails."""


def _office_only(request: HttpRequest) -> None:
    if not access.is_office_handler(request.user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters(*CITIZEN_FIELDS)
def intake(request: HttpRequest) -> HttpResponse:
    _office_only(request)
    form = IntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = form_once.submit(
                request,
                lambda: services.workorder_intake(
                    acting_user=request.user, **form.service_kwargs()
                ),
                lambda order: reverse("order_detail", args=[order.number]),
            )
        except form_once.AlreadySent as sent:
            return sent.response(request)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if order.primary_unit:
                messages.success(
                    request,
                    _("Order %(number)s was registered and sent to %(unit)s.")
                    % {"number": order.number, "unit": order.primary_unit},
                )
                if unheard := _unheard_at_intake(order):
                    messages.warning(request, unheard)
            else:
                messages.success(
                    request,
                    _("Order %(number)s was registered and waits in the triage queue.")
                    % {"number": order.number},
                )
            return redirect("order_detail", number=order.number)
    decision = None
    if form.is_bound:
        decision = services.preview_routing(
            f"{request.POST.get('title', '')}\n{request.POST.get('content', '')}",
            request.POST.get("category", ""),
        )
    return render(
        request,
        "complaints/intake.html",
        {
            "form": form,
            "decision": decision,
            "rule": _rule_shown(decision),
            "units": _unit_names(),
            "close": _close_shown(decision),
        },
        status=400 if form.is_bound else 200,
    )


def _unheard_at_intake(order: WorkOrder) -> str:
    """When the unit the order went to has no one to hear of it (`_unheard`), the person who
    registered it is the one to phone the unit, and is told so with its duty lines: the
    order would otherwise wait unsigned until it is overdue."""
    unit = order.primary_unit
    if not _unheard({unit.code: unit}):
        return ""
    lines = list_separator().join(f"{c.label} {c.phone}" for c in unit.duty_contacts.all())
    if lines:
        return _(
            "No one at %(unit)s will be told of the order: it has no one in the portal and no "
            "group-chat robot. Phone its duty line to say the order is there: %(lines)s."
        ) % {"unit": unit, "lines": lines}
    return _(
        "No one at %(unit)s will be told of the order: it has no one in the portal and no "
        "group-chat robot. Phone the unit to say the order is there."
    ) % {"unit": unit}


def _unit_names() -> dict[str, object]:
    return {unit.code: unit for unit in member_units()}


@login_required
@require_POST
def route_preview(request: HttpRequest) -> HttpResponse:
    """The live routing suggestion on the intake form (htmx)."""
    _office_only(request)
    text = f"{request.POST.get('title', '')[:200]}\n{request.POST.get('content', '')[:20000]}"
    decision = services.preview_routing(text, request.POST.get("category", "")[:100])
    urgency, urgency_words = suggest_urgency(text)
    return render(
        request,
        "complaints/_routing_suggestion.html",
        {
            "decision": decision,
            "rule": _rule_shown(decision),
            "units": _unit_names(),
            "close": _close_shown(decision),
            "urgency": Urgency(urgency),
            "urgency_words": urgency_words,
        },
    )


def _filtered_orders(request: HttpRequest, now: datetime, soon: datetime, tab: str = ""):
    """`filters.filtered_orders` for the list page: its filters' widgets styled, a refused
    filter marked."""
    found = filtered_orders(request.user, request.GET, now, soon, tab=tab)
    bootstrap(found.filterset.form)
    if found.refused:
        _mark_refused_filters(found.filterset.form)
    return found.tabs, found.tab, found.filterset, found.orders


def _mark_refused_filters(form) -> None:
    """Mark each refused filter and point it to its line in the alert above the form
    (`refused_filters`): its message under it made the field taller than its row, which
    lifted it above the others on a laptop's screen."""
    for name in form.errors:
        field = form.fields.get(name)
        if field is not None:
            attrs = field.widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-describedby"] = f"filter-{name}-error"


def refused_filters(form) -> list[dict[str, str]]:
    """The alert's lines (`includes/filters_invalid.html`): each refused filter's label,
    the id of its field, and what to correct; an error of the whole form (none today)
    without a label."""
    return [
        {
            "name": name,
            "label": str(form.fields[name].label) if name in form.fields else "",
            "field_id": form[name].id_for_label if name in form.fields else "",
            "message": " ".join(str(error) for error in errors),
        }
        for name, errors in form.errors.items()
    ]


def _matches_elsewhere(
    request: HttpRequest, now: datetime, soon: datetime, tab: str, filterset
) -> dict | None:
    """How many orders the same search finds among all orders, for a tab where it found
    none: the office's list opens on the triage queue, where a citizen's phone number
    typed straight away finds nothing, as if the citizen had no order."""
    used = [name for name in filterset.form.fields if name != "sort" and request.GET.get(name)]
    if tab == "all" or not used or not filterset.is_valid():
        return None
    orders = _filtered_orders(request, now, soon, tab="all")[3]
    count = orders[: SEARCH_COUNT_LIMIT + 1].count()
    if not count:
        return None
    return {
        "count": min(count, SEARCH_COUNT_LIMIT),
        "capped": count > SEARCH_COUNT_LIMIT,
        "query": _querystring(request, tab="all", page=None),
    }


def _querystring(request: HttpRequest, **changes: object) -> str:
    query: QueryDict = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return query.urlencode()


class SearchPaginator(Paginator):
    """A text search scans every row to count its matches; past a thousand, "1000+" is
    all anyone needs, so counting stops there.

    The scan is made once: the ids of the first thousand matches, in the list's order, give
    both the count and the page, whose rows are then read by id. Counting and then paging
    scanned every order twice (a rare word over 100,000 orders: two scans of ~70 ms). A
    page beyond the thousandth match is read as any list's."""

    @cached_property
    def _first_ids(self) -> list[int]:
        return list(self.object_list.values_list("pk", flat=True)[: SEARCH_COUNT_LIMIT + 1])

    @cached_property
    def count(self) -> int:
        return len(self._first_ids)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top > SEARCH_COUNT_LIMIT:
            return super().page(number)
        ids = self._first_ids[bottom:top]
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


class LatestDeadlineFirstPaginator(Paginator):
    """The list sorted by deadline, latest first, with the orders without one after the
    rest (`filters.NULLS_LAST`): a page is read from the orders with a deadline (the
    deadline index read backwards) and then from those without (the primary key read
    backwards), where sorting every order for it took 340 ms over 100,000."""

    def parts(self) -> tuple[QuerySet, QuerySet]:
        """The orders with a deadline and those without, each in the list's order."""
        return (
            self.object_list.filter(next_due_at__isnull=False).order_by("-next_due_at", "-id"),
            self.object_list.filter(next_due_at__isnull=True).order_by("-id"),
        )

    @cached_property
    def _dated(self) -> int:
        return self.parts()[0].count()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        dated, undated = self.parts()
        rows = list(dated[bottom : min(top, self._dated)]) if bottom < self._dated else []
        if top > self._dated:
            rows += undated[max(bottom - self._dated, 0) : top - self._dated]
        return self._get_page(rows, number, self)


def _paginator_class(searching: bool, filterset) -> type[Paginator]:
    if searching:
        return SearchPaginator
    latest_first = ["-next_due_at"]
    if (
        filterset.is_bound
        and filterset.is_valid()
        and filterset.form.cleaned_data.get("sort") == latest_first
    ):
        return LatestDeadlineFirstPaginator
    return Paginator


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    soon = selectors.due_soon_until(now)
    tabs, tab, filterset, orders = _filtered_orders(request, now, soon)
    try:
        per_page = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        per_page = PAGE_SIZES[0]
    per_page = per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]
    searching = bool(request.GET.get("q", "").strip())
    paginator = _paginator_class(searching, filterset)(orders, per_page)
    page = paginator.get_page(request.GET.get("page"))
    counts = selectors.tab_counts(request.user, now, soon)
    not_theirs = selectors.orders_no_longer_theirs(request.user, list(page))
    co_handled = _co_handled(request.user, page, not_theirs)
    rows = [
        {
            "order": order,
            "due_state": "" if order.id in not_theirs else _due_state(order.next_due_at, now, soon),
            "due_label": _next_deadline_label(order, of_primary_unit=order.id in co_handled),
            "not_theirs": order.id in not_theirs,
        }
        for order in page
    ]
    return render(
        request,
        "complaints/order_list.html",
        {
            "tabs": [
                {
                    "key": t.key,
                    "label": t.label,
                    "count": counts.get(t.key),
                    "query": _querystring(request, tab=t.key, page=None),
                }
                for t in tabs
            ],
            "tab": tab,
            # Said when the tab holds nothing and no search or filter narrows it.
            "tab_empty": next((t.empty for t in tabs if t.key == tab), "")
            if not any(request.GET.get(name) for name in filterset.form.fields)
            else "",
            "filter": filterset,
            # On a phone the filters beyond the search start folded, unless one is in use.
            "more_filters_used": any(
                request.GET.get(name) for name in filterset.form.fields if name != "q"
            ),
            "page": page,
            "count_capped": searching and paginator.count > SEARCH_COUNT_LIMIT,
            "refusal": {
                "invalid": filterset.is_bound and not filterset.is_valid(),
                "problems": refused_filters(filterset.form) if filterset.is_bound else [],
            },
            "elsewhere": None if rows else _matches_elsewhere(request, now, soon, tab, filterset),
            "rows": rows,
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
            "export_query": _querystring(request, page=None, per_page=None),
            "sees_all": access.sees_all_units(request.user),
            "can_intake": access.is_office_handler(request.user),
        },
        # A filter refused (a date that is not one, a choice not offered): the page says
        # which and lists nothing, as a refused form.
        status=400 if filterset.is_bound and not filterset.is_valid() else 200,
    )


def _due_state(due: datetime | None, now: datetime, soon: datetime) -> str:
    if due is None:
        return ""
    if due < now:
        return "overdue"
    if due <= soon:
        return "soon"
    return "ok"


@login_required
def overdue_board(request: HttpRequest) -> HttpResponse:
    if not access.sees_all_units(request.user):
        raise Http404
    now = timezone.now()
    rows = selectors.overdue_board(request.user, now)
    list_url = reverse("order_list")
    for row in rows:
        # The triage queue's row: the orders waiting for dispatch, not every order with no unit.
        code = row["primary_unit__code"]
        scope = {"unit": code} if code else {"status": Status.TRIAGE}
        row["overdue_url"] = f"{list_url}?{urlencode({'tab': 'overdue', **scope})}"
        row["due_soon_url"] = f"{list_url}?{urlencode({'tab': 'due_soon', **scope})}"
    return render(request, "complaints/overdue_board.html", {"rows": rows, "now": now})


def _next_deadline_label(order: WorkOrder, *, of_primary_unit: bool = False) -> str:
    """Which deadline the list's "Next deadline" is (`next_due_name`, kept with it by the
    recount): a date alone read as the unit's own step (an order to sign shown overdue by
    its acceptance decision looked late to sign). On an order the reader's unit co-handles
    it is said to be the primary unit's ("签收（主办单位）"): "Sign for" read as the
    co-handling unit's own step, which it cannot take."""
    name = dict(DeadlinePolicy.Name.choices).get(order.next_due_name, order.next_due_name)
    return bracketed(name, _("primary unit")) if name and of_primary_unit else name


def _co_handled(user, orders, not_theirs: set[int]) -> set[int]:
    """Of the listed `orders`, those the reader's unit co-handles: another unit's, and still
    the reader's to follow (`orders_no_longer_theirs` leaves out those it co-handles)."""
    if access.sees_all_units(user):
        return set()
    unit_id = getattr(user, "unit_id", None)
    return {o.id for o in orders if o.primary_unit_id != unit_id and o.id not in not_theirs}


def _deadlines(order: WorkOrder, now: datetime, *, theirs: bool = True) -> list[dict]:
    """The order's deadlines as its page shows them. Not `theirs` (the reader's unit
    returned the order, or it went to another unit): none runs for the reader, whose unit
    has no step left to take on time."""
    soon = selectors.due_soon_until(now)
    running = set(workflow.open_deadline_names(order)) if theirs else set()
    labels = dict(DeadlinePolicy.Name.choices)
    items = []
    for name, due in order.deadline_items():
        is_running = name in running
        items.append(
            {
                "name": name,
                "label": labels.get(name, name),
                "due": due,
                "running": is_running,
                "state": _due_state(due, now, soon) if is_running else "done",
                "left": due - now,
                "stopped": ""
                if is_running
                else (workflow.why_deadline_stopped(order, name, due) if theirs else "not_theirs"),
            }
        )
    return items


def _words_shown(matched: list[str]) -> list[SafeString]:
    """The words a rule matched, each once, a category in the reader's language; each
    word, Chinese inside a sentence of an English page, in its own `in_own_lang` span
    («category “<span lang="zh-Hans">物业</span>”»), not the whole sentence marked."""
    words: dict[SafeString, None] = {}
    for word in matched:
        if word.startswith(CATEGORY_PREFIX):
            name = in_own_lang(word.removeprefix(CATEGORY_PREFIX))
            shown = mark_safe(conditional_escape(_("category “%(name)s”")) % {"name": name})
        else:
            shown = in_own_lang(word)
        words.setdefault(shown, None)
    return list(words)


def _routed_by(rule: str, words: list[SafeString]) -> SafeString:
    """The line naming the rule that routed an order and the words it matched, as one
    sentence a translation may reorder, the words listed with the reader's separator; the
    rule's name and each word marked in their own language (`in_own_lang`), not the line."""
    values = {"rule": in_own_lang(rule)}
    if not words:
        return mark_safe(conditional_escape(_("Routed by rule %(rule)s")) % values)
    values["words"] = conditional_escape(list_separator()).join(words)
    return mark_safe(conditional_escape(_("Routed by rule %(rule)s (matched: %(words)s)")) % values)


def _sent_by_hand(rule: SafeString, suggested: str, sent_to: str | None) -> SafeString:
    """The line of an order the office sent elsewhere than the rules said (`sent_to`, or
    None: kept in the triage queue to dispatch later), one sentence naming the unit the
    rules suggested, by which rule, and where the office sent it. It read "Routed by rule X
    · not followed: the order was sent by hand", a label after a sentence that was not so."""
    values = {"suggested": conditional_escape(suggested), "rule": rule}
    if sent_to is None:
        return mark_safe(
            conditional_escape(
                _(
                    "The rules suggested %(suggested)s (%(rule)s); the office kept it in the "
                    "triage queue."
                )
            )
            % values
        )
    values["unit"] = conditional_escape(sent_to)
    return mark_safe(
        conditional_escape(
            _("The rules suggested %(suggested)s (%(rule)s); the office sent it to %(unit)s.")
        )
        % values
    )


def _sent_as_suggested(rule: SafeString, unit: str) -> SafeString:
    """The line of an order the office sent at intake to the very unit the rules suggest.
    It read "Routed by rule X", beside a history saying the office dispatched it, and with
    a rule that names a co-handling unit ("汽车销售（商务局协办）") that the office, choosing
    for itself, had not added."""
    values = {"unit": conditional_escape(unit), "rule": rule}
    return mark_safe(
        conditional_escape(_("The office sent it to %(unit)s, as the rules suggested (%(rule)s)."))
        % values
    )


def _rule_named(rule: str, words: list[SafeString]) -> SafeString:
    """The rule and the words it matched, for the bracket of `_sent_by_hand`."""
    values = {"rule": in_own_lang(rule)}
    if not words:
        return mark_safe(conditional_escape(_("rule %(rule)s")) % values)
    values["words"] = conditional_escape(list_separator()).join(words)
    return mark_safe(conditional_escape(_("rule %(rule)s, matched: %(words)s")) % values)


def _routing_shown(routing: dict, unit_names: dict | None = None) -> dict | None:
    """The rule that routed the order, by its name, with the words that decided, each once
    and in the reader's language; or, when the office sent it elsewhere (`overridden_to`,
    None for kept in triage), the unit the rules suggested and the one it went to."""
    if not routing.get("rule"):
        return None
    name = RoutingRule.objects.filter(key=routing["rule"]).values_list("name", flat=True).first()
    name = name or routing["rule"]
    words = _words_shown(routing.get("matched", []))
    suggested = routing.get("primary_unit")
    followed = routing.get("overridden_to", suggested) == suggested
    if unit_names is not None and followed and suggested and "overridden_to" in routing:
        line = _sent_as_suggested(
            _rule_named(name, words), str(unit_names.get(suggested, suggested))
        )
    elif followed or unit_names is None:
        line = _routed_by(name, words)
    else:
        sent_to = routing["overridden_to"]
        line = _sent_by_hand(
            _rule_named(name, words),
            str(unit_names.get(suggested, suggested)),
            None if sent_to is None else str(unit_names.get(sent_to, sent_to)),
        )
    return {"rule": name, "words": words, "line": line, "followed": followed}


def _registered_from_lead(user, order: WorkOrder) -> dict | None:
    """The lead whose acceptance registered the order (`referral_accept` with an order: the
    lead's number is the order's external reference, the order's number the lead's case),
    for the routing line: no rule sent that order, the unit took the lead on. The lead's
    number links to it for a reader who may open it."""
    if not order.external_ref:
        return None
    lead = (
        Referral.objects.filter(
            referrals.lead_opened_as(order_number=order.number, external_ref=order.external_ref)
        )
        .select_related("to_unit")
        .first()
    )
    if lead is None or not referrals.is_opened_as(lead, order):
        return None
    [(lead, openable)] = _openable(user, [lead], access.referrals_visible_to(user))
    number = conditional_escape(lead.number)
    if openable:
        number = format_html(
            '<a class="font-monospace" href="{}">{}</a>',
            reverse("referral_detail", args=[lead.id]),
            lead.number,
        )
    line = mark_safe(
        conditional_escape(_("Registered from lead %(number)s, accepted by %(unit)s."))
        % {"number": number, "unit": conditional_escape(lead.to_unit.display_name)}
    )
    return {"line": line, "followed": True, "lead": lead}


def _triage_shown(order: WorkOrder, unit_names: dict) -> dict | None:
    """Why the rules left an order waiting for dispatch, and the units that came close with
    the words that matched each: what the office weighs in triage (an order from the
    hotline was never shown the intake form's suggestion)."""
    routing = order.routing or {}
    if order.status != Status.TRIAGE or routing.get("rule") or not routing.get("reason"):
        return None
    return {
        "reason": routing["reason"],
        "candidates": [
            (unit_names.get(c.get("unit"), c.get("unit")), _words_shown(c.get("matched", [])))
            for c in routing.get("candidates", [])
        ],
    }


def match_level(score: float) -> str:
    """How well a unit's rule matched, in words: the router's score (about one per word
    matched, two for the hotline's category) means nothing to the person reading it."""
    if score >= 2 * MIN_SCORE:
        return _("strong match")
    if score >= MIN_SCORE:
        return _("fair match")
    return _("weak match")


def _close_shown(decision: RoutingDecision | None) -> list[dict]:
    """The other units that matched, each with how well and on which words, for the
    suggestion's "Also close" line (the winner is shown above it)."""
    if decision is None:
        return []
    return [
        {"unit": c.unit, "level": match_level(c.score), "words": _words_shown(list(c.matched))}
        for c in decision.candidates
        if c.unit != decision.primary_unit
    ]


def _rule_shown(decision: RoutingDecision | None) -> dict | None:
    """The suggestion's rule and words as the order page will show them: the rule by its
    name, a category as “category …”, not the router's keys."""
    if decision is None:
        return None
    return _routing_shown({"rule": decision.rule, "matched": decision.matched})


def _duplicates_shown(user, order: WorkOrder) -> list:
    """The possible duplicates whose other order the user may see: a hint naming another
    unit's order (its number, its title, "same citizen phone") would tell a unit about a
    citizen's complaint elsewhere."""
    pairs = list(order.duplicates.all())
    if not pairs or access.sees_all_units(user):
        return pairs
    visible = set(
        access.workorders_visible_to(user)
        .filter(id__in=[d.other_id for d in pairs])
        .values_list("id", flat=True)
    )
    return [d for d in pairs if d.other_id in visible]


def _openable(user, items: list, visible) -> list[tuple[object, bool]]:
    """Each of an order's leads or disputes with whether the reader may open it: everyone
    who sees the order sees that a lead went out or a dispute was opened (its history says
    so), but a link only to the pages that do not answer them 404."""
    if not items or access.sees_all_units(user):
        return [(item, True) for item in items]
    ids = set(visible.filter(id__in=[item.id for item in items]).values_list("id", flat=True))
    return [(item, item.id in ids) for item in items]


def _extension_deadline(
    order: WorkOrder, name: str, now: datetime, working_days: int | None = None
) -> dict | None:
    """The deadline an extension request would move, for the unit's form and the office's
    decision to name with its present due time: before acceptance it is the acceptance
    decision, after it the resolution (or an inquiry's answer), which the days alone left
    the reader to guess.

    An extension adds its working days to the deadline, not to today, so one asked for or
    approved on a deadline long past may leave it past: the unit's form says how many days
    bring it back ahead (`late`), and with the days of a waiting request (`working_days`)
    the office's form names the new deadline (`after`) and whether it has already passed."""
    if not name:
        return None
    due = getattr(order, f"due_{name}")
    shown: dict = {"label": DeadlinePolicy.Name(name).label, "due": due}
    if working_days is not None:
        after = workflow.deadline_if_extended(order, name, working_days)
        shown["after"] = after
        shown["after_passed"] = after is not None and after < now
    elif due is not None and due < now:
        late = workflow.late_extension(order, name, now)
        if late.fewest_days != 1:
            shown["late"] = late
    return shown


def _co_handling_ask(user, order: WorkOrder, deadlines: list[dict]) -> dict:
    """What the order's page says to a co-handling unit while its opinion is taken: the
    primary unit handles the order and replies with the result, the opinion is wanted before
    it does (none is taken once the order is resolved), by when it is to reply once that
    deadline runs, and when the unit gave its opinion, if it has. The page showed the
    order's deadlines (sign for it, decide on acceptance) beside an opinion form, as if
    they were the co-handling unit's own to meet."""
    given = [op.created_at for op in order.opinions.all() if op.unit_id == user.unit_id]
    facts = {"unit": order.primary_unit}
    if given:
        facts["given"] = minute(min(given))
        ask = _(
            "Your unit gave its opinion on %(given)s. %(unit)s, the primary unit, handles the "
            "order and replies with the result; you may add to your opinion until it does."
        )
    else:
        ask = _(
            "Your unit co-handles this order. %(unit)s, the primary unit, handles it and "
            "replies with the result: give your unit's opinion before it does, as none can be "
            "added once the order is resolved."
        )
    said = [ask % facts]
    reply = next(
        (d for d in deadlines if d["running"] and d["name"] in ("resolution", "answer")), None
    )
    if reply:
        said.append(_("It is to reply by %(due)s.") % {"due": minute(reply["due"])})
    return {"text": sentences(*said), "given": bool(given)}


def _dispatch_shown(order: WorkOrder) -> tuple[list, str]:
    """For the dispatch form of an order in the triage queue: the returns that brought it
    back (each unit, when and its reason, first to last), read by the form as the office
    decides where to send it, and the unit the form chooses: the routing rules' pick,
    unless that unit has returned the order, which would send it straight back."""
    if order.status != Status.TRIAGE:
        return [], ""
    returns = [e for e in order.events.all() if e.action == Action.RETURN]
    returned_by = {e.unit.code for e in returns if e.unit is not None}
    candidates = (order.routing or {}).get("candidates") or [{}]
    suggested = candidates[0].get("unit") or ""
    return returns, "" if suggested in returned_by else suggested


def _dispatch_and_dispute(user, order: WorkOrder, actions: list[str]) -> dict:
    """For the office on an open order with a jurisdiction dispute open: the dispute, and
    either why the order cannot be dispatched from the triage queue (or, with a unit,
    re-dispatched to another) while the group leader's decision on it is pending
    (`workflow.dispatch_refusal_by_dispute`, which the service refuses with too: the page
    says it instead of offering the form), or, where the form is offered, that dispatching
    (re-dispatching) settles the dispute. Keys `dispatch_…` or `redispatch_…`, by the form
    the order would have. For an order the group leader's decision assigned, why it is not
    re-dispatched (`workflow.redispatch_refusal_by_decision`), with that dispute. Nothing
    otherwise."""
    if not order.is_open or not access.is_office_handler(user):
        return {}
    if order.status != Status.TRIAGE and Action.REDISPATCH not in actions:
        refusal = workflow.redispatch_refusal_by_decision(order)
        if refusal:
            decided = workflow.assignment_decided_by(order)
            return {
                "redispatch_refused": refusal,
                "redispatch_dispute": decided,
                "redispatch_decided": True,
            }
    dispute = next((d for d in order.disputes.all() if d.status in OPEN_DISPUTE_STATUSES), None)
    if dispute is None:
        return {}
    action = Action.DISPATCH if order.status == Status.TRIAGE else Action.REDISPATCH
    form = "dispatch" if action == Action.DISPATCH else "redispatch"
    if action in actions:
        return {f"{form}_settles": dispute}
    refusal = workflow.dispatch_refusal_by_dispute(order, action)
    return {f"{form}_refused": refusal, f"{form}_dispute": dispute} if refusal else {}


def _units_unheard(unit_names: dict, actions: list[str]) -> set[str]:
    """For the dispatch and re-dispatch lists: the codes of the units that would hear of
    the order from no one, having no active person who handles orders and no group-chat
    robot (whom `workflow.tell_units_of_new_orders` tells). One query, only on a page that
    offers to dispatch."""
    if Action.DISPATCH not in actions and Action.REDISPATCH not in actions:
        return set()
    return _unheard(unit_names)


def _unheard(units: dict) -> set[str]:
    """Of `units` (by code), the codes of those with no active person who handles orders
    and no group-chat robot: nobody there hears of an order. One query."""
    reached = set(
        User.objects.filter(
            is_active=True,
            unit__code__in=list(units),
            roles__code__in=access.UNIT_HANDLER_ROLES,
        ).values_list("unit__code", flat=True)
    )
    return {
        code for code, unit in units.items() if code not in reached and not unit.robot_webhook_url
    }


def _supervision_unheard(order: WorkOrder, actions: list[str]) -> dict | None:
    """For the supervision form, when the order's unit would hear of it from no one: it has
    no active person who handles its orders and no group-chat robot (those a supervision
    tells, `workflow._tell_unit_of_supervision`). The unit and its duty lines, to reach it
    by instead. One query or two, only on a page that offers to supervise."""
    unit = order.primary_unit
    if Action.SUPERVISE not in actions or unit is None or unit.robot_webhook_url:
        return None
    if not _unheard({unit.code: unit}):
        return None
    return {"unit": unit, "duty_contacts": list(unit.duty_contacts.all())}


@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = selectors.order_detail(request.user, number)
    notifications_mark_read_at(user=request.user, url=reverse("order_detail", args=[order.number]))
    now = timezone.now()
    show_personal = access.may_see_citizen_details(request.user, order)
    if show_personal:
        services.record_unmasked_view(user=request.user, orders=[order], where="detail")
    actions = workflow.allowed_actions(request.user, order)
    pending = next((r for r in order.extension_requests.all() if r.status == "pending"), None)
    pairs = _duplicates_shown(request.user, order)
    duplicates = [d for d in pairs if d.status == DuplicateStatus.SUSPECTED]
    deadlines = _deadlines(order, now, theirs=selectors.still_theirs(request.user, order))
    typed = _typed_back(request, order) or {}
    may_dispute = disputes.may_open_order_dispute(request.user, order) and not any(
        d.status in OPEN_DISPUTE_STATUSES for d in order.disputes.all()
    )
    settled_by = disputes.order_settled_by(order) if may_dispute else None
    unit_names = _unit_names()
    co_handling = access.co_handles_order(request.user, order)
    dispatch_returns, dispatch_to = _dispatch_shown(order)
    order_disputes = _openable(
        request.user, list(order.disputes.all()), access.disputes_visible_to(request.user)
    )
    decided_by = workflow.assignment_decided_by(order)
    decision_links = {d.number: d.id for d, openable in order_disputes if openable}
    if decided_by is not None and decided_by.number not in decision_links:
        # A held lead order's decision is on the lead's dispute, not on the order.
        [(_decision, openable)] = _openable(
            request.user, [decided_by], access.disputes_visible_to(request.user)
        )
        if openable:
            decision_links[decided_by.number] = decided_by.id
    return render(
        request,
        "complaints/order_detail.html",
        {
            "order": order,
            "show_personal": show_personal,
            "masked_phone": services.mask_phone(order.citizen_phone),
            "masked_id": services.mask_id_number(order.citizen_id_number),
            "deadlines": deadlines,
            "provisional_years": selectors.years_counted_without_holidays(
                [d["due"] for d in deadlines if d["running"]]
            ),
            "routing": _registered_from_lead(request.user, order)
            or _routing_shown(order.routing or {}, unit_names),
            "triage_routing": _triage_shown(order, unit_names),
            "actions": actions,
            "pending_extension": pending,
            "possible_duplicates": duplicates,
            "decided_duplicates": [d for d in pairs if d.status != DuplicateStatus.SUSPECTED],
            "leads": _openable(
                request.user, list(order.referrals.all()), access.referrals_visible_to(request.user)
            ),
            "order_disputes": order_disputes,
            "decided_by": decided_by,
            "decision_links": decision_links,
            "co_links": order.co_unit_links,
            "co_handling": co_handling,
            "co_handling_ask": _co_handling_ask(request.user, order, deadlines)
            if co_handling and Action.OPINION in actions
            else None,
            "former_links": [link for link in order.unit_links.all() if link.relation == "former"],
            "units": list(unit_names.values()),
            "unit_names": unit_names,
            "dispatch_returns": dispatch_returns,
            "supervision_unheard": _supervision_unheard(order, actions),
            "units_unheard": _units_unheard(unit_names, actions),
            "dispatch_to": dispatch_to,
            "satisfaction_choices": Satisfaction.choices,
            "called_back": order.satisfaction_at is not None
            and order.resolved_at is not None
            and order.satisfaction_at >= order.resolved_at,
            "can_force": order.return_count >= workflow.RETURNS_BEFORE_FORCE,
            "can_attach": order.is_open
            and (
                access.is_office_handler(request.user)
                or access.handles_order(request.user, order)
                or access.co_handles_order(request.user, order)
            ),
            "attach_form": AttachForm(),
            "can_refer": access.refers_for_unit(request.user) and not request.user.unit.is_office,
            "can_mediate": access.records_mediation(request.user, order)
            and not mediation.mediation_refusal(order),
            "can_mark_litigation": access.marks_litigation(request.user, order)
            and not mediation.mediation_refusal(order),
            "can_dispute": may_dispute and settled_by is None,
            "settled_by": settled_by,
            "max_extension": workflow.MAX_EXTENSION_DAYS,
            "extension_deadline": _extension_deadline(
                order, workflow.extendable_deadline(order), now
            )
            if "request_extension" in actions
            else None,
            "pending_deadline": _extension_deadline(
                order, pending.deadline, now, pending.working_days
            )
            if pending
            else None,
            "note_max_length": workflow.NOTE_MAX_LENGTH,
            "paused_days": order.paused_working_days,
            "typed": typed,
            "refusals": _refusals(typed),
            **_dispatch_and_dispute(request.user, order, actions),
        },
    )


Handler = Callable[[WorkOrder, object, QueryDict, int | None], object]

ACTION_HANDLERS: dict[str, Handler] = {
    Action.DISPATCH: lambda o, u, p, v: workflow.workorder_dispatch(
        order_id=o.id,
        acting_user=u,
        unit_code=p.get("unit", ""),
        co_unit_codes=p.getlist("co_units"),
        reason=p.get("reason", ""),
        force=p.get("force") == "on",
        expected_version=v,
    ),
    Action.REDISPATCH: lambda o, u, p, v: workflow.workorder_redispatch(
        order_id=o.id,
        acting_user=u,
        unit_code=p.get("unit", ""),
        reason=p.get("reason", ""),
        expected_version=v,
    ),
    Action.SIGN: lambda o, u, p, v: workflow.workorder_sign(
        order_id=o.id, acting_user=u, expected_version=v
    ),
    Action.ACCEPT: lambda o, u, p, v: workflow.workorder_accept(
        order_id=o.id, acting_user=u, note=p.get("note", ""), expected_version=v
    ),
    Action.RETURN: lambda o, u, p, v: workflow.workorder_return(
        order_id=o.id, acting_user=u, reason=p.get("reason", ""), expected_version=v
    ),
    Action.REQUEST_EXTENSION: lambda o, u, p, v: workflow.workorder_request_extension(
        order_id=o.id,
        acting_user=u,
        working_days=posted_int(p.get("working_days")) or 0,
        reason=p.get("reason", ""),
        expected_version=v,
    ),
    Action.APPROVE_EXTENSION: lambda o, u, p, v: workflow.workorder_decide_extension(
        order_id=o.id, acting_user=u, approve=True, note=p.get("note", ""), expected_version=v
    ),
    Action.REFUSE_EXTENSION: lambda o, u, p, v: workflow.workorder_decide_extension(
        order_id=o.id, acting_user=u, approve=False, note=p.get("note", ""), expected_version=v
    ),
    Action.PAUSE: lambda o, u, p, v: workflow.workorder_pause(
        order_id=o.id, acting_user=u, reason=p.get("reason", ""), expected_version=v
    ),
    Action.RESUME: lambda o, u, p, v: workflow.workorder_resume(
        order_id=o.id, acting_user=u, note=p.get("note", ""), expected_version=v
    ),
    Action.OPINION: lambda o, u, p, v: workflow.workorder_add_opinion(
        order_id=o.id, acting_user=u, text=p.get("text", ""), expected_version=v
    ),
    Action.SUPERVISE: lambda o, u, p, v: workflow.workorder_supervise(
        order_id=o.id, acting_user=u, note=p.get("note", ""), expected_version=v
    ),
    Action.RESOLVE: lambda o, u, p, v: workflow.workorder_resolve(
        order_id=o.id, acting_user=u, result=p.get("result", ""), expected_version=v
    ),
    Action.CLOSE: lambda o, u, p, v: workflow.workorder_close(
        order_id=o.id, acting_user=u, note=p.get("note", ""), expected_version=v
    ),
    Action.SATISFACTION: lambda o, u, p, v: workflow.workorder_record_satisfaction(
        order_id=o.id,
        acting_user=u,
        rating=p.get("rating", ""),
        comment=p.get("comment", ""),
        expected_version=v,
    ),
    Action.EXCLUDE: lambda o, u, p, v: workflow.workorder_exclude_from_stats(
        order_id=o.id, acting_user=u, reason=p.get("reason", ""), expected_version=v
    ),
    Action.LINK_DUPLICATE: lambda o, u, p, v: workflow.workorder_link_duplicate(
        order_id=o.id,
        acting_user=u,
        duplicate_id=posted_int(p.get("duplicate")) or 0,
        expected_version=v,
    ),
    Action.DISMISS_DUPLICATE: lambda o, u, p, v: workflow.workorder_dismiss_duplicate(
        order_id=o.id,
        acting_user=u,
        duplicate_id=posted_int(p.get("duplicate")) or 0,
        expected_version=v,
    ),
    Action.MERGE: lambda o, u, p, v: workflow.workorder_merge(
        order_id=o.id,
        acting_user=u,
        duplicate_id=posted_int(p.get("duplicate")) or 0,
        expected_version=v,
    ),
}


# What the unit writes for an action, kept in the session when the action is refused (the
# order changed meanwhile, most often) and put back in its form when the page is shown.
TYPED_FIELDS: dict[str, tuple[str, ...]] = {
    Action.RESOLVE: ("result",),
    Action.RETURN: ("reason",),
    Action.REQUEST_EXTENSION: ("working_days", "reason"),
    Action.APPROVE_EXTENSION: ("note",),
    Action.REFUSE_EXTENSION: ("note",),
    Action.PAUSE: ("reason",),
    Action.OPINION: ("text",),
    Action.NOTE: ("text",),
    Action.SUPERVISE: ("note",),
}
TYPED_KEY = "order_typed"


def _refusals(typed: dict) -> dict[str, Refusal]:
    """The refused action's reason about what was typed, by action, read with what was
    written in its form (for an extension, its reasons rather than its days), the field
    marked invalid."""
    if not typed.get("refused"):
        return {}
    field = TYPED_FIELDS[typed["action"]][-1]
    return {typed["action"]: Refusal.of({field: [typed["refused"]]}, [field])}


def _typed_back(request: HttpRequest, order: WorkOrder) -> dict[str, str] | None:
    """What was typed in this order's refused action, once: the page that follows the
    refusal shows it, a later visit shows the form as usual."""
    typed = request.session.get(TYPED_KEY)
    if not isinstance(typed, dict) or typed.get("number") != order.number:
        return None
    del request.session[TYPED_KEY]
    return typed


@login_required
@require_POST
def order_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Every action button of the detail page posts here; the workflow decides."""
    handler = ACTION_HANDLERS.get(action)
    order = access.workorder_or_404(request.user, number=number)
    if handler is None:
        raise Http404
    version = posted_version(request.POST)
    shown = reverse("order_detail", args=[order.number])
    try:
        done = form_once.submit(
            request, lambda: handler(order, request.user, request.POST, version), lambda _: shown
        )
    except form_once.AlreadySent:
        return _sent_twice(request, order)
    except workflow.WorkflowError as error:
        said = _refusal_said(order, action, error)
        messages.error(request, said)
        if action in TYPED_FIELDS:
            _keep_typed(request, order, action, error, said)
    else:
        messages.success(request, _done_said(order, action, done))
    return redirect("order_detail", number=order.number)


def _done_said(order: WorkOrder, action: str, done: object) -> str:
    """What the step did; a dissatisfied call-back says where the order went, as it moves
    the order back to a unit rather than only recording the answer. `done` is what the
    step's service returned: the order, for a call-back."""
    if (
        action == Action.SATISFACTION
        and isinstance(done, WorkOrder)
        and done.satisfaction == Satisfaction.DISSATISFIED
        and done.status == Status.IN_PROGRESS
    ):
        return _(
            "Order %(number)s: the dissatisfied call-back is recorded, and the order is back "
            "with %(unit)s to handle again."
        ) % {"number": order.number, "unit": done.primary_unit}
    return _("Order %(number)s: %(action)s.") % {
        "number": order.number,
        "action": Action(action).label,
    }


def _sent_twice(request: HttpRequest, order: WorkOrder) -> HttpResponse:
    """The same form posted again (a double click past the page's guard, a retried post):
    the first was saved. Its version is no longer the order's, which read as "someone else
    changed the order" though no one else had (`form_once` tells the repeat apart)."""
    messages.info(
        request,
        _(
            "You had already sent this for order %(number)s, and it was saved then; nothing "
            "was saved a second time. The page shows the order as it is now."
        )
        % {"number": order.number},
    )
    return redirect("order_detail", number=order.number)


def _refusal_said(order: WorkOrder, action: str, error: workflow.WorkflowError) -> str:
    """The refusal as the page that follows reads it: an order changed meanwhile says
    whether the form keeps what was typed, which it does for an action whose text is kept
    (`TYPED_FIELDS`). The service refuses as stale only an action still possible on the
    order as it is now (`workflow._load`), so the page that follows still offers its form."""
    if not isinstance(error, workflow.StaleOrder):
        return str(error.message)
    if action in TYPED_FIELDS:
        then = _(
            "The page shows the order as it is now; the form keeps what you typed: check it "
            "and send it again."
        )
    else:
        then = _("The page shows the order as it is now.")
    return sentences(str(error.message), then)


def _keep_typed(
    request: HttpRequest,
    order: WorkOrder,
    action: str,
    error: workflow.WorkflowError,
    said: str,
) -> None:
    """Also the refusal (`said`) when it is about what was typed, to be read beside the
    form's field as well as at the top. One about the order as a whole (changed meanwhile,
    no longer possible) is read once, at the top of the page, the form below it open with
    what was typed."""
    typed = {name: request.POST.get(name, "") for name in TYPED_FIELDS[action]}
    about_order = isinstance(error, (workflow.StaleOrder, workflow.NotPossibleNow))
    request.session[TYPED_KEY] = {
        "number": order.number,
        "action": action,
        **typed,
        "refused": "" if about_order else said,
    }


@login_required
@require_POST
def order_note(request: HttpRequest, number: str) -> HttpResponse:
    """A handling note, sent once however often its post arrives (`form_once`)."""
    order = access.workorder_or_404(request.user, number=number)
    shown = reverse("order_detail", args=[order.number]) + "#timeline"
    try:
        form_once.submit(
            request,
            lambda: workflow.workorder_add_note(
                order_id=order.id,
                acting_user=request.user,
                text=request.POST.get("text", ""),
                expected_version=posted_version(request.POST),
            ),
            lambda event: shown,
        )
    except form_once.AlreadySent as sent:
        return sent.response(request)
    except workflow.WorkflowError as error:
        said = _refusal_said(order, Action.NOTE, error)
        messages.error(request, said)
        _keep_typed(request, order, Action.NOTE, error, said)
        return redirect("order_detail", number=order.number)
    messages.success(
        request,
        _("Handling note added to the history of order %(number)s.") % {"number": order.number},
    )
    return redirect(shown)


@login_required
@require_POST
def order_attach(request: HttpRequest, number: str) -> HttpResponse:
    order = access.workorder_or_404(request.user, number=number)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("order_detail", number=order.number)
    try:
        stored = form_once.submit(
            request,
            lambda: services.workorder_attach(
                order_id=order.id,
                acting_user=request.user,
                uploads=form.cleaned_data["attachments"],
            ),
            lambda stored: reverse("order_detail", args=[order.number]) + "#attachments",
        )
    except form_once.AlreadySent as sent:
        return sent.response(request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (workflow.WorkflowError, PermissionDenied) as error:
        messages.error(request, getattr(error, "message", str(error)))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s file added to order %(number)s.",
                "%(n)s files added to order %(number)s.",
                len(stored),
            )
            % {"n": len(stored), "number": order.number},
        )
    return redirect(reverse("order_detail", args=[order.number]) + "#attachments")


@login_required
def attachment_download(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    order = access.workorder_or_404(request.user, number=number)
    attachment = access.get_or_404(Attachment.objects.filter(order=order), id=attachment_id)
    return attachments.download(attachment)
