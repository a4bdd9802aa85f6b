"""Third-party evaluations and expert opinions on a year's work (section 五): the office adds
them with their documents and removes them (the row, its files and the reason stay on
record); every unit reads them on the year's page, beside the year's annual summaries."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import plan_services as services
from reports.choices import EvaluationAction, EvaluationKind
from reports.models import EvaluationAttachment, YearEvaluation

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def in_december_2026():
    with time_machine.travel(datetime(2026, 12, 15, 10, 0, tzinfo=BEIJING), tick=False):
        yield


def pdf(name="评估报告.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def added(office_user, **overrides) -> YearEvaluation:
    fields = {
        "year": 2026,
        "kind": EvaluationKind.THIRD_PARTY,
        "title": "2026年度消费维权工作第三方评估报告",
        "author": "天津某评估咨询公司",
        "day": date(2026, 12, 10),
        "note": "",
        "uploads": [pdf()],
    }
    return services.evaluation_add(acting_user=office_user, **{**fields, **overrides})


def test_the_office_adds_an_evaluation_with_its_document_and_history(office_staff):
    evaluation = added(office_staff, kind=EvaluationKind.EXPERT, note="专家组意见")
    assert (evaluation.kind, evaluation.created_by) == (EvaluationKind.EXPERT, office_staff)
    attachment = evaluation.attachments.get()
    assert attachment.original_name == "评估报告.pdf"
    with attachment.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    event = evaluation.events.get()
    assert (event.action, event.actor, event.data) == (
        EvaluationAction.ADD,
        office_staff,
        {"files": ["评估报告.pdf"]},
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"uploads": []}, "attachments"),
        ({"uploads": [SimpleUploadedFile("报告.pdf", b"MZ\x90\x00" * 20)]}, "attachments"),
        ({"kind": "rumour"}, "kind"),
        ({"title": "  "}, "title"),
        ({"author": ""}, "author"),
        ({"day": None}, "day"),
        ({"day": date(2026, 12, 16)}, "day"),
        ({"day": date(200, 12, 10)}, "day"),
        ({"year": 1999}, "year"),
        ({"year": None}, "year"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_kept(office_staff, overrides, field):
    with pytest.raises(ValidationError) as error:
        added(office_staff, **overrides)
    assert field in error.value.message_dict
    assert not YearEvaluation.objects.exists()
    assert not EvaluationAttachment.objects.exists()


def test_units_cannot_add_or_remove_evaluations(office_staff, mr_head):
    with pytest.raises(Http404):
        added(mr_head)
    evaluation = added(office_staff)
    with pytest.raises(Http404):
        services.evaluation_remove(evaluation_id=evaluation.id, acting_user=mr_head, reason="x")
    assert YearEvaluation.objects.get().removed_at is None


def test_removing_hides_it_from_everyone_but_keeps_it_and_the_reason(
    office_staff, mr_staff, client
):
    evaluation = added(office_staff)
    attachment = evaluation.attachments.get()
    with pytest.raises(ValidationError):
        services.evaluation_remove(evaluation_id=evaluation.id, acting_user=office_staff, reason="")
    services.evaluation_remove(
        evaluation_id=evaluation.id, acting_user=office_staff, reason="上传错了年度"
    )
    evaluation.refresh_from_db()
    assert evaluation.removed_by == office_staff
    assert list(evaluation.events.values_list("action", "note")) == [
        (EvaluationAction.ADD, ""),
        (EvaluationAction.REMOVE, "上传错了年度"),
    ]
    with pytest.raises(Http404):  # removing twice
        services.evaluation_remove(
            evaluation_id=evaluation.id, acting_user=office_staff, reason="x"
        )
    file_url = reverse("evaluation_file", args=[evaluation.id, attachment.id])
    client.force_login(mr_staff)
    assert client.get(file_url).status_code == 404
    assert (
        f'data-evaluation="{evaluation.id}"'
        not in client.get(reverse("evaluations") + "?year=2026").content.decode()
    )
    client.force_login(office_staff)
    page = client.get(reverse("evaluations") + "?year=2026").content.decode()
    assert 'id="removed-evaluations"' in page and "上传错了年度" in page


def test_the_office_still_opens_the_files_of_a_removed_evaluation(
    office_staff, office_director, mr_head, housing_staff, leader, client
):
    """Removing keeps the files on record; the office, which lists removed evaluations with
    their history, must be able to open what was removed. Units still cannot."""
    evaluation = added(office_staff)
    attachment = evaluation.attachments.get()
    services.evaluation_remove(
        evaluation_id=evaluation.id, acting_user=office_staff, reason="上传错了年度"
    )
    file_url = reverse("evaluation_file", args=[evaluation.id, attachment.id])
    for person in (office_staff, office_director):
        client.force_login(person)
        response = client.get(file_url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        page = client.get(reverse("evaluations") + "?year=2026").content.decode()
        removed = page.split('id="removed-evaluations"')[1].split("</ul>")[0]
        assert f'href="{file_url}"' in removed
    for person in (mr_head, housing_staff, leader):
        client.force_login(person)
        assert client.get(file_url).status_code == 404
    other = added(office_staff).attachments.get()
    client.force_login(office_staff)
    assert client.get(reverse("evaluation_file", args=[evaluation.id, other.id])).status_code == 404


def test_every_unit_reads_the_years_evaluations_beside_its_annual_summaries(
    office_staff, housing_staff, client
):
    this_year = added(office_staff)
    last_year = added(office_staff, year=2025, title="2025年度专家意见")
    client.force_login(housing_staff)
    page = client.get(reverse("evaluations") + "?year=2026").content.decode()
    assert f'data-evaluation="{this_year.id}"' in page
    assert f'data-evaluation="{last_year.id}"' not in page
    assert f"{reverse('annual_summaries')}?year=2026" in page
    assert f"{reverse('plan_list')}?year=2026" in page
    assert 'id="evaluation-form"' not in page  # units read only
    attachment = this_year.attachments.get()
    response = client.get(reverse("evaluation_file", args=[this_year.id, attachment.id]))
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_the_office_adds_through_the_page_and_sees_its_mistakes(office_staff, client):
    client.force_login(office_staff)
    url = reverse("evaluations")
    form = {
        "year": "2025",
        "kind": "expert",
        "title": "专家意见",
        "author": "王教授",
        "day": "2026-01-20",
    }
    refused = client.post(url, {**form, "day": "not a date"})
    assert refused.status_code == 400
    assert "Give the date of the document." in refused.content.decode()
    assert 'id="add-evaluation-details" open' in refused.content.decode()  # folded otherwise
    assert 'id="add-evaluation-details" open' not in client.get(url).content.decode()
    assert not YearEvaluation.objects.exists()
    response = client.post(url, {**form, "attachments": [pdf()]})
    assert response.url == f"{url}?year=2025"
    evaluation = YearEvaluation.objects.get()
    assert (evaluation.year, evaluation.author) == (2025, "王教授")
    response = client.post(
        reverse("evaluation_remove", args=[evaluation.id]), {"reason": "重复上传"}
    )
    assert response.url == f"{url}?year=2025"
    assert YearEvaluation.objects.get().removed_at is not None


# --- access matrix ---------------------------------------------------------------------------

UNIT_A, UNIT_B, OFFICE, ANONYMOUS = "mr_staff", "housing_staff", "office_staff", "anonymous"
MATRIX = {
    "list": {UNIT_A: 200, UNIT_B: 200, OFFICE: 200},
    "add": {UNIT_A: 404, UNIT_B: 404, OFFICE: 302},
    "file": {UNIT_A: 200, UNIT_B: 200, OFFICE: 200},
    "remove": {UNIT_A: 404, UNIT_B: 404, OFFICE: 302},
}
CASES = [
    (name, persona, expected)
    for name, row in MATRIX.items()
    for persona, expected in [*row.items(), (ANONYMOUS, 302)]
]


@pytest.mark.parametrize(("name", "persona", "expected"), CASES)
def test_access_matrix(name, persona, expected, office_staff, persona_client):
    evaluation = added(office_staff)
    attachment = evaluation.attachments.get()
    urls = {
        "list": ("get", reverse("evaluations"), {}),
        "add": (
            "post",
            reverse("evaluations"),
            {
                "year": "2026",
                "kind": "expert",
                "title": "专家意见",
                "author": "李研究员",
                "day": "2026-12-01",
                "attachments": [pdf()],
            },
        ),
        "file": ("get", reverse("evaluation_file", args=[evaluation.id, attachment.id]), {}),
        "remove": ("post", reverse("evaluation_remove", args=[evaluation.id]), {"reason": "x"}),
    }
    method, url, data = urls[name]
    response = getattr(persona_client(persona), method)(url, data)
    assert response.status_code == expected
    if persona == ANONYMOUS:
        assert "/accounts/login/" in response.url
    changed = expected == 302 and persona == OFFICE
    assert YearEvaluation.objects.count() == (2 if changed and name == "add" else 1)
    assert (YearEvaluation.objects.get(id=evaluation.id).removed_at is not None) == (
        changed and name == "remove"
    )


def test_an_evaluation_with_more_files_than_allowed_is_refused_and_nothing_is_kept(
    client, office_staff, settings, media
):
    client.force_login(office_staff)
    files = [pdf(f"附件{n}.pdf") for n in range(settings.MAX_ATTACHMENTS_PER_UPLOAD + 1)]
    response = client.post(
        reverse("evaluations"),
        {
            "year": "2026",
            "kind": EvaluationKind.EXPERT,
            "title": "专家意见",
            "author": "专家组",
            "day": "2026-12-10",
            "attachments": files,
        },
    )
    assert response.status_code == 400
    assert not YearEvaluation.objects.exists()
    assert not EvaluationAttachment.objects.exists()
