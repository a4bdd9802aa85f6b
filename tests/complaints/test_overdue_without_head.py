"""An overdue order of a unit with no head set: the escalation step meant for its head tells
its liaisons instead, saying why; a unit with neither head nor liaison is the office's to
hear of. Nobody in the portal may miss an overdue order because a role is unfilled."""

from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import reminders
from complaints.deadlines import BEIJING
from complaints.models import EscalationStep
from departments.choices import RoleCode
from departments.models import Notification
from tests.departments.test_notification_language import as_written, english
from tests.factories import UserFactory, make_order, unit

# The orders set up here arrive untold: these tests count the notices they are about.
pytestmark = pytest.mark.usefixtures("orders_arrive_untold")

# Signing for a Monday's order is due by the end of Tuesday 3 March 2026; on Wednesday it is
# 1 working day late, on Friday 3.
MONDAY = datetime(2026, 3, 2, 9, tzinfo=BEIJING)
WEDNESDAY = datetime(2026, 3, 4, 9, tzinfo=BEIJING)


@pytest.fixture
def housing_liaison(db):
    return UserFactory(
        username="housing_liaison1", unit=unit("housing"), roles=[RoleCode.UNIT_LIAISON]
    )


def overdue_order(office_staff, unit_code="housing"):
    with time_machine.travel(MONDAY, tick=False):
        return make_order(office_staff, unit_code=unit_code)


def said_why(notice) -> str:
    """What the line under the order's title was written from (its message), whatever the
    district's catalogue makes of it; "" for a notice without one."""
    lines = (notice.messages.get("body") or {}).get("lines", [])
    return lines[1]["id"] if len(lines) > 1 else ""


LIAISON_INSTEAD = "You are told as a liaison of %(unit)s: the unit has no head set in the portal."
NOBODY_THERE = "%(unit)s has neither a head nor a liaison in the portal"


def scan(when=WEDNESDAY):
    with time_machine.travel(when, tick=False):
        return reminders.supervise_overdue()


def test_without_a_head_the_liaisons_are_told_and_why(
    client, office_staff, housing_staff, housing_liaison
):
    order = overdue_order(office_staff)
    assert scan() == 1
    told = Notification.objects.filter(recipient=housing_liaison)
    assert told.count() == 1  # the day-0 and day-1 head steps fire together: told once
    notice = told.get()
    assert notice.category == "overdue" and order.number in notice.title
    assert said_why(notice) == LIAISON_INSTEAD
    assert notice.body.startswith(f"{order.title}\n") and "区住房建设委" in notice.body
    assert english(client, housing_liaison) == {
        f"Overdue 1 working day: {order.number}, Sign for": (
            f"{order.title}\nYou are told as a liaison of Housing and Construction "
            "Commission: the unit has no head set in the portal."
        )
    }
    # The head's step tells no one else of the unit, and the office as it always was.
    assert not Notification.objects.filter(recipient=housing_staff).exists()
    assert list(as_written(office_staff).values()) == [order.title]
    assert scan() == 0
    assert told.count() == 1


def test_a_head_is_told_as_before_and_the_liaisons_are_not(
    office_staff, housing_liaison, housing_head
):
    order = overdue_order(office_staff)
    scan()
    assert list(as_written(housing_head).values()) == [order.title]
    assert not Notification.objects.filter(recipient=housing_liaison).exists()


def test_an_inactive_head_counts_as_none(office_staff, housing_liaison, housing_head):
    housing_head.is_active = False
    housing_head.save(update_fields=["is_active"])
    overdue_order(office_staff)
    scan()
    assert Notification.objects.filter(recipient=housing_liaison).count() == 1


def test_without_head_or_liaison_the_office_is_told_once_per_order_and_step(
    client, office_staff, office_director, housing_staff
):
    order = overdue_order(office_staff)
    scan()
    told = Notification.objects.filter(recipient=office_staff)
    assert told.count() == 1  # its own step and the head's two: one notice, saying why
    notice = told.get()
    assert order.number in notice.title
    assert said_why(notice).startswith(NOBODY_THERE)
    assert notice.body.startswith(f"{order.title}\n") and "区住房建设委" in notice.body
    assert english(client, office_staff) == {
        f"Overdue 1 working day: {order.number}, Sign for": (
            f"{order.title}\nHousing and Construction Commission has neither a head "
            "nor a liaison in the portal, so no one there was told this order is overdue: "
            "tell the unit, and set its head or liaison."
        )
    }
    assert not Notification.objects.filter(recipient=housing_staff).exists()
    assert not Notification.objects.filter(recipient=office_director).exists()
    assert scan() == 0
    assert told.count() == 1
    # Another head step later in the order's life tells the office again: once per step.
    # (The scan takes the order up again on day 3, the director's step.)
    EscalationStep.objects.create(days_overdue=2, recipients=EscalationStep.Recipients.UNIT_HEAD)
    scan(datetime(2026, 3, 6, 9, tzinfo=BEIJING))
    assert told.count() == 2
    assert all(said_why(notice).startswith(NOBODY_THERE) for notice in told)


def test_the_office_hears_why_even_when_its_own_later_step_fires_in_the_same_scan(
    office_staff, housing_staff
):
    """With the office's own step later than the head's and both falling due in one scan,
    the office's one notice of the scan is still the one saying the unit has nobody."""
    EscalationStep.objects.all().delete()
    EscalationStep.objects.create(days_overdue=0, recipients=EscalationStep.Recipients.UNIT_HEAD)
    EscalationStep.objects.create(days_overdue=1, recipients=EscalationStep.Recipients.OFFICE)
    overdue_order(office_staff)
    scan()
    notice = Notification.objects.get(recipient=office_staff)
    assert said_why(notice).startswith(NOBODY_THERE)


def test_the_scan_costs_the_same_queries_however_many_units_lack_a_head(office_staff):
    """People are loaded once per scan: a unit without head or liaison adds no query per
    order (nor does naming it in the message)."""
    UserFactory(unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON])
    overdue_order(office_staff, "housing")
    with CaptureQueriesContext(connection) as one:
        scan()
    Notification.objects.all().delete()
    for code in ("housing", "market-regulation", "housing", "market-regulation", "housing"):
        overdue_order(office_staff, code)
    with CaptureQueriesContext(connection) as five:
        assert scan() == 5
    assert len(five.captured_queries) == len(one.captured_queries)
    # The three of housing (nobody there) came to the office saying why; the two of market
    # regulation went to its liaison, and the office heard of them by its own step alone.
    told = Notification.objects.filter(recipient=office_staff)
    assert told.count() == 5
    assert sorted(said_why(notice)[:30] for notice in told) == ["", ""] + [NOBODY_THERE[:30]] * 3
