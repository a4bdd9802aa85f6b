"""Django's makemessages, which also finds the messages the system writes for others with
`written("...")` and `written_plural("...", "...")` (wuqing_consumer.language): their first
arguments are messages as much as gettext's are."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        "--keyword=written",
        "--keyword=written_plural:1,2",
    ]
