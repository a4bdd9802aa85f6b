"""The satisfaction call-back and closing, as the office does them on the order's page.

Found walking through the office's day: the rating list opened on "Satisfied", so a form
sent without a choice raised the satisfaction rate; a dissatisfied answer said only
"Satisfaction call-back", not that the order went back to the unit, and the unit was not
told; "Close the order" came first, above the call-back, and closed at one click an order no
one had called back."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from complaints import workflow
from complaints.models import WorkOrder
from departments.models import Notification
from tests.complaints.test_api import ORDER
from tests.factories import make_order

# The orders set up here arrive untold: these tests count the notices they are about.
pytestmark = pytest.mark.usefixtures("orders_arrive_untold")


@pytest.fixture
def resolved(office_staff, mr_staff):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=mr_staff, result="已责令退款")
    return order


def _page(client, user, order, language: str = "en") -> str:
    client.cookies["django_language"] = language
    client.force_login(user)
    return client.get(reverse("order_detail", args=[order.number])).content.decode()


def _form(html: str, action: str) -> str:
    found = re.search(rf'(<form[^>]*/{action}/"[^>]*>.*?</form>)', html, re.S)
    assert found, action
    return found.group(1)


def _act(client, order, action: str, **data):
    order.refresh_from_db()
    return client.post(
        reverse("order_act", args=[order.number, action]),
        {"version": order.version, **data},
        follow=True,
    )


def test_the_rating_must_be_chosen_it_is_not_satisfied_by_default(client, office_staff, resolved):
    form = _form(_page(client, office_staff, resolved), "satisfaction")
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)<', form)
    assert options[0] == ("", "Choose the citizen's answer")
    assert [value for value, _ in options[1:]] == [
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
    ]
    assert "selected" not in form and "required" in form


def test_a_call_back_sent_without_a_rating_is_refused_and_records_nothing(
    client, office_staff, resolved
):
    client.cookies["django_language"] = "en"
    client.force_login(office_staff)
    response = _act(client, resolved, "satisfaction", rating="", comment="没说")
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "Choose what the citizen said at the call-back: Satisfied, Basically satisfied, "
        "Dissatisfied."
    ]
    resolved.refresh_from_db()
    assert resolved.satisfaction == "" and resolved.status == "resolved"
    assert not resolved.events.filter(action="satisfaction").exists()


def test_a_dissatisfied_call_back_says_the_order_went_back_to_the_unit_which_is_told(
    client, office_staff, mr_staff, resolved, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "en"
    client.force_login(office_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, resolved, "satisfaction", rating="dissatisfied", comment="仍未退款")
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        f"Order {resolved.number}: the dissatisfied call-back is recorded, and the order is "
        "back with Market Regulation Bureau to handle again."
    ]
    resolved.refresh_from_db()
    assert resolved.status == "in_progress"
    told = Notification.objects.get(recipient=mr_staff)
    assert resolved.number in told.title and "回访不满意" in told.title
    assert told.url == reverse("order_detail", args=[resolved.number])
    assert "仍未退款" not in told.title + told.body  # read on the order's page


def test_a_satisfied_call_back_tells_no_unit(
    client, office_staff, resolved, django_capture_on_commit_callbacks
):
    client.force_login(office_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, resolved, "satisfaction", rating="satisfied")
    assert [str(m) for m in response.context["messages"]] == [
        f"工单 {resolved.number}：已完成满意度回访。"
    ]
    assert not Notification.objects.exists()


def test_the_hotlines_dissatisfied_call_back_tells_the_unit_too(
    api, mr_staff, django_capture_on_commit_callbacks
):
    pushed = api(
        "post",
        "/api/v1/hotline/work-orders/",
        {**ORDER, "hotline_id": "CB-1", "content": "超市卖过期酸奶，不给退", "category": "食品"},
    )
    assert pushed.status_code == 201, pushed.content
    order = WorkOrder.objects.get(hotline_id="CB-1")
    assert order.primary_unit.code == "market-regulation"
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=mr_staff, result="已退货")
    with django_capture_on_commit_callbacks(execute=True):
        answer = api(
            "post",
            "/api/v1/hotline/work-orders/CB-1/satisfaction/",
            {"rating": "dissatisfied", "comment": "没退"},
        )
    assert answer.status_code == 200, answer.content
    told = Notification.objects.get(recipient=mr_staff, category="return")
    assert order.number in told.title


def test_closing_an_order_no_one_called_back_asks_first_and_the_call_back_comes_first(
    client, office_staff, resolved
):
    html = _page(client, office_staff, resolved)
    assert html.index("/satisfaction/") < html.index("/close/")
    close = _form(html, "close")
    assert re.search(
        rf'data-confirm="Close order {resolved.number}\? No satisfaction call-back is recorded',
        close,
    )
    chinese = _form(_page(client, office_staff, resolved, "zh-hans"), "close")
    assert "尚未登记满意度回访" in chinese


def test_closing_after_the_call_back_asks_nothing(client, office_staff, resolved):
    workflow.workorder_record_satisfaction(
        order_id=resolved.id, acting_user=office_staff, rating="satisfied"
    )
    close = _form(_page(client, office_staff, resolved), "close")
    assert "data-confirm" not in close


def test_a_call_back_before_the_order_was_reopened_does_not_count_for_its_new_result(
    client, office_staff, mr_staff, resolved
):
    workflow.workorder_record_satisfaction(
        order_id=resolved.id, acting_user=office_staff, rating="dissatisfied"
    )
    workflow.workorder_resolve(order_id=resolved.id, acting_user=mr_staff, result="已退款")
    close = _form(_page(client, office_staff, resolved), "close")
    assert "data-confirm" in close


def test_the_supervision_forms_button_says_it_sends_not_that_it_opens(client, office_staff):
    order = make_order(office_staff)
    english = _form(_page(client, office_staff, order), "supervise")
    chinese = _form(_page(client, office_staff, order, "zh-hans"), "supervise")
    assert re.search(r"<button[^>]*>Confirm supervision</button>", english)
    assert re.search(r"<button[^>]*>确认督办</button>", chinese)
