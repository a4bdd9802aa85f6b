"""The group leader (组长) proposes items for an upcoming joint meeting; the office keeps the
agenda: it puts a proposal on the agenda, words an item differently, or declines it.

The notice (section 二, measure 四（四）) has the Market Regulation Bureau, through the office,
convene the joint meeting, and the coordination group, headed by the leader, is whose meeting
it is. So the leader's proposal waits for the office like a unit's, names the meeting it is
for and who proposed it, and the office decides.

"Now" is Monday 2 November 2026, 10:00 in Beijing."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.models import Notification
from meetings import services
from meetings.models import AgendaItem, AgendaItemStatus, AgendaKind, MeetingAction, MeetingEvent


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def meeting(office_staff):
    return services.meeting_plan(
        acting_user=office_staff,
        kind="annual",
        title="2026年度成员单位联席会议",
        planned_on=date(2026, 11, 20),
        place="区政府第三会议室",
        unit_codes=["market-regulation", "housing"],
    )


def act(meeting, action):
    return reverse("meeting_act", args=[meeting.id, action])


def page(meeting):
    return reverse("meeting_detail", args=[meeting.id])


def propose(client, meeting, question="请研究预付卡跑路的联合处置办法。"):
    return client.post(act(meeting, "propose"), {"question": question}, follow=True)


def test_the_leader_proposes_an_item_for_a_planned_meeting(
    client, leader, office_staff, office_director, meeting
):
    client.force_login(leader)
    answer = propose(client, meeting)
    assert "Your proposal was sent to the office" in answer.content.decode()
    item = AgendaItem.objects.get(proposer=leader)
    assert item.kind == AgendaKind.PROPOSAL
    assert item.status == AgendaItemStatus.WAITING
    assert item.proposed_for == meeting
    assert item.meeting is None  # not on the agenda until the office puts it there
    event = MeetingEvent.objects.get(meeting=meeting, action=MeetingAction.PROPOSE)
    assert event.actor == leader
    assert event.note == "请研究预付卡跑路的联合处置办法。"
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {office_staff.username, office_director.username}


def test_the_leader_sees_the_proposal_form_and_the_proposal_waiting(client, leader, meeting):
    client.force_login(leader)
    text = client.get(page(meeting)).content.decode()
    assert 'id="propose-form"' in text
    propose(client, meeting)
    text = client.get(page(meeting)).content.decode()
    assert 'id="proposals"' in text
    assert "请研究预付卡跑路的联合处置办法。" in text


def test_the_office_puts_the_proposal_on_the_agenda_and_it_shows_who_proposed_it(
    client, leader, office_staff, meeting
):
    client.force_login(leader)
    propose(client, meeting)
    item = AgendaItem.objects.get()
    client.force_login(office_staff)
    text = client.get(page(meeting)).content.decode()
    assert f'id="place-{item.id}"' in text
    assert f"{leader} (Group leader)" in text
    client.post(act(meeting, "place"), {"item": item.id})
    item.refresh_from_db()
    assert item.meeting == meeting
    assert item.status == AgendaItemStatus.PLACED
    text = client.get(page(meeting)).content.decode()
    assert f"{leader} (Group leader)" in text


@pytest.mark.parametrize("persona", ["mr_staff", "mr_head", "housing_staff", "office_staff"])
def test_only_the_leader_uses_the_leaders_proposal(client, request, persona, meeting):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(act(meeting, "propose"), {"question": "提议"}).status_code == 404
    assert not AgendaItem.objects.exists()
    assert 'id="propose-form"' not in client.get(page(meeting)).content.decode()


def test_a_proposal_for_a_meeting_no_longer_planned_is_refused(
    client, leader, office_staff, meeting
):
    services.meeting_cancel(meeting_id=meeting.id, acting_user=office_staff, reason="改期")
    client.force_login(leader)
    answer = propose(client, meeting)
    assert "can only change before it is held" in answer.content.decode()
    assert not AgendaItem.objects.exists()


def test_an_empty_proposal_is_refused_with_a_message(client, leader, meeting):
    client.force_login(leader)
    answer = propose(client, meeting, "   ")
    assert "Write the agenda item." in answer.content.decode()
    assert not AgendaItem.objects.exists()


# -- the office declines a proposal -------------------------------------------------------


def proposed(leader, meeting) -> AgendaItem:
    return services.agenda_leader_propose(
        meeting_id=meeting.id, acting_user=leader, question="请研究预付卡跑路的联合处置办法。"
    )


def test_the_office_declines_a_proposal_with_a_reason_and_the_leader_is_told(
    client, leader, office_staff, meeting
):
    item = proposed(leader, meeting)
    Notification.objects.all().delete()
    client.force_login(office_staff)
    text = client.get(page(meeting)).content.decode()
    assert f'id="decline-{item.id}"' in text
    client.post(act(meeting, "decline"), {"item": item.id, "reason": "已列入专题会议"})
    item.refresh_from_db()
    assert item.status == AgendaItemStatus.DECLINED
    assert item.meeting is None
    event = MeetingEvent.objects.get(meeting=meeting, action=MeetingAction.DECLINE)
    assert event.actor == office_staff
    assert event.note == "已列入专题会议"
    assert list(Notification.objects.values_list("recipient", flat=True)) == [leader.id]
    assert 'id="proposals"' not in client.get(page(meeting)).content.decode()


def test_a_decline_without_a_reason_is_refused(client, leader, office_staff, meeting):
    item = proposed(leader, meeting)
    client.force_login(office_staff)
    answer = client.post(act(meeting, "decline"), {"item": item.id, "reason": " "}, follow=True)
    assert "Say why the proposal is declined." in answer.content.decode()
    item.refresh_from_db()
    assert item.status == AgendaItemStatus.WAITING


@pytest.mark.parametrize("persona", ["leader", "mr_head", "housing_staff"])
def test_only_the_office_declines(client, request, persona, leader, meeting):
    item = proposed(leader, meeting)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(act(meeting, "decline"), {"item": item.id, "reason": "不"}).status_code in (
        404,
    )
    item.refresh_from_db()
    assert item.status == AgendaItemStatus.WAITING


def test_a_declined_proposal_cannot_be_put_on_the_agenda(client, leader, office_staff, meeting):
    item = proposed(leader, meeting)
    services.agenda_decline(
        meeting_id=meeting.id, item_id=item.id, acting_user=office_staff, reason="重复"
    )
    client.force_login(office_staff)
    answer = client.post(act(meeting, "place"), {"item": item.id}, follow=True)
    assert "no longer waiting" in answer.content.decode()
    item.refresh_from_db()
    assert item.status == AgendaItemStatus.DECLINED


# -- the office words an agenda item differently ---------------------------------------------


def test_the_office_rewords_an_item_on_the_agenda_and_the_history_keeps_both(
    client, leader, office_staff, meeting
):
    item = proposed(leader, meeting)
    services.agenda_place(meeting_id=meeting.id, item_id=item.id, acting_user=office_staff)
    client.force_login(office_staff)
    assert f'id="edit-item-{item.id}"' in client.get(page(meeting)).content.decode()
    meeting.refresh_from_db()
    client.post(
        act(meeting, "edit_item"),
        {"item": item.id, "question": "预付卡跑路联合处置", "version": meeting.version},
    )
    item.refresh_from_db()
    assert item.question == "预付卡跑路联合处置"
    event = MeetingEvent.objects.get(meeting=meeting, action=MeetingAction.EDIT_ITEM)
    assert event.actor == office_staff
    assert event.data["question"] == ["请研究预付卡跑路的联合处置办法。", "预付卡跑路联合处置"]


@pytest.mark.parametrize("persona", ["leader", "mr_head"])
def test_only_the_office_rewords_an_agenda_item(
    client, request, persona, leader, office_staff, meeting
):
    item = proposed(leader, meeting)
    services.agenda_place(meeting_id=meeting.id, item_id=item.id, acting_user=office_staff)
    client.force_login(request.getfixturevalue(persona))
    answer = client.post(act(meeting, "edit_item"), {"item": item.id, "question": "改"})
    assert answer.status_code == 404
    item.refresh_from_db()
    assert item.question == "请研究预付卡跑路的联合处置办法。"


def test_an_empty_rewording_is_refused(client, leader, office_staff, meeting):
    item = proposed(leader, meeting)
    services.agenda_place(meeting_id=meeting.id, item_id=item.id, acting_user=office_staff)
    client.force_login(office_staff)
    meeting.refresh_from_db()
    answer = client.post(
        act(meeting, "edit_item"),
        {"item": item.id, "question": "", "version": meeting.version},
        follow=True,
    )
    assert "Write the agenda item." in answer.content.decode()
    item.refresh_from_db()
    assert item.question == "请研究预付卡跑路的联合处置办法。"


# -- who proposed shows wherever the item is listed ---------------------------------------


def test_the_meetings_list_and_the_planning_form_name_the_leader(
    client, leader, office_staff, meeting
):
    proposed(leader, meeting)
    client.force_login(office_staff)
    for url in (reverse("meeting_list"), reverse("meeting_new")):
        text = client.get(url).content.decode()
        assert f"{leader} (Group leader)" in text, url


def test_the_minutes_name_the_leader_as_the_proposer(leader, office_staff, meeting):
    from meetings.minutes import render_minutes_html

    item = proposed(leader, meeting)
    services.agenda_place(meeting_id=meeting.id, item_id=item.id, acting_user=office_staff)
    html = render_minutes_html(meeting)
    assert f"{leader}（协调小组组长）" in html
    assert "协调小组组长提议" in html
    assert "成员单位提议" not in html


def test_the_leaders_proposal_is_not_called_a_units_proposal(client, leader, office_staff, meeting):
    item = proposed(leader, meeting)
    client.force_login(office_staff)
    for url in (reverse("meeting_list"), page(meeting)):
        # The office's own agenda form offers the kind "A unit's proposal": not a listing.
        text = client.get(url).content.decode().split('id="add-agenda"')[-1]
        assert "The group leader&#x27;s proposal" in text, url
        assert "A unit&#x27;s proposal" not in text, url
    services.agenda_place(meeting_id=meeting.id, item_id=item.id, acting_user=office_staff)
    agenda = client.get(page(meeting)).content.decode().split('id="agenda"')[1].split("</ol>")[0]
    assert "The group leader&#x27;s proposal" in agenda
    assert "A unit&#x27;s proposal" not in agenda


def test_a_joint_investigation_teams_question_is_not_reworded(client, office_staff, meeting):
    """The team's question goes back to the team with the meeting's answer: the office
    places it or takes it off, but the words are the team's."""
    item = AgendaItem.objects.create(
        meeting=meeting,
        kind=AgendaKind.TEAM_QUESTION,
        proposed_by=office_staff.unit,
        question="管辖如何划分？",
        status=AgendaItemStatus.PLACED,
    )
    client.force_login(office_staff)
    assert f'id="edit-item-{item.id}-open"' not in client.get(page(meeting)).content.decode()
    meeting.refresh_from_db()
    answer = client.post(
        act(meeting, "edit_item"),
        {"item": item.id, "question": "改", "version": meeting.version},
        follow=True,
    )
    assert "kept as the team put it" in answer.content.decode()
    item.refresh_from_db()
    assert item.question == "管辖如何划分？"


