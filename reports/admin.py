from django.contrib import admin

from departments.admin import AuditedAdmin
from wuqing_consumer.admin import CheckedDatesAdmin

from .models import PlanDeadline, ReportingPeriod


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(AuditedAdmin, CheckedDatesAdmin):
    """When a quarter's reports are due, where it is not the 10th day after the quarter (or
    the first working day after, `ReportingPeriod.default_due_on`)."""

    list_display = ("__str__", "due_on", "note")
    list_filter = ("year",)


@admin.register(PlanDeadline)
class PlanDeadlineAdmin(AuditedAdmin, CheckedDatesAdmin):
    """The date by which units file their implementation plans; the office is reminded of
    those that have not filed from that day on."""

    list_display = ("year", "due_on", "note")
