import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def english_pages(client):
    """Pages in English, so the tests can quote the messages they expect."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
