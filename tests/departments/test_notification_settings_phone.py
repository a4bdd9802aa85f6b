"""Notification settings say when a channel cannot reach the person. Without an email
address the page already said to ask the office for one; without a mobile number it said
nothing, so a unit's new member turned on text messages, read "Your notification
settings are saved." and waited for messages the portal never sends (it texts only a
person with a phone). The page now says so for the phone too. (English pages, so the
assertions hold however the Chinese is worded.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

NO_PHONE = "You have no mobile number in the portal"


def settings_page(client, user) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(reverse("notification_settings")).content.decode()


def test_a_person_without_a_phone_is_told_text_messages_cannot_reach_them(client, housing_staff):
    housing_staff.phone = ""
    housing_staff.save(update_fields=["phone"])
    assert NO_PHONE in settings_page(client, housing_staff)


def test_a_person_with_a_phone_is_not_warned(client, housing_staff):
    housing_staff.phone = "13800001234"
    housing_staff.save(update_fields=["phone"])
    assert NO_PHONE not in settings_page(client, housing_staff)
