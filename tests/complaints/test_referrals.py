"""Referral of a lead (线索移送): a unit refers a violation outside its remit; the receiving
unit acknowledges within a deadline in working days, then accepts or rejects with reasons;
a rejection goes to the office; the referring unit sees what became of its lead.

"Now" is Wednesday 30 September 2026, 10:00 in Beijing, the day before the National Day
holiday (1-7 October off, Saturday 10 October worked).
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from complaints import disputes, referrals
from complaints.choices import (
    Action,
    DisputeAction,
    DisputeSource,
    ReferralAction,
    ReferralStatus,
)
from complaints.deadlines import BEIJING
from complaints.models import Dispute, EscalationPolicy, Referral, WorkOrderEvent
from complaints.workflow import WorkflowError
from departments.choices import RoleCode
from departments.models import Notification
from reports import figures
from tests.factories import UserFactory, make_order, unit


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(2026, 9, 30), tick=False) as traveller:
        yield traveller


@pytest.fixture
def commerce_staff(db):
    return UserFactory(username="commerce1", unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])


def refer(user, to="commerce", **kwargs) -> Referral:
    return referrals.referral_send(
        acting_user=user,
        to_unit_code=to,
        title=kwargs.pop("title", "培训机构预付费卷款"),
        facts=kwargs.pop("facts", "某培训学校收取预付学费后停课，涉嫌违规经营。"),
        **kwargs,
    )


def fresh(referral: Referral) -> Referral:
    return Referral.objects.get(pk=referral.pk)


def test_the_acknowledgement_deadline_counts_working_days_over_the_holiday(mr_staff):
    referral = refer(mr_staff)
    # Three working days after 30 September: 8, 9 and 10 October (the make-up Saturday).
    assert referral.ack_due_at == at(2026, 10, 10, 23, 59).replace(second=59)
    urgent = refer(mr_staff, urgent=True)
    assert urgent.ack_due_at.date() == at(2026, 10, 8).date()


def test_the_deadline_is_the_offices_policy(mr_staff):
    EscalationPolicy.objects.create(referral_ack_working_days=5, urgent_referral_ack_working_days=1)
    referral = refer(mr_staff)
    assert referral.ack_due_at.date() == at(2026, 10, 13).date()  # 8, 9, 10, 12, 13


def test_sending_tells_the_receiving_unit_and_is_on_the_orders_timeline(
    office_staff, mr_staff, commerce_staff, housing_staff
):
    order = make_order(office_staff)
    referral = refer(mr_staff, order_number=order.number)
    assert referral.status == ReferralStatus.SENT
    assert referral.from_unit.code == "market-regulation"
    told = set(
        Notification.objects.filter(key=f"referral_sent:{referral.id}").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {commerce_staff.username}
    event = WorkOrderEvent.objects.filter(order=order, action=Action.REFER).get()
    assert referral.number in event.note


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"to": "market-regulation"}, "to_unit"),
        ({"to": "nowhere"}, "to_unit"),
        ({"to": "office"}, "to_unit"),
        ({"title": " "}, "title"),
        ({"facts": ""}, "facts"),
        ({"order_number": "WQ-2026-999999"}, "order"),
    ],
)
def test_a_referral_with_bad_input_is_refused_and_nothing_is_written(mr_staff, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        refer(mr_staff, **kwargs)
    assert field in caught.value.message_dict
    assert not Referral.objects.exists()


def test_the_office_does_not_refer_leads(office_staff):
    with pytest.raises(Http404):
        refer(office_staff)


def test_the_receiving_unit_acknowledges_then_accepts_and_the_referrer_is_told(
    mr_staff, commerce_staff
):
    referral = refer(mr_staff)
    referrals.referral_acknowledge(referral_id=referral.id, acting_user=commerce_staff)
    assert fresh(referral).status == ReferralStatus.ACKNOWLEDGED
    with pytest.raises(WorkflowError, match="already been acknowledged"):
        referrals.referral_acknowledge(referral_id=referral.id, acting_user=commerce_staff)
    referrals.referral_accept(
        referral_id=referral.id, acting_user=commerce_staff, case_reference="武商立〔2026〕12号"
    )
    referral = fresh(referral)
    assert (referral.status, referral.case_reference) == (
        ReferralStatus.ACCEPTED,
        "武商立〔2026〕12号",
    )
    assert list(referral.events.values_list("action", flat=True)) == [
        ReferralAction.SEND,
        ReferralAction.ACKNOWLEDGE,
        ReferralAction.ACCEPT,
    ]
    assert Notification.objects.filter(
        recipient=mr_staff, key=f"referral_accepted:{referral.id}"
    ).exists()
    with pytest.raises(WorkflowError, match="already been decided"):
        referrals.referral_reject(
            referral_id=referral.id, acting_user=commerce_staff, reasons="不归我们管"
        )


def test_a_rejection_needs_reasons_and_goes_to_the_office(
    mr_staff, commerce_staff, office_staff, office_director
):
    referral = refer(mr_staff)
    with pytest.raises(ValidationError):
        referrals.referral_reject(referral_id=referral.id, acting_user=commerce_staff, reasons="")
    assert fresh(referral).status == ReferralStatus.SENT
    referrals.referral_reject(
        referral_id=referral.id, acting_user=commerce_staff, reasons="属教育部门监管范围。"
    )
    referral = fresh(referral)
    assert referral.status == ReferralStatus.REJECTED
    assert referral.acknowledged_at is not None  # deciding at once acknowledges
    told = set(
        Notification.objects.filter(key=f"referral_rejected:{referral.id}").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {office_staff.username, office_director.username, mr_staff.username}
    dispute = Dispute.objects.get(referral=referral)  # it goes to the office as a dispute
    assert dispute.source == DisputeSource.REJECTED_REFERRAL
    assert {u.code for u in dispute.units.all()} == {"market-regulation", "commerce"}


def test_only_the_receiving_unit_acts_and_a_third_unit_sees_nothing(
    mr_staff, commerce_staff, housing_staff, client
):
    referral = refer(mr_staff)
    with pytest.raises(WorkflowError, match="Only"):
        referrals.referral_accept(referral_id=referral.id, acting_user=mr_staff)
    with pytest.raises(Http404):
        referrals.referral_accept(referral_id=referral.id, acting_user=housing_staff)
    client.force_login(housing_staff)
    assert client.get(reverse("referral_detail", args=[referral.id])).status_code == 404
    assert client.post(reverse("referral_act", args=[referral.id, "accept"])).status_code == 404
    assert fresh(referral).status == ReferralStatus.SENT


def test_a_stale_page_changes_nothing(mr_staff, commerce_staff):
    referral = refer(mr_staff)
    referrals.referral_acknowledge(referral_id=referral.id, acting_user=commerce_staff)
    with pytest.raises(referrals.StaleReferral):
        referrals.referral_reject(
            referral_id=referral.id,
            acting_user=commerce_staff,
            reasons="x",
            expected_version=referral.version,
        )
    assert fresh(referral).status == ReferralStatus.ACKNOWLEDGED


def test_an_unacknowledged_lead_is_put_to_the_receiving_head_and_the_office_once(
    mr_staff, commerce_staff, office_staff, clock
):
    head = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_HEAD])
    late = refer(mr_staff)
    answered = refer(mr_staff, title="另一条线索")
    referrals.referral_acknowledge(referral_id=answered.id, acting_user=commerce_staff)
    clock.move_to(at(2026, 10, 10, 23))
    assert referrals.remind_unacknowledged() == 0  # due at the end of 10 October
    clock.move_to(at(2026, 10, 12, 9))
    assert referrals.remind_unacknowledged() == 2
    assert referrals.remind_unacknowledged() == 0
    told = set(
        Notification.objects.filter(key=f"referral_ack_overdue:{late.id}").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {head.username, office_staff.username}


def test_referrals_appear_in_both_units_quarterly_figures(mr_staff, commerce_staff):
    refer(mr_staff)
    rejected = refer(mr_staff, title="第二条")
    referrals.referral_reject(referral_id=rejected.id, acting_user=commerce_staff, reasons="不属于")
    q3 = figures.Period(2026, 3)
    mr = figures.portal_figures(q3, unit=unit("market-regulation"))["referrals"]
    commerce = figures.portal_figures(q3, unit=unit("commerce"))["referrals"]
    assert (mr["sent"]["total"], mr["sent"]["rejected"], mr["received"]["total"]) == (2, 1, 0)
    assert (commerce["received"]["total"], commerce["received"]["open"]) == (2, 1)
    assert figures.district_figures(q3)["referrals"]["total"] == 2


def test_the_screens_send_list_and_decide(client, mr_staff, commerce_staff, office_staff):
    order = make_order(office_staff)
    client.force_login(mr_staff)
    form = client.get(reverse("referral_new") + f"?order={order.number}")
    assert order.number in form.content.decode()
    bad = client.post(reverse("referral_new"), {"to_unit": "", "title": "", "facts": ""})
    assert bad.status_code == 400 and not Referral.objects.exists()
    response = client.post(
        reverse("referral_new"),
        {"to_unit": "commerce", "title": "预付卡", "facts": "收费后停课", "order": order.number},
    )
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referral_detail", args=[referral.id])
    sent = client.get(reverse("referral_list") + "?tab=sent").content.decode()
    assert f'data-referral="{referral.id}"' in sent
    client.force_login(commerce_staff)
    page = client.get(reverse("referral_detail", args=[referral.id])).content.decode()
    assert 'id="accept"' in page
    client.post(
        reverse("referral_act", args=[referral.id, "reject"]),
        {"version": referral.version, "reasons": "不属于本单位"},
    )
    assert fresh(referral).status == ReferralStatus.REJECTED
    client.force_login(office_staff)
    rejected = client.get(reverse("referral_list") + "?tab=rejected").content.decode()
    assert f'data-referral="{referral.id}"' in rejected


def test_the_read_only_api_shows_a_unit_its_referrals_and_nothing_else(
    client, mr_staff, commerce_staff, housing_staff
):
    from complaints.clients import api_client_create

    referral = refer(mr_staff)
    referrals.referral_acknowledge(referral_id=referral.id, acting_user=commerce_staff)
    url = reverse("referral-list")
    client.force_login(commerce_staff)
    listed = client.get(url).json()
    assert [row["number"] for row in listed["results"]] == [referral.number]
    detail = client.get(reverse("referral-detail", args=[referral.id])).json()
    assert detail["status"] == "acknowledged"
    assert [e["type"] for e in detail["events"]] == ["send", "acknowledge"]
    assert detail["to_unit"] == {"code": "commerce", "name": "区商务局"}
    assert client.get(url + "?status=bogus").status_code == 400
    client.force_login(housing_staff)
    assert client.get(url).json()["results"] == []
    assert client.get(reverse("referral-detail", args=[referral.id])).status_code == 404
    client.logout()
    key = api_client_create(name="12345-referrals")[1]
    as_client = client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert as_client.status_code == 403
    assert "error" in as_client.json()


def test_accepting_with_a_work_order_takes_it_on_signed_for_by_the_accepting_person(
    mr_staff, commerce_staff
):
    """Accepting the lead is the unit taking the order on: it arrives signed for, in
    progress, not waiting in the unit's own inbox to be signed for."""
    from complaints import selectors, workflow
    from complaints.choices import Status
    from complaints.models import WorkOrder
    from departments import duties

    referral = refer(mr_staff)
    referrals.referral_accept(referral_id=referral.id, acting_user=commerce_staff, open_order=True)
    referral = fresh(referral)
    order = WorkOrder.objects.get(external_ref=referral.number)
    assert referral.case_reference == order.number
    assert (order.primary_unit.code, order.kind, order.status) == (
        "commerce",
        "report",
        Status.IN_PROGRESS,
    )
    assert order.content == referral.facts
    # Its history names who registered it and why, not the office or the rules, and who
    # signed for it: the person who accepted the lead.
    history = list(order.events.order_by("id").values_list("action", "actor", "note"))
    assert [(action, actor) for action, actor, _ in history] == [
        ("create", commerce_staff.id),
        ("dispatch", commerce_staff.id),
        ("sign", commerce_staff.id),
    ]
    assert referral.number in history[1][2]
    signed = order.events.get(action=Action.SIGN)
    assert (signed.from_status, signed.to_status, signed.unit.code) == (
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        "commerce",
    )
    assert order.created_by == commerce_staff
    # Signed for as any signed order is: in time, its sign-for clock no longer running.
    assert order.signed_at is not None and order.due_sign_for is not None
    assert workflow.why_deadline_stopped(order, "sign_for", order.due_sign_for) == "on_time"
    assert "sign_for" not in workflow.open_deadline_names(order)
    assert order.next_due_name != "sign_for"
    assert order.version == 2  # written, then signed: as an order signed by hand
    actions = workflow.allowed_actions(commerce_staff, order)
    assert Action.SIGN not in actions and Action.ACCEPT in actions
    now = at(2026, 9, 30)
    assert not selectors.orders_in_tab(commerce_staff, "to_sign", now).exists()
    assert list(selectors.orders_in_tab(commerce_staff, "in_progress", now)) == [order]
    assert "orders_to_sign" not in {d.key for d in duties.waiting_for(commerce_staff, now)}


