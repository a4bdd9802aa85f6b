"""What people type, kept as they typed it."""

from __future__ import annotations

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


def sentences(*messages: str) -> str:
    """Messages one after another as sentences: a Chinese one ends with "。" and needs no
    separator ("…已有工单。 不同之处" reads as a slip), an English one a space."""
    text = ""
    for message in messages:
        text += message if not text or text.endswith(("。", "！", "？")) else " " + message
    return text
