"""Registering an order: validation, routing, numbering, duplicates and masked personal data.

"Now" is Monday 6 July 2026, 10:00 in Beijing unless a test moves it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from complaints import services
from complaints.choices import Action, Status, UnitRelation
from complaints.deadlines import BEIJING
from complaints.models import (
    OrderNumberCounter,
    PossibleDuplicate,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderUnit,
)
from departments.models import AuditEntry
from tests.factories import make_order
from tests.helpers import audit_data

HOUSING_TEXT = "小区物业不作为，楼道灯坏了一个月没人修，垃圾也不及时清理，还要涨物业费"
UNROUTABLE_TEXT = "我要投诉"
PHONE = "13812345678"
OFFICE_FORM = {
    "kind": "complaint",
    "channel": "phone",
    "urgency": "normal",
    "citizen_name": "王先生",
    "citizen_phone": PHONE,
}
"""The office's intake form, as filled in for most orders, without what the order says."""


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(2026, 7, 6), tick=False) as traveller:
        yield traveller


def counts() -> tuple[int, int, int, int, int]:
    return (
        WorkOrder.objects.count(),
        WorkOrderEvent.objects.count(),
        WorkOrderUnit.objects.count(),
        PossibleDuplicate.objects.count(),
        sum(OrderNumberCounter.objects.values_list("last", flat=True)),
    )


def links(order) -> dict[str, str]:
    return dict(WorkOrderUnit.objects.filter(order=order).values_list("unit__code", "relation"))


def actions(order) -> list[str]:
    return list(order.events.order_by("id").values_list("action", flat=True))


# -- validation ----------------------------------------------------------------------------

INVALID = [
    pytest.param({"content": ""}, "content", id="empty-text"),
    pytest.param({"content": " \n\t "}, "content", id="blank-text"),
    pytest.param({"unit_code": "no-such-unit"}, "unit", id="unknown-unit"),
    pytest.param({"unit_code": "office"}, "unit", id="office-is-not-a-member-unit"),
    pytest.param({"co_unit_codes": ["housing", "nowhere"]}, "co_units", id="unknown-co-unit"),
    pytest.param({"town_code": "atlantis"}, "town", id="unknown-town"),
    pytest.param({"citizen_phone": "call me maybe"}, "citizen_phone", id="bad-phone"),
    pytest.param({"citizen_phone": "12"}, "citizen_phone", id="too-short-phone"),
    pytest.param({"anonymous": True}, "anonymous", id="anonymous-complaint"),
    pytest.param(
        {"citizen_name": "", "citizen_phone": ""}, "citizen_phone", id="complaint-without-contact"
    ),
    pytest.param({"received_at": at(2026, 7, 7)}, "received_at", id="future-received-at"),
    pytest.param({"amount": "-0.01"}, "amount", id="negative-amount"),
    pytest.param({"amount": "一千元"}, "amount", id="amount-not-a-number"),
    pytest.param({"amount": "NaN"}, "amount", id="amount-nan"),
    pytest.param({"amount": "-sNaN"}, "amount", id="amount-signalling-nan"),
    pytest.param({"amount": "Infinity"}, "amount", id="amount-infinity"),
    pytest.param({"amount": "1e30"}, "amount", id="amount-huge"),
    # Decimal would read these as 100000, 1000 and 12.5; an officer typed something else.
    pytest.param({"amount": "1e5"}, "amount", id="amount-exponent"),
    pytest.param({"amount": "1_000"}, "amount", id="amount-underscore"),
    pytest.param({"amount": "+12.5"}, "amount", id="amount-plus-sign"),
    pytest.param({"amount": "12."}, "amount", id="amount-bare-point"),
    pytest.param({"citizen_id_number": "12345"}, "citizen_id_number", id="bad-id-number"),
    pytest.param({"business_credit_code": "ABC"}, "business_credit_code", id="bad-credit-code"),
    pytest.param({"kind": "praise"}, "kind", id="unknown-kind"),
    pytest.param({"channel": "pigeon"}, "channel", id="unknown-channel"),
    pytest.param({"urgency": "whenever"}, "urgency", id="unknown-urgency"),
]


@pytest.mark.parametrize(("overrides", "field"), INVALID)
def test_it_refuses_invalid_input_by_field_and_creates_nothing(office_staff, overrides, field):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_order(office_staff, **overrides)
    assert field in caught.value.message_dict
    assert caught.value.message_dict[field][0]
    assert counts() == before


