"""`{{ number|dial }}`: a phone number as a `tel:` address, so a tap on a phone calls it."""

import re

from django import template

register = template.Library()


@register.filter
def dial(number: str) -> str:
    """Spaces, hyphens and parentheses (which the phone fields allow) are left out."""
    return "tel:" + re.sub(r"[^0-9+]", "", number or "")
