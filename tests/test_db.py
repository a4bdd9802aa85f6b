"""Prepared statements for the statements run at volume (wuqing_consumer.db)."""

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from wuqing_consumer.db import _numbered, execute_prepared

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: server-side prepared statements",
    ),
]

SQL = "SELECT %s::int + 1, '100%%'"


def prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def run(value: int):
    with connection.cursor() as cursor:
        execute_prepared(cursor, SQL, [value])
        return cursor.fetchone()


def test_placeholders_become_numbered_parameters():
    assert _numbered("a = %s AND b LIKE 'x%%' AND c = %s") == "a = $1 AND b LIKE 'x%' AND c = $2"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_statement_is_prepared_once_per_connection_and_again_after_a_reset():
    assert run(1) == (2, "100%")
    names = {name for name in prepared() if name.startswith("wq_")}
    assert len(names) == 1
    assert run(41) == (42, "100%")
    assert {name for name in prepared() if name.startswith("wq_")} == names
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert run(2) == (3, "100%")
    assert {name for name in prepared() if name.startswith("wq_")} == names


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_inside_a_transaction_the_statement_just_runs():
    with transaction.atomic():
        assert run(5) == (6, "100%")
        assert not {name for name in prepared() if name.startswith("wq_")}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_connection_prepares_before_it_executes_so_the_server_logs_no_error():
    connection.close()
    with CaptureQueriesContext(connection) as queries:
        assert run(7) == (8, "100%")
        assert run(8) == (9, "100%")
    assert [q["sql"].split()[0] for q in queries.captured_queries] == [
        "PREPARE",
        "EXECUTE",
        "EXECUTE",
    ]
