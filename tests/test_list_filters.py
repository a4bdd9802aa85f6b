"""The smaller lists (disputes, leads, intervention requests, mediation, meetings, action
items, releases) refuse a filter value they do not offer, as the order list does: an edited
link lists none, marks the filter and says what to correct, instead of listing everything.

Pages in English (the `django_language` cookie), so the assertions can quote them. "Now" is
Monday 2 November 2026, 10:00 in Beijing."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from complaints import disputes, interventions, mediation, referrals, workflow
from complaints.deadlines import BEIJING
from meetings import services as meeting_services
from meetings.services import PlannedAction
from publicity import services as release_services
from publicity.choices import ReleaseKind
from tests.factories import make_order


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(2026, 11, 2), tick=False) as traveller:
        yield traveller


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def records(db, office_staff, mr_staff, mr_liaison, housing_staff, clock):
    """One record in each list, seen by the office and by the market-regulation bureau."""
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    referrals.referral_send(
        acting_user=mr_staff, to_unit_code="commerce", title="预付卡卷款", facts="停业"
    )
    interventions.intervention_request(
        acting_user=mr_staff, unit_codes=["public-security"], title="燃气泄漏", situation="仍营业"
    )
    disputes.dispute_open(acting_user=mr_staff, order_number=order.number, summary="不属于本局")
    mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        parties="张先生；某某超市",
        terms="退还货款",
        effective_on=date(2026, 10, 30),
    )
    meeting = meeting_services.meeting_plan(
        acting_user=office_staff,
        kind="annual",
        title="2026年度成员单位联席会议",
        planned_on=date(2026, 11, 20),
        place="区政府第三会议室",
        guests="",
        unit_codes=["market-regulation", "housing"],
    )
    clock.move_to(at(2026, 11, 20, 16))
    meeting_services.meeting_record(
        meeting_id=meeting.id,
        acting_user=office_staff,
        held_on=date(2026, 11, 20),
        minutes="会议通报了全年投诉处理情况。",
        attended_unit_ids=[mr_staff.unit_id],
    )
    meeting_services.resolution_add(
        meeting_id=meeting.id,
        acting_user=office_staff,
        text="开展预付卡专项检查。",
        actions=[PlannedAction("market-regulation", "制定检查方案", date(2026, 12, 10))],
    )
    release_services.release_create(
        acting_user=mr_liaison, kind=ReleaseKind.WARNING, title="预付卡消费提示", body="谨慎充值"
    )


LISTS = [
    # (url name, row mark, the link's filters, the select marked)
    ("dispute_list", "data-dispute", {"status": "bogus"}, "status"),
    ("referral_list", "data-referral", {"tab": "sent", "status": "bogus"}, "status"),
    ("intervention_list", "data-intervention", {"state": "bogus"}, "state"),
    ("mediation_list", "data-agreement", {"status": "bogus"}, "status"),
    ("meeting_list", "data-meeting", {"status": "bogus"}, "status"),
    ("action_items", "data-action", {"show": "bogus"}, "show"),
    ("release_list", "data-release", {"kind": "bogus"}, "kind"),
    ("release_list", "data-release", {"status": "bogus"}, "status"),
]


@pytest.mark.parametrize(("name", "mark", "params", "marked"), LISTS)
@pytest.mark.parametrize("persona", ["office_staff", "mr_staff"])
def test_a_value_the_list_does_not_offer_lists_none_and_says_what_to_correct(
    request, english, records, name, mark, params, marked, persona
):
    english.force_login(request.getfixturevalue(persona))
    url = reverse(name)
    shown = english.get(url, {k: v for k, v in params.items() if k == "tab"})
    assert re.findall(rf"<tr {mark}=", shown.content.decode()), "the list has a record to hide"
    response = english.get(url, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert not re.findall(rf"<tr {mark}=", page)
    assert 'id="filters-invalid"' in page
    assert "Correct the filters marked below" in page
    assert "bogus is not one of the available choices" in page
    select = re.search(rf'<select name="{marked}"[^>]*>', page)
    assert select and "is-invalid" in select[0] and 'aria-invalid="true"' in select[0]


@pytest.mark.parametrize(("name", "mark", "params", "marked"), LISTS)
def test_a_value_the_list_offers_is_not_refused(
    english, records, mr_staff, name, mark, params, marked
):
    english.force_login(mr_staff)
    response = english.get(reverse(name), {**params, marked: ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="filters-invalid"' not in page
    assert re.findall(rf"<tr {mark}=", page)


@pytest.mark.parametrize(
    ("name", "params", "label"),
    [
        ("meeting_list", {"answer": "everyone"}, "Joint meetings waiting for your unit"),
        ("action_items", {"mine": "2"}, "Only my unit"),
        ("dispute_list", {"status": "tasks"}, "Status"),
    ],
)
def test_a_filter_without_a_control_of_its_own_is_named_in_the_alert(
    english, records, office_staff, mr_staff, name, params, label
):
    """A value from a home-page link the page has no select for (which meetings wait for the
    unit's answer, only the unit's action items, the office without team tasks) is named."""
    english.force_login(office_staff if params.get("status") == "tasks" else mr_staff)
    page = english.get(reverse(name), params).content.decode()
    assert 'id="filters-invalid"' in page
    alert = page[page.index('id="filters-invalid"') :]
    assert label in alert[: alert.index("</div>")]
