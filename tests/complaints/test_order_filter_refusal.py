"""A refused filter of the order list is said in the alert above the form, linked to its
field, and the field is marked: its message under it made the field taller than its row,
which lifted it above the other filters on a laptop's screen."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def field_tag(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag, name
    return tag[0]


@pytest.mark.parametrize(
    ("query", "refused", "message"),
    [
        ({"received_from": "2026-13-45"}, "received_from", "Enter a date like 2026-07-06."),
        (
            {"received_from": "2026-12-31", "received_to": "2026-01-01"},
            "received_to",
            "Before the start date (2026-12-31): swap the two dates.",
        ),
    ],
)
def test_the_alert_names_the_refused_filter_and_leads_to_it(
    english, office_staff, query, refused, message
):
    english.force_login(office_staff)
    response = english.get(reverse("order_list"), {"tab": "all", **query})
    assert response.status_code == 400
    page = response.content.decode()
    alert = re.search(
        r'<div class="alert alert-danger"[^>]*id="filters-invalid">.*?</div>', page, re.S
    )
    assert alert, "the alert"
    line = re.search(rf'<li id="filter-{refused}-error"[^>]*>(.*?)</li>', alert[0], re.S)
    assert line, alert[0]
    assert f'href="#id_{refused}"' in line[1] and message in line[1]
    tag = field_tag(page, refused)
    assert "is-invalid" in tag and 'aria-invalid="true"' in tag
    assert f'aria-describedby="filter-{refused}-error"' in tag
    form = re.search(r'<form[^>]*id="order-filters".*?</form>', page, re.S)[0]
    assert "invalid-feedback" not in form and message not in form
    for other in {"received_from", "received_to", "category"} - {refused}:
        assert "is-invalid" not in field_tag(page, other)


def test_filters_that_are_taken_mark_nothing(english, office_staff):
    english.force_login(office_staff)
    response = english.get(reverse("order_list"), {"tab": "all", "received_from": "2026-01-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="filters-invalid"' not in page and "is-invalid" not in page
