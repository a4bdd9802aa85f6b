"""The triage queue marks an order a unit has given back. Only a second return was marked,
as "退回 2×": an order the Housing and Construction Commission had returned once stood in
the office's queue like one never dispatched, though the office must read why the unit
gave it back before sending it on (a second return opens a jurisdiction dispute). The
count was written with "×", which is not how a district official writes it; the mark now
reads "returned once" / "returned 2 times" (已退回 1 次 / 已退回 2 次)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from complaints import workflow
from tests.factories import make_order

pytestmark = pytest.mark.django_db


def queue_row(client, office_staff, order, language: str = "en") -> str:
    client.force_login(office_staff)
    client.cookies["django_language"] = language
    page = client.get(reverse("order_list") + "?tab=triage").content.decode()
    rows = re.findall(r"<tr[ >].*?</tr>", page, re.S)
    found = [row for row in rows if order.number in row]
    assert len(found) == 1, order.number
    return found[0]


@pytest.fixture
def returned_once(office_staff, housing_staff):
    order = make_order(office_staff, unit_code="housing")
    workflow.workorder_return(order_id=order.id, acting_user=housing_staff, reason="属发改委职责")
    return order


def test_an_order_returned_once_is_marked_in_the_queue(client, office_staff, returned_once):
    row = queue_row(client, office_staff, returned_once)
    assert 'data-returns="1"' in row
    assert "returned once" in row


def test_an_order_returned_twice_says_how_many_times_in_words(
    client, office_staff, mr_staff, returned_once
):
    workflow.workorder_dispatch(
        order_id=returned_once.id, acting_user=office_staff, unit_code="market-regulation"
    )
    workflow.workorder_return(order_id=returned_once.id, acting_user=mr_staff, reason="也不是")
    row = queue_row(client, office_staff, returned_once)
    assert 'data-returns="2"' in row
    assert "returned 2 times" in row
    assert "×" not in row


def test_an_order_never_returned_carries_no_mark(client, office_staff):
    order = make_order(office_staff, send_to_triage=True)
    assert "data-returns" not in queue_row(client, office_staff, order)


def test_in_chinese_the_mark_counts_in_times_not_with_a_multiplication_sign(
    client, office_staff, returned_once
):
    """Needs the catalogue's Chinese for the new msgid (已退回 %(n)s 次)."""
    row = queue_row(client, office_staff, returned_once, language="zh-hans")
    assert "已退回 1 次" in row
