"""The inbox's "Next deadline" column gave a date and how long is left, without saying
which deadline: an order to sign whose acceptance decision was overdue read as "overdue 52
days" in the To sign tab, as if signing were late. Each row now names the deadline it
shows (Sign for, Acceptance decision, Resolution, Answer), as the order's page does."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from complaints import workflow
from tests.factories import make_order

pytestmark = pytest.mark.django_db


def deadline_cells(client, settings, tab: str) -> list[str]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("order_list") + f"?tab={tab}").content.decode()
    cells = re.findall(r'<td[^>]*data-label="Next deadline">(.*?)</td>', html, re.S)
    return [re.sub(r"<[^>]+>", " ", cell) for cell in cells]


def test_each_row_names_the_deadline_it_shows(office_staff, mr_staff, client, settings):
    to_sign = make_order(office_staff)
    signed = make_order(office_staff)
    workflow.workorder_sign(order_id=signed.id, acting_user=mr_staff)
    client.force_login(mr_staff)
    [cell] = deadline_cells(client, settings, "to_sign")
    to_sign.refresh_from_db()
    first = "Sign for" if to_sign.next_due_at == to_sign.due_sign_for else "Acceptance decision"
    assert first in cell
    [cell] = deadline_cells(client, settings, "in_progress")
    assert "Acceptance decision" in cell
    assert "Sign for" not in cell
