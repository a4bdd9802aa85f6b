"""Who was there for each unit, in the minutes PDF. A unit's people are typed as a name with
its section in brackets ("周静（消保科）"); the PDF put them in brackets after the unit's
name, and read "区市场监管局（周静（消保科））". The unit is now followed by a colon and
its people, once: "区市场监管局：周静（消保科）"."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
import time_machine

from meetings import services
from meetings.minutes import build_minutes_pdf, minutes_context
from meetings.models import JointMeeting
from tests.factories import unit
from tests.meetings.test_meetings import at, plan


@pytest.fixture
def people(db, office_staff, mr_staff, housing_staff):
    return {"office": office_staff, "mr": mr_staff, "housing": housing_staff}


@pytest.fixture
def meeting(people) -> JointMeeting:
    with time_machine.travel(at(2026, 11, 2), tick=False):
        meeting = plan(people)
        services.invitation_answer(
            meeting_id=meeting.id,
            acting_user=people["mr"],
            attending=True,
            attendees="周静（消保科）",
        )
    with time_machine.travel(at(2026, 11, 20, 16), tick=False):
        services.meeting_record(
            meeting_id=meeting.id,
            acting_user=people["office"],
            held_on=date(2026, 11, 20),
            minutes="会议通报了全年投诉处理情况。",
            attended_unit_ids=[unit("market-regulation").id, unit("housing").id],
        )
    return JointMeeting.objects.get(id=meeting.id)


def test_the_minutes_name_each_unit_present_with_its_people_once(meeting):
    assert minutes_context(meeting)["present_lines"] == [
        "区市场监管局：周静（消保科）",
        "区住房建设委",
    ]


def test_the_pdf_reads_no_brackets_within_brackets(meeting, tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(build_minutes_pdf(meeting))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert "区市场监管局：周静（消保科）" in flat, flat
    assert "（周静" not in flat, flat
    assert "））" not in flat, flat
