"""The filters of every order list: the inbox, the office lists, the export and the API."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import django_filters
from django import forms
from django.db.models import F, Max, Min, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from departments import access
from departments.models import Town, Unit
from wuqing_consumer.dates import validate_date

from .choices import Channel, Kind, Status
from .models import Dispute, WorkOrder
from .phones import phone_digits
from .selectors import Tab, orders_in_tab, tabs_for

ALL = _("All")
DATE_EXPECTED = _("Enter a date like 2026-07-06.")

ORDERING_FIELDS = (
    ("received_at", "received_at"),
    ("next_due_at", "next_due_at"),
    ("number", "number"),
    ("status", "status"),
)


SORT_TIE_BREAKS: dict[str, tuple[str, ...]] = {
    "received_at": ("id",),
    "-received_at": ("-id",),
    "next_due_at": ("id",),
    "-next_due_at": ("-id",),
    "number": (),  # unique
    "-number": (),
    "status": ("-received_at", "-id"),
    "-status": ("received_at", "id"),
}
"""What each sort orders by after its own field, so that every order has one place in the
list: sorted by deadline alone, the 94% of orders with none (closed) tied, and the database
was free to show one twice and another never across pages. Each follows an index read
forwards or backwards (wo_next_due_id, wo_received, wo_status_received), so a page of the
sorted list is read from it instead of sorting every order."""

NULLS_LAST = {
    "next_due_at": F("next_due_at").asc(nulls_last=True),
    "-next_due_at": F("next_due_at").desc(nulls_last=True),
}
"""The orders without a deadline (closed: most of them) come after those with one, either
way: sorted "latest first", PostgreSQL put them first (DESC is NULLS FIRST there) and the
list opened on pages of closed orders; SQLite put them first "soonest first". No index
gives latest first with them last, and sorting every order for it took 340 ms over
100,000: the list page reads it in two parts (`views.LatestDeadlineFirstPaginator`)."""


class TieBreakingOrderingFilter(django_filters.OrderingFilter):
    """The chosen sort, then `SORT_TIE_BREAKS`."""

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value if param]
        if not ordering:
            return qs
        tie_breaks = SORT_TIE_BREAKS.get(ordering[-1], ("-id",))
        return qs.order_by(*(NULLS_LAST.get(field, field) for field in ordering), *tie_breaks)


class WorkOrderFilterForm(forms.Form):
    def clean(self):
        """A range that ends before it starts holds no order; listed, the empty list read as
        no orders received, not as a range typed the wrong way round."""
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and end < start:
            self.add_error(
                "received_to",
                _("Before the start date (%(start)s): swap the two dates.")
                % {"start": start.isoformat()},
            )
        return cleaned


class WorkOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=forms.TextInput(attrs={"type": "search"})
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices, empty_label=ALL)
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Channel.choices, empty_label=ALL
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=ALL)
    town = django_filters.ModelChoiceFilter(
        label=_("Town or street"),
        queryset=Town.objects.all(),
        to_field_name="code",
        empty_label=ALL,
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Primary unit"),
        field_name="primary_unit",
        queryset=Unit.objects.filter(kind="member", is_active=True),
        to_field_name="code",
        empty_label=ALL,
    )
    category = django_filters.CharFilter(label=_("Hotline category"), method="in_category")
    received_from = django_filters.DateFilter(
        label=_("Received from"),
        field_name="received_at",
        lookup_expr="date__gte",
        validators=[validate_date],
        error_messages={"invalid": DATE_EXPECTED},
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label=_("Received until"),
        field_name="received_at",
        lookup_expr="date__lte",
        validators=[validate_date],
        error_messages={"invalid": DATE_EXPECTED},
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    sort = TieBreakingOrderingFilter(
        label=_("Sort by"),
        empty_label=_("Default"),
        fields=ORDERING_FIELDS,
        field_labels={
            "received_at": _("Received, oldest first"),
            "-received_at": _("Received, newest first"),
            "next_due_at": _("Next deadline, soonest first"),
            "-next_due_at": _("Next deadline, latest first"),
            "number": _("Number, ascending"),
            "-number": _("Number, descending"),
            "status": _("Status"),
            "-status": _("Status, reversed"),
        },
    )

    class Meta:
        model = WorkOrder
        fields: list[str] = []
        form = WorkOrderFilterForm

    def __init__(self, *args, user=None, **kwargs):
        """`user`: whose list it is, for a search outside a request (a queued export);
        otherwise the request's user."""
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)

    def in_category(self, queryset: QuerySet[WorkOrder], name: str, value: str):
        """Part of the hotline's category, in any case; a Chinese one (every category the
        hotline sends) with a plain LIKE (`text_lookup`), as the search does: over UPPER()
        the planner, with no statistics for it, expected 32 orders of 100,000 in 物业
        (there were 9,447) and sorted them all for the first page (127 ms) instead of
        reading the newest from the receipt index until it had a page."""
        return queryset.filter(**{f"category__{text_lookup(value)}": value})

    def search(self, queryset: QuerySet[WorkOrder], name: str, value: str):
        """Number, hotline id, text, business (name or credit code), the citizen's phone or
        full name: what staff have at hand, typed as people type what they hear (lower case,
        spaces, full-width digits from a Chinese input method, +86). The phone and the name
        only on orders where the user is shown the phone unmasked; the phone compared as the
        digits each order keeps indexed."""
        value = value.strip()[:100]
        if not value:
            return queryset
        # Full-width letters and digits become ASCII; the text searches keep what was typed.
        folded = unicodedata.normalize("NFKC", value).strip().upper()
        compact = _compact(value)
        # Chinese has no case: a plain LIKE avoids UPPER() over every text and gives the
        # planner statistics it can use (see scripts/benchmark_inbox.py).
        lookup = text_lookup(value)
        reference_lookup = "iexact" if lookup == "icontains" else "exact"
        references = Q()
        for reference in dict.fromkeys((value, folded)):
            references |= Q(**{f"external_ref__{reference_lookup}": reference})
        number = order_number_in(value)
        if number and compact.startswith("WQ"):
            # The commonest search, answered from the number's index: reading every
            # order's text in upper case for it took 250 ms over 100,000 orders. Digits
            # alone may be a hotline's number or a phone too, and are looked for as both.
            return queryset.filter(number=number)
        serial_numbers = order_numbers_with_serial(value)
        if serial_numbers and compact.startswith("WQ"):
            # 'wq 123': the serial of some year's order, from the number's index too.
            return queryset.filter(number__in=serial_numbers)
        # The citizen's phone and name are personal data: matched only on the orders where
        # the user is shown them unmasked, or a search would tell whose complaint it is.
        unmasked = access.citizen_details_condition(self.user)
        phone = _typed_phone(folded)
        if phone:
            phone_condition = Q(citizen_phone_digits=phone) & unmasked
            if folded.lstrip("( ").startswith("+"):
                # +86 (or any +) is a phone and nothing else: the phone's index answers,
                # as the number's does for WQ; bare digits are looked for in the text too.
                return queryset.filter(phone_condition)
        condition = (
            Q(number=number or value.upper())
            | Q(**{f"title__{lookup}": value})
            | Q(**{f"content__{lookup}": value})
            | Q(**{f"business_name__{lookup}": value})
            | references
            # The full name as intake keeps it (trimmed): a surname alone is no one.
            | (Q(citizen_name=value) & unmasked)
        )
        if serial_numbers:
            # '123' may be words of a text as well: the text is read as for any words.
            condition |= Q(number__in=serial_numbers)
        if CREDIT_CODE_PART_RE.fullmatch(compact):
            condition |= Q(business_credit_code__contains=compact)
        if phone:
            condition |= phone_condition
        return queryset.filter(condition)


