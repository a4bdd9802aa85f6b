"""Notifications the system writes are kept in Chinese (the record, and what email, SMS and
the group-chat robots carry) and listed in the reader's language: the units, deadlines,
statuses and answers they name too. What a person wrote in them is shown as written."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from complaints import disputes, interventions, mediation, referrals, reminders, workflow
from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from departments.models import Notification
from meetings import services as meetings
from publicity import services as publicity
from publicity.choices import ReleaseKind
from reports import reminders as report_reminders
from reports.models import PlanDeadline
from tests.factories import UserFactory, make_order, unit
from tests.helpers import CHINESE, NUMBER_KEPT_WHOLE

# The orders set up here arrive untold: these tests count the notices they are about.
pytestmark = pytest.mark.usefixtures("orders_arrive_untold")


def listed(client, user, language: str) -> dict[str, str]:
    """Each notification on the person's list, title → text, as the page shows them."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = NUMBER_KEPT_WHOLE.sub(r"\1", client.get("/notifications/").content.decode())
    items = re.findall(r'<li class="list-group-item d-flex.*?</li>', page, flags=re.S)
    shown = {}
    for item in items:
        title = re.search(r'<a class="fw-semibold"[^>]*>(.*?)</a>', item, flags=re.S)
        body = re.search(
            r'class="small text-body-secondary notification-body"[^>]*>(.*?)</div>', item, re.S
        )
        text = html.unescape(body.group(1)).replace("<br>", "\n").strip() if body else ""
        shown[html.unescape(title.group(1)).strip()] = text
    return shown


def english(client, user) -> dict[str, str]:
    shown = listed(client, user, "en")
    assert not [t for t in shown if CHINESE.search(t)], shown
    return shown


def as_written(user) -> dict[str, str]:
    return {n.title: n.body for n in Notification.objects.filter(recipient=user)}


def test_a_referred_lead_is_told_in_the_readers_language(
    client, office_staff, mr_staff, housing_staff
):
    referral = referrals.referral_send(
        acting_user=mr_staff,
        to_unit_code="housing",
        title="Misused repair fund",
        facts="某物业公司挪用维修基金。",
    )
    due = timezone.localtime(referral.ack_due_at).strftime("%Y-%m-%d %H:%M")

    assert english(client, housing_staff) == {
        "Market Regulation Bureau referred a lead to you: Misused repair fund": (
            f"Acknowledge it by {due}."
        )
    }
    assert as_written(housing_staff) == {
        f"{mr_staff.unit.name}向贵单位移送线索：Misused repair fund": f"请于 {due} 前签收。"
    }
    assert listed(client, housing_staff, "zh-hans") == as_written(housing_staff)


def test_supervision_is_told_in_the_readers_language_with_the_offices_words_as_written(
    client, office_staff, housing_staff
):
    order = make_order(office_staff, unit_code="housing", title="Broken lift")

    workflow.workorder_supervise(order_id=order.id, acting_user=office_staff, note="请于明日前答复")

    ((title, body),) = listed(client, housing_staff, "en").items()
    assert title == f"Supervision of order {order.number}"
    assert body == (
        f"The coordination office supervises order {order.number} (Broken lift):\n\n"
        "请于明日前答复\n\nPlease handle it and reply in the portal."
    )
    assert listed(client, housing_staff, "zh-hans") == as_written(housing_staff)
    assert title not in as_written(housing_staff)


def test_deadline_reminders_and_the_digest_name_the_deadline_in_the_readers_language(
    client, office_staff, housing_staff, housing_head
):
    housing_staff.daily_digest = True
    housing_staff.save(update_fields=["daily_digest"])
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=BEIJING), tick=False):
        order = make_order(office_staff, unit_code="housing", title="Broken lift")
    with time_machine.travel(datetime(2026, 3, 3, 9, tzinfo=BEIJING), tick=False):
        reminders.remind_due_soon()
    with time_machine.travel(datetime(2026, 3, 10, 9, tzinfo=BEIJING), tick=False):
        reminders.supervise_overdue()
        reminders.send_daily_digests()

    shown = english(client, housing_staff)
    due = timezone.localtime(order.due_sign_for).strftime("%Y-%m-%d %H:%M")
    assert shown[f"Due soon: {order.number}, Sign for by {due}"] == "Broken lift"
    # Nothing is due soon: no heading for it with nothing under it.
    assert shown["Daily digest: 1 overdue, 0 due soon"] == f"Overdue:\n  {order.number} Broken lift"
    overdue = [t for t in english(client, housing_head) if t.startswith("Overdue ")]
    assert overdue and all(t.endswith(f"working days: {order.number}, Sign for") for t in overdue)
    assert listed(client, housing_staff, "zh-hans") == as_written(housing_staff)
    assert listed(client, housing_head, "zh-hans") == as_written(housing_head)


