"""The page that publishes a correction names the release it corrects in its breadcrumbs:
its Chinese title, on a page read in English, is marked lang="zh-Hans" so that a screen
reader reads it with a Chinese voice (WCAG 3.1.2), as the release's own page does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.a11y import read_in_another_language

from .conftest import published

pytestmark = pytest.mark.django_db


def test_the_corrected_releases_title_reads_as_chinese(client, mr_staff, mr_liaison, office_staff):
    release = published(mr_staff, mr_liaison, office_staff)
    client.force_login(office_staff)
    page = client.get(reverse("release_correct", args=[release.id])).content.decode()
    crumbs = page.split('class="breadcrumb"', 1)[1].split("</ol>", 1)[0]
    assert release.title in crumbs
    assert read_in_another_language(crumbs, [release.title]) == []
