"""Buttons and links repeated on every row of a list ("Remind" (催报) beside each late unit,
"Open", "Report done", "Take off the agenda"...) were told apart only by the row they stand
in: a screen reader's list of the page's buttons, or a voice-control user saying the name,
met several "Remind" with nothing to choose between them (WCAG 2.4.6). Each now has an
accessible name that includes its row's subject: its unit, its item, its task."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from meetings import services as meetings
from reports.choices import ReportStatus
from reports.models import UnitReport
from tests.a11y import accessible_name, same_name_different_action
from tests.factories import DutyContactFactory, unit


def at(y, m, d, hh=10):
    return datetime(y, m, d, hh, tzinfo=BEIJING)


def _page(client, person, url: str, language: str = "en") -> str:
    client.force_login(person)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_late_units_remind_button_names_its_unit(
    client, office_staff, mr_liaison, housing_head, language
):
    """Market regulation and housing are late with the third quarter of 2026 (due 10 October);
    education and commerce submitted theirs."""
    for code in ("education", "commerce"):
        UnitReport.objects.create(
            unit=unit(code), year=2026, quarter=3, status=ReportStatus.SUBMITTED
        )
    with time_machine.travel(at(2026, 10, 20), tick=False):
        page = _page(client, office_staff, reverse("report_list") + "?period=2026Q3", language)

    mr, housing = (accessible_name(page, f"chase-{c}") for c in ("market-regulation", "housing"))
    assert mr and housing and mr != housing
    with time_machine.travel(at(2026, 10, 20), tick=False):
        assert str(unit("market-regulation")) in mr and str(unit("housing")) in housing
    assert same_name_different_action(page) == {}


def test_each_units_remind_button_on_the_annual_summaries_names_its_unit(
    client, office_staff, mr_liaison, housing_head
):
    with time_machine.travel(at(2026, 12, 1, 9), tick=False):
        page = _page(client, office_staff, reverse("annual_summaries") + "?year=2026")

    mr, housing = (accessible_name(page, f"chase-{c}") for c in ("market-regulation", "housing"))
    assert mr and housing and mr != housing
    assert same_name_different_action(page) == {}


def test_each_duty_contacts_edit_and_delete_name_the_contact(client, office_staff):
    DutyContactFactory(unit=unit("market-regulation"), label="值班电话", person="王明")
    DutyContactFactory(unit=unit("market-regulation"), label="投诉专线", person="李娜")

    page = _page(client, office_staff, reverse("unit_detail", args=["market-regulation"]))

    assert same_name_different_action(page) == {}


def test_the_meeting_pages_row_buttons_name_their_item_or_task(
    client, office_staff, leader, housing_staff
):
    with time_machine.travel(at(2026, 11, 2), tick=False) as clock:
        planned = meetings.meeting_plan(
            acting_user=office_staff,
            kind="annual",
            title="年度会议",
            planned_on=date(2026, 11, 30),
            place="301",
            unit_codes=["market-regulation", "housing"],
        )
        for question in ("通报一季度情况", "通报二季度情况"):
            meetings.agenda_add(
                meeting_id=planned.id, acting_user=office_staff, kind="situation", question=question
            )
        for question in ("研究预付卡", "研究直播带货"):
            meetings.agenda_leader_propose(
                meeting_id=planned.id, acting_user=leader, question=question
            )
        held = meetings.meeting_plan(
            acting_user=office_staff,
            kind="extra",
            title="专题会议",
            planned_on=date(2026, 11, 3),
            place="302",
            unit_codes=["housing"],
        )
        clock.move_to(at(2026, 11, 4))
        meetings.meeting_record(
            meeting_id=held.id,
            acting_user=office_staff,
            held_on=date(2026, 11, 3),
            minutes="纪要",
            attended_unit_ids=[unit("housing").id],
        )
        meetings.resolution_add(
            meeting_id=held.id,
            acting_user=office_staff,
            text="决议",
            actions=[
                meetings.PlannedAction("housing", "回访投诉人", date(2026, 12, 1)),
                meetings.PlannedAction("housing", "约谈企业", date(2026, 12, 2)),
            ],
        )
        for url in (
            reverse("meeting_detail", args=[planned.id]),
            reverse("meeting_detail", args=[held.id]),
        ):
            assert same_name_different_action(_page(client, office_staff, url)) == {}, url
        actions = _page(client, housing_staff, reverse("action_items"))
    assert same_name_different_action(actions) == {}
