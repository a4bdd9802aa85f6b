"""Single defects of a page shown in the wrong language, each found by the sweep in
tests/test_page_language.py and pinned here where it was."""

from __future__ import annotations

import html
import re
from datetime import datetime

import pytest
import time_machine
from django.conf import settings

from complaints.deadlines import BEIJING
from tests.factories import UserFactory, make_order, unit

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def page(client, path: str, language: str, **extra) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path, **extra)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def routed_prepaid_card_order(office_staff):
    """An order the rules send to the Commerce Bureau, with co-handling units and the words
    that decided."""
    return make_order(
        office_staff,
        unit_code="",
        content="我在健身房办卡充值，现在门店关门，余额无法退还",
        co_unit_codes=["market-regulation", "public-security"],
    )


def test_the_order_page_lists_units_and_words_with_the_readers_separator(client, office_staff):
    order = routed_prepaid_card_order(office_staff)
    client.force_login(office_staff)

    english = page(client, f"/orders/{order.number}/", "en")
    chinese = page(client, f"/orders/{order.number}/", "zh-hans")

    co_handling = re.search(r"Co-handling: ([^<]*)</div>", english).group(1)
    assert co_handling == "Market Regulation Bureau, Public Security Branch"
    # words the rule matched are data, not the commas (each in its own lang span in English)
    assert routing_words(english) == "办卡, 充值, 余额, 关门"
    assert routing_words(chinese) == "办卡、充值、余额、关门"


def routing_line(page: str) -> str:
    line = page.split('id="routing-rule">', 1)[1].split("</div>", 1)[0]
    return re.sub(r"<[^>]+>", "", line)


def routing_words(page: str) -> str:
    """The words in the line's last brackets, after "matched" (in either language; a
    rule's name may have brackets of its own)."""
    matched = re.findall(r"[(（]([^()（）]*)[)）]", routing_line(page))[-1]
    return re.split(r"[:：]\s*", matched, maxsplit=1)[-1]


def test_the_order_page_says_which_rule_routed_it_in_one_sentence(client, office_staff):
    """The line was put together from a label, the rule's name and the words in brackets,
    which no translation could reorder; it is one sentence now, the words in it listed
    with the reader's separator."""
    from complaints.models import RoutingRule

    order = routed_prepaid_card_order(office_staff)
    rule = RoutingRule.objects.get(key=order.routing["rule"])
    client.force_login(office_staff)

    english = routing_line(page(client, f"/orders/{order.number}/", "en"))
    chinese = routing_line(page(client, f"/orders/{order.number}/", "zh-hans"))

    assert english == f"Routed by rule {rule.name} (matched: 办卡, 充值, 余额, 关门)"
    assert "办卡、充值、余额、关门" in chinese and rule.name in chinese


def test_the_order_page_says_a_triage_order_has_no_rule_with_one_colon(client, office_staff):
    """ "Routing rule: No confident unit: the office decides": a label's colon and the
    reason's own, one after the other."""
    order = make_order(office_staff, unit_code="", content="一件说不清归谁管的事情")
    assert order.status == "triage"
    client.force_login(office_staff)
    english = routing_line(page(client, f"/orders/{order.number}/", "en"))
    chinese = routing_line(page(client, f"/orders/{order.number}/", "zh-hans"))
    assert english.startswith("Routing rule: No confident unit, so the office decides · ")
    assert english.split(" · ")[0].count(":") == 1
    assert chinese.startswith("派单规则：无法确定承办单位，由协调办分拨 · ")


def test_the_supervise_button_is_english_in_english(client, office_staff):
    order = make_order(office_staff)
    client.force_login(office_staff)

    english = page(client, f"/orders/{order.number}/", "en")
    chinese = page(client, f"/orders/{order.number}/", "zh-hans")

    summary = re.search(r'<summary class="btn btn-outline-warning[^"]*">([^<]*)<', english)
    assert summary.group(1) == "Supervise"
    # In Chinese "督办" once the catalogue has the new msgid (context "opens the supervision
    # form"); until then its English source.
    assert re.search(r'<summary class="btn btn-outline-warning[^"]*">([^<]*)<', chinese)


def test_the_routing_suggestion_lists_its_words_with_the_readers_separator(client, office_staff):
    client.force_login(office_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        "/orders/route-preview/",
        {"content": "商场电梯突然坠落，有人受伤，情况紧急，已经起火"},
        HTTP_HX_REQUEST="true",
    )

    shown = html.unescape(response.content.decode())
    words = re.search(r'id="suggested-urgency"[^>]*>.*?\(([^)]*)\)', shown, re.S)
    assert words is not None, shown
    assert "、" not in words.group(1)


def test_the_request_list_gives_each_units_answer_in_the_readers_punctuation(client, mr_staff):
    from complaints import interventions

    interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["housing"],
        title="小区燃气泄漏",
        situation="小区燃气泄漏，需要住建委协助。",
    )
    client.force_login(mr_staff)

    english = page(client, "/interventions/", "en")
    chinese = page(client, "/interventions/", "zh-hans")

    assert "Housing and Construction Commission: " in english
    assert "：" not in english
    assert "区住房建设委" in chinese


