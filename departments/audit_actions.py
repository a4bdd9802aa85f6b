"""What each audit entry's action code (`user.create`, `summary.submit`) is called, in the
reader's language: the audit trail shows these names, its filter lists them and its search
finds them, and keeps the code beside them for whoever looks for it.

Every code the portal writes is named here; configuration changed in the admin
(`<model>.create`, `.update`, `.delete`, see `services.config_changes_audit`) by the model's
name. `audit_record` warns of a code without a name (`UnnamedAuditAction`), which the tests
turn into an error; an entry of a code no longer written shows its code.

What an entry is about (its object type) is named the same way: a model's label
(`complaints.routingrule`) by the model's name, any other type written (`demo_data`) in
`OBJECT_TYPES`, a type without a name a warning too (`UnnamedAuditObjectType`)."""

from __future__ import annotations

import functools
import warnings

from django.apps import apps
from django.utils.text import camel_case_to_spaces
from django.utils.translation import gettext_lazy as _

from wuqing_consumer import language

NAMES = {
    # people (the admin, the account commands)
    "user.create": _("Account created"),
    "user.details": _("Account details changed"),
    "user.roles": _("Roles changed"),
    "user.unit": _("Moved to another unit"),
    "user.activate": _("Account activated"),
    "user.deactivate": _("Account deactivated"),
    "user.permissions": _("Django permissions changed"),
    "user.password_set": _("Password set"),
    "user.password_change": _("Own password changed"),
    "user.password_disable": _("Password sign-in disabled"),
    "user.delete": _("Account deleted"),
    "user.notification_settings": _("Notification settings changed"),
    "duty_contact.create": _("Duty contact added"),
    "duty_contact.update": _("Duty contact changed"),
    "duty_contact.delete": _("Duty contact deleted"),
    # sign-in protection
    "signin.unlock": _("Sign-in unlocked"),
    "signin_log.delete": _("Sign-in log records deleted"),
    "signin_failure_log.delete": _("Failed sign-in log records deleted"),
    # API clients and their callbacks
    "api_client.create": _("API client created"),
    "api_client.update": _("API client changed"),
    "api_client.rotate_key": _("API key replaced"),
    "api_client.rotate_secret": _("Callback signing secret replaced"),
    "api_client.revoke": _("API client revoked"),
    "api_client.reactivate": _("API client reactivated"),
    "callback.replay": _("Callback sent again"),
    # work orders and the calendar
    "workorder.view_personal_data": _("Citizen's personal data shown"),
    "order_export.download": _("Excel export of the order list downloaded"),
    "holiday_schedule.update": _("Holiday schedule changed"),
    "holiday_schedule.complete": _("Holiday schedule marked complete"),
    "holiday_schedule.reopen": _("Holiday schedule marked incomplete"),
    # reports
    "report.chase": _("Late quarterly report chased"),
    "summary.create": _("Work summary started"),
    "summary.save": _("Work summary saved"),
    "summary.attach": _("File attached to a work summary"),
    "summary.detach": _("File removed from a work summary"),
    "summary.submit": _("Work summary submitted"),
    "summary.return": _("Work summary returned for changes"),
    "summary.acknowledge": _("Work summary acknowledged"),
    "summary.chase": _("Late work summary chased"),
    "district_report.save": _("District report's analysis saved"),
    "district_report.publish": _("District report published"),
    "district_report.comment": _("Group leader's comment on the district report"),
    "education.log": _("Consumer education event logged"),
    # the system
    "demo_data.load": _("Demo data loaded"),
    "backup.restore": _("Backup restored"),
}

OBJECT_TYPES = {
    "backup": _("Backup"),
    "demo_data": _("Demo data"),
}
"""What an entry is about when it is no one model (`audit_record`'s `object_type`)."""

CONFIG_VERBS = {
    "create": _("%(kind)s created"),
    "update": _("%(kind)s changed"),
    "delete": _("%(kind)s deleted"),
}
"""Configuration changed in the admin, `<model>.<verb>` (`routing_rule.update`)."""


class UnnamedAuditAction(UserWarning):
    """An audit entry was written with an action code that has no name here (its message
    begins as the tests' filter of warnings in pyproject.toml expects)."""


class UnnamedAuditObjectType(UserWarning):
    """An audit entry was written about an object type that is no model and has no name in
    `OBJECT_TYPES` (its message begins as the tests' filter of warnings expects)."""


def config_prefix(model: type) -> str:
    """The action prefix of a configuration model's entries: `RoutingRule` → `routing_rule`."""
    return camel_case_to_spaces(model.__name__).replace(" ", "_")


@functools.cache
def _config_models() -> dict[str, type]:
    return {config_prefix(model): model for model in apps.get_models()}


def _config_model(code: str) -> type | None:
    prefix, _dot, verb = code.rpartition(".")
    return _config_models().get(prefix) if verb in CONFIG_VERBS else None


def is_named(code: str) -> bool:
    return code in NAMES or _config_model(code) is not None


def name(code: str) -> str:
    """The action's name in the active language; a code without one as it is."""
    if code in NAMES:
        return str(NAMES[code])
    model = _config_model(code)
    if model is None:
        return code
    verb = code.rpartition(".")[2]
    return str(CONFIG_VERBS[verb]) % {"kind": language.kind(model, capfirst=True).text()}


def _object_model(object_type: str) -> type | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def is_named_object_type(object_type: str) -> bool:
    return object_type in OBJECT_TYPES or _object_model(object_type) is not None


def object_type_name(object_type: str) -> str:
    """What an entry is about in the active language: a model by its name, a type that is
    none (the backup, the demo data) by its name here; one no longer written as it is."""
    if object_type in OBJECT_TYPES:
        return str(OBJECT_TYPES[object_type])
    model = _object_model(object_type)
    if model is None:
        return object_type
    return language.kind(model, capfirst=True).text()


def check(code: str, object_type: str | None = None) -> None:
    """Warn of a code, or an object type, written without a name (an error in the tests),
    so that no entry shows a bare code to its readers."""
    if not is_named(code):
        warnings.warn(
            f"Audit action {code!r} has no name in departments.audit_actions.NAMES",
            UnnamedAuditAction,
            stacklevel=3,
        )
    if object_type is not None and not is_named_object_type(object_type):
        warnings.warn(
            f"Audit object type {object_type!r} has no name in "
            "departments.audit_actions.OBJECT_TYPES",
            UnnamedAuditObjectType,
            stacklevel=3,
        )
