"""Forms shape input for the services; they write nothing themselves."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Town, Unit

from . import workflow
from .choices import Channel, Kind, Urgency


def member_units():
    return Unit.objects.filter(kind="member", is_active=True).order_by("sort_order")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            files = [super(MultipleFileField, self).clean(d, initial) for d in data]
        else:
            files = [super().clean(data, initial)] if data else []
        if len(files) > settings.MAX_ATTACHMENTS_PER_UPLOAD:
            raise forms.ValidationError(
                _("At most %(n)s files at a time.") % {"n": settings.MAX_ATTACHMENTS_PER_UPLOAD}
            )
        return [f for f in files if f]


def bootstrap(form: forms.Form) -> None:
    """Bootstrap classes on the widgets, so templates can render `{{ field }}` as is."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


ROUTE_AUTO = "auto"
ROUTE_UNIT = "unit"
ROUTE_TRIAGE = "triage"


class IntakeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.COMPLAINT)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    external_ref = forms.CharField(label=_("Channel reference"), max_length=64, required=False)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=[("", _("Detect from the text")), *Urgency.choices],
        required=False,
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    content = forms.CharField(
        label=_("What the citizen says"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        required=False,
    )
    category = forms.CharField(label=_("Hotline category"), max_length=100, required=False)
    business_name = forms.CharField(label=_("Business"), max_length=200, required=False)
    business_address = forms.CharField(label=_("Business address"), max_length=200, required=False)
    business_credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=18, required=False
    )
    town = forms.ModelChoiceField(
        label=_("Town or street"),
        queryset=Town.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("Not known"),
    )
    amount = forms.CharField(label=_("Amount involved (yuan)"), max_length=20, required=False)
    citizen_name = forms.CharField(label=_("Citizen's name"), max_length=60, required=False)
    citizen_phone = forms.CharField(label=_("Citizen's phone"), max_length=20, required=False)
    citizen_id_number = forms.CharField(
        label=_("Citizen's ID number"), max_length=18, required=False
    )
    anonymous = forms.BooleanField(label=_("Anonymous report"), required=False)
    routing_choice = forms.ChoiceField(
        label=_("Where it goes"),
        choices=(
            (ROUTE_AUTO, _("Follow the routing suggestion")),
            (ROUTE_UNIT, _("Send to the unit I choose")),
            (ROUTE_TRIAGE, _("Keep in the triage queue")),
        ),
        initial=ROUTE_AUTO,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=member_units(),
        required=False,
        to_field_name="code",
        empty_label=_("Choose a unit"),
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("Co-handling units"),
        queryset=member_units(),
        required=False,
        to_field_name="code",
        # Drawn by templates/includes/unit_checks.html, every unit in sight.
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional. Units that help the primary unit; not the primary unit itself."),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = member_units()
        self.fields["co_units"].queryset = member_units()
        bootstrap(self)
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0))

    def clean(self):
        data = super().clean()
        choice, unit, co_units = (
            data.get("routing_choice"),
            data.get("unit"),
            data.get("co_units") or [],
        )
        if choice == ROUTE_UNIT and not unit:
            self.add_error("unit", _("Choose the unit to send the order to."))
        refusal = workflow.primary_among_co_units(unit, [u.code for u in co_units])
        if choice == ROUTE_UNIT and refusal:
            self.add_error("co_units", refusal)
        if choice == ROUTE_TRIAGE and co_units:
            self.add_error(
                "co_units",
                _(
                    "An order kept in the triage queue has no units yet; choose the "
                    "co-handling units when you dispatch it."
                ),
            )
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        choice = data["routing_choice"]
        return {
            "kind": data["kind"],
            "channel": data["channel"],
            "external_ref": data["external_ref"],
            "received_at": data["received_at"],
            "urgency": data["urgency"],
            "title": data["title"],
            "content": data["content"],
            "category": data["category"],
            "business_name": data["business_name"],
            "business_address": data["business_address"],
            "business_credit_code": data["business_credit_code"],
            "town_code": data["town"].code if data["town"] else "",
            "amount": data["amount"],
            "citizen_name": data["citizen_name"],
            "citizen_phone": data["citizen_phone"],
            "citizen_id_number": data["citizen_id_number"],
            "anonymous": data["anonymous"],
            "unit_code": data["unit"].code if choice == ROUTE_UNIT and data["unit"] else "",
            "co_unit_codes": [u.code for u in data["co_units"]],
            "send_to_triage": choice == ROUTE_TRIAGE,
            "attachments": data["attachments"],
        }


class AttachForm(forms.Form):
    attachments = MultipleFileField(label=_("Attachments"))
