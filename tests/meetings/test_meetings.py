"""Joint meetings: the office plans the 2026 annual meeting, units confirm who attends, the
office records the meeting, its minutes and resolutions; action items are reminded and
closed; a team's question settled by a resolution goes back to the team.

"Now" starts on Monday 2 November 2026, 10:00 in Beijing."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import date, datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from complaints import disputes
from complaints.choices import DisputeAction
from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from departments.models import Notification
from meetings import services
from meetings.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaItemStatus,
    AgendaKind,
    InvitationAnswer,
    JointMeeting,
    MeetingAction,
    MeetingEvent,
    MeetingStatus,
)
from meetings.reminders import remind_action_items, remind_unanswered_invitations
from meetings.services import MeetingError, PlannedAction
from tests.factories import UserFactory, make_order, unit


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(2026, 11, 2), tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(db, office_staff, mr_staff, housing_staff):
    return {
        "office": office_staff,
        "mr": mr_staff,
        "housing": housing_staff,
        "education": UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF]),
    }


def plan(people, **overrides) -> JointMeeting:
    """The year's annual meeting, or an extra one once the year has its annual meeting."""
    planned_on = overrides.get("planned_on", date(2026, 11, 20))
    annual_taken = (
        planned_on is not None and services.annual_meeting_of(planned_on.year) is not None
    )
    values = {
        "acting_user": people["office"],
        "kind": "extra" if annual_taken else "annual",
        "title": "2026年度成员单位联席会议",
        "planned_on": planned_on,
        "place": "区政府第三会议室",
        "guests": "区政府分管副区长",
        "unit_codes": ["market-regulation", "housing"],
    }
    values.update(overrides)
    return services.meeting_plan(**values)


def held(people) -> JointMeeting:
    meeting = plan(people)
    services.invitation_answer(
        meeting_id=meeting.id, acting_user=people["mr"], attending=True, attendees="王科长"
    )
    with time_machine.travel(at(2026, 11, 20, 16), tick=False):
        services.meeting_record(
            meeting_id=meeting.id,
            acting_user=people["office"],
            held_on=date(2026, 11, 20),
            minutes="会议通报了全年投诉处理情况。",
            attended_unit_ids=[unit("market-regulation").id],
        )
    return JointMeeting.objects.get(id=meeting.id)


