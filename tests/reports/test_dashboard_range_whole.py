"""The dashboard's range line keeps each date whole: on an English phone it read
"Orders received from 2026-10-01 to 2026-" / "12-31, as they stand at …"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_date_of_the_range_line_is_kept_on_one_line(client, mr_staff, language):
    client.force_login(mr_staff)
    client.cookies["django_language"] = language
    page = client.get(reverse("dashboard")).content.decode()
    line = re.search(r'id="dashboard-range">(.*?)</p>', page, re.S)[1]
    kept = re.findall(r'<span class="text-nowrap">([^<]*)</span>', line)
    assert len(kept) == 3, line
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", date) for date in kept)
    assert not re.sub(r'<span class="text-nowrap">[^<]*</span>', "", line).count("-"), line
