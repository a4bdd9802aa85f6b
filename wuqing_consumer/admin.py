from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from departments import access


class PortalAdminSite(admin.AdminSite):
    """The admin for the office and system administrators; roles, not is_staff, let people in."""

    site_header = _("Wuqing consumer protection portal: administration")
    site_title = _("Portal administration")
    index_title = _("Administration")
    site_url = "/"

    def has_permission(self, request):
        return request.user.is_active and access.can_use_admin(request.user)

    def login(self, request, extra_context=None):
        """One sign-in page for the whole portal; a signed-in person without admin rights
        gets a clear "not allowed" rather than a login form that would send them in circles."""
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", "/admin/"))
