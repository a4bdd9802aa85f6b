"""Intake at hotline volume: reference data kept per process and checked by version, one
statement per order, and the duplicate check just after the answer."""

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import reference as reference_module
from complaints import services, workflow
from complaints.choices import Status
from complaints.clients import api_client_create
from complaints.models import (
    CalendarDay,
    DeadlinePolicy,
    HolidaySchedule,
    OrderNumberCounter,
    PossibleDuplicate,
    RoutingRule,
    StatsDirtyDay,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderUnit,
)
from complaints.reference import reference
from complaints.services import find_pending_duplicates, hotline_intake, next_number
from complaints.tasks import find_duplicates
from departments.models import Town, Unit
from tests.factories import make_order

ON_POSTGRESQL = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: reference versions, sequences and one-statement intake",
)

FIELDS = {
    "kind": "complaint",
    "title": "小区物业不修电梯",
    "content": "杨村街道某小区电梯坏了一个月，物业一直不修，老人上下楼困难。",
    "category": "物业管理",
    "citizen_name": "王先生",
    "citizen_phone": "13812345678",
    "business_name": "天津某物业服务有限公司",
    "town_code": "yangcun-street",
    "amount": "1280.5",
}


@pytest.fixture
def hotline(db):
    client, _key, _secret = api_client_create(name="12345 热线")
    return client


def push(client, hotline_id: str, **changes) -> WorkOrder:
    order, created = hotline_intake(
        client=client, hotline_id=hotline_id, fields={**FIELDS, **changes}
    )
    assert created
    return order


# --- reference data ---------------------------------------------------------------------


@ON_POSTGRESQL
def test_the_reference_data_is_read_once_while_nothing_changes(db, django_assert_num_queries):
    first = reference()
    with django_assert_num_queries(1):  # the version, nothing else
        again = reference()
    assert again is first
    assert "housing" in first.members and first.rules


def _deactivate_rules():
    RoutingRule.objects.update(is_active=False)


CANTEEN_RULE = "market-school-canteen"


def _add_town():
    Town.objects.create(code="new-street", name="新街道", kind="street")


def _add_co_unit():
    RoutingRule.objects.get(key=CANTEEN_RULE).co_units.add(Unit.objects.get(code="finance"))


def _co_units_of_canteen_rule(snapshot) -> tuple[str, ...]:
    return next(rule.co_units for rule in snapshot.rules if rule.key == CANTEEN_RULE)


@ON_POSTGRESQL
@pytest.mark.parametrize(
    ("change", "fact", "was", "becomes"),
    [
        (_deactivate_rules, lambda s: bool(s.rules), True, False),
        (_add_co_unit, lambda s: "finance" in _co_units_of_canteen_rule(s), False, True),
        (
            lambda: Unit.objects.filter(code="housing").update(is_active=False),
            lambda s: "housing" in s.members,
            True,
            False,
        ),
        (_add_town, lambda s: "new-street" in s.towns, False, True),
        (
            lambda: CalendarDay.objects.create(date=date(2026, 12, 1), is_workday=False),
            lambda s: s.calendar.is_workday(date(2026, 12, 1)),
            True,
            False,
        ),
        (
            lambda: HolidaySchedule.objects.create(year=2027, is_complete=True),
            lambda s: s.calendar.is_known_year(2027),
            False,
            True,
        ),
        (
            lambda: DeadlinePolicy.objects.update(amount=99),
            lambda s: {rule.amount for rule in s.deadline_rules} == {99},
            False,
            True,
        ),
    ],
    ids=[
        "rules-bulk-update",
        "co-unit-added",
        "unit-deactivated",
        "town",
        "holiday",
        "holiday-schedule",
        "policy",
    ],
)
def test_any_change_to_the_reference_data_is_seen_at_once(db, change, fact, was, becomes):
    before = reference()
    assert fact(before) is was
    change()
    after = reference()
    assert after is not before
    assert fact(after) is becomes


@ON_POSTGRESQL
def test_a_rolled_back_change_is_never_served(db):
    before = reference()
    assert before.rules
    with pytest.raises(RuntimeError), transaction.atomic():
        _deactivate_rules()
        assert reference().rules == ()
        raise RuntimeError("roll back")
    assert reference().rules == before.rules


@ON_POSTGRESQL
def test_an_order_prepared_with_stale_rules_is_routed_again_with_the_new_ones(hotline):
    first = push(hotline, "H-1")
    assert first.status == Status.ASSIGNED
    _deactivate_rules()  # the process still holds the snapshot with the rules
    assert reference_module._cache["snapshot"][1].rules
    second = push(hotline, "H-2")
    assert second.status == Status.TRIAGE and second.primary_unit is None
    assert WorkOrder.objects.filter(hotline_id="H-2").count() == 1


