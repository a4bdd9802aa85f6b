"""Writes on units and people. Each runs in one transaction and leaves an audit entry."""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.db.models.signals import post_save, pre_delete, pre_save
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from wuqing_consumer import dates, language
from wuqing_consumer.language import Written, district_language, written, written_plural

from . import access, audit_actions
from .choices import RoleCode
from .models import AuditEntry, DutyContact, Unit, User

DUTY_CONTACT_FIELDS = ("label", "person", "phone", "hours", "note", "sort_order")
NOTIFICATION_FIELDS = ("notify_by_email", "notify_by_sms", "daily_digest")


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: Any,
    unit: Unit | None = None,
    unit_id: int | None = None,
    summary: str = "",
    data: dict | None = None,
    object_id: str | None = None,
    object_type: str | None = None,
) -> AuditEntry:
    """Write the audit row; callers do it inside their own transaction, never from a signal.
    `object_id` names the object when its id would not (a record deleted with the entry),
    `object_type` what was changed when it is no one model (the demo data). A summary
    written from a message (`language.written`) is kept as written, in the district's
    language (the record), and what it was written from in `data` (`SUMMARY_MESSAGE`), so
    that the trail shows it in the reader's language (`audit_summary`). The action has a
    name in `audit_actions`, and so does the object type (a warning otherwise, an error in
    the tests)."""
    object_type = object_type or obj._meta.label_lower
    audit_actions.check(action, object_type)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        unit_id=unit.id if unit is not None else unit_id,
        action=action,
        object_type=object_type,
        object_id=(str(obj.pk or "") if object_id is None else object_id)[:40],
        summary=summary[:300],
        data=language.with_summary_message(data, summary),
    )