def test_a_failure_signing_for_the_new_order_leaves_no_order_and_the_lead_not_accepted(
    monkeypatch, mr_staff, commerce_staff
):
    from complaints import workflow
    from complaints.models import WorkOrder

    real_sign = workflow.workorder_sign

    def failing_sign(**kwargs):
        real_sign(**kwargs)  # its writes are made, then the step fails
        raise WorkflowError("the sign-for failed")

    monkeypatch.setattr(workflow, "workorder_sign", failing_sign)
    referral = refer(mr_staff)
    orders, events = WorkOrder.objects.count(), WorkOrderEvent.objects.count()
    with pytest.raises(WorkflowError, match="the sign-for failed"):
        referrals.referral_accept(
            referral_id=referral.id, acting_user=commerce_staff, open_order=True
        )
    assert (WorkOrder.objects.count(), WorkOrderEvent.objects.count()) == (orders, events)
    kept = fresh(referral)
    assert (kept.status, kept.case_reference, kept.version) == (
        ReferralStatus.SENT,
        "",
        referral.version,
    )
    assert not kept.events.filter(action=ReferralAction.ACCEPT).exists()
    assert not Notification.objects.filter(key=f"referral_accepted:{referral.id}").exists()


def test_the_receiver_sees_the_source_orders_number_and_a_link_to_the_order_it_opened(
    client, office_staff, mr_staff, commerce_staff
):
    source = make_order(office_staff)
    assert source.primary_unit.code == "market-regulation"
    referral = refer(mr_staff, order_number=source.number)
    referrals.referral_accept(referral_id=referral.id, acting_user=commerce_staff, open_order=True)
    opened = fresh(referral).case_reference
    client.force_login(commerce_staff)
    page = client.get(reverse("referral_detail", args=[referral.id])).content.decode()
    source_line = page.split('id="source-order">', 1)[1].split("</dd>", 1)[0]
    assert source.number in source_line and "href" not in source_line  # not its order
    assert client.get(reverse("order_detail", args=[source.number])).status_code == 404
    decision = page.split('id="decision">', 1)[1].split("</dd>", 1)[0]
    assert f'href="{reverse("order_detail", args=[opened])}"' in decision
    assert "—" not in decision
    client.force_login(mr_staff)
    page = client.get(reverse("referral_detail", args=[referral.id])).content.decode()
    assert f'href="{reverse("order_detail", args=[source.number])}"' in page


