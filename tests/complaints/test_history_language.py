"""The lines the system writes on an order's history with values in them (a lead referred to
a unit, a dispute's step, a deadline missed) are kept in Chinese, the record, and shown on the
order's page in the reader's language: with the units' English names and the steps' English
labels for an English reader, exactly as written for a Chinese one."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from complaints import disputes, interventions, mediation, referrals, reminders, workflow
from complaints.choices import Action
from complaints.deadlines import BEIJING
from complaints.models import WorkOrderEvent
from tests.factories import make_order
from tests.helpers import CHINESE, timeline_notes


def history_notes(client, user, order, action: str, language: str) -> list[str]:
    """The notes of the order's history lines of `action`, as its page shows them."""
    return timeline_notes(client, user, f"/orders/{order.number}/", action, language)


def english_line(client, user, order, action: str) -> str:
    (line,) = history_notes(client, user, order, action, "en")
    assert not CHINESE.search(line), line
    return line


def test_a_referred_lead_names_the_unit_in_the_readers_language(
    client, office_staff, mr_staff, housing_staff
):
    order = make_order(office_staff)
    referral = referrals.referral_send(
        acting_user=mr_staff,
        to_unit_code="housing",
        title="物业公司挪用维修基金",
        facts="某物业公司挪用维修基金。",
        order_number=order.number,
    )
    written = f"线索 {referral.number} 已移送{housing_staff.unit.name}"

    assert order.events.get(action=Action.REFER).note == written  # the record stays Chinese
    assert english_line(client, office_staff, order, "refer") == (
        f"Lead {referral.number} referred to {housing_staff.unit.name_en}"
    )
    assert history_notes(client, office_staff, order, "refer", "zh-hans") == [written]


def test_an_order_registered_on_accepting_a_lead_says_so_in_the_readers_language(
    client, office_staff, mr_staff, housing_staff
):
    referral = referrals.referral_send(
        acting_user=mr_staff, to_unit_code="housing", title="违规收费", facts="物业违规收费。"
    )
    referrals.referral_accept(referral_id=referral.id, acting_user=housing_staff, open_order=True)
    referral.refresh_from_db()
    order = workflow.WorkOrder.objects.get(number=referral.case_reference)

    assert english_line(client, office_staff, order, "dispatch") == (
        f"Registered by {housing_staff.unit.name_en} on accepting lead {referral.number}"
    )
    assert history_notes(client, office_staff, order, "dispatch", "zh-hans") == [
        f"{housing_staff.unit.name}接收线索 {referral.number} 时登记"
    ]


def test_a_request_to_step_in_lists_the_units_in_the_readers_language(
    client, office_staff, mr_staff
):
    order = make_order(office_staff)
    item = interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["housing", "public-security"],
        title="商场燃气泄漏",
        situation="商户拒不停业。",
        order_number=order.number,
    )
    asked = list(item.asked.select_related("unit").order_by("unit__sort_order"))
    line = order.events.get(action=Action.INTERVENTION).note

    english = english_line(client, office_staff, order, "intervention")
    assert english.startswith(f"{item.number}: asked ")
    assert all(row.unit.name_en in english for row in asked)
    assert ", " in english
    assert history_notes(client, office_staff, order, "intervention", "zh-hans") == [line]
    assert "、" in line


def test_a_disputes_step_on_the_order_is_labelled_in_the_readers_language(
    client, office_staff, housing_staff
):
    order = make_order(office_staff, unit_code="housing")

    dispute = disputes.dispute_for_second_return(order, housing_staff, "not within our remit")

    written = order.events.get(action=Action.DISPUTE).note
    assert written == f"{dispute.number} 争议立项：工单被第二次退回：not within our remit"
    assert english_line(client, office_staff, order, "dispute") == (
        f"{dispute.number} Dispute opened: Returned a second time: not within our remit"
    )
    assert history_notes(client, office_staff, order, "dispute", "zh-hans") == [written]


