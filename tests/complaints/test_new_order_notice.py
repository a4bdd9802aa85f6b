"""A unit hears at once that an order came to it, and by when to sign for it; a co-handling
unit that it is asked to help. Before, a unit learnt of a new order only from its home page,
the daily digest it may not have asked for, or the due-soon reminder, while a lead referred
to it was announced at once (measure 4(1), rapid response)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import disputes, referrals, services, workflow
from complaints.clients import api_client_create
from complaints.models import Dispute, WorkOrder
from departments.choices import RoleCode
from departments.models import Delivery, Notification
from tests.factories import UserFactory, make_order, unit
from tests.helpers import notice_as_read as read

pytestmark = pytest.mark.django_db

FIELDS = {
    "kind": "complaint",
    "content": "小区物业不修电梯，老人上下楼困难",
    "citizen_name": "王先生",
    "citizen_phone": "13812345678",
}


def told(user, category: str = "dispatch") -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, category=category).order_by("id"))


@pytest.fixture
def education_staff(db):
    return UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF])


def test_the_unit_is_told_of_an_order_the_office_registers_for_it(
    office_staff, housing_staff, mr_staff
):
    order = make_order(office_staff, unit_code="housing", content="小区电梯停运三天无人维修")
    (notice,) = told(housing_staff)
    assert notice.url == reverse("order_detail", args=[order.number])
    due = f"{timezone.localtime(order.due_sign_for):%Y-%m-%d %H:%M}"
    title, body = read(notice, "en")
    assert title == f"New order {order.number} for your unit: sign for it by {due}"
    assert body == order.title
    title, body = read(notice, "zh-hans")
    assert title == f"新工单 {order.number} 已派至本单位，请于 {due} 前签收"
    assert body == order.title
    assert not told(mr_staff) and not told(office_staff)


def test_a_text_message_and_the_group_chat_say_by_when_but_not_the_citizens_words(
    office_staff, housing_staff
):
    """An order's title is often the citizen's first words (intake takes forty characters
    of what they said when the office types none), with a name or a phone in them: like
    the due-soon and overdue reminders, the title of the notice names the order by its
    number and says by when to sign for it, which is what a text message and the unit's
    group chat (which may include people outside the unit) carry; the order's title is
    in the text, read in the portal and by email. Before, both carried the citizen's words
    and a text message did not say by when."""
    housing_staff.phone, housing_staff.notify_by_sms = "13900001111", True
    housing_staff.email = "housing1@wuqing.example"
    housing_staff.save(update_fields=["phone", "notify_by_sms", "email"])
    housing = unit("housing")
    housing.robot_webhook_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
    housing.save(update_fields=["robot_webhook_url"])
    order = make_order(
        office_staff, unit_code="housing", content="我叫李四，电话13812345678，小区电梯停运三天"
    )
    assert "13812345678" in order.title
    due = f"{timezone.localtime(order.due_sign_for):%Y-%m-%d %H:%M}"
    sms = Delivery.objects.get(channel=Delivery.Channel.SMS, address="13900001111")
    robot = Delivery.objects.get(channel=Delivery.Channel.ROBOT)
    email = Delivery.objects.get(channel=Delivery.Channel.EMAIL, address=housing_staff.email)
    for text in (sms.subject, sms.body, robot.subject, robot.body, email.subject):
        assert "13812345678" not in text and "李四" not in text
        assert order.number in text
    assert due in sms.body and "签收" in sms.body
    assert order.title in email.body


def test_co_handling_units_are_told_they_are_asked_to_help(
    office_staff, housing_staff, education_staff
):
    order = make_order(office_staff, unit_code="housing", co_unit_codes=["education"])
    (notice,) = told(education_staff)
    assert read(notice, "en") == (
        f"Order {order.number}, handled by Housing and Construction Commission: "
        "your unit is asked to co-handle it",
        f"{order.title}\nGive your unit's opinion on the order's page.",
    )
    assert read(notice, "zh-hans") == (
        f"工单 {order.number} 由区住房建设委主办，请本单位协办",
        f"{order.title}\n请在工单页面提出本单位意见。",
    )
    assert len(told(housing_staff)) == 1


def test_an_order_dispatched_from_triage_or_sent_on_tells_the_unit_it_goes_to(
    office_staff, housing_staff, mr_staff
):
    order = make_order(office_staff, send_to_triage=True)
    assert not Notification.objects.filter(category="dispatch").exists()
    workflow.workorder_dispatch(order_id=order.id, acting_user=office_staff, unit_code="housing")
    assert len(told(housing_staff)) == 1
    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="market-regulation", reason="属市场"
    )
    assert len(told(mr_staff)) == 1
    assert len(told(housing_staff)) == 1  # the unit it left is not told it again


def test_the_group_chat_robot_gets_the_title_and_link(office_staff):
    housing = unit("housing")
    housing.robot_webhook_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
    housing.save(update_fields=["robot_webhook_url"])
    order = make_order(office_staff, unit_code="housing")
    robot = Delivery.objects.get(channel=Delivery.Channel.ROBOT, address=housing.robot_webhook_url)
    assert order.number in robot.subject
    assert reverse("order_detail", args=[order.number]) in robot.body


def test_an_order_opened_on_accepting_a_lead_is_not_announced_to_the_unit_accepting(
    housing_staff, mr_staff
):
    lead = referrals.referral_send(
        acting_user=mr_staff,
        to_unit_code="housing",
        title="预售房屋延期交付",
        facts="开发商逾期交房",
    )
    referrals.referral_accept(referral_id=lead.id, acting_user=housing_staff, open_order=True)
    assert WorkOrder.objects.filter(primary_unit=unit("housing")).exists()
    assert not told(housing_staff)


def test_the_hotlines_orders_are_announced_by_the_worker_just_after_once(housing_staff):
    client, _, _ = api_client_create(name="12345")
    order, _ = services.hotline_intake(client=client, hotline_id="H-1", fields=FIELDS)
    assert order.primary_unit.code == "housing"
    assert not told(housing_staff)  # not in the hotline's request
    services.find_pending_duplicates()
    (notice,) = told(housing_staff)
    assert order.number in read(notice, "en")[0]
    services.hotline_intake(client=client, hotline_id="H-1", fields=FIELDS)  # a retry
    services.find_pending_duplicates()
    assert len(told(housing_staff)) == 1


def test_an_order_signed_for_before_the_worker_came_is_not_announced(housing_staff):
    client, _, _ = api_client_create(name="12345")
    order, _ = services.hotline_intake(client=client, hotline_id="H-2", fields=FIELDS)
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    services.find_pending_duplicates()
    assert not told(housing_staff)


def test_the_workers_batch_tells_in_a_fixed_number_of_queries(housing_staff, office_staff):
    client, _, _ = api_client_create(name="12345")

    def queries_to_tell(n: int, prefix: str) -> int:
        for i in range(n):
            services.hotline_intake(
                client=client,
                hotline_id=f"{prefix}-{i}",
                fields={**FIELDS, "content": f"{FIELDS['content']} {i}"},
            )
        orders = list(
            WorkOrder.objects.filter(hotline_id__startswith=prefix)
            .select_related("primary_unit")
            .only("id", *services.NEW_ORDER_NOTICE_FIELDS)
        )
        with CaptureQueriesContext(connection) as queries:
            workflow.tell_units_of_new_orders(orders)
        assert Notification.objects.filter(key__startswith="dispatched:").count() >= n
        return len(queries)

    assert queries_to_tell(2, "A") == queries_to_tell(5, "B")


def test_a_notice_told_after_the_time_to_sign_has_passed_says_so(housing_staff):
    """The hotline's orders are told by the worker just after intake answers; one that came
    late (the worker stopped a while, the periodic sweep caught up) would say "sign for it
    by" a time already gone, on an urgent order fifteen minutes after its call."""
    client, _, _ = api_client_create(name="12345")
    order, _ = services.hotline_intake(client=client, hotline_id="H-3", fields=FIELDS)
    due = f"{timezone.localtime(order.due_sign_for):%Y-%m-%d %H:%M}"
    with time_machine.travel(order.due_sign_for + timedelta(minutes=5), tick=False):
        services.find_pending_duplicates()
    (notice,) = told(housing_staff)
    assert read(notice, "en")[0] == (
        f"New order {order.number} for your unit: the time to sign for it, {due}, "
        "has passed; sign for it now"
    )
    assert read(notice, "zh-hans")[0] == (
        f"新工单 {order.number} 已派至本单位，签收时限 {due} 已过，请立即签收"
    )


