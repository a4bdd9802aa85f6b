"""The office decides whether an order repeats another (link, merge into it, or not a
duplicate) from the order's page, which named the other order by its number and title
alone: not whether it was still being handled or long closed, by which unit, nor when it
came in. Merging closes this order into the other, so a citizen's open complaint could be
merged into one closed months before without the page saying so. Each possible duplicate
now says its status, its primary unit and the day it was received."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import workflow
from complaints.models import PossibleDuplicate
from tests.complaints.test_workflow import closed
from tests.factories import make_order

pytestmark = pytest.mark.django_db

PHONE = "13912340000"


def duplicate_entry(client, user, order, other) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    card = page[page.index('id="duplicates"') :]
    card = re.split(r'<div class="card portal-card|<div class="small py-1">|</main>', card)[0]
    entries = card.split('<div class="border-bottom py-2">')[1:]
    (entry,) = [
        e
        for e in entries
        if e.lstrip().startswith(f'<a class="font-monospace" href="/orders/{other.number}/"')
    ]
    return entry


def test_a_possible_duplicate_being_handled_says_so_by_which_unit_and_since_when(
    client, office_staff
):
    earlier = make_order(office_staff, citizen_phone=PHONE, unit_code="housing")
    later = make_order(office_staff, citizen_phone=PHONE)
    assert PossibleDuplicate.objects.filter(order=later, other=earlier).exists()
    entry = duplicate_entry(client, office_staff, later, earlier)
    assert "Awaiting sign-for" in entry
    assert "Housing and Construction Commission" in entry
    assert f"Received {timezone.localdate(earlier.received_at):%Y-%m-%d}" in entry


def test_a_possible_duplicate_already_closed_says_so(client, office_staff, mr_staff):
    earlier = closed(office_staff, mr_staff, citizen_phone=PHONE)
    later = make_order(office_staff, citizen_phone=PHONE)
    entry = duplicate_entry(client, office_staff, later, earlier)
    assert "Closed" in entry and "Market Regulation Bureau" in entry


def test_a_possible_duplicate_waiting_for_dispatch_says_it_has_no_unit_yet(client, office_staff):
    earlier = make_order(office_staff, citizen_phone=PHONE, send_to_triage=True)
    later = make_order(office_staff, citizen_phone=PHONE)
    entry = duplicate_entry(client, office_staff, later, earlier)
    assert "Triage" in entry


def test_an_order_itself_merged_is_not_offered_to_merge_into_and_names_the_one_it_went_into(
    client, office_staff
):
    """Merging into it was offered, then refused ("merge into that one"): the third call
    was found to repeat both before the second was merged into the first."""
    first = make_order(office_staff, citizen_phone=PHONE)
    second = make_order(office_staff, citizen_phone=PHONE)
    third = make_order(office_staff, citizen_phone=PHONE)
    pair = PossibleDuplicate.objects.get(order=second, other=first)
    workflow.workorder_merge(order_id=second.id, acting_user=office_staff, duplicate_id=pair.id)
    entry = duplicate_entry(client, office_staff, third, second)
    assert "/act/merge/" not in entry
    assert f"Merged into {first.number}" in entry
    assert "/act/merge/" in duplicate_entry(client, office_staff, third, first)
