"""API clients changed while another connection works on them: two keys drawn at the same
moment, a revoke while a callback is being delivered.

These tests commit (transaction=True) and use several database connections, so they need
PostgreSQL. They wait on conditions (barriers, events), never on the clock.
"""

from __future__ import annotations

import contextlib
import secrets
import threading

import pytest
from django.db import connection

from complaints import clients
from complaints.clients import api_client_create, api_client_rotate_key, client_for_key
from complaints.models import ApiClient

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: several connections on one unique index or row.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CLASHING_PREFIX = "0123abcd"


def run_together(*calls):
    """Each call in its own thread (its own connection), released together: the result of
    each, or the exception it raised."""
    outcomes: list[object] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index, call):
        try:
            start.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - returned to the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def draw_at_once(monkeypatch, threads: int, same_prefix: bool = True) -> None:
    """Each thread waits after its first draw of a key prefix (its check that no client
    holds it included) until every thread has drawn: none of them can see what the others
    write yet. With `same_prefix`, that first draw is CLASHING_PREFIX in every thread.
    Later draws are random, and not held."""
    token_hex, new_key = secrets.token_hex, clients._new_key
    drawn = threading.local()
    meet = threading.Barrier(threads)

    def forced_token_hex(nbytes=None):
        prefix_draw = nbytes == clients.KEY_PREFIX_LENGTH // 2
        if same_prefix and prefix_draw and not getattr(drawn, "forced", False):
            drawn.forced = True
            return CLASHING_PREFIX
        return token_hex(nbytes)

    def held_new_key():
        first = not getattr(drawn, "held", False)
        drawn.held = True
        result = new_key()
        if first:
            with contextlib.suppress(threading.BrokenBarrierError):
                meet.wait(timeout=10)
        return result

    monkeypatch.setattr(secrets, "token_hex", forced_token_hex)
    monkeypatch.setattr(clients, "_new_key", held_new_key)


def test_two_clients_created_at_once_with_the_same_drawn_prefix_both_get_a_working_key(
    monkeypatch,
):
    draw_at_once(monkeypatch, threads=2)

    outcomes = run_together(
        lambda: api_client_create(name="12345"), lambda: api_client_create(name="12315")
    )

    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    made = {client.name: (client, key) for client, key, _ in outcomes}
    prefixes = set(ApiClient.objects.values_list("key_prefix", flat=True))
    assert len(prefixes) == 2 and CLASHING_PREFIX in prefixes
    for name, (client, key) in made.items():
        assert client_for_key(key) == ApiClient.objects.get(name=name) == client


def test_two_keys_rotated_at_once_with_the_same_drawn_prefix_both_work(monkeypatch):
    first, first_key, _ = api_client_create(name="12345")
    second, second_key, _ = api_client_create(name="12315")
    draw_at_once(monkeypatch, threads=2)

    outcomes = run_together(
        lambda: api_client_rotate_key(client_id=first.id),
        lambda: api_client_rotate_key(client_id=second.id),
    )

    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    (first_new, _), (second_new, _) = outcomes
    assert first_new.split("_")[1] != second_new.split("_")[1]
    found = {key: client_for_key(key) for key in (first_key, first_new, second_key, second_new)}
    assert found == {first_key: first, first_new: first, second_key: second, second_new: second}


def test_a_name_taken_by_a_client_created_at_the_same_moment_is_refused_with_the_reason(
    monkeypatch,
):
    """Both pass the form's check of the name; the unique name decides, with the message
    the check would have given, not a database error."""
    draw_at_once(monkeypatch, threads=2, same_prefix=False)

    outcomes = run_together(
        lambda: api_client_create(name="12345"), lambda: api_client_create(name="12345")
    )

    made = [o for o in outcomes if isinstance(o, tuple)]
    refused = [o for o in outcomes if not isinstance(o, tuple)]
    assert len(made) == 1 and len(refused) == 1, outcomes
    assert type(refused[0]).__name__ == "ValidationError", outcomes
    assert "name" in refused[0].message_dict
    assert ApiClient.objects.count() == 1
