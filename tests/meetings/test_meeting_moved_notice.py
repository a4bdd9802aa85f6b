"""A meeting moved by the office: the invited units are told the new day and time. A move to
another hour of the same day was told as "moved to 2026-11-20", the day they already had, so
nobody learnt that the hour had changed."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine

from complaints.deadlines import BEIJING
from departments.models import Notification
from meetings import services


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def meeting(office_staff, mr_staff):
    return services.meeting_plan(
        acting_user=office_staff,
        kind="annual",
        title="2026年度成员单位联席会议",
        planned_on=date(2026, 11, 20),
        starts_at=time(9, 30),
        place="区政府第三会议室",
        unit_codes=["market-regulation"],
    )


def moved(meeting, office_staff, **changes):
    values = {
        "title": meeting.title,
        "planned_on": meeting.planned_on,
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "chair": meeting.chair,
        "notes": meeting.notes,
    }
    values.update(changes)
    services.meeting_update(
        meeting_id=meeting.id,
        acting_user=office_staff,
        expected_version=meeting.version,
        **values,
    )
    return Notification.objects.get(key__startswith=f"meeting_changed:{meeting.id}:")


def test_a_meeting_moved_to_another_hour_tells_the_units_the_new_hour(
    meeting, office_staff, mr_staff
):
    notice = moved(meeting, office_staff, starts_at=time(14, 30))
    assert notice.recipient == mr_staff
    assert "2026-11-20 14:30" in notice.title


def test_a_meeting_moved_to_another_day_tells_the_day_and_its_hour(meeting, office_staff):
    notice = moved(meeting, office_staff, planned_on=date(2026, 11, 23))
    assert "2026-11-23 09:30" in notice.title
