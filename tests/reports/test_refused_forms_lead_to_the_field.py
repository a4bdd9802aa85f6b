"""A refused evaluation or education event leads to the field at fault, as the meeting pages'
forms do (wuqing_consumer.refusals): the reasons stood under the fields unconnected (the
field neither marked invalid nor described by its reason) and the page started at the top,
so a keyboard or screen-reader user went through the whole menu to find the form again and
heard nothing wrong with its field; a refused removal of an evaluation went back to the list
with the form folded away and what was typed lost."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import plan_services
from reports.choices import EvaluationKind
from reports.models import EducationEvent, YearEvaluation
from tests.a11y import accessible_name, duplicate_ids

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def in_december_2026():
    with time_machine.travel(datetime(2026, 12, 15, 10, 0, tzinfo=BEIJING), tick=False):
        yield


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("评估报告.pdf", PDF_BYTES, content_type="application/pdf")


def _field(page: str, dom_id: str) -> str:
    found = re.search(rf'<(?:textarea|input|select)[^>]*\bid="{dom_id}"[^>]*>', page)
    assert found, dom_id
    return found.group(0)


def _leads_to(page: str, dom_id: str, reason: str) -> None:
    tag = _field(page, dom_id)
    assert 'aria-invalid="true"' in tag, tag
    assert " autofocus" in tag, tag
    assert page.count(" autofocus") == 1
    described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
    assert reason in " ".join(accessible_name(page, i) or "" for i in described)
    assert duplicate_ids(page) == []


EVALUATION = {
    "year": "2026",
    "kind": EvaluationKind.EXPERT,
    "title": "专家意见",
    "author": "王教授",
    "day": "2026-12-01",
    "note": "全年工作",
}

CASES = {
    "evaluation-year": (
        "office_staff",
        "evaluations",
        {**EVALUATION, "year": "1990", "attach": True},
        "ev-year",
        "Choose the year the evaluation is about.",
    ),
    "evaluation-title": (
        "office_staff",
        "evaluations",
        {**EVALUATION, "title": " ", "attach": True},
        "ev-title",
        "Give the document a title.",
    ),
    "evaluation-day": (
        "office_staff",
        "evaluations",
        {**EVALUATION, "day": "2026-12-31", "attach": True},
        "ev-day",
        "The date cannot be in the future.",
    ),
    "evaluation-files": (
        "office_staff",
        "evaluations",
        EVALUATION,
        "ev-files",
        "Attach the document.",
    ),
    "education-title": (
        "mr_staff",
        "education_events",
        {
            "day": "2026-12-01",
            "title": " ",
            "place": "第一中学",
            "audience": "school",
            "channel": "on_site",
            "people_reached": "120",
            "materials": "宣传册",
        },
        "edu-title",
        "Give the event a title.",
    ),
    "education-audience": (
        "mr_staff",
        "education_events",
        {
            "day": "2026-12-01",
            "title": "进校园宣传",
            "place": "第一中学",
            "channel": "on_site",
            "people_reached": "120",
            "materials": "宣传册",
        },
        "edu-audience",
        "Choose the audience.",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_refused_evaluation_or_education_event_leads_to_its_field_and_says_why_there(
    db, request, client, case
):
    persona, url_name, data, dom_id, reason = CASES[case]
    client.force_login(request.getfixturevalue(persona))
    client.cookies["django_language"] = "en"
    data = dict(data)
    if data.pop("attach", False):
        data["attachments"] = [pdf()]

    response = client.post(reverse(url_name), data)

    assert response.status_code == 400
    page = response.content.decode()
    _leads_to(page, dom_id, reason)
    for name in ("title", "author", "place", "materials", "note"):
        if data.get(name, "").strip():  # what was typed comes back
            assert data[name] in page, name
    assert not YearEvaluation.objects.exists() and not EducationEvent.objects.exists()


@pytest.mark.parametrize(
    ("persona", "url_name"), [("office_staff", "evaluations"), ("mr_staff", "education_events")]
)
def test_the_page_starts_at_the_top_when_nothing_was_refused(
    db, request, client, persona, url_name
):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse(url_name)).content.decode()

    assert " autofocus" not in page
    assert 'aria-invalid="true"' not in page


def test_a_refused_removal_comes_back_open_under_its_evaluation_and_leads_to_its_field(
    client, office_staff
):
    evaluation = plan_services.evaluation_add(
        acting_user=office_staff,
        year=2025,
        kind=EvaluationKind.THIRD_PARTY,
        title="2025年度第三方评估报告",
        author="天津某评估咨询公司",
        day=date(2026, 1, 10),
        uploads=[pdf()],
    )
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"

    response = client.post(reverse("evaluation_remove", args=[evaluation.id]), {"reason": "  "})

    assert response.status_code == 400
    page = response.content.decode()
    _leads_to(page, f"remove-{evaluation.id}-reason", "Say why the document is removed.")
    assert re.search(rf'<details open><summary [^>]*id="remove-{evaluation.id}-open"', page)
    assert 'id="add-evaluation-details" open' not in page
    assert "2025年度第三方评估报告" in page  # the year the evaluation is in
    evaluation.refresh_from_db()
    assert evaluation.removed_at is None