def test_a_rejected_lead_whose_order_has_an_open_dispute_is_recorded_on_that_dispute(
    client, office_staff, mr_staff, commerce_staff
):
    order = make_order(office_staff)
    dispute = disputes.dispute_open(
        acting_user=office_staff, order_number=order.number, summary="管辖不清"
    )
    version = dispute.version
    referral = refer(mr_staff, order_number=order.number)
    referrals.referral_reject(
        referral_id=referral.id, acting_user=commerce_staff, reasons="属教育部门监管范围。"
    )
    assert fresh(referral).status == ReferralStatus.REJECTED  # the lead's own state as before
    assert list(order.disputes.values_list("id", flat=True)) == [dispute.id]  # not a second
    dispute.refresh_from_db()
    assert dispute.version == version + 1
    assert {u.code for u in dispute.units.all()} == {"market-regulation", "commerce"}
    line = dispute.events.get(action=DisputeAction.LEAD_REJECTED)
    assert referral.number in line.note and "属教育部门监管范围。" in line.note
    assert line.actor == commerce_staff
    assert line.data["referral"] == referral.id
    on_order = WorkOrderEvent.objects.filter(order=order, action=Action.DISPUTE).last()
    assert dispute.number in on_order.note and referral.number in on_order.note
    assert Notification.objects.filter(
        recipient=office_staff, key=f"dispute_lead_rejected:{dispute.id}:{referral.id}"
    ).exists()
    # The rejecting unit now sees the dispute, and the lead's page points to it.
    client.force_login(commerce_staff)
    assert client.get(reverse("dispute_detail", args=[dispute.id])).status_code == 200
    page = client.get(reverse("referral_detail", args=[referral.id])).content.decode()
    assert reverse("dispute_detail", args=[dispute.id]) in page


