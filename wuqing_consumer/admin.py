from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR, IncorrectLookupParameters
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
)
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, models, transaction
from django.http import HttpResponseRedirect
from django.utils.text import smart_split
from django.utils.translation import gettext_lazy as _

from departments import access

from .dates import validate_date, validate_year


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

    def autocomplete_view(self, request):
        return ForwardFieldsAutocomplete.as_view(admin_site=self)(request)

    def admin_view(self, view, cacheable=False):
        if getattr(view, "__name__", "") == "changelist_view":
            model_admin = view.__self__
            _wrong_lookups_refused(model_admin)
            view = _long_search_cut(_unknown_selection_refused(view, model_admin.model))
        return super().admin_view(_blank_to_field_ignored(view), cacheable)


class ForwardFieldsAutocomplete(AutocompleteJsonView):
    """An autocomplete asked for a model's reverse relation
    (`?app_label=departments&model_name=unit&field_name=duty_contacts`) passed Django's
    checks, which look the field up by name, and failed on it: a 500 (found by fuzzing the
    admin; Django ticket #32619). Only a field of the model's own offers choices; any other
    name is refused as Django refuses an unknown one."""

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if source_field.auto_created and not source_field.concrete:
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name


def _blank_to_field_ignored(admin_view):
    """A blank `_to_field` (?_to_field=) on a record's change or delete page made Django
    look the record up by a field named "", which raised FieldDoesNotExist: a 500 on every
    model's pages, before the permission check (found by fuzzing the admin). Django checks
    the field named only when one is; a blank names none, and is taken as absent."""

    @wraps(admin_view)
    def view(request, *args, **kwargs):
        for method in ("GET", "POST") if request.method == "POST" else ("GET",):
            query = getattr(request, method)
            if TO_FIELD_VAR in query and not query.get(TO_FIELD_VAR):
                query = query.copy()
                del query[TO_FIELD_VAR]
                setattr(request, method, query)
        return admin_view(request, *args, **kwargs)

    return view


LIST_PARAMETERS = {
    ALL_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
    TO_FIELD_VAR,
}
"""What a list's address may hold besides its filters."""


def _wrong_lookups_refused(model_admin: admin.ModelAdmin) -> None:
    """A list's address may filter by any lookup on the model's own fields, and Django
    refuses a wrong one (`?id__exact=abc`) only while it builds the filter. Other values
    fail later, when the rows are counted, and each was a 500 on every model's list, ours and
    the packages' alike (found by fuzzing the admin): `?id__regex=[` (the database refuses
    the pattern), `?id__range=1` (one bound), `?created_at__year=0` or a date hierarchy's
    year 9999 (no such year for a date), a year of twenty digits (OverflowError). While the
    list has filters in its address, such a failure is taken for Django's wrong lookup: the
    list again without its filters (`?e=1`). A list that fails without any is a fault, and
    stays one."""
    build = model_admin.get_changelist_instance
    if getattr(build, "wrong_lookups_refused", False):
        return

    @wraps(build)
    def guarded(request):
        try:
            with transaction.atomic():
                return build(request)
        except (DataError, OverflowError, ValueError, TypeError, IndexError) as error:
            if set(request.GET) <= LIST_PARAMETERS:
                raise
            raise IncorrectLookupParameters(error) from error

    guarded.wrong_lookups_refused = True
    model_admin.get_changelist_instance = guarded


MAX_SEARCH_WORDS = 10


def _long_search_cut(changelist_view):
    """Django's admin looks for every word of a search (`q`) in each search field, a join
    and an OR for each, and PostgreSQL's planning grows with the square of the words: found
    by fuzzing the admin, a search of 100 words took 10 s and one of 1,500 held a database
    connection for 7 minutes. A search of more words than anyone types is cut to its first
    MAX_SEARCH_WORDS, and the list says so."""

    @wraps(changelist_view)
    def view(request, *args, **kwargs):
        words = list(smart_split(request.GET.get(SEARCH_VAR, "")))
        if len(words) > MAX_SEARCH_WORDS:
            query = request.GET.copy()
            query[SEARCH_VAR] = " ".join(words[:MAX_SEARCH_WORDS])
            request.GET = query
            messages.warning(
                request,
                _("Only the first %(count)s words of the search were looked for.")
                % {"count": MAX_SEARCH_WORDS},
            )
        return changelist_view(request, *args, **kwargs)

    return view


def _unknown_selection_refused(changelist_view, model: type[models.Model]):
    """An action on a selection holding something that is no record's id (`abc`, a blank)
    made Django's list filter the rows by it, which raised ValueError: a 500, on every list
    with actions, ours and the packages' alike (found by fuzzing the admin). Such a
    selection is refused, as Django refuses an empty one, and nothing is changed."""

    @wraps(changelist_view)
    def view(request, *args, **kwargs):
        if request.method == "POST" and ACTION_CHECKBOX_NAME in request.POST:
            key = model._meta.pk
            try:
                for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
                    key.get_prep_value(key.to_python(value))
            except (ValidationError, TypeError, ValueError):
                messages.warning(
                    request,
                    _("The selection names records that do not exist. No items have been changed."),
                )
                return HttpResponseRedirect(request.get_full_path())
        return changelist_view(request, *args, **kwargs)

    return view


class CheckedDatesAdmin(admin.ModelAdmin):
    """A date typed in the admin (a holiday, a reporting or filing deadline, the days a unit
    reports from and until) follows the portal's rule for the years a date may have, as
    every other form does; so does a year typed on its own (a field named `year`), which
    took 0 or 2147483647 (found by fuzzing the admin)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is None:
            return field
        if isinstance(db_field, models.DateField):
            field.validators = [*field.validators, validate_date]
        elif isinstance(db_field, models.IntegerField) and db_field.name == "year":
            field.validators = [*field.validators, validate_year]
        return field
