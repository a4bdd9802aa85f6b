from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortalAdminConfig(AdminConfig):
    default_site = "wuqing_consumer.admin.PortalAdminSite"


class PortalAxesConfig(AxesAppConfig):
    """django-axes under a Chinese name in the admin, where the office unlocks accounts."""

    verbose_name = _("Sign-in protection")