def test_planning_invites_the_units_and_tells_them(people):
    meeting = plan(people)
    assert meeting.status == MeetingStatus.PLANNED
    assert {i.unit.code for i in meeting.invitations.all()} == {"market-regulation", "housing"}
    assert Notification.objects.filter(
        recipient=people["mr"], key=f"meeting_invite:{meeting.id}"
    ).exists()
    assert not Notification.objects.filter(recipient=people["education"]).exists()
    assert [e.action for e in meeting.events.all()] == [
        MeetingAction.PLAN,
        MeetingAction.INVITE,
    ]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": " "}, "title"),
        ({"planned_on": date(2026, 11, 1)}, "planned_on"),
        ({"planned_on": None}, "planned_on"),
        ({"planned_on": date(9999, 12, 31)}, "planned_on"),
        ({"place": ""}, "place"),
        ({"unit_codes": []}, "units"),
        ({"unit_codes": ["nowhere"]}, "units"),
        ({"unit_codes": ["office"]}, "units"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_is_saved(people, overrides, field):
    with pytest.raises(ValidationError) as error:
        plan(people, **overrides)
    assert field in error.value.message_dict
    assert not JointMeeting.objects.exists()
    assert not Notification.objects.exists()


def test_only_the_office_plans(people):
    with pytest.raises(Http404):
        plan(people, acting_user=people["mr"])


def test_waiting_questions_are_placed_on_the_agenda_and_return_when_cancelled(people):
    question = services.agenda_propose(acting_user=people["housing"], question="物业预收费谁管？")
    assert Notification.objects.filter(
        recipient=people["office"], key=f"agenda_proposal:{question.id}"
    ).exists()
    meeting = plan(people, waiting_item_ids=[question.id])
    question.refresh_from_db()
    assert (question.meeting, question.status) == (meeting, AgendaItemStatus.PLACED)
    situation = services.agenda_add(
        meeting_id=meeting.id,
        acting_user=people["office"],
        kind=AgendaKind.SITUATION,
        question="通报2026年度消费投诉情况",
    )
    services.meeting_cancel(meeting_id=meeting.id, acting_user=people["office"], reason="改期")
    question.refresh_from_db()
    situation.refresh_from_db()
    assert (question.meeting, question.status) == (None, AgendaItemStatus.WAITING)
    assert situation.meeting == JointMeeting.objects.get(id=meeting.id)
    assert Notification.objects.filter(
        recipient=people["housing"], key=f"meeting_cancel:{meeting.id}"
    ).exists()


def test_a_typical_case_names_a_real_work_order(people):
    meeting = plan(people)
    order = make_order(people["office"])
    with pytest.raises(ValidationError) as error:
        services.agenda_add(
            meeting_id=meeting.id,
            acting_user=people["office"],
            kind=AgendaKind.TYPICAL_CASE,
            question="典型案例",
            work_order_number="WQ-NOPE",
        )
    assert "work_order" in error.value.message_dict
    item = services.agenda_add(
        meeting_id=meeting.id,
        acting_user=people["office"],
        kind=AgendaKind.TYPICAL_CASE,
        question="过期酸奶案",
        work_order_number=order.number,
    )
    assert item.work_order == order
    assert item.position == 1


def test_a_typical_cases_number_is_read_as_the_order_search_reads_it(people):
    """'wq-2026-000035' was "no work order numbered wq-2026-000035", while the lead and
    intervention forms and the order search take it."""
    order = make_order(people["office"])
    year, serial = order.number.split("-")[1:]
    full_width = f"ＷＱ-{year}-{serial}".translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    for typed in (order.number.lower(), f" wq {year} {serial} ", full_width):
        meeting = plan(people, kind="extra", title=f"临时会议 {typed}")
        item = services.agenda_add(
            meeting_id=meeting.id,
            acting_user=people["office"],
            kind=AgendaKind.TYPICAL_CASE,
            question="过期酸奶案",
            work_order_number=typed,
        )
        assert item.work_order == order, typed


def test_a_year_has_one_annual_meeting(people):
    """The notice asks for one annual meeting a year (每年召开一次); a second one planned for
    the same year (the first planned again, most likely) was accepted, and the reminders and
    the year's records counted two."""
    first = plan(people)
    before = JointMeeting.objects.count()

    with pytest.raises(ValidationError) as error, translation.override("en"):
        plan(people, kind="annual", planned_on=date(2026, 12, 18))

    assert error.value.message_dict == {
        "kind": [
            "2026 already has its annual meeting, “2026年度成员单位联席会议” on 2026-11-20 "
            "(the notice asks for one a year): plan this one as an extra meeting."
        ]
    }
    assert JointMeeting.objects.count() == before
    assert plan(people, kind="extra", planned_on=date(2026, 12, 18)).kind == "extra"
    assert plan(people, kind="annual", planned_on=date(2027, 3, 5)).kind == "annual"
    services.meeting_cancel(meeting_id=first.id, acting_user=people["office"], reason="改期")
    assert plan(people, kind="annual", planned_on=date(2026, 12, 18)).kind == "annual"


def test_an_annual_meeting_is_not_moved_into_a_year_that_has_one(people):
    this_year = plan(people)
    next_year = plan(people, kind="annual", planned_on=date(2027, 3, 5), title="2027年度会议")
    edit = {
        "meeting_id": next_year.id,
        "acting_user": people["office"],
        "title": next_year.title,
        "place": next_year.place,
        "starts_at": None,
        "chair": "",
        "notes": "",
        "expected_version": next_year.version,
    }

    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.meeting_update(**edit, planned_on=date(2026, 12, 18))

    assert list(error.value.message_dict) == ["planned_on"]
    assert "this one stays in 2027" in error.value.message_dict["planned_on"][0]
    next_year.refresh_from_db()
    assert next_year.planned_on == date(2027, 3, 5)
    moved = services.meeting_update(**edit, planned_on=date(2027, 1, 8))
    assert moved.planned_on == date(2027, 1, 8)
    assert this_year.kind == "annual"


def add_typical_case(people, meeting, number: str, question: str = "过期酸奶案") -> AgendaItem:
    return services.agenda_add(
        meeting_id=meeting.id,
        acting_user=people["office"],
        kind=AgendaKind.TYPICAL_CASE,
        question=question,
        work_order_number=number,
    )


def test_a_work_order_is_on_a_meetings_agenda_once(people):
    """The same typical case added twice (a second tab, or two office staff) was put on the
    agenda twice and discussed, minuted and numbered twice."""
    meeting = plan(people)
    order = make_order(people["office"])
    first = add_typical_case(people, meeting, order.number)

    with pytest.raises(ValidationError) as error, translation.override("en"):
        add_typical_case(people, meeting, order.number.lower(), question="酸奶过期")

    assert error.value.message_dict == {
        "work_order": [
            f"Work order {order.number} is already on this meeting's agenda: “过期酸奶案”."
        ]
    }
    assert list(meeting.agenda.all()) == [first]
    other = plan(people, kind="extra", title="临时会议")
    assert add_typical_case(people, other, order.number).work_order == order


def test_an_invited_unit_answers_and_an_other_unit_cannot(people):
    meeting = plan(people)
    with pytest.raises(ValidationError):
        services.invitation_answer(meeting_id=meeting.id, acting_user=people["mr"], attending=True)
    services.invitation_answer(
        meeting_id=meeting.id, acting_user=people["mr"], attending=True, attendees="王科长"
    )
    with pytest.raises(ValidationError):
        services.invitation_answer(
            meeting_id=meeting.id, acting_user=people["housing"], attending=False
        )
    services.invitation_answer(
        meeting_id=meeting.id, acting_user=people["housing"], attending=False, note="出差"
    )
    answers = dict(meeting.invitations.values_list("unit__code", "answer"))
    assert answers == {
        "market-regulation": InvitationAnswer.ATTENDING,
        "housing": InvitationAnswer.DECLINED,
    }
    with pytest.raises(Http404):
        services.invitation_answer(
            meeting_id=meeting.id, acting_user=people["education"], attending=True, attendees="x"
        )


def test_recording_a_meeting_needs_the_day_minutes_and_who_was_there(people):
    meeting = plan(people)
    with pytest.raises(ValidationError) as error:
        services.meeting_record(
            meeting_id=meeting.id,
            acting_user=people["office"],
            held_on=date(2026, 11, 20),
            minutes="",
            attended_unit_ids=[unit("education").id],
        )
    assert set(error.value.message_dict) == {"held_on", "minutes", "attended"}
    assert JointMeeting.objects.get(id=meeting.id).status == MeetingStatus.PLANNED


def test_a_meeting_held_in_a_year_the_portal_does_not_accept_is_refused(people):
    meeting = plan(people)
    with pytest.raises(ValidationError) as error:
        services.meeting_record(
            meeting_id=meeting.id,
            acting_user=people["office"],
            held_on=date(200, 11, 20),
            minutes="会议通报了全年投诉处理情况。",
            attended_unit_ids=[unit("market-regulation").id],
        )
    assert error.value.message_dict["held_on"] == [
        "0200-11-20 is not a date the portal accepts: the year must be between 2000 and 2999."
    ]
    assert JointMeeting.objects.get(id=meeting.id).status == MeetingStatus.PLANNED


def _record(people, meeting, held_on):
    return services.meeting_record(
        meeting_id=meeting.id,
        acting_user=people["office"],
        held_on=held_on,
        minutes="会议通报了全年投诉处理情况。",
        attended_unit_ids=[unit("market-regulation").id],
    )


def test_a_meeting_cannot_be_recorded_as_held_before_it_was_planned(people, clock):
    """Recorded as held on 2020-01-01, a meeting planned in 2026 went into the list, the
    minutes PDF and the annual meeting reminder's count under that year."""
    meeting = plan(people, planned_on=date(2026, 11, 2))
    clock.move_to(at(2026, 11, 3))
    for held_on in (date(2020, 1, 1), date(2026, 11, 1)):
        with pytest.raises(ValidationError) as error:
            _record(people, meeting, held_on)
        assert error.value.message_dict["held_on"] == [
            "The meeting was planned on 2026-11-02: it cannot have been held before."
        ]
    assert JointMeeting.objects.get(id=meeting.id).status == MeetingStatus.PLANNED
    _record(people, meeting, date(2026, 11, 2))
    assert JointMeeting.objects.get(id=meeting.id).held_on == date(2026, 11, 2)


def test_a_correction_cannot_move_the_day_held_before_the_meeting_was_planned(people):
    meeting = held(people)
    with time_machine.travel(at(2026, 11, 23), tick=False), pytest.raises(ValidationError) as error:
        _record(people, meeting, date(2025, 11, 20))
    assert "held_on" in error.value.message_dict
    assert JointMeeting.objects.get(id=meeting.id).held_on == date(2026, 11, 20)


def test_a_meeting_planned_for_a_later_day_is_moved_before_it_is_recorded_as_held(people):
    """The page offers no record form before the planned day; a post made anyway recorded
    the 2027 annual meeting as held in 2026, the year whose meeting the reminder counts."""
    meeting = plan(people, planned_on=date(2027, 1, 5))
    with pytest.raises(ValidationError) as error:
        _record(people, meeting, date(2026, 11, 2))
    assert error.value.message_dict["held_on"] == [
        "The meeting is planned for 2027-01-05. If it was held earlier, change its date first."
    ]
    assert JointMeeting.objects.get(id=meeting.id).status == MeetingStatus.PLANNED
    meeting = services.meeting_update(
        meeting_id=meeting.id,
        acting_user=people["office"],
        title=meeting.title,
        planned_on=date(2026, 11, 2),
        place=meeting.place,
        starts_at=None,
        chair="",
        notes="",
        expected_version=meeting.version,
    )
    assert _record(people, meeting, date(2026, 11, 2)).status == MeetingStatus.HELD


def test_who_was_there_longer_than_its_column_is_refused_not_cut(people):
    """The record form's "who was there" had no maxlength, and the service cut it to 300
    without a word: the record named people as nobody wrote them."""
    meeting = plan(people)
    mr = unit("market-regulation")
    with pytest.raises(ValidationError) as error:
        services.meeting_record(
            meeting_id=meeting.id,
            acting_user=people["office"],
            held_on=date(2026, 11, 2),
            minutes="会议通报了全年投诉处理情况。",
            attended_unit_ids=[mr.id],
            attended_by={mr.id: "王" * 301},
        )
    assert error.value.message_dict["attended_by"] == [
        f"{mr} · Please shorten who was there to 300 characters; it has 301."
    ]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.invitations.get(unit=mr).attended_by == ""


def test_the_held_meeting_keeps_who_was_there(people):
    meeting = held(people)
    assert (meeting.status, meeting.held_on) == (MeetingStatus.HELD, date(2026, 11, 20))
    present = {i.unit.code: (i.attended, i.attended_by) for i in meeting.invitations.all()}
    assert present == {"market-regulation": (True, "王科长"), "housing": (False, "")}
    with pytest.raises(MeetingError):
        services.invitation_answer(
            meeting_id=meeting.id, acting_user=people["housing"], attending=False, note="x"
        )


def test_each_resolution_is_told_to_the_invited_units(people, clock):
    """The minutes are announced when the meeting is recorded as held, before any
    resolution can be: a unit that opened them saw none, and was not told when they came
    unless a resolution gave it an action item."""
    meeting = held(people)
    clock.move_to(at(2026, 11, 21))
    with_task = services.resolution_add(
        meeting_id=meeting.id,
        acting_user=people["office"],
        text="市场监管局牵头开展预付卡专项检查。",
        actions=[PlannedAction("market-regulation", "制定检查方案", date(2026, 12, 10))],
    )
    without = services.resolution_add(
        meeting_id=meeting.id, acting_user=people["office"], text="各成员单位加强信息共享。"
    )

    def told(resolution) -> dict[str, str]:
        return {
            n.recipient.unit.code: n.title
            for n in Notification.objects.filter(key=f"meeting_resolution:{resolution.id}")
        }

    # The unit given a task by the first is told by its task's notice, not twice.
    assert told(with_task) == {"housing": "联席会议“2026年度成员单位联席会议”第1项议定事项已登记"}
    assert told(without).keys() == {"market-regulation", "housing"}
    notice = Notification.objects.get(
        recipient=people["housing"], key=f"meeting_resolution:{without.id}"
    )
    assert (notice.body, notice.url) == (
        "各成员单位加强信息共享。",
        reverse("meeting_detail", args=[meeting.id]),
    )
    # Education was not invited.
    assert not Notification.objects.filter(
        recipient=people["education"], key__startswith="meeting_resolution:"
    ).exists()


def test_a_resolution_gives_action_items_that_are_reminded_and_closed(people, clock):
    meeting = held(people)
    clock.move_to(at(2026, 11, 21))
    resolution = services.resolution_add(
        meeting_id=meeting.id,
        acting_user=people["office"],
        text="市场监管局牵头开展预付卡专项检查。",
        actions=[
            PlannedAction("market-regulation", "制定预付卡专项检查方案", date(2026, 12, 10)),
            PlannedAction("", "", None),
        ],
    )
    action = ActionItem.objects.get()
    assert (action.resolution, action.owner.code, action.status) == (
        resolution,
        "market-regulation",
        ActionStatus.OPEN,
    )
    assert Notification.objects.filter(
        recipient=people["mr"], key=f"meeting_action:{action.id}"
    ).exists()
    # Not yet due within three days: nobody is reminded.
    assert remind_action_items() == 0
    clock.move_to(at(2026, 12, 8))
    assert remind_action_items() == 1
    assert remind_action_items() == 0  # once per occasion
    clock.move_to(at(2026, 12, 11))
    late = remind_action_items()
    assert late == 2  # the owner unit's staff and the office
    assert Notification.objects.filter(
        recipient=people["office"], key__startswith=f"meeting_action_late:{action.id}:"
    ).exists()
    with pytest.raises(Http404):
        services.action_complete(action_id=action.id, acting_user=people["housing"], note="x")
    with pytest.raises(ValidationError):
        services.action_complete(action_id=action.id, acting_user=people["mr"], note=" ")
    services.action_complete(action_id=action.id, acting_user=people["mr"], note="方案已印发")
    action.refresh_from_db()
    assert (action.status, action.done_by, action.done_note) == (
        ActionStatus.DONE,
        people["mr"],
        "方案已印发",
    )
    clock.move_to(at(2026, 12, 20))
    assert remind_action_items() == 0
    services.action_reopen(action_id=action.id, acting_user=people["office"], reason="未附方案")
    assert ActionItem.objects.get().status == ActionStatus.OPEN
    assert [e.action for e in meeting.events.filter(action__startswith="action")] == [
        MeetingAction.ACTION_DONE,
        MeetingAction.ACTION_REOPEN,
    ]


ACTION_STALE = "Someone else changed this action item while you had it open, so nothing was saved."


def _action_item(people) -> ActionItem:
    meeting = held(people)
    services.resolution_add(
        meeting_id=meeting.id,
        acting_user=people["office"],
        text="市场监管局牵头开展预付卡专项检查。",
        actions=[PlannedAction("market-regulation", "制定检查方案", date(2026, 12, 10))],
    )
    return ActionItem.objects.get()


def test_a_done_report_from_a_page_opened_before_the_office_reopened_the_item_is_refused(
    people, persona_client
):
    """The unit's form was opened while the item was open; the item was then reported done
    and reopened by the office. Sent as it was, the form made the item done again with a
    note written before the office's reason, and the reopening was undone unseen."""
    action = _action_item(people)
    opened_at = action.version
    services.action_complete(
        action_id=action.id, acting_user=people["mr"], note="周静：已完成整改", expected_version=1
    )
    services.action_reopen(
        action_id=action.id,
        acting_user=people["office"],
        reason="仍未整改到位",
        expected_version=opened_at + 1,
    )
    client = persona_client("mr_staff")
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("action_act", args=[action.id, "complete"]),
        {"note": "吴强：已开展专项检查", "version": opened_at},
    )
    assert response.status_code == 400
    assert ACTION_STALE in html.unescape(response.content.decode())
    assert "吴强：已开展专项检查" in response.content.decode()  # kept in the form
    action.refresh_from_db()
    assert (action.status, action.done_note) == (ActionStatus.OPEN, "周静：已完成整改")
    assert [e.action for e in MeetingEvent.objects.filter(action__startswith="action")] == [
        MeetingAction.ACTION_DONE,
        MeetingAction.ACTION_REOPEN,
    ]


