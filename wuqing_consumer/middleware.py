"""Request-level guards that must run before anything reads the body."""

from django.conf import settings
from django.utils.translation import gettext as _

from .api import is_api_request
from .views import api_error


class ApiBodyLimitMiddleware:
    """An API request larger than API_MAX_BODY_BYTES gets the API's JSON 413 at once,
    before a middleware or view reads (and spools) the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api_request(request):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.API_MAX_BODY_BYTES:
                return api_error("payload_too_large", _("The request body is too large."), 413)
        return self.get_response(request)