def test_an_amount_typed_with_an_ime_is_read_as_its_digits(office_staff):
    assert make_order(office_staff, amount="１２８０．５０").amount == Decimal("1280.50")


def test_the_office_form_refuses_an_amount_decimal_would_read_as_another(client, office_staff):
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    form = {**OFFICE_FORM, "content": "超市卖过期牛奶", "routing_choice": "auto", "amount": "1e5"}
    response = client.post("/orders/new/", form)
    assert response.status_code == 400
    assert "Enter the amount as a number of yuan" in response.content.decode()
    assert not WorkOrder.objects.exists()
    assert client.post("/orders/new/", form | {"amount": "100000"}).status_code == 302
    assert WorkOrder.objects.get().amount == Decimal("100000")


def test_it_reports_every_invalid_field_at_once(office_staff):
    with pytest.raises(ValidationError) as caught:
        make_order(office_staff, content="", citizen_phone="abc", amount="-5", town_code="x")
    assert {"content", "citizen_phone", "amount", "town"} <= set(caught.value.message_dict)


def test_it_explains_the_refusals_in_words(office_staff):
    with pytest.raises(ValidationError) as caught:
        make_order(office_staff, anonymous=True, received_at=at(2026, 7, 6, 10, 30))
    errors = caught.value.message_dict
    assert errors["anonymous"] == ["Only reports may be anonymous."]  # no Chinese in English
    assert errors["received_at"] == ["The time received cannot be in the future."]


def test_a_few_minutes_of_clock_difference_is_not_the_future(office_staff):
    order = make_order(office_staff, received_at=at(2026, 7, 6, 10, 4))
    assert order.received_at == at(2026, 7, 6, 10, 4)


def test_an_anonymous_report_is_accepted_and_keeps_no_contact_details(office_staff):
    order = make_order(
        office_staff,
        kind="report",
        anonymous=True,
        citizen_name="李四",
        citizen_phone=PHONE,
        citizen_id_number="120114199001011234",
    )
    order.refresh_from_db()
    assert order.anonymous is True
    assert (order.citizen_name, order.citizen_phone, order.citizen_id_number) == ("", "", "")


@pytest.mark.parametrize("persona", ["mr_staff", "mr_head", "leader", "sysadmin"])
def test_only_the_office_registers_orders(db, request, persona):
    person = request.getfixturevalue(persona)
    before = counts()
    with pytest.raises(PermissionDenied):
        make_order(person)
    assert counts() == before


def test_the_office_director_registers_orders_too(office_director):
    assert make_order(office_director).created_by == office_director


def test_an_order_from_an_import_without_a_person_has_no_author(db):
    order = make_order(None)
    assert order.created_by is None
    assert order.events.get(action=Action.CREATE).actor is None


def test_it_keeps_what_the_office_entered(office_staff):
    order = make_order(
        office_staff,
        title="酸奶过期",
        channel="12315",
        external_ref="12315-2026-0001",
        town_code="yangcun-street",
        amount="1280.5",
        citizen_phone=PHONE,
        business_name="好又多超市",
        business_credit_code="91120222mA05l1234x".upper(),
    )
    order.refresh_from_db()
    assert order.title == "酸奶过期"
    assert order.channel == "12315"
    assert order.external_ref == "12315-2026-0001"
    assert order.town.code == "yangcun-street"
    assert str(order.amount) == "1280.50"
    assert order.citizen_phone == PHONE
    assert order.received_at == at(2026, 7, 6)
    assert order.created_by == office_staff


def test_an_order_without_a_title_takes_the_start_of_its_text(office_staff):
    text = "在超市买到过期的酸奶\n" + "要求退货赔偿" * 10
    order = make_order(office_staff, content=text)
    assert order.title == text.replace("\n", " ")[:40]
    assert len(order.title) == 40


# -- routing -------------------------------------------------------------------------------


