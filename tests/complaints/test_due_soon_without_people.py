"""A deadline coming for an order whose handling unit has no one active in the portal: the
office's staff are reminded instead, with a line saying that no one in the unit was, so that
the reminder is never marked sent having told nobody."""

from datetime import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import reminders
from complaints.deadlines import BEIJING
from departments.models import Delivery, Notification
from tests.departments.test_notification_language import english
from tests.factories import make_order

# A Monday's order is to be signed for by the end of Tuesday 3 March 2026: on Tuesday morning
# it is within the reminder's lead time of one working day.
MONDAY = datetime(2026, 3, 2, 9, tzinfo=BEIJING)
TUESDAY = datetime(2026, 3, 3, 9, tzinfo=BEIJING)

NO_ONE_THERE = (
    "%(unit)s has no one in the portal, so no one there was told: tell the unit, and add its "
    "people."
)


def order_of(office_staff, unit_code="housing", title="Property fee charged twice"):
    with time_machine.travel(MONDAY, tick=False):
        return make_order(office_staff, unit_code=unit_code, title=title)


def remind() -> int:
    with time_machine.travel(TUESDAY, tick=False):
        return reminders.remind_due_soon()


def due_soon(user):
    return Notification.objects.filter(recipient=user, category="due_soon")


def said_why(notice) -> str:
    """What the line under the order's title was written from; "" for a notice without one."""
    lines = (notice.messages.get("body") or {}).get("lines", [])
    return lines[1]["id"] if len(lines) > 1 else ""


def test_a_unit_with_no_one_has_its_reminder_told_to_the_office_saying_why(
    client, office_staff, office_director
):
    order = order_of(office_staff)
    assert remind() == 1
    notice = due_soon(office_staff).get()
    assert order.number in notice.title
    assert said_why(notice) == NO_ONE_THERE
    assert notice.body.startswith(f"{order.title}\n") and "区住房建设委" in notice.body
    shown = english(client, office_staff)
    assert len(shown) == 1
    assert list(shown.values()) == [
        f"{order.title}\nHousing and Construction Commission has no one in the portal, so no "
        "one there was told: tell the unit, and add its people."
    ]
    assert not due_soon(office_director).exists()
    assert remind() == 0
    assert due_soon(office_staff).count() == 1


def test_a_unit_with_people_is_reminded_as_before_and_the_office_not(office_staff, housing_staff):
    order_of(office_staff)
    assert remind() == 1
    assert said_why(due_soon(housing_staff).get()) == ""
    assert not due_soon(office_staff).exists()


def test_inactive_people_count_as_no_one(office_staff, housing_staff):
    housing_staff.is_active = False
    housing_staff.save(update_fields=["is_active"])
    order_of(office_staff)
    remind()
    assert said_why(due_soon(office_staff).get()) == NO_ONE_THERE


def test_the_reminders_cost_the_same_queries_however_many_units_have_no_one(office_staff, mr_staff):
    """People are read once per run: an order of a unit with no one adds no query."""
    order_of(office_staff, "market-regulation")
    with CaptureQueriesContext(connection) as one:
        assert remind() == 1
    for n, code in enumerate(("housing", "commerce", "market-regulation", "housing", "commerce")):
        order_of(office_staff, code, title=f"Order {n}")
    with CaptureQueriesContext(connection) as five:
        assert remind() == 5
    assert len(five.captured_queries) == len(one.captured_queries)
    assert due_soon(mr_staff).count() == 2
    why = sorted(said_why(notice) for notice in due_soon(office_staff))
    assert why == [NO_ONE_THERE] * 4
    assert remind() == 0


def test_the_office_told_by_sms_that_no_one_was_learns_why_and_not_the_orders_title(
    office_staff,
):
    office_staff.email, office_staff.phone = "office1@example.cn", "13812345678"
    office_staff.notify_by_email = office_staff.notify_by_sms = True
    office_staff.save(update_fields=["email", "phone", "notify_by_email", "notify_by_sms"])
    order = order_of(office_staff, title="王先生反映物业费重复收取")
    remind()
    notice = due_soon(office_staff).get()
    why = notice.body.split("\n")[1]
    assert "区住房建设委" in why
    sms = Delivery.objects.get(channel="sms")
    assert sms.body == f"{notice.title}\n{why}"
    assert order.title not in sms.body
    email = Delivery.objects.get(channel="email")
    assert email.body.startswith(f"{order.title}\n{why}\n")
