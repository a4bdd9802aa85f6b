import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def english_pages(client):
    """Messages and pages in English, so the tests can quote what they expect."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
