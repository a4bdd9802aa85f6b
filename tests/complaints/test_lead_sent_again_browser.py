"""The referral form sent again, in a browser, once the lead it had sent was acknowledged:
the lead's own page says that it had been referred and acknowledged and that nothing new
was sent, which of the files chosen are among its evidence already, and, as a warning,
which were not added and why (tests/complaints/test_lead_referred_again_while_open.py
has the cases). With WQ_SHOTS=<folder> the page is saved at a desk's and a phone's width."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from complaints import referrals
from complaints.models import Referral
from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str, content: bytes = PDF) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": content}


@pytest.fixture
def people(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sender = UserFactory(
        username="housing_again", unit=unit("housing"), roles=[RoleCode.UNIT_STAFF]
    )
    receiver = UserFactory(
        username="mr_again", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF]
    )
    return sender, receiver


def refer(page, live_server, files: list[dict]) -> None:
    page.goto(f"{live_server.url}/referrals/new/")
    page.select_option("#id_to_unit", "market-regulation")
    page.fill("#id_title", "装修押金不退涉嫌价格违法")
    page.fill("#id_facts", "物业公司另收装修押金，装修完成后拒不退还。")
    page.set_input_files("#id_attachments", files)
    with page.expect_navigation():
        page.click("#send-referral")
    page.wait_for_selector("#referral-status")


@pytest.mark.parametrize(
    ("language", "sent_before", "on_it", "not_added"),
    [
        ("zh-hans", "对方已于", "已在线索", "未添加到线索"),
        ("en", "which acknowledged it on", "is already among the evidence", "was not added"),
    ],
)
def test_the_lead_page_names_the_files_sent_again(
    browser, people, live_server, language, sent_before, on_it, not_added
):
    sender, receiver = people
    page = signed_in(browser, live_server, sender.username, at="/referrals/", language=language)
    refer(page, live_server, [pdf("现场照片.pdf")])
    lead = Referral.objects.get()
    referrals.referral_acknowledge(referral_id=lead.id, acting_user=receiver)

    refer(
        page,
        live_server,
        [pdf("现场照片.pdf"), pdf("押金收据.pdf", PDF.replace(b"Catalog", b"Catalox"))],
    )

    assert Referral.objects.count() == 1
    assert page.url.endswith(f"/referrals/{lead.id}/")
    notes = page.locator(".portal-messages .alert")
    assert notes.count() == 3
    assert sent_before in notes.nth(0).inner_text()
    assert "现场照片.pdf" in notes.nth(1).inner_text() and on_it in notes.nth(1).inner_text()
    warning = notes.nth(2)
    assert "alert-warning" in warning.get_attribute("class")
    assert "押金收据.pdf" in warning.inner_text() and not_added in warning.inner_text()
    evidence = page.locator(f"a[href^='/referrals/{lead.id}/attachments/']")
    assert evidence.all_inner_texts() == ["现场照片.pdf"]
    if folder := os.environ.get("WQ_SHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(
                path=f"{folder}/lead_sent_again_{language[:2]}_{width}.png", full_page=True
            )
