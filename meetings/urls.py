from django.urls import path

from . import views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/questions/", views.agenda_propose, name="agenda_propose"),
    path("meetings/actions/", views.action_items, name="action_items"),
    path(
        "meetings/actions/<int:action_id>/<slug:verb>/",
        views.action_act,
        name="action_act",
    ),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path(
        "meetings/<int:meeting_id>/act/<slug:action>/",
        views.meeting_act,
        name="meeting_act",
    ),
    path("meetings/<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="meeting_minutes_pdf"),
]
