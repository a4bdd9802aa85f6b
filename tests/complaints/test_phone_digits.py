"""The citizen's phone is kept as typed, and its digits beside it, the same however the
phone was typed: what the duplicate hint and the order list's search compare."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from complaints.clients import api_client_create
from complaints.models import WorkOrder
from complaints.phones import phone_digits, phone_digits_sql
from complaints.services import hotline_intake
from tests.factories import make_order

TYPED = [
    ("13900001111", "13900001111"),
    ("139 0000 1111", "13900001111"),
    ("139-0000-1111", "13900001111"),
    ("+86 139-0000-1111", "13900001111"),
    ("+8613900001111", "13900001111"),
    ("0086 139 0000 1111", "13900001111"),
    ("8613900001111", "13900001111"),
    ("(+86) 139 0000 1111", "13900001111"),
    ("１３９００００１１１１", "13900001111"),
    ("＋８６ １３９－００００－１１１１", "13900001111"),
    ("022-8200-1234", "02282001234"),
    ("(022) 8200 1234", "02282001234"),
    ("+86 22 8200 1234", "02282001234"),
    ("+86 (0)22 8200 1234", "02282001234"),
    ("0086 10 6512 3456", "01065123456"),
    ("+86 755 1234 5678", "075512345678"),
    ("8200 1234", "82001234"),
    ("8621 1234 801", "86211234801"),  # a local number and its extension, not +86
    ("+1 212 555 0100", "12125550100"),
    ("12345", "12345"),
    ("", ""),
]


@pytest.mark.parametrize(("typed", "digits"), TYPED)
def test_the_digits_are_the_phone_as_dialled_within_china(typed, digits):
    assert phone_digits(typed) == digits


@pytest.mark.django_db
def test_the_migrations_sql_reads_every_phone_as_the_portal_does():
    """The orders registered before the column existed were filled by SQL: it must agree."""
    with connection.cursor() as cursor:
        for typed, digits in TYPED:
            cursor.execute(
                f"SELECT {phone_digits_sql('t.typed')} FROM (SELECT %s::text AS typed) AS t",
                [typed],
            )
            assert cursor.fetchone()[0] == digits, typed


def test_intake_keeps_the_phone_as_typed_and_its_digits_beside_it(office_staff):
    order = make_order(office_staff, citizen_phone="+86 139-0000-1111")
    stored = WorkOrder.objects.get(id=order.id)
    assert stored.citizen_phone == "+86 139-0000-1111"
    assert stored.citizen_phone_digits == "13900001111"


def test_an_anonymous_report_keeps_no_digits(office_staff):
    order = make_order(
        office_staff, kind="report", anonymous=True, citizen_phone="+86 139-0000-1111"
    )
    stored = WorkOrder.objects.get(id=order.id)
    assert (stored.citizen_phone, stored.citizen_phone_digits) == ("", "")


def test_the_office_form_stores_the_digits(client, office_staff):
    client.force_login(office_staff)
    response = client.post(
        "/orders/new/",
        {
            "kind": "complaint",
            "channel": "walk_in",
            "urgency": "normal",
            "content": "在超市买到过期的酸奶，要求退货赔偿",
            "citizen_phone": "139 0000 1111",
            "routing_choice": "auto",
        },
    )
    assert response.status_code == 302
    stored = WorkOrder.objects.get()
    assert (stored.citizen_phone, stored.citizen_phone_digits) == ("139 0000 1111", "13900001111")


def test_the_hotlines_order_stores_the_digits_and_its_retry_is_the_same_order(db):
    client, _key, _secret = api_client_create(name="12345 热线")
    fields = {"kind": "complaint", "content": "物业不修电梯", "citizen_phone": "+86 138 1234 5678"}
    order, created = hotline_intake(client=client, hotline_id="T-1", fields=fields)
    again, created_again = hotline_intake(client=client, hotline_id="T-1", fields=dict(fields))
    assert (created, created_again, again.id) == (True, False, order.id)
    stored = WorkOrder.objects.get(id=order.id)
    assert (stored.citizen_phone, stored.citizen_phone_digits) == (
        "+86 138 1234 5678",
        "13812345678",
    )


@pytest.mark.parametrize("vendor", ["postgresql", "elsewhere"])
def test_the_migration_fills_the_digits_of_the_orders_registered_before(
    office_staff, vendor, monkeypatch
):
    migration = importlib.import_module("complaints.migrations.0048_citizen_phone_digits")
    typed = ["+86 139-0000-1111", "138 1234 5678", "022-8200-1234", ""]
    orders = [make_order(office_staff, citizen_phone=phone) for phone in typed]
    # As they were before: the digits not there, one phone in full-width digits.
    WorkOrder.objects.update(citizen_phone_digits="")
    WorkOrder.objects.filter(id=orders[1].id).update(citizen_phone="１３８ １２３４ ５６７８")
    editor = SimpleNamespace(
        connection=connection
        if vendor == "postgresql"
        else SimpleNamespace(vendor="sqlite", ops=connection.ops)
    )
    monkeypatch.setattr(migration, "BATCH", 1)  # every order its own batch
    migration.fill_phone_digits(apps, editor)
    assert [WorkOrder.objects.get(id=o.id).citizen_phone_digits for o in orders] == [
        "13900001111",
        "13812345678",
        "02282001234",
        "",
    ]
