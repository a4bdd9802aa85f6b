from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from departments.admin import ActionsInOneTransaction, AuditedAdmin
from wuqing_consumer import dates
from wuqing_consumer.admin import CheckedDatesAdmin

from .callbacks import callback_replay
from .clients import (
    api_client_reactivate,
    api_client_revoke,
    api_client_rotate_key,
    api_client_rotate_secret,
    api_client_update,
)
from .models import (
    ApiClient,
    CalendarDay,
    CallbackAttempt,
    CallbackEvent,
    DeadlinePolicy,
    EscalationPolicy,
    EscalationStep,
    HolidaySchedule,
    ReminderPolicy,
    RoutingRule,
    api_client_refusals,
    to_the_second,
    validate_callback_scheme,
    validate_rate_limit,
)
from .services import deadlines_recount, holiday_schedule_problem, holiday_schedule_save
from .workflow import primary_among_co_units


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin, CheckedDatesAdmin):
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    search_fields = ("name",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        earlier = form.initial.get("date") if change else None
        super().save_model(request, obj, form, change)
        self._recount(request, min(day for day in (obj.date, earlier) if day is not None))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._recount(request, obj.date)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        days = list(queryset.values_list("date", flat=True))
        super().delete_queryset(request, queryset)
        if days:
            self._recount(request, min(days))

    def _recount(self, request, since):
        """The deadlines of open orders, of leads awaiting acknowledgement and of disputes
        awaiting a decision follow the table at once (the admin's transaction)."""
        moved, others = deadlines_recount(since=since)
        if moved:
            self.message_user(
                request,
                ngettext(
                    "The deadlines of %(count)s open order were recounted with this calendar.",
                    "The deadlines of %(count)s open orders were recounted with this calendar.",
                    moved,
                )
                % {"count": moved},
                messages.INFO,
            )
        if others:
            self.message_user(
                request,
                ngettext(
                    "%(count)s deadline of a lead or a dispute was recounted too.",
                    "%(count)s deadlines of leads or disputes were recounted too.",
                    others,
                )
                % {"count": others},
                messages.INFO,
            )


class HolidayScheduleForm(forms.ModelForm):
    class Meta:
        model = HolidaySchedule
        fields = ("year", "is_complete", "notice")

    def clean(self):
        """A year outside the portal's (year 0, say) is refused by the model's own check,
        which runs after this; asked whether the package knew it, the check raised."""
        cleaned = super().clean()
        year = cleaned.get("year", self.instance.year)
        if year is not None and dates.year_accepted(year):
            problem = holiday_schedule_problem(
                year=year, is_complete=bool(cleaned.get("is_complete"))
            )
            if problem:
                self.add_error("is_complete", problem)
        return cleaned


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(admin.ModelAdmin):
    """Where the office states that a year's official schedule is entered in full, next to
    the holiday calendar. One row per year: it is unticked, never deleted, so the audit
    trail keeps every statement."""

    form = HolidayScheduleForm
    list_display = ("year", "is_complete", "notice", "updated_at")
    list_filter = ("is_complete",)

    def get_readonly_fields(self, request, obj=None):
        return ("year",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = holiday_schedule_save(
            year=obj.year,
            is_complete=obj.is_complete,
            notice=obj.notice,
            acting_user=request.user,
        )
        obj.pk, obj.updated_at = saved.pk, saved.updated_at


class DeadlinePolicyForm(forms.ModelForm):
    """The office asked what an amount of 0 working days means: the form says how a
    deadline is counted (`deadlines.add_working_days`)."""

    class Meta:
        model = DeadlinePolicy
        fields = ["name", "kind", "urgency", "amount", "unit", "starts_at"]
        help_texts = {
            "amount": gettext_lazy(
                "In working days: the deadline is the end of the Nth working day after the "
                "day the clock starts, N being this amount; 0 is the end of that same day. "
                "In minutes: counted from the moment the clock starts, at least 1."
            )
        }


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(AuditedAdmin, admin.ModelAdmin):
    form = DeadlinePolicyForm
    list_display = ("name", "kind", "urgency", "amount", "unit", "starts_at")
    list_filter = ("name", "kind", "urgency", "unit")

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._say_what_it_changes(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self._say_what_it_changes(request, obj)
        return response

    def _say_what_it_changes(self, request, obj: DeadlinePolicy) -> None:
        """A changed holiday calendar recounts open orders (the days were wrong); a changed
        policy does not (the rule changed): the office is told which it did, not left to
        find the orders it expected to move unmoved. After the admin's own "changed"."""
        self.message_user(
            request,
            _(
                "Deadlines whose clock starts from now on are counted by this policy. An order "
                "whose “%(deadline)s” deadline is already running keeps the deadline it was "
                "given."
            )
            % {"deadline": obj.get_name_display()},
            messages.INFO,
        )


class RoutingRuleForm(forms.ModelForm):
    """A rule's primary unit among its co-handling units was saved, and the rule that
    `routing.Rule` refuses to hold made every page that loads the rules answer 500."""

    def clean(self):
        cleaned = super().clean()
        primary = cleaned.get("primary_unit")
        co_units = cleaned.get("co_units")
        if primary is not None and co_units is not None:
            refusal = primary_among_co_units(primary, [unit.code for unit in co_units])
            if refusal:
                self.add_error("co_units", refusal)
        return cleaned


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin, admin.ModelAdmin):
    form = RoutingRuleForm
    list_display = ("name", "primary_unit", "priority", "is_active", "updated_at")
    list_filter = ("primary_unit", "is_active")
    search_fields = ("name", "key", "categories", "any_of", "all_of", "none_of")
    filter_horizontal = ("co_units",)
    list_select_related = ("primary_unit",)


def _until(moment):
    return dates.minute(moment)


class ApiClientForm(forms.ModelForm):
    """A field its form field refuses is not validated by the model: -1 requests a minute
    read only "greater than or equal to 0" (and 0 was refused next), a gopher:// URL only
    "Enter a valid URL.". The model's checks run on the form's fields too, and the refusals
    shown are chosen as `create_api_client` chooses them (`api_client_refusals`)."""

    CHECKS = {
        "rate_limit_per_minute": validate_rate_limit,
        "callback_url": validate_callback_scheme,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, check in self.CHECKS.items():
            if name in self.fields:
                self.fields[name].validators.append(check)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        callback_url = self["callback_url"].data if "callback_url" in self.fields else ""
        for name in self.CHECKS:
            if name in self._errors:
                errors = self._errors[name]
                errors.data = api_client_refusals(errors.data, callback_url=callback_url or "")


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "channel",
        "is_active",
        "callback_url",
        "last_used_at",
        "previous_key_works_until",
        "previous_key_last_used",
        "previous_secret_signs_until",
        "created_at",
    )
    list_filter = ("is_active", "channel")
    search_fields = ("name", "key_prefix")
    fields = (
        "name",
        "channel",
        "callback_url",
        "rate_limit_per_minute",
        "is_active",
        "key_prefix",
        "previous_key_works_until",
        "previous_key_last_used",
        "secret_fingerprint",
        "previous_secret_signs_until",
        "created_at",
        "revoked_at",
        "last_used_at",
    )
    readonly_fields = (
        "key_prefix",
        "previous_key_works_until",
        "previous_key_last_used",
        "secret_fingerprint",
        "previous_secret_signs_until",
        "created_at",
        "revoked_at",
        "last_used_at",
    )
    actions = ("revoke", "rotate_key", "rotate_secret")
    form = ApiClientForm
    # An address typed without a scheme is taken as https (Django 6's default, set here so
    # that Django 5 does not warn): callbacks carry citizens' cases.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False  # keys are made by `manage.py create_api_client`, shown once

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Only what the form changed is written, so that a key or secret rotated meanwhile
        is not overwritten; unticking "active" revokes the client as the action does,
        ending the previous key and secret too, and ticking it again reactivates it (its
        revoke time cleared, kept in the audit trail). A new callback URL makes the client's
        failed callbacks pending again (`api_client_update`): the message says how many,
        next to the admin's own that the client was changed."""
        if not change:
            return super().save_model(request, obj, form, change)
        changes = {name: getattr(obj, name) for name in form.changed_data if name != "is_active"}
        if changes:
            _, revived = api_client_update(client_id=obj.id, acting_user=request.user, **changes)
            if revived:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)s failed callback of this client is pending again: it will "
                        "be sent to the new callback URL.",
                        "%(count)s failed callbacks of this client are pending again: they "
                        "will be sent to the new callback URL.",
                        revived,
                    )
                    % {"count": revived},
                    messages.SUCCESS,
                )
        if "is_active" in form.changed_data:
            if obj.is_active:
                saved = api_client_reactivate(client_id=obj.id, acting_user=request.user)
            else:
                api_client_revoke(client_id=obj.id, acting_user=request.user)
                saved = ApiClient.objects.get(id=obj.id)
            obj.is_active, obj.revoked_at = saved.is_active, saved.revoked_at
        return None

    def _while_in_force(self, until):
        """Shown only while the grace period lasts: once it is over the time is history."""
        if until is None or until <= timezone.now():
            return self.get_empty_value_display()
        return _until(until)

    @admin.display(description=gettext_lazy("previous key works until"))
    def previous_key_works_until(self, client):
        return self._while_in_force(client.previous_key_until)

    @admin.display(description=gettext_lazy("previous key last used"))
    def previous_key_last_used(self, client):
        """Whether the client still uses the old key, while it may: if so, it has not switched."""
        if client.previous_key_until is None or client.previous_key_until <= timezone.now():
            return self.get_empty_value_display()
        if client.previous_key_last_used_at is None:
            return _("not since the rotation")
        return _until(client.previous_key_last_used_at)

    @admin.display(description=gettext_lazy("previous secret also signs until"))
    def previous_secret_signs_until(self, client):
        return self._while_in_force(client.previous_secret_until)

    @admin.action(description=gettext_lazy("Revoke the selected clients' keys"))
    def revoke(self, request, queryset):
        for client in queryset:
            api_client_revoke(client_id=client.id, acting_user=request.user)
        self.message_user(request, _("Revoked."), messages.SUCCESS)

    @admin.action(description=gettext_lazy("Issue a new API key (shown once)"))
    def rotate_key(self, request, queryset):
        for client in queryset:
            key, until = api_client_rotate_key(client_id=client.id, acting_user=request.user)
            if until is None:
                message = _("New API key of %(name)s (copy it now, it is not stored): %(key)s")
            else:
                message = _(
                    "New API key of %(name)s (copy it now, it is not stored; the previous key "
                    "keeps working until %(until)s): %(key)s"
                )
            self.message_user(
                request,
                message % {"name": client.name, "key": key, "until": _until(until)},
                messages.WARNING,
            )
            self._still_revoked(request, client)

    @admin.action(description=gettext_lazy("Issue a new callback signing secret (shown once)"))
    def rotate_secret(self, request, queryset):
        for client in queryset:
            secret, until = api_client_rotate_secret(client_id=client.id, acting_user=request.user)
            if until is None:
                message = _(
                    "New signing secret of %(name)s (copy it now, it is not stored): %(secret)s"
                )
            else:
                message = _(
                    "New signing secret of %(name)s (copy it now, it is not stored; until "
                    "%(until)s each callback is also signed with the previous secret, in "
                    "X-Wuqing-Signature-Previous): %(secret)s"
                )
            self.message_user(
                request,
                message % {"name": client.name, "secret": secret, "until": _until(until)},
                messages.WARNING,
            )
            self._still_revoked(request, client)

    def _still_revoked(self, request, client: ApiClient) -> None:
        """A rotation does not reactivate (README: revoke, rotate, then make it active):
        said at once, or the office hands over a key that is still refused."""
        if not client.is_active:
            self.message_user(
                request,
                _(
                    "%(name)s is still revoked: its new key is refused and its callbacks "
                    "wait until you tick “active” on its page and save."
                )
                % {"name": client.name},
                messages.WARNING,
            )


