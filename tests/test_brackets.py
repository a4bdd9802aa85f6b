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
from pathlib import Path

import pytest
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

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# What a template writes as text: not its tags, nor a translated sentence (the catalogue
# sets its brackets), nor a comment, a script or a style, nor markup.
_NOT_TEXT = re.compile(
    r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|<script\b.*?</script>|<style\b.*?</style>"
    r"|{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}|{%.*?%}|<[^>]*>",
    re.S,
)


def literal_brackets(text: str) -> list[str]:
    """The brackets a template writes itself, each with what is around it."""
    text = re.sub(r"{{.*?}}", "…", text, flags=re.S)
    text = _NOT_TEXT.sub(" ", text)
    return [text[max(0, m.start() - 20) : m.end() + 20] for m in re.finditer(r"[()]", text)]


def test_no_template_writes_its_own_brackets_around_a_value():
    found = []
    for path in sorted([*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]):
        found += [
            f"{path.relative_to(TEMPLATES)}: {hit!r}" for hit in literal_brackets(path.read_text())
        ]
    assert not found, "\n".join(found)


def test_the_scan_sees_brackets_around_a_value_and_lets_the_others_be():
    assert literal_brackets("{{ m }} ({{ m.unit }})")
    assert literal_brackets("{% if e.actor_unit %} ({{ e.actor_unit }}){% endif %}")
    assert literal_brackets('<span>({% translate "draft" %})</span>')
    assert not literal_brackets("{{ m|bracketed:m.unit }}")
    assert not literal_brackets("{% brackets %}{{ note }}{% endbrackets %}")
    assert not literal_brackets(
        "{% blocktranslate %}by {{ d }} ({{ n }} days left){% endblocktranslate %}"
    )
    assert not literal_brackets('{% translate "Call (022) 1234" %}<a href="#" onclick="f()">')
    assert not literal_brackets('<script>f("x")</script>{# (a comment) #}')


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


# -- the other values shown with brackets -------------------------------------------------------


def test_values_named_with_what_goes_with_them_take_the_readers_brackets(leader):
    from complaints.models import CallbackEvent
    from departments.admin import AuditEntryAdmin
    from departments.models import AuditEntry
    from meetings.models import AgendaItem
    from publicity.models import ViolatorEntry
    from wuqing_consumer.address_values import NotOffered

    leader.name = "王组长"
    shown = {
        "leader": lambda: AgendaItem(proposer=leader).proposed_by_label,
        "violator": lambda: str(ViolatorEntry(business_name="某商贸公司", credit_code="X1")),
        "callback": lambda: str(
            CallbackEvent(payload={"number": "WQ-1", "status": "closed"}, state="failed")
        ),
        "audit": lambda: AuditEntryAdmin(AuditEntry, None).object_kind(
            AuditEntry(object_type="departments.user")
        ),
        "offered": lambda: NotOffered("status", "x", [("open", "在办")]).message,
    }
    with translation.override("zh-hans"):
        chinese = {name: text() for name, text in shown.items()}
    with translation.override("en"):
        english = {name: text() for name, text in shown.items()}

    assert chinese["leader"] == "王组长（协调小组组长）"
    assert english["leader"] == "王组长 (Group leader)"
    assert chinese["violator"] == "某商贸公司（X1）"
    assert english["violator"] == "某商贸公司 (X1)"
    assert chinese["callback"].endswith("WQ-1 → closed（失败）")
    assert english["callback"] == "WQ-1 → closed (Failed)"
    assert chinese["audit"].endswith("（departments.user）")
    assert english["audit"].endswith(" (departments.user)")
    assert "open（在办）" in chinese["offered"]
    assert "open (在办)" in english["offered"]


@pytest.mark.usefixtures("orders_arrive_untold")
def test_the_daily_digest_gives_each_orders_due_time_in_the_readers_brackets(
    client, office_staff, housing_head
):
    from datetime import datetime

    import time_machine

    from complaints import reminders
    from complaints.deadlines import BEIJING
    from departments.models import Notification
    from tests.departments.test_notification_language import english

    housing_head.daily_digest = True
    housing_head.save(update_fields=["daily_digest"])
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=BEIJING), tick=False):
        order = make_order(office_staff, unit_code="housing")
    with time_machine.travel(datetime(2026, 3, 2, 18, tzinfo=BEIJING), tick=False):
        assert reminders.send_daily_digests() == 1

    digest = Notification.objects.get(recipient=housing_head, category="digest")
    line = f"  {order.number} {order.title}（2026-03-03 23:59）"
    assert line in digest.body.splitlines(), digest.body
    ((_title, body),) = english(client, housing_head).items()
    assert f"  {order.number} {order.title} (2026-03-03 23:59)" in body.splitlines(), body


def test_the_urgent_words_sit_in_the_readers_brackets_and_the_sentence_ends_as_it_reads(
    client, office_staff
):
    client.force_login(office_staff)
    shown = {}
    for reading in ("zh-hans", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = reading
        response = client.post(
            reverse("order_route_preview"),
            {"content": "商场电梯突然坠落，有人受伤，情况紧急"},
            HTTP_HX_REQUEST="true",
        )
        page = html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))
        shown[reading] = re.sub(r"\s+", " ", page)
    assert re.search(r"疑似紧急诉求：[^ ]+（[^（）]+）。可在", shown["zh-hans"]), shown["zh-hans"]
    assert re.search(r"Looks urgent: .+ \([^()]+\)\. Choose it", shown["en"]), shown["en"]
