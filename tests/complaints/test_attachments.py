"""What may be attached to an order, and how attached files are kept.

Files are stored under a temporary MEDIA_ROOT (pytest-django's `settings` fixture restores
the real one after each test).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import translation
from PIL import Image

from complaints import services
from complaints.attachments import validate_upload
from complaints.choices import Action
from complaints.deadlines import BEIJING
from complaints.models import Attachment, WorkOrder, WorkOrderEvent
from complaints.workflow import WorkflowError
from tests.factories import make_order

EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 7, 6, 10, tzinfo=BEIJING), tick=False):
        yield


def stored_files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file())


# -- validate_upload -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("receipt.png", image_bytes("PNG"), "image/png"),
        ("photo.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("PHOTO.JPEG", image_bytes("JPEG"), "image/jpeg"),
        ("invoice.pdf", PDF_BYTES, "application/pdf"),
        ("说明.txt", "商家拒绝退货，理由是已过七天。".encode(), "text/plain"),
        ("说明.txt", "商家拒绝退货".encode("gb18030"), "text/plain"),
        ("说明.txt", "\ufeff商家拒绝退货".encode("utf-16-le"), "text/plain"),
        ("说明.txt", "\ufeff商家拒绝退货".encode("utf-16-be"), "text/plain"),
    ],
)
def test_real_files_of_accepted_kinds_pass(name, content, expected):
    assert validate_upload(upload(name, content)) == expected


def test_a_word_document_passes_as_the_zip_it_is():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert validate_upload(upload("合同.docx", buffer.getvalue())) in (
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def test_validation_leaves_the_file_ready_to_be_read_from_the_start():
    content = image_bytes("PNG")
    file = upload("receipt.png", content)
    validate_upload(file)
    assert file.read() == content


def test_an_exe_renamed_to_jpg_is_refused():
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload("photo.jpg", EXE_BYTES, "image/jpeg"))
    message = caught.value.messages[0]
    assert "photo.jpg" in message
    assert "is not a JPG file, whatever its name says" in message


def test_a_png_named_pdf_is_refused():
    with pytest.raises(ValidationError, match="is not a PDF file"):
        validate_upload(upload("invoice.pdf", image_bytes("PNG")))


def test_a_file_larger_than_the_limit_is_refused_without_reading_it():
    class HugeUpload(SimpleUploadedFile):
        """Reports 200 MB while holding a few bytes; reading it would be a test bug."""

        def read(self, *args, **kwargs):
            raise AssertionError("an oversized upload must be refused before it is read")

    huge = HugeUpload("video.mp4", b"\x00" * 16)
    huge.size = 200 * 1024 * 1024
    assert huge.size > django_settings.ATTACHMENT_MAX_BYTES

    with pytest.raises(ValidationError) as caught:
        validate_upload(huge)
    message = caught.value.messages[0]
    assert "“video.mp4” is 200.0\xa0MB" in message
    assert "attachments may be at most" in message


def test_a_file_exactly_at_the_limit_is_not_refused_for_its_size():
    content = image_bytes("PNG")
    file = upload("receipt.png", content)
    file.size = django_settings.ATTACHMENT_MAX_BYTES
    assert validate_upload(file) == "image/png"


@pytest.mark.parametrize("name", ["setup.exe", "notes.xyz", "page.html", "drawing.svg", "README"])
def test_an_unknown_kind_of_file_is_refused(name):
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload(name, b"hello"))
    assert f"“{name}” is not an accepted kind of file" in caught.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match=re.escape("“empty.pdf” is empty.")):
        validate_upload(upload("empty.pdf", b""))


def test_a_text_file_with_nul_bytes_is_refused():
    with pytest.raises(ValidationError, match="is not a text file, whatever its name says"):
        validate_upload(upload("notes.txt", b"looks like text\x00\x01\x02 but is not"))


# -- workorder_attach ----------------------------------------------------------------------


def test_the_office_attaches_files_which_are_stored_and_recorded(office_staff, media_root):
    order = make_order(office_staff)
    png, pdf = image_bytes("PNG"), PDF_BYTES
    events_before = WorkOrderEvent.objects.filter(order=order).count()

    stored = services.workorder_attach(
        order_id=order.id,
        acting_user=office_staff,
        uploads=[upload("收据.png", png), upload("发票.pdf", pdf)],
    )

    attachments = list(Attachment.objects.filter(order=order).order_by("id"))
    assert [a.id for a in stored] == [a.id for a in attachments]
    assert [(a.original_name, a.content_type, a.size, a.uploaded_by) for a in attachments] == [
        ("收据.png", "image/png", len(png), office_staff),
        ("发票.pdf", "application/pdf", len(pdf), office_staff),
    ]
    folder = media_root / "attachments" / "2026" / "07" / order.number
    files = stored_files(media_root)
    assert [path.parent for path in files] == [folder, folder]
    assert sorted(path.read_bytes() for path in files) == sorted([png, pdf])
    # The stored name is generated; the citizen's file name is kept only as text.
    assert all(not a.file.name.endswith(a.original_name) for a in attachments)
    assert attachments[0].file.read() == png

    events = WorkOrderEvent.objects.filter(order=order)
    assert events.count() == events_before + 1
    event = events.order_by("-id").first()
    assert (event.action, event.actor, event.data) == (
        Action.ATTACH,
        office_staff,
        {"files": ["收据.png", "发票.pdf"]},
    )


@pytest.mark.parametrize("persona", ["mr_staff", "housing_staff"])
def test_the_primary_and_co_handling_units_may_attach(request, office_staff, persona):
    person = request.getfixturevalue(persona)
    order = make_order(office_staff, co_unit_codes=["housing"])
    services.workorder_attach(
        order_id=order.id, acting_user=person, uploads=[upload("现场.jpg", image_bytes("JPEG"))]
    )
    assert Attachment.objects.get(order=order).uploaded_by == person


def test_another_unit_gets_404_and_nothing_is_stored(office_staff, housing_staff, media_root):
    order = make_order(office_staff)
    with pytest.raises(Http404):
        services.workorder_attach(
            order_id=order.id,
            acting_user=housing_staff,
            uploads=[upload("现场.png", image_bytes("PNG"))],
        )
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_someone_who_sees_but_does_not_handle_the_order_cannot_attach(
    office_staff, leader, media_root
):
    order = make_order(office_staff)
    with pytest.raises(WorkflowError, match=re.escape("You may not add files to this order.")):
        services.workorder_attach(
            order_id=order.id, acting_user=leader, uploads=[upload("a.png", image_bytes("PNG"))]
        )
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_one_bad_file_refuses_the_whole_upload(office_staff, media_root):
    order = make_order(office_staff)
    events_before = WorkOrderEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.workorder_attach(
            order_id=order.id,
            acting_user=office_staff,
            uploads=[upload("good.png", image_bytes("PNG")), upload("photo.jpg", EXE_BYTES)],
        )
    assert "photo.jpg" in caught.value.message_dict["attachments"][0]
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []
    assert WorkOrderEvent.objects.count() == events_before


def test_it_refuses_an_upload_with_no_files(office_staff):
    order = make_order(office_staff)
    with pytest.raises(ValidationError) as caught:
        services.workorder_attach(order_id=order.id, acting_user=office_staff, uploads=[])
    assert caught.value.message_dict == {"attachments": ["Choose at least one file."]}


# -- attachments at intake -----------------------------------------------------------------


def test_files_given_at_intake_are_stored_with_the_new_order(office_staff, media_root):
    png = image_bytes("PNG")
    order = make_order(office_staff, attachments=[upload("收据.png", png)])
    attachment = Attachment.objects.get(order=order)
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "收据.png",
        "image/png",
        len(png),
    )
    assert [path.read_bytes() for path in stored_files(media_root)] == [png]


def test_a_bad_file_at_intake_refuses_the_order_and_creates_nothing(office_staff, media_root):
    with pytest.raises(ValidationError) as caught:
        make_order(office_staff, attachments=[upload("photo.jpg", EXE_BYTES)])
    assert "photo.jpg" in caught.value.message_dict["attachments"][0]
    assert not WorkOrder.objects.exists()
    assert not WorkOrderEvent.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_gone_from_storage_is_a_404_for_every_kind_of_attachment():
    from types import SimpleNamespace

    from django.http import Http404

    from complaints import attachments

    def missing(mode):
        raise FileNotFoundError

    record = SimpleNamespace(
        file=SimpleNamespace(open=missing), original_name="a.pdf", content_type="application/pdf"
    )
    with pytest.raises(Http404):
        attachments.download(record)


# -- serving text files in the charset they are in ------------------------------------------

COMPLAINT_TEXT = "商家拒绝退货，理由是已过七天。消费者要求按《消费者权益保护法》处理。\r\n"


def test_gbk_text_is_really_not_utf_8():
    """The premise of the tests below: Notepad's GBK bytes are not UTF-8."""
    gbk = COMPLAINT_TEXT.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")


