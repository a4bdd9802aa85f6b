"""Reminders and overdue supervision over the 2026 National Day holiday.

Calendar facts used (State Council 2026 arrangement, as the chinese-calendar package knows
it, checked first below): 1–7 October are days off, Saturday 10 October is a make-up
working day. So after Wednesday 30 September the working days are 8, 9, 10 (Sat), 12, 13,
14, 15 October.
"""

from datetime import date, datetime

import chinese_calendar
import pytest
import time_machine

from complaints import reminders, workflow
from complaints.deadlines import BEIJING
from complaints.models import WorkOrder, WorkOrderEvent
from departments.models import Notification
from tests.factories import make_order

# The orders set up here arrive untold: these tests count the notices they are about.
pytestmark = pytest.mark.usefixtures("orders_arrive_untold")


def at(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


def keys_for(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("category", flat=True))


def test_the_calendar_facts_this_module_relies_on():
    assert not any(chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(date(2026, 10, 10))
    assert not chinese_calendar.is_workday(date(2026, 10, 11))


@pytest.fixture
def order_before_the_holiday(office_staff):
    with time_machine.travel(at(9, 30, 10), tick=False):
        return make_order(office_staff, unit_code="housing")


def test_the_decision_reminder_comes_one_working_day_before_after_the_holiday(
    office_staff, housing_staff, housing_head, order_before_the_holiday
):
    order = order_before_the_holiday
    with time_machine.travel(at(10, 8, 9), tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    order.refresh_from_db()
    assert order.next_due_name == "decision"
    assert order.next_due_at == at(10, 15, 23, 59).replace(second=59)

    for moment in (at(10, 10, 18), at(10, 11, 18), at(10, 13, 18)):
        with time_machine.travel(moment, tick=False):
            reminders.remind_due_soon()
    assert not Notification.objects.filter(category="due_soon", key__contains="decision").exists()

    with time_machine.travel(at(10, 14, 9), tick=False):
        assert reminders.remind_due_soon() == 1
        assert reminders.remind_due_soon() == 0
    reminded = Notification.objects.filter(category="due_soon", key__contains="decision")
    assert sorted(n.recipient.username for n in reminded) == sorted(
        [housing_staff.username, housing_head.username]
    )
    assert order.number in reminded.first().title


def test_an_unsigned_order_is_supervised_the_day_after_and_escalates_by_working_days(
    office_staff, office_director, leader, housing_head, order_before_the_holiday
):
    order = order_before_the_holiday
    assert order.due_sign_for == at(10, 8, 23, 59).replace(second=59)

    with time_machine.travel(at(10, 8, 23), tick=False):
        assert reminders.supervise_overdue() == 0
    with time_machine.travel(at(10, 9, 0, 30), tick=False):
        assert reminders.supervise_overdue() == 1
        assert reminders.supervise_overdue() == 0
    event = WorkOrderEvent.objects.get(order=order, action="supervise")
    assert event.data["automatic"] is True
    order.refresh_from_db()
    assert order.supervision_count == 1
    assert keys_for(housing_head) == ["overdue"]  # day 0 and day 1 steps, told once
    assert keys_for(office_staff) == ["overdue"]
    assert keys_for(office_director) == []

    with time_machine.travel(at(10, 11, 12), tick=False):  # Sunday: still 2 working days
        reminders.supervise_overdue()
    assert keys_for(office_director) == []
    with time_machine.travel(at(10, 12, 0, 30), tick=False):  # 9, 10 (Sat), 12: day 3
        reminders.supervise_overdue()
    assert keys_for(office_director) == ["overdue"]
    assert keys_for(leader) == []
    with time_machine.travel(at(10, 14, 0, 30), tick=False):  # 13, 14: day 5
        reminders.supervise_overdue()
        reminders.supervise_overdue()
    assert keys_for(leader) == ["overdue"]
    assert WorkOrderEvent.objects.filter(order=order, action="supervise").count() == 1
    order.refresh_from_db()
    assert order.next_escalation_at is None


def test_signing_late_starts_the_next_deadline_with_its_own_escalation(
    office_staff, housing_staff, housing_head, order_before_the_holiday
):
    order = order_before_the_holiday
    with time_machine.travel(at(10, 9, 0, 30), tick=False):
        reminders.supervise_overdue()
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    order.refresh_from_db()
    assert order.next_due_name == "decision"
    assert order.next_escalation_at == order.next_due_at
    with time_machine.travel(at(10, 16, 0, 30), tick=False):
        assert reminders.supervise_overdue() == 1
    assert WorkOrderEvent.objects.filter(order=order, action="supervise").count() == 2


def test_a_resolved_order_is_neither_reminded_nor_supervised(
    office_staff, housing_staff, order_before_the_holiday
):
    order = order_before_the_holiday
    with time_machine.travel(at(10, 8, 9), tick=False):
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
        workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已处理")
    with time_machine.travel(at(10, 20, 9), tick=False):
        assert reminders.remind_due_soon() == 0
        assert reminders.supervise_overdue() == 0
    assert not Notification.objects.exists()


def test_an_order_in_triage_reminds_the_office(office_staff):
    with time_machine.travel(at(9, 30, 10), tick=False):
        order = make_order(office_staff, unit_code="", send_to_triage=True, kind="inquiry")
    assert order.next_due_name == "answer"
    with time_machine.travel(at(10, 12, 9), tick=False):  # answer due 13 Oct (5 working days)
        assert reminders.remind_due_soon() == 1
    assert keys_for(office_staff) == ["due_soon"]


def test_the_digest_lists_what_is_overdue_for_the_unit(
    office_staff, housing_staff, order_before_the_holiday
):
    housing_staff.daily_digest = True
    housing_staff.save(update_fields=["daily_digest"])
    with time_machine.travel(at(10, 12, 8), tick=False):
        assert reminders.send_daily_digests() == 1
        assert reminders.send_daily_digests() == 0
    digest = Notification.objects.get(recipient=housing_staff, category="digest")
    assert order_before_the_holiday.number in digest.body
    assert "1" in digest.title


@pytest.mark.services
@pytest.mark.skipif(
    "postgresql" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: two connections and SKIP LOCKED",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_scanning_at_once_tell_everyone_exactly_once():
    import threading

    from django.db import connection

    from departments.choices import RoleCode
    from tests.factories import UserFactory, unit

    office = UserFactory(username="scan_office", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    UserFactory(username="scan_housing", unit=unit("housing"), roles=[RoleCode.UNIT_HEAD])
    with time_machine.travel(at(9, 30, 10), tick=False):
        for _ in range(30):
            make_order(office, unit_code="housing")
    barrier = threading.Barrier(2)
    errors = []

    def scan():
        try:
            barrier.wait()
            reminders.supervise_overdue(now=at(10, 9, 0, 30))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert WorkOrderEvent.objects.filter(action="supervise").count() == 30
    per_person = Notification.objects.filter(recipient__username="scan_housing").count()
    assert per_person == 30  # steps 0 and 1 fire together: once for each of the 30 orders
    assert WorkOrder.objects.filter(supervision_count=1).count() == 30


def test_the_head_is_told_once_when_two_of_the_head_steps_fall_due_in_one_scan(
    office_staff, housing_head, order_before_the_holiday
):
    """The default steps tell the head on the day an order is overdue and again on day 1;
    a scan that finds it already 1 working day overdue (the first one after a deadline at
    the end of a day always does) fires both at once. The head gets one notification, not
    two with the same title in the bell."""
    with time_machine.travel(at(10, 9, 0, 30), tick=False):
        assert reminders.supervise_overdue() == 1
    titles = list(
        Notification.objects.filter(recipient=housing_head).values_list("title", flat=True)
    )
    assert len(titles) == 1
    assert order_before_the_holiday.number in titles[0]


def test_signing_is_reminded_on_its_last_day_not_minutes_after_the_new_order_notice(
    office_staff, housing_staff
):
    """Signing is due the next working day, which the new-order notice names: reminded a
    working day before it, every order's reminder came minutes after its notice."""
    with time_machine.travel(at(10, 9, 16), tick=False):  # Friday; Saturday 10th is worked
        order = make_order(office_staff, unit_code="housing")
    assert (order.next_due_name, order.next_due_at) == (
        "sign_for",
        at(10, 10, 23, 59).replace(second=59),
    )
    for moment in (at(10, 9, 16, 5), at(10, 9, 23, 55)):
        with time_machine.travel(moment, tick=False):
            assert reminders.remind_due_soon() == 0
    assert keys_for(housing_staff) == []
    with time_machine.travel(at(10, 10, 0, 5), tick=False):
        assert reminders.remind_due_soon() == 1
    assert keys_for(housing_staff) == ["due_soon"]
    assert "签收" in Notification.objects.get(recipient=housing_staff).title
