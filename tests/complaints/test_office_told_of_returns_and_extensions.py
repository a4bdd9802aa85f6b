"""The coordination office hears at once that a unit returned an order (it is back in the
triage queue, to dispatch again) or asked to extend a deadline (for the office to approve or
refuse), as units hear at once of new orders. Before, the office learnt of both only from
its home page's to-do list, though both wait on its action.

Who is told is who may act: the people `workflow.can` lets dispatch the returned order, or
decide the request; no one else (the unit, the group leader)."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import disputes, workflow
from complaints.choices import Action
from complaints.models import Dispute, PossibleDuplicate, WorkOrder, WorkOrderEvent
from departments.choices import RoleCode
from departments.models import Delivery, Notification, User
from tests.complaints.test_new_order_notice import read
from tests.complaints.test_workflow import accepted, at, request_extension
from tests.factories import UserFactory, make_order, unit

pytestmark = pytest.mark.django_db

REASON = "电梯维修属特种设备安全监管，应由区市场监管局办理"


@pytest.fixture(autouse=True)
def monday():
    """Monday 6 July 2026, 10:00 in Beijing: every deadline below is a working day's."""
    with time_machine.travel(at(2026, 7, 6), tick=False):
        yield


def told(user, category: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, category=category).order_by("id"))


def office_person(role: str = RoleCode.OFFICE_STAFF, **fields):
    return UserFactory(unit=unit("office"), roles=[role], **fields)


def local(due) -> str:
    return f"{timezone.localtime(due):%Y-%m-%d %H:%M}"


def returned(office_staff, housing_staff, reason: str = REASON, **order) -> WorkOrder:
    made = make_order(office_staff, unit_code="housing", **order)
    workflow.workorder_return(order_id=made.id, acting_user=housing_staff, reason=reason)
    return WorkOrder.objects.get(id=made.id)


# -- a return ------------------------------------------------------------------------------


def test_a_return_tells_the_people_who_may_dispatch_the_order_again(
    office_staff, office_director, leader, housing_staff, housing_head, mr_staff
):
    order = returned(office_staff, housing_staff)
    for person in (office_staff, office_director):
        assert workflow.can(person, order, Action.DISPATCH)
        (notice,) = told(person, "return")
        assert notice.key == f"returned:{order.id}:1"
        assert notice.url == reverse("order_detail", args=[order.number])
        assert read(notice, "en") == (
            f"Order {order.number} returned by Housing and Construction Commission "
            "(1 return so far): dispatch it again",
            f"{order.title}\nReason for returning: {REASON}",
        )
        assert read(notice, "zh-hans") == (
            f"工单 {order.number} 被区住房建设委退回（已退回 1 次），请重新派单",
            f"{order.title}\n退单理由：{REASON}",
        )
    for person in (leader, housing_staff, housing_head, mr_staff):
        assert not workflow.can(person, order, Action.DISPATCH)
        assert not told(person, "return")


def test_a_text_message_carries_the_order_number_but_not_the_citizens_or_units_words(
    office_staff, housing_staff
):
    """A text message carries the title alone, and a phone's screen is read by others: the
    title names the order by its number, the unit and how many times it came back; the
    reason (which may quote the citizen) and the order's title (often the citizen's first
    words) are in the text, read in the portal and by email."""
    office_staff.phone, office_staff.notify_by_sms = "13900002222", True
    office_staff.email = "office1@wuqing.example"
    office_staff.save(update_fields=["phone", "notify_by_sms", "email"])
    order = returned(
        office_staff,
        housing_staff,
        reason="来电人李四（13812345678）反映的是电梯质量问题，不属本单位",
        content="我叫李四，电话13812345678，小区电梯停运三天",
    )
    sms = Delivery.objects.get(channel=Delivery.Channel.SMS, address="13900002222")
    email = Delivery.objects.get(channel=Delivery.Channel.EMAIL, address=office_staff.email)
    for text in (sms.subject, sms.body, email.subject):
        assert "13812345678" not in text and "李四" not in text
        assert order.number in text
    assert "不属本单位" in email.body and reverse("order_detail", args=[order.number]) in email.body


def test_a_long_reason_is_cut_in_the_notice_and_read_whole_on_the_order(
    office_staff, housing_staff
):
    reason = "经核实，" + "该投诉涉及的经营行为不在本单位职责范围内，" * 30
    order = returned(office_staff, housing_staff, reason=reason)
    (notice,) = told(office_staff, "return")
    body = read(notice, "zh-hans")[1]
    quoted = body.split("退单理由：", 1)[1]
    assert quoted.endswith("…") and len(quoted) <= 200
    assert reason.startswith(quoted[:-1])
    assert WorkOrderEvent.objects.filter(order=order, note=reason).exists()