def os_user() -> str:
    """The operating-system account running the process: a management command is run by no
    portal account, so this is who the audit trail can name."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment, no passwd entry
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "?"


def command_origin(command: str) -> dict[str, str]:
    """What an entry written by a management command (or a script) keeps of who made the
    change: the command as it was run (`by`, "manage.py axes_reset") and the
    operating-system user (`os_user`)."""
    return {"by": command, "os_user": os_user()}


def command_summary(change: str, origin: dict[str, str]) -> Written:
    """An entry's summary with the command and the operating-system user after it, for the
    audit list, whose "by" column is empty for a command."""
    return written(
        "%(change)s (by %(command)s, operating-system user %(user)s)",
        change=change,
        command=origin["by"],
        user=origin["os_user"],
    )


@transaction.atomic
def duty_contact_create(*, unit_code: str, acting_user: User, **fields: Any) -> DutyContact:
    unit = access.unit_for_duty_contact_edit(acting_user, unit_code)
    contact = DutyContact(unit=unit, **{k: fields[k] for k in DUTY_CONTACT_FIELDS if k in fields})
    contact.full_clean()
    contact.save()
    audit_record(
        actor=acting_user,
        action="duty_contact.create",
        obj=contact,
        unit=unit,
        summary=str(contact),
        data={"after": model_to_dict(contact, fields=DUTY_CONTACT_FIELDS)},
    )
    return contact


class StaleDutyContact(Exception):
    """Someone else changed the duty contact after the form (or the confirmation to delete
    it) was loaded; nothing was saved or deleted. `contact` is the contact as it is now,
    for the page to show."""

    def __init__(self, contact: DutyContact, message: str | None = None):
        super().__init__(
            message
            or _(
                "Someone else changed this duty contact while you had it open, so nothing was "
                "saved. The form shows the contact as it is now, and what you entered is listed "
                "beside the current values where they differ: make your change again if it is "
                "still needed."
            )
        )
        self.contact = contact


@transaction.atomic
def duty_contact_update(
    *,
    contact_id: int,
    acting_user: User,
    expected_version: int | None = None,
    **fields: Any,
) -> DutyContact:
    """Change a duty contact under a row lock. With `expected_version` (every form passes
    the version it showed) a contact changed since then is refused with StaleDutyContact,
    so the unit's head, its liaison and the office do not undo each other's changes."""
    contact = access.duty_contact_for_edit(acting_user, contact_id, lock=True)
    if expected_version is not None and contact.version != expected_version:
        raise StaleDutyContact(contact)
    before = model_to_dict(contact, fields=DUTY_CONTACT_FIELDS)
    changed = [k for k in DUTY_CONTACT_FIELDS if k in fields and fields[k] != before[k]]
    for key in changed:
        setattr(contact, key, fields[key])
    if not changed:
        return contact
    contact.full_clean()
    contact.version += 1
    contact.save(update_fields=[*changed, "version", "updated_at"])
    audit_record(
        actor=acting_user,
        action="duty_contact.update",
        obj=contact,
        unit=contact.unit,
        summary=str(contact),
        data={
            "before": {k: before[k] for k in changed},
            "after": {k: fields[k] for k in changed},
        },
    )
    return contact


@transaction.atomic
def duty_contact_delete(
    *, contact_id: int, acting_user: User, expected_version: int | None = None
) -> None:
    """Delete a duty contact under a row lock. With `expected_version` (the confirmation
    page passes the version it showed) a contact changed since then is refused with
    StaleDutyContact: the person confirmed deleting what they saw, not what a colleague
    has just put there."""
    contact = access.duty_contact_for_edit(acting_user, contact_id, lock=True)
    if expected_version is not None and contact.version != expected_version:
        raise StaleDutyContact(
            contact,
            _(
                "Someone else changed this duty contact while you had it open, so it was not "
                "deleted. The page shows the contact as it is now: delete it again if it "
                "should still go."
            ),
        )
    snapshot = model_to_dict(contact, fields=DUTY_CONTACT_FIELDS)
    audit_record(
        actor=acting_user,
        action="duty_contact.delete",
        obj=contact,
        unit=contact.unit,
        summary=str(contact),
        data={"before": snapshot},
    )
    contact.delete()


def user_hold(user: User) -> None:
    """Lock the person's row until the caller's transaction ends, so that the same form
    posted twice (a double click) is handled one post after the other and the second can
    find what the first wrote. Without the key (FOR NO KEY UPDATE): rows that point at the
    person are not held up."""
    User.objects.select_for_update(no_key=True, of=("self",)).filter(id=user.id).first()


def unit_hold(unit_id: int) -> None:
    """Lock the unit's row until the caller's transaction ends, as `user_hold` does for a
    person, where what is checked before writing is the unit's (a lead the unit already
    referred): two of its people posting the same form at once are handled one after the
    other. Without the key, so rows that point at the unit are not held up."""
    Unit.objects.select_for_update(no_key=True, of=("self",)).filter(id=unit_id).first()


@transaction.atomic
def user_update_notification_settings(
    *, acting_user: User, notify_by_email: bool, notify_by_sms: bool, daily_digest: bool
) -> User:
    """A person's own choice of channels; recorded like any other change."""
    user = User.objects.select_for_update(no_key=True).get(id=acting_user.id)
    before = model_to_dict(user, fields=NOTIFICATION_FIELDS)
    user.notify_by_email, user.notify_by_sms, user.daily_digest = (
        notify_by_email,
        notify_by_sms,
        daily_digest,
    )
    user.save(update_fields=list(NOTIFICATION_FIELDS))
    audit_record(
        actor=acting_user,
        action="user.notification_settings",
        obj=user,
        unit=user.unit,
        summary=user.username,
        data={"before": before, "after": model_to_dict(user, fields=NOTIFICATION_FIELDS)},
    )
    return user


# --- people's accounts, changed in the admin -------------------------------------------------
#
# The admin's own forms save an account (they hash a new password and save the roles); these
# functions lock and read it before, and write its audit entries after, in the admin's
# transaction: one entry per kind of change, so the trail can be filtered by it (who granted
# whom which role, who moved, deactivated, reset or deleted whom, who renamed whom or changed
# their job title, phone or email); a password or its hash never is.

ACCOUNT_PERMISSION_KEYS = ("is_superuser", "is_staff", "groups", "user_permissions")
ACCOUNT_DETAIL_KEYS = ("username", "name", "job_title", "phone", "email")