def default_order(tab: str) -> tuple[str, ...]:
    if tab in ("due_soon", "overdue"):
        return ("next_due_at", "id")
    if tab == "triage":
        return ("received_at", "id")
    return ("-received_at", "-id")


@dataclass
class FilteredOrders:
    """An order list as a user asked for it: the user's tabs, the tab shown, the bound (or
    unbound) filters and the orders, sorted."""

    tabs: tuple[Tab, ...]
    tab: str
    filterset: WorkOrderFilter
    orders: QuerySet[WorkOrder]

    @property
    def refused(self) -> bool:
        """A filter was refused: no order is listed (nor exported) under it."""
        return self.filterset.is_bound and not self.filterset.is_valid()


def filtered_orders(
    user, params: Mapping[str, str] | None, now: datetime, soon: datetime, tab: str = ""
) -> FilteredOrders:
    """The orders of the list `params` (a query string's values: tab, filters, sort) asks
    for, as `user` may see them: the list page's, and a queued export's made later from the
    same query string outside any request. `tab` overrides the one in `params`."""
    params = params or None
    tabs = tabs_for(user)
    keys = [t.key for t in tabs]
    tab = tab or (params or {}).get("tab") or keys[0]
    if tab not in keys:
        tab = keys[0]
    orders = orders_in_tab(user, tab, now, soon)
    filterset = WorkOrderFilter(params, queryset=orders, user=user)
    if not access.sees_all_units(user):
        # A unit's people may narrow their list to the orders their unit handles as primary
        # unit, the orders its figures count (the dashboard links there); no other unit.
        unit_field = filterset.form.fields["unit"]
        unit_field.queryset = unit_field.queryset.filter(id=user.unit_id)
    if not filterset.is_bound:
        qs = orders
    elif filterset.is_valid():
        qs = filterset.qs
    else:
        # Listing every order under a search it did not apply would read as its result.
        qs = orders.none()
    if not (filterset.is_bound and filterset.form.cleaned_data.get("sort")):
        qs = qs.order_by(*default_order(tab))
    return FilteredOrders(tabs, tab, filterset, qs)


