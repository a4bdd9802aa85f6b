from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "wuqing_consumer.admin.PortalAdminSite"
