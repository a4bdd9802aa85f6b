"""A meeting's history names the units invited in the reader's language; the line is kept in
Chinese, as written."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine

from complaints.deadlines import BEIJING
from meetings import services
from meetings.models import MeetingAction, MeetingEvent
from tests.factories import unit
from tests.helpers import CHINESE, timeline_notes


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=BEIJING), tick=False):
        yield


def test_the_units_invited_are_named_in_the_readers_language(client, office_staff):
    meeting = services.meeting_plan(
        acting_user=office_staff,
        kind="annual",
        title="2026 annual meeting",
        planned_on=date(2026, 11, 20),
        place="Room 3",
        unit_codes=["market-regulation", "housing"],
    )
    url = f"/meetings/{meeting.id}/"
    written = meeting.events.get(action=MeetingAction.INVITE).note
    names = [unit(code) for code in ("market-regulation", "housing")]

    assert set(written.split("、")) == {u.name for u in names}
    (english,) = timeline_notes(client, office_staff, url, "invite", "en")
    assert not CHINESE.search(english)
    assert set(english.split(", ")) == {u.name_en for u in names}
    assert timeline_notes(client, office_staff, url, "invite", "zh-hans") == [written]

    MeetingEvent.objects.filter(meeting=meeting).update(data={})
    assert timeline_notes(client, office_staff, url, "invite", "en") == [written]


def invite_headings(client, user, url: str) -> list[str]:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    items = re.findall(r'<li[^>]* data-action="invite">(.*?)</li>', page, flags=re.S)
    return [re.search(r"<strong>(.*?)</strong>", i, re.S).group(1).strip() for i in items]


def test_the_invitation_line_is_headed_for_as_many_units_as_it_names(client, office_staff):
    """One line names every unit invited at once: its heading counts them."""
    meeting = services.meeting_plan(
        acting_user=office_staff,
        kind="annual",
        title="2026 annual meeting",
        planned_on=date(2026, 11, 20),
        place="Room 3",
        unit_codes=["market-regulation", "housing", "education"],
    )
    url = f"/meetings/{meeting.id}/"
    assert invite_headings(client, office_staff, url) == ["3 units invited"]

    MeetingEvent.objects.filter(meeting=meeting).update(data={"units": ["housing"]})
    assert invite_headings(client, office_staff, url) == ["1 unit invited"]


def answer_headings(client, user, url: str) -> list[str]:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    items = re.findall(r'<li[^>]* data-action="answer">(.*?)</li>', page, flags=re.S)
    return [re.search(r"<strong>(.*?)</strong>", i, re.S).group(1).strip() for i in items]


def test_an_answer_line_says_whether_the_unit_attends(
    client, office_staff, mr_staff, housing_staff
):
    """Under a bare "Invitation answered", a unit's reason for staying away read as the
    names of those who would come."""
    meeting = services.meeting_plan(
        acting_user=office_staff,
        kind="annual",
        title="2026 annual meeting",
        planned_on=date(2026, 11, 20),
        place="Room 3",
        unit_codes=["market-regulation", "housing"],
    )
    services.invitation_answer(
        meeting_id=meeting.id, acting_user=mr_staff, attending=True, attendees="王科长"
    )
    services.invitation_answer(
        meeting_id=meeting.id, acting_user=housing_staff, attending=False, note="另有会议"
    )
    url = f"/meetings/{meeting.id}/"
    assert answer_headings(client, office_staff, url) == [
        "Answered: Will attend",
        "Answered: Cannot attend",
    ]

    # A line without its answer keeps the plain heading.
    MeetingEvent.objects.filter(meeting=meeting, action=MeetingAction.ANSWER).update(data={})
    assert answer_headings(client, office_staff, url) == ["Invitation answered"] * 2