def test_two_rejected_leads_from_one_order_make_one_dispute(office_staff, mr_staff, commerce_staff):
    education = UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF])
    order = make_order(office_staff)
    first = refer(mr_staff, order_number=order.number)
    second = refer(mr_staff, to="education", order_number=order.number)
    referrals.referral_reject(referral_id=first.id, acting_user=commerce_staff, reasons="不属于")
    referrals.referral_reject(referral_id=second.id, acting_user=education, reasons="也不属于")
    dispute = Dispute.objects.get(order=order)
    assert dispute.referral_id == first.id
    assert {u.code for u in dispute.units.all()} == {"market-regulation", "commerce", "education"}
    assert second.number in dispute.events.order_by("id").last().note


def test_a_lead_already_disputed_by_its_referrer_is_not_disputed_twice_when_rejected(
    mr_staff, commerce_staff
):
    referral = refer(mr_staff)
    dispute = disputes.dispute_open(
        acting_user=mr_staff, referral_id=referral.id, summary="商务局迟迟不签收"
    )
    referrals.referral_reject(referral_id=referral.id, acting_user=commerce_staff, reasons="不属于")
    assert list(Dispute.objects.values_list("id", flat=True)) == [dispute.id]
    assert fresh(referral).status == ReferralStatus.REJECTED


