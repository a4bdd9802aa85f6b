"""Server-side prepared statements for the few statements the portal runs at volume."""

from __future__ import annotations

import hashlib
import re
import weakref

from django.db import DatabaseError, connection
from psycopg2 import errors

_PLACEHOLDER = re.compile(r"%[s%]")


_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""The statement names each open database connection has prepared."""


def execute_prepared(cursor, sql: str, params: list) -> None:
    """Run `sql` (with %s placeholders) as a prepared statement of this connection, so
    PostgreSQL parses and plans it once per connection instead of on every call.

    Prepared before its first EXECUTE on a connection, so the server's log gets no error
    for it; should the server have dropped it since (DEALLOCATE, DISCARD), it is prepared
    again. Only outside a transaction, where a failed EXECUTE would abort the caller's
    work: there, and on other databases, `sql` simply runs. Not for use behind a
    transaction-pooling PgBouncer.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        cursor.execute(sql, params)
        return
    name = "wq_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:24]
    execute = f"EXECUTE {name} ({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"
    names = _prepared.setdefault(connection.connection, set())
    if name not in names:
        cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
        names.add(name)
    try:
        cursor.execute(execute, params)
    except DatabaseError as error:
        if not isinstance(error.__cause__, errors.InvalidSqlStatementName):
            raise
        cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
        cursor.execute(execute, params)


def _numbered(sql: str) -> str:
    """%s placeholders as PostgreSQL's $1, $2…; a literal %% as %."""
    count = 0

    def number(match: re.Match) -> str:
        nonlocal count
        if match.group() == "%%":
            return "%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql)
