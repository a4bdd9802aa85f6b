"""Why a hand-written form came back refused, read where it was refused: under the field,
which is described by the reason, marked invalid when what was typed is at fault, and
focused, so that a keyboard or screen-reader user lands on the form again rather than at
the top of the page (the reason stays there too, as a message). The order page's actions
and the dispute page's forms use it, through the `refusals` template tags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .errors import refusal_text


@dataclass(frozen=True)
class Refusal:
    """`reasons` by field of the form; `invalid` the fields whose value was refused;
    `focus` the one field the page starts on (only one can have autofocus)."""

    reasons: Mapping[str, list[str]]
    invalid: frozenset[str]
    focus: str

    @classmethod
    def of(
        cls, reasons: Mapping[str, Sequence[str]], fields: Sequence[str], *, invalid: bool = True
    ) -> Refusal:
        """`fields` the form's fields in the page's order. A reason about none of them (a
        task still open, the record changed meanwhile) is read with the field focused, the
        first refused one or else the form's first, which it does not mark invalid."""
        own = {name: list(reasons[name]) for name in fields if reasons.get(name)}
        focus = next(iter(own), fields[0])
        others = [text for key, texts in reasons.items() if key not in fields for text in texts]
        marked = frozenset(own) if invalid else frozenset()
        if others:
            own[focus] = [*own.get(focus, []), *others]
        return cls(reasons=own, invalid=marked, focus=focus)

    @classmethod
    def of_error(cls, error: ValidationError, fields: Sequence[str]) -> Refusal:
        by_field = (
            error.message_dict
            if hasattr(error, "error_dict")
            else {NON_FIELD_ERRORS: error.messages}
        )
        return cls.of(by_field, fields)

    @classmethod
    def of_exception(cls, error: Exception, fields: Sequence[str]) -> Refusal:
        """A write function's refusal of either kind: a ValidationError read by field, or an
        ActionRefused (the record changed meanwhile, a state that no longer allows it), whose
        message is about no field and is read with the first one, not marked invalid."""
        if isinstance(error, ValidationError):
            return cls.of_error(error, fields)
        return cls.of({NON_FIELD_ERRORS: [refusal_text(error)]}, fields)
