"""A list's year, quarter or date read from its address (?year=, ?period=, ?from=, ?to=,
?received_from=): a value that is not one is refused with 400 and the page, the message
naming the parameter and the form it takes, not read as "no value" and answered with the
default as if asked for it; a well-formed year the list has nothing for stays a 200 with a
message.

Pages in English (the `django_language` cookie). "Now" is 2 December 2026 in Beijing."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from complaints.deadlines import BEIJING

# Personas are asked for by name (getfixturevalue), which pytest-django does not see when
# it puts database tests before those that empty the tables: the mark says so.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


MALFORMED = [
    ("annual_summaries", "year", "abc", "2026"),
    ("annual_summaries", "year", "99999999999", "2026"),
    ("plan_list", "year", "abc", "2026"),
    ("plan_list", "year", "99999999999", "2026"),
    ("plan_list", "year", "1999", "2026"),
    ("evaluations", "year", "abc", "2026"),
    ("evaluations", "year", "20x6", "2026"),
    ("report_list", "period", "2026Q9", "2026Q3"),
    ("report_list", "period", "x", "2026Q3"),
    ("dashboard", "from", "2026-13-45", "2026-07-06"),
    ("dashboard", "to", "abc", "2026-07-06"),
]


@pytest.mark.parametrize(("name", "param", "value", "example"), MALFORMED)
@pytest.mark.parametrize("persona", ["office_staff", "mr_liaison"])
def test_a_malformed_value_is_refused_naming_the_parameter_and_its_form(
    request, english, persona, name, param, value, example
):
    english.force_login(request.getfixturevalue(persona))
    response = english.get(reverse(name), {param: value})
    assert response.status_code == 400
    message = (
        f"In the address, {param}=“{value}” is not well formed: write it like {param}={example}."
    )
    assert message in said(response)
    assert message in response.content.decode().replace("&quot;", '"')


@pytest.mark.parametrize("persona", ["office_staff", "mr_liaison"])
def test_the_order_lists_dates_that_are_not_dates_are_refused(request, english, persona):
    english.force_login(request.getfixturevalue(persona))
    response = english.get(reverse("order_list"), {"tab": "all", "received_from": "2026-13-45"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a date like 2026-07-06." in page
    assert 'id="filters-invalid"' in page or "Correct the filters marked below" in page


@pytest.mark.parametrize(
    ("name", "year"), [("plan_list", "2019"), ("plan_list", "2031"), ("evaluations", "2031")]
)
def test_a_year_the_list_does_not_cover_is_said_not_shown_silently_as_another(
    english, office_staff, name, year
):
    english.force_login(office_staff)
    response = english.get(reverse(name), {"year": year})
    assert response.status_code == 200
    assert response.context["year"] == 2026
    assert said(response) == [f"This list covers 2022 to 2027, not {year}; showing 2026."]


@pytest.mark.parametrize("name", ["annual_summaries", "plan_list", "evaluations", "dashboard"])
def test_a_well_formed_value_is_not_refused(english, office_staff, name):
    english.force_login(office_staff)
    params = {"from": "2026-10-01", "to": "2026-11-30"} if name == "dashboard" else {"year": "2025"}
    response = english.get(reverse(name), params)
    assert response.status_code == 200
    assert not said(response)


def test_a_date_range_the_wrong_way_round_is_said_not_listed_empty(english, office_staff):
    """It listed no order and said nothing, as if none had been received."""
    english.force_login(office_staff)
    response = english.get(
        reverse("order_list"),
        {"tab": "all", "received_from": "2026-12-31", "received_to": "2026-01-01"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Before the start date (2026-12-31): swap the two dates." in page
    fine = english.get(
        reverse("order_list"),
        {"tab": "all", "received_from": "2026-01-01", "received_to": "2026-01-01"},
    )
    assert fine.status_code == 200