def user_account(user_id: int, *, lock: bool = False) -> dict[str, Any]:
    """The account as stored, as the audit trail keeps it: username, name, job title, phone,
    email, unit (its code), roles (codes), active flag and Django permissions. With `lock`
    the row stays locked until the caller's transaction ends, so no other change comes
    between this reading and the save."""
    users = User.objects.select_related("unit")
    if lock:
        users = users.select_for_update(no_key=True, of=("self",))
    user = users.get(id=user_id)
    permissions = user.user_permissions.values_list("content_type__app_label", "codename")
    return {
        **{key: getattr(user, key) for key in ACCOUNT_DETAIL_KEYS},
        "unit": user.unit.code if user.unit is not None else None,
        "roles": sorted(user.roles.values_list("code", flat=True)),
        "is_active": user.is_active,
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": sorted(f"{app}.{codename}" for app, codename in permissions),
    }


def _unit_named(code: str | None) -> object:
    unit = Unit.objects.filter(code=code).first() if code else None
    return language.unit(unit) if unit is not None else "—"


def _roles_named(codes: list[str]) -> object:
    return language.labels(RoleCode, codes)


def _fields_named(model: type, names: list[str]) -> object:
    """The fields' names as the admin labels them, in the reader's language."""
    return language.fields(model, names)


def _account_record(
    acting_user: User, user: User, action: str, summary: str, data: dict
) -> AuditEntry:
    return audit_record(
        actor=acting_user,
        action=action,
        obj=user,
        unit_id=getattr(acting_user, "unit_id", None),
        summary=summary,
        data=data,
    )


def user_changes_audit(
    *, acting_user: User, user: User, before: dict[str, Any] | None
) -> list[AuditEntry]:
    """The entries of an account created (`before` None) or changed in the admin, compared
    with `before` (`user_account`, read locked before the save), in the caller's
    transaction."""
    after = user_account(user.id)
    name = after["username"]
    if before is None:
        summary = written(
            "Account %(username)s created (%(unit)s: %(roles)s)",
            username=name,
            unit=_unit_named(after["unit"]),
            roles=_roles_named(after["roles"]),
        )
        return [_account_record(acting_user, user, "user.create", summary, {"after": after})]
    entries = []
    details = [key for key in ACCOUNT_DETAIL_KEYS if after[key] != before.get(key)]
    if details:
        if after["username"] != before["username"]:
            summary = written(
                "Details of %(username)s (until now %(before)s) changed: %(fields)s",
                username=name,
                before=before["username"],
                fields=_fields_named(User, details),
            )
        else:
            summary = written(
                "Details of %(username)s changed: %(fields)s",
                username=name,
                fields=_fields_named(User, details),
            )
        data = {
            "before": {key: before.get(key) for key in details},
            "after": {key: after[key] for key in details},
        }
        entries.append(_account_record(acting_user, user, "user.details", summary, data))
    if after["roles"] != before["roles"]:
        summary = written(
            "Roles of %(username)s changed: %(before)s → %(after)s",
            username=name,
            before=_roles_named(before["roles"]),
            after=_roles_named(after["roles"]),
        )
        data = {
            "before": before["roles"],
            "after": after["roles"],
            "granted": sorted(set(after["roles"]) - set(before["roles"])),
            "removed": sorted(set(before["roles"]) - set(after["roles"])),
        }
        entries.append(_account_record(acting_user, user, "user.roles", summary, data))
    if after["unit"] != before["unit"]:
        summary = written(
            "Unit of %(username)s changed: %(before)s → %(after)s",
            username=name,
            before=_unit_named(before["unit"]),
            after=_unit_named(after["unit"]),
        )
        data = {"before": before["unit"], "after": after["unit"]}
        entries.append(_account_record(acting_user, user, "user.unit", summary, data))
    if after["is_active"] != before["is_active"]:
        if after["is_active"]:
            action, summary = (
                "user.activate",
                written("Account %(username)s activated", username=name),
            )
        else:
            action = "user.deactivate"
            summary = written("Account %(username)s deactivated", username=name)
        data = {"before": before["is_active"], "after": after["is_active"]}
        entries.append(_account_record(acting_user, user, action, summary, data))
    changed = [key for key in ACCOUNT_PERMISSION_KEYS if after[key] != before[key]]
    if changed:
        summary = written("Django permissions of %(username)s changed", username=name)
        data = {
            "before": {key: before[key] for key in changed},
            "after": {key: after[key] for key in changed},
        }
        entries.append(_account_record(acting_user, user, "user.permissions", summary, data))
    return entries