def test_a_reopened_items_old_done_report_is_not_shown_as_its_outcome(people, persona_client):
    """Reopened, the item read "Open" with the unit's earlier report under its task in the
    green of a done one, as if it stood."""
    action = _action_item(people)
    services.action_complete(action_id=action.id, acting_user=people["mr"], note="周静：已完成整改")
    pages = (
        reverse("action_items") + "?show=all",
        reverse("meeting_detail", args=[action.resolution.meeting_id]),
    )
    client = persona_client("office_staff")

    def row(url: str) -> str:
        page = client.get(url).content.decode()
        found = re.search(rf'<tr data-action="{action.id}".*?</tr>', page, re.S)
        assert found, url
        return found[0]

    assert all("周静：已完成整改" in row(url) for url in pages)
    services.action_reopen(action_id=action.id, acting_user=people["office"], reason="仍未整改")
    assert not any("周静：已完成整改" in row(url) for url in pages)


def test_a_reopening_from_a_page_opened_before_a_new_done_report_is_refused(people):
    action = _action_item(people)
    services.action_complete(action_id=action.id, acting_user=people["mr"], note="第一次报告")
    seen = ActionItem.objects.get().version
    services.action_reopen(action_id=action.id, acting_user=people["office"], reason="不完整")
    services.action_complete(action_id=action.id, acting_user=people["mr"], note="已补充材料")
    with pytest.raises(MeetingError) as refused:
        services.action_reopen(
            action_id=action.id,
            acting_user=people["office"],
            reason="不完整",
            expected_version=seen,
        )
    assert str(refused.value.message).startswith(ACTION_STALE)
    action.refresh_from_db()
    assert (action.status, action.done_note) == (ActionStatus.DONE, "已补充材料")


@pytest.mark.parametrize("version", [None, "", "abc", "99"])
def test_a_done_report_without_the_items_version_is_refused(people, persona_client, version):
    action = _action_item(people)
    data = {"note": "已整改"}
    if version is not None:
        data["version"] = version
    response = persona_client("mr_staff").post(
        reverse("action_act", args=[action.id, "complete"]), data
    )
    assert response.status_code == 400
    assert ActionItem.objects.get().status == ActionStatus.OPEN


