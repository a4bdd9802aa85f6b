"""Server-side prepared statements, and new instances built without the ORM's per-field
work, for the few writes the portal makes at volume."""

from __future__ import annotations

import functools
import hashlib
import re
import weakref

from django.db import DEFAULT_DB_ALIAS, DatabaseError, models, router
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
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
    database = cursor.db  # the cursor's own connection, not looked up again
    if database.vendor != "postgresql" or database.in_atomic_block:
        cursor.execute(sql, params)
        return
    name, execute = _execute_statement(sql, len(params))
    names = _prepared.setdefault(database.connection, set())
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


@functools.lru_cache(maxsize=256)
def _execute_statement(sql: str, count: int) -> tuple[str, str]:
    """The prepared statement's name and the EXECUTE that runs it with `count` parameters:
    the same few statements run on every push, and hashing one each time was not free."""
    name = "wq_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:24]
    return name, f"EXECUTE {name} ({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"


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


@functools.cache
def _blank(model: type[models.Model]) -> tuple[dict, tuple, dict, frozenset[str]]:
    """What `new_instance` starts from: the attributes of `model()` (no query: no field
    default reads the database), the fields whose default is made anew for each instance
    (a dict is not shared), each relation's attribute, and the names it takes."""
    attributes = {k: v for k, v in model().__dict__.items() if k != "_state"}
    fields = model._meta.concrete_fields
    made_anew = tuple(
        (f.attname, f.default) for f in fields if f.has_default() and callable(f.default)
    )
    relations = {
        f.name: (f.attname, f.target_field.attname, f.remote_field.model._meta.concrete_model)
        for f in fields
        if f.is_relation
    }
    names = frozenset(f.name for f in fields) | frozenset(f.attname for f in fields)
    return attributes, made_anew, relations, names


def new_instance(model: type[models.Model], **values) -> models.Model:
    """`model(**values)`, for fields given by name: intake builds an order, its links and
    its history lines on every push, and Model.__init__ spent some 80 µs on the order's
    sixty-odd fields one at a time. The same instance as the ORM's (a test compares them);
    the ORM builds it when anything listens to its init signals or routes databases."""
    attributes, made_anew, relations, names = _blank(model)
    if router.routers or (
        (pre_init.receivers or post_init.receivers)
        and (pre_init.has_listeners(model) or post_init.has_listeners(model))
    ):
        return model(**values)
    if not values.keys() <= names:
        raise TypeError(f"{model.__name__} has no field {sorted(values.keys() - names)}")
    instance = model.__new__(model)
    state = ModelState()
    attributes = {**attributes, "_state": state}
    for attname, default in made_anew:
        attributes[attname] = default()
    for name, value in values.items():
        relation = relations.get(name)
        if relation is None:
            attributes[name] = value
        else:  # as the relation's descriptor sets it, with no database router
            attname, target, related_model = relation
            if value is None:
                attributes[attname] = None
            elif not isinstance(value, related_model):
                return model(**values)  # which refuses it in its own words
            else:
                attributes[attname] = getattr(value, target)
                state.db = state.db or value._state.db or DEFAULT_DB_ALIAS
                value._state.db = value._state.db or state.db
            state.fields_cache[name] = value
    instance.__dict__.update(attributes)
    return instance