def user_password_held(user: User) -> str:
    """Lock the person's row until the caller's transaction ends and return the stored
    password hash, only for `user_password_audit` to tell whether it was replaced: it is
    never recorded."""
    held = (
        User.objects.select_for_update(no_key=True, of=("self",))
        .filter(id=user.id)
        .values_list("password", flat=True)
        .first()
    )
    return held or ""


def user_password_audit(*, acting_user: User, user: User, held: str) -> AuditEntry | None:
    """The entry of a password set in the admin (`held`, from `user_password_held`, was
    replaced): set for someone else, changed by its owner, or password sign-in disabled.
    Whether the password is usable is all it keeps of it."""
    stored = User.objects.filter(id=user.id).values_list("password", flat=True).first()
    if stored is None or stored == held:
        return None
    usable = is_password_usable(stored)
    if not usable:
        action = "user.password_disable"
        summary = written("Password sign-in of %(username)s disabled", username=user.username)
    elif user.pk == acting_user.pk:
        action = "user.password_change"
        summary = written("%(username)s changed their own password", username=user.username)
    else:
        action = "user.password_set"
        summary = written("New password set for %(username)s", username=user.username)
    return _account_record(acting_user, user, action, summary, {"usable": usable})


@transaction.atomic
def user_delete(*, acting_user: User, user_id: int) -> None:
    """Delete a person's account, keeping in the audit trail who it was (username, unit,
    roles). Refused, before anything is written, for an account the acting user may not
    manage (`access.may_manage_user`) and for one's own: the entry names the one who deleted,
    and an account named by the trail is kept."""
    user = access.get_or_404(
        User.objects.select_for_update(of=("self",)).select_related("unit"), id=user_id
    )
    if user.pk == acting_user.pk or not access.may_manage_user(acting_user, user):
        raise PermissionDenied
    before = user_account(user.id)
    summary = written(
        "Account %(username)s deleted (%(unit)s: %(roles)s)",
        username=user.username,
        unit=_unit_named(before["unit"]),
        roles=_roles_named(before["roles"]),
    )
    _account_record(acting_user, user, "user.delete", summary, {"before": before})
    user.delete()


def account_changes_by_command(*, command: str, run: Callable[[], object]) -> object:
    """Run Django's `createsuperuser` or `changepassword` (`run`, their own code) so that each
    account it saves is in the audit trail, in the save's transaction, with the command and
    the operating-system user (`command_origin`) instead of an account: `user.create` with
    what `user_account` keeps of an account created, `user.password_set` (or
    `user.password_disable`) for a password replaced, keeping only whether it is usable.
    Returns what `run` returns.

    The transaction opens at the command's first save of an account (Django's pre_save), not
    before: both commands first ask for the password, and a transaction held while someone
    types would, on SQLite (BEGIN IMMEDIATE), keep the portal from writing meanwhile. It ends
    once the command has returned and the entries are written; an error, in the entries too,
    rolls the save back."""
    held: dict[int | None, str | None] = {}  # a password hash before the save; None: created
    saved: list[int] = []
    with ExitStack() as in_transaction:

        def before_save(sender: type, instance: User, using: str, **kwargs: Any) -> None:
            if not held and not saved:
                in_transaction.enter_context(transaction.atomic(using=using))
            if instance._state.adding:
                held.setdefault(None, None)
            elif instance.pk not in held:
                held[instance.pk] = user_password_held(instance)

        def after_save(sender: type, instance: User, created: bool, **kwargs: Any) -> None:
            if created:
                held[instance.pk] = None
            if instance.pk not in saved:
                saved.append(instance.pk)

        pre_save.connect(before_save, sender=User, weak=False, dispatch_uid="account_command")
        post_save.connect(after_save, sender=User, weak=False, dispatch_uid="account_command")
        try:
            result = run()
        finally:
            pre_save.disconnect(sender=User, dispatch_uid="account_command")
            post_save.disconnect(sender=User, dispatch_uid="account_command")
        origin = command_origin(command)
        for user in User.objects.filter(pk__in=saved).order_by("pk"):
            _account_command_record(user, held[user.pk], origin)
    return result


