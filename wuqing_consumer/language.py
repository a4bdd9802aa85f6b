"""The language of text the system keeps for others to read.

History lines and notifications are written once and read by everyone concerned, mostly in
the district's own language, and sent on by email, SMS and group-chat robots. So they are
written in the district's language (settings.LANGUAGE_CODE), not in the language the person
who caused them happens to use the portal in; messages answered to that person stay in theirs.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import capfirst as capitalised
from django.utils.translation import gettext, ngettext, pgettext

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


def in_district_language_text(message: str) -> str:
    """`message` (marked with gettext_noop) translated into the district's language: a note
    the system writes on every order, where switching the language each time cost more than
    writing the order's history."""
    return _translated(message, settings.LANGUAGE_CODE)


@functools.cache
def _translated(message: str, language: str) -> str:
    with translation.override(language):
        return gettext(message)


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


# --- text written for others, shown in each reader's language -------------------------------
#
# A line the system writes with values in it ("Lead %(number)s referred to %(unit)s") is kept
# as written, in the district's language: it is the record, and exports, PDFs and the API show
# it so. Next to it is kept what it was written from, the message and its values (the
# "message" below), so that a page shows it to an English reader in English. A value that is
# itself translated (a unit's name, a choice's label, another such message) is kept as a code
# and named in the reader's language when shown.

Message = dict[str, Any]
"""What a written text was made from, as kept in JSON: a value `Reader.render` reads."""

NOTE_MESSAGE = "note_message"
"""The key, in a history line's `data`, of what its note was written from."""

SUMMARY_MESSAGE = "summary_message"
"""The key, in an audit entry's `data`, of what its summary was written from."""


class Written(str):
    """Text in the district's language that remembers the message it was written from
    (`message`), so that whatever keeps the text can keep that too."""

    message: Message

    def __new__(cls, text: str, message: Message) -> Written:
        written = super().__new__(cls, text)
        written.message = message
        return written


def message_of(text: object) -> Message | None:
    """What `text` was written from, or None for text a person typed or an old line."""
    return getattr(text, "message", None)


def with_note_message(data: dict | None, note: object) -> dict:
    """A history line's details with what its note was written from, if it was."""
    data = dict(data or {})
    if (message := message_of(note)) is not None:
        data[NOTE_MESSAGE] = message
    return data


def with_summary_message(data: dict | None, summary: object) -> dict:
    """An audit entry's details with what its summary was written from, if it was."""
    data = dict(data or {})
    if (message := message_of(summary)) is not None:
        data[SUMMARY_MESSAGE] = message
    return data


class _Value:
    """A value that is named differently in each language: kept as a code."""

    def stored(self) -> Message:
        raise NotImplementedError

    def text(self) -> str:
        raise NotImplementedError


class _Unit(_Value):
    def __init__(self, value) -> None:
        self.value = value

    def stored(self) -> Message:
        return {"unit": self.value.code}

    def text(self) -> str:
        return self.value.display_name


class _Units(_Value):
    def __init__(self, values) -> None:
        self.values = list(values)

    def stored(self) -> Message:
        return {"units": [u.code for u in self.values]}

    def text(self) -> str:
        return list_separator().join(u.display_name for u in self.values)


class _Label(_Value):
    def __init__(self, choices: type[models.Choices], value: str) -> None:
        self.choices, self.value = choices, str(value)

    def stored(self) -> Message:
        where = f"{self.choices.__module__}:{self.choices.__qualname__}"
        return {"label": where, "value": self.value}

    def text(self) -> str:
        return choice_label(self.choices, self.value)


class _Labels(_Value):
    def __init__(self, choices: type[models.Choices], values) -> None:
        self.choices, self.values = choices, [str(v) for v in values]

    def stored(self) -> Message:
        where = f"{self.choices.__module__}:{self.choices.__qualname__}"
        return {"labels": where, "values": self.values}

    def text(self) -> str:
        return _labels_text(self.choices, self.values)


def _labels_text(choices: type[models.Choices], values: list[str]) -> str:
    return list_separator().join(choice_label(choices, v) for v in values) or "—"


class _Kind(_Value):
    def __init__(self, model: type[models.Model], capfirst: bool) -> None:
        self.model, self.capfirst = model, capfirst

    def stored(self) -> Message:
        stored: Message = {"model": self.model._meta.label_lower}
        if self.capfirst:
            stored["capfirst"] = True
        return stored

    def text(self) -> str:
        return _kind_text(self.model, self.capfirst)


def _kind_text(model: type[models.Model], capfirst: bool) -> str:
    name = str(model._meta.verbose_name)
    return capitalised(name) if capfirst else name


