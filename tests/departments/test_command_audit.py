"""Management commands that change configuration or security state leave an audit entry,
in the change's transaction: which command, the operating-system user who ran it (no portal
account signs in to run them), and what changed; never a key, secret or hash."""

from __future__ import annotations

import getpass
import json
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from complaints.models import ApiClient
from departments import services
from departments.models import AuditEntry, User
from tests.helpers import audit_data

pytestmark = pytest.mark.django_db


def _attempt(username: str, ip: str = "10.0.0.7", failures: int = 5) -> AccessAttempt:
    return AccessAttempt.objects.create(
        username=username,
        ip_address=ip,
        user_agent="pytest",
        failures_since_start=failures,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
    )


def _says_who(entry: AuditEntry, command: str) -> None:
    assert entry.actor is None
    assert entry.data["by"] == command
    assert entry.data["os_user"] == getpass.getuser()
    assert command in entry.summary and getpass.getuser() in entry.summary


def test_create_api_client_names_the_command_and_the_operating_system_user():
    out = StringIO()
    with translation.override("en"):  # the labels the lines are split at
        call_command("create_api_client", "天津12345", stdout=out)
    key = out.getvalue().split("API key:", 1)[1].split()[0]
    secret = out.getvalue().split("Signing secret:", 1)[1].split()[0]
    client = ApiClient.objects.get(name="天津12345")

    [entry] = AuditEntry.objects.filter(action="api_client.create")
    _says_who(entry, "manage.py create_api_client")
    assert "天津12345" in entry.summary
    text = json.dumps(entry.data) + entry.summary
    for value in (key, secret, client.key_hash, client.secret_salt):
        assert value not in text


@pytest.mark.parametrize(
    "command, args",
    [
        ("axes_reset", []),
        ("axes_reset_username", ["zhang"]),
        ("axes_reset_ip", ["10.0.0.7"]),
        ("axes_reset_ip_username", ["10.0.0.7", "zhang"]),
    ],
)
def test_an_axes_reset_command_records_each_lockout_it_clears(command, args):
    _attempt("zhang")
    kept = _attempt("li", ip="10.0.0.8") if command != "axes_reset" else None

    call_command(command, *args, stdout=StringIO())

    [entry] = AuditEntry.objects.filter(action="signin.unlock")
    _says_who(entry, f"manage.py {command}")
    assert entry.object_id == "zhang"
    assert audit_data(entry) | {"by": None, "os_user": None} == {
        "username": "zhang",
        "ip": "10.0.0.7",
        "failures": 5,
        "locked": True,
        "by": None,
        "os_user": None,
    }
    assert list(AccessAttempt.objects.all()) == ([kept] if kept else [])


def test_an_axes_reset_that_clears_nothing_records_nothing():
    call_command("axes_reset_username", "nobody", stdout=StringIO())
    assert not AuditEntry.objects.exists()


def test_an_axes_reset_whose_entry_cannot_be_written_clears_nothing(monkeypatch):
    _attempt("zhang")

    def fail(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(services, "audit_record", fail)
    with pytest.raises(RuntimeError):
        call_command("axes_reset", stdout=StringIO())
    assert AccessAttempt.objects.filter(username="zhang").exists()


@pytest.mark.parametrize(
    "command, model, action",
    [
        ("axes_reset_logs", AccessLog, "signin_log.delete"),
        ("axes_reset_failure_logs", AccessFailureLog, "signin_failure_log.delete"),
    ],
)
def test_an_axes_log_reset_records_how_many_records_it_deleted(command, model, action):
    fields = {"username": "zhang", "ip_address": "10.0.0.7", "user_agent": "pytest"}
    old = model.objects.create(**fields)
    recent = model.objects.create(**fields)
    model.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - timedelta(days=40))

    call_command(command, "--age", "30", stdout=StringIO())

    [entry] = AuditEntry.objects.filter(action=action)
    _says_who(entry, f"manage.py {command}")
    assert entry.data["count"] == 1 and entry.data["ids"] == [old.pk]
    assert "zhang" not in json.dumps(entry.data) + entry.summary
    assert list(model.objects.all()) == [recent]


def test_demo_accounts_loaded_into_a_production_database_are_recorded(settings):
    settings.DEBUG = False
    call_command("load_demo", "--allow-production", stdout=StringIO())

    [entry] = AuditEntry.objects.filter(action="demo_data.load")
    _says_who(entry, "manage.py load_demo --allow-production")
    assert entry.data["accounts"] == User.objects.count() > 0
    assert "password" not in json.dumps(audit_data(entry))


