"""Writes on units and people. Each runs in one transaction and leaves an audit entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from . import access
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
) -> AuditEntry:
    """Write the audit row; callers do it inside their own transaction, never from a signal."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        unit_id=unit.id if unit is not None else unit_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk or ""),
        summary=summary[:300],
        data=data or {},
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
                "This duty contact was changed by someone else after you opened the form. "
                "Nothing was saved: the form now shows the current values. Make your change "
                "again if it is still needed."
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
                "This duty contact was changed by someone else after you opened the page. "
                "Nothing was deleted: the page now shows the current values. Delete it again "
                "if it should still go."
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


@transaction.atomic
def user_update_notification_settings(
    *, acting_user: User, notify_by_email: bool, notify_by_sms: bool, daily_digest: bool
) -> User:
    """A person's own choice of channels; recorded like any other change."""
    user = User.objects.select_for_update().get(id=acting_user.id)
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