def test_the_list_shows_a_new_order_with_the_work_orders_icon(client, office_staff, housing_staff):
    """Every notice but the reminders had the bell, so a new order to sign for looked like
    a meeting's minutes; it has the icon of the work orders in the menu."""
    make_order(office_staff, unit_code="housing")
    client.force_login(housing_staff)
    html = client.get(reverse("notification_list")).content.decode()
    (item,) = re.findall(r'<li class="list-group-item.*?</li>', html, re.S)
    assert 'class="bi bi-inboxes' in item


def test_an_order_back_with_a_unit_that_had_it_is_not_called_new(
    office_staff, housing_staff, mr_staff
):
    """A unit that returned an order, and has it dispatched to it again (or designated by
    the leader after the second return), must sign for it afresh: its notice says so, but
    not that the order is new to it, which it is not."""
    order = make_order(office_staff, unit_code="housing")
    workflow.workorder_return(order_id=order.id, acting_user=housing_staff, reason="不属本单位")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office_staff, unit_code="housing")
    order.refresh_from_db()
    due = f"{timezone.localtime(order.due_sign_for):%Y-%m-%d %H:%M}"
    first, again = told(housing_staff)
    assert read(first, "en")[0].startswith(f"New order {order.number} for your unit")
    assert read(again, "en")[0] == (
        f"Order {order.number} is with your unit again: sign for it by {due}"
    )
    assert read(again, "zh-hans")[0] == f"工单 {order.number} 再次派至本单位，请于 {due} 前签收"
    workflow.workorder_redispatch(
        order_id=order.id, acting_user=office_staff, unit_code="market-regulation", reason="属市场"
    )
    (notice,) = told(mr_staff)
    assert read(notice, "en")[0].startswith(f"New order {order.number} for your unit")


