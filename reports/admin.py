from django.contrib import admin

from .models import ReportingPeriod


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    """When a quarter's reports are due, where it is not the 10th day after the quarter."""

    list_display = ("__str__", "due_on", "note")
    list_filter = ("year",)
