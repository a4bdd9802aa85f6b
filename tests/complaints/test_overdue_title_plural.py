"""The head's overdue notification counts working days in English as English counts them:
"Overdue 1 working day", not "Overdue 1 working days"."""

from datetime import datetime

import pytest
import time_machine

from complaints import reminders
from complaints.deadlines import BEIJING
from tests.departments.test_notification_language import english
from tests.factories import make_order

# The orders set up here arrive untold: these tests count the notices they are about.
pytestmark = pytest.mark.usefixtures("orders_arrive_untold")


def test_one_working_day_overdue_is_said_in_the_singular(
    client, office_staff, office_director, housing_head
):
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=BEIJING), tick=False):
        order = make_order(office_staff, unit_code="housing")
    # Signing for was due by the end of Tuesday 3 March; Wednesday it is 1 working day late.
    with time_machine.travel(datetime(2026, 3, 4, 9, tzinfo=BEIJING), tick=False):
        reminders.supervise_overdue()
    assert list(english(client, housing_head)) == [
        f"Overdue 1 working day: {order.number}, Sign for"
    ]
    # On day 3 the office director's step says it in the plural.
    with time_machine.travel(datetime(2026, 3, 6, 9, tzinfo=BEIJING), tick=False):
        reminders.supervise_overdue()
    assert list(english(client, office_director)) == [
        f"Overdue 3 working days: {order.number}, Sign for"
    ]
