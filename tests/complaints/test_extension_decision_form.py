"""The office's form to decide an extension request. In Chinese it read "…现截止
2026-…23:59。 如予批准…": two translated sentences joined by the template's space, which
English needs and Chinese does not (`{% sentences %}`, as `texts.sentences` for messages).
Refusing with no note said so only at the top of the page; the note field is now marked
and its reason read beside it, as the order page's other refused forms are."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from complaints import workflow
from complaints.models import WorkOrder
from tests.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(office_staff, mr_staff):
    o = make_order(office_staff)
    workflow.workorder_sign(order_id=o.id, acting_user=mr_staff)
    workflow.workorder_request_extension(
        order_id=o.id, acting_user=mr_staff, working_days=5, reason="等待检测报告"
    )
    return WorkOrder.objects.get(id=o.id)


def decision_form(html: str) -> str:
    return re.search(r'id="form-extension-decision">(.*?)</form>', html, re.S)[1]


def test_the_deadline_lines_in_chinese_have_no_space_between_sentences(order, office_staff, client):
    client.force_login(office_staff)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("order_detail", args=[order.number])).content.decode()
    line = re.search(r'id="pending-extension-deadline">(.*?)</div>', html, re.S)[1]
    assert "。" in line and "如予批准" in line
    assert "。 " not in line


def test_the_deadline_lines_in_english_keep_their_space(order, office_staff, client):
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("order_detail", args=[order.number])).content.decode()
    line = re.search(r'id="pending-extension-deadline">(.*?)</div>', html, re.S)[1]
    assert re.search(r"\. If approved, the new deadline is ", line)


def test_the_sentences_tag_joins_as_texts_sentences_and_drops_empty_parts():
    template = Template(
        "{% load written %}{% sentences %}{{ a }}{% sentence %}{% if b %}{{ b }}{% endif %}"
        "{% sentence %} <strong>{{ c }}</strong> {% endsentences %}"
    )
    assert template.render(Context({"a": "已办结。", "b": "", "c": "请核对。"})) == (
        "已办结。<strong>请核对。</strong>"
    )
    assert template.render(Context({"a": "Done.", "b": "Check.", "c": "<x>"})) == (
        "Done. Check. <strong>&lt;x&gt;</strong>"
    )


def test_refusing_with_no_note_marks_the_note_field(order, office_staff, client):
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    url = reverse("order_act", args=[order.number, "refuse_extension"])
    html = client.post(
        url, {"version": order.version, "decision": "refuse", "note": "  "}, follow=True
    ).content.decode()
    assert WorkOrder.objects.get(id=order.id).extension_requests.get().status == "pending"
    form = decision_form(html)
    field = re.search(r'<input type="text" name="note"[^>]*>', form)[0]
    assert 'aria-invalid="true"' in field
    described = re.search(r'aria-describedby="([^"]+)"', field)[1]
    assert re.search(rf'id="{described}"[^>]*>[^<]*\S', form)
    again = client.get(reverse("order_detail", args=[order.number])).content.decode()
    assert "aria-invalid" not in decision_form(again)


def test_a_note_refused_as_stale_comes_back_in_the_decision_form(order, office_staff, client):
    seen = order.version
    workflow.workorder_supervise(order_id=order.id, acting_user=office_staff, note="请尽快办结")
    client.force_login(office_staff)
    url = reverse("order_act", args=[order.number, "refuse_extension"])
    html = client.post(
        url, {"version": seen, "decision": "refuse", "note": "理由不充分"}, follow=True
    ).content.decode()
    assert WorkOrder.objects.get(id=order.id).extension_requests.get().status == "pending"
    assert 'value="理由不充分"' in decision_form(html)


def test_the_deadlines_in_the_decision_form_are_kept_whole(order, office_staff, client):
    client.force_login(office_staff)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("order_detail", args=[order.number])).content.decode()
    line = re.search(r'id="pending-extension-deadline">(.*?)</div>', html, re.S)[1]
    kept = re.findall(r'<span class="text-nowrap">(\d{4}-\d{2}-\d{2} \d{2}:\d{2})</span>', line)
    assert len(kept) == 2, line  # now due, and the new deadline if approved


@pytest.mark.parametrize(
    "language, granted, asked",
    [
        ("en", "+5 working days", "5 working days asked for, not granted"),
        ("zh-hans", "+5 个工作日", "申请 5 个工作日，未准予"),
    ],
)
def test_a_refused_extension_does_not_read_as_days_added(
    order, office_staff, client, language, granted, asked
):
    workflow.workorder_decide_extension(
        order_id=order.id, acting_user=office_staff, approve=False, note="理由不充分"
    )
    client.force_login(office_staff)
    client.cookies["django_language"] = language
    html = client.get(reverse("order_detail", args=[order.number])).content.decode()
    refused = re.search(
        r'<li class="timeline-item" data-action="refuse_extension">(.*?)</li>', html, re.S
    )[1]
    requested = re.search(
        r'<li class="timeline-item" data-action="request_extension">(.*?)</li>', html, re.S
    )[1]
    assert asked in refused and granted not in refused
    assert granted in requested
