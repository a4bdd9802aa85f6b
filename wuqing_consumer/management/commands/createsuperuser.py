from django.contrib.auth.management.commands.createsuperuser import Command as DjangoCommand

from ._account_audit import AuditedAccountCommand


class Command(AuditedAccountCommand, DjangoCommand):
    pass