def test_a_return_undone_tells_no_one(office_staff, housing_staff):
    """Written in the return's transaction: told while it holds, gone if it is undone."""
    order = make_order(office_staff, unit_code="housing")

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        workflow.workorder_return(order_id=order.id, acting_user=housing_staff, reason="不属本单位")
        assert len(told(office_staff, "return")) == 1
        raise Undone
    assert not told(office_staff, "return")


def test_a_return_tells_in_a_fixed_number_of_queries_however_many_are_in_the_office(
    office_staff,
):
    def queries_to_return() -> int:
        order = make_order(office_staff, unit_code="housing")
        returning = UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])
        with CaptureQueriesContext(connection) as queries:
            workflow.workorder_return(order_id=order.id, acting_user=returning, reason="不属本单位")
        return len(queries)

    office_staff.email = "office1@wuqing.example"
    office_staff.save(update_fields=["email"])
    few = queries_to_return()
    for i in range(4):
        office_person(email=f"office-{i}@wuqing.example", phone=f"1390000{i:04d}")
    User.objects.filter(unit=unit("office")).update(notify_by_sms=True, phone="13900009999")
    many = queries_to_return()
    assert few == many
    assert Notification.objects.filter(category="return").count() == 1 + 5
    assert Delivery.objects.filter(channel=Delivery.Channel.SMS).count() == 5


def test_the_second_return_that_opens_a_dispute_is_told_once_saying_so(office_staff, leader):
    """The second return opens a jurisdiction dispute (`disputes.dispute_for_second_return`),
    which told the office on its own that it was opened: the office heard of one return
    twice. It hears once, from a notice saying both: the order came back a second time, from
    which unit, and the dispute it opened, linking to the dispute's page, where the office
    writes its proposal to the group leader."""
    commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    education = UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF])
    order = make_order(office_staff, unit_code="commerce", content="培训学校停课不退预付学费")
    workflow.workorder_return(order_id=order.id, acting_user=commerce, reason="属教育")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office_staff, unit_code="education")
    workflow.workorder_return(order_id=order.id, acting_user=education, reason="属商务")
    dispute = Dispute.objects.get(order=order)

    first, second = Notification.objects.filter(recipient=office_staff).order_by("id")
    assert (first.key, second.key) == (f"returned:{order.id}:1", f"returned:{order.id}:2")
    assert second.category == "return"
    assert second.url == reverse("dispute_detail", args=[dispute.id])
    due = local(dispute.decision_due_at)
    assert read(second, "en") == (
        f"Order {order.number} returned by Education Bureau (2 returns so far): "
        f"jurisdiction dispute {dispute.number} opened",
        f"{order.title}\nReason for returning: 属商务\n"
        "Write the office's proposal on the dispute's page; the group leader's decision is "
        f"due by {due}.",
    )
    assert read(second, "zh-hans") == (
        f"工单 {order.number} 被区教育局退回（已退回 2 次），已立项管辖争议 {dispute.number}",
        f"{order.title}\n退单理由：属商务\n请在争议页面提出协调办意见，组长应于 {due} 前作出决定。",
    )
    assert not Notification.objects.filter(recipient=leader).exists()

    # Called on its own, not from a return (which tells the office itself), the dispute
    # still tells the office it was opened, as before.
    other = make_order(office_staff, unit_code="commerce")
    alone = disputes.dispute_for_second_return(other, commerce, "不属于本单位职责")
    (notice,) = told(office_staff, "dispute")
    assert notice.key == f"dispute_opened:{alone.id}"


# -- an extension request ------------------------------------------------------------------


def test_an_extension_request_tells_the_people_who_decide_it(
    office_staff, office_director, leader, mr_staff, mr_head
):
    order = accepted(office_staff, mr_staff)
    before = local(order.due_resolution)
    request = request_extension(order, mr_staff, days=5)
    order = WorkOrder.objects.get(id=order.id)
    after = local(workflow.deadline_if_extended(order, "resolution", 5))
    for person in (office_staff, office_director):
        assert workflow.can(person, order, Action.APPROVE_EXTENSION)
        (notice,) = told(person, "extension")
        assert notice.key == f"extension_requested:{request.id}"
        assert notice.url == reverse("order_detail", args=[order.number])
        assert read(notice, "en") == (
            f"Extension requested: {order.number}, Market Regulation Bureau asks 5 more "
            "working days on Resolution",
            f"{order.title}\nResolution due {before}; if approved, {after}.\n"
            "Reason for the extension: 需要现场核查",
        )
        assert read(notice, "zh-hans") == (
            f"延期申请：{order.number}，区市场监管局申请办结时限延长 5 个工作日",
            f"{order.title}\n办结时限现为 {before}，如予批准延至 {after}。\n延期理由：需要现场核查",
        )
    for person in (leader, mr_staff, mr_head):
        assert not workflow.can(person, order, Action.APPROVE_EXTENSION)
        assert not told(person, "extension")


