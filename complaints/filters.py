"""The filters of every order list: the inbox, the office lists, the export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from departments import access
from departments.models import Town, Unit
from wuqing_consumer.dates import validate_date

from .choices import Channel, Kind, Status
from .models import WorkOrder

ALL = _("All")

ORDERING_FIELDS = (
    ("received_at", "received_at"),
    ("next_due_at", "next_due_at"),
    ("number", "number"),
    ("status", "status"),
)


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
    category = django_filters.CharFilter(label=_("Hotline category"), lookup_expr="icontains")
    received_from = django_filters.DateFilter(
        label=_("Received from"),
        field_name="received_at",
        lookup_expr="date__gte",
        validators=[validate_date],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label=_("Received until"),
        field_name="received_at",
        lookup_expr="date__lte",
        validators=[validate_date],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    sort = django_filters.OrderingFilter(
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

    def search(self, queryset: QuerySet[WorkOrder], name: str, value: str):
        """Number, text, business or the citizen's phone: what staff have at hand. The phone
        only on orders where the user is shown it unmasked."""
        value = value.strip()[:100]
        if not value:
            return queryset
        # Chinese has no case: a plain LIKE avoids UPPER() over every text and gives the
        # planner statistics it can use (see scripts/benchmark_inbox.py).
        lookup = "icontains" if value.lower() != value.upper() else "contains"
        condition = (
            Q(number=value.upper())
            | Q(external_ref=value)
            | Q(**{f"title__{lookup}": value})
            | Q(**{f"content__{lookup}": value})
            | Q(**{f"business_name__{lookup}": value})
        )
        digits = value.replace("-", "").replace(" ", "")
        if digits.isdigit() and len(digits) >= 7:
            condition |= (
                Q(citizen_phone=digits) | Q(citizen_phone=value)
            ) & access.citizen_details_condition(getattr(self.request, "user", None))
        return queryset.filter(condition)