def test_a_lead_title_longer_than_its_column_is_refused_not_cut(mr_staff):
    """The input carries maxlength, but a crafted post or a script went through the service,
    which cut the title without a word: the lead would carry a title nobody wrote."""
    with pytest.raises(ValidationError) as error:
        refer(mr_staff, title="长" * 201)
    assert error.value.message_dict["title"] == [
        "Please shorten title to 200 characters; it has 201."
    ]
    assert not Referral.objects.exists()


def test_a_case_reference_longer_than_its_column_is_refused_not_cut(
    client, mr_staff, commerce_staff
):
    referral = refer(mr_staff)
    client.force_login(commerce_staff)
    page = client.post(
        reverse("referral_act", args=[referral.id, "accept"]),
        {"case_reference": "号" * 61, "version": referral.version},
        follow=True,
    )
    # The page speaks the user's language (Chinese by default).
    assert [str(m) for m in page.context["messages"]] == [
        "立案或工单编号最多 60 个字，现有 61 个字，请删减。"
    ]
    unchanged = fresh(referral)
    assert (unchanged.status, unchanged.case_reference, unchanged.version) == (
        ReferralStatus.SENT,
        "",
        referral.version,
    )
    assert unchanged.events.count() == 1


def test_the_acceptance_form_says_the_order_it_opens_is_signed_for_by_the_person_accepting(
    client, mr_staff, commerce_staff
):
    referral = refer(mr_staff)
    client.force_login(commerce_staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("referral_detail", args=[referral.id])).content.decode()
    label = page.split('for="open-order">', 1)[1].split("</label>", 1)[0]
    assert label == "Open a work order for it, signed for by you (in progress)"


def test_an_empty_tab_says_which_leads_it_is_empty_of(client, mr_staff, commerce_staff):
    """Found walking through a unit's day: "No referred lead here." under "Received" read as
    no lead at all, beside a "Sent" tab that counted one."""
    import re

    refer(mr_staff)
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"

    def said(query: str) -> str:
        page = client.get(reverse("referral_list") + query).content.decode()
        return re.search(r'<td colspan="6"[^>]*>([^<]*)</td>', page).group(1)

    assert said("") == "No lead was referred to your unit."
    assert said("?tab=received&q=nothing") == "No referred lead here."
    client.force_login(commerce_staff)
    assert said("?tab=sent") == "Your unit has referred no lead."
