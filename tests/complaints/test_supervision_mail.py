from django.core import mail

from complaints import workflow
from complaints.models import WorkOrderEvent
from complaints.tasks import notify_supervision
from tests.factories import make_order


def test_supervising_mails_the_unit_once_after_commit(
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
    event = WorkOrderEvent.objects.get(order=order, action="supervise")
    assert notify_supervision(event.id) == 1
    assert notify_supervision(event.id) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["housing@example.cn"]
    assert order.number in message.subject and "督办" in message.subject
    assert "请于明日前答复" in message.body