def test_the_action_item_forms_carry_the_items_version(people, persona_client):
    action = _action_item(people)
    for persona, url in (("mr_staff", reverse("action_items")), ("office_staff", None)):
        client = persona_client(persona)
        page = client.get(url or reverse("meeting_detail", args=[action.resolution.meeting_id]))
        form = re.search(
            rf'action="{reverse("action_act", args=[action.id, "complete"])}"[^>]*>(.*?)</form>',
            page.content.decode(),
            re.S,
        )
        assert form and f'name="version" value="{action.version}"' in form[1], persona
    services.action_complete(action_id=action.id, acting_user=people["mr"], note="已整改")
    page = persona_client("office_staff").get(
        reverse("meeting_detail", args=[action.resolution.meeting_id])
    )
    form = re.search(
        rf'action="{reverse("action_act", args=[action.id, "reopen"])}"[^>]*>(.*?)</form>',
        page.content.decode(),
        re.S,
    )
    assert form and 'name="version" value="2"' in form[1]


def test_a_reopen_reason_longer_than_a_note_may_be_is_refused_not_kept(people):
    action = _action_item(people)
    meeting = action.resolution.meeting
    services.action_complete(action_id=action.id, acting_user=people["mr"], note="方案已印发")
    events = meeting.events.count()
    with pytest.raises(ValidationError) as refused:
        services.action_reopen(
            action_id=action.id, acting_user=people["office"], reason="未" * (services.MAX_TEXT + 1)
        )
    assert "reason" in refused.value.message_dict
    action.refresh_from_db()
    assert (action.status, meeting.events.count()) == (ActionStatus.DONE, events)


@pytest.mark.parametrize(
    "action, message",
    [
        (PlannedAction("market-regulation", "", date(2026, 12, 1)), "action_1"),
        (PlannedAction("market-regulation", "检查", None), "action_1"),
        (PlannedAction("nowhere", "检查", date(2026, 12, 1)), "action_1"),
        (PlannedAction("market-regulation", "检查", date(2026, 11, 1)), "action_1"),
        (PlannedAction("market-regulation", "检查", date(9999, 12, 31)), "action_1"),
    ],
)
def test_a_bad_action_item_refuses_the_whole_resolution(people, action, message):
    meeting = held(people)
    with pytest.raises(ValidationError) as error:
        services.resolution_add(
            meeting_id=meeting.id, acting_user=people["office"], text="决议", actions=[action]
        )
    assert message in error.value.message_dict
    assert not meeting.resolutions.exists()
    assert not ActionItem.objects.exists()


def test_resolutions_wait_for_the_meeting_to_be_held(people):
    meeting = plan(people)
    with pytest.raises(MeetingError):
        services.resolution_add(meeting_id=meeting.id, acting_user=people["office"], text="x")


def team_asking(people, leader, question: str):
    """A joint team formed on a prepaid-card dispute, which puts `question` to the meeting."""
    order = make_order(people["office"], unit_code="education", category="预付卡")
    dispute = disputes.dispute_open(
        acting_user=people["office"],
        summary="预付卡退费归属",
        order_number=order.number,
        unit_codes=["market-regulation", "education"],
    )
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议成立联合调查组"
    )
    team = disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=leader,
        lead_unit_code="education",
        member_unit_codes=["market-regulation"],
        note="联合调查",
    )
    disputes.team_escalate_question(
        dispute_id=dispute.id, acting_user=people["education"], question=question
    )
    return dispute, team


def test_a_resolution_settling_a_team_question_answers_the_team(people, leader):
    # A team formed on a dispute puts a question to the meeting.
    dispute, team = team_asking(people, leader, "牵头部门如何确定？")
    item = AgendaItem.objects.get(team=team)
    assert item.kind == AgendaKind.TEAM_QUESTION
    meeting = plan(people, waiting_item_ids=[item.id], unit_codes=["education"])
    with time_machine.travel(at(2026, 11, 20, 16), tick=False):
        services.meeting_record(
            meeting_id=meeting.id,
            acting_user=people["office"],
            held_on=date(2026, 11, 20),
            minutes="纪要",
            attended_unit_ids=[unit("education").id],
        )
        services.resolution_add(
            meeting_id=meeting.id,
            acting_user=people["office"],
            text="由教育局牵头，市场监管局配合。",
            agenda_item_id=item.id,
            settles_item=True,
        )
        with pytest.raises(ValidationError):
            services.resolution_add(
                meeting_id=meeting.id,
                acting_user=people["office"],
                text="再议",
                agenda_item_id=item.id,
                settles_item=True,
            )
    item.refresh_from_db()
    team.refresh_from_db()
    assert item.status == AgendaItemStatus.SETTLED
    assert team.open_question == ""
    answer = dispute.events.get(action=DisputeAction.MEETING_ANSWER)
    assert "由教育局牵头" in answer.note and "牵头部门如何确定" in answer.note
    assert Notification.objects.filter(
        recipient=people["mr"], key__startswith=f"team_answer:{dispute.id}:"
    ).exists()


def test_units_that_have_not_answered_hear_three_days_before(people, clock):
    meeting = plan(people)
    services.invitation_answer(
        meeting_id=meeting.id, acting_user=people["mr"], attending=True, attendees="王科长"
    )
    assert remind_unanswered_invitations() == 0
    clock.move_to(at(2026, 11, 17))
    assert remind_unanswered_invitations() == 1
    assert Notification.objects.filter(
        recipient=people["housing"], key=f"meeting_answer:{meeting.id}"
    ).exists()


def test_a_stale_record_is_refused(people):
    meeting = plan(people)
    services.meeting_update(
        meeting_id=meeting.id,
        acting_user=people["office"],
        title=meeting.title,
        planned_on=date(2026, 11, 21),
        place="区政府第一会议室",
        starts_at=None,
        chair="",
        notes="",
        expected_version=meeting.version,
    )
    assert Notification.objects.filter(
        recipient=people["housing"], key__startswith=f"meeting_changed:{meeting.id}:"
    ).exists()
    with pytest.raises(MeetingError):
        services.meeting_record(
            meeting_id=meeting.id,
            acting_user=people["office"],
            held_on=date(2026, 11, 2),
            minutes="x",
            attended_unit_ids=[unit("housing").id],
            expected_version=meeting.version,
        )


# --- screens -------------------------------------------------------------------------------


@pytest.fixture
def meeting_setup(people):
    planned = plan(people, unit_codes=["market-regulation"])
    done = held(people)
    resolution = services.resolution_add(
        meeting_id=done.id,
        acting_user=people["office"],
        text="决议一",
        actions=[PlannedAction("housing", "整改", date(2026, 12, 1))],
    )
    return {"planned": planned, "held": done, "action": resolution.actions.get()}


