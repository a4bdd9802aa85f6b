from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortalAdminConfig(AdminConfig):
    default_site = "wuqing_consumer.admin.PortalAdminSite"


class PortalAxesConfig(AxesAppConfig):
    """django-axes under a Chinese name in the admin, where the office unlocks accounts."""

    verbose_name = _("Sign-in protection")


class PortalConfig(AppConfig):
    """The project package as an app, for what every app shares and no app owns: the
    one-time form tokens (`form_once`: their table, template tag and clean-up task)."""

    name = "wuqing_consumer"
