"""The values a list reads from its address (`?year=`, `?period=`, `?from=`): one rule for
what is well formed, and one message for what is not.

A list used to read `?year=abc` or `?to=2026-13-45` as "no value" and show its default, as
if it had been asked for that: an edited or mistyped link read as an answer. A malformed
value is now refused (the view answers 400 with the page and this message, naming the
parameter and the form it takes); a well-formed year the list has nothing for is still a
200 with the list's own message."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from django.utils.translation import gettext as _

from .dates import year_accepted
from .language import bracketed, list_separator

SHOWN_LENGTH = 20

_YEAR = re.compile(r"\d{4}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class MalformedValue(ValueError):
    """`name`=`value` in the address is not in the form `example` shows."""

    def __init__(self, name: str, value: str, example: str) -> None:
        super().__init__(name, value)
        self.name, self.value, self.example = name, value, example

    @property
    def message(self) -> str:
        value = self.value
        if len(value) > SHOWN_LENGTH:
            value = value[:SHOWN_LENGTH] + "…"
        return _(
            "In the address, %(name)s=“%(value)s” is not well formed: write it like "
            "%(name)s=%(example)s."
        ) % {"name": self.name, "value": value, "example": self.example}


class NotOffered(MalformedValue):
    """`name`=`value` in the address is not one of the values the list offers (`offered`:
    each value with its label, in the list's order). A list of a few choices (a status, a
    topic) names them all, as they are what the person may write instead."""

    def __init__(self, name: str, value: str, offered: Iterable[tuple[str, str]]) -> None:
        self.offered = [(str(code), str(label)) for code, label in offered]
        super().__init__(name, value, self.offered[0][0] if self.offered else "")

    @property
    def message(self) -> str:
        value = self.value
        if len(value) > SHOWN_LENGTH:
            value = value[:SHOWN_LENGTH] + "…"
        between = list_separator()
        return _(
            "In the address, %(name)s=“%(value)s” is not one this list offers: %(offered)s."
        ) % {
            "name": self.name,
            "value": value,
            "offered": between.join(bracketed(code, label) for code, label in self.offered),
        }


def choice_in(query: Mapping[str, str], name: str, offered: Iterable[tuple[str, str]]) -> str:
    """The value of `name` the list offers, '' when there is none (the list's "all");
    NotOffered for any other."""
    value = raw(query, name)
    offered = list(offered)
    if value and value not in {code for code, _label in offered}:
        raise NotOffered(name, value, offered)
    return value


def raw(query: Mapping[str, str], name: str) -> str:
    return (query.get(name) or "").strip()


def year_in(query: Mapping[str, str], name: str = "year") -> int | None:
    """The year asked for, None when there is none; MalformedValue for anything but a year
    the portal accepts written as four digits."""
    value = raw(query, name)
    if not value:
        return None
    if not _YEAR.fullmatch(value) or not year_accepted(int(value)):
        raise MalformedValue(name, value, "2026")
    return int(value)


def day_in(query: Mapping[str, str], name: str) -> date | None:
    """The ISO date asked for, None when there is none; MalformedValue otherwise."""
    value = raw(query, name)
    if not value:
        return None
    try:
        if not _DAY.fullmatch(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise MalformedValue(name, value, "2026-07-06") from None
    if not year_accepted(day.year):
        raise MalformedValue(name, value, "2026-07-06")
    return day
