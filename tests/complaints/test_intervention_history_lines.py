"""The request's shared timeline names each step as the other histories do, a past action
("Asked to step in", "Referred", "Signed for"): an answer read "Declines" and "Steps in",
the present tense of the answer's label, under the name of the person who gave it. It now
reads "Declined to step in" and "Agreed to step in" (the API's codes are unchanged)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from complaints import interventions
from complaints.choices import InterventionAction
from departments.choices import RoleCode
from tests.factories import UserFactory, unit
from tests.helpers import NUMBER_KEPT_WHOLE

pytestmark = pytest.mark.django_db


def test_the_answers_read_as_steps_taken(client, mr_staff, housing_staff):
    police = UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_STAFF])
    item = interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["housing", "public-security"],
        title="商场燃气泄漏后商户拒不停业",
        situation="消费者反映商场内餐饮商户燃气泄漏，仍在营业。",
    )
    interventions.intervention_answer(
        intervention_id=item.id, acting_user=housing_staff, join=False, reason="非物业问题"
    )
    interventions.intervention_answer(intervention_id=item.id, acting_user=police, join=True)
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"

    page = unescape(client.get(reverse("intervention_detail", args=[item.id])).content.decode())

    lines = dict(
        re.findall(r'<li class="timeline-item" data-action="(\w+)">.*?<strong>(.*?)</strong>', page)
    )
    assert lines == {
        "ask": "Asked to step in",
        "decline": "Declined to step in",
        "join": "Agreed to step in",
    }
    assert InterventionAction.DECLINE == "decline" and InterventionAction.JOIN == "join"


def test_the_answers_read_as_answers_in_the_list_and_the_notification(client, mr_staff):
    """The answers' own labels read "Steps in" / "Declines" in the Answers column and in
    the "answered" notification ("… answered …: Declines"): they now read "Will step in"
    and "Declined", as the timeline's "Agreed to step in" / "Declined to step in"."""
    housing_staff = UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])
    police = UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_STAFF])
    item = interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["housing", "public-security"],
        title="商场燃气泄漏后商户拒不停业",
        situation="消费者反映商场内餐饮商户燃气泄漏，仍在营业。",
    )
    interventions.intervention_answer(
        intervention_id=item.id, acting_user=housing_staff, join=False, reason="非物业问题"
    )
    interventions.intervention_answer(intervention_id=item.id, acting_user=police, join=True)
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"

    page = unescape(client.get(reverse("intervention_list")).content.decode())
    answers = dict(re.findall(r'data-answer="(\w+)">[^<:]*: ([^<]*)</span>', page))
    assert answers == {"declined": "Declined", "joined": "Will step in"}
    shown = unescape(NUMBER_KEPT_WHOLE.sub(r"\1", client.get("/notifications/").content.decode()))
    assert f"answered {item.number}: Will step in" in shown
    assert f"answered {item.number}: Declined<" in shown


def test_closing_a_request_reads_as_the_request_closed_not_a_case(client, mr_staff):
    """ "Closed" on a request's timeline shared the orders' msgid, 已结案 ("case closed"):
    the request's closing now has its own words, the orders' left as they were."""
    item = interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["housing"],
        title="商场燃气泄漏后商户拒不停业",
        situation="消费者反映商场内餐饮商户燃气泄漏，仍在营业。",
    )
    interventions.intervention_close(intervention_id=item.id, acting_user=mr_staff)
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"

    page = unescape(client.get(reverse("intervention_detail", args=[item.id])).content.decode())

    closed = re.search(r'data-action="close">.*?<strong>(.*?)</strong>', page, re.S)
    assert closed.group(1) == "Request closed"
    assert str(InterventionAction.CLOSE.label) != "Closed"
