"""Forms shape input for the campaign services; they write nothing themselves."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from departments.choices import UnitKind
from departments.models import Unit

from . import campaigns
from .choices import CampaignStatus, CampaignTopic
from .models import ACTION_COUNTS, Campaign, CampaignAction

KEYWORDS_HELP = _("One per line; work orders whose business name contains one are linked.")


def _member_units():
    return Unit.objects.filter(kind=UnitKind.MEMBER, is_active=True).order_by("sort_order", "code")


class CampaignForm(forms.Form):
    title = forms.CharField(
        label=capfirst(_("title")),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    topic = forms.ChoiceField(
        label=capfirst(_("topic")),
        choices=[("", "—"), *CampaignTopic.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    goal = forms.CharField(
        label=capfirst(_("goal")),
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    starts_on = forms.DateField(
        label=capfirst(_("starts on")),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"class": "form-control", "type": "date"}),
    )
    ends_on = forms.DateField(
        label=capfirst(_("ends on")),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"class": "form-control", "type": "date"}),
    )
    lead_unit = forms.ModelChoiceField(
        label=capfirst(_("lead unit")),
        queryset=Unit.objects.none(),
        empty_label="—",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    units = forms.ModelMultipleChoiceField(
        label=capfirst(_("participating units")),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    targets = forms.CharField(
        label=capfirst(_("target businesses or areas")),
        help_text=_("One per line."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    keywords = forms.CharField(
        label=capfirst(_("business-name keywords")),
        help_text=KEYWORDS_HELP,
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )

    def __init__(self, data=None, *, campaign: Campaign | None = None, **kwargs):
        if campaign is not None and data is None:
            kwargs["initial"] = {
                "title": campaign.title,
                "topic": campaign.topic,
                "goal": campaign.goal,
                "starts_on": campaign.starts_on,
                "ends_on": campaign.ends_on,
                "lead_unit": campaign.lead_unit_id,
                "units": list(campaign.units.values_list("id", flat=True)),
                "targets": campaign.targets,
                "keywords": campaign.keywords,
            }
        super().__init__(data, **kwargs)
        self.is_new = campaign is None
        self.fields["lead_unit"].queryset = _member_units()
        self.fields["units"].queryset = _member_units()

    def clean(self):
        cleaned = super().clean()
        ends_on = cleaned.get("ends_on")
        problem = campaigns.period_error(cleaned.get("starts_on"), ends_on)
        if not problem and self.is_new:
            problem = campaigns.ended_error(ends_on)
        if problem:
            self.add_error("ends_on", problem)
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "topic": data["topic"],
            "goal": data["goal"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "lead_unit_id": data["lead_unit"].id,
            "unit_ids": [u.id for u in data["units"]],
            "targets": data["targets"],
            "keywords": data["keywords"],
        }


class ActionForm(forms.Form):
    day = forms.DateField(
        label=capfirst(_("date")),
        error_messages={"required": _("Give the date of the action.")},
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"class": "form-control", "type": "date"}),
    )
    note = forms.CharField(
        label=capfirst(_("note")),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        for field in ACTION_COUNTS:
            self.fields[field] = forms.IntegerField(
                label=capfirst(CampaignAction._meta.get_field(field).verbose_name),
                required=False,
                min_value=0,
                widget=forms.NumberInput(attrs={"class": "form-control", "min": 0}),
            )

    def clean(self):
        cleaned = super().clean()
        # A day left empty or not a date is reported by its field; a wrong one here, with
        # the numbers' errors, in the service's words (`campaigns.action_day_error`).
        if "day" in cleaned and (
            problem := campaigns.action_day_error(self.campaign, cleaned["day"])
        ):
            self.add_error("day", problem)
        return cleaned

    def counts(self) -> dict:
        return {field: self.cleaned_data.get(field) or 0 for field in ACTION_COUNTS}


class CloseForm(forms.Form):
    summary = forms.CharField(
        label=capfirst(pgettext_lazy("a written account of work done", "summary")),
        max_length=20000,
        # What is missing, as the service says it (`campaigns.campaign_close`).
        error_messages={"required": _("Write the campaign's summary before closing it.")},
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 8}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=capfirst(_("reason for cancelling")),
        max_length=20000,
        # What is missing, as the service says it (`campaigns.campaign_cancel`).
        error_messages={"required": _("Say why the campaign is cancelled.")},
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
    )


class CampaignFilter(forms.Form):
    status = forms.ChoiceField(
        label=capfirst(_("status")),
        required=False,
        choices=[("", _("All statuses")), *CampaignStatus.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
    )
    topic = forms.ChoiceField(
        label=capfirst(_("topic")),
        required=False,
        choices=[("", _("All topics")), *CampaignTopic.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
    )