def test_a_disputes_decision_names_the_unit_and_a_request_its_answer_in_the_readers_language(
    client, office_staff, leader, mr_staff, housing_staff
):
    order = make_order(office_staff, unit_code="housing")
    dispute = disputes.dispute_for_second_return(order, housing_staff, "不属于本单位职责")
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office_staff, proposal="建议")
    disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=leader, unit_code="market-regulation", note="定责"
    )
    item = interventions.intervention_request(
        acting_user=housing_staff, unit_codes=["market-regulation"], title="Gas leak", situation="x"
    )
    interventions.intervention_answer(intervention_id=item.id, acting_user=mr_staff, join=True)

    told = english(client, housing_staff)
    assert told[f"Dispute {dispute.number}: Market Regulation Bureau is responsible"] == "定责"
    assert f"Market Regulation Bureau answered {item.number}: Will step in" in told
    for person in (mr_staff, housing_staff, office_staff):
        assert listed(client, person, "zh-hans") == as_written(person)


def test_the_courts_ruling_is_told_with_the_status_in_the_readers_language(
    client, office_staff, mr_staff
):
    judge = UserFactory(unit=unit("court"), roles=[RoleCode.UNIT_STAFF])
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    agreement = mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        parties="张先生；某某超市",
        terms="超市退还货款",
        effective_on=timezone.localdate(),
        amount="500",
    )
    mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff, consent="both")
    mediation.court_take(agreement_id=agreement.id, acting_user=judge, case_number="(2026) 88")
    mediation.court_rule(agreement_id=agreement.id, acting_user=judge, confirm=True)

    assert english(client, mr_staff) == {
        f"The court took {agreement.number} (case (2026) 88)": "",
        f"The court ruled on {agreement.number}: Confirmed by the court": "",
    }
    assert f"A mediation agreement waits for judicial confirmation: {agreement.number}" in (
        english(client, judge)
    )
    assert listed(client, mr_staff, "zh-hans") == as_written(mr_staff)


def test_meetings_releases_and_plan_reminders_are_told_in_the_readers_language(
    client, office_staff, mr_liaison, mr_staff
):
    with time_machine.travel(datetime(2026, 4, 1, 8, 30, tzinfo=BEIJING), tick=False):
        meetings.meeting_plan(
            acting_user=office_staff,
            kind="annual",
            title="Annual meeting",
            planned_on=date(2026, 4, 20),
            place="Room 3",
            unit_codes=["market-regulation"],
        )
        release = publicity.release_create(
            acting_user=mr_liaison,
            kind=ReleaseKind.WARNING,
            title="Prepaid cards",
            body="谨慎办卡。",
        )
        publicity.release_submit(release_id=release.id, acting_user=mr_liaison)
        PlanDeadline.objects.create(year=2026, due_on=date(2026, 3, 31))
        report_reminders.remind_plans_not_filed()

    assert english(client, mr_staff) == {
        "Invitation to the joint meeting “Annual meeting” on 2026-04-20": (
            "Place: Room 3. Please confirm who attends."
        )
    }
    office = english(client, office_staff)
    assert "Market Regulation Bureau submitted a release for publication: Prepaid cards" in office
    (plans,) = [t for t in office if "implementation plan" in t]
    assert plans == "17 units have not filed their implementation plan for 2026 (due 2026-03-31)"
    assert not CHINESE.search(office[plans])
    assert "Market Regulation Bureau, " in office[plans]
    for person in (mr_staff, office_staff):
        assert listed(client, person, "zh-hans") == as_written(person)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_notification_written_before_its_messages_were_kept_is_shown_as_written(
    client, mr_staff, housing_staff, language
):
    referrals.referral_send(
        acting_user=mr_staff, to_unit_code="housing", title="违规收费", facts="物业违规收费。"
    )
    Notification.objects.update(messages={})

    assert listed(client, housing_staff, language) == as_written(housing_staff)
