"""The meeting page's hand-written forms (recording the meeting, a resolution with its action
items, changing the plan, a unit's answer, an agenda item, a cancellation) come back with what
was typed when they are refused. Before, a refusal went back to the page, whose forms showed
the meeting as stored: the minutes typed, the day chosen, the action items, a note or an
agenda question were gone."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from meetings import services
from meetings.models import ActionItem, JointMeeting, MeetingStatus
from tests.factories import unit
from tests.helpers import (
    checked_values,
    form_html,
    input_value,
    selected_value,
    textarea_text,
)
from tests.test_date_fields import date_fields


def at(y, m, d, hh=10):
    return datetime(y, m, d, hh, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(2026, 11, 2), tick=False) as traveller:
        yield traveller


def _plan(office_staff, planned_on: date, clock) -> JointMeeting:
    """A meeting planned on 2 November; "now" is then the 21st."""
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


def test_a_refused_record_keeps_the_day_the_minutes_and_who_was_there(client, office_staff, clock):
    meeting = _plan(office_staff, date(2026, 11, 20), clock)
    housing = unit("housing")
    client.force_login(office_staff)
    sent = {
        "version": str(meeting.version),
        "held_on": "2026-11-23",  # not yet: refused
        "minutes": "会议通报了全年投诉处理情况。\n讨论了预付卡问题。",
        "attended": [str(housing.id)],
        f"attended_by-{housing.id}": "李处长",
    }

    response = client.post(reverse("meeting_act", args=[meeting.id, "record"]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert "A meeting can only be recorded once it has been held." in page
    form = form_html(page, "record-form")
    assert date_fields(form)["held_on"] == {"type": "date", "value": "2026-11-23"}
    assert textarea_text(form, "minutes") == sent["minutes"]
    assert checked_values(form, "attended") == {str(housing.id)}
    assert input_value(form, f"attended_by-{housing.id}") == "李处长"
    meeting.refresh_from_db()
    assert (meeting.status, meeting.minutes, meeting.held_on) == (MeetingStatus.PLANNED, "", None)


def test_a_refused_resolution_keeps_its_text_and_action_items(client, office_staff, clock):
    meeting = _held(office_staff, clock)
    client.force_login(office_staff)
    sent = {
        "version": str(meeting.version),
        "text": "决议二：年底前回访",
        "action-0-owner": "housing",
        "action-0-task": "回访投诉人",
        "action-0-due_on": "2026-12-10",
        "action-1-owner": "market-regulation",
        "action-1-task": "约谈企业",
        "action-1-due_on": "2026-11-01",  # before the meeting: refused
    }

    response = client.post(reverse("meeting_act", args=[meeting.id, "resolve"]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Action item 2 is due before the meeting was held." in page
    form = form_html(page, "resolution-form")
    assert textarea_text(form, "text") == sent["text"]
    for row in (0, 1):
        assert selected_value(form, f"action-{row}-owner") == sent[f"action-{row}-owner"]
        assert input_value(form, f"action-{row}-task") == sent[f"action-{row}-task"]
        day = sent[f"action-{row}-due_on"]
        assert date_fields(form)[f"action-{row}-due_on"] == {"type": "date", "value": day}
    assert date_fields(form)["action-2-due_on"] == {"type": "date", "value": ""}
    assert not meeting.resolutions.exists()
    assert not ActionItem.objects.exists()


def test_a_refused_change_of_plan_keeps_what_was_typed_open(client, office_staff, clock):
    meeting = _plan(office_staff, date(2026, 11, 30), clock)
    client.force_login(office_staff)
    sent = {
        "version": str(meeting.version),
        "title": "2026年度联席会议（改期）",
        "planned_on": "2026-11-02",  # in the past: refused
        "starts_at": "14:30",
        "place": "区市场监管局二楼会议室",
        "chair": "张主任",
        "guests": "分管副区长",
        "notes": "请各单位带上全年数据。",
    }

    response = client.post(reverse("meeting_act", args=[meeting.id, "edit"]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'<details id="edit-plan" open>', page)
    form = form_html(page, "plan-form")
    assert date_fields(form)["planned_on"] == {"type": "date", "value": "2026-11-02"}
    for name in ("title", "starts_at", "place", "chair", "guests"):
        assert input_value(form, name) == sent[name], name
    assert textarea_text(form, "notes") == sent["notes"]
    meeting.refresh_from_db()
    assert (meeting.title, meeting.planned_on) == ("2026年度成员单位联席会议", date(2026, 11, 30))


def test_the_forms_show_the_meeting_as_stored_when_nothing_was_sent(client, office_staff, clock):
    meeting = _plan(office_staff, date(2026, 11, 20), clock)
    client.force_login(office_staff)

    page = client.get(reverse("meeting_detail", args=[meeting.id])).content.decode()

    record = form_html(page, "record-form")
    assert date_fields(record)["held_on"]["value"] == "2026-11-20"
    assert textarea_text(record, "minutes") == ""
    plan = form_html(page, "plan-form")
    assert date_fields(plan)["planned_on"]["value"] == "2026-11-20"
    assert input_value(plan, "title") == "2026年度成员单位联席会议"
    assert '<details id="edit-plan">' in page


def test_a_title_cleared_on_the_new_meeting_form_stays_cleared_beside_its_message(
    client, office_staff, clock
):
    """The form offered a title, and showed it again when the person had cleared it: the
    message asking for a title stood under a field that had one."""
    client.force_login(office_staff)
    offered = input_value(
        form_html(client.get(reverse("meeting_new")).content.decode(), "meeting-form"), "title"
    )
    assert offered  # a suggestion, as the form is first shown
    sent = {"kind": "annual", "title": "", "planned_on": "2026-11-25", "place": "301"}

    response = client.post(reverse("meeting_new"), sent)

    page = response.content.decode()
    assert "Give the meeting a title." in page
    form = form_html(page, "meeting-form")
    assert input_value(form, "title") == ""
    assert date_fields(form)["planned_on"] == {"type": "date", "value": "2026-11-25"}
    assert not JointMeeting.objects.exists()


def test_a_refused_answer_keeps_the_choice_and_the_note(client, office_staff, housing_staff, clock):
    """Before, the page was redirected to and the answer form showed the unit's stored
    answer: the note typed was gone and the names came back as they were."""
    meeting = _plan(office_staff, date(2026, 11, 30), clock)
    services.invitation_answer(
        meeting_id=meeting.id, acting_user=housing_staff, attending=True, attendees="李处长"
    )
    client.force_login(housing_staff)
    client.cookies["django_language"] = "en"
    sent = {"attending": "yes", "attendees": " ", "note": "李处长出差，改派科长，名单明天报"}

    response = client.post(reverse("meeting_act", args=[meeting.id, "answer"]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Say who attends: names and posts." in page
    form = form_html(page, "answer-form")
    assert checked_values(form, "attending") == {"yes"}
    assert input_value(form, "attendees") == " "  # as sent, not the stored 李处长
    assert input_value(form, "note") == sent["note"]
    invitation = meeting.invitations.get(unit__code="housing")
    assert (invitation.attendees, invitation.answer_note) == ("李处长", "")


def test_a_refused_agenda_item_keeps_its_kind_number_and_question(client, office_staff, clock):
    meeting = _plan(office_staff, date(2026, 11, 30), clock)
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    sent = {
        "version": str(meeting.version),
        "kind": "typical_case",
        "work_order": "WQ-NO-SUCH",
        "question": "某培训机构预付卡停课退费案，请各单位讨论处置办法",
    }

    response = client.post(reverse("meeting_act", args=[meeting.id, "agenda"]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is no work order numbered WQ-NO-SUCH." in page
    form = form_html(page, "agenda-form")
    assert selected_value(form, "kind") == "typical_case"
    assert input_value(form, "work_order") == "WQ-NO-SUCH"
    assert input_value(form, "question") == sent["question"]
    assert not meeting.agenda.exists()
    blank = form_html(
        client.get(reverse("meeting_detail", args=[meeting.id])).content.decode(), "agenda-form"
    )
    assert (input_value(blank, "work_order"), input_value(blank, "question")) == ("", "")


def test_a_refused_cancellation_comes_back_open_with_what_was_typed(client, office_staff, clock):
    meeting = _plan(office_staff, date(2026, 11, 30), clock)
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"

    response = client.post(reverse("meeting_act", args=[meeting.id, "cancel"]), {"reason": "  "})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why the meeting is cancelled." in page
    assert re.search(r'<details class="mt-2" id="cancel-meeting" open>', page)
    assert input_value(form_html(page, "cancel-form"), "reason") == "  "
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def _held(office_staff, clock) -> JointMeeting:
    meeting = _plan(office_staff, date(2026, 11, 20), clock)
    return services.meeting_record(
        meeting_id=meeting.id,
        acting_user=office_staff,
        held_on=date(2026, 11, 20),
        minutes="会议纪要",
        attended_unit_ids=[unit("housing").id],
    )


def test_a_change_of_plan_on_a_stale_page_keeps_what_was_typed(client, office_staff, clock):
    """A refusal for the meeting's version (MeetingError) redirected to the page as stored:
    the plan typed was gone. It comes back open, with the current version."""
    meeting = _plan(office_staff, date(2026, 11, 30), clock)
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    sent = {
        "version": str(meeting.version - 1),
        "title": "2026年度联席会议（改期）",
        "planned_on": "2026-12-02",
        "place": "区市场监管局二楼会议室",
        "notes": "请各单位带上全年数据。",
    }

    response = client.post(reverse("meeting_act", args=[meeting.id, "edit"]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'<details id="edit-plan" open>', page)
    form = form_html(page, "plan-form")
    assert input_value(form, "title") == sent["title"]
    assert textarea_text(form, "notes") == sent["notes"]
    assert input_value(form, "version") == str(meeting.version)
    stale = (
        "Someone else changed this meeting while you had it open, so nothing was saved. The "
        "rest of the page shows the meeting as it is now; the form you sent keeps what you "
        "typed: check it and send it again."
    )
    # Said once, at the top: it is about the meeting, not a field (it was also read again
    # under the plan's title, which it marked as the field at fault).
    assert page.count(stale) == 1
    assert stale not in form
    assert 'id="plan-title-refused"' not in page
    assert 'aria-invalid="true"' not in form
    meeting.refresh_from_db()
    assert (meeting.title, meeting.planned_on) == ("2026年度成员单位联席会议", date(2026, 11, 30))


def test_minutes_recorded_on_a_stale_page_are_kept(client, office_staff, clock):
    meeting = _plan(office_staff, date(2026, 11, 20), clock)
    client.force_login(office_staff)
    sent = {
        "version": str(meeting.version - 1),
        "held_on": "2026-11-20",
        "minutes": "会议通报了全年投诉处理情况。",
        "attended": [str(unit("housing").id)],
    }

    response = client.post(reverse("meeting_act", args=[meeting.id, "record"]), sent)

    assert response.status_code == 400
    form = form_html(response.content.decode(), "record-form")
    assert textarea_text(form, "minutes") == sent["minutes"]
    meeting.refresh_from_db()
    assert (meeting.status, meeting.minutes) == (MeetingStatus.PLANNED, "")


def test_a_resolution_on_a_stale_page_keeps_its_text_and_action_items(client, office_staff, clock):
    meeting = _held(office_staff, clock)
    client.force_login(office_staff)
    sent = {
        "version": str(meeting.version - 1),
        "text": "决议二：年底前回访",
        "action-0-owner": "housing",
        "action-0-task": "回访投诉人",
        "action-0-due_on": "2026-12-10",
    }

    response = client.post(reverse("meeting_act", args=[meeting.id, "resolve"]), sent)

    assert response.status_code == 400
    form = form_html(response.content.decode(), "resolution-form")
    assert textarea_text(form, "text") == sent["text"]
    assert input_value(form, "action-0-task") == "回访投诉人"
    assert not meeting.resolutions.exists()
    assert not ActionItem.objects.exists()


def test_an_action_item_reported_done_twice_is_refused_with_400_on_the_page_as_it_is(
    client, office_staff, clock
):
    """Someone reported it done meanwhile: the page comes back as it now is (the item done,
    its form to report it gone, so the note typed is not shown again) with the reason, 400
    rather than a redirect that read as done; the first note stays."""
    meeting = _held(office_staff, clock)
    services.resolution_add(
        meeting_id=meeting.id,
        acting_user=office_staff,
        text="决议一",
        actions=[services.PlannedAction("housing", "回访投诉人", date(2026, 12, 10))],
        expected_version=meeting.version,
    )
    item = ActionItem.objects.get()
    services.action_complete(action_id=item.id, acting_user=office_staff, note="已回访")
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"

    response = client.post(
        reverse("action_act", args=[item.id, "complete"]),
        {"note": "回访了12位投诉人", "next": "meeting"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("This action item is already done.") == 1  # at the top, not in a form
    item.refresh_from_db()
    assert item.done_note == "已回访"


def test_a_change_of_plan_from_before_the_meeting_was_held_says_why_not_stale(
    client, office_staff, clock
):
    """The status is checked before the version: recorded as held meanwhile, the plan's
    change says that a held meeting is no longer changed, not merely that it changed."""
    meeting = _plan(office_staff, date(2026, 11, 20), clock)
    seen = meeting.version
    services.meeting_record(
        meeting_id=meeting.id,
        acting_user=office_staff,
        held_on=date(2026, 11, 20),
        minutes="会议纪要",
        attended_unit_ids=[unit("housing").id],
    )
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    sent = {"version": str(seen), "title": "改期", "planned_on": "2026-12-02", "place": "二楼"}

    response = client.post(reverse("meeting_act", args=[meeting.id, "edit"]), sent)

    page = response.content.decode()
    assert page.count("Only a planned meeting can be changed.") == 1
    assert "Someone else changed" not in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_field_of_the_plan_form_has_a_label_in_sight(client, office_staff, clock, language):
    """The form changing the meeting's plan (调整会议安排) showed its fields filled in with no
    label: a date, a time and text, the chair's and the guests' empty fields with a grey
    placeholder gone as soon as one typed, the notes with nothing at all."""
    meeting = _plan(office_staff, date(2026, 12, 10), clock)
    client.cookies["django_language"] = language
    client.force_login(office_staff)
    page = client.get(reverse("meeting_detail", args=[meeting.id])).content.decode()
    form = form_html(page, "plan-form")
    fields = re.findall(r'<(?:input|textarea)[^>]*\bid="(plan-[a-z_]+)"', form)
    assert set(fields) == {
        "plan-title",
        "plan-planned_on",
        "plan-starts_at",
        "plan-place",
        "plan-chair",
        "plan-guests",
        "plan-notes",
    }
    for field in fields:
        label = re.search(rf'<label[^>]*for="{field}"[^>]*>([^<]+)</label>', form)
        assert label and label.group(1).strip(), field


def test_an_action_items_state_and_buttons_are_not_broken_inside_a_word(
    client, office_staff, clock
):
    """ "已完/成", "重新打/开", "报告完/成" at 1366px in the narrow status and button cells."""
    meeting = _held(office_staff, clock)
    client.force_login(office_staff)
    client.post(
        reverse("meeting_act", args=[meeting.id, "resolve"]),
        {
            "version": str(meeting.version),
            "text": "决议：年底前回访",
            "action-0-owner": "housing",
            "action-0-task": "回访投诉人",
            "action-0-due_on": "2026-12-10",
        },
    )
    assert ActionItem.objects.count() == 1
    for address in (reverse("meeting_detail", args=[meeting.id]), reverse("action_items")):
        page = client.get(address).content.decode()
        status_cell = re.search(r'<td class="([^"]*)" data-label="Status">Open', page)
        assert status_cell and "words-whole" in status_cell[1], address
        button = re.search(r'<summary class="([^"]*)"[^>]*>Report done', page)
        assert button and "text-nowrap" in button[1], address