URLS = [
    ("get", "meeting_list", None),
    ("get", "meeting_new", None),
    ("get", "action_items", None),
    ("get", "meeting_detail", "planned"),
    ("get", "meeting_detail", "held"),
    ("get", "meeting_minutes_pdf", "held"),
    ("get", "meeting_minutes_pdf", "planned"),
]
EXPECTED = {
    # persona: statuses in the order of URLS
    "anonymous": [302, 302, 302, 302, 302, 302, 302],
    "office_staff": [200, 200, 200, 200, 200, 200, 404],
    "mr_staff": [200, 404, 200, 200, 200, 200, 404],  # invited to both
    "housing_staff": [200, 404, 200, 404, 200, 200, 404],  # not invited to the planned one
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_access_matrix(persona, persona_client, meeting_setup):
    client = persona_client(persona)
    got = []
    for method, name, which in URLS:
        url = reverse(name, kwargs={"meeting_id": meeting_setup[which].id} if which else None)
        got.append(getattr(client, method)(url).status_code)
    assert got == EXPECTED[persona]


@pytest.mark.parametrize(
    "persona, action, expected",
    [
        ("anonymous", "answer", 302),
        ("housing_staff", "answer", 404),  # not invited
        ("mr_staff", "record", 404),  # the office records meetings
        ("mr_staff", "nonsense", 404),
    ],
)
def test_posting_to_a_meeting(persona, action, expected, persona_client, meeting_setup):
    client = persona_client(persona)
    url = reverse(
        "meeting_act", kwargs={"meeting_id": meeting_setup["planned"].id, "action": action}
    )
    response = client.post(url, {"attending": "yes", "attendees": "张三"})
    assert response.status_code == expected
    assert JointMeeting.objects.get(id=meeting_setup["planned"].id).status == MeetingStatus.PLANNED


def test_a_unit_only_closes_its_own_action_items_through_the_screen(
    persona_client, meeting_setup, people
):
    action = meeting_setup["action"]
    client = persona_client("mr_staff")
    response = client.post(
        reverse("action_act", args=[action.id, "complete"]), {"note": "已整改", "version": 1}
    )
    assert response.status_code == 404
    assert ActionItem.objects.get(id=action.id).status == ActionStatus.OPEN
    client = persona_client("housing_staff")
    response = client.post(
        reverse("action_act", args=[action.id, "complete"]),
        {"note": "已整改", "back": "https://evil.example/", "version": action.version},
    )
    assert response.status_code == 302 and response.url == reverse("action_items")
    assert ActionItem.objects.get(id=action.id).status == ActionStatus.DONE


@pytest.mark.parametrize(("persona", "count"), [("mr_staff", 0), ("housing_staff", 1)])
def test_the_action_items_badge_counts_what_its_list_opens_with(
    persona, count, persona_client, meeting_setup
):
    """A unit's list of action items opens on its own unit's; the badge on the meetings
    page counted every open item the unit may read (another unit's too), so Market
    Regulation saw 1 and the list it opened said there were none."""
    client = persona_client(persona)
    page = client.get(reverse("meeting_list")).content.decode()
    badge = re.search(r'id="action-items-link">.*?<span class="badge[^"]*">(\d+)</span>', page)
    assert badge and int(badge.group(1)) == count
    listed = client.get(reverse("action_items")).content.decode()
    assert ("整改" in listed) == bool(count)


def test_the_home_pages_meetings_to_answer_open_a_list_of_just_those(
    persona_client, meeting_setup, people, clock
):
    """The home page's "Joint meetings waiting for your unit's answer: 1" opened the list of
    every meeting the unit sees, here the held one as well, so the count and the list
    disagreed; it now opens the list of the meetings waiting for the unit's answer."""
    from departments.duties import waiting_for

    [line] = [d for d in waiting_for(people["mr"]) if d.key == "meeting_answers"]
    assert line.count == 1
    client = persona_client("mr_staff")
    page = client.get(line.url).content.decode()
    rows = re.findall(r'<tr data-meeting="(\d+)"', page)
    assert rows == [str(meeting_setup["planned"].id)]
    assert "Only the meetings waiting for your unit's answer." in page
    every = client.get(reverse("meeting_list")).content.decode()
    assert len(re.findall(r'<tr data-meeting="', every)) == 2


def test_the_plan_form_shows_errors_in_place(persona_client, people):
    client = persona_client("office_staff")
    response = client.post(reverse("meeting_new"), {"kind": "annual", "title": "", "units": []})
    assert response.status_code == 400
    assert b"Give the meeting a title." in response.content
    assert b"Invite at least one member unit." in response.content
    assert not JointMeeting.objects.exists()


def test_the_minutes_pdf_carries_the_record(persona_client, meeting_setup, tmp_path):
    client = persona_client("housing_staff")
    response = client.get(reverse("meeting_minutes_pdf", args=[meeting_setup["held"].id]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "minutes.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in [
        "联席会议纪要",
        "2026年度成员单位联席会议",
        "区政府第三会议室",
        "王科长",
        "区政府分管副区长",
    ]:
        assert expected in text
    assert "会议通报了全年投诉处理情况" in text
    assert "决议一" in text and "整改" in text and "住房" in text


def test_the_list_shows_a_units_pending_answer(persona_client, meeting_setup):
    client = persona_client("mr_staff")
    response = client.get(reverse("meeting_list"))
    assert b"Please confirm attendance" in response.content
    assert meeting_setup["planned"].title.encode() in response.content


def test_an_overdue_item_is_marked_on_the_list(persona_client, meeting_setup, clock):
    clock.move_to(at(2026, 12, 2))
    client = persona_client("housing_staff")
    response = client.get(reverse("action_items") + "?show=overdue")
    assert b"Overdue" in response.content
    assert "整改".encode() in response.content
    clock.move_to(at(2026, 11, 25))
    response = client.get(reverse("action_items") + "?show=overdue")
    assert "整改".encode() not in response.content


def test_the_annual_meeting_reminder_points_to_the_meetings(people, office_director, clock):
    from reports.reminders import remind_annual_meeting

    assert remind_annual_meeting() == 1
    note = Notification.objects.get(recipient=office_director)
    assert note.url == reverse("meeting_list")


def test_taking_items_off_the_agenda(people):
    question = services.agenda_propose(acting_user=people["housing"], question="物业预收费谁管？")
    meeting = plan(people, waiting_item_ids=[question.id])
    situation = services.agenda_add(
        meeting_id=meeting.id,
        acting_user=people["office"],
        kind=AgendaKind.SITUATION,
        question="通报情况",
    )
    for item in (question, situation):
        services.agenda_unplace(
            meeting_id=meeting.id, item_id=item.id, acting_user=people["office"]
        )
    # The unit's question waits for the next meeting; the office's own item is gone.
    assert list(AgendaItem.objects.values_list("id", "status", "meeting")) == [
        (question.id, AgendaItemStatus.WAITING, None)
    ]
    assert meeting.events.filter(action=MeetingAction.UNPLACE).count() == 2


@pytest.mark.parametrize("item", ["²", "99999999999999999999", "-1", "x"])
def test_odd_ids_in_a_post_are_refused_without_an_error(persona_client, meeting_setup, item):
    client = persona_client("office_staff")
    url = reverse("meeting_act", args=[meeting_setup["planned"].id, "place"])
    response = client.post(url, {"item": item})
    assert response.status_code == 302
    response = client.post(
        reverse("meeting_act", args=[meeting_setup["planned"].id, "edit"]),
        {"title": "x", "planned_on": "2026-11-30", "place": "y", "starts_at": "10:00+08:00"},
    )
    assert response.status_code == 400  # no version: refused, the plan typed shown again


def test_an_answer_to_an_old_question_keeps_the_teams_newer_question(people, leader):
    dispute, team = team_asking(people, leader, "第一个问题")
    stale = type(team).objects.get(id=team.id)  # loaded before the team asks again
    disputes.team_escalate_question(
        dispute_id=dispute.id, acting_user=people["education"], question="第二个问题"
    )
    disputes.team_question_answered(
        team=stale,
        question="第一个问题",
        answer="已议定",
        meeting_title="会议",
        acting_user=people["office"],
    )
    team.refresh_from_db()
    assert team.open_question == "第二个问题"


def _form_version(page: bytes, form_id: str) -> str:
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page.decode(), re.S)
    assert form is not None, form_id
    found = re.search(r'name="version" value="(\d+)"', form.group(0))
    assert found is not None, f"{form_id} carries no version"
    return found.group(1)


def _loaded_form(page: bytes, form_id: str) -> dict:
    """What the form posts as the browser loaded it: its hidden fields (the meeting's
    version and the form's one-time token)."""
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page.decode(), re.S)
    assert form is not None, form_id
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0))
    fields = {name: html.unescape(value) for name, value in hidden}
    assert "version" in fields and "form_once" in fields, fields
    return fields


SENT_TWICE = (
    "You had already sent this for the meeting “{title}”, and it was saved then; nothing was "
    "saved a second time. The page shows the meeting as it is now."
)
STALE = "Someone else changed this meeting while you had it open, so nothing was saved."