class _Fields(_Value):
    def __init__(self, model: type[models.Model], names) -> None:
        self.model, self.names = model, list(names)

    def stored(self) -> Message:
        return {"fields": self.model._meta.label_lower, "names": self.names}

    def text(self) -> str:
        return _fields_text(self.model, self.names)


def _fields_text(model: type[models.Model], names: list[str]) -> str:
    return list_separator().join(_field_name(model, name) for name in names)


def _field_name(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since removed: its name as it was
        return name


class _Bracketed(_Value):
    def __init__(self, name: object, detail: object) -> None:
        self.name, self.detail = name, detail

    def stored(self) -> Message:
        return {"bracketed": [_stored(self.name), _stored(self.detail)]}

    def text(self) -> str:
        return bracketed(_text(self.name), _text(self.detail))


class _Quarter(_Value):
    def __init__(self, value: object) -> None:
        self.year, self.quarter = _year_and_quarter(value)

    def stored(self) -> Message:
        return {"quarter": quarter_key(self.year, self.quarter)}

    def text(self) -> str:
        return _quarter_text(self.year, self.quarter)


_QUARTER_KEY = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_key(year: int, quarter: int) -> str:
    """The quarter as a key, "2026Q3": in addresses, files, caches, the API, kept values."""
    return f"{year}Q{quarter}"


def _year_and_quarter(value: object) -> tuple[int, int]:
    if isinstance(value, str):
        match = _QUARTER_KEY.match(value)
        if match is None:
            raise ValueError(value)
        return int(match.group(1)), int(match.group(2))
    if isinstance(value, tuple):
        year, quarter = (int(part) for part in value)
    else:
        year, quarter = int(value.year), int(value.quarter)  # type: ignore[attr-defined]
    if not 1 <= quarter <= 4:
        raise ValueError(quarter)
    return year, quarter


def _quarter_text(year: int, quarter: int) -> str:
    # One message per quarter: Chinese names it in words (第三季度), not with a digit.
    if quarter == 1:
        pattern = pgettext("a quarter of a year, named for a reader", "Q1 %(year)s")
    elif quarter == 2:
        pattern = pgettext("a quarter of a year, named for a reader", "Q2 %(year)s")
    elif quarter == 3:
        pattern = pgettext("a quarter of a year, named for a reader", "Q3 %(year)s")
    else:
        pattern = pgettext("a quarter of a year, named for a reader", "Q4 %(year)s")
    return pattern % {"year": year}


def quarter_name(value: object) -> str:
    """A quarter as a person reads it, in the active language: "2026年第三季度" in Chinese,
    "Q3 2026" in English, never the key "2026Q3" (`quarter_key`), which stays in addresses,
    file names, cache keys, the API and the field where a quarter is typed. `value` is
    anything with `year` and `quarter` (a `reports.figures.Period`, a report, a reporting
    period), a (year, quarter) pair or a key. The one way a quarter is named: templates
    write `{{ period|quarter }}` (`{% load written %}`), text kept for others the `quarter`
    param. A Chinese message around it says no 季度 of its own: the name has it."""
    return _quarter_text(*_year_and_quarter(value))


def quarter(value: object) -> _Value:
    """A quarter as a value of a written text (`quarter_name`), kept as its key, so that a
    line written in Chinese ("2026年第三季度") reads "Q3 2026" to an English reader."""
    return _Quarter(value)


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def labels(choices: type[models.Choices], values) -> _Value:
    """Choices' labels (roles, say), listed in the reader's language; "—" for none."""
    return _Labels(choices, values)


def kind(model: type[models.Model], *, capfirst: bool = False) -> _Value:
    """What a model's rows are called (its verbose name), in the reader's language; with
    `capfirst` beginning with a capital, for a line that begins with it."""
    return _Kind(model, capfirst)


def fields(model: type[models.Model], names) -> _Value:
    """A model's fields, by the names its forms give them, listed in the reader's language."""
    return _Fields(model, names)


def unit(value) -> _Value:
    """A unit, named in the reader's language (its code is kept)."""
    return _Unit(value)


def units(values) -> _Value:
    """Units, named in the reader's language and listed with its separator."""
    return _Units(values)


def label(choices: type[models.Choices], value: str) -> _Value:
    """A choice's label (a status, a step) for its code, in the reader's language."""
    return _Label(choices, value)


def bracketed_value(name: object, detail: object) -> _Value:
    """`bracketed(name, detail)` as a value of a written text, set in the reader's language;
    either part may itself be a `unit`, a `label`... or a `Written`."""
    return _Bracketed(name, detail)


def label_colon() -> str:
    """What ends a label before its value: "：" in Chinese (full width, no space after it, as
    Chinese is set), ": " in English, from our catalogue (Django's own leaves ":" as ":" for
    zh_Hans, so `{% translate ":" %}` would not do); templates write `{% colon %}`."""
    return pgettext("ends a label before its value", ": ")


def list_separator() -> str:
    """What goes between the items of a list in the reader's language: "、" or ", "."""
    return pgettext("between names in a list", ", ")


def bracketed(name: object, detail: object) -> str:
    """`name` with `detail` after it in brackets, as the reader's language sets them: a person
    and their unit, a business and its credit code, a count's words. "孙局长（区市场监管局）"
    in Chinese, full-width brackets with no space before them, as Chinese is set (as the
    official PDFs write them); "Director Sun (Market Regulation Bureau)" in English. `name`
    alone when there is no `detail`; with an empty `name`, what to write after a value
    already on the page (" (draft)", "（草稿）"). Templates write `{{ name|bracketed:detail }}`
    or `{% brackets %}…{% endbrackets %}` (`{% load written %}`); text kept for others,
    `written_bracketed` or the `bracketed_value` param."""
    if detail is None or detail == "":
        return str(name)
    return bracket_pattern() % {"name": name, "detail": detail}


def bracket_pattern() -> str:
    """`bracketed`'s pattern in the active language, with %(name)s and %(detail)s."""
    return pgettext("a name and, in brackets, what goes with it", "%(name)s (%(detail)s)")


def choice_names(choices: type[models.Choices]) -> dict[str, str]:
    """Every code of `choices` with its label in the active language."""
    return {choice.value: str(choice.label) for choice in choices}


def choice_label(choices: type[models.Choices], value: str) -> str:
    """A stored code named by its choice in the active language (wrap it in
    `district_language()` for an official document); a code no longer among the choices as
    it was stored."""
    return str(choices(value).label) if value in choices.values else value


def _stored(value: object) -> object:
    if isinstance(value, _Value):
        return value.stored()
    if (message := message_of(value)) is not None:
        return message
    return value if isinstance(value, int | float) else str(value)


def _text(value: object) -> object:
    return value.text() if isinstance(value, _Value) else value


def _written(message: Message, template: Callable[[], str], params: dict[str, object]) -> Written:
    with district_language():
        text = template()
        if params:
            text = text % {name: _text(value) for name, value in params.items()}
    return Written(text, message)


def written(msgid: str, /, **params: object) -> Written:
    """`msgid` with `params`, in the district's language, remembering both.

    `makemessages` takes the first argument as a message (the project's command adds the
    keyword). A value may be a person's text, a number, a `unit`, `units`, a `label`, or
    another `Written`.
    """
    message: Message = {"id": msgid}
    if params:
        message["params"] = {name: _stored(value) for name, value in params.items()}
    return _written(message, lambda: gettext(msgid), params)


def written_plural(singular: str, plural: str, n: int, /, **params: object) -> Written:
    """As `written`, for a message whose form depends on the number `n` (given as %(n)s)."""
    params = {"n": n, **params}
    message: Message = {
        "id": singular,
        "plural": plural,
        "params": {name: _stored(value) for name, value in params.items()},
    }
    return _written(message, lambda: ngettext(singular, plural, n), params)


def written_units(values) -> Written:
    """Units alone, listed in the district's language (a line naming whom it concerns)."""
    value = _Units(values)
    with district_language():
        return Written(value.text(), value.stored())


def written_bracketed(name: object, detail: object) -> Written:
    """`bracketed(name, detail)` in the district's language, kept so that a page shows it
    in each reader's: "王明（区市场监管局）", "Wang Ming (Market Regulation Bureau)"."""
    value = _Bracketed(name, detail)
    with district_language():
        return Written(value.text(), value.stored())


def written_lines(*lines: object) -> Written:
    """Lines, some written from messages and some not, one under the other."""
    message: Message = {"lines": [_stored(line) for line in lines]}
    with district_language():
        text = "\n".join(str(_text(line)) for line in lines)
    return Written(text, message)


def _reads_district_language() -> bool:
    return (translation.get_language() or "").lower() == settings.LANGUAGE_CODE.lower()


def _choices(where: str) -> type[models.Choices]:
    module, _sep, qualname = where.partition(":")
    if module.split(".")[0] not in _APPS:
        raise LookupError(where)
    found: object = importlib.import_module(module)
    for name in qualname.split("."):
        found = getattr(found, name)
    if not (isinstance(found, type) and issubclass(found, models.Choices)):
        raise LookupError(where)
    return found


_APPS = ("complaints", "departments", "meetings", "publicity", "reports")
"""Where a kept label's choices may be looked up: the project's own apps, nothing else."""


class Reader:
    """Shows kept text in the reader's (the active) language; a page uses one for all its
    lines, so the units they name are read once."""

    def __init__(self) -> None:
        self._units: dict | None = None

    def show(self, text: str, message: Message | None) -> str:
        """`text` as written when there is nothing it was written from, when the reader
        reads the district's language (the record, exactly), or when the message can no
        longer be read (a unit since removed); otherwise the message in the reader's."""
        if not message or _reads_district_language():
            return text
        try:
            return str(self.render(message))
        except (KeyError, LookupError, TypeError, ValueError, AttributeError, ImportError):
            return text

    def render(self, value: object) -> object:
        if not isinstance(value, dict):
            return value
        if "id" in value:
            params = {name: self.render(v) for name, v in value.get("params", {}).items()}
            if "plural" in value:
                template = ngettext(value["id"], value["plural"], int(params["n"]))
            else:
                template = gettext(value["id"])
            return template % params if params else template
        if "unit" in value:
            return self._unit(value["unit"])
        if "units" in value:
            return list_separator().join(self._unit(code) for code in value["units"])
        if "label" in value:
            return choice_label(_choices(value["label"]), value["value"])
        if "labels" in value:
            return _labels_text(_choices(value["labels"]), list(value["values"]))
        if "model" in value:
            return _kind_text(_model(value["model"]), bool(value.get("capfirst")))
        if "fields" in value:
            return _fields_text(_model(value["fields"]), list(value["names"]))
        if "quarter" in value:
            return quarter_name(value["quarter"])
        if "bracketed" in value:
            name, detail = value["bracketed"]
            return bracketed(self.render(name), self.render(detail))
        if "lines" in value:
            return "\n".join(str(self.render(line)) for line in value["lines"])
        raise ValueError(value)

    def _unit(self, code: str) -> str:
        if self._units is None:
            from departments.models import Unit

            self._units = {u.code: u for u in Unit.objects.only("code", "name", "name_en")}
        return self._units[code].display_name


_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_HAN_CHARS}]")
_CJK_MARKS = "\u3001-\u303f\uff01-\uff60"  # 、。《》「」… and full-width （），：
_CHINESE_RUN = re.compile(
    f"[0-9A-Za-z]*[{_HAN_CHARS}]"
    f"(?:[{_HAN_CHARS}{_CJK_MARKS}0-9A-Za-z·.-]*[{_HAN_CHARS}{_CJK_MARKS}])?"
)
"""A stretch of Chinese inside a sentence of another language: from a Han character (with
the digits or letters written onto it, as in 2026年) to the last Han character or Chinese
punctuation mark before a space or other Western text. Never `&` nor `;`, so in escaped text
it can neither start nor end inside an entity."""


