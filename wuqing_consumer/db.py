"""Server-side prepared statements for the few statements the portal runs at volume."""

from __future__ import annotations

import hashlib
import re

from django.db import DatabaseError, connection
from psycopg2 import errors

_PLACEHOLDER = re.compile(r"%[s%]")


def execute_prepared(cursor, sql: str, params: list) -> None:
    """Run `sql` (with %s placeholders) as a prepared statement of this connection, so
    PostgreSQL parses and plans it once per connection instead of on every call.

    Only outside a transaction: the first EXECUTE on a new connection fails (nothing is
    prepared yet), which inside a transaction would abort it. There, and on other
    databases, `sql` simply runs. Not for use behind a transaction-pooling PgBouncer.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        cursor.execute(sql, params)
        return
    name = "wq_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:24]
    execute = f"EXECUTE {name} ({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"
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
