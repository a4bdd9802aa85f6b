from django.contrib import admin

from .models import CalendarDay, DeadlinePolicy, RoutingRule


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


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "primary_unit", "priority", "is_active", "updated_at")
    list_filter = ("primary_unit", "is_active")
    search_fields = ("name", "key", "categories", "any_of", "all_of", "none_of")
    filter_horizontal = ("co_units",)
    list_select_related = ("primary_unit",)
