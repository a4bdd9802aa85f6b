"""A merge, a dispute opened on an order and a file attached add a line to the order's history
(and change what its page shows), so a form opened on the order before them is refused as
stale, as after any other action: each bumps the order's `version` in its transaction. The
merge bumps the order merged into as well."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from complaints import disputes, services, workflow
from complaints.deadlines import BEIJING
from complaints.models import PossibleDuplicate, WorkOrder
from complaints.workflow import WorkflowError
from tests.factories import make_order

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 7, 6, 10, tzinfo=BEIJING), tick=False) as traveller:
        yield traveller


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def version(order: WorkOrder) -> int:
    return WorkOrder.objects.values_list("version", flat=True).get(id=order.id)


def stale(order: WorkOrder, opened_at: int, office) -> None:
    """A form on the order made at version `opened_at` is refused, and nothing is written."""
    before = version(order)
    with pytest.raises(WorkflowError, match=r"changed order \S+ at "):
        workflow.workorder_supervise(
            order_id=order.id, acting_user=office, note="请尽快办理", expected_version=opened_at
        )
    assert version(order) == before


def test_a_merge_makes_forms_on_both_orders_stale(office_staff, clock):
    earlier = make_order(office_staff, citizen_phone=PHONE)
    clock.shift(86400)
    later = make_order(office_staff, citizen_phone=PHONE, content="上次买的酸奶也过期了")
    pair = PossibleDuplicate.objects.get(order=later, other=earlier)
    opened = {earlier.id: version(earlier), later.id: version(later)}

    workflow.workorder_merge(order_id=later.id, acting_user=office_staff, duplicate_id=pair.id)

    assert version(earlier) == opened[earlier.id] + 1
    assert version(later) == opened[later.id] + 1
    stale(earlier, opened[earlier.id], office_staff)


def test_opening_a_dispute_makes_forms_on_its_order_stale(office_staff):
    order = make_order(office_staff)
    opened = version(order)

    disputes.dispute_open(
        acting_user=office_staff, summary="职责不清，请领导决定", order_number=order.number
    )

    assert version(order) == opened + 1
    stale(order, opened, office_staff)


def test_attaching_a_file_makes_forms_on_the_order_stale(office_staff, media_root):
    order = make_order(office_staff)
    opened = version(order)

    services.workorder_attach(
        order_id=order.id,
        acting_user=office_staff,
        uploads=[SimpleUploadedFile("说明.txt", "补充材料".encode(), "text/plain")],
    )

    assert version(order) == opened + 1
    stale(order, opened, office_staff)
