from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from . import access
from .choices import RoleCode
from .models import DutyContact, User
from .services import DUTY_CONTACT_FIELDS


class SignInForm(AuthenticationForm):
    """Django's sign-in form, its username held to the length a username can have. Django
    only sets the length on the field, which checks nothing; a longer name went on to
    axes, which records a failed attempt under a name of at most 255 characters, and the
    sign-in page answered 500."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class DutyContactForm(forms.ModelForm):
    """Validates input only; the view passes cleaned data to the service that writes.

    Editing a contact, the form carries the version it was loaded with, which the service
    compares with the current one (a post without it counts as stale)."""

    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = DutyContact
        fields = DUTY_CONTACT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in DUTY_CONTACT_FIELDS}

    def expected_version(self) -> int:
        version = self.cleaned_data.get("version")
        return -1 if version is None else version


class DutyContactDeleteForm(forms.Form):
    """The confirmation to delete carries the version the page showed; a post without a
    valid one counts as stale, as for the edit form."""

    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def expected_version(self) -> int:
        version = self.cleaned_data.get("version") if self.is_valid() else None
        return -1 if version is None else version


class NotificationSettingsForm(forms.ModelForm):
    """Each channel says what it carries, so a person chooses it knowing what a text
    message would say (the title alone: `notifications._sms`), by an example of a notice
    the person would receive: a unit's people are told of new orders, the office of orders
    returned to it, the group leader of disputes for him to decide (`SMS_EXAMPLES`)."""

    SMS_EXAMPLES = (
        (
            access.UNIT_HANDLER_ROLES,
            _(
                "The notice's title alone, such as a new order's number and by when to sign "
                "for it; not its text, which may quote a citizen."
            ),
        ),
        (
            access.OFFICE_HANDLER_ROLES,
            _(
                "The notice's title alone, such as an order a unit returned: its number, the "
                "unit and how many times it came back; not its text, which may quote a "
                "citizen."
            ),
        ),
        (
            {RoleCode.GROUP_LEADER},
            _(
                "The notice's title alone, such as a jurisdiction dispute that waits for your "
                "decision, by its number; not its text, which may quote a citizen."
            ),
        ),
    )

    class Meta:
        model = User
        fields = ["notify_by_email", "notify_by_sms", "daily_digest"]
        help_texts = {
            "notify_by_email": _("The notice's title and text, with a link to the page."),
            "notify_by_sms": _(
                "The notice's title alone; not its text, which may quote a citizen."
            ),
            "daily_digest": _(
                "Once a day, when there are any: the orders you handle that are overdue or "
                "due by the end of the next working day."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for roles, example in self.SMS_EXAMPLES:
            if access.has_role(self.instance, *roles):
                self.fields["notify_by_sms"].help_text = example
                break
