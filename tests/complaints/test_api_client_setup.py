"""Setting up a hotline client: what `create_api_client` and the admin accept and say."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from complaints.clients import api_client_create
from complaints.models import ApiClient

pytestmark = pytest.mark.django_db


def test_a_client_allowed_no_request_a_minute_is_refused_by_the_command():
    """0 would answer every request 429 and tell the hotline to wait, which never helps."""
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("create_api_client", "12345", "--rate-limit", "0", stdout=io.StringIO())
    assert "at least 1" in str(refused.value)
    assert not ApiClient.objects.exists()


def test_a_client_allowed_no_request_a_minute_is_refused_in_the_admin(client, sysadmin):
    api_client, _, _ = api_client_create(name="12345")
    client.force_login(sysadmin)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/admin/complaints/apiclient/{api_client.id}/change/",
        {
            "name": api_client.name,
            "channel": api_client.channel,
            "callback_url": "",
            "rate_limit_per_minute": "0",
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "at least 1" in response.content.decode()
    api_client.refresh_from_db()
    assert api_client.rate_limit_per_minute == 600


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("127.0.0.1:8316/cb", "Callback URL:       https://127.0.0.1:8316/cb"),
        ("http://127.0.0.1:8316/cb", "Callback URL:       http://127.0.0.1:8316/cb"),
        ("", "Callback URL:       none yet"),
    ],
)
def test_the_command_prints_the_callback_url_it_stored(typed, shown):
    """Typed without a scheme it is taken as https://: a receiver on plain HTTP would see
    nothing and the integrator would not know why, unless the command says so."""
    out = io.StringIO()
    call_command("create_api_client", "12345", "--callback-url", typed, stdout=out)
    assert shown in out.getvalue()


def test_a_name_already_taken_is_refused_saying_what_to_do_instead():
    """The usual reason to run the command twice is a lost key: that is the admin's job."""
    call_command("create_api_client", "天津12345", stdout=io.StringIO())
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("create_api_client", "天津12345", stdout=io.StringIO())
    message = str(refused.value)
    assert "“天津12345” already exists" in message and "admin" in message, message
    assert ApiClient.objects.count() == 1


@pytest.mark.parametrize("action", ["rotate_key", "rotate_secret"])
def test_rotating_a_revoked_clients_key_says_it_is_still_revoked(client, sysadmin, action):
    """README: for a key that leaked, revoke, rotate, then make the client active again.
    The office must not hand the hotline a new key that is refused with 401."""
    from complaints.clients import api_client_revoke

    api_client, _, _ = api_client_create(name="12345")
    api_client_revoke(client_id=api_client.id)
    client.force_login(sysadmin)
    client.cookies["django_language"] = "en"
    response = client.post(
        "/admin/complaints/apiclient/",
        {"action": action, "_selected_action": [api_client.id]},
        follow=True,
    )
    message = response.content.decode().split('class="messagelist"', 1)[1].split("</ul>", 1)[0]
    assert "still revoked" in message and "active" in message, message
