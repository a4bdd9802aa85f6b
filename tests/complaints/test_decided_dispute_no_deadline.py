"""A dispute the group leader has decided went on showing his decision deadline, in the
disputes list and on the dispute's page, as if the decision were still to come. Once he
has decided, the list says when he did, and the page shows his decision (with its date)
and no longer a deadline for it; an undecided dispute still shows its deadline."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from complaints import disputes, workflow
from complaints.models import Dispute
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit
from tests.helpers import NUMBER_KEPT_WHOLE


@pytest.fixture
def decided(db, office_staff, leader):
    commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    education = UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF])
    order = make_order(office_staff, unit_code="commerce", content="培训学校预付学费停课，要求退费")
    workflow.workorder_return(order_id=order.id, acting_user=commerce, reason="属教育")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office_staff, unit_code="education")
    workflow.workorder_return(order_id=order.id, acting_user=education, reason="属商务")
    dispute = Dispute.objects.get(order=order)
    disputes.dispute_propose(
        dispute_id=dispute.id,
        acting_user=office_staff,
        proposal="建议由教育局办理",
        unit_code="education",
    )
    disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=leader, unit_code="education", note="教育局办理"
    )
    return Dispute.objects.get(id=dispute.id)


def page(client, person, url: str, language: str = "en") -> str:
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def row_of(html: str, dispute: Dispute) -> str:
    start = html.index(f'data-dispute="{dispute.id}"')
    return html[start : html.index("</tr>", start)]


def day(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d")


def test_the_list_says_when_a_decided_dispute_was_decided_not_its_deadline(
    client, decided, office_staff
):
    due, on = day(decided.decision_due_at), day(decided.decided_at)
    assert due != on
    row = row_of(page(client, office_staff, reverse("dispute_list")), decided)
    row = NUMBER_KEPT_WHOLE.sub(r"\1", row)
    assert due not in row
    assert f"Decided on {on}" in row
    assert "Overdue" not in row


def test_the_list_still_shows_an_undecided_disputes_deadline(
    client, decided, office_staff, mr_staff
):
    other = make_order(office_staff)
    workflow.workorder_sign(order_id=other.id, acting_user=mr_staff)
    waiting = disputes.dispute_open(
        acting_user=mr_staff, order_number=other.number, summary="不属本局管辖"
    )
    with time_machine.travel(waiting.decision_due_at + timezone.timedelta(days=1)):
        row = row_of(page(client, office_staff, reverse("dispute_list")), waiting)
    assert day(waiting.decision_due_at) in row
    assert "Overdue" in row
    assert "Decided on" not in row


def test_a_decided_disputes_page_shows_the_decision_not_a_deadline(client, decided, office_staff):
    with time_machine.travel(decided.decision_due_at + timezone.timedelta(days=30)):
        html = page(client, office_staff, reverse("dispute_detail", args=[decided.id]))
    terms = re.findall(r'<dt class="col-sm-3">([^<]*)</dt>', html)
    assert "Leader to decide by" not in terms
    assert "The leader's decision" in terms
    assert timezone.localtime(decided.decision_due_at).strftime("%Y-%m-%d %H:%M") not in html
    assert timezone.localtime(decided.decided_at).strftime("%Y-%m-%d %H:%M") in html


def test_the_list_says_when_in_chinese_too(client, decided, office_staff):
    row = row_of(page(client, office_staff, reverse("dispute_list"), "zh-hans"), decided)
    row = NUMBER_KEPT_WHOLE.sub(r"\1", row)
    assert f"于{day(decided.decided_at)}决定" in row
