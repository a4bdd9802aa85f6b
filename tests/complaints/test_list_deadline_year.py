"""The inbox's "Next deadline" column wrote a deadline as "12-28 23:59": in January an order
left from December read as due at the end of this year. A deadline of another year now has
its year written out; one of this year stays short for the narrow column."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from complaints.models import WorkOrder
from tests.factories import make_order

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def deadline_cell(client, settings) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("order_list") + "?tab=all").content.decode()
    [cell] = re.findall(r'<td[^>]*data-label="Next deadline">(.*?)</td>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell))


def test_a_deadline_of_last_year_reads_with_its_year(office_staff, mr_staff, client, settings):
    order = make_order(office_staff)
    due = datetime(2026, 12, 28, 23, 59, 59, tzinfo=BEIJING)
    WorkOrder.objects.filter(id=order.id).update(next_due_at=due)
    with time_machine.travel(datetime(2027, 1, 8, 10, 0, tzinfo=BEIJING), tick=False):
        client.force_login(mr_staff)  # a session lasts a working day
        assert "2026-12-28 23:59" in deadline_cell(client, settings)
    with time_machine.travel(datetime(2026, 12, 20, 10, 0, tzinfo=BEIJING), tick=False):
        client.force_login(mr_staff)
        cell = deadline_cell(client, settings)
    assert "12-28 23:59" in cell
    assert "2026-12-28" not in cell
