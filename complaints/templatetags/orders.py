from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

from wuqing_consumer.language import for_reader

from ..routing import REASON_EMPTY_TEXT, REASON_LOW_SCORE, REASON_NO_RULE, REASON_TIE
from ..services import FORMER_SYSTEM_NOTES, SYSTEM_NOTES

register = template.Library()


@register.filter
def get_unit(units: dict, code: str):
    return units.get(code) if units and code else None


@register.filter
def time_left(delta: timedelta | None) -> str:
    """ "2 d 3 h left" or "overdue 5 h": what a handler needs at a glance."""
    if delta is None:
        return ""
    seconds = int(delta.total_seconds())
    overdue = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    elif hours:
        text = _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    else:
        text = _("%(m)s min") % {"m": max(minutes, 1)}
    return _("overdue %(t)s") % {"t": text} if overdue else _("%(t)s left") % {"t": text}


@register.filter
def routing_reason(code: str) -> str:
    return {
        REASON_EMPTY_TEXT: _("There is no text to route yet."),
        REASON_NO_RULE: _("No rule matches this text or category."),
        REASON_TIE: _("Two units match equally well."),
        REASON_LOW_SCORE: _("The match is too weak to be sure."),
    }.get(code, "")


STATUS_BADGES = {
    "triage": "text-bg-warning",
    "assigned": "text-bg-info",
    "in_progress": "text-bg-primary",
    "resolved": "text-bg-success",
    "closed": "text-bg-secondary",
}


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-light")


@register.filter
def short_moment(moment) -> str:
    """A deadline in a narrow column: "07-14 23:59" in the current year, the year written
    out otherwise, so an order left from last December reads as such in January."""
    from django.utils import timezone

    if not moment:
        return ""
    local = timezone.localtime(moment)
    if local.year == timezone.localdate().year:
        return f"{local:%m-%d %H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


@register.filter
def timeuntil_delta(due):
    """Time left until `due` (negative when overdue), as `time_left` words."""
    from django.utils import timezone

    return time_left(due - timezone.now()) if due else ""


@register.filter
def satisfaction_label(value: str) -> str:
    """The rating code stored in an event, as people read it."""
    from ..choices import Satisfaction

    return Satisfaction(value).label if value in Satisfaction.values else value


@register.filter
def history_note(note: str) -> str:
    """A history line intake wrote in Chinese (it keeps no message, having no values), in
    the reader's language; others as they come."""
    former = FORMER_SYSTEM_NOTES.get(note)
    return _(former) if former else for_reader(note, SYSTEM_NOTES)


@register.filter
def described(field):
    """The field's widget pointing at its error and its help text, so a screen reader reads
    them with the field (the ids `_field.html` gives them)."""
    ids = [
        f"{field.auto_id}_{part}"
        for part, shown in (("error", field.errors), ("helptext", field.help_text))
        if shown
    ]
    if not ids or not field.auto_id:
        return field
    return field.as_widget(attrs={"aria-describedby": " ".join(ids)})
