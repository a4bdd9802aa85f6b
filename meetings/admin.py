from django.contrib import admin

from .models import AgendaItem, JointMeeting


@admin.register(JointMeeting)
class JointMeetingAdmin(admin.ModelAdmin):
    list_display = ("planned_on", "title", "kind", "status", "held_on")
    list_filter = ("kind", "status")
    search_fields = ("title", "place")
    date_hierarchy = "planned_on"


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ("question", "proposed_by", "team", "meeting", "status")
    list_filter = ("status",)