def test_an_extension_request_is_told_once_in_a_fixed_number_of_queries(office_staff, mr_staff):
    def queries_to_request() -> int:
        order = accepted(office_staff, mr_staff)
        with CaptureQueriesContext(connection) as queries:
            request = request_extension(order, mr_staff)
        workflow.tell_office_of_extension_request(order, request)  # once per request
        return len(queries)

    few = queries_to_request()
    for i in range(4):
        office_person(RoleCode.OFFICE_DIRECTOR if i == 0 else RoleCode.OFFICE_STAFF)
    many = queries_to_request()
    assert few == many
    assert Notification.objects.filter(category="extension").count() == 1 + 5


def test_an_extension_request_undone_tells_no_one(office_staff, mr_staff):
    order = accepted(office_staff, mr_staff)

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        request_extension(order, mr_staff)
        assert len(told(office_staff, "extension")) == 1
        raise Undone
    assert not told(office_staff, "extension")


# -- what is done is no longer unread --------------------------------------------------------


def unread(user, category: str) -> list[Notification]:
    return [n for n in told(user, category) if n.read_at is None]


def test_dispatching_the_returned_order_marks_its_return_read_for_the_whole_office(
    office_staff, office_director, housing_staff
):
    order = returned(office_staff, housing_staff)
    assert unread(office_staff, "return") and unread(office_director, "return")
    workflow.workorder_dispatch(
        order_id=order.id, acting_user=office_director, unit_code="market-regulation"
    )
    assert not unread(office_staff, "return") and not unread(office_director, "return")


def test_merging_the_returned_order_marks_its_return_read_for_the_whole_office(
    office_staff, office_director, housing_staff
):
    """A returned order found, in the triage queue, to repeat an earlier one is merged
    rather than dispatched: the return asks nothing more of the office either."""
    first = make_order(office_staff, citizen_phone="13812345678")
    order = returned(office_staff, housing_staff, citizen_phone="13812345678")
    assert order.status == "triage" and unread(office_director, "return")
    pair = PossibleDuplicate.objects.get(order=order, other=first)
    workflow.workorder_merge(order_id=order.id, acting_user=office_staff, duplicate_id=pair.id)
    assert not unread(office_staff, "return") and not unread(office_director, "return")


def test_deciding_a_request_marks_it_read_for_the_whole_office(
    office_staff, office_director, mr_staff
):
    order = accepted(office_staff, mr_staff)
    request_extension(order, mr_staff)
    assert unread(office_staff, "extension") and unread(office_director, "extension")
    workflow.workorder_decide_extension(order_id=order.id, acting_user=office_staff, approve=True)
    assert not unread(office_staff, "extension") and not unread(office_director, "extension")


def test_a_request_withdrawn_by_a_return_is_no_longer_unread(office_staff, mr_staff):
    """The order left the unit that asked, so the request is withdrawn and there is
    nothing for the office to decide; the return is what it acts on now."""
    order = accepted(office_staff, mr_staff)
    request_extension(order, mr_staff)
    workflow.workorder_return(order_id=order.id, acting_user=mr_staff, reason="不属本单位")
    assert not unread(office_staff, "extension")
    assert len(unread(office_staff, "return")) == 1


# -- where a person reads of them ----------------------------------------------------------


def test_the_office_reads_on_its_settings_page_that_it_is_told_of_both(
    client, office_staff, housing_staff
):
    def told_of(user) -> str:
        client.force_login(user)
        client.cookies["django_language"] = "en"
        html = client.get(reverse("notification_settings")).content.decode()
        return re.search(r'id="told-of">(.*?)</ul>', html, re.S)[1]

    office = told_of(office_staff)
    assert "An order a unit returned to the office, and a jurisdiction dispute it opened" in office
    assert "A unit's request to extend a deadline, for the office to decide" in office
    assert "returned to the office" not in told_of(housing_staff)


def test_the_list_shows_a_return_and_an_extension_request_with_their_icons(
    client, office_staff, housing_staff, mr_staff
):
    returned(office_staff, housing_staff)
    request_extension(accepted(office_staff, mr_staff), mr_staff)
    client.force_login(office_staff)
    html = client.get(reverse("notification_list")).content.decode()
    extension, back = re.findall(r'<li class="list-group-item.*?</li>', html, re.S)
    assert 'class="bi bi-arrow-return-left' in back
    assert 'class="bi bi-calendar-plus' in extension
