"""The year drop-down of the annual summaries shows the year the list shows: a year asked
for in the address before the last five is added to it; one the portal has no summaries for
(the future) is said with a message, not shown silently as another; what is not a year
the portal accepts is refused (400), naming the parameter and its form."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def selected(page: str) -> list[str]:
    select = re.search(r'<select name="year".*?</select>', page, re.S).group()
    return re.findall(r'<option value="(\d+)" selected>', select)


def options(page: str) -> list[str]:
    select = re.search(r'<select name="year".*?</select>', page, re.S).group()
    return re.findall(r'<option value="(\d+)"', select)


def test_a_year_before_the_last_five_is_shown_and_selected(client, office_staff):
    with time_machine.travel(at(2026, 12, 2), tick=False):
        client.force_login(office_staff)
        response = client.get(reverse("annual_summaries") + "?year=2019")
        assert not list(response.context["messages"])
        this_year = client.get(reverse("annual_summaries") + "?year=2026")
        assert not list(this_year.context["messages"])
    page = response.content.decode()
    assert selected(page) == ["2019"]
    assert options(page) == ["2026", "2025", "2024", "2023", "2022", "2019"]
    assert "Annual work summaries 2019" in page


def test_a_year_with_no_summaries_is_said_with_a_message(client, mr_liaison):
    with time_machine.travel(at(2026, 12, 2), tick=False):
        client.force_login(mr_liaison)
        response = client.get(reverse("annual_summaries") + "?year=2031")
    page = response.content.decode()
    assert response.status_code == 200
    assert selected(page) == ["2026"] and "Annual work summaries 2026" in page
    assert [str(m) for m in response.context["messages"]] == [
        "There are no annual summaries for “2031”; showing 2026."
    ]


@pytest.mark.parametrize("asked", ["abc", "1999", "99999999999"])
def test_what_is_not_a_year_is_refused_naming_the_parameter(client, mr_liaison, asked):
    with time_machine.travel(at(2026, 12, 2), tick=False):
        client.force_login(mr_liaison)
        response = client.get(reverse("annual_summaries") + f"?year={asked}")
    page = response.content.decode()
    assert response.status_code == 400
    assert selected(page) == ["2026"] and "Annual work summaries 2026" in page
    assert [str(m) for m in response.context["messages"]] == [
        f"In the address, year=“{asked}” is not well formed: write it like year=2026."
    ]


def test_a_year_no_unit_was_asked_for_says_so_not_0_of_0(client, office_staff):
    from departments.models import Unit

    Unit.objects.update(reports_since=datetime(2026, 1, 1).date())
    with time_machine.travel(at(2026, 12, 2), tick=False):
        client.force_login(office_staff)
        page = client.get(reverse("annual_summaries") + "?year=2019").content.decode()
    assert "0 of 0" not in page
    assert "Due by 2019-11-30 · No unit is asked for a summary for this year." in page