def test_a_property_management_complaint_goes_to_housing_by_the_rules(office_staff):
    order = make_order(office_staff, content=HOUSING_TEXT, unit_code="")

    order.refresh_from_db()
    assert order.status == Status.ASSIGNED
    assert order.primary_unit.code == "housing"
    assert order.dispatch_count == 1
    assert order.dispatched_at == at(2026, 7, 6)
    assert links(order) == {"housing": UnitRelation.PRIMARY}
    assert order.routing["primary_unit"] == "housing"
    assert order.routing["rule"] == "housing-property-management"
    assert "overridden_to" not in order.routing
    assert actions(order) == [Action.CREATE, Action.DISPATCH]
    dispatch = order.events.get(action=Action.DISPATCH)
    assert dispatch.note == "按派单规则自动派单"  # history is kept in the district's language
    assert (dispatch.from_status, dispatch.to_status) == (Status.TRIAGE, Status.ASSIGNED)
    assert (dispatch.actor, dispatch.unit.code) == (office_staff, "housing")
    create = order.events.get(action=Action.CREATE)
    assert (create.from_status, create.to_status, create.actor) == ("", Status.TRIAGE, office_staff)


def test_a_text_no_rule_recognises_waits_in_triage_with_no_unit(office_staff):
    order = make_order(office_staff, content=UNROUTABLE_TEXT, unit_code="")

    order.refresh_from_db()
    assert order.status == Status.TRIAGE
    assert order.primary_unit is None
    assert order.dispatch_count == 0
    assert order.dispatched_at is None
    assert links(order) == {}
    assert actions(order) == [Action.CREATE]
    assert order.routing["status"] == "triage"
    # In triage only the decision deadline runs: 7 working days, to 15 July.
    assert order.next_due_name == "decision"
    assert order.next_due_at == datetime(2026, 7, 15, 23, 59, 59, tzinfo=BEIJING)


def test_the_office_can_override_the_rules_unit(office_staff):
    order = make_order(office_staff, content=HOUSING_TEXT, unit_code="market-regulation")

    order.refresh_from_db()
    assert order.primary_unit.code == "market-regulation"
    assert order.routing["primary_unit"] == "housing"
    assert order.routing["overridden_to"] == "market-regulation"
    assert links(order) == {"market-regulation": UnitRelation.PRIMARY}
    assert order.events.get(action=Action.DISPATCH).note == "协调办登记时直接派单"


def test_the_office_can_send_a_routable_order_to_triage(office_staff):
    order = make_order(office_staff, content=HOUSING_TEXT, unit_code="", send_to_triage=True)

    order.refresh_from_db()
    assert (order.status, order.primary_unit) == (Status.TRIAGE, None)
    assert order.routing["overridden_to"] is None
    assert links(order) == {}
    assert actions(order) == [Action.CREATE]


def test_co_handling_units_chosen_at_intake_are_linked(office_staff):
    order = make_order(office_staff, co_unit_codes=["housing", "commerce"])
    assert links(order) == {
        "market-regulation": UnitRelation.PRIMARY,
        "housing": UnitRelation.CO,
        "commerce": UnitRelation.CO,
    }
    assert order.events.get(action=Action.DISPATCH).data["co_units"] == ["housing", "commerce"]


def test_co_handling_units_chosen_at_intake_are_kept_when_the_rules_pick_the_unit(office_staff):
    order = make_order(office_staff, content=HOUSING_TEXT, unit_code="", co_unit_codes=["commerce"])
    assert links(order) == {"housing": UnitRelation.PRIMARY, "commerce": UnitRelation.CO}


def test_the_primary_unit_is_not_also_a_co_handling_unit(office_staff):
    with pytest.raises(ValidationError) as caught:
        make_order(office_staff, co_unit_codes=["market-regulation", "housing"])
    assert "co_units" in caught.value.message_dict
    assert not WorkOrder.objects.exists()


# -- numbering -----------------------------------------------------------------------------


def test_orders_are_numbered_per_year_from_one(office_staff, clock):
    assert make_order(office_staff).number == "WQ-2026-000001"
    assert make_order(office_staff).number == "WQ-2026-000002"
    clock.move_to(at(2027, 1, 4))
    assert make_order(office_staff).number == "WQ-2027-000001"
    assert make_order(office_staff).number == "WQ-2027-000002"


def test_the_year_of_the_number_is_the_year_received_in_beijing(office_staff, clock):
    clock.move_to(at(2027, 1, 4))
    late_entry = make_order(office_staff, received_at=at(2026, 12, 31, 23, 30))
    assert late_entry.number == "WQ-2026-000001"
    # 16:30 UTC on 31 December is already 1 January in Beijing.
    new_year = make_order(office_staff, received_at=datetime.fromisoformat("2026-12-31T16:30Z"))
    assert new_year.number == "WQ-2027-000001"