def narrowed_by(filterset: WorkOrderFilter) -> list[tuple[str, str]]:
    """The filters a list was asked for with, as (label, value) in the reader's language:
    an export names the list it was made from, and two exports of one tab with other
    filters looked alike. Nothing for filters no longer valid (the list refuses them)."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return []
    shown = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        values = value if isinstance(value, list | tuple) else [value]
        values = [one for one in values if one not in (None, "")]
        if not values:
            continue
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            labels = dict(field.choices)
            values = [labels.get(one, one) for one in values]
        written = [one.isoformat() if isinstance(one, date) else str(one) for one in values]
        shown.append((str(field.label), " / ".join(written)))
    return shown


def _compact(value: str) -> str:
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value).upper())


def _year_and_serial(value: str, prefix: str) -> tuple[str, str] | None:
    """The year and serial of a number made of a prefix, the year and six digits, typed
    with or without the prefix, spaces or dashes, in full-width or lower case."""
    found = re.fullmatch(rf"(?:{prefix})?([0-9]{{4}})([0-9]{{6}})", _compact(value))
    return (found[1], found[2]) if found else None


def order_number_in(value: str) -> str:
    """The order number a search means (WQ-2026-000123 for 'wq 2026 000123', '2026000123'
    or its full-width form), or ''."""
    if parts := _year_and_serial(value, "WQ"):
        return "WQ-{}-{}".format(*parts)
    return ""


RECORD_PREFIXES = ("WQ", "YS", "ZY", "JR", "TJ")
"""The numbers the portal writes: orders, leads, disputes, intervention requests, mediation."""


def record_numbers_in(value: str) -> list[str]:
    """The record numbers a search means, as the portal writes them ('YS-2026-000007' for
    'ys 2026 000007'), typed as `order_number_in` reads an order's; without its prefix,
    the number of each kind of record; [] when the words are no such number."""
    found = re.fullmatch(
        rf"({'|'.join(RECORD_PREFIXES)})?([0-9]{{4}})([0-9]{{6}})", _compact(value)
    )
    if not found:
        return []
    prefixes = [found[1]] if found[1] else RECORD_PREFIXES
    return [f"{prefix}-{found[2]}-{found[3]}" for prefix in prefixes]


def notification_search(value: str) -> Q:
    """A notification found by the number of the record it is about or by its words: the
    title and the text as written (in the district's language)."""
    condition = Q()
    for text in dict.fromkeys((value, *record_numbers_in(value))):
        lookup = text_lookup(text)
        condition |= Q(**{f"title__{lookup}": text}) | Q(**{f"body__{lookup}": text})
    return condition


def order_numbers_with_serial(value: str) -> list[str]:
    """The numbers of every year's order with the serial typed ('123', '000123', 'wq 123'
    mean WQ-2025-000123 and WQ-2026-000123), for the years in which orders were numbered;
    [] when the words are no serial. The years come from the lowest and highest number,
    two reads of the number's index."""
    found = re.fullmatch(r"(?:WQ)?([0-9]{1,6})", _compact(value))
    if not found or not int(found[1]):
        return []
    bounds = WorkOrder.objects.aggregate(first=Min("number"), last=Max("number"))
    years = [_year_and_serial(bounds[end] or "", "WQ") for end in ("first", "last")]
    if not all(years):
        return []
    first, last = (int(parts[0]) for parts in years)
    return [f"WQ-{year}-{int(found[1]):06d}" for year in range(first, last + 1)]


def record_number_condition(
    value: str, prefix: str, date_field: str, pk_field: str = "pk"
) -> Q | None:
    """The row a search means by a number made of a prefix, the year and the id
    (YS-2026-000012, as a lead's `number` writes it), typed as `order_number_in` reads one;
    None when the words are no such number. `pk_field` and `date_field` may follow a link
    (`referral__pk`, `referral__created_at` for a dispute's lead)."""
    if not (parts := _year_and_serial(value, prefix)):
        return None
    year, serial = parts
    return Q(**{pk_field: int(serial), f"{date_field}__year": int(year)})


def text_lookup(value: str) -> str:
    """`icontains` for words with case, `contains` for the rest (Chinese): see `search`."""
    return "icontains" if value.lower() != value.upper() else "contains"


def record_search(value: str, prefix: str, date_field: str, *text_fields: str) -> Q:
    """A numbered record linked to a work order (a lead, an intervention request) found by
    its own number, its order's number or words of its text: the list shows the numbers."""
    lookup = text_lookup(value)
    condition = Q()
    for field in text_fields:
        condition |= Q(**{f"{field}__{lookup}": value})
    if own := record_number_condition(value, prefix, date_field):
        condition |= own
    if order := order_number_in(value):
        condition |= Q(order__number=order)
    return condition


def dispute_search(value: str, user) -> Q:
    """A dispute found by its number (ZY-…), its order's or its lead's number, a unit
    involved, the business of its order, or words of what is disputed, the office's
    proposal or the leader's decision. The business only of an order the user may see:
    a lead's dispute is about the referrer's order, which the receiving unit does not."""
    condition = record_search(value, "ZY", "opened_at", "summary", "proposal", "decision_note")
    if lead := record_number_condition(value, "YS", "referral__created_at", "referral__pk"):
        condition |= lead
    lookup = text_lookup(value)
    condition |= Q(
        id__in=Dispute.objects.filter(
            Q(**{f"units__name__{lookup}": value}) | Q(**{f"units__full_name__{lookup}": value})
        ).values("id")
    )
    condition |= Q(**{f"order__business_name__{lookup}": value}) & Q(
        order__in=access.workorders_visible_to(user).values("id")
    )
    return condition


def mediation_search(value: str) -> Q:
    """An agreement found by its number (TJ-…), its order's number, the parties (the
    citizen and the business), the mediator, the court's case number or words of the
    terms and of the court's reasons."""
    return record_search(
        value,
        "TJ",
        "created_at",
        "parties",
        "mediator",
        "terms",
        "case_number",
        "court_note",
    )


CREDIT_CODE_PART_RE = re.compile(r"[0-9A-Z]{6,18}")
PHONE_PUNCTUATION = (" ", "-", "(", ")", "+")


def _typed_phone(folded: str) -> str:
    """The digits of a typed phone as orders keep them (`citizen_phone_digits`: 13812345678
    for '+86 138-1234-5678'), or '' when the words are no phone."""
    digits = folded
    for mark in PHONE_PUNCTUATION:
        digits = digits.replace(mark, "")
    if not re.fullmatch(r"[0-9]{7,}", digits):
        return ""
    return phone_digits(folded)
