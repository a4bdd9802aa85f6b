"""Sign-in records (django-axes, 登录保护 in the admin). Clearing a failed-attempt record
unlocks the person it locks: the office does it when someone locked out calls, and the audit
trail says who unlocked whom, from which address, and when. The sign-in log and the failure
log are evidence of who signed in when: no one but an administrator deletes them, and no one
edits them."""

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client

from departments import access, services
from departments.models import AuditEntry
from tests.conftest import PASSWORD
from tests.factories import unit
from tests.helpers import audit_data

ATTEMPTS = "/admin/axes/accessattempt/"


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _locked_out(username) -> Client:
    """A browser of `username` that typed the wrong password until the account locked."""
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(browser, username, "wrong")
    assert _login(browser, username, PASSWORD).status_code == 429
    return browser


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


def _unlock_entry(username) -> AuditEntry:
    (entry,) = AuditEntry.objects.filter(action="signin.unlock", object_id=username)
    return entry


def test_office_staff_unlock_a_locked_person_who_can_sign_in_again_and_it_is_audited(
    client, office_staff, mr_staff
):
    browser = _locked_out(mr_staff.username)
    attempt = AccessAttempt.objects.get(username=mr_staff.username)
    client.force_login(office_staff)

    page = client.get(ATTEMPTS).content.decode()
    assert 'value="signin_unlock"' in page
    response = client.post(ATTEMPTS, {"action": "signin_unlock", "_selected_action": [attempt.pk]})

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=mr_staff.username).exists()
    entry = _unlock_entry(mr_staff.username)
    assert (entry.actor, entry.unit) == (office_staff, unit("office"))
    assert entry.object_type == "axes.accessattempt"
    assert audit_data(entry) == {
        "username": mr_staff.username,
        "ip": "127.0.0.1",
        "failures": settings.AXES_FAILURE_LIMIT + 1,
        "locked": True,
    }
    assert mr_staff.username in entry.summary
    assert "127.0.0.1" in entry.summary
    assert str(settings.AXES_FAILURE_LIMIT + 1) in entry.summary
    assert _login(browser, mr_staff.username, PASSWORD).status_code == 302


def test_deleting_an_attempt_one_at_a_time_or_a_selection_is_an_audited_unlock(
    client, office_director, office_staff, mr_staff, housing_staff
):
    _locked_out(mr_staff.username)
    _locked_out(housing_staff.username)
    mr_attempt = AccessAttempt.objects.get(username=mr_staff.username)
    housing_attempt = AccessAttempt.objects.get(username=housing_staff.username)

    client.force_login(office_director)
    one = client.post(f"{ATTEMPTS}{mr_attempt.pk}/delete/", {"post": "yes"})
    assert one.status_code == 302
    assert _unlock_entry(mr_staff.username).actor == office_director

    client.force_login(office_staff)
    selection = client.post(
        ATTEMPTS,
        {"action": "delete_selected", "_selected_action": [housing_attempt.pk], "post": "yes"},
    )
    assert selection.status_code == 302
    assert not AccessAttempt.objects.exists()
    entry = _unlock_entry(housing_staff.username)
    assert entry.actor == office_staff
    assert entry.data["failures"] == settings.AXES_FAILURE_LIMIT + 1
    assert _login(Client(), housing_staff.username, PASSWORD).status_code == 302


def test_an_unlock_whose_audit_entry_cannot_be_written_unlocks_nothing(
    client, office_staff, mr_staff, monkeypatch
):
    _locked_out(mr_staff.username)
    attempt = AccessAttempt.objects.get()

    def broken(**kwargs):
        raise RuntimeError("audit trail unavailable")

    client.force_login(office_staff)
    monkeypatch.setattr(services, "audit_record", broken)
    for post in (
        {"action": "signin_unlock", "_selected_action": [attempt.pk]},
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    ):
        with pytest.raises(RuntimeError):
            client.post(ATTEMPTS, post)
        assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_only_the_office_and_administrators_unlock(leader, mr_head, mr_staff):
    _locked_out(mr_staff.username)
    attempt = AccessAttempt.objects.get()
    for person in (leader, mr_head):
        with pytest.raises(PermissionDenied):
            services.signin_unlock(attempt_ids=[attempt.pk], acting_user=person)
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert not AuditEntry.objects.filter(action="signin.unlock").exists()


def test_a_failure_count_below_the_limit_is_cleared_and_recorded_as_not_locked(
    office_staff, mr_staff
):
    _login(Client(), mr_staff.username, "wrong")
    attempt = AccessAttempt.objects.get()
    (entry,) = services.signin_unlock(attempt_ids=[attempt.pk], acting_user=office_staff)
    assert entry.data["locked"] is False
    assert entry.data["failures"] == 1
    assert not AccessAttempt.objects.exists()


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


