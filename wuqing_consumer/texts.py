"""What people type, kept as they typed it."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


def too_long(text: str, limit: int, what: str) -> str | None:
    """The refusal of a text longer than `limit` (its column, or the limit set for a text
    column), in the reader's language, saying by how much; None when it fits. Services
    refuse such a text rather than cut it: a cut case number, name or note would be stored
    as something nobody wrote."""
    if len(text) <= limit:
        return None
    return _("Please shorten %(what)s to %(limit)s characters; it has %(length)s.") % {
        "what": what,
        "limit": limit,
        "length": len(text),
    }


CHINESE_SENTENCE_ENDS = ("。", "！", "？")


def sentences(*messages: str) -> str:
    """Messages one after another as sentences: a Chinese one ends with "。" and needs no
    separator ("…已有工单。 不同之处" reads as a slip), an English one a space."""
    text = ""
    for message in messages:
        text += message if not text or text.endswith(CHINESE_SENTENCE_ENDS) else " " + message
    return text


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""The C0 control characters but tab, LF and CR: XML 1.0 cannot hold them, so neither can a
workbook (openpyxl's ILLEGAL_CHARACTERS_RE) nor a feed (Django's feed writer)."""


def without_control_characters(text: str) -> str:
    """`text` without the control characters XML cannot hold, for a file or feed made of
    it: one of them made openpyxl or the feed writer refuse the whole file (a 500). They are
    invisible and mean nothing in a citizen's or a unit's text, so a reader sees no change."""
    return CONTROL_CHARACTERS.sub("", text) if CONTROL_CHARACTERS.search(text) else text


DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
"""An amount as text; "-" so that a negative one is refused as negative."""


def decimal_as_written(text: str) -> str | None:
    """An amount typed as digits and one point, ready for Decimal; None for anything else.

    Python's Decimal reads "1e5" as 100000 and "1_000" as 1000: an amount typed or sent so
    would be stored as another number, unseen. Full-width digits (an IME's) are taken, and
    zeros after the last decimal place are dropped ("1280.500" is 1280.50)."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not DECIMAL_TEXT.fullmatch(text):
        return None
    whole, _point, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


AMOUNT_CEILING = Decimal("1e12")
"""The amount columns hold 14 digits, two after the point: a larger figure fails in the
database."""


class AmountError(ValueError):
    """An amount refused, with the refusal in the reader's language as its message."""


def amount_in_yuan(value: object) -> Decimal | None:
    """An amount as written on a form, by the API or on a mediation agreement, to the fen;
    None when nothing is written. The three places read it alike, with the same refusals:
    they once said two different things for the same "1e5"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = decimal_as_written(value) if isinstance(value, str) else str(value)
    try:
        if text is None:
            raise InvalidOperation
        amount = Decimal(text).quantize(Decimal("0.01"))
        if amount.is_nan():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise AmountError(_("Enter the amount as a number of yuan, e.g. 1280.50.")) from None
    if amount < 0 or amount >= AMOUNT_CEILING:
        raise AmountError(_("The amount must be between 0 and 999,999,999,999.99 yuan."))
    return amount
