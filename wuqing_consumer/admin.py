from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from departments import access

from .dates import validate_date


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


class CheckedDatesAdmin(admin.ModelAdmin):
    """A date typed in the admin (a holiday, a reporting or filing deadline) follows the
    portal's rule for the years a date may have, as every other form does."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateField) and field is not None:
            field.validators = [*field.validators, validate_date]
        return field
