from django.contrib import admin

from .models import CalendarDay, DeadlinePolicy


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "urgency", "amount", "unit", "starts_at")
    list_filter = ("name", "kind", "urgency", "unit")