class CallbackAttemptInline(admin.TabularInline):
    model = CallbackAttempt  # each row is titled with its time, to the second
    extra = 0
    can_delete = False
    readonly_fields = ("status_code", "error", "duration_ms")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


class CallbackSituationFilter(admin.SimpleListFilter):
    """A callback that keeps failing stays pending for a day before it is marked failed;
    the office needs to find those among the ones simply queued.

    Failing: its last attempt failed (`last_error`), at the URL it is now sent to, as
    `callbacks.deliver_next` tells it (`retry_window_url`, empty for one tried before that
    column, and the client's `callback_url_version`). A new URL makes failed callbacks
    pending again with their attempts at the old one (`api_client_update`): they, and those
    backing off from the old URL, are not failing until they fail at the new one; nor is a
    delivered one sent again by hand.
    """

    title = gettext_lazy("situation")
    parameter_name = "situation"

    def lookups(self, request, model_admin):
        return [
            ("retrying", gettext_lazy("Failing, being retried")),
            ("queued", gettext_lazy("Queued, not failing at its current URL")),
        ]

    def queryset(self, request, queryset):
        pending = queryset.filter(state=CallbackEvent.State.PENDING)
        failing = (
            pending.filter(
                attempts__gt=0,
                retry_window_url_version=models.F("client__callback_url_version"),
            )
            .filter(
                models.Q(retry_window_url="")
                | models.Q(retry_window_url=models.F("client__callback_url"))
            )
            .exclude(last_error="")
        )
        if self.value() == "retrying":
            return failing
        if self.value() == "queued":  # the rest of the pending: revived ones too
            return pending.exclude(pk__in=failing.values("pk"))
        return queryset