def _page_in_chinese() -> bool:
    return (translation.get_language() or "").lower().startswith("zh")


def own_language(text: object) -> str:
    """The lang to mark on what people wrote: "zh-Hans" when it holds Chinese and the page
    is in another language, so that a screen reader reads it with a Chinese voice (an English
    one spells out or skips the characters); "" otherwise (nothing to mark on a Chinese
    page). One rule for the templates' `lang_of` and the forms' widgets (`forms.py`)."""
    if _page_in_chinese():
        return ""
    return "zh-Hans" if _HAN.search(str(text or "")) else ""


def chinese_marked(text: object) -> SafeString:
    """`text`, a sentence in the page's language, escaped, with each stretch of Chinese in
    it (a unit's or a person's name, a business, what someone typed) in its own
    `<span lang="zh-Hans">` on a page in another language, as `own_language` would mark it;
    only escaped on a Chinese page.

    For the messages above a page (base.html): they are sentences built with `%` from a
    translated text and names kept in Chinese, in views and in the services' refusals
    alike, so which part is a name is no longer known when they are shown; the script is.
    Text already safe (built with `format_html`, which marks its own names) is left as it
    is. The spans are added to the escaped text, and a stretch holds no `<`, `&` or `;`,
    so nothing typed can become markup."""
    if isinstance(text, SafeData):
        return text  # type: ignore[return-value]
    escaped = escape(text)
    if _page_in_chinese():
        return escaped
    # Escaped above; only the fixed span is added around text holding no markup.
    return mark_safe(
        _CHINESE_RUN.sub(lambda run: f'<span lang="zh-Hans">{run.group(0)}</span>', escaped)
    )
