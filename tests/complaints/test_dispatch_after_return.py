"""The office dispatches an order a unit returned from the order's page, and reads there,
by the form, which unit returned it and why. The form chose for it the unit the routing
rules had picked, which is the unit that had just returned it: one click on "Dispatch"
sent the order straight back, and a second return opens a jurisdiction dispute. The unit's
reason was only in the history, on a phone two screens below the form."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from complaints import workflow
from tests.factories import make_order
from tests.helpers import form_html

pytestmark = pytest.mark.django_db

REASON = "购买商品房退房事宜属区住房建设委职责"
AGAIN = "不属本委职责"


def dispatch_form(client, user, order, language: str = "en") -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    return form_html(page, "form-dispatch")


def chosen(form: str) -> list[str]:
    select = re.search(r'<select name="unit" id="dispatch-unit".*?</select>', form, re.S)[0]
    return re.findall(r'<option value="([^"]*)"[^>]*\sselected', select)


@pytest.fixture
def returned(office_staff, mr_staff):
    order = make_order(office_staff)
    assert order.routing["candidates"][0]["unit"] == "market-regulation"
    workflow.workorder_return(order_id=order.id, acting_user=mr_staff, reason=REASON)
    return order


def test_the_form_does_not_choose_the_unit_that_returned_the_order(client, office_staff, returned):
    form = dispatch_form(client, office_staff, returned)
    assert chosen(form) == []
    # Nor is that unit's co-handling box held back as if it were the primary unit.
    box = re.search(r'<input[^>]*name="co_units"[^>]*value="market-regulation"[^>]*>', form)[0]
    assert "disabled" not in box


def test_the_form_says_who_returned_the_order_and_why(client, office_staff, returned):
    form = dispatch_form(client, office_staff, returned)
    said = re.search(r'id="dispatch-returns".*?</div>\s*</div>', form, re.S)[0]
    assert "Returned by Market Regulation Bureau" in said
    assert REASON in said
    form = dispatch_form(client, office_staff, returned, "zh-hans")
    said = re.search(r'id="dispatch-returns".*?</div>\s*</div>', form, re.S)[0]
    assert "区市场监管局" in said and REASON in said


def test_after_two_returns_both_units_and_reasons_are_read(
    client, office_staff, housing_staff, returned
):
    workflow.workorder_dispatch(order_id=returned.id, acting_user=office_staff, unit_code="housing")
    workflow.workorder_return(order_id=returned.id, acting_user=housing_staff, reason=AGAIN)
    form = dispatch_form(client, office_staff, returned)
    said = re.search(r'id="dispatch-returns".*?</div>\s*</div>', form, re.S)[0]
    assert said.index("Market Regulation Bureau") < said.index("Housing and Construction")
    assert REASON in said and AGAIN in said
    assert chosen(form) == []


def test_an_order_never_returned_keeps_the_rules_choice_and_says_nothing_of_returns(
    client, office_staff
):
    order = make_order(None, send_to_triage=True)
    assert order.routing["candidates"][0]["unit"] == "market-regulation"
    form = dispatch_form(client, office_staff, order)
    assert "dispatch-returns" not in form
    assert chosen(form) == ["market-regulation"]
