"""The meeting page's forms that change the meeting, sent twice (a double click past the
page's guard, a browser that retries a post): the first was saved, so the second's version
was no longer the meeting's and it read "Someone else changed this meeting while you had it
open", though no one else had (a cancellation's, that only a planned meeting can be
cancelled). Each such form now carries a one-time token (`form_once`), and the repeat reads
that it was already sent and saved then, nothing a second time. A form sent after someone
else's change is still refused as changed meanwhile (the resolution's case is in
test_meetings)."""

from __future__ import annotations

import html as _html
import re
from datetime import date, datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints.deadlines import BEIJING
from meetings import services
from meetings.models import JointMeeting, MeetingAction, MeetingStatus
from tests.factories import unit

pytestmark = pytest.mark.django_db

SENT_TWICE = (
    "You had already sent this for the meeting “{title}”, and it was saved then; nothing was "
    "saved a second time. The page shows the meeting as it is now."
)
STALE = "Someone else changed this meeting while you had it open, so nothing was saved."


@pytest.fixture
def meeting(office_staff):
    """Planned on 2 November for the 20th; "now" is the 21st (it may be recorded)."""
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=BEIJING), tick=False):
        planned = services.meeting_plan(
            acting_user=office_staff,
            kind="annual",
            title="2026年度成员单位联席会议",
            planned_on=date(2026, 11, 20),
            place="区政府第三会议室",
            unit_codes=["market-regulation", "housing"],
        )
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=BEIJING), tick=False):
        yield JointMeeting.objects.get(id=planned.id)


def _loaded_form(client, meeting, form_id: str) -> dict:
    """What the form posts as the browser loaded it: its hidden fields (the meeting's
    version where it carries one, the one-time token)."""
    page = client.get(reverse("meeting_detail", args=[meeting.id])).content.decode()
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page, re.S)
    assert form is not None, form_id
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0))
    fields = {name: _html.unescape(value) for name, value in hidden}
    assert "form_once" in fields, fields
    return fields


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _post(client, meeting, action, body):
    """The post, and the text of the page it leads to read (its messages with it), as a
    browser does (the meeting's title in a message is marked as Chinese)."""
    response = client.post(reverse("meeting_act", args=[meeting.id, action]), body)
    response.page = (
        _html.unescape(re.sub(r"<[^>]+>", "", client.get(response.url).content.decode()))
        if response.status_code == 302
        else ""
    )
    return response


def _record() -> dict:
    housing = unit("housing")
    return {
        "held_on": "2026-11-20",
        "minutes": "会议通报了全年投诉处理情况。",
        "attended": [str(housing.id)],
        f"attended_by-{housing.id}": "李处长",
    }


FORMS = [
    (
        "plan-form",
        "edit",
        lambda: {
            "title": "2026年度联席会议（改期）",
            "planned_on": "2026-11-20",
            "place": "区政府第五会议室",
        },
        MeetingAction.EDIT,
    ),
    (
        "agenda-form",
        "agenda",
        lambda: {"kind": "situation", "question": "通报全年投诉处理情况"},
        MeetingAction.AGENDA,
    ),
    ("record-form", "record", _record, MeetingAction.HOLD),
    ("cancel-form", "cancel", lambda: {"reason": "领导另有公务"}, MeetingAction.CANCEL),
]


@pytest.mark.parametrize(("form_id", "action", "typed", "done"), FORMS, ids=[f[1] for f in FORMS])
def test_the_same_form_sent_twice_says_it_was_already_sent(
    client, office_staff, meeting, form_id, action, typed, done
):
    client.force_login(office_staff)
    body = {**_loaded_form(client, meeting, form_id), **typed()}

    first = _post(client, meeting, action, body)
    again = _post(client, meeting, action, body)

    assert first.status_code == again.status_code == 302, _said(again)
    assert again.url == reverse("meeting_detail", args=[meeting.id])
    sentence = SENT_TWICE.format(title=JointMeeting.objects.get(id=meeting.id).title)
    assert _said(again) == [sentence]
    assert sentence in again.page and sentence not in first.page
    assert "Someone else changed" not in again.page
    assert meeting.events.filter(action=done).count() == 1


def test_a_form_sent_after_someone_elses_change_is_still_refused_as_stale(
    client, office_staff, office_director, meeting
):
    client.force_login(office_staff)
    body = {**_loaded_form(client, meeting, "record-form"), **_record()}
    services.agenda_add(
        meeting_id=meeting.id, acting_user=office_director, kind="situation", question="通报"
    )

    response = _post(client, meeting, "record", body)

    assert response.status_code == 400
    said = _said(response)
    assert len(said) == 1 and said[0].startswith(STALE), said
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert not meeting.events.filter(action=MeetingAction.HOLD).exists()


def test_the_token_is_the_forms_not_the_meetings(client, office_staff, office_director, meeting):
    """Sent again after someone else's change, the same form still reads as sent (it was
    saved the first time); another form of the same page, loaded before that change and
    not sent before, is refused as the meeting changed since."""
    client.force_login(office_staff)
    agenda = {
        **_loaded_form(client, meeting, "agenda-form"),
        "kind": "situation",
        "question": "通报全年投诉处理情况",
    }
    plan = {
        **_loaded_form(client, meeting, "plan-form"),
        "title": "改期",
        "planned_on": "2026-11-20",
        "place": "区政府第五会议室",
    }
    assert _post(client, meeting, "agenda", agenda).status_code == 302
    services.agenda_add(
        meeting_id=meeting.id, acting_user=office_director, kind="situation", question="通报"
    )

    again = _post(client, meeting, "agenda", agenda)
    other = _post(client, meeting, "edit", plan)

    assert _said(again) == [SENT_TWICE.format(title=meeting.title)]
    assert _said(other)[0].startswith(STALE)
    assert meeting.agenda.filter(question="通报全年投诉处理情况").count() == 1
