from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("notifications/", views.notification_list, name="notification_list"),
    path(
        "notifications/<int:notification_id>/",
        views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read-all/",
        views.notification_mark_all_read,
        name="notification_mark_all_read",
    ),
    path(
        "accounts/notifications/",
        views.notification_settings,
        name="notification_settings",
    ),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<slug:code>/", views.unit_detail, name="unit_detail"),
    path("units/<slug:code>/people/", views.unit_people, name="unit_people"),
    path(
        "units/<slug:code>/duty-contacts/new/",
        views.duty_contact_create,
        name="duty_contact_create",
    ),
    path(
        "duty-contacts/<int:contact_id>/edit/",
        views.duty_contact_update,
        name="duty_contact_update",
    ),
    path(
        "duty-contacts/<int:contact_id>/delete/",
        views.duty_contact_delete,
        name="duty_contact_delete",
    ),
]
