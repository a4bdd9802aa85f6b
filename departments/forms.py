from django import forms

from .models import DutyContact, User
from .services import DUTY_CONTACT_FIELDS


class DutyContactForm(forms.ModelForm):
    """Validates input only; the view passes cleaned data to the service that writes."""

    class Meta:
        model = DutyContact
        fields = DUTY_CONTACT_FIELDS


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["notify_by_email", "notify_by_sms", "daily_digest"]
