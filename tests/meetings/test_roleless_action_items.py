"""An account of a unit that holds no role in it reads the unit's action items but does not
report them done: the meeting page offered it "Report done" on its unit's items (it checked
the unit alone) while the post, rightly, answered 404. The page, the list and the post now
ask the one question, `access.completes_action_item`."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments import access
from meetings import services
from meetings.models import ActionItem, ActionStatus, MeetingStatus
from meetings.services import PlannedAction
from tests.factories import UserFactory, unit


@pytest.fixture
def action(db, office_staff, mr_staff):
    """An open action item of the Market Regulation Bureau's, from a held meeting."""
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=BEIJING), tick=False):
        meeting = services.meeting_plan(
            acting_user=office_staff,
            kind="annual",
            title="2026年度成员单位联席会议",
            planned_on=date(2026, 11, 20),
            place="区政府第三会议室",
            guests="",
            unit_codes=["market-regulation"],
        )
    with time_machine.travel(datetime(2026, 11, 20, 16, tzinfo=BEIJING), tick=False):
        services.meeting_record(
            meeting_id=meeting.id,
            acting_user=office_staff,
            held_on=date(2026, 11, 20),
            minutes="会议通报了全年投诉处理情况。",
            attended_unit_ids=[unit("market-regulation").id],
        )
        resolution = services.resolution_add(
            meeting_id=meeting.id,
            acting_user=office_staff,
            text="决议一",
            actions=[PlannedAction("market-regulation", "整改预付卡问题", date(2026, 12, 1))],
        )
    item = resolution.actions.get()
    assert item.resolution.meeting.status == MeetingStatus.HELD
    return item


@pytest.fixture
def roleless(db):
    return UserFactory(username="mr_roleless", unit=unit("market-regulation"), roles=[])


def _offers_report_done(client, item: ActionItem) -> dict[str, bool]:
    complete = reverse("action_act", args=[item.id, "complete"])
    pages = {
        "meeting": reverse("meeting_detail", args=[item.resolution.meeting_id]),
        "list": reverse("action_items"),
    }
    offered = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "整改预付卡问题" in page  # the item is listed: only its form may be missing
        offered[name] = f'action="{complete}"' in page
    return offered


def test_no_page_offers_report_done_to_an_account_without_a_role(client, action, roleless):
    client.force_login(roleless)
    assert not access.completes_action_item(roleless, action)
    assert _offers_report_done(client, action) == {"meeting": False, "list": False}


@pytest.mark.parametrize("persona", ["mr_staff", "office_staff"])
def test_the_pages_offer_report_done_to_whoever_may_send_it(
    persona, persona_client, action, request
):
    client = persona_client(persona)
    assert access.completes_action_item(request.getfixturevalue(persona), action)
    assert _offers_report_done(client, action) == {"meeting": True, "list": True}


def test_an_account_without_a_role_cannot_report_its_units_item_done(
    client, action, roleless, mr_staff
):
    url = reverse("action_act", args=[action.id, "complete"])
    client.force_login(roleless)
    response = client.post(url, {"note": "已整改", "next": "meeting"})
    assert response.status_code == 404
    assert ActionItem.objects.get(id=action.id).status == ActionStatus.OPEN
    client.force_login(mr_staff)
    response = client.post(url, {"note": "已整改", "next": "meeting", "version": action.version})
    assert response.status_code == 302
    assert ActionItem.objects.get(id=action.id).status == ActionStatus.DONE
