"""The server-error page is written in both languages, without a request to know the
reader's, under <html lang="zh-hans">: its English lines are marked lang="en", so that a
screen reader reads them with an English voice (WCAG 3.1.2) rather than a Chinese one."""

from __future__ import annotations

import re

import pytest


@pytest.mark.urls("tests.test_project")
def test_the_english_lines_of_the_server_error_page_are_marked_english(client, db, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    body = client.get("/boom/").content.decode()
    assert '<html lang="zh-hans">' in body
    for english in ("Something went wrong on our side", "Your action was not completed", "Home"):
        assert re.search(rf'lang="en">{english}', body), english
    assert 'lang="en">系统' not in body and 'lang="en">您的' not in body
