"""What Django's debug page (DEBUG on: `make run`, the demo shown to officials) hides."""

from __future__ import annotations

import re

from django.views.debug import SafeExceptionReporterFilter


class PortalExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django hides settings and request headers named like a key or a password. Under
    runserver the request's META holds the whole process environment, and the connection
    URLs (DATABASE_URL, REDIS_URL, CELERY_BROKER_URL) carry their passwords in a name with
    none of those words: a bad Host header, which anyone can send, showed them on the debug
    page. Anything named like a URL or a DSN is hidden too."""

    hidden_settings = re.compile(
        r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|URL|DSN", flags=re.IGNORECASE
    )