@pytest.mark.parametrize(
    ("model", "action"),
    [("accesslog", "signin_log.delete"), ("accessfailurelog", "signin_failure_log.delete")],
)
def test_an_administrator_deleting_sign_in_log_records_is_audited(
    client, sysadmin, mr_staff, housing_staff, model, action
):
    """Deleting for retention leaves one entry a deletion: who deleted how many records of
    which log, from when to when, and which ones (their numbers, not whom they record)."""
    if model == "accesslog":
        rows = [_signed_in_log(mr_staff), _signed_in_log(housing_staff)]
        other = _signed_in_log(sysadmin)
    else:
        rows = [_failure_log(mr_staff.username), _failure_log(housing_staff.username)]
        other = _failure_log(sysadmin.username)
    client.force_login(sysadmin)
    url = f"/admin/axes/{model}/"
    assert client.post(f"{url}{rows[0].pk}/delete/", {"post": "yes"}).status_code == 302
    selection = client.post(
        url, {"action": "delete_selected", "_selected_action": [rows[1].pk], "post": "yes"}
    )
    assert selection.status_code == 302
    entries = list(AuditEntry.objects.filter(action=action).order_by("id"))
    assert [entry.data["ids"] for entry in entries] == [[rows[0].pk], [rows[1].pk]]
    for entry, row in zip(entries, rows, strict=True):
        assert (entry.actor, entry.unit) == (sysadmin, None)
        assert entry.object_type == f"axes.{model}"
        assert entry.data["count"] == 1
        assert entry.data["first"] == entry.data["last"] == row.attempt_time.isoformat()
        assert "1" in entry.summary
        assert row.username not in json.dumps(entry.data) + entry.summary
    assert type(other).objects.filter(pk=other.pk).exists()


def test_a_sign_in_log_deletion_whose_audit_entry_cannot_be_written_deletes_nothing(
    client, sysadmin, mr_staff, monkeypatch
):
    row = _signed_in_log(mr_staff)

    def broken(**kwargs):
        raise RuntimeError("audit trail unavailable")

    client.force_login(sysadmin)
    monkeypatch.setattr(services, "audit_record", broken)
    url = "/admin/axes/accesslog/"
    with pytest.raises(RuntimeError):
        client.post(url, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    with pytest.raises(RuntimeError):
        client.post(f"{url}{row.pk}/delete/", {"post": "yes"})
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_only_an_administrator_deletes_sign_in_log_records_through_the_service(
    office_director, sysadmin, mr_staff
):
    row = _signed_in_log(mr_staff)
    with pytest.raises(PermissionDenied):
        services.signin_log_delete(
            model=AccessLog, record_ids=[row.pk], acting_user=office_director
        )
    assert AccessLog.objects.filter(pk=row.pk).exists()
    assert not AuditEntry.objects.exists()
    assert services.signin_log_delete(model=AccessLog, record_ids=[], acting_user=sysadmin) is None
    assert not AuditEntry.objects.exists()


def _age(attempt: AccessAttempt) -> None:
    """Make a record older than the cool-off, so it locks no one any more. (axes itself
    clears such records, silently, whenever someone signs in, fails to or signs out: a
    test makes them after its own sign-ins.)"""
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=attempt.attempt_time - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )


def test_cleaning_up_expired_attempts_clears_only_those_and_audits_each(
    client, office_staff, mr_staff, housing_staff
):
    """django-axes' own action deleted every record older than the cool-off without a
    trace (here it even failed, reading a request attribute axes sets only on sign-in
    pages); it now goes through the audited clearing, one `signin.unlock` entry each."""
    client.force_login(office_staff)
    _locked_out(mr_staff.username)
    _login(Client(), housing_staff.username, "wrong")
    expired = AccessAttempt.objects.get(username=mr_staff.username)
    live = AccessAttempt.objects.get(username=housing_staff.username)
    _age(expired)
    assert 'value="cleanup_expired_attempts"' in client.get(ATTEMPTS).content.decode()

    response = client.post(
        ATTEMPTS, {"action": "cleanup_expired_attempts", "_selected_action": [live.pk]}
    )

    assert response.status_code == 302
    assert list(AccessAttempt.objects.all()) == [live]
    entry = _unlock_entry(mr_staff.username)
    assert entry.actor == office_staff
    assert entry.data["locked"] is False
    assert not AuditEntry.objects.filter(object_id=housing_staff.username).exists()


def test_cleaning_up_expired_attempts_is_not_offered_to_who_may_not_clear_them(
    client, office_staff, mr_staff, housing_staff, monkeypatch
):
    client.force_login(office_staff)
    _login(Client(), mr_staff.username, "wrong")
    _login(Client(), housing_staff.username, "wrong")
    expired = AccessAttempt.objects.get(username=mr_staff.username)
    _age(expired)
    monkeypatch.setattr(access, "may_unlock_signins", lambda user: False)
    page = client.get(ATTEMPTS)
    assert page.status_code == 200
    assert 'value="cleanup_expired_attempts"' not in page.content.decode()
    client.post(ATTEMPTS, {"action": "cleanup_expired_attempts", "_selected_action": [expired.pk]})
    assert AccessAttempt.objects.count() == 2
    assert not AuditEntry.objects.filter(action="signin.unlock").exists()
    with pytest.raises(PermissionDenied):
        services.signin_cleanup_expired(acting_user=office_staff)


def test_the_attempts_status_column_is_named_in_the_readers_language(
    client, office_staff, mr_staff
):
    """axes' column took its name from its method, "Status", on the Chinese page too."""
    _login(Client(), mr_staff.username, "wrong")
    client.force_login(office_staff)
    for language, name in (("zh-hans", "状态"), ("en", "Status")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(ATTEMPTS).content.decode()
        head = page.split('<th scope="col" class="column-status">', 1)[1].split("</th>", 1)[0]
        assert f"<span>{name}</span>" in head, head
