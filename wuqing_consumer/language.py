"""The language of text the system keeps for others to read.

History lines and notifications are written once and read by everyone concerned, mostly in
the district's own language, and sent on by email, SMS and group-chat robots. So they are
written in the district's language (settings.LANGUAGE_CODE), not in the language the person
who caused them happens to use the portal in; messages answered to that person stay in theirs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def district_language() -> Iterator[None]:
    with translation.override(settings.LANGUAGE_CODE):
        yield


def in_district_language(function: Callable[P, R]) -> Callable[P, R]:
    """For a function that only builds and writes text for others."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with district_language():
            return function(*args, **kwargs)

    return wrapper


@functools.cache
def _as_written(messages: tuple[str, ...]) -> dict[str, str]:
    with district_language():
        return {gettext(message): message for message in messages}


def for_reader(text: str, messages: tuple[str, ...]) -> str:
    """`text` in the reader's language when it is one of `messages` (source strings without
    placeholders, marked with gettext_noop) as written in the district's language; any other
    text, such as what a person typed, as it is."""
    original = _as_written(messages).get(text)
    return text if original is None else gettext(original)
