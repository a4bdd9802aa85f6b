"""The consumer-education page's form and table name the event's channel and title in the
words of its own refusals ("请选择活动方式", "请填写活动名称"): the shared msgid "channel"
read "来源渠道", the term for where a work order came from."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_education_page_says_how_the_event_was_held_and_its_name(client, mr_staff):
    client.force_login(mr_staff)
    client.cookies["django_language"] = "zh-hans"
    page = client.post(reverse("education_events"), {}).content.decode()
    assert "请选择活动方式" in page and "请填写活动名称" in page  # the refusals' own words
    assert "来源渠道" not in page
    assert 'aria-label="活动方式"' in page and 'placeholder="活动名称"' in page
    assert '<th scope="col">活动方式</th>' in page and '<th scope="col">活动名称</th>' in page


def test_in_english_they_stay_channel_and_title(client, mr_staff):
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("education_events")).content.decode()
    assert '<th scope="col">Channel</th>' in page and '<th scope="col">Title</th>' in page
