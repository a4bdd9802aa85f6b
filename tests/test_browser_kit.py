"""What tests/browser_kit.py promises the tests that drive Chromium."""

import pytest
from django.db import connections

from tests.browser_kit import chromium
from tests.test_browser import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
]


def test_the_orm_in_the_browsers_time_uses_the_tests_own_connection():
    """Playwright's event loop runs in the test's thread while Chromium is open, and Django
    then kept the thread's connections apart: a second one, which pytest-django's teardown
    did not see, and through which fixtures made after a module's one Chromium wrote."""
    before = connections["default"]
    with chromium():
        assert connections["default"] is before
    assert connections["default"] is before
