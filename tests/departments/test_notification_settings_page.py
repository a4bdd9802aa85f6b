"""The notification settings page says what a person is told of and what each channel
carries. It said only that everything is under the bell, so a unit's people could not know
from it that a new order, or a request to co-handle one, is announced at once, nor what a
text message would say of it before turning text messages on. (English pages, so the
assertions hold however the Chinese is worded.)"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def settings_page(client, user) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(reverse("notification_settings")).content.decode()


def test_a_units_people_read_that_new_orders_and_co_handling_requests_are_announced(
    client, housing_staff
):
    told_of = re.search(r'id="told-of">(.*?)</ul>', settings_page(client, housing_staff), re.S)[1]
    assert "An order that comes to your unit, and by when to sign for it" in told_of
    assert "An order your unit is asked to co-handle" in told_of
    assert "Orders past their deadline" not in told_of


def test_the_office_reads_what_it_is_told_of(client, office_staff):
    told_of = re.search(r'id="told-of">(.*?)</ul>', settings_page(client, office_staff), re.S)[1]
    assert "Orders past their deadline" in told_of
    assert "sign for" not in told_of


def test_each_channel_says_what_it_carries(client, housing_staff):
    html = settings_page(client, housing_staff)
    sms = re.search(r'<input[^>]*name="notify_by_sms"[^>]*aria-describedby="([^"]+)"', html)
    assert sms, "the switch points to its description"
    described = re.search(rf'id="{sms[1]}"[^>]*>(.*?)</div>', html, re.S)[1]
    assert "title alone" in described and "by when to sign for it" in described
    assert "with a link to the page" in html
    assert "group chat" in html


def sms_description(html: str) -> str:
    sms = re.search(r'<input[^>]*name="notify_by_sms"[^>]*aria-describedby="([^"]+)"', html)
    return re.search(rf'id="{sms[1]}"[^>]*>(.*?)</div>', html, re.S)[1]


@pytest.mark.parametrize("persona", ["office_staff", "office_director"])
def test_the_office_reads_a_text_message_it_would_receive(request, client, persona):
    """The office is told of returned orders, never of a new order to sign for: the example
    was one it never receives."""
    described = sms_description(settings_page(client, request.getfixturevalue(persona)))
    assert "title alone" in described
    assert "an order a unit returned" in described
    assert "sign for" not in described


def test_the_group_leader_reads_a_text_message_he_would_receive(client, leader):
    described = sms_description(settings_page(client, leader))
    assert "title alone" in described
    assert "dispute that waits for your decision" in described
    assert "sign for" not in described and "returned" not in described


def test_a_person_of_no_unit_reads_no_example_of_a_units_notice(client, sysadmin):
    described = sms_description(settings_page(client, sysadmin))
    assert "title alone" in described and "may quote a citizen" in described
    assert "sign for" not in described and "returned" not in described


def test_in_english_the_deadline_line_says_who_is_told_of_orders_past_it(client, housing_staff):
    """ "(to its head, also those past it)" left the reader to work out whose head."""
    told_of = re.search(r'id="told-of">(.*?)</ul>', settings_page(client, housing_staff), re.S)[1]
    assert (
        "Your unit's orders whose deadline is near; your unit's head is also told of those "
        "past it" in told_of
    )


def test_a_units_people_read_that_a_reopened_order_is_announced_and_goes_to_the_group_chat(
    client, housing_staff
):
    html = settings_page(client, housing_staff)
    told_of = re.search(r'id="told-of">(.*?)</ul>', html, re.S)[1]
    assert "Your unit's order reopened after a dissatisfied call-back" in told_of
    group_chat = re.search(r'id="group-chat-note">(.*?)</p>', html, re.S)[1]
    assert "an order reopened after a call-back" in group_chat
