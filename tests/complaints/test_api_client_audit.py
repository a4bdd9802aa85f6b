"""Who made, rotated or changed an API client's credentials or callback URL, and when, is in
the audit trail, written with the change; the key and the secret themselves never are."""

from __future__ import annotations

import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation

from complaints.clients import (
    api_client_create,
    api_client_rotate_key,
    api_client_rotate_secret,
    api_client_update,
)
from complaints.models import ApiClient
from departments.models import AuditEntry

pytestmark = pytest.mark.django_db


def _trail(client: ApiClient, action: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_type="complaints.apiclient", object_id=str(client.id), action=action
        ).order_by("id")
    )


def _form(api_client, **changes) -> dict:
    form = {
        "name": api_client.name,
        "channel": api_client.channel,
        "callback_url": api_client.callback_url,
        "rate_limit_per_minute": api_client.rate_limit_per_minute,
        "is_active": "on",
    }
    form.update(changes)
    return form


def _holds_no_credential(entry: AuditEntry, *values: str) -> None:
    text = json.dumps(entry.data) + entry.summary
    for value in values:
        assert value not in text


def test_the_command_that_makes_a_client_records_it_without_an_actor_and_says_so():
    out = StringIO()
    with translation.override("en"):  # the labels the lines are split at
        call_command(
            "create_api_client", "天津12345", "--callback-url", "https://h.example/cb", stdout=out
        )
    printed = out.getvalue()
    key = printed.split("API key:", 1)[1].split()[0]
    secret = printed.split("Signing secret:", 1)[1].split()[0]
    client = ApiClient.objects.get(name="天津12345")
    [entry] = _trail(client, "api_client.create")
    assert entry.actor is None
    assert entry.data["by"] == "manage.py create_api_client"
    assert entry.data["callback_url"] == "https://h.example/cb"
    assert entry.data["key_prefix"] == client.key_prefix
    assert entry.data["secret_fingerprint"] == client.secret_fingerprint
    _holds_no_credential(entry, key, secret)


def test_a_client_made_by_someone_records_who(sysadmin):
    client, key, secret = api_client_create(name="12345", acting_user=sysadmin)
    [entry] = _trail(client, "api_client.create")
    assert entry.actor == sysadmin and "by" not in entry.data
    _holds_no_credential(entry, key, secret)


def test_a_creation_rolled_back_leaves_no_entry():
    with pytest.raises(RuntimeError), transaction.atomic():
        api_client_create(name="12345")
        raise RuntimeError
    assert not AuditEntry.objects.exists()


def test_the_admins_key_rotation_records_who_and_when_but_not_the_key(client, sysadmin):
    api_client, first_key, _ = api_client_create(name="12345")
    old_prefix = api_client.key_prefix
    client.force_login(sysadmin)
    client.cookies["django_language"] = "en"
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        response = client.post(
            "/admin/complaints/apiclient/",
            {"action": "rotate_key", "_selected_action": [api_client.id]},
            follow=True,
        )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    new_key = next(word for m in shown for word in m.split() if word.startswith("wq_"))
    stored = ApiClient.objects.get(id=api_client.id)
    [entry] = _trail(api_client, "api_client.rotate_key")
    assert (entry.actor, entry.created_at) == (sysadmin, moment)
    assert entry.data["key_prefix"] == stored.key_prefix != old_prefix
    assert entry.data["previous_key_prefix"] == old_prefix
    assert entry.data["previous_key_until"] == stored.previous_key_until.isoformat()
    _holds_no_credential(entry, first_key, new_key, stored.key_hash)


def test_the_admins_secret_rotation_records_who_but_not_the_secret(client, sysadmin):
    api_client, _, first_secret = api_client_create(name="12345")
    old_fingerprint = api_client.secret_fingerprint
    client.force_login(sysadmin)
    client.cookies["django_language"] = "en"
    response = client.post(
        "/admin/complaints/apiclient/",
        {"action": "rotate_secret", "_selected_action": [api_client.id]},
        follow=True,
    )
    assert response.status_code == 200
    stored = ApiClient.objects.get(id=api_client.id)
    [entry] = _trail(api_client, "api_client.rotate_secret")
    assert entry.actor == sysadmin
    assert entry.data["secret_fingerprint"] == stored.secret_fingerprint != old_fingerprint
    assert entry.data["previous_secret_fingerprint"] == old_fingerprint
    assert entry.data["previous_secret_until"] == stored.previous_secret_until.isoformat()
    shown = " ".join(str(m) for m in response.context["messages"])
    new_secret = shown.rsplit(" ", 1)[1]
    assert len(new_secret) == 64
    _holds_no_credential(entry, first_secret, new_secret, stored.secret_salt)
    _holds_no_credential(entry, stored.previous_secret_salt)


def test_a_rotation_rolled_back_leaves_neither_the_new_key_nor_an_entry():
    api_client, _, _ = api_client_create(name="12345")
    with pytest.raises(RuntimeError), transaction.atomic():
        api_client_rotate_key(client_id=api_client.id)
        api_client_rotate_secret(client_id=api_client.id)
        raise RuntimeError
    stored = ApiClient.objects.get(id=api_client.id)
    assert stored.key_prefix == api_client.key_prefix
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["api_client.create"]


def test_an_admin_edit_of_the_callback_url_and_rate_limit_records_before_and_after(
    client, sysadmin
):
    api_client, _, _ = api_client_create(name="12345", callback_url="https://old.example/cb")
    client.force_login(sysadmin)
    client.cookies["django_language"] = "en"
    url = f"/admin/complaints/apiclient/{api_client.id}/change/"
    form = _form(api_client, callback_url="https://new.example/cb", rate_limit_per_minute=60)
    assert client.post(url, form).status_code == 302
    stored = ApiClient.objects.get(id=api_client.id)
    assert (stored.callback_url, stored.rate_limit_per_minute) == ("https://new.example/cb", 60)
    [entry] = _trail(api_client, "api_client.update")
    assert entry.actor == sysadmin
    assert entry.data["changes"] == {
        "callback_url": ["https://old.example/cb", "https://new.example/cb"],
        "rate_limit_per_minute": [600, 60],
    }
    # Saved again unchanged: nothing happened, nothing is recorded.
    assert client.post(url, _form(stored)).status_code == 302
    assert len(_trail(api_client, "api_client.update")) == 1


def test_an_edit_keeps_a_key_rotated_after_the_form_was_read(sysadmin):
    api_client, _, _ = api_client_create(name="12345")
    api_client_rotate_key(client_id=api_client.id)
    api_client_update(
        client_id=api_client.id, acting_user=sysadmin, callback_url="https://h.example/"
    )
    stored = ApiClient.objects.get(id=api_client.id)
    assert stored.key_prefix != api_client.key_prefix
    assert stored.callback_url == "https://h.example/"


def test_an_edit_rolled_back_leaves_neither_the_change_nor_an_entry(sysadmin):
    api_client, _, _ = api_client_create(name="12345")
    with pytest.raises(RuntimeError), transaction.atomic():
        api_client_update(client_id=api_client.id, acting_user=sysadmin, rate_limit_per_minute=5)
        raise RuntimeError
    assert ApiClient.objects.get(id=api_client.id).rate_limit_per_minute == 600
    assert not _trail(api_client, "api_client.update")
