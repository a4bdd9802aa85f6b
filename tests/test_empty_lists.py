"""An empty list says why it is empty: nothing there yet, or nothing the reader's search or
filters let through. "Nothing here." said neither, under a filter that hid everything."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext


def empty_line(client, user, address: str, query: dict, language: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    page = client.get(address, query).content.decode()
    return re.search(
        r'<td colspan="5" class="text-body-secondary" id="no-[a-z]+">(.*?)</td>', page
    )[1]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_campaign_list_tells_none_yet_from_none_matching(client, office_staff, language):
    address = reverse("campaign_list")
    with translation.override(language):
        none_yet, none_match = (
            gettext("No joint campaign yet."),
            gettext("No campaign matches these filters."),
        )
    assert empty_line(client, office_staff, address, {}, language) == none_yet
    assert empty_line(client, office_staff, address, {"status": "closed"}, language) == none_match


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_release_list_tells_none_yet_from_none_matching(client, mr_staff, language):
    address = reverse("release_list")
    with translation.override(language):
        none_yet = gettext("No public release yet.")
        none_match = gettext("No release matches the search and filters.")
    assert empty_line(client, mr_staff, address, {}, language) == none_yet
    for query in ({"q": "预付卡"}, {"status": "draft"}, {"kind": "warning"}):
        assert empty_line(client, mr_staff, address, query, language) == none_match, query
