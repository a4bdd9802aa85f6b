"""An action on the order page refused because the order changed meanwhile (the office
supervised it while the unit wrote its reply) said "Nothing was saved; the page now shows
its current state" and showed the page with the form empty: the result, the reason for a
return or an extension, a pause or a co-handling opinion the unit had typed was gone. The
page now shows the order as it is with what was typed back in its form, open, to read the
change and send again; once shown, it is not shown again."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from complaints import workflow
from complaints.models import WorkOrder
from tests.factories import make_order

pytestmark = pytest.mark.django_db

RESULT = "经现场检查，超市已下架过期酸奶，责令退还货款并处罚款。"


@pytest.fixture
def order(office_staff, mr_staff):
    o = make_order(office_staff)
    workflow.workorder_sign(order_id=o.id, acting_user=mr_staff)
    return WorkOrder.objects.get(id=o.id)


def test_a_result_refused_as_stale_comes_back_in_its_form(order, mr_staff, office_staff, client):
    seen = order.version
    workflow.workorder_supervise(order_id=order.id, acting_user=office_staff, note="请尽快办结")
    client.force_login(mr_staff)
    url = reverse("order_act", args=[order.number, "resolve"])
    page = client.post(url, {"version": seen, "result": RESULT}, follow=True)
    html = page.content.decode()
    assert WorkOrder.objects.get(id=order.id).status == "in_progress"
    assert re.search(f'id="resolve-result"[^>]*>{RESULT}</textarea>', html)
    assert '<details class="action-details mb-2" id="details-resolve" open>' in html
    again = client.get(reverse("order_detail", args=[order.number])).content.decode()
    assert RESULT not in again


@pytest.mark.parametrize(
    ("action", "fields", "shown"),
    [
        ("return", {"reason": "电梯安全属特种设备监管"}, ">电梯安全属特种设备监管</textarea>"),
        ("pause", {"reason": "样品送检"}, 'value="样品送检"'),
        (
            "request_extension",
            {"working_days": "12", "reason": "等待检测报告"},
            ">等待检测报告</textarea>",
        ),
    ],
)
def test_other_reasons_refused_as_stale_come_back_too(
    order, mr_staff, office_staff, client, action, fields, shown
):
    seen = order.version
    workflow.workorder_supervise(order_id=order.id, acting_user=office_staff, note="请尽快办结")
    client.force_login(mr_staff)
    url = reverse("order_act", args=[order.number, action])
    html = client.post(url, {"version": seen, **fields}, follow=True).content.decode()
    assert shown in html
    if action == "request_extension":
        assert 'value="12"' in html


def test_what_was_typed_for_one_order_is_not_shown_on_another(
    order, mr_staff, office_staff, client
):
    other = make_order(office_staff)
    workflow.workorder_sign(order_id=other.id, acting_user=mr_staff)
    seen = order.version
    workflow.workorder_supervise(order_id=order.id, acting_user=office_staff, note="请尽快办结")
    client.force_login(mr_staff)
    client.post(
        reverse("order_act", args=[order.number, "resolve"]), {"version": seen, "result": RESULT}
    )
    assert RESULT not in client.get(reverse("order_detail", args=[other.number])).content.decode()
    assert RESULT in client.get(reverse("order_detail", args=[order.number])).content.decode()


SUPERVISION = "请于本周五前联系消费者并反馈处理进度。"


def test_a_supervision_refused_as_stale_comes_back_in_its_form(
    order, mr_staff, office_staff, client
):
    """The office writes what the unit is asked to do while the unit records a handling
    note: the supervision is refused as the order changed, and the office's words were lost
    with the form closed; now they come back in it, open, with the refusal read beside it."""
    seen = order.version
    workflow.workorder_add_note(order_id=order.id, acting_user=mr_staff, text="已电话联系商家")
    client.force_login(office_staff)
    url = reverse("order_act", args=[order.number, "supervise"])
    html = client.post(url, {"version": seen, "note": SUPERVISION}, follow=True).content.decode()
    assert WorkOrder.objects.get(id=order.id).supervision_count == 0
    assert re.search(f'id="supervise-note"[^>]*>{SUPERVISION}</textarea>', html)
    assert re.search(r'<details class="action-details mb-2" id="details-supervise" open>', html)
    again = client.get(reverse("order_detail", args=[order.number])).content.decode()
    assert SUPERVISION not in again


def test_a_blank_supervision_is_refused_beside_its_field(order, office_staff, client):
    client.force_login(office_staff)
    url = reverse("order_act", args=[order.number, "supervise"])
    html = client.post(url, {"version": order.version, "note": "   "}, follow=True)
    html = html.content.decode()
    assert re.search(r'id="supervise-note"[^>]*aria-invalid="true"', html)
    assert re.search(r'<details class="action-details mb-2" id="details-supervise" open>', html)


# After who changed the order, when and how (tests/complaints/test_changed_meanwhile.py).
KEPT = (
    "while you had it open, so nothing was saved. The page shows the order as it is now; the "
    "form keeps what you typed: check it and send it again."
)
NOT_KEPT = "while you had it open, so nothing was saved. The page shows the order as it is now."


def _in_english(client, person):
    client.force_login(person)
    client.cookies["django_language"] = "en"


def test_the_refusal_says_the_form_keeps_what_was_typed_and_it_does(
    order, mr_staff, office_staff, client
):
    seen = order.version
    workflow.workorder_supervise(order_id=order.id, acting_user=office_staff, note="请尽快办结")
    _in_english(client, mr_staff)
    url = reverse("order_act", args=[order.number, "resolve"])
    html = client.post(url, {"version": seen, "result": RESULT}, follow=True).content.decode()
    said = KEPT
    assert said in html
    assert "was changed by someone else while you were looking at it" not in html
    form = re.search(r'<form[^>]*action="[^"]*/resolve/"[^>]*>.*?</form>', html, re.S).group(0)
    assert re.search(f'id="resolve-result"[^>]*>{RESULT}</textarea>', form)
    assert html.count(said) == 1, "read once, at the top: it is about the order, not the text"
    assert said not in form
    assert 'aria-invalid="true"' not in form


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("supervise", {"note": SUPERVISION}),
        ("return", {"reason": "电梯安全属特种设备监管"}),
        ("note", {"text": "已电话联系商家"}),
    ],
)
def test_a_stale_refusal_is_read_once_on_the_order_page(
    order, mr_staff, mr_liaison, office_staff, client, action, fields
):
    """It was shown at the top and again beside the field that keeps the text."""
    seen = order.version
    workflow.workorder_pause(order_id=order.id, acting_user=mr_liaison, reason="样品送检")
    workflow.workorder_resume(order_id=order.id, acting_user=mr_liaison)
    person = office_staff if action == "supervise" else mr_staff
    _in_english(client, person)
    if action == "note":
        url = reverse("order_note", args=[order.number])
    else:
        url = reverse("order_act", args=[order.number, action])
    html = client.post(url, {"version": seen, **fields}, follow=True).content.decode()
    said = KEPT
    assert html.count(said) == 1
    assert next(iter(fields.values())) in html


def test_a_note_refused_as_stale_says_the_same(order, mr_staff, office_staff, client):
    seen = order.version
    workflow.workorder_supervise(order_id=order.id, acting_user=office_staff, note="请尽快办结")
    _in_english(client, mr_staff)
    url = reverse("order_note", args=[order.number])
    html = client.post(url, {"version": seen, "text": "已电话联系商家"}, follow=True)
    html = html.content.decode()
    assert KEPT in html
    assert re.search(r'id="note-text"[^>]*>已电话联系商家</textarea>', html)


def test_an_order_resolved_meanwhile_says_why_it_cannot_be_resolved_now(
    order, mr_staff, mr_liaison, client
):
    """Someone else of the unit replied meanwhile: the order is resolved, the page has no
    form for a result. The refusal said only that the order had changed, sending the user
    back to a page without the action; now it says why the action cannot be done, once,
    and promises no form that keeps the text."""
    seen = order.version
    workflow.workorder_resolve(order_id=order.id, acting_user=mr_liaison, result="已办结。")
    _in_english(client, mr_staff)
    url = reverse("order_act", args=[order.number, "resolve"])
    html = client.post(url, {"version": seen, "result": RESULT}, follow=True).content.decode()
    said = f"Order {order.number} has the status “Resolved”; it cannot be resolved now."
    assert html.count(said) == 1
    assert "while you had it open" not in html
    assert "the form keeps what you typed" not in html
    assert RESULT not in html


def test_an_action_whose_form_keeps_nothing_does_not_promise_it(
    order, mr_staff, office_staff, client
):
    """Excluding from the statistics: its reason is not kept after a refusal."""
    seen = order.version
    workflow.workorder_add_note(order_id=order.id, acting_user=mr_staff, text="已电话联系商家")
    _in_english(client, office_staff)
    url = reverse("order_act", args=[order.number, "exclude"])
    html = client.post(url, {"version": seen, "reason": "重复来电"}, follow=True)
    html = html.content.decode()
    assert NOT_KEPT in html
    assert "the form keeps what you typed" not in html
