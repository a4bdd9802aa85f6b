"""A meeting with nothing on its agenda yet: "Nothing on the agenda yet." stood indented
under the card's heading, in the numbered list's margin, as if it were an item."""

from __future__ import annotations

import re

from django.urls import reverse

from meetings import services
from tests.meetings.test_meetings import clock, people, plan  # noqa: F401 (fixtures)


def agenda_list(client, user, meeting) -> str:
    client.force_login(user)
    html = client.get(reverse("meeting_detail", args=[meeting.id])).content.decode()
    return re.search(r'<ol[^>]*id="agenda"[^>]*>', html).group(0)


def test_an_empty_agenda_says_so_in_line_with_its_heading(client, people):  # noqa: F811
    meeting = plan(people)
    assert "ps-0" in agenda_list(client, people["office"], meeting)
    services.agenda_add(
        meeting_id=meeting.id,
        acting_user=people["office"],
        kind="situation",
        question="通报全年消费投诉处理情况",
        work_order_number="",
    )
    # Items keep the list's margin for their numbers.
    assert "ps-0" not in agenda_list(client, people["office"], meeting)
