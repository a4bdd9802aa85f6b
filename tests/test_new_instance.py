"""`new_instance` builds the very instance the ORM's constructor builds (wuqing_consumer.db)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db.models.signals import post_init

from complaints.models import WorkOrder, WorkOrderEvent, WorkOrderUnit
from departments.models import Town, Unit
from wuqing_consumer.db import new_instance

pytestmark = pytest.mark.services

RECEIVED = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)


def _attributes(instance) -> dict:
    return {k: v for k, v in instance.__dict__.items() if k != "_state"}


def _state(instance) -> tuple:
    state = instance._state
    return state.adding, state.db, state.fields_cache


def _cases(unit: Unit, town: Town) -> list[tuple[type, dict]]:
    order = WorkOrder(kind="complaint", content="x", received_at=RECEIVED)
    return [
        (
            WorkOrder,
            {
                "kind": "complaint",
                "channel": "12345",
                "content": "商家拒绝退款",
                "received_at": RECEIVED,
                "status": "assigned",
                "primary_unit": unit,
                "town": town,
                "created_by": None,
                "source_client": None,
                "routing": {"rule": "r", "matched": ["退款"]},
                "amount": Decimal("12.50"),
                "duplicates_pending": True,
            },
        ),
        (WorkOrder, {}),
        (
            WorkOrderEvent,
            {"order": order, "action": "dispatch", "unit": unit, "actor": None, "note": "n"},
        ),
        (WorkOrderEvent, {"order": order, "action": "create", "actor_unit_id": unit.id}),
        (WorkOrderUnit, {"order": order, "unit": unit, "relation": "primary"}),
    ]


@pytest.mark.django_db
def test_it_builds_what_the_orm_builds():
    unit, town = Unit.objects.get(code="housing"), Town.objects.first()
    for model, values in _cases(unit, town):
        built, expected = new_instance(model, **values), model(**values)
        assert type(built) is model
        assert _attributes(built) == _attributes(expected), (model, values)
        assert _state(built) == _state(expected), (model, values)


@pytest.mark.django_db
def test_a_default_made_anew_is_not_shared():
    first, second = new_instance(WorkOrder), new_instance(WorkOrder)
    first.routing["rule"] = "changed"
    assert second.routing == {}
    assert first.exclusion_message is not second.exclusion_message


def test_an_unknown_field_is_refused_as_the_orm_refuses_it():
    with pytest.raises(TypeError, match="no_such_field"):
        new_instance(WorkOrderUnit, relation="primary", no_such_field=1)


@pytest.mark.django_db
def test_a_related_object_of_another_model_is_refused_as_the_orm_refuses_it():
    with pytest.raises(ValueError, match="must be a"):
        new_instance(WorkOrderUnit, unit=Town.objects.first())


@pytest.mark.django_db
def test_with_something_listening_to_init_the_orm_builds_it():
    new_instance(WorkOrderUnit)  # what it starts from, made before anything listens
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=WorkOrderUnit)
    try:
        built = new_instance(WorkOrderUnit, relation="co")
    finally:
        post_init.disconnect(listener, sender=WorkOrderUnit)
    assert seen == [built]
    assert new_instance(WorkOrderUnit, relation="co") not in seen
