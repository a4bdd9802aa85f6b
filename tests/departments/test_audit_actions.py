"""Every action code the portal writes in the audit trail has a name in both languages, so
that the trail never shows a reader a bare `user.create`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.utils import translation

from departments import audit_actions, services
from departments.admin import AuditedAdmin
from departments.models import AuditEntry

ROOT = Path(settings.BASE_DIR)
SOURCES = ("complaints", "departments", "meetings", "publicity", "reports", "wuqing_consumer")
CODE = re.compile(r"[a-z][a-z_]*\.[a-z][a-z_]*")
WRITES_THE_TRAIL = ("audit_record", "AuditEntry", "AUDIT_TABLE", "last_chased")
NOT_ACTIONS = {
    "database.dump",  # wuqing_consumer/backup.py: a backup archive's members, a file it reads
    "manifest.json",
    "manifest.sig",
    "pyproject.toml",
    "work_order.status_changed",  # complaints/callbacks.py: the event a callback tells
}
"""Strings shaped like a code in the modules that write the trail that are not actions."""


def _codes_in_the_source() -> dict[str, str]:
    """Each string shaped like an action code in a module that writes the trail, with where
    it is; model labels (`reports.unitreport`) and permissions (`complaints.add_…`) left
    out, as their first part is an app's label."""
    app_labels = {config.label for config in apps.get_app_configs()}
    found = {}
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text()
            if not any(word in text for word in WRITES_THE_TRAIL):
                continue
            for node in ast.walk(ast.parse(text)):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and CODE.fullmatch(node.value)
                    and node.value.split(".")[0] not in app_labels
                    and node.value not in NOT_ACTIONS
                ):
                    found.setdefault(node.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_code_written_in_the_source_has_a_name():
    codes = _codes_in_the_source()
    assert {"user.create", "signin_log.delete", "api_client.rotate_key", "backup.restore"} <= set(
        codes
    )
    unnamed = {code: where for code, where in codes.items() if not audit_actions.is_named(code)}
    assert not unnamed


def _object_types_in_the_source() -> dict[str, str]:
    """Each object type given as text to `audit_record` (`object_type="demo_data"`), or in
    a migration's entry, with where it is."""
    found = {}
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.keyword)
                    and node.arg == "object_type"
                    and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)
                ):
                    found.setdefault(node.value.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_object_type_written_has_a_name():
    """`demo_data` and `backup` were shown as stored, where a model's entries show its name."""
    types = {**_object_types_in_the_source(), "backup": "wuqing_consumer/backup.py"}
    assert {"demo_data", "complaints.apiclient"} <= set(types)
    unnamed = {t: where for t, where in types.items() if not audit_actions.is_named_object_type(t)}
    assert not unnamed
    assert set(audit_actions.OBJECT_TYPES) <= set(types)
    with translation.override("en"):
        names = {t: audit_actions.object_type_name(t) for t in audit_actions.OBJECT_TYPES}
    assert all(name != t and name[0].isupper() for t, name in names.items()), names


def test_writing_an_unnamed_object_type_is_an_error_in_the_tests(db):
    with pytest.raises(audit_actions.UnnamedAuditObjectType):
        services.audit_record(actor=None, action="user.create", obj=None, object_type="widget")
    assert not AuditEntry.objects.filter(object_type="widget").exists()


def test_an_object_type_no_longer_written_is_shown_as_it_is():
    assert audit_actions.object_type_name("widget") == "widget"
    assert audit_actions.object_type_name("gone.model") == "gone.model"


def test_every_name_is_a_code_still_written_or_kept_in_the_trail():
    """A name left behind by a code no longer written would hide that the search for it in
    the source above found nothing."""
    assert set(audit_actions.NAMES) <= set(_codes_in_the_source())


def test_each_name_reads_as_words_of_its_own():
    with translation.override("en"):
        names = {code: audit_actions.name(code) for code in audit_actions.NAMES}
    assert all(name != code and " " in name for code, name in names.items())
    assert len(set(names.values())) == len(names), "two actions read alike"


def test_configuration_changed_in_the_admin_is_named_by_its_kind():
    audited = [
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, AuditedAdmin)
    ]
    assert len(audited) > 10
    for model in audited:
        for verb in ("create", "update", "delete"):
            code = f"{services.config_audit_name(model)}.{verb}"
            assert audit_actions.is_named(code), code
    with translation.override("en"):
        assert audit_actions.name("routing_rule.update") == "Routing rule changed"
        assert audit_actions.name("calendar_day.delete") == "Calendar day deleted"


def test_a_code_no_longer_written_is_shown_as_it_is():
    assert audit_actions.name("widget.frobnicate") == "widget.frobnicate"


def test_writing_an_unnamed_code_is_an_error_in_the_tests(db):
    with pytest.raises(audit_actions.UnnamedAuditAction):
        services.audit_record(actor=None, action="widget.frobnicate", obj=AuditEntry())
    assert not AuditEntry.objects.filter(action="widget.frobnicate").exists()