@pytest.mark.parametrize("language, separator", [("en", ", "), ("zh-hans", "、")])
def test_the_home_page_lists_the_years_without_holidays_with_the_readers_separator(
    client, office_director, language, separator
):
    with time_machine.travel(datetime(2100, 11, 20, 10, tzinfo=BEIJING), tick=False):
        client.force_login(office_director)
        shown = page(client, "/", language)

    assert f"2100{separator}2101" in shown


def test_a_pages_breadcrumbs_are_named_in_the_readers_language(client, office_staff):
    """Screen readers announce the trail's name: it was the English word "breadcrumb" on
    every Chinese page."""
    order = make_order(office_staff)
    client.force_login(office_staff)

    shown = page(client, f"/orders/{order.number}/", "en")

    assert 'aria-label="breadcrumb"' not in shown
    assert '<nav aria-label="Breadcrumbs">' in shown


def test_the_admins_password_form_explains_itself_in_the_readers_language(client, sysadmin):
    """Django joins that help text to its warning when it is imported (in Chinese, the
    default language), so the English admin showed it in Chinese."""
    person = UserFactory(username="someone", unit=unit("housing"))
    client.force_login(sysadmin)

    shown = page(client, f"/admin/departments/user/{person.id}/password/", "en")

    help_text = re.search(r'<div class="help"[^>]*>(.*?)</div>', shown, re.S).group(1)
    assert "Whether the user will be able to authenticate using a password" in help_text
    assert "the current password for this user will be lost" in help_text
    assert not CJK.search(help_text)


def test_a_meetings_admin_page_names_every_field_in_chinese(client, sysadmin, office_staff):
    """Two fields of a joint meeting had no name: Django showed "Created by" and "Version"."""
    from datetime import date

    from meetings.services import meeting_plan

    meeting = meeting_plan(
        acting_user=office_staff,
        kind="annual",
        title="2026年度联席会议",
        planned_on=date(2026, 12, 20),
        place="区市场监管局会议室",
        unit_codes=["housing"],
    )
    client.force_login(sysadmin)

    shown = page(client, f"/admin/meetings/jointmeeting/{meeting.id}/change/", "zh-hans")

    assert "Created by" not in shown and "Version" not in shown
    assert "登记人" in shown and "版本" in shown


def test_every_string_of_djangos_admin_templates_has_a_chinese_catalogue():
    """Django's Chinese catalogue lags its templates: the admin index's table headers ("Model
    name", "Add link"...) and the "Error:" of a refused form were English on the Chinese
    admin. Each such string is listed in departments/third_party_i18n.py for our catalogue;
    the templates of pages the portal does not serve (the admin's own login, password
    resets) aside."""
    from pathlib import Path

    import django
    import polib

    from departments import third_party_i18n

    contrib = Path(django.__file__).parent / "contrib"
    translated = {
        entry.msgid
        for app in ("admin", "auth")
        for entry in polib.pofile(str(contrib / app / "locale/zh_Hans/LC_MESSAGES/django.po"))
        if entry.msgstr
    }
    listed = set(third_party_i18n.DJANGO_ADMIN_STRINGS)
    not_served = {"admin/login.html", "registration/password_reset_email.html"}
    pattern = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
    missing = set()
    for app in ("admin", "auth"):
        for template in (contrib / app / "templates").rglob("*.html"):
            name = template.relative_to(contrib / app / "templates").as_posix()
            if name in not_served or name.startswith("registration/password_reset"):
                continue
            for match in pattern.finditer(template.read_text()):
                if match.group(2) not in translated and match.group(2) not in listed:
                    missing.add(f"{name}: {match.group(2)}")

    assert sorted(missing) == []


def test_every_field_the_admin_shows_has_a_translated_name():
    """A field without a name is shown by Django as its attribute ("Created by", "Version",
    "Actor unit") on the Chinese admin; a row without a name of its own as
    "MeetingEvent object (9)"."""
    from django.contrib import admin
    from django.db.models import Model
    from django.utils.functional import Promise

    apps = ("complaints", "departments", "meetings", "publicity", "reports")
    unnamed = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in apps:
            continue
        shown = set(model_admin.fields or ()) | {
            name for _title, options in (model_admin.fieldsets or ()) for name in options["fields"]
        }
        unnamed += [
            f"{model._meta.label}.{field.name}"
            for field in model._meta.get_fields()
            if not field.auto_created
            and (not shown or field.name in shown)
            and field.name not in (model_admin.exclude or ())
            and hasattr(field, "verbose_name")
            and not isinstance(field.verbose_name, Promise)
        ]
        for inline in model_admin.inlines:
            unnamed += [
                f"{inline.model._meta.label}.{name}"
                for name in inline.readonly_fields
                if name != "id"
                and not isinstance(inline.model._meta.get_field(name).verbose_name, Promise)
            ]
        if model.__str__ is Model.__str__:
            unnamed.append(f"{model._meta.label}: no __str__")

    assert unnamed == []
