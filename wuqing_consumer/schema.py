"""The published API contract (OpenAPI), served by drf-spectacular with the API's manners."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.settings import api_settings


def schema_language(code: str) -> str | None:
    """The portal's language that a `lang` parameter names (`en-gb` is `en`), or None."""
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


class ApiManners:
    """What every /api/ address does, for drf-spectacular's views, which are not built on
    the API's settings: refusals in the API's one error shape (JSON, whatever the view
    renders otherwise), in the language `lang` names, and OPTIONS answered in JSON as every
    other endpoint answers it.

    DRF renders an error and an OPTIONS answer with the renderer it negotiated, or the
    view's first: the schema's refusals came as YAML, the Swagger page's (a POST, an Accept
    of JSON) as `405 Method Not Allowed` in text/html, and its OPTIONS was a 500 for want
    of a template. A view says what it serves in `not_acceptable_message`.
    """

    def not_acceptable_message(self) -> str:
        raise NotImplementedError

    def unknown_language_message(self) -> str:
        """The refusal of a `lang` the portal has no catalogue for, with `%(lang)s` and
        `%(languages)s` in it."""
        raise NotImplementedError

    def refuse_unknown_language(self, request) -> None:
        asked = request.GET.get("lang")
        if asked and schema_language(asked) is None:
            languages = ", ".join(code for code, _name in settings.LANGUAGES)
            message = self.unknown_language_message()
            raise exceptions.ValidationError(
                {"lang": [message % {"lang": asked, "languages": languages}]}
            )

    def dispatch(self, request, *args, **kwargs):
        try:
            language = schema_language(request.GET.get("lang") or "")
        except TooManyFieldsSent:  # refused by DRF's handler, in the API's shape, below
            language = None
        if language is None:
            return super().dispatch(request, *args, **kwargs)
        with translation.override(language):  # its errors too: `lang` asks for a language
            response = super().dispatch(request, *args, **kwargs)
            if not getattr(response, "is_rendered", True):  # the docs page's own words too
                response.render()
        response["Content-Language"] = language
        return response

    def get_renderers(self):
        if self.request.method == "OPTIONS":
            return [renderer() for renderer in api_settings.DEFAULT_RENDERER_CLASSES]
        return super().get_renderers()

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except exceptions.NotAcceptable:
            if request.method == "OPTIONS":  # the API's own message: JSON only
                raise
            raise exceptions.NotAcceptable(self.not_acceptable_message()) from None

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(response, "exception", False):
            request.accepted_renderer = api_settings.DEFAULT_RENDERER_CLASSES[0]()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class SchemaView(ApiManners, SpectacularAPIView):
    """The schema in YAML by default and in JSON when asked (`?format=json` or an Accept of
    JSON), and its refusals in the API's one error shape.

    A `lang` the portal is not translated into was taken as it came: `fr` gave a schema
    with DRF's strings in French and the portal's in Chinese, `xx` a Chinese one, each with
    a 200.
    """

    def not_acceptable_message(self) -> str:
        return _(
            "The schema comes as YAML (application/vnd.oai.openapi) or JSON "
            "(application/json): accept one of them."
        )

    def unknown_language_message(self) -> str:
        return _("The schema is not available in “%(lang)s”; choose one of: %(languages)s.")

    @extend_schema(**SCHEMA_KWARGS)  # as drf-spectacular's own: left out of the schema
    def get(self, request, *args, **kwargs):
        self.refuse_unknown_language(request)
        return super().get(request, *args, **kwargs)


class DocsView(ApiManners, SpectacularSwaggerSplitView):
    """The Swagger page (text/html, from the portal's own static files) on the schema. Its
    starting script comes from the same address with `?script`, not inline in the page: the
    content security policy runs no inline script.

    The page passes its `lang` on to the schema address it embeds; a `lang` the schema
    refuses served the page, whose own request then got the 400 and showed nothing. The
    page refuses it as the schema does.
    """

    url_name = "api_schema"

    def not_acceptable_message(self) -> str:
        return _(
            "The documentation is a web page (text/html): accept it, or read the schema "
            "at %(schema)s."
        ) % {"schema": reverse(self.url_name)}

    def unknown_language_message(self) -> str:
        return _("The documentation is not available in “%(lang)s”; choose one of: %(languages)s.")

    @extend_schema(exclude=True)  # as drf-spectacular's own: left out of the schema
    def get(self, request, *args, **kwargs):
        self.refuse_unknown_language(request)
        return super().get(request, *args, **kwargs)
