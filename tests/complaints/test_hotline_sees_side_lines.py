"""`updated_at` is what the hotline polls by (`updated_since`): an order counts as changed
when something the hotline reads about it changes, its history included. A line that
another flow writes on the order (a dispute's step, a mediation, an early intervention, a
lead referred from it, a duplicate linked to it) is in the hotline's history of the order,
so the order must come again in the next poll. Only the first of these (opening a dispute)
moved `updated_at`; the others left it, and a client following changes never saw them."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.utils import timezone

from complaints import disputes, interventions, mediation, referrals, reminders, workflow
from complaints.clients import api_client_create
from complaints.deadlines import BEIJING
from complaints.models import PossibleDuplicate, WorkOrder

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 16, 10, tzinfo=BEIJING)
ORDER = {
    "kind": "complaint",
    "title": "小区物业不修电梯",
    "content": "杨村街道某小区电梯坏了一个月，物业一直不修，老人上下楼困难。",
    "category": "物业管理",
    "received_at": "2026-11-16T09:30:00+08:00",
    "citizen": {"name": "王先生", "phone": "13812345678"},
    "town": "yangcun-street",
}


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def api(client):
    _, key, _ = api_client_create(name="12345 热线")

    def call(method, path, body=None):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        if body is not None:
            kwargs.update(content_type="application/json", data=json.dumps(body))
        return getattr(client, method)(path, **kwargs)

    return call


def pushed(api, hotline_id: str, **changes) -> WorkOrder:
    response = api(
        "post", "/api/v1/hotline/work-orders/", {**ORDER, **changes, "hotline_id": hotline_id}
    )
    assert response.status_code == 201, response.content
    return WorkOrder.objects.get(hotline_id=hotline_id)


def polled(api, since: datetime) -> list[str]:
    since_text = quote(since.isoformat())
    body = api("get", f"/api/v1/hotline/work-orders/?updated_since={since_text}").json()
    return [o["hotline_id"] for o in body["results"]]


def open_dispute(order, people):
    disputes.dispute_open(
        acting_user=people["unit"], order_number=order.number, summary="不属于本委"
    )


def propose(order, people):
    dispute = order.disputes.get()
    disputes.dispute_propose(
        dispute_id=dispute.id,
        acting_user=people["office"],
        proposal="建议由市场监管局办理",
        unit_code="market-regulation",
    )


def record_mediation(order, people):
    mediation.agreement_record(
        order_number=order.number,
        acting_user=people["unit"],
        body="unit",
        parties="王先生；某物业公司",
        terms="物业一周内修好电梯",
        effective_on=date(2026, 11, 16),
    )


def ask_intervention(order, people):
    interventions.intervention_request(
        acting_user=people["unit"],
        unit_codes=["public-security"],
        title="电梯困人",
        situation="电梯仍在运行",
        order_number=order.number,
    )


def refer_lead(order, people):
    referrals.referral_send(
        acting_user=people["unit"],
        to_unit_code="market-regulation",
        title="电梯维保单位无资质",
        facts="维保单位未取得资质",
        order_number=order.number,
    )


@pytest.mark.parametrize(
    ("before", "step", "line"),
    [
        (open_dispute, propose, "dispute"),
        (None, record_mediation, "mediation"),
        (None, ask_intervention, "intervention"),
        (None, refer_lead, "refer"),
    ],
)
def test_a_line_another_flow_writes_on_the_order_comes_in_the_next_poll(
    api, clock, office_staff, housing_staff, before, step, line
):
    order = pushed(api, "TJ-SIDE-1")
    people = {"office": office_staff, "unit": housing_staff}
    if step is not propose:
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    if before is not None:
        before(order, people)
    clock.shift(timedelta(hours=1))
    poll_started = START + timedelta(hours=1)

    step(WorkOrder.objects.get(id=order.id), people)

    events = api("get", "/api/v1/hotline/work-orders/TJ-SIDE-1/").json()["events"]
    assert events[-1]["type"] == line
    assert WorkOrder.objects.get(id=order.id).updated_at == poll_started
    assert polled(api, poll_started) == ["TJ-SIDE-1"]


def test_linking_a_duplicate_brings_the_earlier_order_in_the_next_poll(api, clock, office_staff):
    """The link is written on both orders' histories; the office acts on the later one."""
    earlier = pushed(api, "TJ-DUP-1")
    later = workflow_intake_like(office_staff)
    pair = PossibleDuplicate.objects.get(order=later, other=earlier)
    clock.shift(timedelta(hours=1))
    poll_started = START + timedelta(hours=1)

    workflow.workorder_link_duplicate(
        order_id=later.id, acting_user=office_staff, duplicate_id=pair.id
    )

    events = api("get", "/api/v1/hotline/work-orders/TJ-DUP-1/").json()["events"]
    assert events[-1]["type"] == "link_duplicate"
    assert polled(api, poll_started) == ["TJ-DUP-1"]


def workflow_intake_like(office_user) -> WorkOrder:
    """The same citizen again, registered by the office (checked for duplicates at once)."""
    from tests.factories import make_order

    return make_order(
        office_user,
        citizen_phone="13812345678",
        title="电梯还是没修",
        content="杨村街道某小区电梯坏了一个月，物业还是不修。",
        unit_code="housing",
    )


def test_the_automatic_supervision_of_an_overdue_order_comes_in_the_next_poll(
    api, clock, housing_staff
):
    """The sweep's 督办 line is in the hotline's history, as the office's own is (whose
    action moves `updated_at`)."""
    order = pushed(api, "TJ-LATE-1")
    assert order.due_sign_for < START + timedelta(days=3)
    clock.move_to(order.due_sign_for + timedelta(hours=1))
    poll_started = timezone.now()

    assert reminders.supervise_overdue() == 1

    events = api("get", "/api/v1/hotline/work-orders/TJ-LATE-1/").json()["events"]
    assert events[-1]["type"] == "supervise"
    assert polled(api, poll_started) == ["TJ-LATE-1"]