def _account_command_record(user: User, held: str | None, origin: dict[str, str]) -> None:
    """The entry of an account a command created (`held` None) or whose password it replaced
    (`held`, the hash before)."""
    if held is None:
        after = user_account(user.id)
        if after["is_superuser"]:
            change = written("Superuser account %(username)s created", username=user.username)
        else:
            change = written(
                "Account %(username)s created (%(unit)s: %(roles)s)",
                username=user.username,
                unit=_unit_named(after["unit"]),
                roles=_roles_named(after["roles"]),
            )
        action, data = "user.create", {"after": after}
    elif user.password != held:
        usable = is_password_usable(user.password)
        if usable:
            action = "user.password_set"
            change = written("New password set for %(username)s", username=user.username)
        else:
            action = "user.password_disable"
            change = written("Password sign-in of %(username)s disabled", username=user.username)
        data = {"usable": usable}
    else:
        return
    audit_record(
        actor=None,
        action=action,
        obj=user,
        summary=command_summary(change, origin),
        data={**data, **origin},
    )


# --- sign-in lockouts (django-axes), cleared by the office ----------------------------------


@transaction.atomic
def signin_unlock(*, attempt_ids: Iterable[int], acting_user: User) -> list[AuditEntry]:
    """Clear failed sign-in records (django-axes' attempts): the username and address each
    one locks can sign in again at once. The office does it when a person locked out calls
    (`access.may_unlock_signins`; refused before anything is written for anyone else).

    Each record cleared leaves an entry, `signin.unlock`, named by the username: who
    unlocked whom, from which address, after how many failures, and whether it was locking
    at all (a count below the limit, or older than the cool-off, was not). Records already
    gone (cleared by a colleague, or by the cool-off cleanup) are skipped. The records are
    read locked, so a failure counted meanwhile is in the entry or waits for the deletion.
    """
    if not access.may_unlock_signins(acting_user):
        raise PermissionDenied
    attempts = list(
        AccessAttempt.objects.select_for_update().filter(pk__in=list(attempt_ids)).order_by("pk")
    )
    entries = [_signin_unlock_record(attempt, acting_user) for attempt in attempts]
    AccessAttempt.objects.filter(pk__in=[attempt.pk for attempt in attempts]).delete()
    return entries


def _signin_unlock_record(
    attempt: AccessAttempt, acting_user: User | None, origin: dict[str, str] | None = None
) -> AuditEntry:
    """The `signin.unlock` entry of a failed sign-in record cleared, by someone in the admin
    or (`origin`, `command_origin`) by a command."""
    cool_off = get_cool_off()
    since = timezone.now() - cool_off if cool_off is not None else None
    username, ip = attempt.username or "", attempt.ip_address
    failures = attempt.failures_since_start
    locked = failures >= settings.AXES_FAILURE_LIMIT and (
        since is None or attempt.attempt_time > since
    )
    params = {"username": username or "—", "ip": ip or "—"}
    if locked:
        summary = written_plural(
            "Sign-in of %(username)s from %(ip)s unlocked after %(n)s failed attempt",
            "Sign-in of %(username)s from %(ip)s unlocked after %(n)s failed attempts",
            failures,
            **params,
        )
    else:
        summary = written_plural(
            "%(n)s failed sign-in of %(username)s from %(ip)s cleared (not locked)",
            "%(n)s failed sign-ins of %(username)s from %(ip)s cleared (not locked)",
            failures,
            **params,
        )
    data: dict[str, Any] = {"username": username, "ip": ip, "failures": failures, "locked": locked}
    if origin is not None:
        summary, data = command_summary(summary, origin), {**data, **origin}
    return audit_record(
        actor=acting_user,
        action="signin.unlock",
        obj=attempt,
        object_id=username,
        unit_id=getattr(acting_user, "unit_id", None),
        summary=summary,
        data=data,
    )


SIGNIN_LOG_ACTIONS = {
    AccessLog: "signin_log.delete",
    AccessFailureLog: "signin_failure_log.delete",
}


