"""A write that stores a file and then fails leaves no file behind.

Files are written to disk inside the write's transaction, before its row: when the
transaction rolls back after that (a later check, a conflict, a database error), the row is
gone and the file must go too, or it stays under MEDIA_ROOT with nothing pointing at it,
holding a citizen's personal data. A file whose row is there is never removed.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError

from complaints import mediation, services, workflow
from complaints.deadlines import BEIJING
from complaints.models import Attachment, MediationAgreement, WorkOrder
from reports import plan_services
from reports.choices import EvaluationKind
from reports.models import EvaluationAttachment, EvaluationEvent
from tests.factories import make_order
from wuqing_consumer import form_once
from wuqing_consumer.models import SentForm

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def clock():
    # A frozen clock gives every upload the same generated name: the storage's own suffix
    # keeps them apart, and removing one must not take another.
    with time_machine.travel(datetime(2026, 7, 6, 10, tzinfo=BEIJING), tick=False):
        yield


def pdf(name: str = "发票.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


def files_under(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def fail(*args, **kwargs):
    raise DatabaseError("the write failed after the file was stored")


def test_an_attach_that_fails_after_storing_its_files_leaves_none(
    office_staff, media_root, monkeypatch
):
    order = make_order(office_staff)
    kept = services.workorder_attach(
        order_id=order.id, acting_user=office_staff, uploads=[pdf("先前.pdf")]
    )
    before = files_under(media_root)
    assert before == [media_root / kept[0].file.name]
    monkeypatch.setattr(workflow, "record_event", fail)

    with pytest.raises(DatabaseError):
        services.workorder_attach(
            order_id=order.id, acting_user=office_staff, uploads=[pdf("一.pdf"), pdf("二.pdf")]
        )

    assert files_under(media_root) == before  # the committed one stays
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["先前.pdf"]


def test_an_intake_that_fails_after_storing_its_files_leaves_none(
    office_staff, media_root, monkeypatch
):
    stored = services.store_upload

    def store_then_fail(*args, **kwargs):
        stored(*args, **kwargs)
        fail()

    monkeypatch.setattr(services, "store_upload", store_then_fail)

    with pytest.raises(DatabaseError):
        services.workorder_intake(
            acting_user=office_staff,
            kind="complaint",
            channel="phone",
            content="小区物业不作为，电梯坏了一个月没人修",
            citizen_name="李女士",
            citizen_phone="13900001111",
            attachments=[pdf("现场.pdf")],
        )

    assert not WorkOrder.objects.exists()
    assert files_under(media_root) == []


def test_a_mediation_record_that_fails_after_storing_its_scan_leaves_none(
    office_staff, mr_staff, media_root, monkeypatch
):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    monkeypatch.setattr(mediation, "_event", fail)

    with pytest.raises(DatabaseError):
        mediation.agreement_record(
            order_number=order.number,
            acting_user=mr_staff,
            body="unit",
            parties="张先生；某某超市",
            terms="超市退还货款",
            effective_on=date(2026, 7, 3),
            scan=pdf("协议.pdf"),
        )

    assert not MediationAgreement.objects.exists()
    assert files_under(media_root) == []


def test_an_evaluation_that_fails_after_storing_its_document_leaves_none(
    office_staff, media_root, monkeypatch
):
    monkeypatch.setattr(EvaluationEvent.objects, "create", fail)

    with pytest.raises(DatabaseError):
        plan_services.evaluation_add(
            acting_user=office_staff,
            year=2026,
            kind=EvaluationKind.THIRD_PARTY,
            title="第三方评估报告",
            author="天津某评估咨询公司",
            day=date(2026, 7, 1),
            note="",
            uploads=[pdf("评估.pdf")],
        )

    assert not EvaluationAttachment.objects.exists()
    assert files_under(media_root) == []


class FailingSentForm:
    """The one-time form claim, whose last step (recording where the post leads) fails:
    the whole post rolls back after the service has stored the files and returned."""

    _meta = SentForm._meta

    class objects:
        @staticmethod
        def filter(**kwargs):
            class Claimed:
                update = staticmethod(fail)

            return Claimed()


def test_a_post_rolled_back_after_the_service_returned_leaves_no_file(
    client, office_staff, media_root, monkeypatch
):
    order = make_order(office_staff)
    client.force_login(office_staff)
    client.raise_request_exception = False
    monkeypatch.setattr(form_once, "SentForm", FailingSentForm)

    response = client.post(
        f"/orders/{order.number}/attachments/",
        {"attachments": [pdf()], form_once.FIELD: form_once.issue(office_staff)},
    )

    assert response.status_code == 500
    assert not Attachment.objects.exists()
    assert files_under(media_root) == []


def test_a_file_whose_row_is_there_is_kept_even_if_the_commit_callbacks_did_not_run(
    client, office_staff, media_root, django_capture_on_commit_callbacks
):
    order = make_order(office_staff)
    with django_capture_on_commit_callbacks(execute=False):
        services.workorder_attach(order_id=order.id, acting_user=office_staff, uploads=[pdf()])
    client.force_login(office_staff)

    client.get(f"/orders/{order.number}/")  # the end of a request looks for leftovers

    attachment = Attachment.objects.get()
    assert files_under(media_root) == [media_root / attachment.file.name]
