from axes.management.commands.axes_reset import Command as AxesCommand

from ._axes_audit import AuditedAxesCommand


class Command(AuditedAxesCommand, AxesCommand):
    pass
