"""A name with what goes with it in brackets reads as each language sets it: "孙局长（区市场
监管局）" in Chinese (full-width brackets, no space before them, as the official PDFs write
them), "Director Sun (Market Regulation Bureau)" in English. Templates wrote " (" and ")"
around the value, which gave Chinese pages "孙局长 (区市场监管局)": a person with their unit in
a dispute's team, the author of every history line, a unit's answer note, the words a rule
matched... They now go through one helper (`language.bracketed`, the `bracketed` filter and
the `{% brackets %}` tag), whose pattern the catalogue sets per language."""

from __future__ import annotations

import html
import re

from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from complaints import disputes
from complaints.choices import DisputeAction
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit
from wuqing_consumer import language
from wuqing_consumer.language import Reader, bracketed, written_bracketed


def test_brackets_are_set_as_each_language_sets_them():
    with translation.override("zh-hans"):
        assert bracketed("孙局长", "区市场监管局") == "孙局长（区市场监管局）"
        assert bracketed("", "草稿") == "（草稿）"
    with translation.override("en"):
        assert bracketed("Director Sun", "Market Regulation Bureau") == (
            "Director Sun (Market Regulation Bureau)"
        )
        assert bracketed("", "draft") == " (draft)"
    assert bracketed("孙局长", "") == "孙局长"
    assert bracketed("孙局长", None) == "孙局长"


def test_the_filter_and_the_tag_escape_what_they_bracket_and_keep_what_is_safe():
    page = Template(
        "{% load written %}{{ name|in_own_lang|bracketed:unit }}|{{ name|bracketed:'' }}"
        "|x{% brackets %}<a href='#'>{{ unit }}</a>{% endbrackets %}"
    )
    with translation.override("en"):
        shown = page.render(Context({"name": "王<b>明", "unit": "R&D"}))
    assert shown == (
        '<span lang="zh-Hans">王&lt;b&gt;明</span> (R&amp;D)'
        "|王&lt;b&gt;明"
        "|x (<a href='#'>R&amp;D</a>)"
    )


def test_a_bracketed_line_kept_in_chinese_reads_in_each_language(db):
    sun = UserFactory(name="孙局长", unit=unit("market-regulation"))
    kept = written_bracketed(sun.display_name, language.unit(sun.unit))
    assert kept == "孙局长（区市场监管局）"
    with translation.override("en"):
        assert Reader().show(kept, kept.message) == "孙局长 (Market Regulation Bureau)"


# -- as the pages read ------------------------------------------------------------------------


def _text(client, user, url: str, language: str) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode())))


def _dispute_with_a_team(office_staff, housing_staff, leader):
    order = make_order(office_staff, unit_code="housing")
    dispute = disputes.dispute_for_second_return(order, housing_staff, "不属于本单位职责")
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office_staff, proposal="联合调查")
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=leader,
        lead_unit_code="housing",
        member_unit_codes=["market-regulation"],
        note="两部门联合调查。",
    )
    sun = UserFactory(name="孙局长", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF])
    UserFactory(name="李科长", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF])
    disputes.team_add_member(dispute_id=dispute.id, acting_user=housing_staff, person_id=sun.id)
    return dispute


def _part(page: str, after: str, before: str) -> str:
    return page.split(after, 1)[1].split(before, 1)[0]


def test_the_dispute_page_names_the_team_with_full_width_brackets_in_chinese(
    client, office_staff, housing_staff, leader
):
    dispute = _dispute_with_a_team(office_staff, housing_staff, leader)
    url = reverse("dispute_detail", args=[dispute.id])
    client.force_login(housing_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    markup = client.get(url).content.decode()
    chinese = _text(client, housing_staff, url, "zh-hans")

    # The team's members, the task's person responsible, the people who may join.
    assert "孙局长（区市场监管局）" in _part(markup, 'id="members"', "</p>")
    assert ">孙局长（区市场监管局）</option>" in _part(markup, 'id="task-person"', "</select>")
    assert ">李科长（区市场监管局）</option>" in _part(markup, 'id="member-person"', "</select>")
    # The history: who did each step, and the line that names who joined.
    assert f"{housing_staff.display_name}（区住房建设委）" in chinese
    added = dispute.events.get(action=DisputeAction.ADD_MEMBER)
    assert added.note == "孙局长（区市场监管局）"
    assert " (" not in chinese, re.findall(r".{20} \(.{20}", chinese)

    english = _text(client, housing_staff, url, "en")
    assert "孙局长 (Market Regulation Bureau)" in english
    assert "李科长 (Market Regulation Bureau)" in english
    assert f"{housing_staff.display_name} (Housing and Construction Commission)" in english
    assert "（" not in english.replace(dispute.order.title, "")


def test_an_orders_history_names_who_did_each_step_with_the_readers_brackets(
    client, office_staff, mr_staff
):
    from complaints import workflow

    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    url = reverse("order_detail", args=[order.number])

    chinese = _text(client, mr_staff, url, "zh-hans")
    office = unit("office")
    assert f"{mr_staff.display_name}（区市场监管局）" in chinese
    assert f"{office_staff.display_name}（{office.name}）" in chinese
    assert " (" not in chinese, re.findall(r".{20} \(.{20}", chinese)

    english = _text(client, mr_staff, url, "en")
    assert f"{mr_staff.display_name} (Market Regulation Bureau)" in english
    assert f"{office_staff.display_name} ({office.name_en})" in english
