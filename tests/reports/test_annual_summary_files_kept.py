"""A file removed from an annual summary is kept with a 'removed' mark, as a quarterly
report's or a plan's is: nothing once attached (and perhaps submitted before a return) is
lost; the office still sees it listed as removed and downloads it, the unit no longer."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import services
from tests.factories import unit

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def test_a_removed_file_is_kept_marked_removed_and_the_office_still_sees_it(
    client, mr_liaison, office_staff, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 11, 20), tick=False):
        summary = services.summary_start(
            unit=unit("market-regulation"), year=2026, acting_user=mr_liaison
        )
        services.summary_save(summary_id=summary.id, acting_user=mr_liaison, text="总结")
        first, kept = services.summary_attach(
            summary_id=summary.id,
            acting_user=mr_liaison,
            uploads=[
                SimpleUploadedFile("初版.pdf", PDF_BYTES),
                SimpleUploadedFile("盖章版.pdf", PDF_BYTES),
            ],
        )
        services.summary_submit(summary_id=summary.id, acting_user=mr_liaison)
        services.summary_return(summary_id=summary.id, acting_user=office_staff, comment="换文件")
        client.force_login(mr_liaison)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("annual_summary_detach", args=[summary.id, first.id]), follow=True
            )
        assert [str(m) for m in response.context["messages"]] == [
            "The file was removed from the summary."
        ]
        services.summary_submit(summary_id=summary.id, acting_user=mr_liaison)
    first.refresh_from_db()  # the row stays
    assert first.removed_at is not None and default_storage.exists(first.file.name)
    download = reverse("annual_summary_attachment", args=[summary.id, first.id])
    with time_machine.travel(at(2026, 11, 21), tick=False):
        client.force_login(mr_liaison)
        page = client.get(reverse("annual_summary", args=[summary.id])).content.decode()
        assert "初版.pdf" not in page and "盖章版.pdf" in page
        assert client.get(download).status_code == 404
        client.force_login(office_staff)
        page = client.get(reverse("annual_summary", args=[summary.id])).content.decode()
        removed = re.search(r'<li[^>]*data-removed="[^"]+"[^>]*>.*?</li>', page, re.S).group()
        assert "初版.pdf" in removed and "Removed" in removed
        assert "盖章版.pdf" not in removed
        assert client.get(download).status_code == 200
        archive = client.get(reverse("annual_summaries_archive", args=[2026]))
        names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert any(n.endswith("盖章版.pdf") for n in names)
    assert not any(n.endswith("初版.pdf") for n in names)
    assert kept.removed_at is None


def test_a_removed_file_cannot_be_removed_twice(mr_liaison):
    import pytest
    from django.http import Http404

    with time_machine.travel(at(2026, 11, 20), tick=False):
        summary = services.summary_start(
            unit=unit("market-regulation"), year=2026, acting_user=mr_liaison
        )
        (first,) = services.summary_attach(
            summary_id=summary.id,
            acting_user=mr_liaison,
            uploads=[SimpleUploadedFile("初版.pdf", PDF_BYTES)],
        )
        services.summary_detach(
            summary_id=summary.id, attachment_id=first.id, acting_user=mr_liaison
        )
        with pytest.raises(Http404):
            services.summary_detach(
                summary_id=summary.id, attachment_id=first.id, acting_user=mr_liaison
            )
