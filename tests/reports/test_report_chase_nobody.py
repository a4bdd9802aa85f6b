"""The office's list of a quarter offers "Remind" (催报) only for a late unit with someone to
tell (`reminders.report_recipients`, the rule the chase and the reminders follow): for a
late unit with nobody, it says why in the button's place and where to add its people.
The third quarter of 2026 is due on 10 October 2026; "now" is 20 October. Pages read in
English (tests/reports/conftest.py)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from reports import services
from reports.figures import Period
from tests.factories import UserFactory, unit

NOBODY = "Nobody to remind: no active liaison, head or staff account."


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=BEIJING), tick=False):
        yield


def rows(page: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', page, re.S))


def listed(client, person) -> dict[str, str]:
    client.force_login(person)
    return rows(client.get(reverse("report_list") + "?period=2026Q3").content.decode())


def test_a_late_unit_with_nobody_to_tell_has_the_reason_in_place_of_remind(
    client, office_staff, housing_head
):
    transport = unit("transport")
    found = listed(client, office_staff)
    assert 'id="chase-housing"' in found["housing"]
    assert NOBODY not in found["housing"]
    assert 'id="chase-transport"' not in found["transport"]
    assert reverse("reports_chase", args=["2026Q3"]) not in found["transport"]
    assert NOBODY in found["transport"]
    people = reverse("admin:departments_user_changelist") + f"?unit__id__exact={transport.id}"
    assert f'href="{people}"' in found["transport"]


def test_a_unit_with_only_staff_is_offered_remind_and_told_its_staff_hear(
    client, office_staff, housing_staff
):
    found = listed(client, office_staff)
    assert 'id="chase-housing"' in found["housing"]
    assert NOBODY not in found["housing"]
    assert "its staff are notified" in found["housing"]


def test_the_list_says_nobody_for_exactly_the_units_the_chase_cannot_tell(
    client, office_staff, mr_liaison, housing_staff
):
    UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_HEAD])
    page = listed(client, office_staff)
    said_nobody = {code for code, row in page.items() if NOBODY in row}
    result = services.reports_chase(
        acting_user=office_staff, period=Period(2026, 3), unit_codes=None
    )
    assert said_nobody == {u.code for u in result.nobody}
    assert {u.code for u in result.told} == {"market-regulation", "housing", "education"}


def test_remind_all_is_not_offered_when_no_late_unit_has_anyone_to_tell(client, office_staff):
    client.force_login(office_staff)
    page = client.get(reverse("report_list") + "?period=2026Q3").content.decode()
    assert 'id="chase-all"' not in page
    assert page.count(NOBODY) == len(rows(page))


def test_remind_all_says_how_many_could_not_be_reached_and_which(
    client, office_staff, mr_liaison, housing_staff
):
    """After "Remind all late units", the office reads how many late units were left
    without a reminder for having nobody to tell, and their names, beside those told."""
    from reports.figures import member_units

    nobody = [u for u in member_units() if u.code not in {"market-regulation", "housing"}]
    client.force_login(office_staff)
    response = client.post(reverse("reports_chase", args=["2026Q3"]), {"all": "1"}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert said[0] == f"Reminded: {unit('market-regulation')}, {unit('housing')}."
    assert said[1] == (
        f"{len(nobody)} late units could not be reached, as they have nobody in the portal "
        "to remind (no active liaison, head or staff account): "
        + ", ".join(str(u) for u in nobody)
        + "."
    )


def test_one_unit_not_reached_is_said_in_the_singular(client, office_staff, mr_liaison):
    from departments.models import Unit
    from reports.choices import ReportStatus
    from reports.figures import member_units
    from reports.models import UnitReport

    for u in member_units():
        if u.code not in {"market-regulation", "transport"}:
            UnitReport.objects.create(unit=u, year=2026, quarter=3, status=ReportStatus.SUBMITTED)
    client.force_login(office_staff)
    response = client.post(reverse("reports_chase", args=["2026Q3"]), {"all": "1"}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    transport = Unit.objects.get(code="transport")
    assert said[1] == (
        "1 late unit could not be reached, as it has nobody in the portal to remind "
        f"(no active liaison, head or staff account): {transport}."
    )
