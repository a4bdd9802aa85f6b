from axes.management.commands.axes_reset_username import Command as AxesCommand

from ._axes_audit import AuditedAxesCommand


class Command(AuditedAxesCommand, AxesCommand):
    pass
