"""A process takes a key it has just found good without asking the database again, for at
most RECENT_CLIENT_SECONDS; a change to the client made in this process counts at once."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from complaints.api import auth
from complaints.api.auth import RECENT_CLIENT_SECONDS, recent_client_for_key
from complaints.clients import api_client_create, api_client_revoke, api_client_rotate_key
from complaints.models import ApiClient

pytestmark = pytest.mark.django_db

URL = "/api/v1/hotline/work-orders/"


@pytest.fixture
def hotline(db):
    auth.forget_recent_clients()
    client, key, _secret = api_client_create(name="12345 热线")
    return client, key


def status(client, key):
    return client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}").status_code


def test_a_key_found_good_is_taken_again_without_a_query(hotline, django_assert_num_queries):
    api_client, key = hotline
    with django_assert_num_queries(1):
        assert recent_client_for_key(key).id == api_client.id
    with django_assert_num_queries(0):
        assert recent_client_for_key(key).id == api_client.id


def test_a_key_not_found_is_asked_again_each_time(hotline, django_assert_num_queries):
    _api_client, key = hotline
    for _ in range(2):
        with django_assert_num_queries(1):
            assert recent_client_for_key(key + "x") is None


def test_a_revocation_in_this_process_counts_at_once(hotline, client):
    api_client, key = hotline
    assert status(client, key) == 200
    api_client_revoke(client_id=api_client.id)
    assert status(client, key) == 401


def test_a_revocation_elsewhere_counts_within_the_recent_time(hotline, client):
    api_client, key = hotline
    now = [1000.0]
    with mock.patch.object(auth, "_clock", lambda: now[0]):
        assert status(client, key) == 200
        # Another process revoked it: nothing in this one heard.
        ApiClient.objects.filter(id=api_client.id).update(is_active=False)
        now[0] += RECENT_CLIENT_SECONDS / 2
        assert status(client, key) == 200
        now[0] += RECENT_CLIENT_SECONDS / 2
        assert status(client, key) == 401


def test_a_previous_key_whose_grace_period_ends_meanwhile_is_refused_at_once(hotline, client):
    api_client, old_key = hotline
    new_key, _ = api_client_rotate_key(client_id=api_client.id)
    assert (status(client, old_key), status(client, new_key)) == (200, 200)
    until = ApiClient.objects.get(id=api_client.id).previous_key_until
    with time_machine.travel(until + timedelta(seconds=1)):
        assert timezone.now() > until
        assert (status(client, old_key), status(client, new_key)) == (401, 200)


def test_the_last_use_is_written_once_a_minute_not_on_every_request(
    hotline, client, django_assert_num_queries
):
    api_client, key = hotline
    ApiClient.objects.filter(id=api_client.id).update(last_used_at=None)
    assert status(client, key) == 200
    written = ApiClient.objects.get(id=api_client.id).last_used_at
    assert written is not None
    assert status(client, key) == 200
    assert ApiClient.objects.get(id=api_client.id).last_used_at == written
