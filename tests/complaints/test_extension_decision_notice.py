"""The unit is told what the office decided on its extension request: the person who asked
and the unit's head (who answers for the unit's deadlines), with the deadline as it now
stands and the office's note, opening the order. Before, the decision was only a line in
the order's history, so a refused request went unnoticed until the order was overdue."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from complaints import workflow
from departments.models import Notification
from tests.complaints.test_workflow import accepted, request_extension
from tests.departments.test_notification_language import english


@pytest.fixture
def requests_reach_the_office_untold(monkeypatch):
    """The requests set up here are not announced to the office (tests/complaints/
    test_office_told_of_returns_and_extensions.py checks that they are)."""
    monkeypatch.setattr(
        "complaints.workflow.tell_office_of_extension_request", lambda order, request: None
    )


# The orders and requests set up here arrive untold: these tests count the notices they
# are about.
pytestmark = pytest.mark.usefixtures("orders_arrive_untold", "requests_reach_the_office_untold")


def test_a_refused_extension_tells_the_requester_and_the_head_why(
    client, office_staff, mr_staff, mr_head, housing_staff
):
    order = accepted(office_staff, mr_staff)
    request_extension(order, mr_staff)
    assert not Notification.objects.exists()

    order = workflow.workorder_decide_extension(
        order_id=order.id, acting_user=office_staff, approve=False, note="理由不充分"
    )

    due = timezone.localtime(order.due_resolution).strftime("%Y-%m-%d %H:%M")
    for person in (mr_staff, mr_head):
        assert english(client, person) == {
            f"Extension refused: {order.number}, Resolution still due {due}": (
                f"{order.title}\n\nThe office's note: 理由不充分"
            )
        }
        (notice,) = Notification.objects.filter(recipient=person)
        assert notice.url == f"/orders/{order.number}/"
    assert not Notification.objects.filter(recipient__in=[housing_staff, office_staff]).exists()


def test_an_approved_extension_without_a_note_tells_the_new_deadline(
    client, office_staff, mr_staff, mr_head
):
    order = accepted(office_staff, mr_staff)
    request_extension(order, mr_staff)
    order = workflow.workorder_decide_extension(
        order_id=order.id, acting_user=office_staff, approve=True
    )

    due = timezone.localtime(order.due_resolution).strftime("%Y-%m-%d %H:%M")
    expected = {f"Extension approved: {order.number}, Resolution now due {due}": order.title}
    assert english(client, mr_staff) == expected
    assert english(client, mr_head) == expected


def local(due) -> str:
    return timezone.localtime(due).strftime("%Y-%m-%d %H:%M")


def test_an_approval_whose_new_deadline_has_passed_says_the_order_stays_overdue(
    client, office_staff, mr_staff
):
    """An extension adds working days to the deadline, not to today: approved on a deadline
    long past, the new one may have passed too. The notice said "now due" that time, as if
    the order were back in time; now its title (all a text message carries) says it stays
    overdue, and its text how many more working days would bring it ahead, as the unit's
    form does (`workflow.late_extension`)."""
    order = accepted(office_staff, mr_staff)
    with time_machine.travel(order.due_resolution + timedelta(days=10), tick=False):
        request_extension(order, mr_staff, days=1)
        order = workflow.workorder_decide_extension(
            order_id=order.id, acting_user=office_staff, approve=True
        )
        late = workflow.late_extension(order, "resolution", timezone.now())
    assert late.fewest_days and late.fewest_days > 1
    assert english(client, mr_staff) == {
        f"Extension approved: {order.number}, Resolution now due "
        f"{local(order.due_resolution)}, which has already passed: the order stays overdue": (
            f"{order.title}\n"
            "An extension adds working days to the deadline, not to today: a further "
            f"extension would need at least {late.fewest_days} working days to bring it ahead."
        )
    }


def test_an_approval_that_even_the_longest_extension_cannot_bring_back_says_so(
    client, office_staff, mr_staff
):
    order = accepted(office_staff, mr_staff)
    with time_machine.travel(order.due_resolution + timedelta(days=74), tick=False):
        request_extension(order, mr_staff)
        order = workflow.workorder_decide_extension(
            order_id=order.id, acting_user=office_staff, approve=True, note="同意"
        )
    ((title, body),) = english(client, mr_staff).items()
    assert title.endswith("which has already passed: the order stays overdue")
    assert body == (
        f"{order.title}\n\nThe office's note: 同意\n"
        "An extension adds working days to the deadline, not to today: even the longest "
        f"further extension, {workflow.MAX_EXTENSION_DAYS} working days, would leave it past."
    )


def test_a_refusal_on_a_passed_deadline_says_the_order_is_overdue(client, office_staff, mr_staff):
    order = accepted(office_staff, mr_staff)
    with time_machine.travel(order.due_resolution + timedelta(days=3), tick=False):
        request_extension(order, mr_staff)
        order = workflow.workorder_decide_extension(
            order_id=order.id, acting_user=office_staff, approve=False, note="理由不充分"
        )
    assert english(client, mr_staff) == {
        f"Extension refused: {order.number}, Resolution was due {local(order.due_resolution)}: "
        "the order is overdue": f"{order.title}\n\nThe office's note: 理由不充分"
    }
