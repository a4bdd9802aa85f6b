"""The group leader may supervise (督办) an order as the office does; the unit is told who
pressed it. It was told "The coordination office supervises order …" whoever did, so a
deputy district head's supervision read as the office's routine chase."""

import pytest

from complaints import workflow
from departments.models import Notification
from tests.departments.test_notification_language import listed
from tests.factories import make_order

# Only the supervision's notice: not the one telling the unit of the new order.
pytestmark = pytest.mark.usefixtures("orders_arrive_untold")


def test_the_unit_is_told_the_group_leader_supervises(client, office_staff, leader, housing_staff):
    order = make_order(office_staff, unit_code="housing", title="Broken lift")
    workflow.workorder_supervise(order_id=order.id, acting_user=leader, note="请于明日前答复")
    ((title, body),) = listed(client, housing_staff, "en").items()
    assert title == f"The group leader supervises order {order.number}"
    assert body == (
        f"The group leader supervises order {order.number} (Broken lift):\n\n"
        "请于明日前答复\n\nPlease handle it and reply in the portal."
    )


def test_the_offices_supervision_is_told_as_before(client, office_staff, housing_staff):
    order = make_order(office_staff, unit_code="housing", title="Broken lift")
    workflow.workorder_supervise(order_id=order.id, acting_user=office_staff, note="请答复")
    ((title, body),) = listed(client, housing_staff, "en").items()
    assert title == f"Supervision of order {order.number}"
    assert body.startswith(f"The coordination office supervises order {order.number}")
    assert Notification.objects.filter(recipient=housing_staff).count() == 1
