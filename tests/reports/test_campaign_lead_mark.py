"""The campaign page marked its lead among the participating units " (lead)", the brackets
written in ASCII around the translated word, so Chinese read "区市场监管局 (牵头)". The lead
is now marked in one piece of the reader's language, the one the dispute page marks its
lead unit with ("区市场监管局（牵头）" in Chinese, in the language's own brackets)."""

from __future__ import annotations

import html as markup
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.reports.test_campaigns import clock, start  # noqa: F401


def units(client, user, campaign, language) -> list[str]:
    client.force_login(user)
    client.cookies["django_language"] = language
    html = client.get(reverse("campaign_detail", args=[campaign.id])).content.decode()
    found = re.search(r'<p id="campaign-units">(.*?)</p>', html, re.S)
    assert found, html
    badges = re.findall(r"<span[^>]*>(.*?)</span>", found.group(1), re.S)
    return [markup.unescape(badge).strip() for badge in badges]


@pytest.mark.parametrize(
    ("language", "lead", "other"),
    [
        ("en", "Market Regulation Bureau", "Commerce Bureau"),
        ("zh-hans", "区市场监管局", "区商务局"),
    ],
)
def test_the_lead_is_marked_in_the_readers_own_words(client, office_staff, language, lead, other):
    campaign = start(office_staff)
    with translation.override(language):
        marked = translation.pgettext("a unit in a list", "%(unit)s (lead)") % {"unit": lead}
    assert units(client, office_staff, campaign, language) == [marked, other]
    if language == "en":
        assert marked == "Market Regulation Bureau (lead)"
