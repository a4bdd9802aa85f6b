"""The `version` a form was made from, read the same way by every HTML view.

A form that changes a record carries the record's `version` in a hidden field, and the
service refuses the change with its own "Someone else changed ... while you had it open, so
nothing was saved" message when the record has moved on; it checks this after whether the
change is possible on the record as it is now at all (its status, who acts), so that a user
whose record was decided meanwhile reads why, not merely that it changed. Services take
`expected_version=None` as "no check" (scripts, the office's own tools); a view must never
pass None for a post that lacks the field or carries something that is not a whole number
("abc", "1.5", "²", a tampered or hand-made post): that would write over whatever changed
meanwhile. Such a post reads as `UNKNOWN`, a version no record has (they start at 0 or 1
and only grow), so the service refuses it with the same stale-page message before writing
anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

Record = TypeVar("Record")

UNKNOWN = -1
NEW = -2
"""The version of a form made before its record existed (its field sent empty): the service
creates the record, and refuses the post as stale when someone created it meanwhile. A
service that knows nothing of NEW refuses it as it refuses UNKNOWN (no record has it)."""


def _whole_number(value: str | None) -> int | None:
    try:
        number = int(value) if value and value.isascii() else None
    except ValueError:
        return None
    return number if number is not None and number >= 0 else None


def posted_version(post: Mapping[str, str]) -> int:
    """The version of a form that always sends one; `UNKNOWN` when it is missing or not a
    whole number, so the service refuses the post as made from a stale page."""
    number = _whole_number(post.get("version"))
    return UNKNOWN if number is None else number


def posted_version_or_new(post: Mapping[str, str]) -> int:
    """The version of a form that may be made before its record exists (the field is sent
    empty then): `NEW` for that empty field, so the service creates the record or, if one
    was created since the page was opened, refuses the post as stale (None, "no check",
    would write over it); otherwise as `posted_version` (a missing field or a non-number is
    `UNKNOWN`, refused as stale)."""
    if post.get("version", None) == "":
        return NEW
    return posted_version(post)


def refused_unless(
    allowed: Callable[[Record], bool], refusal: str
) -> Callable[[Record], str | None]:
    """The first check of a service's load, before the version: `refusal` when the record as
    it now is does not allow the change (`allowed` false), None when it does."""
    return lambda record: None if allowed(record) else refusal
