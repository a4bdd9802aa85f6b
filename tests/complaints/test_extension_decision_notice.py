"""The unit is told what the office decided on its extension request: the person who asked
and the unit's head (who answers for the unit's deadlines), with the deadline as it now
stands and the office's note, opening the order. Before, the decision was only a line in
the order's history, so a refused request went unnoticed until the order was overdue."""

import pytest
from django.utils import timezone

from complaints import workflow
from departments.models import Notification
from tests.complaints.test_workflow import accepted, request_extension
from tests.departments.test_notification_language import english

# The orders set up here arrive untold: these tests count the notices they are about.
pytestmark = pytest.mark.usefixtures("orders_arrive_untold")


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
