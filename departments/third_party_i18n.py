"""Strings of installed apps that ship no Chinese catalogue (django-axes), or that Django's own
Chinese catalogue lacks (strings newer than its last translation), listed here so that
`make messages` extracts them and our catalogue translates them in the admin."""

from django.utils.translation import gettext_noop as _

AXES_STRINGS = (
    _("access attempt"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("Access Attempt"),
    _("Access lock out"),
    _("Attempt Remaining"),
    _("Attempt Time"),
    _("Expires At"),
    _("Failed Logins"),
    _("Form Data"),
    _("GET Data"),
    _("POST Data"),
    _("HTTP Accept"),
    _("IP Address"),
    _("Locked Out"),
    _("Logout Time"),
    _("Meta Data"),
    _("Not set"),
    _("Path"),
    _("User Agent"),
    _("Username"),
    _("Clean up expired attempts"),
)

# Django's admin (5.2) writes these in its templates; its zh_Hans catalogue does not have them,
# so the Chinese admin showed them in English (screen readers read the first three).
DJANGO_ADMIN_STRINGS = (
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    _("Error:"),
    _("After you’ve created a user, you’ll be able to edit more user options."),
)
