from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from wuqing_consumer.api import is_api_request


class PortalLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose otherwise with the language switch.

    Django's own middleware would follow the browser's Accept-Language header, which puts a
    civil servant with an English-language browser into English without asking. The API
    does follow it: a machine client that sends the header asks on purpose.

    The cookie counts only for one of settings.LANGUAGES (`en-gb` is taken as `en`). Django's
    language switch sets it to any language Django itself is translated into: with `fr`,
    Django's and DRF's messages came in French and the portal's own in Chinese, in one page
    or one API answer.
    """

    def process_request(self, request):
        chosen = _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        if chosen:
            language = chosen
        elif is_api_request(request):
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _supported(code: str | None) -> str | None:
    """The portal's language that `code` names, or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None