@transaction.atomic
def signin_log_delete(
    *,
    model: type[AccessLog] | type[AccessFailureLog],
    record_ids: Iterable[int],
    acting_user: User,
) -> AuditEntry | None:
    """Delete records of the sign-in log or of the failure log (django-axes), as an
    administrator does for retention (`access.is_administrator`; refused before anything is
    written for anyone else: the office is among the people they record).

    One entry a deletion, `signin_log.delete` or `signin_failure_log.delete`: who deleted
    how many records, the time of the first and the last, and their numbers. Not whom or
    which address they record: the entry is kept for good, the records were deleted so as
    not to be. The records are read locked; those already gone are skipped."""
    if not access.is_administrator(acting_user):
        raise PermissionDenied
    records = list(
        model.objects.select_for_update()
        .filter(pk__in=list(record_ids))
        .order_by("attempt_time", "pk")
        .values_list("pk", "attempt_time")
    )
    if not records:
        return None
    entry = _signin_log_record(model, records, acting_user)
    model.objects.filter(pk__in=[pk for pk, _time in records]).delete()
    return entry


def _signin_log_record(
    model: type[AccessLog] | type[AccessFailureLog],
    records: list[tuple[int, Any]],
    acting_user: User | None,
    origin: dict[str, str] | None = None,
) -> AuditEntry:
    """The entry of log records (id, time; oldest first) deleted, by someone in the admin
    or (`origin`, `command_origin`) by a command."""
    ids = sorted(pk for pk, _time in records)
    first, last = records[0][1], records[-1][1]
    params = {
        "first": dates.minute(first),
        "last": dates.minute(last),
    }
    if model is AccessLog:
        summary = written_plural(
            "%(n)s sign-in log record deleted (%(first)s to %(last)s)",
            "%(n)s sign-in log records deleted (%(first)s to %(last)s)",
            len(ids),
            **params,
        )
    else:
        summary = written_plural(
            "%(n)s failed sign-in log record deleted (%(first)s to %(last)s)",
            "%(n)s failed sign-in log records deleted (%(first)s to %(last)s)",
            len(ids),
            **params,
        )
    data: dict[str, Any] = {
        "count": len(ids),
        "first": first.isoformat(),
        "last": last.isoformat(),
        "ids": ids,
    }
    if origin is not None:
        summary, data = command_summary(summary, origin), {**data, **origin}
    return audit_record(
        actor=acting_user,
        action=SIGNIN_LOG_ACTIONS[model],
        obj=model(),
        object_id=str(ids[0]) if len(ids) == 1 else "",
        unit_id=getattr(acting_user, "unit_id", None),
        summary=summary,
        data=data,
    )


def signin_reset_by_command(*, command: str, reset: Callable[[], object]) -> list[AuditEntry]:
    """Run one of django-axes' reset commands (`reset`, its own code) in one transaction with
    the entries of what it deleted: a `signin.unlock` entry per failed sign-in record
    cleared, one `signin_log.delete` or `signin_failure_log.delete` entry per log, as the
    admin writes them, with the command and the operating-system user (`command_origin`)
    instead of an account. Nothing deleted, nothing written.

    The records are taken from Django's pre_delete as axes deletes them, so the entries are
    of exactly what it deleted; the failed sign-in records are read locked first, so none
    is counted up meanwhile. If an entry cannot be written, nothing is deleted."""
    deleted: dict[type, list[tuple[int, Any]]] = {
        AccessAttempt: [],
        AccessLog: [],
        AccessFailureLog: [],
    }

    def seen(sender: type, instance: Any, **kwargs: Any) -> None:
        deleted[sender].append((instance.pk, instance))  # the deletion then clears its pk

    with transaction.atomic():
        list(AccessAttempt.objects.select_for_update().values_list("pk", flat=True))
        for model in deleted:
            pre_delete.connect(seen, sender=model, weak=False, dispatch_uid="signin_reset")
        try:
            reset()
        finally:
            for model in deleted:
                pre_delete.disconnect(sender=model, dispatch_uid="signin_reset")
        origin = command_origin(command)
        entries = [
            _signin_unlock_record(attempt, None, origin)
            for _pk, attempt in sorted(deleted[AccessAttempt], key=lambda seen: seen[0])
        ]
        for model in (AccessLog, AccessFailureLog):
            records = sorted((r.attempt_time, pk) for pk, r in deleted[model])
            if records:
                entries.append(
                    _signin_log_record(model, [(pk, time) for time, pk in records], None, origin)
                )
    return entries


