"""Forms shape input for the report services; they write nothing themselves."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.forms import MultipleFileField
from wuqing_consumer.texts import decimal_as_written

from .choices import ProductCategory, PublicityKind
from .models import UnitReport
from .services import COUNT_FIELDS, MAX_COUNT, MONEY_FIELDS, TEXT_FIELDS

SAMPLING_MEASURES = (
    ("sampled", _("Batches sampled")),
    ("failed", _("Batches failed")),
    ("failed_handled", _("Failed batches dealt with")),
)


class YuanField(forms.DecimalField):
    """An amount in yuan as digits and a point, read as the order forms read it: Decimal
    (and a browser's number field) take "1e5" as 100000, a sum nobody wrote down."""

    default_error_messages = {"invalid": _("Enter the amount as a number of yuan, e.g. 1280.50.")}

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            written = decimal_as_written(value)
            if written is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = written
        return super().to_python(value)


class UnitReportForm(forms.Form):
    """The scalar fields of a report; sampling lines and publicity items come separately."""

    def __init__(self, *args, report: UnitReport, **kwargs):
        super().__init__(*args, **kwargs)
        for field in COUNT_FIELDS:
            self.fields[field] = forms.IntegerField(
                label=capfirst(UnitReport._meta.get_field(field).verbose_name),
                min_value=0,
                max_value=MAX_COUNT,
                required=False,
                initial=getattr(report, field),
                widget=forms.NumberInput(attrs={"class": "form-control", "min": 0}),
            )
        for field in MONEY_FIELDS:
            self.fields[field] = YuanField(
                label=capfirst(UnitReport._meta.get_field(field).verbose_name),
                min_value=0,
                max_digits=14,
                decimal_places=2,
                required=False,
                initial=getattr(report, field),
                widget=forms.NumberInput(attrs={"class": "form-control", "min": 0, "step": "0.01"}),
            )
        for field in TEXT_FIELDS:
            self.fields[field] = forms.CharField(
                label=capfirst(UnitReport._meta.get_field(field).verbose_name),
                required=False,
                max_length=20000,
                initial=getattr(report, field),
                widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
            )


def sampling_rows(report: UnitReport, data=None) -> list[dict]:
    """One row per product category, with the saved numbers or what the user typed."""
    saved = {line.product_category: line for line in report.sampling.all()}
    rows = []
    for category in ProductCategory:
        line = saved.get(category.value)
        cells = []
        for measure, label in SAMPLING_MEASURES:
            name = f"sampling-{category.value}-{measure}"
            value = data.get(name, "") if data is not None else getattr(line, measure, "") or ""
            cells.append({"name": name, "value": value, "label": label})
        rows.append({"category": category, "cells": cells})
    return rows


def sampling_from_post(data) -> list[dict]:
    lines = []
    for category in ProductCategory.values:
        values = {
            m: data.get(f"sampling-{category}-{m}", "").strip() for m, _label in SAMPLING_MEASURES
        }
        if any(values.values()):
            lines.append({"product_category": category, **values})
    return lines


# A publicity row has six fields in about 680px on a laptop: the kind's box is about 100px,
# and its full names ("网络及新媒体宣传", "Online or new-media post") showed as "网络", "Onl".
# The box names a kind shortly; the report's page, PDF and district tables use the full names.
SHORT_PUBLICITY_KINDS = [
    (PublicityKind.MEDIA, pgettext_lazy("publicity kind, short", "Media")),
    (PublicityKind.EVENT, pgettext_lazy("publicity kind, short", "Event")),
    (PublicityKind.ONLINE, pgettext_lazy("publicity kind, short", "Online")),
]


class PublicityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", "—"), *SHORT_PUBLICITY_KINDS],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    day = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "form-control form-control-sm"}
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    outlet = forms.CharField(
        label=_("Outlet or place"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    people_reached = forms.IntegerField(
        label=_("People reached"),
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 0}),
    )


PublicityFormSet = forms.formset_factory(PublicityForm, extra=3, can_delete=True, max_num=500)


def publicity_formset(report: UnitReport, data=None) -> forms.BaseFormSet:
    initial = [
        {
            "kind": i.kind,
            "day": i.day,
            "title": i.title,
            "outlet": i.outlet,
            "people_reached": i.people_reached,
        }
        for i in report.publicity.all()
    ]
    return PublicityFormSet(data, initial=initial, prefix="publicity")


def publicity_from_formset(formset: forms.BaseFormSet) -> list[dict]:
    items = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        if not any(data.get(k) for k in ("kind", "day", "title", "outlet", "people_reached")):
            continue
        items.append(data)
    return items


class AttachForm(forms.Form):
    attachments = MultipleFileField(label=_("Attachments"))


class DistrictAnalysisForm(forms.Form):
    analysis = forms.CharField(
        label=_("The office's analysis"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 10}),
    )