def test_the_leaders_designation_tells_a_co_handling_unit_once(office_staff, leader):
    """The leader's designation tells the co-handling units he names itself (with his
    reasons: `disputes._tell_designation`, a unit not party to the dispute at the order's
    page); the order's move does not tell them a second time. The unit designated hears
    both: the decision, and by when to sign for the order."""
    staff = {
        code: UserFactory(unit=unit(code), roles=[RoleCode.UNIT_STAFF])
        for code in ("commerce", "education", "market-regulation")
    }
    order = make_order(office_staff, unit_code="commerce", content="培训学校预付学费停课，要求退费")
    workflow.workorder_return(order_id=order.id, acting_user=staff["commerce"], reason="属教育")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office_staff, unit_code="education")
    workflow.workorder_return(order_id=order.id, acting_user=staff["education"], reason="属商务")
    dispute = disputes.dispute_propose(
        dispute_id=Dispute.objects.get(order=order).id,
        acting_user=office_staff,
        proposal="建议由教育局办理",
    )
    before = set(Notification.objects.values_list("id", flat=True))
    disputes.dispute_designate(
        dispute_id=dispute.id,
        acting_user=leader,
        unit_code="education",
        co_unit_codes=["market-regulation"],
        note="教育局主办",
    )
    new = Notification.objects.exclude(id__in=before)
    helper = list(new.filter(recipient=staff["market-regulation"]))
    assert [n.category for n in helper] == ["dispute"]
    designated = sorted(new.filter(recipient=staff["education"]).values_list("category", flat=True))
    assert designated == ["dispatch", "dispute"]


def test_an_urgent_orders_notice_says_so_first(office_staff, housing_staff):
    """A unit has less time to sign for an order about life, property, water or heating:
    its notice's title, which a text message and the group chat carry, says so first."""
    order = make_order(
        office_staff, unit_code="housing", urgency="utilities", content="小区停暖三天，老人受冻"
    )
    (notice,) = told(housing_staff)
    due = f"{timezone.localtime(order.due_sign_for):%Y-%m-%d %H:%M}"
    assert read(notice, "zh-hans")[0] == (
        f"【涉及水电气热】新工单 {order.number} 已派至本单位，请于 {due} 前签收"
    )
    assert read(notice, "en")[0] == (
        f"[Water, power, gas or heating] New order {order.number} for your unit: sign for it "
        f"by {due}"
    )