def test_mediation_and_litigation_lines_are_labelled_in_the_readers_language(
    client, office_staff, mr_staff
):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    agreement = mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        parties="Mr Zhang; the supermarket",
        terms="refund and 500 yuan",
        effective_on=timezone.localdate(),
        amount="500",
    )
    mediation.litigation_mark(
        order_number=order.number, acting_user=mr_staff, court_case="(2026) 0114 No. 88"
    )

    english = history_notes(client, office_staff, order, "mediation", "en")
    assert english == [
        f"{agreement.number} Mediation agreement recorded: refund and 500 yuan",
        "Passed to litigation: (2026) 0114 No. 88",
    ]
    assert not any(CHINESE.search(line) for line in english)
    chinese = history_notes(client, office_staff, order, "mediation", "zh-hans")
    assert chinese == [e.note for e in order.events.filter(action=Action.MEDIATION)]
    assert chinese[1] == "转入诉讼：(2026) 0114 No. 88"


def test_automatic_supervision_names_the_deadline_in_the_readers_language(
    client, office_staff, housing_staff
):
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=BEIJING), tick=False):
        order = make_order(office_staff, unit_code="housing")
    with time_machine.travel(datetime(2026, 3, 10, 9, tzinfo=BEIJING), tick=False):
        assert reminders.supervise_overdue() == 1
        due = timezone.localtime(order.due_sign_for).strftime("%Y-%m-%d %H:%M")

    event = order.events.get(action=Action.SUPERVISE)
    assert event.note == f"系统自动督办：签收时限为 {due}，已超期。"
    assert english_line(client, office_staff, order, "supervise") == (
        f"Automatic supervision: Sign for was due {due}."
    )
    assert history_notes(client, office_staff, order, "supervise", "zh-hans") == [event.note]


def test_a_line_written_before_its_message_was_kept_is_shown_as_written(
    client, office_staff, mr_staff
):
    order = make_order(office_staff)
    referrals.referral_send(
        acting_user=mr_staff,
        to_unit_code="housing",
        title="违规收费",
        facts="物业违规收费。",
        order_number=order.number,
    )
    event = order.events.get(action=Action.REFER)
    WorkOrderEvent.objects.filter(id=event.id).update(data={})

    assert history_notes(client, office_staff, order, "refer", "en") == [event.note]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_what_a_person_wrote_is_shown_as_written(client, office_staff, mr_staff, language):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_pause(order_id=order.id, acting_user=mr_staff, reason="等待检测报告")

    assert history_notes(client, office_staff, order, "pause", language) == ["等待检测报告"]


def test_a_merged_orders_reason_is_kept_in_chinese_and_shown_in_the_readers_language(
    client, office_staff
):
    from django.conf import settings
    from django.utils import translation

    from complaints.models import PossibleDuplicate

    earlier = make_order(office_staff, citizen_phone="13812345678")
    later = make_order(office_staff, citizen_phone="13812345678", content="酸奶又过期了")
    pair = PossibleDuplicate.objects.get(order=later)
    with translation.override("en"):  # the office merges from the English portal
        workflow.workorder_merge(order_id=later.id, acting_user=office_staff, duplicate_id=pair.id)

    later.refresh_from_db()
    assert later.exclusion_reason == f"已合并至 {earlier.number}"  # the record, in Chinese

    def reason_shown(language: str) -> str:
        client.force_login(office_staff)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(f"/orders/{later.number}/").content.decode()
        return re.search(r'<span class="badge[^"]*" title="([^"]*)">', page).group(1)

    assert reason_shown("en") == f"Merged into {earlier.number}"
    assert reason_shown("zh-hans") == later.exclusion_reason
    # Both histories name the other order by its number only: nothing there to translate.
    assert [e.note for e in WorkOrderEvent.objects.filter(action=Action.MERGE)] == ["", ""]


def test_an_extension_withdrawn_with_the_order_says_so_in_the_readers_language(
    client, office_staff, mr_staff
):
    from django.utils import translation

    from complaints.models import ExtensionRequest

    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_request_extension(
        order_id=order.id, acting_user=mr_staff, working_days=5, reason="等待检测结果"
    )
    with translation.override("en"):  # the office re-dispatches from the English portal
        workflow.workorder_redispatch(
            order_id=order.id, acting_user=office_staff, unit_code="housing", reason="属住建"
        )

    request = ExtensionRequest.objects.get(order=order)
    assert (request.status, request.decision_note) == (
        "refused",
        "已撤回：工单已不在申请单位办理。",
    )
    assert english_line(client, office_staff, order, "refuse_extension") == (
        "Withdrawn: the order left the unit that asked."
    )
    assert history_notes(client, office_staff, order, "refuse_extension", "zh-hans") == [
        request.decision_note
    ]
