"""The benchmarks seed their databases with raw SQL naming every column, which the ORM does
not check: a column added by a migration broke the dashboard's seed unnoticed. Run each
seed on a few rows here, so the next one fails a test instead of a benchmark run."""

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from complaints.models import WorkOrder

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the seed is PostgreSQL SQL")
def test_the_dashboard_benchmarks_seed_writes_orders_the_current_schema_accepts():
    from scripts.benchmark_dashboard import SEED_SQL, seed_parameters

    params = seed_parameters(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(SEED_SQL, {**params, "start": 1, "stop": 40})
    orders = WorkOrder.objects.filter(number__startswith="WQ-B-")
    assert orders.count() == 40
    assert not orders.filter(primary_unit__isnull=True).exclude(status="triage").exists()
    # Its phones are written as digits already: the digits the search compares are the same.
    assert not orders.exclude(citizen_phone_digits=F("citizen_phone")).exists()


def test_the_intake_benchmarks_client_is_in_the_audit_trail_as_made_by_the_script():
    """As `manage.py create_api_client` says it made its clients: no actor, and by what."""
    from complaints.clients import client_for_key
    from departments.models import AuditEntry
    from scripts.benchmark_intake import CLIENT_NAME, create_client

    key = create_client()

    client = client_for_key(key)
    assert client is not None and client.name == CLIENT_NAME
    entry = AuditEntry.objects.get(action="api_client.create", object_id=str(client.id))
    assert entry.actor is None
    assert entry.data["by"] == "scripts/benchmark_intake.py"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the seed is PostgreSQL SQL")
def test_the_inbox_benchmarks_seed_writes_orders_the_current_schema_accepts():
    """Its stand-in order goes through the workflow's deadline code, which reads fields a
    later migration may add: a field the stand-in lacked stopped every benchmark's seed."""
    import random

    from scripts.benchmark_inbox import seed

    seed(60, random.Random(20260101))

    assert WorkOrder.objects.count() == 60
    # The workflow's deadline code ran on each: an order waiting to be signed for has its time.
    assert WorkOrder.objects.filter(status="assigned").exists()
    assert not WorkOrder.objects.filter(status="assigned", due_sign_for__isnull=True).exists()
    assert WorkOrder.objects.filter(next_due_at__isnull=False).exists()
