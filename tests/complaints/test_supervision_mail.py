import pytest
from django.core import mail

from complaints import workflow
from departments.models import Notification
from departments.notifications import send_due_deliveries
from tests.factories import make_order

# The orders set up here arrive untold: these tests count the notices they are about.
pytestmark = pytest.mark.usefixtures("orders_arrive_untold")


def test_supervising_tells_the_unit_under_the_bell_and_by_mail_after_commit(
    office_staff, housing_staff, mr_staff, django_capture_on_commit_callbacks
):
    housing_staff.email = "housing@example.cn"
    housing_staff.save(update_fields=["email"])
    mr_staff.email = "mr@example.cn"
    mr_staff.save(update_fields=["email"])
    order = make_order(office_staff, unit_code="housing")
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.workorder_supervise(
            order_id=order.id, acting_user=office_staff, note="请于明日前答复"
        )
    assert len(callbacks) == 1
    assert mail.outbox == []
    told = Notification.objects.get(category="supervise")
    assert told.recipient == housing_staff
    assert order.number in told.title and "督办" in told.title
    assert "请于明日前答复" in told.body
    assert send_due_deliveries() == 1
    assert send_due_deliveries() == 0
    assert [m.to for m in mail.outbox] == [["housing@example.cn"]]
