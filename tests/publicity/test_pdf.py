"""The PDF kept of a published release: built once after publication, with the text and the
violators as published, in Chinese; staff who may see the release download it."""

import subprocess

import pytest
import time_machine

from publicity import services
from publicity.models import Release
from publicity.tasks import build_release_pdf, sweep_release_pdfs

from .conftest import CODE_A, CODE_B, at, entry, published

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_publishing_queues_the_pdf_which_holds_the_release_as_published(
    mr_staff, mr_liaison, office_staff, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("wuqing_consumer.celery.nudge", lambda task, *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        release = published(
            mr_staff,
            mr_liaison,
            office_staff,
            entries=[entry(code=CODE_A), entry(name="武清区好味道餐饮店", code=CODE_B)],
        )
    assert queued == [(release.id,)]
    assert build_release_pdf(release.id) is True
    assert build_release_pdf(release.id) is False  # once only
    release.refresh_from_db()
    assert release.pdf_built_at is not None
    text = pdf_text(release.pdf.path)
    assert "2026年第四季度失信违法主体名单" in text
    assert "武清区好味道餐饮店" in text and CODE_B in text
    assert "失信违法主体名单 · 区市场监管局 · 2026年11月20日" in text
    assert "舆情" not in text


def test_no_pdf_for_what_is_not_published(mr_staff):
    draft = services.release_create(acting_user=mr_staff, kind="warning", title="草稿", body="草稿")
    assert build_release_pdf(draft.id) is False
    assert not Release.objects.get().pdf


def test_the_sweep_queues_the_pdfs_whose_task_was_lost(
    mr_staff, mr_liaison, office_staff, monkeypatch
):
    queued = []
    monkeypatch.setattr("wuqing_consumer.celery.nudge", lambda task, *args: queued.append(args))
    release = published(mr_staff, mr_liaison, office_staff)  # on 20 November, 09:00
    with time_machine.travel(at(2026, 11, 20, 9, 1), tick=False):
        assert sweep_release_pdfs() == 0  # its task may still be on the way
    with time_machine.travel(at(2026, 11, 20, 9, 10), tick=False):
        assert sweep_release_pdfs() == 1 and queued == [(release.id,)]
    with time_machine.travel(at(2026, 11, 21, 10), tick=False):
        assert sweep_release_pdfs() == 0  # a day on, a PDF that will not build is let be
    with time_machine.travel(at(2026, 11, 20, 9, 10), tick=False):
        build_release_pdf(release.id)
        assert sweep_release_pdfs() == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("mr_staff", 200),
        ("housing_staff", 200),
        ("office_staff", 200),
        ("leader", 200),
    ],
)
def test_staff_download_the_pdf(persona_client, mr_liaison, office_director, persona, status):
    release = published(mr_liaison, mr_liaison, office_director)
    url = f"/releases/{release.id}/pdf/"
    assert persona_client(persona).get(url).status_code == (302 if persona == "anonymous" else 404)
    build_release_pdf(release.id)
    response = persona_client(persona).get(url)
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("persona", ["anonymous", "mr_staff", "housing_staff", "office_staff"])
def test_no_pdf_of_a_draft(persona_client, mr_liaison, persona):
    draft = services.release_create(acting_user=mr_liaison, kind="warning", title="草", body="草")
    response = persona_client(persona).get(f"/releases/{draft.id}/pdf/")
    assert response.status_code == (302 if persona == "anonymous" else 404)