@ON_POSTGRESQL
def test_a_town_added_since_the_snapshot_is_accepted_at_once(hotline):
    push(hotline, "H-1")
    _add_town()
    order = push(hotline, "H-2", town_code="new-street")
    assert order.town.code == "new-street"


@ON_POSTGRESQL
def test_a_town_code_in_another_case_costs_no_query_more(hotline):
    push(hotline, "H-0")  # the snapshot is in memory now
    counts = []
    for number, town_code in enumerate(("yangcun-street", "YangCun-Street"), start=1):
        with CaptureQueriesContext(connection) as queries:
            order = push(hotline, f"H-{number}", town_code=town_code)
        assert order.town.code == "yangcun-street"
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


@ON_POSTGRESQL
def test_a_town_added_since_the_snapshot_is_found_in_any_case_and_a_retry_matches(hotline):
    push(hotline, "H-1")
    _add_town()
    order = push(hotline, "H-2", town_code="New-Street")
    assert order.town.code == "new-street"
    again, created = hotline_intake(
        client=hotline, hotline_id="H-2", fields={**FIELDS, "town_code": "new-street"}
    )
    assert (again.pk, created) == (order.pk, False)


def test_town_codes_that_differ_only_in_case_are_each_found_by_their_own_spelling(hotline):
    Town.objects.create(code="xq", name="新区", kind="street")
    Town.objects.create(code="XQ", name="新区二", kind="street")
    assert push(hotline, "H-1", town_code="xq").town.name == "新区"
    assert push(hotline, "H-2", town_code="XQ").town.name == "新区二"
    with pytest.raises(ValidationError) as refused:
        push(hotline, "H-3", town_code="Xq")  # which one is meant cannot be told
    assert list(refused.value.message_dict) == ["town"]


# --- one statement ----------------------------------------------------------------------


@ON_POSTGRESQL
def test_an_order_is_written_with_its_links_history_and_day_in_one_statement(hotline):
    reference()
    with CaptureQueriesContext(connection) as queries:
        order = push(hotline, "H-1")
    writes = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert len(writes) == 1, [w[:80] for w in writes]
    stored = WorkOrder.objects.get(pk=order.pk)
    for field in WorkOrder._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(order, field.attname), field.name
    assert stored.amount == Decimal("1280.50")
    assert stored.routing["rule"] and stored.duplicates_pending
    assert [(link.unit.code, link.relation) for link in stored.unit_links.all()] == [
        ("housing", "primary")
    ]
    events = list(stored.events.order_by("id"))
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("create", "", "triage"),
        ("dispatch", "triage", "assigned"),
    ]
    assert events[0].data["client"] == "12345 热线" and events[1].unit.code == "housing"
    assert StatsDirtyDay.objects.filter(day=order.received_at.astimezone().date()).exists()


@ON_POSTGRESQL
def test_a_naive_time_is_written_as_the_orm_would_write_it(hotline, monkeypatch):
    # Intake sets aware times only; should a naive one slip in, it must be read in the
    # local zone as the ORM reads it, not as UTC by the database session.
    naive = datetime(2026, 11, 30, 9, 30)
    refresh = workflow.refresh_deadlines

    def refresh_with_a_naive_time(order, **kwargs):
        refresh(order, **kwargs)
        order.reminded_due_at = naive

    monkeypatch.setattr(workflow, "refresh_deadlines", refresh_with_a_naive_time)
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        order = push(hotline, "H-naive")
    stored = WorkOrder.objects.get(pk=order.pk).reminded_due_at
    assert stored == timezone.make_aware(naive)
    assert timezone.localtime(stored).hour == 9


def test_foreign_keys_of_the_order_tables_lead_an_index(db):
    # Their own single-column indexes were dropped where a composite or partial index
    # already leads with the column; deleting a unit or a user must still find its rows
    # by index, not by scanning every order.
    with connection.cursor() as cursor:
        for model in (WorkOrder, WorkOrderUnit, WorkOrderEvent):
            indexes = connection.introspection.get_constraints(cursor, model._meta.db_table)
            leading = {c["columns"][0] for c in indexes.values() if c["index"] or c["unique"]}
            for field in model._meta.concrete_fields:
                if field.is_relation:
                    assert field.column in leading, (model.__name__, field.column)


@ON_POSTGRESQL
def test_a_years_first_number_follows_the_counter_of_earlier_versions(db):
    OrderNumberCounter.objects.create(year=2033, last=41)
    assert next_number(2033) == "WQ-2033-000042"
    assert next_number(2033) == "WQ-2033-000043"


