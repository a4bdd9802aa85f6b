"""The same lead posted again (the same work order, unit, title and text) while the first is
still open is not referred a second time: not only while the first awaits acknowledgement
(`test_lead_referred_again`), but also once the receiving unit acknowledged it and has not
yet accepted or rejected it. It was sent again as a second lead, which the receiving unit
would have had to acknowledge, decide and count as another case. The sender now reads that
the lead had been referred, when it was acknowledged, and that nothing new was sent, on
that lead's own page; the portal's JSON lists the one lead, as the lists do.

Files chosen in such a repeated post were dropped without a word. They are not added to
the lead already referred (its evidence is what was sent with it, and what the receiving
unit acknowledged), and the page says so, by name: files already among its evidence (the
same name and content: a refresh or a second tab sends them again) are said to be there,
others are said not to have been added, and why."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import referrals, workflow
from complaints.choices import ReferralStatus
from complaints.deadlines import BEIJING
from complaints.models import Referral, ReferralAttachment
from tests.factories import make_order

MONDAY = datetime(2026, 9, 21, 10, tzinfo=BEIJING)
TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OTHER_PDF = PDF.replace(b"Catalog", b"Catalox")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def order(db, office_staff, housing_staff):
    with time_machine.travel(MONDAY, tick=False):
        order = make_order(office_staff, unit_code="housing", content="物业公司收取装修押金后不退")
        workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    return order


def pdf(name: str, content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def post(client, person, order, language="en", files=()):
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    form = {
        "to_unit": "market-regulation",
        "title": "装修押金不退涉嫌价格违法",
        "facts": "物业公司另收装修押金，装修完成后拒不退还。",
        "order": order.number,
    }
    if files:
        form["attachments"] = list(files)
    response = client.post(reverse("referral_new"), form)
    client.get(response["Location"])  # the page it leads to shows (and uses up) its messages
    return response


def said(response) -> list[str]:
    """What the page the post leads to says, in order: this post's messages only."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def acknowledged(client, order, housing_staff, mr_staff, files=()) -> Referral:
    """A lead referred on Monday (with `files`) and acknowledged on Tuesday."""
    with time_machine.travel(MONDAY, tick=False):
        post(client, housing_staff, order, files=files)
    lead = Referral.objects.get()
    with time_machine.travel(TUESDAY, tick=False):
        referrals.referral_acknowledge(referral_id=lead.id, acting_user=mr_staff)
    return lead


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_lead_sent_again_after_it_was_acknowledged_is_not_sent_twice(
    client, order, housing_staff, mr_staff
):
    lead = acknowledged(client, order, housing_staff, mr_staff)
    with time_machine.travel(WEDNESDAY, tick=False):
        again = post(client, housing_staff, order)
    assert Referral.objects.count() == 1
    assert again.status_code == 302
    assert again["Location"] == reverse("referral_detail", args=[lead.id])
    assert said(again) == [
        f"Lead {lead.number}, with the same title and text, had already been referred to "
        "Market Regulation Bureau on 2026-09-21, which acknowledged it on 2026-09-22 and has "
        "not yet accepted or rejected it; nothing new was sent."
    ]


def test_the_chinese_page_says_it_was_acknowledged(client, order, housing_staff, mr_staff):
    lead = acknowledged(client, order, housing_staff, mr_staff)
    with time_machine.travel(WEDNESDAY, tick=False):
        again = post(client, housing_staff, order, "zh-hans")
    (message,) = said(again)
    assert f"线索 {lead.number} 已于2026-09-21移送" in message
    assert "已于2026-09-22签收" in message and "未再次移送" in message


def test_the_service_answers_with_the_acknowledged_lead(order, housing_staff, mr_staff, client):
    lead = acknowledged(client, order, housing_staff, mr_staff)
    with time_machine.travel(WEDNESDAY, tick=False):
        answer = referrals.referral_send(
            acting_user=housing_staff,
            to_unit_code="market-regulation",
            title="装修押金不退涉嫌价格违法",
            facts="物业公司另收装修押金，装修完成后拒不退还。",
            order_number=order.number,
        )
    assert answer.id == lead.id and answer.sent_before
    assert answer.status == ReferralStatus.ACKNOWLEDGED


