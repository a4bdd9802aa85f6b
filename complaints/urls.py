from django.urls import path

from . import (
    dispute_views,
    export_views,
    intervention_views,
    mediation_views,
    referral_views,
    views,
)

urlpatterns = [
    path("mediation/", mediation_views.mediation_list, name="mediation_list"),
    path("mediation/new/", mediation_views.mediation_new, name="mediation_new"),
    path(
        "mediation/<int:agreement_id>/", mediation_views.mediation_detail, name="mediation_detail"
    ),
    path(
        "mediation/<int:agreement_id>/scan/", mediation_views.mediation_scan, name="mediation_scan"
    ),
    path(
        "mediation/<int:agreement_id>/act/<slug:action>/",
        mediation_views.mediation_act,
        name="mediation_act",
    ),
    path(
        "orders/<str:number>/litigation/", mediation_views.litigation_mark, name="litigation_mark"
    ),
    path("interventions/", intervention_views.intervention_list, name="intervention_list"),
    path("interventions/new/", intervention_views.intervention_new, name="intervention_new"),
    path(
        "interventions/<int:intervention_id>/",
        intervention_views.intervention_detail,
        name="intervention_detail",
    ),
    path(
        "interventions/<int:intervention_id>/act/<slug:action>/",
        intervention_views.intervention_act,
        name="intervention_act",
    ),
    path("disputes/", dispute_views.dispute_list, name="dispute_list"),
    path("disputes/open/", dispute_views.dispute_open, name="dispute_open"),
    path("disputes/board/", dispute_views.escalation_board, name="escalation_board"),
    path("disputes/<int:dispute_id>/", dispute_views.dispute_detail, name="dispute_detail"),
    path(
        "disputes/<int:dispute_id>/act/<slug:action>/",
        dispute_views.dispute_act,
        name="dispute_act",
    ),
    path("referrals/", referral_views.referral_list, name="referral_list"),
    path("referrals/new/", referral_views.referral_new, name="referral_new"),
    path("referrals/<int:referral_id>/", referral_views.referral_detail, name="referral_detail"),
    path(
        "referrals/<int:referral_id>/act/<slug:action>/",
        referral_views.referral_act,
        name="referral_act",
    ),
    path(
        "referrals/<int:referral_id>/attachments/<int:attachment_id>/",
        referral_views.referral_attachment,
        name="referral_attachment",
    ),
    path("orders/", views.order_list, name="order_list"),
    path("orders/new/", views.intake, name="order_intake"),
    path("orders/route-preview/", views.route_preview, name="order_route_preview"),
    path("orders/export.xlsx", export_views.order_export_old_address, name="order_export"),
    path("orders/exports/", export_views.order_export_list, name="order_export_list"),
    path("orders/exports/new/", export_views.order_export_create, name="order_export_create"),
    path(
        "orders/exports/<int:export_id>/",
        export_views.order_export_detail,
        name="order_export_detail",
    ),
    path(
        "orders/exports/<int:export_id>/download/",
        export_views.order_export_download,
        name="order_export_download",
    ),
    path("orders/overdue/", views.overdue_board, name="overdue_board"),
    path("orders/<str:number>/", views.order_detail, name="order_detail"),
    path("orders/<str:number>/act/<slug:action>/", views.order_act, name="order_act"),
    path("orders/<str:number>/note/", views.order_note, name="order_note"),
    path("orders/<str:number>/attachments/", views.order_attach, name="order_attach"),
    path(
        "orders/<str:number>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
