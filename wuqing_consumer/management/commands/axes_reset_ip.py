from axes.management.commands.axes_reset_ip import Command as AxesCommand

from ._axes_audit import AuditedAxesCommand


class Command(AuditedAxesCommand, AxesCommand):
    pass
