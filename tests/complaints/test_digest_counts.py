"""The daily digest a head asks for: its title counts every overdue order of the unit (the
body lists the first ten and says how many more), and its link opens the overdue tab, not
the inbox's first tab (to sign for), which does not list them."""

from datetime import datetime

import pytest
import time_machine

from complaints import reminders
from complaints.deadlines import BEIJING
from departments.models import Notification
from tests.departments.test_notification_language import english
from tests.factories import make_order

# The orders set up here arrive untold: these tests count the notices they are about.
pytestmark = pytest.mark.usefixtures("orders_arrive_untold")


def test_the_digest_counts_all_overdue_orders_and_opens_the_overdue_tab(
    client, office_staff, housing_head
):
    housing_head.daily_digest = True
    housing_head.save(update_fields=["daily_digest"])
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=BEIJING), tick=False):
        orders = [make_order(office_staff, unit_code="housing") for _ in range(12)]
    with time_machine.travel(datetime(2026, 3, 10, 9, tzinfo=BEIJING), tick=False):
        assert reminders.send_daily_digests() == 1

    digest = Notification.objects.get(recipient=housing_head, category="digest")
    assert "12" in digest.title and "10" not in digest.title
    assert digest.url == "/orders/?tab=overdue"
    listed = [o.number for o in orders if o.number in digest.body]
    assert len(listed) == 10
    ((title, body),) = english(client, housing_head).items()
    assert title == "Daily digest: 12 overdue, 0 due soon"
    assert body.splitlines()[11] == "… and 2 more"


def test_a_digest_with_only_orders_due_soon_opens_the_due_soon_tab(office_staff, housing_head):
    housing_head.daily_digest = True
    housing_head.save(update_fields=["daily_digest"])
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=BEIJING), tick=False):
        make_order(office_staff, unit_code="housing")
    # Signing for is due by the end of 3 March, the next working day.
    with time_machine.travel(datetime(2026, 3, 2, 18, tzinfo=BEIJING), tick=False):
        assert reminders.send_daily_digests() == 1
    digest = Notification.objects.get(recipient=housing_head, category="digest")
    assert digest.url == "/orders/?tab=due_soon"
