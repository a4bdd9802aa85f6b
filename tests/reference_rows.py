"""The reference data a committing test's successor gets back, put back in bulk."""

from __future__ import annotations

from io import StringIO

from django.db.backends.base.creation import BaseDatabaseCreation

row_by_row = BaseDatabaseCreation.deserialize_db_from_string
"""Django's own, which `deserialize_in_bulk` stands in for in the tests (tests/conftest.py)."""


def deserialize_in_bulk(creation, data: str) -> None:
    """What `BaseDatabaseCreation.deserialize_db_from_string` does (Django 5.2), a model's
    rows in one INSERT rather than an UPDATE and an INSERT each: some 1,100 statements for
    the ~560 reference rows, most of them permissions and content types, which every
    committing test (the browser's, the real worker's) waited for at its start. As there,
    in one transaction, constraints checked at its end; rows go in raw (as they were,
    `auto_now` or not), in the same order, each model's many-to-many links right after its
    rows; a row already there (the first committing test finds them all, a trigger writes
    one) takes the values it had, and a row's links are those it had, no others."""
    from django.core import serializers
    from django.db import transaction
    from django.db.models.constants import OnConflict

    connection = creation.connection
    alias = connection.alias
    rows: dict = {}
    links: dict = {}
    for deserialized in serializers.deserialize("json", StringIO(data), using=alias):
        obj = deserialized.object
        rows.setdefault(type(obj), []).append(obj)
        for name, targets in (deserialized.m2m_data or {}).items():
            field = obj._meta.get_field(name)
            through = field.remote_field.through
            source = through._meta.get_field(field.m2m_field_name()).attname
            target = through._meta.get_field(field.m2m_reverse_field_name()).attname
            pairs = links.setdefault(type(obj), {}).setdefault((through, source), [])
            pairs.extend(through(**{source: obj.pk, target: pk}) for pk in targets)

    def insert(model, objs, *, keep_ids: bool) -> None:
        opts = model._meta
        fields = [f for f in opts.concrete_fields if keep_ids or not f.primary_key]
        values = [f for f in fields if not f.primary_key]
        upsert = {}
        if keep_ids and values:
            upsert = {
                "on_conflict": OnConflict.UPDATE,
                "update_fields": values,
                "unique_fields": [opts.pk],
            }
        elif keep_ids:
            upsert = {"on_conflict": OnConflict.IGNORE}
        size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
        for start in range(0, len(objs), size):
            model._base_manager.using(alias)._insert(
                objs[start : start + size], fields=fields, raw=True, using=alias, **upsert
            )

    with transaction.atomic(using=alias):
        with connection.constraint_checks_disabled():
            for model, objs in rows.items():
                insert(model, objs, keep_ids=True)
                for (through, source), pairs in links.get(model, {}).items():
                    # As `set()` leaves them: these rows' links and no others.
                    mine = {source + "__in": [obj.pk for obj in objs]}
                    through._base_manager.using(alias).filter(**mine).delete()
                    insert(through, pairs, keep_ids=False)
        connection.check_constraints(table_names=[model._meta.db_table for model in rows])