def test_the_portal_json_lists_the_one_lead_the_pages_show(client, order, housing_staff, mr_staff):
    lead = acknowledged(client, order, housing_staff, mr_staff)
    with time_machine.travel(WEDNESDAY, tick=False):
        post(client, housing_staff, order)
    client.force_login(housing_staff)
    listed = client.get("/api/v1/referrals/").json()
    assert [row["number"] for row in listed["results"]] == [lead.number]


def test_the_same_lead_is_referred_anew_once_the_earlier_one_was_accepted(
    client, order, housing_staff, mr_staff
):
    """Kept as it was: a lead accepted is over, and the same facts may be referred again."""
    lead = acknowledged(client, order, housing_staff, mr_staff)
    with time_machine.travel(WEDNESDAY, tick=False):
        referrals.referral_accept(referral_id=lead.id, acting_user=mr_staff, case_reference="A1")
        again = post(client, housing_staff, order)
    new = Referral.objects.exclude(id=lead.id).get()
    assert new.status == ReferralStatus.SENT
    assert again["Location"] == reverse("referral_detail", args=[new.id])


def test_files_posted_with_a_lead_already_referred_are_named_as_not_added(
    client, order, housing_staff, mr_staff, media
):
    lead = acknowledged(client, order, housing_staff, mr_staff, files=[pdf("现场照片.pdf")])
    files_before = stored_files(media)
    with time_machine.travel(WEDNESDAY, tick=False):
        again = post(
            client, housing_staff, order, files=[pdf("押金收据.pdf", OTHER_PDF), pdf("合同.pdf")]
        )
    assert list(ReferralAttachment.objects.values_list("referral", "original_name")) == [
        (lead.id, "现场照片.pdf")
    ]
    assert stored_files(media) == files_before
    assert said(again)[1:] == [
        f"“押金收据.pdf”, “合同.pdf” were not added to lead {lead.number}: evidence goes with "
        "a lead when it is referred and cannot be added afterwards. If they are new evidence, "
        "send them to Market Regulation Bureau by other means."
    ]


def test_a_file_already_among_the_evidence_is_said_to_be_there(
    client, order, housing_staff, mr_staff
):
    """A refresh or a second tab posts the same files again: they are on the lead."""
    with time_machine.travel(MONDAY, tick=False):
        post(client, housing_staff, order, files=[pdf("现场照片.pdf")])
        again = post(
            client, housing_staff, order, files=[pdf("现场照片.pdf"), pdf("照片2.pdf", OTHER_PDF)]
        )
    lead = Referral.objects.get()
    assert lead.attachments.count() == 1
    assert said(again)[1:] == [
        f"“现场照片.pdf” is already among the evidence of lead {lead.number}.",
        f"“照片2.pdf” was not added to lead {lead.number}: evidence goes with a lead when it "
        "is referred and cannot be added afterwards. If it is new evidence, send it to "
        "Market Regulation Bureau by other means.",
    ]


def test_a_file_of_the_same_name_but_other_content_is_not_taken_for_it(
    client, order, housing_staff
):
    with time_machine.travel(MONDAY, tick=False):
        post(client, housing_staff, order, files=[pdf("现场照片.pdf")])
        again = post(client, housing_staff, order, files=[pdf("现场照片.pdf", OTHER_PDF)])
    lead = Referral.objects.get()
    assert said(again)[1].startswith(f"“现场照片.pdf” was not added to lead {lead.number}:")


def test_the_chinese_page_names_the_files_not_added(client, order, housing_staff):
    with time_machine.travel(MONDAY, tick=False):
        post(client, housing_staff, order, "zh-hans", files=[pdf("现场照片.pdf")])
        again = post(
            client, housing_staff, order, "zh-hans", files=[pdf("收据.pdf"), pdf("合同.pdf")]
        )
    lead = Referral.objects.get()
    assert said(again)[1] == (
        f"“收据.pdf”、“合同.pdf”未添加到线索 {lead.number}：证据材料随线索一并移送，移送后不能"
        "补充。如为新的证据材料，请通过其他途径送交区市场监管局。"
    )
