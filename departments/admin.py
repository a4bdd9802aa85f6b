import calendar
import copy
import functools
import json
import re
import zoneinfo

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from celery.schedules import ParseException
from cron_descriptor import ExpressionDescriptor
from cron_descriptor import FormatException as CronFormatException
from cron_descriptor import MissingFieldException as CronMissingFieldException
from cron_descriptor import Options as CronOptions
from cron_descriptor import WrongArgumentException as CronWrongArgumentException
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    ReadOnlyPasswordHashWidget,
    SetUnusablePasswordMixin,
    UserChangeForm,
    UserCreationForm,
)
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest, QueryDict
from django.utils import translation
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import format_lazy, smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django_celery_beat.admin import (
    ClockedScheduleAdmin,
    CrontabScheduleAdmin,
    IntervalScheduleAdmin,
    PeriodicTaskAdmin,
    PeriodicTaskForm,
    PeriodicTaskInline,
    SolarScheduleAdmin,
)
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
    cronexp,
)
from kombu.utils.json import loads as json_loads

from complaints.filters import text_lookup
from wuqing_consumer.admin import CheckedDatesAdmin
from wuqing_consumer.language import SUMMARY_MESSAGE, Reader, bracketed, list_separator

from . import access, audit_actions, services, trail
from .choices import RoleCode
from .forms import DutyContactDeleteForm
from .models import AuditEntry, Delivery, DutyContact, Role, Town, Unit, User
from .roles import role_errors
from .services import DUTY_CONTACT_FIELDS


