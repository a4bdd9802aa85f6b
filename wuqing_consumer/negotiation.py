"""The API's content negotiation: DRF's, with an unknown `?format=` answered as the API
answers every refusal. Its own module: DRF reads it from the settings while
`rest_framework.views` is being imported, which `wuqing_consumer.api` imports."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class UnknownFormat(exceptions.NotFound):
    """A `?format=` no renderer of the view has. DRF raised a bare Http404 for it, which
    went out as "Not found." at an address that exists: the client could not tell a
    mistyped format from a missing record. Still a 404 (`not_found`), DRF's status for it,
    now naming the formats the address has, also under `fields.format`."""

    def __init__(self, asked: str, formats: list[str]) -> None:
        shown = asked if len(asked) <= 20 else asked[:20] + "…"
        message = _(
            "There is no “%(format)s” format here; the formats available are: %(formats)s."
        ) % {"format": shown, "formats": ", ".join(formats)}
        super().__init__(message)
        self.fields = {"format": [message]}


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        """DRF's choice, made at once for what a machine client nearly always sends: no
        format and any type, or the first renderer's own. DRF parsed the Accept header
        and each renderer's type on every request to reach the same answer."""
        first = renderers[0] if renderers else None
        if (
            first is not None
            and not format_suffix
            and not request.META.get("QUERY_STRING")
            and request.META.get("HTTP_ACCEPT", "*/*") in ("*/*", first.media_type)
        ):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        chosen = [renderer for renderer in renderers if renderer.format == format]
        if not chosen:
            formats = list(dict.fromkeys(renderer.format for renderer in renderers))
            raise UnknownFormat(format, formats)
        return chosen
