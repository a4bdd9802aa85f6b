"""The data every intake and every deadline reads, kept in memory per process.

Member units, towns, routing rules, the office's calendar and the deadline policy change a
few times a year but are read on every order: loading them cost more than the rest of an
intake. On PostgreSQL, triggers on their tables give `ReferenceVersion` a new number from a
sequence on every change, committed or not, so one small query tells whether the snapshot
is current, and a rolled-back change can never bring back an old number with other data
behind it. Elsewhere (SQLite on a laptop) the snapshot is loaded afresh on every call.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace

from django.db import connection

from departments.models import Town, Unit

from .deadlines import DeadlineRule, WorkdayCalendar
from .routing import Rule


@dataclass(frozen=True)
class Reference:
    version: int | None
    """Compare with `ReferenceVersion` to know whether this is still current (PostgreSQL)."""
    verified: bool
    """Whether `version` was read from the database for this snapshot's caller."""
    members: Mapping[str, Unit]
    """Active member units by code (the coordination office is not one)."""
    towns: Mapping[str, Town]
    town_codes: Mapping[str, str]
    """Town codes by their case-folded spelling, where only one town has it, and by the
    town's name: a client may send a code in another case, or the name its records hold."""
    rules: tuple[Rule, ...]
    calendar: WorkdayCalendar
    deadline_rules: tuple[DeadlineRule, ...]

    def town_code(self, code: str) -> str | None:
        """`code` as a town has it, sent in that case or another, or the town's name; None
        when no town has it (nor one alone in another case) nor is so named."""
        return code if code in self.towns else self.town_codes.get(code.casefold())


class StaleReference(Exception):
    """The snapshot a write was prepared with is no longer current; prepare it again."""


_cache: dict[str, tuple[tuple, Reference, Reference]] = {}
"""The snapshot by its version, with its unverified copy (made once, not on every push)."""


def reference(*, verify: bool = True) -> Reference:
    """The current snapshot; shared between requests, so callers must not change it.

    With `verify=False` a cached snapshot is returned without asking the database; the
    caller then writes only if `version` is still current (intake's insert checks it in the
    same statement) and asks again with `verify=True` if it is not.
    """
    cached = _cache.get("snapshot")
    name = connection.settings_dict["NAME"]
    if not verify and cached is not None and cached[0][0] == name:
        return cached[2]
    version = _version()
    if version is not None and cached is not None and cached[0] == version:
        return cached[1]
    snapshot = _load(version[1] if version else None)
    if version is not None:
        _cache["snapshot"] = (version, snapshot, replace(snapshot, verified=False))
    return snapshot


def _version() -> tuple | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM complaints_referenceversion WHERE id = 1")
        row = cursor.fetchone()
    # The database name too: a test run or the benchmark may point a process elsewhere.
    return (connection.settings_dict["NAME"], row[0]) if row else None


def _load(version: int | None) -> Reference:
    from .selectors import deadline_rules, load_routing_rules, workday_calendar

    towns = {t.code: t for t in Town.objects.all()}
    folded = Counter(code.casefold() for code in towns)
    return Reference(
        version=version,
        verified=True,
        members={u.code: u for u in Unit.objects.filter(kind="member", is_active=True)},
        towns=towns,
        town_codes={
            **{code.casefold(): code for code in towns if folded[code.casefold()] == 1},
            **{town.name.casefold(): code for code, town in towns.items()},
        },
        rules=load_routing_rules(),
        calendar=workday_calendar(),
        deadline_rules=deadline_rules(),
    )