def test_a_resolution_form_posted_twice_records_one_resolution(persona_client, meeting_setup):
    """A retried post (or a double click past the page's guard) saved the first; the second
    read "Someone else changed this meeting", though no one had. It now says it was sent
    and saved then, and saves nothing."""
    meeting = meeting_setup["held"]
    client = persona_client("office_staff")
    page = client.get(reverse("meeting_detail", args=[meeting.id])).content
    form = {
        **_loaded_form(page, "resolution-form"),
        "text": "决议二：年底前回访",
        "action-0-owner": "housing",
        "action-0-task": "回访投诉人",
        "action-0-due_on": "2026-12-10",
    }
    url = reverse("meeting_act", args=[meeting.id, "resolve"])

    first = client.post(url, form)
    client.get(first.url)  # the page after it, which says the resolution was recorded
    second = client.post(url, form)
    shown = re.sub(r"<[^>]+>", "", client.get(second.url).content.decode())

    assert first.status_code == second.status_code == 302
    assert second.url == reverse("meeting_detail", args=[meeting.id])
    assert list(meeting.resolutions.order_by("number").values_list("number", "text")) == [
        (1, "决议一"),
        (2, "决议二：年底前回访"),
    ]
    assert ActionItem.objects.filter(task="回访投诉人").count() == 1
    said = [str(m) for m in get_messages(second.wsgi_request)]
    assert said == [SENT_TWICE.format(title=meeting.title)], said
    assert SENT_TWICE.format(title=meeting.title) in html.unescape(shown)
    assert "Someone else changed" not in shown


def test_a_resolution_form_sent_after_someone_elses_change_is_refused_as_stale(
    persona_client, meeting_setup, office_director
):
    meeting = meeting_setup["held"]
    client = persona_client("office_staff")
    page = client.get(reverse("meeting_detail", args=[meeting.id])).content
    form = {**_loaded_form(page, "resolution-form"), "text": "决议二：年底前回访"}
    services.resolution_add(
        meeting_id=meeting.id, acting_user=office_director, text="决议二：约谈商家"
    )

    response = client.post(reverse("meeting_act", args=[meeting.id, "resolve"]), form)

    assert response.status_code == 400
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(said) == 1 and said[0].startswith(STALE), said
    assert list(meeting.resolutions.values_list("text", flat=True).order_by("number")) == [
        "决议一",
        "决议二：约谈商家",
    ]


def test_an_agenda_item_posted_twice_is_added_once(persona_client, meeting_setup):
    meeting = meeting_setup["planned"]
    client = persona_client("office_staff")
    page = client.get(reverse("meeting_detail", args=[meeting.id])).content
    form = {
        "version": _form_version(page, "agenda-form"),
        "kind": AgendaKind.SITUATION,
        "question": "通报全年投诉处理情况",
    }
    url = reverse("meeting_act", args=[meeting.id, "agenda"])

    client.post(url, form)
    client.post(url, form)

    assert meeting.agenda.filter(question="通报全年投诉处理情况").count() == 1


def test_the_minutes_of_a_long_question_lay_their_tables_out_fixed(people):
    """Table cells holding long Chinese text took WeasyPrint minutes to measure with the
    automatic table layout (every character a break opportunity), past any request's time:
    an 8,000-character question, 163 s. The tables are laid out fixed (measured: about a
    second); the layout is checked here, not a time, and the PDF still builds."""
    from meetings.minutes import build_minutes_pdf, render_minutes_html

    meeting = plan(people)
    question = "关于预付卡经营者跑路后消费者退款难的问题" * 400  # 8,000 characters
    item = services.agenda_propose(acting_user=people["mr"], question=question)
    services.agenda_place(meeting_id=meeting.id, item_id=item.id, acting_user=people["office"])
    with time_machine.travel(at(2026, 11, 20, 16), tick=False):
        services.meeting_record(
            meeting_id=meeting.id,
            acting_user=people["office"],
            held_on=date(2026, 11, 20),
            minutes="会议讨论了预付卡问题。",
            attended_unit_ids=[unit("market-regulation").id],
        )
    services.resolution_add(
        meeting_id=meeting.id,
        acting_user=people["office"],
        text="决议一",
        actions=[PlannedAction("housing", "逐户核实退款情况" * 1000, date(2026, 12, 1))],
    )

    meeting = JointMeeting.objects.get(id=meeting.id)
    assert re.search(r"table\s*\{[^}]*table-layout:\s*fixed", render_minutes_html(meeting))
    assert build_minutes_pdf(meeting).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("field", "limit"), [("title", 200), ("place", 200), ("chair", 100), ("guests", 300)]
)
def test_a_changed_plan_longer_than_its_column_is_refused_not_cut(people, field, limit):
    """The plan's form on the meeting page had no maxlength on these, and the service cut
    them without a word: what was stored was not what the office wrote."""
    meeting = plan(people)
    data = {
        "title": meeting.title,
        "planned_on": meeting.planned_on,
        "place": meeting.place,
        "starts_at": None,
        "chair": "",
        "notes": "",
        field: "长" * (limit + 1),
    }
    with pytest.raises(ValidationError) as error:
        services.meeting_update(
            meeting_id=meeting.id,
            acting_user=people["office"],
            expected_version=meeting.version,
            **data,
        )
    assert str(limit + 1) in error.value.message_dict[field][0]
    before = meeting.version
    meeting.refresh_from_db()
    assert meeting.version == before and getattr(meeting, field) != data[field]


def test_the_same_answer_sent_twice_is_recorded_once(people):
    """A resend of the answer (a refresh, a second tab) wrote a second history line saying
    the unit answered, and moved the time of its answer."""
    meeting = plan(people)
    for _ in range(2):
        services.invitation_answer(
            meeting_id=meeting.id, acting_user=people["mr"], attending=True, attendees="王科长"
        )
    assert meeting.events.filter(action=MeetingAction.ANSWER).count() == 1
    services.invitation_answer(
        meeting_id=meeting.id, acting_user=people["mr"], attending=True, attendees="王科长、李科员"
    )
    assert meeting.events.filter(action=MeetingAction.ANSWER).count() == 2


def warnings_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