@admin.register(CallbackEvent)
class CallbackEventAdmin(ActionsInOneTransaction, admin.ModelAdmin):
    list_display = (
        "created",
        "client",
        "order_number",
        "state",
        "attempts",
        "next_try",
        "last_error",
    )
    list_filter = (CallbackSituationFilter, "state", "client")
    search_fields = ("event_id", "order__number", "order__hotline_id")
    list_select_related = ("client", "order")
    readonly_fields = (
        "event_id",
        "client",
        "order",
        "type",
        "payload",
        "state",
        "attempts",
        "next_try",
        "last_error",
        "created",
        "delivered",
    )
    fields = readonly_fields  # the times as shown, not their raw fields as inputs
    inlines = (CallbackAttemptInline,)
    actions = ("replay",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        """A callback is read, and replayed from the list, never edited: its page offered
        Save on fields that are all shown, not inputs (a post answered with Django's
        'ManagementForm data is missing' for its attempts)."""
        return obj is None and super().has_change_permission(request)

    @admin.display(description=gettext_lazy("created at"), ordering="created_at")
    def created(self, callback: CallbackEvent) -> str:
        return to_the_second(callback.created_at) or self.get_empty_value_display()

    @admin.display(description=gettext_lazy("work order"), ordering="order__number")
    def order_number(self, callback: CallbackEvent) -> str:
        """The number alone: with its title the list was wider than the page, the last
        error (what the office looks for) out of sight."""
        return callback.order.number

    @admin.display(description=gettext_lazy("next attempt at"), ordering="next_attempt_at")
    def next_try(self, callback: CallbackEvent) -> str:
        if callback.state != CallbackEvent.State.PENDING:
            return self.get_empty_value_display()
        return to_the_second(callback.next_attempt_at)

    @admin.display(description=gettext_lazy("delivered at"))
    def delivered(self, callback: CallbackEvent) -> str:
        return to_the_second(callback.delivered_at) or self.get_empty_value_display()

    @admin.action(description=gettext_lazy("Deliver again now"))
    def replay(self, request, queryset):
        for callback in queryset:
            callback_replay(callback_id=callback.id, acting_user=request.user)
        self.message_user(request, _("Queued for delivery."), messages.SUCCESS)


@admin.register(EscalationStep)
class EscalationStepAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("days_overdue", "recipients")
    list_filter = ("recipients",)


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("lead_working_days", "report_lead_working_days")

    def has_add_permission(self, request):
        return not ReminderPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("referral_ack_working_days", "urgent_referral_ack_working_days")

    def has_add_permission(self, request):
        return not EscalationPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
