"""A form refused because the order changed after its page was loaded says who changed it,
when and which step: "someone else" was said to a person who had changed the order in
another tab, and a colleague refused could not tell what to look for on the page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from complaints import workflow
from complaints.deadlines import BEIJING
from complaints.models import WorkOrder
from complaints.workflow import StaleOrder
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit
from wuqing_consumer.versions import UNKNOWN

pytestmark = pytest.mark.django_db

SIGNED_AT = datetime(2026, 11, 30, 9, 41, tzinfo=BEIJING)


@pytest.fixture
def wu_qiang(db):
    return UserFactory(
        username="wuqiang", name="吴强", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF]
    )


@pytest.fixture
def opened(office_staff, wu_qiang):
    """An order whose page was loaded (its version kept), then signed for by 吴强."""
    with time_machine.travel(SIGNED_AT - timedelta(hours=1), tick=False):
        order = make_order(office_staff)
    seen = order.version
    with time_machine.travel(SIGNED_AT, tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=wu_qiang)
    return order, seen


def refusal(order, seen, person) -> str:
    """What `person` is told on sending a step from the page loaded at version `seen`: a
    supervision from the office, a handling note from the unit."""
    if person.unit.code == "office":
        step, text = workflow.workorder_supervise, {"note": "请加快"}
    else:
        step, text = workflow.workorder_add_note, {"text": "已电话联系商家"}
    with pytest.raises(StaleOrder) as refused:
        step(order_id=order.id, acting_user=person, expected_version=seen, **text)
    return str(refused.value.message)


def test_a_colleagues_change_is_named_with_their_unit_time_and_step(opened, office_staff):
    order, seen = opened
    with translation.override("zh-hans"):
        said = refusal(order, seen, office_staff)
    assert said == (
        f"您打开工单 {order.number} 期间，吴强（区市场监管局）于 2026-11-30 09:41 修改了该工单"
        "（已签收），因此本次没有保存任何内容。"
    )
    with translation.override("en"):
        said = refusal(order, seen, office_staff)
    assert said == (
        f"吴强 (Market Regulation Bureau) changed order {order.number} at 2026-11-30 09:41 "
        "(Signed for) while you had it open, so nothing was saved."
    )


def test_ones_own_change_in_another_tab_is_not_someone_elses(opened, wu_qiang):
    order, seen = opened
    with translation.override("en"):
        said = refusal(order, seen, wu_qiang)
    assert said == (
        f"You changed order {order.number} at 2026-11-30 09:41 (Signed for) in another tab or "
        "window after opening this page, so nothing was saved here."
    )
    assert "Someone else" not in said


def test_a_change_nobody_made_by_hand_names_no_one(opened, office_staff):
    order, seen = opened
    event = WorkOrder.objects.get(id=order.id).events.order_by("-created_at", "-id").first()
    event.actor = None
    event.save(update_fields=["actor"])
    with translation.override("en"):
        said = refusal(order, seen, office_staff)
    assert said == (
        f"Order {order.number} changed at 2026-11-30 09:41 (Signed for) while you had it open, "
        "so nothing was saved."
    )


def test_the_page_says_it_after_the_name_and_what_the_form_kept(client, opened, office_staff):
    order, seen = opened
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    url = reverse("order_act", args=[order.number, "supervise"])
    page = client.post(url, {"version": seen, "note": "请加快"}, follow=True).content.decode()
    page = re.sub(r"<[^>]+>", "", page)  # the name is marked as Chinese: <span lang="zh-Hans">
    assert (
        f"吴强 (Market Regulation Bureau) changed order {order.number} at 2026-11-30 09:41 "
        "(Signed for) while you had it open, so nothing was saved. The page shows the order as "
        "it is now; the form keeps what you typed: check it and send it again."
    ) in page


def test_a_form_that_sent_no_version_names_no_change(opened, office_staff):
    """Its page missed no change in particular: it sent none (an old or altered form)."""
    order, _ = opened
    with translation.override("en"):
        said = refusal(order, UNKNOWN, office_staff)
    assert said == (
        f"Someone else changed order {order.number} while you had it open, so nothing was saved."
    )
