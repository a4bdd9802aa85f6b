"""Sign-in records (django-axes, 登录保护 in the admin). The sign-in log and the failure
log are evidence of who signed in when: no one but an administrator deletes them, and no one
edits them."""

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.test import Client

from tests.conftest import PASSWORD


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _failure_log(username) -> AccessFailureLog:
    return AccessFailureLog.objects.create(
        username=username,
        ip_address="127.0.0.1",
        user_agent="",
        http_accept="",
        path_info="/accounts/login/",
        locked_out=True,
    )


def _signed_in_log(person) -> AccessLog:
    assert _login(Client(), person.username, PASSWORD).status_code == 302
    return AccessLog.objects.get(username=person.username)


@pytest.mark.parametrize("persona", ["office_director", "office_staff"])
def test_the_office_cannot_delete_the_sign_in_log_or_the_failure_log(
    request, client, persona, mr_staff
):
    client.force_login(request.getfixturevalue(persona))
    signed_in = _signed_in_log(mr_staff)
    failed = _failure_log(mr_staff.username)
    for model, row in (("accesslog", signed_in), ("accessfailurelog", failed)):
        url = f"/admin/axes/{model}/"
        assert client.get(url).status_code == 200
        assert client.post(f"{url}{row.pk}/delete/", {"post": "yes"}).status_code == 403
        assert client.post(f"{url}{row.pk}/change/", {}).status_code == 403
        assert 'value="delete_selected"' not in client.get(url).content.decode()
        client.post(url, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert AccessLog.objects.filter(pk=signed_in.pk).exists()
    assert AccessFailureLog.objects.filter(pk=failed.pk).exists()


def test_an_administrator_deletes_sign_in_records_but_edits_none(client, sysadmin, mr_staff):
    client.force_login(sysadmin)
    signed_in = _signed_in_log(mr_staff)
    failed = _failure_log(mr_staff.username)
    for model, row in (("accesslog", signed_in), ("accessfailurelog", failed)):
        url = f"/admin/axes/{model}/"
        assert client.post(f"{url}{row.pk}/change/", {}).status_code == 403
        assert client.post(f"{url}{row.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not AccessLog.objects.filter(pk=signed_in.pk).exists()
    assert not AccessFailureLog.objects.filter(pk=failed.pk).exists()
