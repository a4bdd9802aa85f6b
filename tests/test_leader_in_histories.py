"""The group leader is a district leader whose account sits in the coordination office, as
every account sits in a unit. The histories named him "王组长（协调小组办公室）", as if the
office had decided the dispute or proposed the agenda item; they now bracket what he acts
as: "王组长（协调小组组长）", "(Group leader)". The office's people keep the office."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.choices import RoleCode
from meetings import services as meetings
from tests.complaints.test_decided_dispute_no_deadline import decided  # noqa: F401 (fixture)
from tests.factories import UserFactory, unit
from tests.meetings.test_leader_proposals import clock, meeting  # noqa: F401 (fixtures)

TAG = re.compile(r"<[^>]+>")


@pytest.fixture
def leader(db):
    return UserFactory(
        username="leader1", name="王组长", unit=unit("office"), roles=[RoleCode.GROUP_LEADER]
    )


def history(client, person, url: str, list_id: str, language: str) -> list[str]:
    """Each line of the history's first row (when · who), as a reader sees the text."""
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index(f'id="{list_id}"')
    listed = html[start : html.index("</ol>", start)]
    return [
        TAG.sub("", line).split(" · ", 1)[1]
        for line in re.findall(r'<div class="small text-body-secondary">(.*?)</div>', listed)
    ]


@pytest.mark.parametrize(
    ("language", "as_leader", "as_office"),
    [
        ("zh-hans", "王组长（协调小组组长）", "（协调小组办公室）"),
        ("en", "王组长 (Group leader)", " (Coordination Office)"),
    ],
)
def test_the_dispute_and_order_histories_name_the_leader_as_group_leader(
    client,
    decided,  # noqa: F811 (the fixture imported above)
    office_staff,
    language,
    as_leader,
    as_office,
):
    dispute_lines = history(
        client,
        office_staff,
        reverse("dispute_detail", args=[decided.id]),
        "dispute-history",
        language,
    )
    assert as_leader in dispute_lines
    assert f"{office_staff}{as_office}" in dispute_lines
    assert not any(line.startswith("王组长") and as_office in line for line in dispute_lines)

    order_lines = history(
        client,
        office_staff,
        reverse("order_detail", args=[decided.order.number]),
        "timeline",
        language,
    )
    assert as_leader in order_lines
    assert f"{office_staff}{as_office}" in order_lines


def propose(planned, leader, times: int) -> None:
    for n in range(times):
        meetings.agenda_leader_propose(
            meeting_id=planned.id, acting_user=leader, question=f"请研究第{n + 1}个问题。"
        )


def test_the_meeting_history_names_the_leader_as_group_leader(
    client,
    meeting,  # noqa: F811 (the fixture imported above)
    leader,
    office_staff,
):
    propose(meeting, leader, 1)
    url = reverse("meeting_detail", args=[meeting.id])
    lines = history(client, office_staff, url, "meeting-history", "zh-hans")
    assert "王组长（协调小组组长）" in lines
    assert f"{office_staff}（协调小组办公室）" in lines


def test_what_the_leader_acts_as_is_read_once_for_the_whole_history(
    client,
    meeting,  # noqa: F811 (the fixture imported above)
    leader,
    office_staff,
    django_assert_num_queries,
):
    """One query for every actor's roles, however many lines he wrote."""
    url = reverse("meeting_detail", args=[meeting.id])
    client.force_login(office_staff)
    propose(meeting, leader, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    propose(meeting, leader, 3)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
