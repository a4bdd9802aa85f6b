from django.contrib import admin

from .models import Release, ReleaseEvent, ViolatorEntry


class ReadOnly(admin.ModelAdmin):
    """Releases change only through the services (history, notifications); the admin shows
    them for support and never writes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ViolatorInline(admin.TabularInline):
    model = ViolatorEntry
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in ViolatorEntry._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = ReleaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "action", "actor", "note", "data"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Release)
class ReleaseAdmin(ReadOnly):
    list_display = ["title", "kind", "unit", "status", "published_at"]
    list_filter = ["status", "kind", "unit"]
    search_fields = ["title"]
    inlines = [ViolatorInline, EventInline]
