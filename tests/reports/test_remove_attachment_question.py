"""The question asked before a file is taken off a draft report or plan is an HTML attribute
(data-confirm) read by the page's script: a file name with quotes or an ampersand, or a
translation with a quote, must reach the question whole, once escaped."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from departments.choices import RoleCode
from reports import plan_services, services
from tests.factories import UserFactory, unit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NAME = 'A "draft" & notes.pdf'


@pytest.fixture
def liaison(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return UserFactory(unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON])


def _question(page: str, action_part: str) -> str:
    found = re.search(
        rf'<form[^>]*action="[^"]*{action_part}[^"]*"[^>]*data-confirm="([^"]*)"', page
    )
    assert found, "no question on the removal form"
    return html.unescape(found[1])


def test_a_file_name_with_quotes_reaches_the_reports_question_whole(client, liaison, settings):
    today = timezone.localdate()
    report = services.report_start(
        unit=liaison.unit, year=today.year, quarter=(today.month - 1) // 3 + 1, acting_user=liaison
    )
    services.report_attach(
        report_id=report.id, acting_user=liaison, uploads=[SimpleUploadedFile(NAME, PDF)]
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(liaison)
    page = client.get(f"/reports/{report.id}/").content.decode()
    assert _question(page, "/remove/") == f"Remove “{NAME}” from the report?"


def test_a_file_name_with_quotes_reaches_the_plans_question_whole(client, liaison, settings):
    plan = plan_services.plan_start(
        unit=liaison.unit, year=timezone.localdate().year, acting_user=liaison
    )
    plan_services.plan_attach(
        plan_id=plan.id, acting_user=liaison, uploads=[SimpleUploadedFile(NAME, PDF)]
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(liaison)
    page = client.get(f"/reports/plans/{plan.id}/").content.decode()
    assert _question(page, "/remove/") == f"Remove “{NAME}” from the plan?"
