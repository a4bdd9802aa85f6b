"""scripts/count_intake_instructions.py: what its counted requests do, and how it reads the
count. The counting itself needs valgrind and minutes; a request here is the same request."""

from __future__ import annotations

import random

import pytest

from complaints.clients import api_client_create
from complaints.models import WorkOrder
from scripts.benchmark_intake import INTAKE_PATH, make_payloads
from scripts.count_intake_instructions import collected, post

VALGRIND_LOG = """==4242== Callgrind, a call-graph generating cache profiler
==4242== Events    : Ir
==4242== Collected : 917266995
==4242==
==4242== I   refs:      917,266,995
"""


def test_the_count_is_read_from_callgrinds_log():
    assert collected(VALGRIND_LOG) == 917266995
    assert collected("==1== Memcheck, a memory error detector\n") is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_counted_request_is_a_push_intake_registers():
    """Counting a request that was refused would count the refusal, not intake."""
    from wuqing_consumer.wsgi import application

    _client, key, _secret = api_client_create(name="count test")
    payload = dict(make_payloads(random.Random(7), [])[0], hotline_id="C-1")

    assert post(application, INTAKE_PATH, payload, key).startswith("201")
    assert post(application, INTAKE_PATH, payload, key).startswith("200")
    assert WorkOrder.objects.filter(hotline_id="C-1").count() == 1