@pytest.mark.parametrize(("planned_on", "rest_day"), [("2026-11-20", False), ("2026-11-28", True)])
def test_a_meeting_planned_for_a_rest_day_is_said_so_and_planned(
    persona_client, people, planned_on, rest_day
):
    """Saturday 28 November: the seventeen units' people are likely off, and the day more
    likely a slip than meant. Planned all the same (a meeting may be held then)."""
    client = persona_client("office_staff")
    response = client.post(
        reverse("meeting_new"),
        {
            "kind": "annual",
            "title": "2026年度成员单位联席会议",
            "planned_on": planned_on,
            "place": "区政府第三会议室",
            "units": ["market-regulation"],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    assert JointMeeting.objects.get().planned_on == date.fromisoformat(planned_on)
    with translation.override("en"):
        expected = translation.gettext(
            "%(day)s is not a working day (a weekend or a holiday, by the portal's "
            "calendar). The meeting is planned for it all the same: change the date if "
            "that was not meant."
        ) % {"day": planned_on}
    assert warnings_of(response) == ([expected] if rest_day else [])


def test_a_meeting_moved_to_a_rest_day_is_said_so(persona_client, people):
    meeting = plan(people)
    client = persona_client("office_staff")
    edit = {
        "title": meeting.title,
        "place": meeting.place,
        "version": meeting.version,
    }

    moved = client.post(
        reverse("meeting_act", args=[meeting.id, "edit"]), {**edit, "planned_on": "2026-11-29"}
    )
    said_when_moved = warnings_of(moved)
    client.get(moved["Location"])  # the messages read where the post leads
    meeting.refresh_from_db()
    renamed = client.post(
        reverse("meeting_act", args=[meeting.id, "edit"]),
        {**edit, "planned_on": "2026-11-29", "title": "年度会议", "version": meeting.version},
    )

    assert meeting.planned_on == date(2026, 11, 29)  # a Sunday
    assert len(said_when_moved) == 1
    assert "2026-11-29" in said_when_moved[0]
    assert renamed.status_code == 302
    assert JointMeeting.objects.get(id=meeting.id).title == "年度会议"
    assert warnings_of(renamed) == []  # the date did not change


def test_a_new_meetings_guests_longer_than_the_column_are_refused_on_the_form(
    persona_client, people
):
    """The input carries maxlength, but a crafted post went through the service, which cut
    the guests without a word; the form now says why and keeps what was typed."""
    client = persona_client("office_staff")
    response = client.post(
        reverse("meeting_new"),
        {
            "kind": "annual",
            "title": "2026年度成员单位联席会议",
            "planned_on": "2026-11-20",
            "place": "区政府第三会议室",
            "guests": "专" * 301,
            "units": ["market-regulation"],
        },
    )
    assert response.status_code == 400
    assert (
        "Please shorten other people invited (leaders, experts) to 300 characters; it has 301."
        in response.content.decode()
    )
    assert not JointMeeting.objects.exists()


@pytest.mark.parametrize(
    ("attending", "field", "values"),
    [
        (True, "attendees", {"attendees": "王" * 301}),
        (True, "note", {"attendees": "王科长", "note": "备" * 301}),
        (False, "note", {"note": "备" * 301}),
    ],
)
def test_an_answer_longer_than_its_column_is_refused_not_cut(people, attending, field, values):
    """The inputs carry maxlength, but a crafted post or a script went through the service,
    which cut who attends or the note without a word."""
    meeting = plan(people)
    with pytest.raises(ValidationError) as error:
        services.invitation_answer(
            meeting_id=meeting.id, acting_user=people["mr"], attending=attending, **values
        )
    assert "300" in error.value.message_dict[field][0]
    assert "301" in error.value.message_dict[field][0]
    invitation = meeting.invitations.get(unit=unit("market-regulation"))
    assert (invitation.answer, invitation.attendees, invitation.answer_note) == (
        InvitationAnswer.WAITING,
        "",
        "",
    )
    assert not meeting.events.filter(action=MeetingAction.ANSWER).exists()


@pytest.mark.parametrize(
    ("field", "limit"), [("title", 200), ("place", 200), ("chair", 100), ("guests", 300)]
)
def test_a_plan_text_longer_than_its_column_is_refused_on_plan_and_change(people, field, limit):
    """The service refuses, it does not cut: a meeting is planned or changed with the text
    as typed or not at all."""
    with pytest.raises(ValidationError) as error:
        plan(people, **{field: "会" * (limit + 1)})
    assert field in error.value.message_dict
    assert not JointMeeting.objects.exists()
    meeting = plan(people)
    values = {
        "title": meeting.title,
        "planned_on": meeting.planned_on,
        "place": meeting.place,
        "starts_at": None,
        "chair": "",
        "notes": "",
        "guests": "",
        field: "会" * (limit + 1),
    }
    with pytest.raises(ValidationError) as error:
        services.meeting_update(
            meeting_id=meeting.id,
            acting_user=people["office"],
            expected_version=meeting.version,
            **values,
        )
    assert field in error.value.message_dict
    assert JointMeeting.objects.get(pk=meeting.pk).version == meeting.version


LONG = "议" * (services.MAX_TEXT + 1)
"""One character more than the meetings keep of a note, a question, a resolution, a task."""


def _too_long(what: str, limit: int = services.MAX_TEXT) -> str:
    return f"Please shorten {what} to {limit} characters; it has {limit + 1}."


def test_a_new_meetings_notes_too_long_are_refused_on_the_form(persona_client, people):
    """The view kept all of it, the service cut it to 20,000 characters without a word."""
    response = persona_client("office_staff").post(
        reverse("meeting_new"),
        {
            "kind": "annual",
            "title": "2026年度成员单位联席会议",
            "planned_on": "2026-11-20",
            "place": "区政府第三会议室",
            "notes": LONG,
            "units": ["market-regulation"],
        },
    )
    assert response.status_code == 400
    assert _too_long("notes for the invited units") in response.content.decode()
    assert 'maxlength="20000"' in response.content.decode()
    assert not JointMeeting.objects.exists()


@pytest.mark.parametrize("agenda_item", ["99999999999999999999", "abc", "-3"])
def test_a_resolution_for_an_agenda_item_that_is_no_id_is_refused_not_recorded_untied(
    persona_client, meeting_setup, agenda_item
):
    """An id too long for a number was read as none chosen: the resolution was recorded,
    tied to no item, and the page said so."""
    meeting = JointMeeting.objects.get(pk=meeting_setup["held"].pk)
    response = persona_client("office_staff").post(
        reverse("meeting_act", args=[meeting.id, "resolve"]),
        {"version": meeting.version, "text": "决议二", "agenda_item": agenda_item},
    )
    assert response.status_code == 400
    assert "That item is not on this meeting&#x27;s agenda." in response.content.decode()
    assert list(meeting.resolutions.values_list("text", flat=True)) == ["决议一"]


@pytest.mark.parametrize("due_on", ["99999-12-30", "2026-13-01", "明天"])
def test_an_action_items_due_date_that_is_no_date_is_said_so(persona_client, meeting_setup, due_on):
    """It was refused as missing: "Action item 1 needs an owner unit, a task and a due
    date", with the owner, the task and a date typed."""
    meeting = JointMeeting.objects.get(pk=meeting_setup["held"].pk)
    response = persona_client("office_staff").post(
        reverse("meeting_act", args=[meeting.id, "resolve"]),
        {
            "version": meeting.version,
            "text": "决议二",
            "action-0-owner": "housing",
            "action-0-task": "回访投诉人",
            "action-0-due_on": due_on,
        },
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Action item 1: Enter a date like 2026-07-06." in page
    assert "needs an owner unit" not in page
    assert re.search(r'id="action-0-due_on"[^>]*aria-invalid="true"', page) or re.search(
        r'aria-invalid="true"[^>]*id="action-0-due_on"', page
    )
    assert list(meeting.resolutions.values_list("text", flat=True)) == ["决议一"]


def test_a_resolution_too_long_is_refused_on_the_meeting_page(persona_client, meeting_setup):
    meeting = JointMeeting.objects.get(pk=meeting_setup["held"].pk)
    client = persona_client("office_staff")
    response = client.post(
        reverse("meeting_act", args=[meeting.id, "resolve"]),
        {"version": meeting.version, "text": LONG},
    )
    assert response.status_code == 400
    assert _too_long("resolution") in response.content.decode()
    assert list(meeting.resolutions.values_list("text", flat=True)) == ["决议一"]


def test_a_done_note_too_long_is_refused_on_the_action_items(persona_client, meeting_setup):
    action = meeting_setup["action"]
    client = persona_client("housing_staff")
    response = client.post(
        reverse("action_act", args=[action.id, "complete"]),
        {"note": LONG, "version": action.version},
        follow=True,
    )
    assert _too_long("what was done") in response.content.decode()
    assert ActionItem.objects.get(pk=action.pk).status == ActionStatus.OPEN


def test_a_proposed_question_too_long_is_refused_on_the_list(persona_client, people):
    response = persona_client("mr_staff").post(
        reverse("agenda_propose"), {"question": LONG}, follow=True
    )
    assert _too_long("question") in response.content.decode()
    assert not AgendaItem.objects.exists()


def _update_notes(people, meeting):
    services.meeting_update(
        meeting_id=meeting.id,
        acting_user=people["office"],
        title=meeting.title,
        planned_on=meeting.planned_on,
        place=meeting.place,
        starts_at=None,
        chair="",
        notes=LONG,
        expected_version=meeting.version,
    )


TOO_LONG_TEXTS = {
    "plan": ("notes", lambda p, m: plan(p, notes=LONG)),
    "update": ("notes", _update_notes),
    "agenda": (
        "question",
        lambda p, m: services.agenda_add(
            meeting_id=m.id, acting_user=p["office"], kind=AgendaKind.SITUATION, question=LONG
        ),
    ),
    "propose": (
        "question",
        lambda p, m: services.agenda_propose(acting_user=p["mr"], question=LONG),
    ),
    "cancel": (
        "reason",
        lambda p, m: services.meeting_cancel(meeting_id=m.id, acting_user=p["office"], reason=LONG),
    ),
    "resolution": (
        "text",
        lambda p, m: services.resolution_add(meeting_id=m.id, acting_user=p["office"], text=LONG),
    ),
    "task": (
        "action_1",
        lambda p, m: services.resolution_add(
            meeting_id=m.id,
            acting_user=p["office"],
            text="决议二",
            actions=[PlannedAction("housing", LONG, date(2026, 12, 1))],
        ),
    ),
    "done": (
        "note",
        lambda p, m: services.action_complete(
            action_id=ActionItem.objects.get().id, acting_user=p["housing"], note=LONG
        ),
    ),
    "minutes": (
        "minutes",
        lambda p, m: services.meeting_record(
            meeting_id=m.id,
            acting_user=p["office"],
            held_on=date(2026, 11, 2),
            minutes="纪" * (services.MINUTES_LIMIT + 1),
            attended_unit_ids=[unit("market-regulation").id],
        ),
    ),
}


def _snapshot():
    return (
        list(JointMeeting.objects.values_list("id", "version", "status", "notes", "minutes")),
        list(AgendaItem.objects.values_list("id", "question")),
        list(ActionItem.objects.values_list("id", "status", "done_note", "task")),
        MeetingEvent.objects.count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize("case", list(TOO_LONG_TEXTS))
def test_a_meeting_text_too_long_is_refused_not_cut(meeting_setup, people, case):
    """The services cut these to 20,000 characters (the minutes to 100,000) without a word;
    they now refuse them with the 'please shorten' message and write nothing."""
    field, call = TOO_LONG_TEXTS[case]
    held_cases = {"resolution", "task", "done"}
    meeting = meeting_setup["held" if case in held_cases else "planned"]
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        call(people, meeting)
    assert "characters; it has" in error.value.message_dict[field][0]
    assert _snapshot() == before


def test_too_long_minutes_are_named_as_the_minutes_of_the_meeting(meeting_setup, people):
    """Not by the model's 'minutes', which the catalogue translates as the unit of time."""
    with pytest.raises(ValidationError) as error:
        TOO_LONG_TEXTS["minutes"][1](people, meeting_setup["planned"])
    assert error.value.message_dict["minutes"] == [
        _too_long("the minutes of the meeting", services.MINUTES_LIMIT)
    ]


def test_a_meetings_minutes_are_called_minutes_of_a_meeting_not_minutes_of_time():
    """The field's label shared its msgid with the deadline policy's unit of time, so the
    admin and the refusals called a meeting's minutes 分钟."""
    from meetings.models import JointMeeting

    with translation.override("zh-hans"):
        assert str(JointMeeting._meta.get_field("minutes").verbose_name) == "会议纪要"


def test_a_held_meetings_unit_count_is_of_the_units_present_not_of_the_answers(client, people):
    """Once held, the card listed the units present (two ticks here) under "1 of 2
    answered · 1 attending", the count of the answers before the meeting: the housing
    commission came without answering."""
    meeting = plan(people)
    services.invitation_answer(
        meeting_id=meeting.id, acting_user=people["mr"], attending=True, attendees="王科长"
    )
    with time_machine.travel(at(2026, 11, 20, 16), tick=False):
        services.meeting_record(
            meeting_id=meeting.id,
            acting_user=people["office"],
            held_on=date(2026, 11, 20),
            minutes="会议通报了全年投诉处理情况。",
            attended_unit_ids=[unit("market-regulation").id, unit("housing").id],
        )
    client.force_login(people["office"])
    page = client.get(reverse("meeting_detail", args=[meeting.id])).content.decode()
    card = page.split("Invited units", 1)[1].split('id="invitations"', 1)[0]
    assert "attending" not in card
    assert re.search(r'id="units-present">Present 2 / 2<', card)


# --- what the office is told after each step -----------------------------------------------


@pytest.fixture
def office(client, people):
    client.force_login(people["office"])
    client.cookies["django_language"] = "en"
    return client


def told(office, meeting, action, data) -> list[str]:
    response = office.post(
        reverse("meeting_act", kwargs={"meeting_id": meeting.id, "action": action}), data
    )
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_adding_an_agenda_item_says_so(office, people):
    meeting = plan(people)
    said = told(
        office,
        meeting,
        "agenda",
        {"kind": "situation", "question": "全年投诉情况通报", "version": meeting.version},
    )
    assert said == ["Agenda item added: 全年投诉情况通报"]


def test_recording_the_meeting_says_so(office, people, clock):
    meeting = plan(people)
    clock.move_to(at(2026, 11, 20, 16))
    office.force_login(people["office"])  # the session of 2 November has expired
    said = told(
        office,
        meeting,
        "record",
        {
            "held_on": "2026-11-20",
            "minutes": "会议通报了全年投诉处理情况。",
            "attended": [unit("market-regulation").id],
            "version": JointMeeting.objects.get(id=meeting.id).version,
        },
    )
    assert said == ["The meeting was recorded as held."]


def test_recording_a_resolution_says_so(office, people):
    meeting = held(people)
    said = told(office, meeting, "resolve", {"text": "决议一", "version": meeting.version})
    assert said == ["The resolution was recorded."]


def test_the_units_invited_are_kept_whole_in_the_history(people, client):
    """The history line naming the units invited broke inside a name at the end of a line
    (区文化和旅游 / 局): it is written with the class that keeps a unit's name whole."""
    meeting = plan(people, unit_codes=["market-regulation", "housing", "culture-tourism"])
    client.force_login(people["office"])
    page = client.get(f"/meetings/{meeting.id}/").content.decode()
    item = re.search(r'<li class="timeline-item" data-action="invite">(.*?)</li>', page, re.S)
    note = re.search(r'<div class="small unit-name"[^>]*>([^<]*)</div>', item.group(1))
    assert note and str(unit("culture-tourism")) in note.group(1)


def _first_shown(client, office_staff) -> tuple[str, str, int, int]:
    """The new meeting form as first shown: its kind chosen, its title, the units ticked and
    the units offered."""
    client.force_login(office_staff)
    page = client.get(reverse("meeting_new")).content.decode()
    kind = re.search(r'<option value="(\w+)" selected>', page).group(1)
    title = re.search(r'<input type="text" name="title"[^>]*value="([^"]*)"', page).group(1)
    boxes = re.findall(r'<input[^>]*name="units"[^>]*>', page)
    return kind, title, sum("checked" in box for box in boxes), len(boxes)


def test_the_new_meeting_form_offers_the_annual_meeting_with_every_unit_until_it_is_planned(
    client, people
):
    """Once the year's annual meeting was planned, the form still offered it, its title and
    all seventeen units: an extra meeting about two units invited them all, and a click on
    the two units concerned unticked them. It now offers an extra meeting, nothing ticked."""
    kind, title, ticked, offered = _first_shown(client, people["office"])
    assert (kind, title, ticked) == ("annual", "2026 annual meeting of the member units", 17)
    assert offered == 17
    meeting = plan(people)
    assert _first_shown(client, people["office"]) == ("extra", "", 0, 17)
    services.meeting_cancel(meeting_id=meeting.id, acting_user=people["office"], reason="改期")
    assert _first_shown(client, people["office"])[:3] == ("annual", title, 17)


def test_the_invited_units_can_be_ticked_or_unticked_at_once(client, people):
    client.force_login(people["office"])
    page = client.get(reverse("meeting_new")).content.decode()
    fieldset = re.search(r'<fieldset[^>]*id="unit".*?</fieldset>', page, re.S).group(0)
    assert 'data-tick-units="all">Tick every unit</button>' in fieldset
    assert 'data-tick-units="none">Untick every unit</button>' in fieldset
