"""The turn of the year 2026 -> 2027: numbering, and deadlines that run into a year whose
holidays only the office's table knows (chinese-calendar 1.11 stops at 2026)."""

from datetime import date, datetime

import pytest
import time_machine

from complaints import workflow
from complaints.deadlines import BEIJING
from complaints.models import CalendarDay, WorkOrder
from tests.factories import make_order


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def end_of(y, m, d):
    return datetime(y, m, d, 23, 59, 59, tzinfo=BEIJING)


@pytest.fixture
def clock():
    """Monday 14 December 2026, 10:00 in Beijing."""
    with time_machine.travel(at(2026, 12, 14), tick=False) as traveller:
        yield traveller


def accepted_order(office_staff, mr_staff) -> WorkOrder:
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    return workflow.workorder_accept(order_id=order.id, acting_user=mr_staff)


SPRING_FESTIVAL_2027 = [date(2027, 2, d) for d in (8, 9, 10, 11, 12)]


def test_entering_next_years_holidays_recounts_the_open_orders_deadlines(
    clock, client, office_staff, mr_staff
):
    # Accepted Monday 14 December: 45 working days, 13 of them in 2026 (package) and 32 in
    # 2027, counted Monday to Friday for want of data: 1 January ... Monday 15 February.
    order = accepted_order(office_staff, mr_staff)
    assert order.due_resolution == end_of(2027, 2, 15)
    untouched = make_order(office_staff)  # sign-for due 15 December: before the holidays
    before = WorkOrder.objects.get(id=untouched.id).due_sign_for

    client.force_login(office_staff)
    for day, name in [(date(2027, 1, 1), "元旦"), *((d, "春节") for d in SPRING_FESTIVAL_2027)]:
        response = client.post(
            "/admin/complaints/calendarday/add/",
            {"date": day.isoformat(), "name": name},  # is_workday unticked: a day off
        )
        assert response.status_code == 302, response.content.decode()[:2000]

    # Six working days fewer before it: 16, 17, 18, 19, 22, 23 February.
    order = WorkOrder.objects.get(id=order.id)
    assert order.due_resolution == end_of(2027, 2, 23)
    assert order.next_due_at == end_of(2027, 2, 23)
    assert order.next_due_name == "resolution"
    assert WorkOrder.objects.get(id=untouched.id).due_sign_for == before
    page = client.get("/admin/complaints/calendarday/").content.decode()
    assert "recounted" in page or "重新计算" in page


def test_removing_a_holiday_recounts_them_back(clock, client, office_staff, mr_staff):
    CalendarDay.objects.create(date=date(2027, 2, 8), is_workday=False, name="春节")
    order = accepted_order(office_staff, mr_staff)
    assert order.due_resolution == end_of(2027, 2, 16)

    client.force_login(office_staff)
    day = CalendarDay.objects.get(date=date(2027, 2, 8))
    response = client.post(
        f"/admin/complaints/calendarday/{day.id}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200

    assert WorkOrder.objects.get(id=order.id).due_resolution == end_of(2027, 2, 15)


def test_deleting_holidays_from_the_list_recounts_them_back(clock, client, office_staff, mr_staff):
    for day in SPRING_FESTIVAL_2027[:2]:
        CalendarDay.objects.create(date=day, is_workday=False, name="春节")
    order = accepted_order(office_staff, mr_staff)
    assert order.due_resolution == end_of(2027, 2, 17)

    client.force_login(office_staff)
    response = client.post(
        "/admin/complaints/calendarday/",
        {
            "action": "delete_selected",
            "_selected_action": list(CalendarDay.objects.values_list("id", flat=True)),
            "post": "yes",
        },
    )
    assert response.status_code == 302

    assert not CalendarDay.objects.exists()
    assert WorkOrder.objects.get(id=order.id).due_resolution == end_of(2027, 2, 15)
