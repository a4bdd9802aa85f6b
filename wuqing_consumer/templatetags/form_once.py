"""`{% form_once %}`: the hidden one-time token of a form that creates a record
(`wuqing_consumer.form_once` says why)."""

from django import template
from django.utils.html import format_html

from wuqing_consumer import form_once as once

register = template.Library()


@register.simple_tag(takes_context=True)
def form_once(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD, once.issue(user))