@ON_POSTGRESQL
def test_numbers_past_a_million_keep_every_digit(db):
    next_number(2034)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval('complaints_order_number_2034', 999999)")
    assert next_number(2034) == "WQ-2034-1000000"


# --- duplicates just after --------------------------------------------------------------


def test_the_hotlines_orders_are_checked_for_duplicates_just_after(hotline):
    earlier = push(hotline, "H-1")
    later = push(hotline, "H-2", content="物业还是不修电梯，第二次反映。")
    assert not PossibleDuplicate.objects.exists()
    updated_at = WorkOrder.objects.get(pk=later.pk).updated_at

    assert find_pending_duplicates() == 2
    pairs = set(PossibleDuplicate.objects.values_list("order_id", "other_id", "reason"))
    assert pairs == {(later.id, earlier.id, "same_phone")}
    assert not WorkOrder.objects.filter(duplicates_pending=True).exists()
    # The hotline's `updated_since` must not see a change it did not make.
    assert WorkOrder.objects.get(pk=later.pk).updated_at == updated_at
    assert find_pending_duplicates() == 0


def test_the_hotlines_order_is_a_duplicate_of_the_same_phone_typed_another_way(
    hotline, office_staff, django_assert_max_num_queries
):
    """Checked a batch at a time: the digits come with the batch, not one query an order."""
    earlier = make_order(office_staff, citizen_phone="138 1234 5678")
    later = [
        push(hotline, f"H-{n}", citizen_phone="+86 138-1234-5678", content=f"第{n}次反映")
        for n in range(3)
    ]
    # Two an order (same phone, same business), the office's checked again as well; the
    # batch's lock, claim, insert and update, the empty claim that ends it with its lock,
    # and two savepoints each: no query an order for its digits; and telling the units of
    # the batch, in a few queries whatever its size (test_new_order_notice.py).
    with django_assert_max_num_queries(4 * 2 + 5 + 5 + 5):
        assert find_pending_duplicates() == 4
    pairs = set(PossibleDuplicate.objects.values_list("order_id", "other_id", "reason"))
    assert {(order.id, earlier.id, "same_phone") for order in later} <= pairs


def test_the_hotlines_call_received_before_an_order_registered_earlier_is_its_duplicate(
    hotline, office_staff
):
    """The hotline pushes yesterday's call after the office registered the same caller's
    walk-in of today: the check looked only at orders received before the pushed one."""
    today = make_order(office_staff, citizen_phone="138 1234 5678")
    yesterday = push(
        hotline,
        "H-late",
        citizen_phone="13812345678",
        content="昨天打过电话",
        received_at=today.received_at - timedelta(days=1),
    )
    assert find_pending_duplicates() == 2
    pairs = set(PossibleDuplicate.objects.values_list("order_id", "other_id", "reason"))
    assert pairs == {(yesterday.id, today.id, "same_phone")}


def test_the_duplicate_check_runs_every_minute_as_well(db):
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["complaints.tasks.find_duplicates"] == 60.0
    assert find_duplicates.name == "complaints.tasks.find_duplicates"


def pending_ids() -> set[int]:
    return set(WorkOrder.objects.filter(duplicates_pending=True).values_list("id", flat=True))


@pytest.mark.services
@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_order_another_worker_is_checking_is_left_to_it():
    client, _key, _secret = api_client_create(name="12345 热线")
    first = push(client, "H-1")
    # Not alike: a duplicate row pointing at the locked order would wait for its lock.
    second = push(client, "H-2", citizen_phone="13900000000", business_name="另一家公司")
    claimed, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                WorkOrder.objects.select_for_update().get(pk=first.pk)
                claimed.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        assert claimed.wait(timeout=30)
        assert find_pending_duplicates() == 1
        assert set(
            WorkOrder.objects.filter(duplicates_pending=True).values_list("id", flat=True)
        ) == {first.pk}
    finally:
        release.set()
        worker.join()
    assert find_pending_duplicates() == 1
    assert pending_ids() == set() and second.pk


def test_the_hotlines_orders_nudge_the_duplicate_check_at_most_once_a_second(
    hotline, django_capture_on_commit_callbacks
):
    def committed_push(hotline_id):
        with django_capture_on_commit_callbacks(execute=True):
            push(hotline, hotline_id)

    last = [float("-inf")]
    with (
        mock.patch.object(services, "nudge") as nudge,
        mock.patch.object(services, "_last_duplicate_nudge", last),
    ):
        committed_push("N-1")
        committed_push("N-2")
        assert nudge.call_count == 1
        last[0] -= services.DUPLICATE_NUDGE_SECONDS  # a second later
        committed_push("N-3")
        assert nudge.call_count == 2
    assert [c.args[0].name for c in nudge.call_args_list] == [find_duplicates.name] * 2
