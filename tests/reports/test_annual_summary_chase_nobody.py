"""The office's list of a year's annual work summaries offers "Remind" (催报) only for a late
unit with someone to tell (`reminders.report_recipients`, the rule the summaries' chase and
reminders follow), as the list of a quarter's reports does: for a late unit with nobody, it
says why in the button's place and where to add its people. The 2026 summaries are due by
30 November 2026; "now" is 2 December. Pages read in English (tests/reports/conftest.py)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from reports import services
from tests.factories import UserFactory, unit

NOBODY = "Nobody to remind: no active liaison, head or staff account."


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=BEIJING), tick=False):
        yield


def rows(page: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', page, re.S))


def page_of(client, person) -> str:
    client.force_login(person)
    return client.get(reverse("annual_summaries") + "?year=2026").content.decode()


def test_a_late_unit_with_nobody_to_tell_has_the_reason_in_place_of_remind(
    client, office_staff, housing_head
):
    transport = unit("transport")
    found = rows(page_of(client, office_staff))
    assert 'id="chase-housing"' in found["housing"]
    assert NOBODY not in found["housing"]
    assert 'id="chase-transport"' not in found["transport"]
    assert reverse("annual_summaries_chase", args=[2026]) not in found["transport"]
    assert NOBODY in found["transport"]
    people = reverse("admin:departments_user_changelist") + f"?unit__id__exact={transport.id}"
    assert f'href="{people}"' in found["transport"]


def test_a_unit_with_only_staff_is_offered_remind_and_told_its_staff_hear(
    client, office_staff, housing_staff
):
    found = rows(page_of(client, office_staff))
    assert 'id="chase-housing"' in found["housing"]
    assert NOBODY not in found["housing"]
    assert "its staff are notified" in found["housing"]


def test_the_list_says_nobody_for_exactly_the_units_the_chase_cannot_tell(
    client, office_staff, mr_liaison, housing_staff
):
    UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_HEAD])
    said_nobody = {
        code for code, row in rows(page_of(client, office_staff)).items() if NOBODY in row
    }
    result = services.summaries_chase(acting_user=office_staff, year=2026, unit_codes=None)
    assert said_nobody == {u.code for u in result.nobody}
    assert {u.code for u in result.told} == {"market-regulation", "housing", "education"}


def test_remind_all_is_not_offered_when_no_late_unit_has_anyone_to_tell(client, office_staff):
    page = page_of(client, office_staff)
    assert 'id="chase-all"' not in page
    assert page.count(NOBODY) == len(rows(page))


def test_the_quarterly_and_annual_lists_agree_on_whom_they_cannot_remind(
    client, office_staff, mr_liaison, housing_staff
):
    year = page_of(client, office_staff)
    quarter = client.get(reverse("report_list") + "?period=2026Q3").content.decode()
    said_nobody = {c for c, r in rows(year).items() if NOBODY in r}
    assert said_nobody == {c for c, r in rows(quarter).items() if NOBODY in r}
    assert said_nobody and not said_nobody & {"market-regulation", "housing"}