@transaction.atomic
def signin_cleanup_expired(*, acting_user: User) -> list[AuditEntry]:
    """django-axes' "clean up expired attempts": clear every failed sign-in record older
    than the cool-off (it locks no one any more), through `signin_unlock`, so each leaves its
    `signin.unlock` entry ("... cleared (not locked)") and only whoever may clear records one
    at a time may do it. The records are read locked: one that a new failure makes current
    again meanwhile waits, and is not cleared. No cool-off means no record ever expires."""
    if not access.may_unlock_signins(acting_user):
        raise PermissionDenied
    cool_off = get_cool_off()
    if cool_off is None:
        return []
    expired = list(
        AccessAttempt.objects.select_for_update()
        .filter(attempt_time__lte=timezone.now() - cool_off)
        .values_list("pk", flat=True)
    )
    return signin_unlock(attempt_ids=expired, acting_user=acting_user)


# --- configuration changed in the admin ------------------------------------------------------
#
# Reference data and policy the office changes in the admin (routing rules, deadlines, the
# holiday calendar, units, towns, reminder and escalation policies, reporting deadlines, the
# scheduler's tasks and schedules, permission groups): the admin's own forms save the rows,
# these functions read them locked before and write the audit entry after, in the admin's
# transaction, with the old and new values of the fields that changed. Models with secrets or
# their own services (people, duty contacts, API clients, the holiday schedules) are audited by
# those services instead.


def config_audit_name(model: type) -> str:
    """The entries' action prefix: `RoutingRule` → `routing_rule`."""
    return audit_actions.config_prefix(model)


def _config_fields(model: type) -> list:
    """The fields a person edits: not the id, not the times Django stamps, not a row's
    version or a counter the system moves on (`editable=False`)."""
    return [
        field
        for field in (*model._meta.concrete_fields, *model._meta.many_to_many)
        if field.editable
        and not field.primary_key
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    ]


def _config_related(obj: Any) -> Any:
    """A related row as the trail names it: a unit by its code, a permission as
    `app_label.codename`, anything else by its id."""
    if hasattr(obj, "codename") and hasattr(obj, "content_type"):
        return f"{obj.content_type.app_label}.{obj.codename}"
    return getattr(obj, "code", None) or obj.pk


class _ConfigEncoder(DjangoJSONEncoder):
    """Dates, times and decimals as Django writes them; anything else (a time zone) as text."""

    def default(self, o: Any) -> Any:
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def _config_url(value: str) -> str:
    """A web address without what may be a credential: a group-chat robot's key or token
    is in its query, a password may be before the host."""
    if not value:
        return value
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
    except ValueError:  # not a web address after all: nothing of it is kept
        return "…"
    return urlunsplit((parts.scheme, host, parts.path, "…" if parts.query else "", ""))


def _config_value(field: Any, obj: Any) -> Any:
    if field.many_to_many:
        rows = getattr(obj, field.name).all()
        if issubclass(rows.model, Permission):  # named by their app: one query, not one each
            rows = rows.select_related("content_type")
        return sorted((_config_related(related) for related in rows), key=str)
    if field.is_relation:
        related = getattr(obj, field.name)
        return None if related is None else _config_related(related)
    return json.loads(json.dumps(field.value_from_object(obj), cls=_ConfigEncoder))


def config_snapshot(
    model: type, pk: Any, *, lock: bool = False, deleting: bool = False
) -> dict[str, Any] | None:
    """The row as stored, field by field, as the audit trail keeps it (None if it is gone).
    With `lock` it stays locked until the caller's transaction ends, so no other change
    comes between this reading and the save: without the key (FOR NO KEY UPDATE) unless
    the row is `deleting`, so that an edited unit does not hold up the orders and people
    registered for it meanwhile."""
    rows = model._default_manager.all()
    if lock:
        rows = rows.select_for_update(no_key=not deleting)
    obj = rows.filter(pk=pk).first()
    if obj is None:
        return None
    return {field.name: _config_value(field, obj) for field in _config_fields(model)}


