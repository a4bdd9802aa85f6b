"""Removing a file from a quarterly report or a plan being written was one tap on a small
red cross beside the file's name, on a phone easily hit while scrolling, and the file was
gone from the report at once, with nothing to bring it back but finding and uploading it
again. The page now asks "Remove “…” from the report?" (or the plan); declined, the file
stays."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from departments.choices import RoleCode
from reports import plan_services, services
from reports.models import PlanAttachment, ReportAttachment
from tests.browser_kit import BROWSER_MARKS, forms_sent, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def drafts(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    liaison = UserFactory(
        username="mr_removes", unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON]
    )
    today = timezone.localdate()
    with translation.override("zh-hans"):
        report = services.report_start(
            unit=unit("market-regulation"),
            year=today.year,
            quarter=(today.month - 1) // 3 + 1,
            acting_user=liaison,
        )
        services.report_attach(
            report_id=report.id,
            acting_user=liaison,
            uploads=[SimpleUploadedFile("抽检报告.pdf", PDF)],
        )
        plan = plan_services.plan_start(
            unit=unit("market-regulation"), year=today.year, acting_user=liaison
        )
        plan_services.plan_attach(
            plan_id=plan.id, acting_user=liaison, uploads=[SimpleUploadedFile("方案.pdf", PDF)]
        )
    return {"report": report.id, "plan": plan.id}


@pytest.mark.parametrize(
    ("which", "address", "model", "question"),
    [
        ("report", "/reports/{}/", ReportAttachment, "Remove “抽检报告.pdf” from the report?"),
        ("plan", "/reports/plans/{}/", PlanAttachment, "Remove “方案.pdf” from the plan?"),
    ],
)
def test_removing_a_file_asks_first(browser, drafts, live_server, which, address, model, question):
    page = signed_in(
        browser,
        live_server,
        "mr_removes",
        at=address.format(drafts[which]),
        language="en",
    )
    asked = []
    answer = {"accept": False}

    def reply(dialog):
        asked.append(dialog.message)
        dialog.accept() if answer["accept"] else dialog.dismiss()

    page.on("dialog", reply)
    remove = page.locator("form[action*='/attachments/'][action$='/remove/'] button")
    remove.click()
    assert asked == [question]
    assert forms_sent(page) == [False]
    assert model.objects.filter(removed_at__isnull=True).count() == 1
    answer["accept"] = True
    with page.expect_navigation():
        remove.click()
    assert asked == [question, question]
    assert model.objects.filter(removed_at__isnull=True).count() == 0
