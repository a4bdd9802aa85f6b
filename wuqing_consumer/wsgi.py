"""The WSGI application gunicorn serves (`wuqing_consumer.wsgi:application`)."""

import io
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuqing_consumer.settings")


def read_chunked_api_bodies(app):
    """Give Django the body of an API request sent in chunks, with no Content-Length.

    Django reads a body only as long as Content-Length says, so a chunked one (Java's
    streaming mode, Go when the length is unknown) arrived empty and an order pushed so was
    refused for missing fields. Where the server has already taken the chunks apart
    (gunicorn says so with `wsgi.input_terminated`), the body is read here, up to one byte
    past the API's limit so that the limit still answers 413; where it has not, the API
    answers 411 (ApiGuardMiddleware).
    """

    def application(environ, start_response):
        if (
            environ.get("PATH_INFO", "").startswith("/api/")
            and not environ.get("CONTENT_LENGTH")
            and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
            and environ.get("wsgi.input_terminated")
        ):
            body = environ["wsgi.input"].read(settings.API_MAX_BODY_BYTES + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return app(environ, start_response)

    return application


application = read_chunked_api_bodies(get_wsgi_application())
