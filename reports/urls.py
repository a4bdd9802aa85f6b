from django.urls import path

from . import dashboard_views, plan_views, summary_views, views

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/start/", views.report_start, name="report_start"),
    path("reports/<str:period>/chase/", views.reports_chase, name="reports_chase"),
    path("reports/<int:report_id>/", views.unit_report, name="unit_report"),
    path(
        "reports/<int:report_id>/act/<slug:action>/",
        views.unit_report_act,
        name="unit_report_act",
    ),
    path(
        "reports/<int:report_id>/attachments/",
        views.unit_report_attach,
        name="unit_report_attach",
    ),
    path(
        "reports/<int:report_id>/attachments/<int:attachment_id>/",
        views.report_attachment_download,
        name="report_attachment_download",
    ),
    path(
        "reports/<int:report_id>/attachments/<int:attachment_id>/remove/",
        views.unit_report_detach,
        name="unit_report_detach",
    ),
    path("reports/annual/", summary_views.annual_summaries, name="annual_summaries"),
    path("reports/education/", summary_views.education_events, name="education_events"),
    path("reports/annual/start/", summary_views.summary_start, name="annual_summary_start"),
    path("reports/annual/<int:summary_id>/", summary_views.annual_summary, name="annual_summary"),
    path(
        "reports/annual/<int:summary_id>/return/",
        summary_views.summary_return,
        name="annual_summary_return",
    ),
    path(
        "reports/annual/<int:summary_id>/acknowledge/",
        summary_views.summary_acknowledge,
        name="annual_summary_acknowledge",
    ),
    path(
        "reports/annual/<int:summary_id>/attachments/",
        summary_views.summary_attach,
        name="annual_summary_attach",
    ),
    path(
        "reports/annual/<int:summary_id>/attachments/<int:attachment_id>/remove/",
        summary_views.summary_detach,
        name="annual_summary_detach",
    ),
    path(
        "reports/annual/<int:summary_id>/attachments/<int:attachment_id>/",
        summary_views.summary_attachment_download,
        name="annual_summary_attachment",
    ),
    path(
        "reports/annual/<int:year>/archive.zip",
        summary_views.summaries_archive,
        name="annual_summaries_archive",
    ),
    path(
        "reports/annual/<int:year>/register.xlsx",
        summary_views.summaries_register,
        name="annual_summaries_register",
    ),
    path(
        "reports/annual/<int:year>/chase/",
        summary_views.summaries_chase,
        name="annual_summaries_chase",
    ),
    path("reports/plans/", plan_views.plan_list, name="plan_list"),
    path("reports/plans/start/", plan_views.plan_start, name="plan_start"),
    path("reports/plans/<int:plan_id>/", plan_views.plan_detail, name="plan_detail"),
    path("reports/plans/<int:plan_id>/review/", plan_views.plan_review, name="plan_review"),
    path("reports/plans/<int:plan_id>/attachments/", plan_views.plan_attach, name="plan_attach"),
    path(
        "reports/plans/<int:plan_id>/attachments/<int:attachment_id>/",
        plan_views.plan_attachment_download,
        name="plan_attachment",
    ),
    path(
        "reports/plans/<int:plan_id>/attachments/<int:attachment_id>/remove/",
        plan_views.plan_detach,
        name="plan_detach",
    ),
    path("reports/plans/<int:year>/archive.zip", plan_views.plans_archive, name="plans_archive"),
    path(
        "reports/plans/<int:year>/register.pdf",
        plan_views.plans_register_pdf,
        name="plans_register_pdf",
    ),
    path("reports/evaluations/", plan_views.evaluations, name="evaluations"),
    path(
        "reports/evaluations/<int:evaluation_id>/files/<int:attachment_id>/",
        plan_views.evaluation_file,
        name="evaluation_file",
    ),
    path(
        "reports/evaluations/<int:evaluation_id>/remove/",
        plan_views.evaluation_remove,
        name="evaluation_remove",
    ),
    path("reports/district/<str:period>/", views.district_report, name="district_report"),
    path(
        "reports/district/<str:period>/files/",
        views.district_report_status,
        name="district_report_status",
    ),
    path(
        "reports/district/<str:period>/comment/",
        views.district_report_comment,
        name="district_report_comment",
    ),
    path(
        "reports/district/<str:period>/rebuild/",
        views.district_report_rebuild,
        name="district_report_rebuild",
    ),
    path(
        "reports/district/<str:period>/download.<slug:kind>",
        views.district_report_file,
        name="district_report_file",
    ),
]