class ActionsInOneTransaction:
    """Django runs an admin action (delete selected, unlock) outside a transaction: here the
    changes, their audit entries and the admin's log are written in one, so an entry that
    cannot be written leaves nothing changed."""

    def response_action(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().response_action(request, queryset)


class AuditedAdmin(ActionsInOneTransaction):
    """Every row created, changed (on its page, in the list's editable columns, or by an
    admin action) or deleted (one at a time or a selection) leaves an entry in the audit
    trail, `<model>.create`, `.update` or `.delete`, with the old and new values of the
    fields that changed, in the admin's transaction (`services.config_changes_audit`). The
    admin's own forms and actions still write the rows."""

    def save_model(self, request, obj, form, change):
        """Reads the row as stored, locked, before the form's values are saved over it."""
        form.audit_before = (
            services.config_snapshot(self.model, obj.pk, lock=True) if change else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.config_changes_audit(
            acting_user=request.user, obj=form.instance, before=form.audit_before
        )

    def delete_model(self, request, obj):
        services.config_delete_audit(acting_user=request.user, obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset.order_by("pk"):
            services.config_delete_audit(acting_user=request.user, obj=obj)
        super().delete_queryset(request, queryset)

    def get_actions(self, request):
        """An action that changes the selected rows itself (enabling a scheduled task,
        say) is compared before and after too; deleting a selection goes through
        `delete_queryset`."""
        actions = super().get_actions(request)
        return {
            key: (
                (func, name, description)
                if name == "delete_selected"
                else (self._audited_action(func, name), name, description)
            )
            for key, (func, name, description) in actions.items()
        }

    def _audited_action(self, func, name):
        @functools.wraps(func)
        def audited(modeladmin, request, queryset):
            ids = list(queryset.order_by().values_list("pk", flat=True))
            before = {pk: services.config_snapshot(self.model, pk, lock=True) for pk in ids}
            response = func(modeladmin, request, queryset)
            for obj in self.model._default_manager.filter(pk__in=ids).order_by("pk"):
                services.config_changes_audit(
                    acting_user=request.user, obj=obj, before=before[obj.pk], admin_action=name
                )
            return response

        return audited


class DutyContactAdminForm(forms.ModelForm):
    """The admin's edits follow the same version as the portal's form: a change made from
    a page loaded before someone else's change is refused here, with the form's error. The
    admin saves in one transaction, so the row locked here stays locked until the save,
    which goes through the portal's service (that moves the version on and audits)."""

    class Meta:
        model = DutyContact
        fields = ("unit", "label", "person", "phone", "hours", "note", "sort_order", "version")
        widgets = {"version": forms.HiddenInput}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and self.has_changed():
            current = (
                DutyContact.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None and cleaned.get("version") != current:
                # A row ticked for deletion is refused too: the unit's page skips the errors
                # of rows it deletes, so the tick is taken off this one.
                if DELETION_FIELD_NAME in cleaned:
                    cleaned[DELETION_FIELD_NAME] = False
                raise forms.ValidationError(
                    # The admin shows the form as it was sent (less a deletion tick), not
                    # the contact as it is now, and with the version it was loaded at.
                    _(
                        "Someone else changed this duty contact while you had the page open, "
                        "so nothing was saved. The form below does not show the contact as it "
                        "is now: open the contact again to see it, then make your change again "
                        "if it is still needed."
                    ),
                    code="stale",
                )
        return cleaned

    def service_fields(self) -> dict:
        return {k: self.cleaned_data[k] for k in DUTY_CONTACT_FIELDS if k in self.cleaned_data}


def duty_contact_save(request: HttpRequest, form: DutyContactAdminForm, unit: Unit) -> DutyContact:
    """Save the admin's form through the portal's services, in the admin's transaction, so
    that an admin edit is audited as a portal edit is; the form's instance then reflects
    the row (its id for the admin's history, its new version)."""
    contact = form.instance
    if contact.pk is None:
        saved = services.duty_contact_create(
            unit_code=unit.code, acting_user=request.user, **form.service_fields()
        )
    else:
        saved = services.duty_contact_update(
            contact_id=contact.pk,
            acting_user=request.user,
            expected_version=form.cleaned_data["version"],
            **form.service_fields(),
        )
    contact.pk, contact.version, contact.updated_at = saved.pk, saved.version, saved.updated_at
    return saved


class DutyContactFormSet(forms.BaseInlineFormSet):
    """An inactive unit takes no new duty contact (the portal's services keep its contacts as
    they are): one typed on such a unit's page, or on the page that deactivates it, was
    refused after the unit was saved, with the 404 page and all that was typed lost (found by
    fuzzing the admin). It is refused at its row, nothing saved."""

    def clean(self):
        super().clean()
        if self.instance.is_active:
            return
        for contact_form in self.forms:
            if (
                contact_form.instance.pk is None
                and contact_form.has_changed()
                and not self._should_delete_form(contact_form)
            ):
                contact_form.add_error(
                    None,
                    _(
                        "An inactive unit takes no new duty contact: tick “active” to keep "
                        "the unit in use, or leave this row empty."
                    ),
                )


class DutyContactInline(admin.TabularInline):
    model = DutyContact
    form = DutyContactAdminForm
    formset = DutyContactFormSet
    extra = 0
    fields = ("label", "person", "phone", "hours", "note", "sort_order", "version")
    max_num = 50

    def get_formset(self, request, obj=None, **kwargs):
        # Django clamps a posted TOTAL_FORMS at max_num + 1000 forms: a forged count gave a
        # 6 MB page of 2,000 empty rows in 6 s. More than max_num is refused with a message.
        kwargs.setdefault("absolute_max", self.max_num)
        return super().get_formset(request, obj, **kwargs)


@admin.register(Unit)
class UnitAdmin(AuditedAdmin, CheckedDatesAdmin):
    list_display = (
        "name",
        "name_en",
        "code",
        "kind",
        "handles_disputes",
        "is_active",
        "reporting",
    )
    list_filter = ("kind", "handles_disputes", "is_active")
    search_fields = ("name", "full_name", "name_en", "code", "remit")
    ordering = ("sort_order",)
    inlines = [DutyContactInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("reports"), ordering="reports_since")
    def reporting(self, unit: Unit) -> SafeString:
        """The first and last day it reports, in one short column: two columns of long
        dates pushed the list past a laptop's width and squeezed the names."""
        until = unit.reports_until.isoformat() if unit.reports_until else ""
        return format_html(
            '<span class="nowrap">{} –</span> <span class="nowrap">{}</span>',
            unit.reports_since.isoformat(),
            until,
        )

    def get_readonly_fields(self, request, obj=None):
        # Codes are identifiers other systems store; they never change once a unit exists.
        return ("code", "kind") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_formset(self, request, form, formset, change):
        """Duty contacts added, changed or deleted on the unit's page go through the portal's
        services (audited, versioned) instead of the formset's own save."""
        if formset.model is not DutyContact:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # lists the new, changed and deleted rows for the history
        for contact_form in formset.forms:
            if contact_form in formset.deleted_forms:
                if contact_form.instance.pk is not None:
                    version = contact_form.cleaned_data.get("version")
                    services.duty_contact_delete(
                        contact_id=contact_form.instance.pk,
                        acting_user=request.user,
                        expected_version=-1 if version is None else version,
                    )
            elif contact_form.has_changed():
                duty_contact_save(request, contact_form, form.instance)
        return None


@admin.register(Town)
class TownAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "name_en", "kind", "code", "sort_order", "is_active")
    list_filter = ("kind", "is_active")
    list_editable = ("sort_order", "is_active")
    search_fields = ("name", "name_en", "code")


@admin.register(DutyContact)
class DutyContactAdmin(admin.ModelAdmin):
    """Every write goes through the portal's services, so the audit trail has the admin's
    changes too. A contact stays with its unit (the services keep one unit's line apart
    from another's); to move one, add it to the other unit and delete it here."""

    form = DutyContactAdminForm
    list_display = ("unit", "label", "person", "phone", "hours", "updated_at")
    list_filter = ("unit",)
    search_fields = ("unit__name", "label", "person", "phone")
    list_select_related = ("unit",)

    def get_readonly_fields(self, request, obj=None):
        return ("unit",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = access.units_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        duty_contact_save(request, form, obj.unit)

    def get_actions(self, request):
        """No deleting of a selection: the list carries no versions, so it could delete a
        contact changed a moment ago. One at a time, the confirmation page carries it."""
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        """A stale confirmation (StaleDutyContact from delete_model, which rolls back the
        admin's transaction) gets the confirmation page again, for the contact as it is
        now and with its current version, answered 409."""
        try:
            return super().delete_view(request, object_id, extra_context)
        except services.StaleDutyContact as stale:
            self.message_user(request, str(stale), messages.ERROR)
        again = copy.copy(request)
        again.method, again.POST = "GET", QueryDict()
        response = super().delete_view(again, object_id, extra_context)
        response.status_code = 409
        return response

    def delete_model(self, request, obj):
        services.duty_contact_delete(
            contact_id=obj.pk,
            acting_user=request.user,
            expected_version=DutyContactDeleteForm(request.POST).expected_version(),
        )


class RoleChoiceMixin(forms.Form):
    """Checks the roles fit the unit, and that the person editing may grant every role
    ticked (`access.grantable_roles`). Only those roles are offered; one posted anyway is
    refused with a message naming it, never dropped quietly."""

    def __init__(self, *args, request_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.grantable_roles = (
            frozenset(RoleCode) if request_user is None else access.grantable_roles(request_user)
        )
        if "roles" in self.fields:
            field = self.fields["roles"]
            field.widget = forms.CheckboxSelectMultiple()
            field.queryset = Role.objects.all()
            if self.grantable_roles != frozenset(RoleCode):
                field.widget.choices = [
                    (role.pk, str(role))
                    for role in Role.objects.filter(code__in=self.grantable_roles)
                ]

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        refused = [role for role in roles if role.code not in self.grantable_roles]
        if refused:
            raise forms.ValidationError(
                _("You may not grant the role %(roles)s. Nothing was saved."),
                code="not_grantable",
                params={"roles": "、".join(str(role) for role in refused)},
            )
        return roles

    def clean(self):
        cleaned = super().clean()
        roles = cleaned.get("roles")
        if roles is not None:
            for message in role_errors(cleaned.get("unit"), {r.code for r in roles}):
                self.add_error("roles", message)
        return cleaned


class PasswordSummaryWidget(ReadOnlyPasswordHashWidget):
    """The password's summary without the reset button, on the read-only page of an
    account the viewer may not manage (the button would lead to a refusal)."""

    def render(self, name, value, attrs=None, renderer=None):
        summary = self.get_context(name, value, attrs)["summary"]
        return format_html(
            "<div><p>{}</p></div>",
            format_html_join(
                " ",
                "<strong>{}</strong>{}",
                ((e["label"], f": {e['value']}" if e.get("value") else "") for e in summary),
            ),
        )


class PortalUserCreationForm(RoleChoiceMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "name", "unit", "roles")


class PortalUserChangeForm(RoleChoiceMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class PortalPasswordChangeForm(AdminPasswordChangeForm):
    """Django's form, whose help text under "Password-based authentication" is joined to
    its warning when Django is imported, so in the language active then (Chinese on the
    English admin, with the warning in English on the Chinese one); here it is put together
    when it is shown, in the reader's language."""

    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


@admin.register(User)
class UserAdmin(ActionsInOneTransaction, DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    change_password_form = PortalPasswordChangeForm
    list_display = (
        "username",
        "name",
        "unit",
        "role_list",
        "job_title",
        "is_active",
        "last_login",
    )
    list_filter = ("unit", "roles", "is_active")
    search_fields = ("username", "name", "email", "phone", "unit__name")
    list_select_related = ("unit",)
    ordering = ("unit__sort_order", "username")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "job_title", "phone", "email")}),
        (_("Unit and roles"), {"fields": ("unit", "roles", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    superuser_fieldsets = (
        (
            _("Django permissions"),
            {"fields": ("is_superuser", "is_staff", "groups", "user_permissions")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "name",
                    "unit",
                    "roles",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            return fieldsets + self.superuser_fieldsets
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        read_only = obj is not None and not self.has_change_permission(request, obj)

        class RequestBoundForm(form_class):
            def __init__(self, *args, **inner_kwargs):
                super().__init__(*args, request_user=request.user, **inner_kwargs)
                if read_only and "password" in self.fields:
                    self.fields["password"].widget = PasswordSummaryWidget()

        return RequestBoundForm

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    def get_readonly_fields(self, request, obj=None):
        """One's own page keeps the name, phone, email and job title (and password) open;
        one's roles, unit and active flag are an administrator's to change."""
        fields = super().get_readonly_fields(request, obj)
        if (
            obj is not None
            and obj.pk == request.user.pk
            and not access.is_administrator(request.user)
        ):
            return (*fields, "unit", "roles", "is_active")
        return fields

    def has_change_permission(self, request, obj=None):
        """No one grants themselves more: an account is changed (its password too, and its
        active flag) only by someone who may manage it (`access.may_manage_user`), or by
        its owner for the fields `get_readonly_fields` leaves open. Others see it read-only."""
        if (
            obj is not None
            and obj.pk != request.user.pk
            and not access.may_manage_user(request.user, obj)
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        """Deleting, one at a time or a ticked selection, follows the same rule as a change:
        a selection with one account the user may not manage is refused whole. No one
        deletes their own account: the audit entry of a deletion names who deleted."""
        if obj is not None and (
            obj.pk == request.user.pk or not access.may_manage_user(request.user, obj)
        ):
            return False
        return super().has_delete_permission(request, obj)

    # Every change to an account leaves its entries in the audit trail, in the admin's
    # transaction (`services.user_changes_audit` and the functions after it). The admin's own
    # forms still save the account: they hash a new password and save the roles.

    def save_model(self, request, obj, form, change):
        """Reads the account as stored, locked, before the form's values are saved over it."""
        form.account_before = services.user_account(obj.pk, lock=True) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.user_changes_audit(
            acting_user=request.user, user=form.instance, before=form.account_before
        )

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        """Django's view saves the password outside any transaction; here the password and
        its audit entry are written in one, the row locked before the form is checked."""
        if request.method != "POST":
            return super().user_change_password(request, id, form_url)
        with transaction.atomic(using=router.db_for_write(self.model)):
            person = self.get_object(request, unquote(id))
            held = services.user_password_held(person) if person is not None else ""
            response = super().user_change_password(request, id, form_url)
            if person is not None:
                services.user_password_audit(acting_user=request.user, user=person, held=held)
        return response

    def delete_model(self, request, obj):
        services.user_delete(acting_user=request.user, user_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for person_id in queryset.order_by("pk").values_list("pk", flat=True):
            services.user_delete(acting_user=request.user, user_id=person_id)

    @admin.display(description=_("roles"))
    def role_list(self, obj: User) -> str:
        return "、".join(str(role) for role in obj.roles.all())


class AuditObjectTypeFilter(admin.SimpleListFilter):
    """The kinds of record the trail has entries about, named as the column names them."""

    title = AuditEntry._meta.get_field("object_type").verbose_name
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        types = trail.distinct_values("object_type")
        return sorted(
            ((t, audit_actions.object_type_name(t)) for t in types), key=lambda c: (c[1], c[0])
        )

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


class AuditActionFilter(admin.SimpleListFilter):
    """What was done, by the actions' names in the reader's language (`audit_actions`)."""

    title = AuditEntry._meta.get_field("action").verbose_name
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = trail.distinct_values("action")
        return sorted(((c, audit_actions.name(c)) for c in codes), key=lambda c: (c[1], c[0]))

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The trail, read-only. A summary is shown in the reader's language where it was
    written from a message (`AuditEntry.summary_for_reader`), else as stored; it comes
    before the codes (action, then the kind of record and its id in one column), so that it
    is not past the page's right edge; static/css/admin_audit.css keeps it room on a laptop.
    What was done is named in the reader's language too (`audit_actions`), its code in the
    cell's title, and found by its name or its code."""

    list_display = (
        "created_at",
        "actor",
        "unit",
        "summary",
        "action",
        "object_type",
    )
    fields = (
        "created_at",
        "actor",
        "unit",
        "action_shown",
        "object_kind",
        "object_id",
        "summary_shown",
        "details",
    )
    readonly_fields = fields
    list_filter = (AuditActionFilter, AuditObjectTypeFilter, "unit")
    search_fields = ("summary", "action", "object_id", "actor__username", "actor__name")
    search_help_text = _(
        "Searches the summary as recorded (in Chinese), what was done (in words or by its "
        "code), the object id and who did it (username or name)."
    )
    list_select_related = ("actor", "unit")
    date_hierarchy = "created_at"
    # A second count of every entry beside the page's own ("of 300,000 in all"): 50 ms at
    # 300,000 entries for a figure the page's count gives unfiltered.
    show_full_result_count = False

    class Media:
        css = {"all": ["css/admin_audit.css"]}

    def get_queryset(self, request):
        """Through `trail.TrailQuerySet`: the date hierarchy probes the index."""
        return trail.trail_queryset(super().get_queryset(request))

    def get_list_display(self, request):
        """The summary column through one reader for the page's entries; the action and
        the kind of record by their names."""
        reader = Reader()

        def summary(entry: AuditEntry) -> str:
            return entry.summary_for_reader(reader)

        def action(entry: AuditEntry) -> str:
            return format_html('<span title="{}">{}</span>', entry.action, entry.action_name)

        def object_type(entry: AuditEntry) -> str:
            kind = audit_actions.object_type_name(entry.object_type)
            return f"{kind} #{entry.object_id}" if entry.object_id else kind

        for column in (summary, action, object_type):
            column.short_description = AuditEntry._meta.get_field(column.__name__).verbose_name
            column.admin_order_field = column.__name__
        object_type.short_description = _("object")
        columns = {"summary": summary, "action": action, "object_type": object_type}
        return tuple(columns.get(name, name) for name in self.list_display)

    def get_search_results(self, request, queryset, search_term):
        """Each word of the search is looked for in the fields, as the admin does, and in
        the actions' names, in Chinese and in English whatever the reader's language: an
        entry whose action is called so is found too. A word without case (Chinese, digits:
        most searches of a trail written in Chinese) is looked for with a plain LIKE, as the
        order search does (`text_lookup`): UPPER() over every summary made each scan of the
        trail 2.5 times as long (a search scans it for the count and the date hierarchy).

        The action is matched among the trail's few codes, and the person among the people,
        not read from every entry: joining the people to each entry for their names doubled
        the cost of each scan (175 ms against 91 at 300,000 entries)."""
        if not search_term:
            return queryset, False
        fields = self.get_search_fields(request)
        codes = trail.distinct_values("action")
        names = {}
        for language_code in ("zh-hans", "en"):
            with translation.override(language_code):
                for code in codes:
                    names.setdefault(code, []).append(audit_actions.name(code).casefold())
        for bit in smart_split(search_term):
            if bit[:1] in ('"', "'") and bit[-1:] == bit[:1]:
                bit = unescape_string_literal(bit)
            words = bit.casefold()
            lookup = text_lookup(bit)
            named = [
                code
                for code in codes
                if any(words in name for name in names[code])
                or (words in code.casefold() if lookup == "icontains" else bit in code)
            ]
            found = models.Q(action__in=named)
            people = models.Q()
            for field in fields:
                if field == "action":
                    continue
                if field.startswith("actor__"):
                    people |= models.Q(**{f"{field.removeprefix('actor__')}__{lookup}": bit})
                else:
                    found |= models.Q(**{f"{field}__{lookup}": bit})
            if people:
                found |= models.Q(actor_id__in=User.objects.filter(people).values("id"))
            queryset = queryset.filter(found)
        return queryset, False

    @admin.display(description=_("action"))
    def action_shown(self, entry: AuditEntry) -> str:
        name = entry.action_name
        return name if name == entry.action else bracketed(name, entry.action)

    @admin.display(description=_("object type"))
    def object_kind(self, entry: AuditEntry) -> str:
        kind = audit_actions.object_type_name(entry.object_type)
        return kind if kind == entry.object_type else bracketed(kind, entry.object_type)

    @admin.display(description=_("summary"))
    def summary_shown(self, entry: AuditEntry) -> str:
        return entry.summary_for_reader()

    @admin.display(description=_("data"))
    def details(self, entry: AuditEntry) -> str:
        """The entry's data as kept, without what its summary was written from (shown
        above, as the summary)."""
        data = entry.data
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k != SUMMARY_MESSAGE}
        return json.dumps(data, ensure_ascii=False)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """What was sent where, and what failed: read-only, for the office to check."""

    list_display = (
        "created_at",
        "channel",
        "address",
        "subject",
        "state",
        "attempts",
        "last_error",
    )
    list_filter = ("state", "channel")
    search_fields = ("address", "subject")
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- sign-in records (django-axes, 登录保护) ---------------------------------------------------
# Registered here rather than by axes (AXES_ENABLE_ADMIN is off), on the portal's terms.


@admin.register(AccessAttempt)
class SigninAttemptAdmin(ActionsInOneTransaction, axes_admin.AccessAttemptAdmin):
    """Failed sign-ins counted per username and address. Clearing one unlocks whom it locks:
    the office does it when a person locked out calls, with the Unlock action or by deleting
    the record, one at a time or a selection. Every way goes through
    `services.signin_unlock`, which writes who unlocked whom in the audit trail, in the
    deletion's transaction. Deleting is kept beside the action because an administrator's
    deletion unlocks just the same and has to be audited anyway; once it is, refusing it to
    the office would only hide the button they know."""

    actions = ["signin_unlock", "cleanup_expired_attempts"]

    def has_delete_permission(self, request, obj=None):
        return access.may_unlock_signins(request.user) and super().has_delete_permission(
            request, obj
        )

    @admin.action(
        description=_("Unlock (clear the selected %(verbose_name_plural)s)"),
        permissions=["delete"],
    )
    def signin_unlock(self, request, queryset):
        entries = services.signin_unlock(
            attempt_ids=queryset.values_list("pk", flat=True), acting_user=request.user
        )
        count = len(entries)
        self.message_user(
            request,
            ngettext(
                "%(count)d sign-in record cleared: whoever it locked can sign in again now.",
                "%(count)d sign-in records cleared: whoever they locked can sign in again now.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Clean up expired attempts"), permissions=["delete"])
    def cleanup_expired_attempts(self, request, queryset):
        """axes' own action, offered to anyone who could view the records, deleted them
        without a trace; clearing them now is an audited clearing like any other, by whoever
        may clear records one at a time (the office's daily task, not only an
        administrator's: an expired record locks no one, so clearing it is less than the
        unlock the office already does)."""
        count = len(services.signin_cleanup_expired(acting_user=request.user))
        self.message_user(
            request,
            ngettext(
                "%(count)d expired sign-in record cleared; it locked no one.",
                "%(count)d expired sign-in records cleared; they locked no one.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.display(description=_("Status"))
    def status(self, obj):
        """axes' column, named: Django named it from the method, in English."""
        return super().status(obj)

    def delete_model(self, request, obj):
        services.signin_unlock(attempt_ids=[obj.pk], acting_user=request.user)

    def delete_queryset(self, request, queryset):
        services.signin_unlock(
            attempt_ids=queryset.values_list("pk", flat=True), acting_user=request.user
        )


class SigninLogAdminMixin(ActionsInOneTransaction):
    """A log of who signed in (or failed to) when, from where: evidence, read-only for
    everyone. Only administrators delete from it, for retention: the office and its
    director are among the people it records. Every deletion, one record or a selection,
    goes through `services.signin_log_delete`, which writes it in the audit trail in the
    deletion's transaction."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return access.is_administrator(request.user) and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.signin_log_delete(model=self.model, record_ids=[obj.pk], acting_user=request.user)

    def delete_queryset(self, request, queryset):
        services.signin_log_delete(
            model=self.model,
            record_ids=queryset.values_list("pk", flat=True),
            acting_user=request.user,
        )


@admin.register(AccessLog)
class SigninLogAdmin(SigninLogAdminMixin, axes_admin.AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class SigninFailureLogAdmin(SigninLogAdminMixin, axes_admin.AccessFailureLogAdmin):
    pass


class ScheduledTaskForm(PeriodicTaskForm):
    """django-celery-beat's form, without its 500: its check read the task name even when
    the field had refused it (a name longer than 200 characters), a KeyError. And in the
    reader's language where the library writes English only: its model's checks of the
    schedule (none, more than one, a clocked one not one-off) are made here instead, and
    arguments that are not JSON are refused without Python's English reason. The arguments
    must be what Celery takes, a list and an object (the message headers an object too):
    anything else was accepted, and the task failed each time it ran."""

    SCHEDULES = ("interval", "crontab", "solar", "clocked")

    def clean(self):
        self._check_schedule()
        if "task" not in self.cleaned_data and not self.cleaned_data.get("regtask"):
            return self.cleaned_data  # the field's own message says what is wrong
        return super().clean()

    def _check_schedule(self) -> None:
        if any(name in self.errors for name in self.SCHEDULES):
            return  # a schedule refused by its field, which says why
        chosen = [name for name in self.SCHEDULES if self.cleaned_data.get(name)]
        if not chosen:
            names = list_separator().join(str(self.fields[name].label) for name in self.SCHEDULES)
            self.add_error(
                None, _("Choose the task’s schedule: one of %(schedules)s.") % {"schedules": names}
            )
        elif len(chosen) > 1:
            for name in chosen:
                self.add_error(name, _("Only one schedule may be chosen."))
        elif chosen == ["clocked"] and not self.cleaned_data.get("one_off"):
            self.add_error(
                "one_off",
                _("A task on a clocked schedule runs once: tick “%(one_off)s”.")
                % {"one_off": self.fields["one_off"].label},
            )

    def validate_unique(self):
        """Django's check of the unique fields (the task's name) alone: the library's model
        adds to it its checks of the schedule, in English only, which `clean` makes."""
        try:
            models.Model.validate_unique(self.instance, exclude=self._get_validation_exclusions())
        except ValidationError as error:
            self._update_errors(error)

    def clean_args(self):
        return self._json_of_kind(
            "args", list, _("Enter the positional arguments as a JSON list: [] for none.")
        )

    def clean_kwargs(self):
        return self._json_of_kind(
            "kwargs", dict, _("Enter the keyword arguments as a JSON object: {} for none.")
        )

    def clean_headers(self):
        """A blank is none, as the field's default says ("{}"): the library saves a blank
        as NULL, which its column refuses (a 500 on clearing the field)."""
        if not (self.cleaned_data.get("headers") or "").strip():
            return "{}"
        return self._json_of_kind(
            "headers", dict, _("Enter the message headers as a JSON object: {} for none.")
        )

    def _json_of_kind(self, field: str, kind: type, message) -> str:
        value = self.cleaned_data[field]
        try:
            parsed = json_loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, kind):
            raise ValidationError(message)
        return value


def crontab_in_words(crontab: CrontabSchedule) -> str:
    """The crontab described in words, in the reader's language, with its time zone. The
    library's description (`human_readable`) is cron_descriptor's in English, whatever the
    page's language; cron_descriptor has a Chinese one too, which names weekdays and months
    by the process's locale (English), so Django's names are put in their place. Empty for
    an expression it cannot describe."""
    chinese = (translation.get_language() or "").startswith("zh")
    options = CronOptions()
    options.locale_code = "zh_CN" if chinese else "en_US"
    options.use_24hour_time_format = chinese
    expression = " ".join(
        cronexp(getattr(crontab, name))
        for name in ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
    )
    try:
        words = ExpressionDescriptor(expression, options).get_description()
    except (
        CronFormatException,
        CronMissingFieldException,
        CronWrongArgumentException,
        ValueError,
        IndexError,
        KeyError,
    ):
        return ""
    if chinese:
        names = [
            *zip(calendar.day_name, WEEKDAYS.values(), strict=True),
            *zip(calendar.month_name[1:], MONTHS.values(), strict=True),
        ]
        for english, name in names:
            words = re.sub(rf"\b{english}\b", str(name), words)
    return f"{words} {crontab.timezone}"


class TaskNameFilter(admin.AllValuesFieldListFilter):
    """The library's filter by task, titled by the field's name, which the library gave in
    English only ("Task Name")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("task name")


class ScheduledTaskAdmin(AuditedAdmin, CheckedDatesAdmin, PeriodicTaskAdmin):
    """The office director manages the schedules (`access`); registered here, after the
    library's own admin, to replace its form, and to name in Chinese what the library names
    in English only: the schedule column, the crontab in words, the filter by task, and the
    messages of running tasks."""

    form = ScheduledTaskForm
    change_form_template = "admin/departments/scheduled_task_form.html"
    list_display = tuple(
        "schedule" if name == "scheduler" else name for name in PeriodicTaskAdmin.list_display
    )
    list_filter = [
        ("task", TaskNameFilter) if name == "task" else name
        for name in PeriodicTaskAdmin.list_filter
    ]

    @admin.display(description=_("schedule"))
    def schedule(self, obj: PeriodicTask):
        return obj.scheduler

    @admin.display(description=_("crontab in words"))
    def crontab_translation(self, obj: PeriodicTask) -> str:
        return crontab_in_words(obj.crontab) if obj.crontab is not None else ""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The library's page, with its crontabs described in the reader's language (its
        script shows the chosen one's description under the field)."""
        extra_context = {
            **(extra_context or {}),
            "readable_crontabs": {
                crontab.id: crontab_in_words(crontab) for crontab in CrontabSchedule.objects.all()
            },
        }
        return admin.ModelAdmin.changeform_view(
            self, request, object_id, form_url, extra_context=extra_context
        )

    @admin.action(description=PeriodicTaskAdmin.run_tasks.short_description)
    def run_tasks(self, request, queryset):
        """The library's action queued the tasks at once, inside the action's transaction
        (`ActionsInOneTransaction`), and said so in English only; here they are queued once
        it has committed, as every task is, and a task this worker does not know is named
        before anything is queued."""
        self.celery_app.loader.import_default_modules()
        rows = list(queryset)
        unknown = sorted({row.task for row in rows if row.task not in self.celery_app.tasks})
        if unknown:
            self.message_user(
                request,
                _("Unknown task %(names)s: no task was run.") % {"names": ", ".join(unknown)},
                messages.ERROR,
            )
            return
        transaction.on_commit(lambda: self._run(rows))
        self.message_user(
            request,
            ngettext("%(count)d task queued to run.", "%(count)d tasks queued to run.", len(rows))
            % {"count": len(rows)},
            messages.SUCCESS,
        )

    def _run(self, rows: list[PeriodicTask]) -> None:
        for row in rows:
            options = {"queue": row.queue} if row.queue else {}
            self.celery_app.tasks[row.task].apply_async(
                args=json_loads(row.args),
                kwargs=json_loads(row.kwargs),
                headers={"periodic_task_name": row.name},
                **options,
            )


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, ScheduledTaskAdmin)


class CrontabForm(forms.ModelForm):
    """django-celery-beat's crontab form, without its 500: the time zone's default is a
    callable, so Django sends the value the page was shown with in a hidden
    `initial-timezone` and reads it back to see what changed, after the form was accepted.
    A tampered one longer than a file name made the time-zone library raise (OSError). One
    that is not a time zone is now refused under the field, before anything is saved."""

    class Meta:
        model = CrontabSchedule
        fields = CrontabScheduleAdmin.fields[1:]

    def clean(self):
        cleaned = super().clean()
        field = self.fields.get("timezone")
        if field is not None and field.show_hidden_initial:
            shown = self.data.get(self.add_initial_prefix("timezone"), "")
            if shown and shown not in zoneinfo.available_timezones():
                self.add_error(
                    "timezone",
                    _(
                        "The page was sent with a time zone it never showed. Open the page "
                        "again and save once more."
                    ),
                )
        return cleaned


class ScheduleTasksInline(PeriodicTaskInline):
    """The tasks on a schedule's page, their task named as the filter names it (the library
    shows the field's English-only name, "Task Name")."""

    fields = ("name", "task_name", "args", "kwargs")
    readonly_fields = fields

    @admin.display(description=_("task name"))
    def task_name(self, obj: PeriodicTask) -> str:
        return obj.task


class CrontabAdmin(AuditedAdmin, CrontabScheduleAdmin):
    """django-celery-beat's crontab page, without its 500: shown again after a refused
    number (a negative minute, say), it described the schedule in words from that number,
    and the description raised."""

    form = CrontabForm
    fields = ("readable", *CrontabScheduleAdmin.fields[1:])
    readonly_fields = ("readable",)
    list_display = ("__str__", "readable")
    inlines = [ScheduleTasksInline]

    @admin.display(description=_("schedule"))
    def readable(self, obj: CrontabSchedule) -> str:
        try:
            return crontab_in_words(obj)
        except (ParseException, ValueError):
            return ""


admin.site.unregister(CrontabSchedule)
admin.site.register(CrontabSchedule, CrontabAdmin)


class IntervalAdmin(AuditedAdmin, IntervalScheduleAdmin):
    inlines = [ScheduleTasksInline]


class SolarAdmin(AuditedAdmin, SolarScheduleAdmin):
    inlines = [ScheduleTasksInline]


class ClockedAdmin(AuditedAdmin, CheckedDatesAdmin, ClockedScheduleAdmin):
    """A one-off time follows the portal's years: 0001-01-01 in Beijing time is a moment
    before year 1 in UTC, which PostgreSQL stores and Python cannot read back (a 500)."""

    inlines = [ScheduleTasksInline]


class PermissionGroupAdmin(AuditedAdmin, GroupAdmin):
    """Django's permission groups: what a group may do is given to everyone in it
    (ModelBackend), so a change to one is in the audit trail as a change to a person's
    permissions is."""


for model, model_admin in (
    (IntervalSchedule, IntervalAdmin),
    (SolarSchedule, SolarAdmin),
    (ClockedSchedule, ClockedAdmin),
    (Group, PermissionGroupAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
