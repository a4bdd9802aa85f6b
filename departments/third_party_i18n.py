"""Strings of installed apps that ship no Chinese catalogue (django-axes), or that Django's own
Chinese catalogue lacks (strings newer than its last translation), listed here so that
`make messages` extracts them and our catalogue translates them in the admin."""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy

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

# django-celery-beat (2.9) ships a Chinese catalogue, and it applies (its zh_Hans folder is the
# name Django looks for, the app is installed); these are what it lacks (never translated, or
# left fuzzy, which the compiled catalogue leaves out), and the help texts whose Chinese names
# code ("False", "None", "enabled", "all") where a person needs words; and "Microseconds",
# which it calls 毫秒 (milliseconds).
CELERY_BEAT_STRINGS = (
    _("Microseconds"),
    _("Schedule"),
    _("Arguments"),
    _("Execution Options"),
    _("Periodic Tasks Using This Schedule"),
    _('Cron Minutes to Run. Use "*" for "all". (Example: "0,30")'),
    _('Cron Hours to Run. Use "*" for "all". (Example: "8,20")'),
    _('Cron Days Of The Month to Run. Use "*" for "all". (Example: "1,15")'),
    _('Cron Months (1-12) Of The Year to Run. Use "*" for "all". (Example: "1,12")'),
    _(
        'Cron Days Of The Week to Run. Use "*" for "all", Sunday is 0 or 7, Monday is 1. '
        '(Example: "0,5")'
    ),
    _("Set to False to disable the schedule"),
    _("If True, the schedule will only run the task a single time"),
    _(
        "Datetime that the schedule last triggered the task to run. Reset to None if enabled "
        "is set to False."
    ),
)
CELERY_BEAT_PLURALS = (
    ngettext_lazy("{0} task was successfully enabled", "{0} tasks were successfully enabled", 1),
    ngettext_lazy("{0} task was successfully disabled", "{0} tasks were successfully disabled", 1),
    ngettext_lazy("{0} task was successfully toggled", "{0} tasks were successfully toggled", 1),
)

# Django's own Chinese for its form fields' limits reads as a programmer's note (“确保该变量包含
# 不超过 200 字符 (目前字符数 300)”, “确认总共不超过 14 个数字.” with an ASCII full stop) under
# fields the portal words in its own style; our catalogue's wording is taken before Django's.
DJANGO_FORM_STRINGS = (
    _("Ensure this value is less than or equal to %(limit_value)s."),
    _("Ensure this value is greater than or equal to %(limit_value)s."),
)
DJANGO_FORM_PLURALS = (
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        "max",
    ),
)
