"""The question before deleting a duty contact names it ("值班电话 022-…") inside an English
sentence: its Chinese label is marked lang="zh-Hans", so that a screen reader reads it
with a Chinese voice (WCAG 3.1.2); it was read with the English one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.a11y import read_in_another_language
from tests.factories import DutyContactFactory

pytestmark = pytest.mark.django_db


def test_the_contact_to_delete_is_named_in_its_own_language(client, mr_head):
    contact = DutyContactFactory(unit=mr_head.unit, label="值班电话")
    client.force_login(mr_head)
    client.cookies["django_language"] = "en"
    url = reverse("duty_contact_delete", args=[contact.id])
    page = client.get(url).content.decode()
    assert "Delete the duty contact “" in page
    assert read_in_another_language(page, ["值班电话"]) == []
    client.cookies["django_language"] = "zh-hans"
    assert 'lang="zh-Hans"' not in client.get(url).content.decode()