def test_a_proposal_placed_or_declined_twice_is_said_to_be_so_already(
    client, leader, office_staff, meeting
):
    """ "Put on the agenda" sent twice (a double click past the page's guard, a retry) read
    "That question is no longer waiting for a meeting", as if it had gone elsewhere; so did
    a second "Decline". Each now says it is done already, and nothing changes again."""
    client.force_login(office_staff)
    placed = proposed(leader, meeting)
    for _ in range(2):
        answer = client.post(act(meeting, "place"), {"item": placed.id}, follow=True)
    text = answer.content.decode()
    assert "already on this meeting" in text and "no longer waiting" not in text
    placed.refresh_from_db()
    assert (placed.status, placed.meeting_id) == (AgendaItemStatus.PLACED, meeting.id)
    declined = proposed(leader, meeting)
    for _ in range(2):
        answer = client.post(
            act(meeting, "decline"), {"item": declined.id, "reason": "重复"}, follow=True
        )
    text = answer.content.decode()
    assert "already been declined" in text and "no longer waiting" not in text
    assert MeetingEvent.objects.filter(meeting=meeting, action=MeetingAction.DECLINE).count() == 1


def test_a_rewording_from_a_page_shown_before_a_colleagues_is_refused_and_keeps_its_text(
    client, leader, office_staff, office_director, meeting
):
    item = proposed(leader, meeting)
    services.agenda_place(meeting_id=meeting.id, item_id=item.id, acting_user=office_staff)
    client.force_login(office_staff)
    shown = client.get(page(meeting)).content.decode()
    version = re.search(
        rf'id="edit-item-{item.id}">.*?name="version" value="(\d+)"', shown, re.S
    ).group(1)
    colleague = Client()
    colleague.force_login(office_director)
    meeting.refresh_from_db()
    colleague.post(
        act(meeting, "edit_item"),
        {"item": item.id, "question": "预付卡经营者跑路的联合处置", "version": meeting.version},
    )
    item.refresh_from_db()
    assert item.question == "预付卡经营者跑路的联合处置"

    answer = client.post(
        act(meeting, "edit_item"),
        {"item": item.id, "question": "预付卡问题", "version": version},
    )

    assert answer.status_code == 400
    body = answer.content.decode()
    assert "Someone else changed this meeting while you had it open" in body
    assert ">预付卡问题</textarea>" in body
    item.refresh_from_db()
    assert item.question == "预付卡经营者跑路的联合处置"