def test_a_refused_intake_uses_up_no_number(office_staff):
    with pytest.raises(ValidationError):
        make_order(office_staff, content="")
    assert make_order(office_staff).number == "WQ-2026-000001"


def test_next_number_counts_up_without_gaps(db):
    assert [services.next_number(2031) for _ in range(3)] == [
        "WQ-2031-000001",
        "WQ-2031-000002",
        "WQ-2031-000003",
    ]
    assert services.next_number(2032) == "WQ-2032-000001"


# -- possible duplicates -------------------------------------------------------------------


def test_a_second_order_from_the_same_phone_within_30_days_is_flagged(office_staff, clock):
    first = make_order(office_staff, citizen_phone=PHONE)
    clock.move_to(at(2026, 8, 4))  # 29 days later
    second = make_order(office_staff, citizen_phone=PHONE, content="上次的投诉还没处理")

    pair = PossibleDuplicate.objects.get()
    assert (pair.order, pair.other, pair.reason, pair.status) == (
        second,
        first,
        "same_phone",
        "suspected",
    )
    # Flagged, not merged: both orders stand as they were.
    assert WorkOrder.objects.filter(merged_into__isnull=False).count() == 0
    assert WorkOrder.objects.get(id=first.id).status == Status.ASSIGNED


def test_an_order_from_the_same_phone_after_31_days_is_not_flagged(office_staff, clock):
    make_order(office_staff, citizen_phone=PHONE)
    clock.move_to(at(2026, 8, 6))  # 31 days later
    make_order(office_staff, citizen_phone=PHONE)
    assert not PossibleDuplicate.objects.exists()


def test_an_order_registered_later_but_received_earlier_is_flagged(office_staff, clock):
    """The office registers yesterday's walk-in complaint after the hotline's call of this
    morning from the same phone: the check looked only at orders received before the one
    registered, so neither order found the other."""
    this_morning = make_order(office_staff, citizen_phone=PHONE)
    clock.move_to(at(2026, 7, 6, 15))
    yesterday = make_order(
        office_staff,
        citizen_phone=PHONE,
        content="昨天来窗口反映的同一件事",
        received_at=at(2026, 7, 5, 16),
    )
    pair = PossibleDuplicate.objects.get()
    assert (pair.order, pair.other, pair.reason) == (yesterday, this_morning, "same_phone")


def test_an_order_received_more_than_30_days_after_one_registered_later_is_not_flagged(
    office_staff, clock
):
    make_order(office_staff, citizen_phone=PHONE)
    clock.move_to(at(2026, 7, 6, 15))
    make_order(office_staff, citizen_phone=PHONE, received_at=at(2026, 6, 4, 10))
    assert not PossibleDuplicate.objects.exists()


def test_the_same_phone_typed_another_way_is_flagged(office_staff, clock):
    """The office types what it hears; the hotline sends what its operator typed."""
    first = make_order(office_staff, citizen_phone="+86 138-1234-5678")
    clock.move_to(at(2026, 7, 20))
    second = make_order(office_staff, citizen_phone="138 1234 5678", content="还没处理")
    third = make_order(office_staff, citizen_phone="008613812345678", content="第三次反映")
    assert set(PossibleDuplicate.objects.values_list("order", "other", "reason")) == {
        (second.id, first.id, "same_phone"),
        (third.id, first.id, "same_phone"),
        (third.id, second.id, "same_phone"),
    }


def test_a_different_phone_is_not_a_duplicate(office_staff, clock):
    make_order(office_staff, citizen_phone=PHONE)
    make_order(office_staff, citizen_phone="13900001111")
    assert not PossibleDuplicate.objects.exists()


def test_similar_text_about_the_same_business_is_flagged(office_staff):
    first = make_order(
        office_staff, business_name="好又多超市", content="好又多超市卖过期酸奶，要求退货赔偿"
    )
    second = make_order(
        office_staff,
        business_name="好又多超市",
        citizen_name="王女士",
        content="好又多超市卖过期的酸奶，要求退款赔偿",
    )
    other_matter = make_order(
        office_staff,
        business_name="好又多超市",
        citizen_name="赵先生",
        content="停车场收费不合理，收据也不给开",
    )
    assert list(PossibleDuplicate.objects.values_list("order", "other", "reason")) == [
        (second.id, first.id, "similar_text")
    ]
    assert not PossibleDuplicate.objects.filter(order=other_matter).exists()