def _config_shown(model: type, values: dict[str, Any]) -> dict[str, Any]:
    """The values as the entry keeps them: a web address without its credentials."""
    urls = {f.name for f in _config_fields(model) if isinstance(f, models.URLField)}
    return {k: _config_url(v) if k in urls and v else v for k, v in values.items()}


def _config_kind(model: type) -> object:
    """What the rows are called; it begins the entry's summary."""
    return language.kind(model, capfirst=True)


def _config_object(obj: Any) -> object:
    """The row as the summary names it: a unit by its name in the reader's language (its
    code kept), a reporting period by its quarter's, likewise (`language.quarter`),
    anything else as its name reads in the district's language, whatever the language of
    the person who changed it (a town's name is in both)."""
    from reports.models import ReportingPeriod

    if isinstance(obj, Unit):
        return language.unit(obj)
    if isinstance(obj, ReportingPeriod):
        return language.quarter(obj)
    with district_language():
        return str(obj)


def _config_record(acting_user: User, obj: Any, verb: str, summary: str, data: dict) -> AuditEntry:
    return audit_record(
        actor=acting_user,
        action=f"{config_audit_name(type(obj))}.{verb}",
        obj=obj,
        unit_id=getattr(acting_user, "unit_id", None),
        summary=summary,
        data=data,
    )


def config_changes_audit(
    *, acting_user: User, obj: Any, before: dict[str, Any] | None, admin_action: str = ""
) -> AuditEntry | None:
    """The entry of a row created (`before` None) or changed in the admin, compared with
    `before` (`config_snapshot`, read locked before the save), in the caller's transaction;
    none if nothing changed. `admin_action` names the admin's action that changed it."""
    model = type(obj)
    after = config_snapshot(model, obj.pk)
    if after is None:
        return None
    if before is None:
        summary = written(
            "%(kind)s created: %(object)s", kind=_config_kind(model), object=_config_object(obj)
        )
        return _config_record(
            acting_user, obj, "create", summary, {"after": _config_shown(model, after)}
        )
    changed = [name for name in after if after[name] != before.get(name)]
    if not changed:
        return None
    summary = written(
        "%(kind)s changed: %(object)s (%(fields)s)",
        kind=_config_kind(model),
        object=_config_object(obj),
        fields=_fields_named(model, changed),
    )
    data: dict[str, Any] = {
        "before": _config_shown(model, {name: before.get(name) for name in changed}),
        "after": _config_shown(model, {name: after[name] for name in changed}),
    }
    if admin_action:
        data["admin_action"] = admin_action
    return _config_record(acting_user, obj, "update", summary, data)


def config_delete_audit(*, acting_user: User, obj: Any) -> AuditEntry | None:
    """The entry of a row about to be deleted in the admin, read locked, in the caller's
    transaction: what it was, and what goes with it (the scheduler's tasks of a deleted
    schedule, say), by kind. None if it is already gone."""
    model = type(obj)
    before = config_snapshot(model, obj.pk, lock=True, deleting=True)
    if before is None:
        return None
    collector = Collector(using=router.db_for_write(model))
    collector.collect([obj])
    deleted_with: dict[str, list[str]] = {}
    for other_model, others in collector.data.items():
        if other_model is model or other_model._meta.auto_created:
            continue
        deleted_with.setdefault(other_model._meta.label_lower, []).extend(map(str, others))
    for rows in collector.fast_deletes:
        if not rows.model._meta.auto_created:
            deleted_with.setdefault(rows.model._meta.label_lower, []).extend(map(str, rows))
    deleted_with = {label: sorted(names) for label, names in deleted_with.items()}
    summary = written(
        "%(kind)s deleted: %(object)s", kind=_config_kind(model), object=_config_object(obj)
    )
    data: dict[str, Any] = {"before": _config_shown(model, before)}
    if deleted_with:
        data["deleted_with"] = deleted_with
    return _config_record(acting_user, obj, "delete", summary, data)
