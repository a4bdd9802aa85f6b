import re
from datetime import timedelta

from axes.helpers import get_cool_off
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from complaints.filters import notification_search
from complaints.selectors import years_missing_holidays
from reports import dashboards
from wuqing_consumer import dates, form_once
from wuqing_consumer.texts import sentences
from wuqing_consumer.views import RefusedFormIs400

from . import access, duties, services
from .choices import UnitKind
from .forms import DutyContactDeleteForm, DutyContactForm, NotificationSettingsForm, SignInForm
from .models import DutyContact, Notification, Role, Unit
from .notifications import notifications_mark_read, with_head_and_liaison

NOT_IN_AN_ADDRESS = re.compile(r"[\x00-\x1f\x7f]")


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        """Not an address that would lead off the page's path: `next=/%09/` (a tab) passed
        Django's check and the browser, skipping the tab, went to `//`, which it cannot
        open. A NUL and the like never arrive (FormTextMiddleware leaves such a `next`
        out); a tab, a line break, DEL or a leading `//` do. The home page instead."""
        url = super().get_redirect_url()
        if NOT_IN_AN_ADDRESS.search(url) or url.startswith(("//", "/\\")):
            return ""
        return url


class PasswordChangeView(RefusedFormIs400, auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        """In the audit trail too, as a password set in the admin is: in one transaction,
        so a password whose entry cannot be written is not changed."""
        with transaction.atomic():
            held = services.user_password_held(self.request.user)
            response = super().form_valid(form)
            services.user_password_audit(
                acting_user=self.request.user, user=self.request.user, held=held
            )
        messages.success(self.request, _("Your password has been changed."))
        return response


def lockout(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """Shown instead of the login form while a username is locked; says when it unlocks."""
    cool_off = get_cool_off(request) or timedelta(0)
    unlock_at = timezone.localtime(timezone.now() + cool_off)
    # Unbound on purpose: validating the form would authenticate again and count a failure.
    form = SignInForm(request, initial={"username": request.POST.get("username", "")})
    message = _(
        "Too many failed sign-in attempts. Sign-in for this account is locked until %(time)s; "
        "try again then, or ask the coordination office to unlock it."
    ) % {"time": time_format(unlock_at, "H:i")}
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": message, "unlock_at": unlock_at},
        status=429,
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the person's role is for: what waits for them; for a unit's people, their
    unit's nearest deadlines and its quarter's figures; for those who answer for the
    mechanism (the group leader, the office director), what they follow while others act
    and the district's quarter's figures; the office's set-up warnings for those who keep
    the units set up (`access.looks_after_units`), not for the leader, who sees every unit
    but configures none."""
    user = request.user
    sees_all = access.sees_all_units(user)
    looks_after = access.looks_after_units(user)
    handles_orders = access.handles_unit_orders(user)
    now = timezone.now()
    context = {
        "unit": user.unit,
        "sees_all": sees_all,
        # The network's size is the office's to keep (accounts, units); the leader reads
        # the district's figures instead, and a unit's people their unit's.
        "shows_network": looks_after or not (sees_all or handles_orders),
        "can_edit_contacts": user.unit is not None
        and access.can_edit_duty_contacts(user, user.unit),
        "duties": duties.waiting_for(user, now),
        "to_follow": duties.to_follow(user, now),
    }
    if context["shows_network"]:
        context["unit_count"] = access.units_visible_to(user).filter(kind="member").count()
        context["people_count"] = access.people_visible_to(user).count()
    if access.oversees_district(user):
        context["figures"] = dashboards.quarter_so_far(now)
    if handles_orders:
        context["nearest"] = duties.nearest_deadlines(user, now)
        context["unit_figures"] = dashboards.quarter_so_far(now, unit_id=user.unit_id)
    if looks_after:
        members = access.units_visible_to(user).filter(kind=UnitKind.MEMBER)
        liaison = list(
            with_head_and_liaison(members)
            .filter(has_head=False)
            .values_list("has_liaison", flat=True)
        )
        context["units_liaison_only"] = liaison.count(True)
        context["units_without_anyone"] = liaison.count(False)
    if access.can_use_admin(user):
        context["years_missing_holidays"] = years_missing_holidays(timezone.localdate())
    if user.unit is not None:
        context["duty_contacts"] = access.duty_contacts_visible_to(user).filter(unit=user.unit)
    return render(request, "departments/home.html", context)


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:50]
    units = access.units_visible_to(request.user).prefetch_related(
        Prefetch("duty_contacts", queryset=DutyContact.objects.order_by("sort_order", "id"))
    )
    # The office sees which member units have no head (or liaison either), and may list
    # just those (the home page's warning links there); the leader, who names no heads, not.
    looks_after = access.looks_after_units(request.user)
    missing_head = looks_after and request.GET.get("missing") == "head"
    if looks_after:
        units = with_head_and_liaison(units)
    if missing_head:
        units = units.filter(kind=UnitKind.MEMBER, has_head=False)
    if query:
        units = units.filter(
            Q(name__icontains=query)
            | Q(full_name__icontains=query)
            | Q(name_en__icontains=query)
            | Q(remit__icontains=query)
            | Q(remit_en__icontains=query)
            | Q(code__icontains=query)
        )
    return render(
        request,
        "departments/unit_list.html",
        {"units": units, "q": query, "looks_after": looks_after, "missing_head": missing_head},
    )


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    looks_after = access.looks_after_units(request.user)
    units = access.units_visible_to(request.user)
    unit = access.get_or_404(with_head_and_liaison(units) if looks_after else units, code=code)
    return render(
        request,
        "departments/unit_detail.html",
        {
            "unit": unit,
            "warn_no_head": looks_after and unit.kind == UnitKind.MEMBER and not unit.has_head,
            "can_use_admin": access.can_use_admin(request.user),
            "duty_contacts": access.duty_contacts_visible_to(request.user).filter(unit=unit),
            "can_edit_contacts": access.can_edit_duty_contacts(request.user, unit),
            "can_see_people": access.units_managed_by(request.user).filter(id=unit.id).exists(),
        },
    )


@login_required
def unit_people(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.managed_unit_or_404(request.user, code)
    query = request.GET.get("q", "").strip()[:50]
    people = (
        access.people_visible_to(request.user)
        .filter(unit=unit)
        .prefetch_related(Prefetch("roles", queryset=Role.objects.order_by("code")))
        .order_by("username")
    )
    if query:
        people = people.filter(
            Q(username__icontains=query) | Q(name__icontains=query) | Q(job_title__icontains=query)
        )
    page = Paginator(people, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "departments/unit_people.html",
        {"unit": unit, "page": page, "q": query},
    )


def _contact_form_view(
    request: HttpRequest, unit: Unit, contact: DutyContact | None
) -> HttpResponse:
    form = DutyContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            if contact is None:
                form_once.submit(
                    request,
                    lambda: services.duty_contact_create(
                        unit_code=unit.code, acting_user=request.user, **form.service_fields()
                    ),
                    lambda created: reverse("unit_detail", args=[unit.code]),
                )
            else:
                services.duty_contact_update(
                    contact_id=contact.id,
                    acting_user=request.user,
                    expected_version=form.expected_version(),
                    **form.service_fields(),
                )
        except form_once.AlreadySent as sent:
            return sent.response(request)
        except services.StaleDutyContact as stale:
            return _stale_contact_form(request, unit, stale, form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Duty contact saved."))
            return redirect("unit_detail", code=unit.code)
    return render(
        request,
        "departments/duty_contact_form.html",
        {"form": form, "unit": unit, "contact": contact},
        status=400 if form.errors else 200,
    )


def _stale_contact_form(
    request: HttpRequest, unit: Unit, stale: services.StaleDutyContact, posted: dict
) -> HttpResponse:
    """The form again with the contact as it is now (and its current version), the refusal,
    and, field by field, the current value beside what this person had entered."""
    current = stale.contact
    differences = [
        {
            "label": DutyContact._meta.get_field(name).verbose_name,
            "current": getattr(current, name),
            "entered": posted[name],
        }
        for name in services.DUTY_CONTACT_FIELDS
        if name in posted and posted[name] != getattr(current, name)
    ]
    return render(
        request,
        "departments/duty_contact_form.html",
        {
            "form": DutyContactForm(instance=current),
            "unit": unit,
            "contact": current,
            "stale_message": str(stale),
            "differences": differences,
        },
        status=409,
    )


@login_required
@require_http_methods(["GET", "POST"])
def duty_contact_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.unit_for_duty_contact_edit(request.user, code)
    return _contact_form_view(request, unit, None)


def _deleted_contact(request: HttpRequest, contact_id: int, *, posted: bool) -> HttpResponse:
    """A form loaded before a colleague deleted the contact: back to the unit's duty
    contacts, saying who deleted it and when, rather than a bare 404. Anything else that
    is not found (or not the user's) stays a 404."""
    entry = access.duty_contact_deletion_for_edit(request.user, contact_id)
    if entry is None:
        raise Http404
    values = {
        "contact": entry.summary,
        "time": dates.minute(entry.created_at),
    }
    if entry.actor is not None:
        message = _("The duty contact “%(contact)s” was deleted by %(person)s at %(time)s.") % {
            **values,
            "person": entry.actor.display_name,
        }
    else:
        message = _("The duty contact “%(contact)s” was deleted at %(time)s.") % values
    if posted:
        # Not inside an f-string: makemessages does not look there, and the catalogue
        # missed it (a Chinese page ended in English).
        message = sentences(message, _("Nothing was saved."))
    messages.warning(request, message)
    return redirect("unit_detail", code=entry.unit.code)


@login_required
@require_http_methods(["GET", "POST"])
def duty_contact_update(request: HttpRequest, contact_id: int) -> HttpResponse:
    try:
        contact = access.duty_contact_for_edit(request.user, contact_id)
        return _contact_form_view(request, contact.unit, contact)
    except Http404:
        return _deleted_contact(request, contact_id, posted=request.method == "POST")


@login_required
@require_http_methods(["GET", "POST"])
def duty_contact_delete(request: HttpRequest, contact_id: int) -> HttpResponse:
    try:
        return _duty_contact_delete(request, contact_id)
    except Http404:
        return _deleted_contact(request, contact_id, posted=False)


def _duty_contact_delete(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = access.duty_contact_for_edit(request.user, contact_id)
    stale_message = ""
    if request.method == "POST":
        form = DutyContactDeleteForm(request.POST)
        try:
            services.duty_contact_delete(
                contact_id=contact.id,
                acting_user=request.user,
                expected_version=form.expected_version(),
            )
        except services.StaleDutyContact as stale:
            contact, stale_message = stale.contact, str(stale)
        else:
            messages.success(request, _("Duty contact deleted."))
            return redirect("unit_detail", code=contact.unit.code)
    return render(
        request,
        "departments/duty_contact_confirm_delete.html",
        {
            "contact": contact,
            "unit": contact.unit,
            "cancel_url": reverse("unit_detail", args=[contact.unit.code]),
            "stale_message": stale_message,
            "current_values": [
                (DutyContact._meta.get_field(name).verbose_name, getattr(contact, name))
                for name in services.DUTY_CONTACT_FIELDS
                if name != "sort_order"
            ],
        },
        status=409 if stale_message else 200,
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        notifications = notifications.filter(read_at__isnull=True)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        notifications = notifications.filter(notification_search(query))
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "departments/notifications.html",
        {"page": page, "q": query, "unread_only": bool(request.GET.get("unread"))},
    )


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Following a notification marks it read; only one's own can be opened."""
    notification = access.get_or_404(
        Notification.objects.filter(recipient=request.user), id=notification_id
    )
    notifications_mark_read(user=request.user, ids=[notification.id])
    return redirect(notification.url or "notification_list")


@login_required
@require_http_methods(["POST"])
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_read(user=request.user)
    messages.success(
        request,
        ngettext("%(n)s notification marked as read.", "%(n)s notifications marked as read.", count)
        % {"n": count},
    )
    return redirect("notification_list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    form = NotificationSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_notification_settings(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notification_settings")
    return render(
        request,
        "departments/notification_settings.html",
        {
            "form": form,
            "unit_person": request.user.unit_id is not None
            and access.has_role(request.user, *access.UNIT_HANDLER_ROLES),
            "office_person": access.is_office_handler(request.user),
        },
    )