# -- masked personal data ------------------------------------------------------------------


def test_a_phone_is_masked_to_its_first_three_and_last_four_digits():
    assert services.mask_phone("13812345678") == "138****5678"
    assert services.mask_phone(" 13812345678 ") == "138****5678"
    assert services.mask_phone("022-82001234") == "022*****1234"
    assert services.mask_phone("12345") == "*****"


def test_an_id_number_is_masked_to_its_first_and_last_four_characters():
    assert services.mask_id_number("12011419900101123X") == "1201**********123X"
    assert services.mask_id_number("1234567") == "*******"


def test_showing_unmasked_details_is_audited(office_staff):
    with_phone = make_order(office_staff, citizen_phone=PHONE)
    without = make_order(office_staff, citizen_phone="")

    services.record_unmasked_view(user=office_staff, orders=[without, with_phone], where="detail")

    entry = AuditEntry.objects.get(action="workorder.view_personal_data")
    assert entry.actor == office_staff
    assert entry.unit.code == "office"
    assert (entry.object_type, entry.object_id) == ("complaints.workorder", str(with_phone.id))
    assert entry.summary.endswith(with_phone.number) and not entry.summary.startswith("detail")
    assert audit_data(entry) == {"where": "detail", "orders": [with_phone.number]}


def test_showing_orders_without_personal_details_is_not_audited(office_staff):
    order = make_order(office_staff, citizen_phone="")
    services.record_unmasked_view(user=office_staff, orders=[order], where="list")
    assert not AuditEntry.objects.filter(action="workorder.view_personal_data").exists()


def test_a_long_audited_list_names_ten_and_counts_the_rest(office_staff, clock):
    orders = []
    for n in range(12):
        orders.append(make_order(office_staff, citizen_phone=f"139{n:08d}"))
        clock.shift(timedelta(minutes=1))
    services.record_unmasked_view(user=office_staff, orders=orders, where="export")
    entry = AuditEntry.objects.get(action="workorder.view_personal_data")
    assert entry.summary.endswith(" (+2)")
    assert orders[9].number in entry.summary
    assert orders[10].number not in entry.summary
    assert len(entry.data["orders"]) == 12


def test_the_registered_order_answers_queries_on_its_unit_links(office_staff):
    """Intake hands back its links without asking again; the order must still behave as one
    read from the database (a dispute on a second return queries them)."""
    order = make_order(office_staff, unit_code="housing", co_unit_codes=["market-regulation"])

    assert [link.unit.code for link in order.unit_links.all()] == ["housing", "market-regulation"]
    assert set(order.unit_links.values_list("unit__code", flat=True)) == {
        "housing",
        "market-regulation",
    }


def _registered_for(client, office_staff, unit_code: str) -> list[tuple[str, str]]:
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    form = {
        **OFFICE_FORM,
        "content": "培训机构停课不退费",
        "routing_choice": "unit",
        "unit": unit_code,
    }
    response = client.post("/orders/new/", form, follow=True)
    assert response.status_code == 200
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_the_office_is_told_to_phone_a_unit_no_one_at_which_hears_of_the_order(
    client, office_staff
):
    """Found walking through the office's day: an order sent to a unit with no one in the
    portal and no group-chat robot said only that it was sent; it then waited unsigned
    until overdue. The one who registered it is told to phone the unit, with its lines."""
    from departments.models import DutyContact, Unit

    said = _registered_for(client, office_staff, "education")
    assert said[1] == (
        "warning",
        "No one at Education Bureau will be told of the order: it has no one in the portal "
        "and no group-chat robot. Phone the unit to say the order is there.",
    )
    education = Unit.objects.get(code="education")
    DutyContact.objects.create(unit=education, label="值班电话", phone="022-29341234")
    said = _registered_for(client, office_staff, "education")
    assert said[1][1].endswith(
        "Phone its duty line to say the order is there: 值班电话 022-29341234."
    )


def test_no_warning_when_someone_at_the_unit_hears_of_the_order(client, office_staff, mr_staff):
    said = _registered_for(client, office_staff, "market-regulation")
    assert [level for level, _ in said] == ["success"]