def _attach_and_download(client, user, name: str, content: bytes):
    order = make_order(user)
    client.force_login(user)
    response = client.post(
        f"/orders/{order.number}/attachments/", {"attachments": [upload(name, content)]}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(order=order)
    return client.get(f"/orders/{order.number}/attachments/{attachment.id}/")


GB18030_ONLY = "𠀀"  # outside GBK: four bytes in GB18030


@pytest.mark.parametrize(
    ("text", "encoding", "charset"),
    [
        (COMPLAINT_TEXT, "gbk", "gb18030"),
        (COMPLAINT_TEXT + GB18030_ONLY, "gb18030", "gb18030"),
        (COMPLAINT_TEXT, "utf-8", "utf-8"),
        ("\ufeff" + COMPLAINT_TEXT, "utf-8", "utf-8"),
        ("\ufeff" + COMPLAINT_TEXT, "utf-16-le", "utf-16le"),
        ("\ufeff" + COMPLAINT_TEXT, "utf-16-be", "utf-16be"),
        ("plain ASCII notes\n", "ascii", "utf-8"),
    ],
    ids=["gbk", "gb18030", "utf-8", "utf-8-bom", "utf-16le-bom", "utf-16be-bom", "ascii"],
)
def test_a_text_attachment_is_served_in_the_charset_it_is_written_in(
    client, office_staff, text, encoding, charset
):
    content = text.encode(encoding)
    response = _attach_and_download(client, office_staff, "市民陈述.txt", content)

    assert response.status_code == 200
    assert response["Content-Type"] == f"text/plain; charset={charset}"
    body = b"".join(response.streaming_content)
    assert body == content  # served as stored, not re-encoded
    assert body.decode(charset) == text
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E5%B8%82%E6%B0%91%E9%99%88%E8%BF%B0.txt"
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_text_in_no_known_charset_is_served_as_a_file_to_save_not_as_garbage(client, office_staff):
    """A file stored while only the first 8 KB were checked at upload: further on it is
    Latin-1, which is neither UTF-8 nor GB18030, and as text it would show as mojibake."""
    content = b"notes " * 1500 + "café au lait, crème brûlée\n".encode("latin-1")
    order = make_order(office_staff)
    services.workorder_attach(
        order_id=order.id, acting_user=office_staff, uploads=[upload("notes.txt", b"notes\n")]
    )
    attachment = Attachment.objects.get()
    with open(attachment.file.path, "wb") as stored_before:
        stored_before.write(content)
    client.force_login(office_staff)

    response = client.get(f"/orders/{order.number}/attachments/{attachment.id}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_gbk_file_stored_before_as_utf_8_is_served_as_gb18030(client, office_staff):
    """Rows stored before the charset was looked for say "charset=utf-8" whatever the file
    holds; the stored claim is not believed."""
    order = make_order(office_staff)
    services.workorder_attach(
        order_id=order.id,
        acting_user=office_staff,
        uploads=[upload("陈述.txt", COMPLAINT_TEXT.encode("gbk"))],
    )
    Attachment.objects.update(content_type="text/plain; charset=utf-8")
    attachment = Attachment.objects.get()
    client.force_login(office_staff)

    response = client.get(f"/orders/{order.number}/attachments/{attachment.id}/")

    assert response["Content-Type"] == "text/plain; charset=gb18030"
    assert b"".join(response.streaming_content).decode("gb18030") == COMPLAINT_TEXT


def test_other_kinds_keep_the_type_found_at_upload(client, office_staff):
    response = _attach_and_download(client, office_staff, "发票.pdf", PDF_BYTES)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_character_cut_by_a_chunk_does_not_make_text_look_binary():
    """The file is read in chunks: a GBK character cut in two where one ends is still text."""
    content = b"a" + "商".encode("gbk") * 50000
    assert len(content) > 65536
    assert validate_upload(upload("长.txt", content)) == "text/plain"


@pytest.mark.parametrize(
    "tail",
    [EXE_BYTES, "café au lait, crème brûlée\n".encode("latin-1"), b"\xff\xfe\xfd" * 10],
    ids=["a program with nul bytes", "latin-1 text", "bytes no charset has"],
)
def test_a_text_file_is_checked_to_its_end_not_only_in_its_first_8_kb(tail):
    """What the check is for: binary content (a program, an archive) named .txt is
    refused. It read only the first 8 KB, so a file that began with a page of text passed
    whatever followed; and text in a charset the portal cannot serve it in was accepted,
    then offered only as bytes to save."""
    content = "市民陈述：商家拒绝退货。\n".encode() * 2000 + tail
    assert len(content) > 8192 * 4

    with pytest.raises(ValidationError, match="is not a text file, whatever its name says"):
        validate_upload(upload("陈述.txt", content))


def test_a_utf_16_text_file_passes_to_its_end():
    content = ("\ufeff" + COMPLAINT_TEXT * 2000).encode("utf-16-le")
    assert len(content) > 65536
    assert validate_upload(upload("陈述.txt", content)) == "text/plain"


def test_a_file_written_in_a_test_that_never_commits(office_staff, media_root):
    """The first of a pair: pytest-django rolls this test's transaction back, so the file's
    commit never comes and the file stays in the thread's list of files to look at."""
    order = make_order(office_staff)
    services.workorder_attach(
        order_id=order.id, acting_user=office_staff, uploads=[upload("收据.pdf", PDF_BYTES)]
    )
    assert Attachment.objects.filter(order=order).exists()


def test_a_request_in_the_next_test_without_a_database_is_answered(client):
    """The second: the end of this request looked at the first test's file in a database
    this test may not touch ("Database access not allowed"), whichever test came next."""
    assert client.get("/accounts/login/").status_code == 200
