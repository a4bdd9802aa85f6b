from datetime import datetime

from django import template

register = template.Library()

BADGES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-primary",
    "returned": "text-bg-warning",
    "accepted": "text-bg-success",
    "published": "text-bg-success",
    "filed": "text-bg-primary",
    "acknowledged": "text-bg-success",
}


@register.filter
def report_badge(status: str) -> str:
    return BADGES.get(status or "", "text-bg-light border")


@register.filter
def pct(value) -> str:
    """A percentage from `figures.rate`, or a dash when there was nothing to divide."""
    return "—" if value is None else f"{value:.1f}%"


@register.filter
def signed_pct(value) -> str:
    return "—" if value is None else f"{value:+.1f}%"


@register.filter
def iso_time(value) -> str:
    """ "2026-11-29T13:25+08:00" (as stored in figures) shown as "2026-11-29 13:25"."""
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(value or "")
