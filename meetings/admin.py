from django.contrib import admin

from .models import ActionItem, AgendaItem, JointMeeting, MeetingEvent, Resolution


class ReadOnlyAdmin(admin.ModelAdmin):
    """Meetings change through their screens, which keep the history; the admin only shows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JointMeeting)
class JointMeetingAdmin(ReadOnlyAdmin):
    list_display = ("planned_on", "title", "kind", "status", "held_on")
    list_filter = ("kind", "status")
    search_fields = ("title", "place")
    date_hierarchy = "planned_on"


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ("question", "kind", "proposed_by", "team", "meeting", "status")
    list_filter = ("status", "kind")
    # The meeting and the team may be empty, which the admin's own join leaves out.
    list_select_related = ("proposed_by", "team__dispute", "team__lead_unit", "meeting")


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "number", "text", "settles_item")


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ("task", "owner", "due_on", "status")
    list_filter = ("status", "owner")


@admin.register(MeetingEvent)
class MeetingEventAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "action", "actor", "created_at")
    list_select_related = ("meeting", "actor")
