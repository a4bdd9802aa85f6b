"""What the public pages say of themselves to what fetches them from outside: a chat app
building a card for a shared link, a search engine."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def site_address(path: str) -> str:
    """`{% site_address request.path %}`: the page (or a static file) at the portal's public
    address (SITE_URL), whatever name the request came by, and without its query: a link
    shared from a search or with what a chat app appended to it is one page."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"
