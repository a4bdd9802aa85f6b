"""The messages above a page (django.contrib.messages) on a page in English: the Chinese in
them (a unit's or a person's name, a business, what someone typed) carries lang="zh-Hans",
so that a screen reader reads it with a Chinese voice, as `lang_of` does for the page's own
text; what people typed stays escaped; a message built with `format_html` keeps its markup."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.messages.storage.base import Message
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html

from departments.models import Unit
from tests.factories import make_order

ALERT = re.compile(r'<div class="alert [^"]*" role="alert">\s*(.*?)\s*<button', re.S)


def _alerts(response) -> list[str]:
    return ALERT.findall(response.content.decode())


def _read_in(client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def test_a_units_chinese_name_in_an_english_message_is_read_as_chinese(
    client, mr_staff, office_staff
):
    Unit.objects.filter(code="commerce").update(name_en="")  # a unit with no English name
    order = make_order(office_staff)
    _read_in(client, "en")
    client.force_login(mr_staff)
    response = client.post(
        reverse("referral_new"),
        {"to_unit": "commerce", "title": "预付卡", "facts": "收费后停课", "order": order.number},
        follow=True,
    )
    [alert] = _alerts(response)
    assert re.fullmatch(
        r'Lead \S+ was referred to <span lang="zh-Hans">区商务局</span>\.', alert
    ), alert


def test_what_was_typed_in_a_message_stays_escaped_and_its_chinese_is_marked(client, mr_staff):
    _read_in(client, "en")
    client.force_login(mr_staff)
    typed = '<script>"王明</script>'  # the page shows the first 20 characters
    response = client.get(reverse("annual_summaries"), {"year": typed})
    [alert] = _alerts(response)
    assert "<script>" not in alert
    assert '&lt;script&gt;&quot;<span lang="zh-Hans">王明</span>&lt;/script&gt;' in alert


def test_a_message_on_a_chinese_page_marks_nothing_and_is_escaped(client, mr_staff):
    _read_in(client, "zh-hans")
    client.force_login(mr_staff)
    response = client.get(reverse("annual_summaries"), {"year": "<b>王明</b>"})
    [alert] = _alerts(response)
    assert "lang=" not in alert
    assert "&lt;b&gt;王明&lt;/b&gt;" in alert


def _shown(message) -> str:
    template = Template("{% load written %}{{ m|chinese_marked }}")
    return template.render(Context({"m": Message(25, message)}))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Sent to 王明.", 'Sent to <span lang="zh-Hans">王明</span>.'),
        (
            "Sent to 王明 and 李丽.",
            'Sent to <span lang="zh-Hans">王明</span> and <span lang="zh-Hans">李丽</span>.',
        ),
        (
            "“2026年第四季度名单” was saved.",
            '“<span lang="zh-Hans">2026年第四季度名单</span>” was saved.',
        ),
        ("Not kept: 协议扫描件.pdf", 'Not kept: <span lang="zh-Hans">协议扫描件</span>.pdf'),
        (
            "Returned to 武清区某某商贸有限公司（杨村店）。",
            'Returned to <span lang="zh-Hans">武清区某某商贸有限公司（杨村店）。</span>',
        ),
        ("Nothing Chinese & <here>", "Nothing Chinese &amp; &lt;here&gt;"),
    ],
)
def test_each_run_of_chinese_in_an_english_message_is_marked(text, shown):
    with translation.override("en"):
        assert _shown(text) == shown


def test_a_message_built_with_format_html_keeps_its_markup():
    built = format_html('Sent to <span lang="zh-Hans">{}</span>.', "<i>王明</i>")
    with translation.override("en"):
        assert _shown(built) == 'Sent to <span lang="zh-Hans">&lt;i&gt;王明&lt;/i&gt;</span>.'
