from django.urls import path

from . import campaign_views

urlpatterns = [
    path("campaigns/", campaign_views.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_views.campaign_new, name="campaign_new"),
    path("campaigns/<int:campaign_id>/", campaign_views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_id>/edit/", campaign_views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:campaign_id>/log/", campaign_views.campaign_log, name="campaign_log"),
    path(
        "campaigns/<int:campaign_id>/close/", campaign_views.campaign_close, name="campaign_close"
    ),
    path(
        "campaigns/<int:campaign_id>/cancel/",
        campaign_views.campaign_cancel,
        name="campaign_cancel",
    ),
    path(
        "campaigns/<int:campaign_id>/summary.pdf",
        campaign_views.campaign_pdf,
        name="campaign_pdf",
    ),
]
