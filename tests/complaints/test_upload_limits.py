"""The attachment size limit holds while a file arrives, not once it has been spooled to disk:
a file past the limit is not written on, and a body larger than any permitted upload is
refused before it is read. Either way the person gets the message on the page they sent the
form from, in their language, never a reset connection or a 500."""

from __future__ import annotations

import io
import os
from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from PIL import Image

from complaints import workflow
from complaints.attachments import AttachmentUploadHandler, RefusedUpload, request_max_bytes
from complaints.deadlines import BEIJING
from complaints.models import Attachment, MediationAgreement, WorkOrder
from tests.factories import make_order

LIMIT = 100 * 1024
PROPERTY_TEXT = "小区物业不作为，电梯坏了一个月没人修，业主多次反映无果"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 7, 6, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture(autouse=True)
def limits(settings, tmp_path):
    """A small limit, and files kept in memory only below 1 KB, so that what the handler
    does with a large file shows with a small one."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATTACHMENT_MAX_BYTES = LIMIT
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return settings


@pytest.fixture
def spooled(monkeypatch):
    """Every temporary file an upload is spooled into, with the bytes written to it."""
    files = []

    class Counting(TemporaryUploadedFile):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.written = 0
            self.path = self.temporary_file_path()
            files.append(self)

        def write(self, data):
            self.written += len(data)
            return self.file.write(data)

    monkeypatch.setattr("django.core.files.uploadhandler.TemporaryUploadedFile", Counting)
    return files


def pdf(size: int, name: str = "录像截图.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * (size - 9), "application/pdf")


def stored(settings) -> list:
    return [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def too_large(name: str, size: int) -> str:
    with translation.override("en"):
        size, limit = filesizeformat(size), filesizeformat(LIMIT)
    return f"“{name}” is {size}; attachments may be at most {limit}."


def intake_form(**extra) -> dict:
    return {
        "kind": "complaint",
        "channel": "phone",
        "urgency": "normal",
        "content": PROPERTY_TEXT,
        "citizen_name": "李女士",
        "citizen_phone": "13900001111",
        "routing_choice": "auto",
        **extra,
    }


# -- a file past the limit is not written on ------------------------------------------------


def test_a_file_past_the_limit_is_not_spooled_and_the_intake_form_says_so_keeping_its_input(
    client, office_staff, spooled, limits
):
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    size = 20 * LIMIT

    response = client.post("/orders/new/", intake_form(attachments=[pdf(size)]))

    assert response.status_code == 400
    page = response.content.decode()
    assert too_large("录像截图.pdf", size) in page
    assert PROPERTY_TEXT in page and 'value="李女士"' in page  # the rest is kept
    assert not WorkOrder.objects.exists()
    assert stored(limits) == []
    # Written to disk: nothing past the limit, and what was written is gone.
    assert len(spooled) == 1
    assert spooled[0].written <= LIMIT
    assert not os.path.exists(spooled[0].path)


def test_the_message_is_in_chinese_by_default(client, office_staff, spooled):
    client.force_login(office_staff)
    response = client.post("/orders/new/", intake_form(attachments=[pdf(3 * LIMIT, "a.pdf")]))
    assert response.status_code == 400
    assert "“a.pdf”大小为 300.0\xa0KB，单个附件不得超过 100.0\xa0KB。" in response.content.decode()
    assert spooled[0].written <= LIMIT


def test_a_refused_file_on_an_order_goes_back_to_the_order_with_the_message(
    client, office_staff, spooled, limits
):
    order = make_order(office_staff)
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    small = pdf(LIMIT // 2, "small.pdf")

    response = client.post(
        f"/orders/{order.number}/attachments/",
        {"attachments": [small, pdf(5 * LIMIT, "big.pdf")]},
        follow=True,
    )

    assert response.redirect_chain == [(f"/orders/{order.number}/#attachments", 302)]
    assert too_large("big.pdf", 5 * LIMIT) in response.content.decode()
    assert not Attachment.objects.exists()  # one bad file refuses the whole upload
    assert stored(limits) == []
    assert [f.written for f in spooled][1] <= LIMIT


def test_the_mediation_form_keeps_its_input_beside_the_message(client, office_staff, mr_staff):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    form = {
        "order": order.number,
        "body": "unit",
        "parties": "张先生；某某超市",
        "terms": "超市退还货款",
        "effective_on": "2026-07-03",
        "scan": pdf(2 * LIMIT, "协议.pdf"),
    }

    page = client.post(reverse("mediation_new"), form).content.decode()

    assert too_large("协议.pdf", 2 * LIMIT) in page
    assert "超市退还货款</textarea>" in page
    assert not MediationAgreement.objects.exists()


def test_files_within_the_limit_are_spooled_and_stored_whole(client, office_staff, spooled, limits):
    buffer = io.BytesIO()
    Image.effect_noise((150, 150), 60).convert("RGB").save(buffer, format="PNG")
    png = buffer.getvalue()
    assert 1024 < len(png) <= LIMIT
    at_limit = b"%PDF-1.4\n" + b"0" * (LIMIT - 9)
    order = make_order(office_staff)
    client.force_login(office_staff)

    client.post(
        f"/orders/{order.number}/attachments/",
        {
            "attachments": [
                SimpleUploadedFile("现场.png", png, "image/png"),
                SimpleUploadedFile("发票.pdf", at_limit, "application/pdf"),
            ]
        },
    )

    kept = {a.original_name: a.file.read() for a in Attachment.objects.all()}
    assert kept == {"现场.png": png, "发票.pdf": at_limit}
    assert [f.written for f in spooled] == [len(png), LIMIT]


def test_the_handler_counts_the_whole_file_and_keeps_none_of_it(rf, spooled):
    handler = AttachmentUploadHandler(rf.post("/"))
    handler.new_file("attachments", "video.mp4", "video/mp4", None)
    chunk = b"x" * 65536  # Django's chunk size
    passed_on = [handler.receive_data_chunk(chunk, n * len(chunk)) for n in range(5)]

    refused = handler.file_complete(5 * len(chunk))

    assert passed_on == [None] * 5  # nothing reaches a handler after it
    assert spooled[0].written == len(chunk) <= LIMIT
    assert spooled[0].closed and not os.path.exists(spooled[0].path)
    assert isinstance(refused, RefusedUpload)
    assert (refused.name, refused.size, refused.content_type) == (
        "video.mp4",
        5 * 65536,
        "video/mp4",
    )
    with pytest.raises(ValueError):
        refused.read()  # no content: never stored as an empty file
    refused.close()  # the request closes its files at the end


# -- a body larger than any permitted upload is refused unread ------------------------------


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("a body over the limit must be refused before it is read")


def _post_too_much(client, url: str, *, referer: str | None):
    headers = {"referer": referer} if referer else {}
    return client.generic(
        "POST",
        url,
        headers=headers,
        CONTENT_TYPE="multipart/form-data; boundary=portal",
        CONTENT_LENGTH=str(request_max_bytes() + 1),
        **{"wsgi.input": Unreadable()},
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "What you sent is {size}; a form takes at most 10 files of 100.0\xa0KB each. "
            "Nothing was received or saved: fill in the form again and choose smaller files.",
        ),
        (
            "zh-hans",
            "您发送的内容大小为 {size}，一次最多可提交 10 个文件，每个不超过 100.0\xa0KB。"
            "未接收也未保存任何内容：请重新填写表单并选择较小的文件。",
        ),
    ],
)
def test_a_body_larger_than_any_upload_goes_back_unread_to_the_form_with_a_message(
    client, office_staff, language, expected
):
    client.force_login(office_staff)
    client.cookies["django_language"] = language
    intake_page = "http://testserver/orders/new/"

    response = _post_too_much(client, "/orders/new/", referer=intake_page)

    assert response.status_code == 302
    assert response["Location"] == intake_page
    page = client.get(response["Location"])
    assert page.status_code == 200
    with translation.override(language):
        size = filesizeformat(request_max_bytes() + 1)
    assert expected.format(size=size) in page.content.decode()
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize(
    "referer", [None, "https://elsewhere.example/orders/new/", "javascript:alert(1)"]
)
def test_without_a_page_of_ours_to_go_back_to_it_goes_home(client, office_staff, referer):
    client.force_login(office_staff)
    response = _post_too_much(client, "/orders/new/", referer=referer)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_api_keeps_its_own_json_answer_for_a_large_body(client):
    response = _post_too_much(client, "/api/v1/hotline/work-orders/", referer=None)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


# -- several files too large: every one is named ---------------------------------------------


def test_every_file_over_the_limit_is_named_with_the_limit_not_only_the_first(
    client, office_staff, spooled, limits
):
    order = make_order(office_staff)
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    files = [pdf(2 * LIMIT, "第一.pdf"), pdf(LIMIT // 2, "小.pdf"), pdf(3 * LIMIT, "第二.pdf")]

    response = client.post(
        f"/orders/{order.number}/attachments/", {"attachments": files}, follow=True
    )

    page = response.content.decode()
    # In the message above the page, the Chinese of a name is read as Chinese.
    assert too_large('<span lang="zh-Hans">第一</span>.pdf', 2 * LIMIT) in page
    assert too_large('<span lang="zh-Hans">第二</span>.pdf', 3 * LIMIT) in page
    assert "小.pdf" not in page
    assert not Attachment.objects.exists()
    assert stored(limits) == []


def test_the_intake_form_names_every_file_over_the_limit_and_keeps_its_input(
    client, office_staff, spooled, limits
):
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    files = [pdf(2 * LIMIT, "a.pdf"), pdf(4 * LIMIT, "b.pdf")]

    response = client.post("/orders/new/", intake_form(attachments=files))

    assert response.status_code == 400
    page = response.content.decode()
    assert too_large("a.pdf", 2 * LIMIT) in page and too_large("b.pdf", 4 * LIMIT) in page
    assert PROPERTY_TEXT in page
    assert not WorkOrder.objects.exists()


def test_check_uploads_names_every_refused_file_whatever_the_reason(limits):
    from django.core.exceptions import ValidationError

    from complaints.attachments import check_uploads

    files = [
        pdf(2 * LIMIT, "big.pdf"),
        SimpleUploadedFile("fine.pdf", b"%PDF-1.4\n", "application/pdf"),
        SimpleUploadedFile("program.exe", b"MZ\x90\x00", "application/octet-stream"),
        pdf(3 * LIMIT, "bigger.pdf"),
    ]

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        check_uploads(files)

    [message] = refused.value.message_dict["attachments"]
    assert too_large("big.pdf", 2 * LIMIT) in message
    assert too_large("bigger.pdf", 3 * LIMIT) in message
    assert "“program.exe” is not an accepted kind of file." in message
    assert "fine.pdf" not in message


# -- more files than Django takes in one post ------------------------------------------------


def _many_files(settings) -> list:
    return [pdf(64, f"照片{n}.pdf") for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]


TOO_MANY = (
    "You sent more than %(most)s files at once; a form takes at most %(n)s files at a time. "
    "Nothing was saved: fill in the form again and choose at most %(n)s files."
)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_post_with_more_files_than_any_form_takes_goes_back_with_a_message_not_a_400(
    client, office_staff, limits, language
):
    client.force_login(office_staff)
    client.cookies["django_language"] = language
    intake_page = "http://testserver/orders/new/"

    response = client.post(
        "/orders/new/",
        intake_form(attachments=_many_files(limits)),
        headers={"referer": intake_page},
    )

    assert response.status_code == 302
    assert response["Location"] == intake_page
    page = client.get(response["Location"]).content.decode()
    with translation.override(language):
        expected = translation.gettext(TOO_MANY) % {"most": 100, "n": 10}
    assert expected in page
    if language == "en":
        assert expected == (
            "You sent more than 100 files at once; a form takes at most 10 files at a time. "
            "Nothing was saved: fill in the form again and choose at most 10 files."
        )
    assert not WorkOrder.objects.exists()
    assert stored(limits) == []


def test_a_post_with_too_many_files_from_nowhere_of_ours_goes_home_with_the_message(
    client, office_staff, limits
):
    order = make_order(office_staff)
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"

    response = client.post(
        f"/orders/{order.number}/attachments/", {"attachments": _many_files(limits)}, follow=True
    )

    assert response.redirect_chain == [("/", 302)]
    assert "a form takes at most 10 files at a time" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_api_refuses_a_form_with_too_many_files_unread_in_its_own_json(office_staff, limits):
    """The API reads JSON only (its parser, not Django's form parser, reads the body, also
    for the CSRF check of a signed-in session): a form with files is refused as such,
    before Django could count them, in the API's error format."""
    from django.test import Client

    from complaints.clients import api_client_create

    _, key, _secret = api_client_create(name="12345 热线")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(office_staff)
    browser.cookies["csrftoken"] = "a" * 32
    sent = [
        (browser, "/api/v1/routing/preview/", {}),
        (Client(), "/api/v1/hotline/work-orders/", {"authorization": f"Bearer {key}"}),
    ]
    for client, url, headers in sent:
        response = client.post(
            url,
            {"hotline_id": "H1", "content": PROPERTY_TEXT, "attachments": _many_files(limits)},
            headers={**headers, "accept-language": "en"},
        )

        assert response.status_code == 415
        error = response.json()["error"]
        assert set(error) == {"code", "message"}
        assert error["code"] == "unsupported_media_type"
        assert "multipart/form-data" in error["message"]
