"""The choices a list's link carries (a status, a kind, what to show), read against the
choices the list offers.

A list used to ignore a value it does not offer, from a link edited by hand or kept from an
older page, and showed every record under a filter it had not applied: that reads as the
filter's result. The order list refuses such a value (django-filter validates its form);
the other lists read their few choices through `ListFilters`, which does the same: the
list shows nothing, the page marks the filter and says what to correct
(`includes/filters_invalid.html`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import forms

INVALID_CHOICE = forms.ChoiceField.default_error_messages["invalid_choice"]
"""Django's own message ("Select a valid choice. … is not one of the available choices."),
translated by Django: the order list's filters say the same."""

SHOWN_VALUE_LENGTH = 50


class ListFilters:
    """The choices of one list's link. `choice()` returns a value the list offers, or ''
    (nothing to filter on) for a missing one; a value it does not offer is kept as an
    error, and `invalid` tells the view to list nothing."""

    def __init__(self, query: Mapping[str, str]) -> None:
        self.query = query
        self.errors: dict[str, str] = {}
        self.problems: list[dict[str, str]] = []

    def choice(self, name: str, allowed: Iterable[str], *, label: str, default: str = "") -> str:
        """The value of `name` in the link, `default` when it is absent; '' is always
        accepted (the list's "all")."""
        value = self.query.get(name, default)
        if value == "" or value in set(allowed):
            return value
        shown = value if len(value) <= SHOWN_VALUE_LENGTH else value[:SHOWN_VALUE_LENGTH] + "…"
        message = str(INVALID_CHOICE % {"value": shown})
        self.errors[name] = message
        self.problems.append({"name": name, "label": str(label), "message": message})
        return ""

    @property
    def invalid(self) -> bool:
        return bool(self.errors)
