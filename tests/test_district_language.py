"""Text the system keeps for others (history lines, notifications and what they send on) is
written in the district's language, Chinese, even when the person who caused it uses the
portal in English; what is answered to that person stays in English."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from complaints import disputes, referrals, workflow
from complaints.choices import Action
from complaints.services import DISPATCHED_BY_RULES
from departments.models import Notification
from departments.notifications import send_due_deliveries
from tests.factories import make_order
from wuqing_consumer.language import in_district_language_text

# The orders set up here arrive untold: these tests count the notices they are about.
pytestmark = pytest.mark.usefixtures("orders_arrive_untold")

ENGLISH_WORDS = re.compile(r"[A-Za-z]{4,}")


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def english_in(text: str) -> list[str]:
    return ENGLISH_WORDS.findall(text)


def test_supervision_from_the_english_portal_reaches_the_unit_in_chinese(
    client, office_staff, housing_staff
):
    housing_staff.email = "housing@example.cn"
    housing_staff.save(update_fields=["email"])
    order = make_order(office_staff, unit_code="housing")
    client.force_login(office_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        f"/orders/{order.number}/act/supervise/",
        {"version": order.version, "note": "请于明日前答复"},
        follow=True,
    )

    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()  # the office user still reads English
    told = Notification.objects.get(category="supervise", recipient=housing_staff)
    assert told.title == f"工单 {order.number} 督办通知"
    assert english_in(told.body) == []
    assert send_due_deliveries() == 1
    assert mail.outbox[0].subject == told.title


def test_a_referral_sent_in_english_is_told_and_recorded_in_chinese(
    english, office_staff, mr_staff, housing_staff
):
    order = make_order(office_staff)

    referral = referrals.referral_send(
        acting_user=mr_staff,
        to_unit_code="housing",
        title="物业公司挪用维修基金",
        facts="某物业公司挪用维修基金，涉嫌违规。",
        order_number=order.number,
    )

    told = Notification.objects.get(key=f"referral_sent:{referral.id}")
    assert told.title == f"{mr_staff.unit.name}向贵单位移送线索：物业公司挪用维修基金"
    assert english_in(told.title + told.body) == []
    note = order.events.get(action=Action.REFER).note
    assert note == f"线索 {referral.number} 已移送{housing_staff.unit.name}"


def test_a_dispute_step_names_its_action_in_chinese_on_the_orders_history(
    english, office_staff, housing_staff
):
    order = make_order(office_staff, unit_code="housing")

    dispute = disputes.dispute_for_second_return(order, housing_staff, "不属于本单位职责")

    assert dispute.summary == "工单被第二次退回：不属于本单位职责"
    line = order.events.get(action=Action.DISPUTE).note
    assert line.startswith(f"{dispute.number} 争议立项")
    titles = Notification.objects.filter(key=f"dispute_opened:{dispute.id}")
    assert titles.exists()
    assert {t.title for t in titles} == {f"管辖争议 {dispute.number} 已立项"}


def test_errors_are_still_answered_in_the_users_language(english, mr_staff):
    with pytest.raises(ValidationError) as refused:
        referrals.referral_send(acting_user=mr_staff, to_unit_code="housing", title=" ", facts="x")

    assert "title" in refused.value.message_dict
    message = " ".join(refused.value.message_dict["title"])
    assert english_in(message) and not re.search(r"[\u4e00-\u9fff]", message)
    assert Notification.objects.count() == 0


def test_the_language_the_user_chose_is_back_after_the_action(english, office_staff):
    order = make_order(office_staff, unit_code="housing")

    workflow.workorder_supervise(order_id=order.id, acting_user=office_staff, note="请尽快处理")

    assert translation.get_language() == "en"


def test_a_release_submitted_in_english_reaches_the_office_in_chinese(
    english, mr_liaison, office_staff
):
    from publicity import services as publicity
    from publicity.choices import ReleaseKind

    release = publicity.release_create(
        acting_user=mr_liaison, kind=ReleaseKind.WARNING, title="预付卡消费提示", body="谨慎办卡。"
    )

    publicity.release_submit(release_id=release.id, acting_user=mr_liaison)

    told = Notification.objects.get(recipient=office_staff)
    assert told.title == f"{mr_liaison.unit.name}报送了待发布信息：预付卡消费提示"


def test_intakes_own_history_line_is_shown_in_the_readers_language(
    client, office_staff, housing_staff
):
    order = make_order(office_staff, unit_code="housing")
    order.events.filter(action=Action.CREATE).update(note="Dispatched by hand")
    client.force_login(housing_staff)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english_page = client.get(f"/orders/{order.number}/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese_page = client.get(f"/orders/{order.number}/").content.decode()

    assert order.events.get(action=Action.DISPATCH).note == "协调办登记时直接派单"
    assert "Dispatched by the office at intake" in english_page
    assert "协调办登记时直接派单" not in english_page
    assert "协调办登记时直接派单" in chinese_page
    assert "Dispatched by hand" in chinese_page  # what a person wrote is shown as written


def test_intakes_dispatch_note_is_written_in_chinese_from_the_english_portal(english, office_staff):
    order = make_order(office_staff, unit_code="housing")
    assert order.events.get(action=Action.DISPATCH).note == "协调办登记时直接派单"
    assert in_district_language_text(DISPATCHED_BY_RULES) == "按派单规则自动派单"
    assert translation.get_language() == "en"


def test_every_message_for_others_is_built_in_the_district_language():
    """The convention that keeps the tests above true for code not yet written: a
    notification (or a history line) whose text is built with gettext is built inside
    `district_language()` or a function marked `@in_district_language`."""
    import ast
    from pathlib import Path

    root = Path(settings.BASE_DIR)
    senders = {"Message", "_tell", "_tell_unit", "_tell_units", "_tell_referrer", "record_event"}
    translators = {"_", "gettext", "ngettext", "pgettext", "npgettext"}

    def name(node):
        return getattr(node, "id", None) or getattr(node, "attr", None)

    def in_district_language(node, parents) -> bool:
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.With) and "district_language" in ast.unparse(node.items[0]):
                return True
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                "in_district_language" in ast.unparse(d) or "override" in ast.unparse(d)
                for d in node.decorator_list
            ):
                return True
            if isinstance(node, ast.With) and "translation.override" in ast.unparse(node.items[0]):
                return True
        return False

    offending = []
    for app in ("complaints", "reports", "meetings", "publicity", "departments"):
        for path in sorted((root / app).glob("*.py")):
            tree = ast.parse(path.read_text())
            parents = {c: p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and name(node.func) in senders):
                    continue
                texts = [
                    n
                    for n in ast.walk(node)
                    if isinstance(n, ast.Call) and name(n.func) in translators
                ]
                if texts and not in_district_language(node, parents):
                    offending.append(f"{path.relative_to(root)}:{node.lineno}")

    assert offending == []


def test_every_message_with_values_for_others_keeps_what_it_was_written_from():
    """The convention that keeps such lines readable in English: a notification or a history
    line with values in it is built with `language.written` (which keeps the message and its
    values, so the page shows it in the reader's language), not as gettext's text with the
    values put in, which only Chinese readers could read."""
    import ast
    from pathlib import Path

    root = Path(settings.BASE_DIR)
    senders = {"Message", "_tell", "_tell_unit", "_tell_units", "_tell_referrer", "record_event"}
    translators = {"_", "gettext", "ngettext", "pgettext", "npgettext"}

    def name(node):
        return getattr(node, "id", None) or getattr(node, "attr", None)

    offending = []
    for app in ("complaints", "reports", "meetings", "publicity", "departments"):
        for path in sorted((root / app).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if not (isinstance(node, ast.Call) and name(node.func) in senders):
                    continue
                offending += [
                    f"{path.relative_to(root)}:{n.lineno}"
                    for n in ast.walk(node)
                    if isinstance(n, ast.BinOp)
                    and isinstance(n.op, ast.Mod)
                    and isinstance(n.left, ast.Call)
                    and name(n.left.func) in translators
                ]

    assert offending == []