def test_demo_data_loaded_with_debug_on_is_not_recorded(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    assert not AuditEntry.objects.filter(action="demo_data.load").exists()


PASSWORD = "Qv7!lantern-harbour"


def _no_secret_in(entry: AuditEntry, user: User) -> None:
    text = json.dumps(entry.data) + entry.summary
    assert PASSWORD not in text and user.password not in text


def test_createsuperuser_records_the_account_it_created(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "createsuperuser",
        "--noinput",
        "--username",
        "root",
        "--email",
        "r@example.cn",
        stdout=StringIO(),
    )
    user = User.objects.get(username="root")
    assert user.is_superuser and user.check_password(PASSWORD)

    [entry] = AuditEntry.objects.filter(action="user.create")
    _says_who(entry, "manage.py createsuperuser")
    assert entry.object_id == str(user.pk) and "root" in entry.summary
    assert entry.data["after"]["username"] == "root"
    assert entry.data["after"]["is_superuser"] is True
    _no_secret_in(entry, user)


class _Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def _prompted(monkeypatch, answers: list[str]) -> list[bool]:
    """Answer the commands' password prompts, noting each time whether the command had a
    transaction open meanwhile (beyond the test's own): it must not, as on SQLite it would
    hold every write of the portal while someone types."""
    from django.db import connection

    in_transaction: list[bool] = []
    test_blocks = len(connection.atomic_blocks)

    def getpass(prompt: str = "Password: ") -> str:
        in_transaction.append(len(connection.atomic_blocks) > test_blocks)
        return answers.pop(0)

    monkeypatch.setattr("getpass.getpass", getpass)
    return in_transaction


def test_createsuperuser_asked_for_a_password_records_it_holding_no_transaction_meanwhile(
    monkeypatch,
):
    in_transaction = _prompted(monkeypatch, [PASSWORD, PASSWORD])
    call_command(
        "createsuperuser",
        "--username",
        "root",
        "--email",
        "r@example.cn",
        stdin=_Terminal(),
        stdout=StringIO(),
    )
    user = User.objects.get(username="root")
    assert user.check_password(PASSWORD) and in_transaction == [False, False]
    [entry] = AuditEntry.objects.filter(action="user.create")
    _says_who(entry, "manage.py createsuperuser")
    _no_secret_in(entry, user)


def test_changepassword_records_the_new_password_but_not_the_password(monkeypatch):
    user = User.objects.create_user(username="zhang", password="old-Passw0rd-kept")
    in_transaction = _prompted(monkeypatch, [PASSWORD, PASSWORD])

    call_command("changepassword", "zhang", stdout=StringIO())

    user.refresh_from_db()
    assert user.check_password(PASSWORD) and in_transaction == [False, False]
    [entry] = AuditEntry.objects.filter(action="user.password_set")
    _says_who(entry, "manage.py changepassword")
    assert entry.object_id == str(user.pk) and "zhang" in entry.summary
    assert audit_data(entry) | {"by": None, "os_user": None} == {
        "usable": True,
        "by": None,
        "os_user": None,
    }
    _no_secret_in(entry, user)


def test_changepassword_whose_entry_cannot_be_written_changes_nothing(monkeypatch):
    user = User.objects.create_user(username="zhang", password="old-Passw0rd-kept")
    _prompted(monkeypatch, [PASSWORD, PASSWORD])

    def fail(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(services, "audit_record", fail)
    with pytest.raises(RuntimeError):
        call_command("changepassword", "zhang", stdout=StringIO())
    user.refresh_from_db()
    assert user.check_password("old-Passw0rd-kept")


def test_createsuperuser_whose_entry_cannot_be_written_creates_no_one(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    def fail(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(services, "audit_record", fail)
    with pytest.raises(RuntimeError):
        call_command(
            "createsuperuser", "--noinput", "--username", "root", "--email", "", stdout=StringIO()
        )
    assert not User.objects.filter(username="root").exists()


def test_changepassword_given_up_records_nothing(monkeypatch):
    User.objects.create_user(username="zhang", password="old-Passw0rd-kept")
    _prompted(monkeypatch, ["a", "b"] * 3)
    with pytest.raises(CommandError):
        call_command("changepassword", "zhang", stdout=StringIO())
    assert not AuditEntry.objects.exists()
