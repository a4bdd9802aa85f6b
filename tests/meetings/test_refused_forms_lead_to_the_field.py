"""A refused form on the meeting pages leads to the field at fault, as the order's and the
dispute's forms do (wuqing_consumer.refusals): the page came back with what was typed and
the reason at the top of the page only, the field neither marked invalid nor tied to the
reason, and the focus at the top, so a keyboard or screen-reader user went through the whole
menu to find the form again and heard nothing wrong with its field."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from meetings import services
from tests.a11y import accessible_name, duplicate_ids
from tests.factories import unit


def at(y, m, d, hh=10):
    return datetime(y, m, d, hh, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(2026, 11, 2), tick=False) as traveller:
        yield traveller


def _plan(office_staff, planned_on: date, clock):
    meeting = services.meeting_plan(
        acting_user=office_staff,
        kind="annual",
        title="2026年度成员单位联席会议",
        planned_on=planned_on,
        place="区政府第三会议室",
        unit_codes=["market-regulation", "housing"],
    )
    clock.move_to(at(2026, 11, 21))
    return meeting


def _record_held(meeting, office_staff):
    services.meeting_record(
        meeting_id=meeting.id,
        acting_user=office_staff,
        held_on=date(2026, 11, 20),
        minutes="会议纪要",
        attended_unit_ids=[unit("housing").id],
    )
    meeting.refresh_from_db()


CASES = {
    "record-day": (
        "office_staff",
        date(2026, 11, 20),
        "record",
        lambda m: {"held_on": "2026-11-23", "minutes": "纪要", "attended": [unit("housing").id]},
        "held_on",
        "A meeting can only be recorded once it has been held.",
    ),
    "record-minutes": (
        "office_staff",
        date(2026, 11, 20),
        "record",
        lambda m: {"held_on": "2026-11-20", "minutes": " ", "attended": [unit("housing").id]},
        "minutes-text",
        "Write the minutes of the meeting.",
    ),
    "resolution-text": (
        "office_staff",
        "held",
        "resolve",
        lambda m: {"text": " "},
        "resolution-text",
        "Write the resolution.",
    ),
    "resolution-action": (
        "office_staff",
        "held",
        "resolve",
        lambda m: {
            "text": "决议",
            "action-0-owner": "housing",
            "action-0-task": "回访",
            "action-0-due_on": "2026-12-10",
            "action-2-owner": "housing",
            "action-2-task": "约谈",
            "action-2-due_on": "2026-11-01",
        },
        "action-2-due_on",
        "Action item 2 is due before the meeting was held.",
    ),
    "plan": (
        "office_staff",
        date(2026, 11, 30),
        "edit",
        lambda m: {"title": "会议", "planned_on": "2026-11-02", "place": "301"},
        "plan-planned_on",
        "A meeting is planned for today or a later day.",
    ),
    "answer": (
        "housing_staff",
        date(2026, 11, 30),
        "answer",
        lambda m: {"attending": "yes", "attendees": " "},
        "attendees",
        "Say who attends: names and posts.",
    ),
    "agenda": (
        "office_staff",
        date(2026, 11, 30),
        "agenda",
        lambda m: {"kind": "typical_case", "work_order": "WQ-NO-SUCH", "question": "问题"},
        "agenda-order",
        "There is no work order numbered WQ-NO-SUCH.",
    ),
    "cancel": (
        "office_staff",
        date(2026, 11, 30),
        "cancel",
        lambda m: {"reason": " "},
        "cancel-reason",
        "Say why the meeting is cancelled.",
    ),
    "propose": (
        "leader",
        date(2026, 11, 30),
        "propose",
        lambda m: {"question": " "},
        "propose-item",
        "Write the agenda item.",
    ),
}


def _field(page: str, dom_id: str) -> str:
    found = re.search(rf'<(?:textarea|input|select)[^>]*\bid="{dom_id}"[^>]*>', page)
    assert found, dom_id
    return found.group(0)


def _leads_to(page: str, dom_id: str, reason: str) -> None:
    tag = _field(page, dom_id)
    assert 'aria-invalid="true"' in tag, tag
    assert " autofocus" in tag, tag
    assert page.count(" autofocus") == 1
    described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
    assert reason in " ".join(accessible_name(page, i) or "" for i in described)
    assert duplicate_ids(page) == []


@pytest.mark.parametrize("case", list(CASES))
def test_a_refused_meeting_form_leads_to_its_field_and_says_why_there(
    request, client, office_staff, clock, case
):
    persona, planned_on, action, data, dom_id, reason = CASES[case]
    meeting = _plan(office_staff, date(2026, 11, 20) if planned_on == "held" else planned_on, clock)
    if planned_on == "held":
        _record_held(meeting, office_staff)
    client.force_login(request.getfixturevalue(persona))
    client.cookies["django_language"] = "en"

    response = client.post(
        reverse("meeting_act", args=[meeting.id, action]),
        {"version": str(meeting.version), **data(meeting)},
    )

    assert response.status_code == 400
    _leads_to(response.content.decode(), dom_id, reason)


def test_the_meeting_page_starts_at_the_top_when_nothing_was_refused(client, office_staff, clock):
    meeting = _plan(office_staff, date(2026, 11, 20), clock)
    client.force_login(office_staff)

    page = client.get(reverse("meeting_detail", args=[meeting.id])).content.decode()

    assert " autofocus" not in page
    assert 'aria-invalid="true"' not in page


@pytest.mark.parametrize(
    ("data", "dom_id", "reason"),
    [
        (
            {"kind": "annual", "title": " ", "planned_on": "2026-11-25", "place": "301"},
            "title",
            "Give the meeting a title.",
        ),
        (
            {"kind": "annual", "title": "会议", "planned_on": "2026-11-25", "place": "301"},
            "unit",
            "Invite at least one member unit.",
        ),
    ],
    ids=["title", "units"],
)
def test_a_refused_new_meeting_leads_to_its_field_and_says_why_there(
    client, office_staff, data, dom_id, reason
):
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"

    page = client.post(reverse("meeting_new"), data).content.decode()

    if dom_id == "unit":  # a group of boxes: the group is described, the first focused
        group = re.search(r'<fieldset [^>]*id="unit"[^>]*>', page).group(0)
        described = re.search(r'aria-describedby="([^"]+)"', group).group(1).split()
        assert reason in " ".join(accessible_name(page, i) or "" for i in described)
        assert " autofocus" in re.search(r'<input [^>]*name="units"[^>]*>', page).group(0)
        assert page.count(" autofocus") == 1
    else:
        _leads_to(page, dom_id, reason)


def test_a_refused_decline_or_rewording_opens_under_its_item_and_leads_to_its_field(
    client, office_staff, leader, clock
):
    meeting = _plan(office_staff, date(2026, 11, 30), clock)
    proposal = services.agenda_leader_propose(
        meeting_id=meeting.id, acting_user=leader, question="请研究预付卡问题"
    )
    item = services.agenda_add(
        meeting_id=meeting.id, acting_user=office_staff, kind="situation", question="通报情况"
    )
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    act = lambda verb, data: client.post(  # noqa: E731
        reverse("meeting_act", args=[meeting.id, verb]), data
    )

    declined = act("decline", {"item": proposal.id, "reason": "  "})
    meeting.refresh_from_db()
    reworded = act("edit_item", {"item": item.id, "question": "  ", "version": meeting.version})

    assert declined.status_code == reworded.status_code == 400
    page = declined.content.decode()
    _leads_to(page, f"decline-{proposal.id}-reason", "Say why the proposal is declined.")
    assert re.search(rf'<details open><summary [^>]*id="decline-{proposal.id}"', page)
    page = reworded.content.decode()
    _leads_to(page, f"edit-item-{item.id}-question", "Write the agenda item.")
    assert re.search(rf'<details [^>]*open><summary [^>]*id="edit-item-{item.id}-open"', page)


def test_a_units_refused_question_on_the_list_leads_to_its_field(client, mr_staff):
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"

    response = client.post(reverse("agenda_propose"), {"question": "   "})

    assert response.status_code == 400
    _leads_to(
        response.content.decode(), "propose-question", "Write the question for the joint meeting."
    )


def _action_items(office_staff, clock):
    meeting = _plan(office_staff, date(2026, 11, 20), clock)
    _record_held(meeting, office_staff)
    services.resolution_add(
        meeting_id=meeting.id,
        acting_user=office_staff,
        text="决议",
        actions=[
            services.PlannedAction("housing", "回访投诉人", date(2026, 12, 1)),
            services.PlannedAction("housing", "约谈企业", date(2026, 12, 2)),
        ],
    )
    return meeting, list(meeting.resolutions.get().actions.order_by("id"))


def test_a_refused_report_of_an_action_item_done_leads_to_its_note_on_the_meeting_page(
    client, office_staff, clock
):
    _meeting, (first, second) = _action_items(office_staff, clock)
    services.action_complete(action_id=first.id, acting_user=office_staff, note="已回访")
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"

    done = client.post(
        reverse("action_act", args=[second.id, "complete"]),
        {"next": "meeting", "note": "  ", "version": second.version},
    )
    reopened = client.post(
        reverse("action_act", args=[first.id, "reopen"]),
        {"next": "meeting", "reason": " ", "version": first.version + 1},
    )

    assert done.status_code == reopened.status_code == 400
    page = done.content.decode()
    _leads_to(page, f"complete-{second.id}-note", "Say what was done.")
    assert re.search(rf'<details open><summary [^>]*id="complete-{second.id}-open"', page)
    assert 'id="meeting-status"' in page  # the meeting's page, not the list
    _leads_to(
        reopened.content.decode(),
        f"reopen-{first.id}-reason",
        "Say why the action item is reopened.",
    )


def test_a_refused_report_of_an_action_item_done_leads_to_its_note_on_the_list(
    client, office_staff, housing_staff, clock
):
    _meeting, (first, second) = _action_items(office_staff, clock)
    client.force_login(housing_staff)
    client.cookies["django_language"] = "en"
    back = reverse("action_items") + "?show=all"

    response = client.post(
        reverse("action_act", args=[second.id, "complete"]),
        {"back": back, "note": "  ", "version": second.version},
    )

    assert response.status_code == 400
    page = response.content.decode()
    _leads_to(page, f"list-complete-{second.id}-note", "Say what was done.")
    assert re.search(rf'<details open><summary [^>]*id="list-complete-{second.id}-open"', page)
    assert re.search(r'<option value="all" selected', page)  # the list as it was filtered
    assert "aria-invalid" not in _field(page, f"list-complete-{first.id}-note")
