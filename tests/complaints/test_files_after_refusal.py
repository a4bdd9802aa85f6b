"""A form refused for something else comes back with what was typed, but a browser cannot
be given back the files chosen in it: the page says which files were not kept, under the
field, so the person chooses them again instead of sending the form without them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import workflow
from complaints.models import MediationAgreement, Referral
from tests.factories import make_order

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def order(office_staff, mr_staff):
    o = make_order(office_staff)
    workflow.workorder_sign(order_id=o.id, acting_user=mr_staff)
    return o


def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_a_refused_agreement_says_its_scan_was_not_kept(order, mr_staff, client, settings):
    english(client, settings)
    client.force_login(mr_staff)
    scan = SimpleUploadedFile("协议扫描件.pdf", PDF_BYTES, content_type="application/pdf")
    form = {
        "order": order.number,
        "body": "unit",
        "parties": "张先生；某某超市",
        "terms": "超市退还货款",
        "effective_on": "2026-07-03",
        "amount": "abc",
        "scan": scan,
    }
    page = client.post(reverse("mediation_new"), form)
    assert page.status_code == 400 and not MediationAgreement.objects.exists()
    assert "Not kept: “协议扫描件.pdf”. Choose it again before sending." in page.content.decode()


def test_a_refused_scan_is_named_once_by_its_own_reason(order, mr_staff, client, settings):
    english(client, settings)
    client.force_login(mr_staff)
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    form = {"order": order.number, "body": "unit", "parties": "张先生", "terms": "退款"}
    page = client.post(reverse("mediation_new"), {**form, "effective_on": "", "scan": fake})
    assert "Not kept" not in page.content.decode()


def test_a_refused_lead_says_its_evidence_was_not_kept(mr_staff, client, settings):
    english(client, settings)
    client.force_login(mr_staff)
    files = [
        SimpleUploadedFile("现场照片.pdf", PDF_BYTES, content_type="application/pdf"),
        SimpleUploadedFile("检测报告.pdf", PDF_BYTES, content_type="application/pdf"),
    ]
    form = {"to_unit": "commerce", "title": "", "facts": "收费后停课", "attachments": files}
    page = client.post(reverse("referral_new"), form)
    assert page.status_code == 400 and not Referral.objects.exists()
    assert (
        "Not kept: “现场照片.pdf”, “检测报告.pdf”. Choose them again before sending."
        in page.content.decode()
    )


def test_a_lead_form_without_files_says_nothing_of_them(mr_staff, client, settings):
    english(client, settings)
    client.force_login(mr_staff)
    page = client.post(reverse("referral_new"), {"to_unit": "commerce", "title": ""})
    assert "Not kept" not in page.content.decode()
