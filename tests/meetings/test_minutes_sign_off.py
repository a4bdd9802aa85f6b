"""The minutes' sign-off (the office's name and the day they were issued) stays with the
record above it. Minutes that just filled their first page sent the sign-off alone onto a
second page: a blank sheet with two lines at its top, as the walk through a real meeting
printed them."""

from __future__ import annotations

import subprocess
from datetime import date, datetime

import pytest
import time_machine

from complaints.deadlines import BEIJING
from meetings import minutes, services
from meetings.services import PlannedAction
from tests.factories import unit

SIGN_OFF = "印发"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 20, 16, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def meeting(office_staff, mr_staff):
    meeting = services.meeting_plan(
        acting_user=office_staff,
        kind="extra",
        title="物业服务消费纠纷专题联席会议",
        planned_on=date(2026, 11, 20),
        place="区市场监管局三楼会议室",
        unit_codes=["market-regulation", "housing"],
    )
    services.meeting_record(
        meeting_id=meeting.id,
        acting_user=office_staff,
        held_on=date(2026, 11, 20),
        minutes="会议通报了物业服务类投诉情况。",
        attended_unit_ids=[unit("market-regulation").id],
    )
    services.resolution_add(
        meeting_id=meeting.id,
        acting_user=office_staff,
        text="由区住建委牵头制定物业服务收费公示规范。",
        actions=[PlannedAction("housing", "制定物业服务收费公示规范并印发", date(2027, 1, 31))],
    )
    return meeting


def pages(meeting, lines: int, tmp_path) -> list[str]:
    """The minutes' pages as text, the minutes `lines` lines long."""
    meeting.minutes = "\n".join(f"第{n}项：会议听取了有关单位的情况通报。" for n in range(lines))
    path = tmp_path / f"minutes-{lines}.pdf"
    path.write_bytes(minutes.build_minutes_pdf(meeting))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def test_the_sign_off_never_stands_alone_on_a_page(meeting, tmp_path):
    # The sign-off is the last thing on the page: as the minutes grow, it is the first
    # thing to reach a second page. Find the shortest minutes that need two pages.
    short, long = 0, 60
    assert len(pages(meeting, short, tmp_path)) == 1
    assert len(pages(meeting, long, tmp_path)) >= 2
    while long - short > 1:
        middle = (short + long) // 2
        if len(pages(meeting, middle, tmp_path)) == 1:
            short = middle
        else:
            long = middle
    first, last = pages(meeting, long, tmp_path)
    assert SIGN_OFF in last and SIGN_OFF not in first
    # More than the sign-off and the page number: the end of the record came with it.
    assert "制定物业服务收费公示规范并印发" in last


def test_the_sign_off_names_the_office_as_the_other_documents_do(meeting, tmp_path):
    """The office is 武清区消费者权益保护工作协调小组办公室 (its name in the directory, and
    the issuer of the releases, plans register and campaign summaries); the minutes were
    signed by a "协调机制办公室" that does not exist."""
    (page,) = pages(meeting, 1, tmp_path)
    sign_off = page.split("三、议定事项")[1]
    assert "武清区消费者权益保护工作协调小组办公室" in sign_off
    assert "协调机制办公室" not in page
    assert unit("office").full_name == "武清区消费者权益保护工作协调小组办公室"
