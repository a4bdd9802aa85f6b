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
    def filter_renderers(self, renderers, format):
        chosen = [renderer for renderer in renderers if renderer.format == format]
        if not chosen:
            formats = list(dict.fromkeys(renderer.format for renderer in renderers))
            raise UnknownFormat(format, formats)
        return chosen
