"""A refused form's field and its reason (wuqing_consumer.refusals):

    <textarea id="c-law" …{% refused_attrs form.refusal "law_applied" "c-law" %}>…</textarea>
    {% refused_reason form.refusal "law_applied" "c-law" %}

The reason's id is the field's with "-refused"; both say nothing when the form was not
refused, or not for that field."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from wuqing_consumer.refusals import Refusal

register = template.Library()


@register.simple_tag
def refused_attrs(refusal: Refusal | None, field: str, dom_id: str) -> SafeString:
    if not refusal or field not in refusal.reasons:
        return mark_safe("")
    return format_html(
        ' aria-describedby="{}-refused"{}{}',
        dom_id,
        mark_safe(' aria-invalid="true"') if field in refusal.invalid else "",
        mark_safe(" autofocus") if field == refusal.focus else "",
    )


@register.simple_tag
def refused_reason(refusal: Refusal | None, field: str, dom_id: str) -> SafeString:
    if not refusal or field not in refusal.reasons:
        return mark_safe("")
    return format_html(
        '<div class="invalid-feedback d-block mb-1" id="{}-refused">{}</div>',
        dom_id,
        format_html_join(" ", "{}", ((text,) for text in refusal.reasons[field])),
    )


@register.filter
def refused_for(refusal: Refusal | None, field: str) -> list[str]:
    """The reasons for a group of fields shown by an include (includes/unit_checks.html)."""
    return list(refusal.reasons.get(field, [])) if refusal else []


@register.filter
def focused_on(refusal: Refusal | None, field: str) -> bool:
    return bool(refusal) and refusal.focus == field
