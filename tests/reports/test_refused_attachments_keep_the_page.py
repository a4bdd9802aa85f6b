"""A file refused on a quarterly report, a plan or an annual summary (not an accepted kind,
too large) comes back with 400: the page again, the refusal once and beside the file field
that refused it, nothing stored. Before, each redirected (302) to the page with the refusal
in a message at the top, twice on the quarterly report (also in the form's own list), and
the page answered 200 as if the file had been added."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import figures, plan_services, services
from reports.models import AnnualSummary, ImplementationPlan, UnitReport
from tests.complaints.test_attachments import EXE_BYTES, PDF_BYTES
from tests.factories import unit

pytestmark = pytest.mark.django_db

LIMIT = 1024

EXE = "“setup.exe” is not an accepted kind of file."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = LIMIT
    return tmp_path


@pytest.fixture(autouse=True)
def in_november_2026():
    with time_machine.travel(datetime(2026, 11, 16, 9, 0, tzinfo=BEIJING), tick=False):
        yield


def _report(person) -> UnitReport:
    quarter = figures.Period.containing(date(2026, 11, 16)).previous()
    report = services.report_start(
        unit=unit("market-regulation"),
        year=quarter.year,
        quarter=quarter.quarter,
        acting_user=person,
    )
    return services.report_save(
        report_id=report.id,
        acting_user=person,
        values={"situation": "本季度投诉平稳。"},
        sampling=[],
        publicity=[],
    )


def _plan(person) -> ImplementationPlan:
    plan = plan_services.plan_start(unit=unit("market-regulation"), year=2026, acting_user=person)
    return plan_services.plan_save(plan_id=plan.id, acting_user=person, title="初稿", note="要点")


def _summary(person) -> AnnualSummary:
    summary = services.summary_start(unit=unit("market-regulation"), year=2026, acting_user=person)
    return services.summary_save(summary_id=summary.id, acting_user=person, text="全年工作总结。")


# (make the record, the attach url's name, the file field's id)
PAGES = {
    "report": (_report, "unit_report_attach", "report-files"),
    "plan": (_plan, "plan_attach", "plan-files"),
    "summary": (_summary, "annual_summary_attach", "summary-files"),
}

FILES = {
    "exe": (lambda: SimpleUploadedFile("setup.exe", EXE_BYTES), EXE),
    "too large": (
        lambda: SimpleUploadedFile("大文件.pdf", PDF_BYTES + b"0" * (LIMIT + 1)),
        "“大文件.pdf” is 1.1\xa0KB; attachments may be at most 1.0\xa0KB.",
    ),
}


def _stored(record) -> tuple:
    fresh = type(record).objects.get(id=record.id)
    return (fresh.version, fresh.attachments.count())


@pytest.mark.parametrize("kind", list(FILES))
@pytest.mark.parametrize("page_name", list(PAGES))
def test_a_refused_file_comes_back_beside_the_file_field(
    client, media, mr_liaison, page_name, kind
):
    make, attach, dom_id = PAGES[page_name]
    record = make(mr_liaison)
    before = _stored(record)
    upload, why = FILES[kind]
    client.force_login(mr_liaison)

    response = client.post(reverse(attach, args=[record.id]), {"attachments": [upload()]})

    assert response.status_code == 400
    page = response.content.decode()
    tag = re.search(rf'<input[^>]*\bid="{dom_id}"[^>]*>', page).group(0)
    assert f'aria-describedby="{dom_id}-refused"' in tag
    assert 'aria-invalid="true"' in tag
    assert " autofocus" in tag
    reason = page.split(f'id="{dom_id}-refused">', 1)[1].split("</div>", 1)[0]
    assert why in reason
    assert page.count(why) == 1, "said once, beside the field"
    assert _stored(record) == before
    assert not [path for path in media.rglob("*") if path.is_file()]


@pytest.mark.parametrize("page_name", list(PAGES))
def test_the_rest_of_the_page_is_as_stored(client, mr_liaison, page_name):
    """The record's own form (not sent with the file) shows what is stored, not blanks
    taken from the attach form's post."""
    make, attach, _ = PAGES[page_name]
    record = make(mr_liaison)
    client.force_login(mr_liaison)

    response = client.post(
        reverse(attach, args=[record.id]),
        {"attachments": [SimpleUploadedFile("setup.exe", EXE_BYTES)]},
    )

    assert response.status_code == 400
    page = response.content.decode()
    stored = {"report": "本季度投诉平稳。", "plan": "初稿", "summary": "全年工作总结。"}
    assert stored[page_name] in page
    assert f'name="version" value="{record.version}"' in page


@pytest.mark.parametrize("page_name", list(PAGES))
def test_an_accepted_file_still_redirects(client, mr_liaison, page_name):
    make, attach, _ = PAGES[page_name]
    record = make(mr_liaison)
    client.force_login(mr_liaison)

    response = client.post(
        reverse(attach, args=[record.id]),
        {"attachments": [SimpleUploadedFile("方案.pdf", PDF_BYTES)]},
    )

    assert response.status_code == 302
    assert type(record).objects.get(id=record.id).attachments.count() == 1
