from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from complaints.clients import api_client_create
from complaints.models import api_client_refusals
from wuqing_consumer.texts import sentences

CALLBACK_URL = forms.URLField(assume_scheme="https", required=False)
"""The admin's field for the URL (`ApiClientAdmin.formfield_overrides`): typed without a
scheme, an address is taken as https://, here as there."""

ARGUMENTS = {
    "name": "NAME",
    "callback_url": "--callback-url",
    "channel": "--channel",
    "rate_limit_per_minute": "--rate-limit",
}
"""The client's fields as the arguments that give them, in the order of the usage line."""


class Command(BaseCommand):
    """Everything it writes, its help, labels and refusals alike, is in the command's
    language: Django's default for a management command, settings.LANGUAGE_CODE (or the
    language active around `call_command`)."""

    @property
    def help(self) -> str:
        # Read when the parser is made, in the command's language (argparse takes no lazy
        # text).
        return _(
            "Create an API client (the 12345 hotline, the 12315 platform) and print its API "
            "key and its callback signing secret. They are shown once: only a hash of the key "
            "is kept, and the secret is derived from API_SIGNING_KEY and a salt kept for the "
            "client (a database restored under another API_SIGNING_KEY signs with other "
            "secrets)."
        )

    def add_arguments(self, parser):
        parser.add_argument("name", metavar="NAME")
        parser.add_argument(
            "--callback-url", default="", help=_("Where status changes are POSTed.")
        )
        parser.add_argument(
            "--channel",
            default="12345",
            choices=["12345", "12315"],
            help=_("Channel of its orders."),
        )
        parser.add_argument("--rate-limit", type=int, default=600, help=_("Requests per minute."))

    def handle(self, *args, **options):
        try:
            callback_url = CALLBACK_URL.to_python(options["callback_url"])
        except ValidationError:
            # Not one the URL validator of the client's field accepts either: refused by
            # the service below, and with the other arguments' refusals.
            callback_url = options["callback_url"]
        try:
            client, key, secret = api_client_create(
                name=options["name"],
                callback_url=callback_url,
                rate_limit_per_minute=options["rate_limit"],
                channel=options["channel"],
                command="manage.py create_api_client",
            )
        except ValidationError as error:
            raise CommandError(
                _refusal(error, name=options["name"], callback_url=callback_url)
            ) from None
        self.stdout.write(
            _("API client: %(name)s (id %(id)s)") % {"name": client.name, "id": client.id}
        )
        self.stdout.write(_("API key: %(key)s") % {"key": key})
        self.stdout.write(_("Signing secret: %(secret)s") % {"secret": secret})
        # As stored: one typed without a scheme is https://, which a plain-HTTP receiver
        # would never hear from.
        if client.callback_url:
            self.stdout.write(_("Callback URL: %(url)s") % {"url": client.callback_url})
        else:
            self.stdout.write(_("Callback URL: none yet (set it in the admin, under API clients)"))
        self.stdout.write(
            _("Keep both now: they cannot be shown again (rotate them in the admin if lost).")
        )


def _refusal(error: ValidationError, *, name: str, callback_url: str) -> str:
    """One line per argument refused, "ARGUMENT: reasons", in the command's language. A
    reason that says what is wrong hides the generic one given for the same value
    (`api_client_refusals`)."""
    if hasattr(error, "error_dict"):
        errors = error.error_dict
    else:
        errors = {NON_FIELD_ERRORS: error.error_list}
    lines = []
    for field in [*ARGUMENTS, *(f for f in errors if f not in ARGUMENTS)]:
        field_errors = api_client_refusals(errors.get(field, []), callback_url=callback_url)
        reasons = []
        for e in field_errors:
            if field == "name" and e.code == "unique":
                # Run twice, most often because the key was lost: that is a rotation.
                reasons.append(
                    _(
                        "An API client named “%(name)s” already exists. Give another name; "
                        "or, if its key or signing secret was lost, issue a new one in the "
                        "admin (API clients, 对接系统)."
                    )
                    % {"name": name}
                )
            else:
                reasons.extend(e.messages)
        if not reasons:
            continue
        reason = sentences(*reasons)
        if field in ARGUMENTS:
            reason = _("%(argument)s: %(reason)s") % {
                "argument": ARGUMENTS[field],
                "reason": reason,
            }
        lines.append(reason)
    return "\n".join(lines)
