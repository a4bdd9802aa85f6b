"""The demo's sample orders are dated from their receipt (`date_history_from_receipt`), days
or months before loading, but the notice telling their unit of each was written at loading,
and counted from then: market regulation's bell read "New order WQ-2026-000026 for your
unit: sign for it by 2026-12-04 23:59", dated the day of loading, for an order whose page
reads "Sign for 07-14 23:59, overdue 141 d"; even the sample received yesterday read a
sign-for time a day later than its page's and than the due-soon reminder beside it. Each
notice is now dated as its dispatch, and says the sign-for time the order's page says."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from complaints.deadlines import BEIJING
from complaints.demo import load_demo_orders
from complaints.models import WorkOrder
from departments.demo import load_demo
from departments.models import Notification
from reports.demo import load_demo_reports
from wuqing_consumer.dates import minute

pytestmark = pytest.mark.django_db


def test_each_new_order_notice_of_the_demo_is_dated_and_worded_as_its_order_dispatched():
    with time_machine.travel(datetime(2026, 12, 3, 15, 20, tzinfo=BEIJING), tick=False):
        load_demo()
        assert load_demo_orders()
        assert load_demo_reports()
    notices = Notification.objects.filter(key__startswith="dispatched:")
    assert notices.count() > 20
    orders = WorkOrder.objects.in_bulk({int(n.key.split(":")[1]) for n in notices})
    for notice in notices:
        order = orders[int(notice.key.split(":")[1])]
        assert notice.created_at == order.dispatched_at, order.number
        due = minute(order.due_sign_for)
        assert due in notice.title, (order.number, notice.title, due)
        assert notice.messages["title"]["params"]["due"] == due, order.number
