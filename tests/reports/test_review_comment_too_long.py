"""The office's comment on a unit's plan or quarterly report, past its limit (a paste of
a whole document, a script): refused with 400 and the page, the comment still in its
field with the reason beside it, nothing changed; not cut to the limit and stored as
something nobody wrote, not a 500. An empty comment to return it is refused the same way.

Pages in English (the `django_language` cookie)."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import figures, plan_services, services
from reports.choices import PlanStatus, ReportStatus, SummaryStatus
from reports.models import ImplementationPlan, UnitReport
from tests.factories import unit

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LONG = "改" * 20001


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def filed_plan(liaison) -> ImplementationPlan:
    with time_machine.travel(datetime(2026, 3, 10, 9, tzinfo=BEIJING), tick=False):
        plan = plan_services.plan_start(
            unit=unit("market-regulation"), year=2026, acting_user=liaison
        )
        plan_services.plan_save(plan_id=plan.id, acting_user=liaison, title="实施方案", note="要点")
        plan_services.plan_attach(
            plan_id=plan.id,
            acting_user=liaison,
            uploads=[SimpleUploadedFile("方案.pdf", PDF_BYTES, content_type="application/pdf")],
        )
        return plan_services.plan_file(plan_id=plan.id, acting_user=liaison)


def submitted_report(liaison) -> UnitReport:
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=BEIJING), tick=False):
        report = services.report_start(
            unit=unit("market-regulation"), year=2026, quarter=3, acting_user=liaison
        )
        report = services.report_save(
            report_id=report.id,
            acting_user=liaison,
            values={"situation": "本季度投诉平稳。"},
            sampling=[],
            publicity=[],
        )
        return services.report_submit(report_id=report.id, acting_user=liaison)


def kept_in_field(page: str, field_id: str) -> str:
    textarea = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea, f"no #{field_id} on the page"
    assert 'aria-invalid="true"' in textarea[0]
    return unescape(textarea[1])


@pytest.mark.parametrize("decision", ["acknowledge", "return"])
def test_a_plan_comment_past_the_limit_is_refused_and_kept(
    english, mr_liaison, office_staff, decision
):
    plan = filed_plan(mr_liaison)
    english.force_login(office_staff)
    response = english.post(
        reverse("plan_review", args=[plan.id]),
        {"decision": decision, "comment": LONG, "version": plan.version},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert kept_in_field(page, "id_comment") == LONG
    assert "Please shorten the comment to 20000 characters; it has 20001." in unescape(page)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FILED and plan.office_comment == ""


def test_a_plan_returned_without_a_comment_comes_back_with_the_reason(
    english, mr_liaison, office_staff
):
    plan = filed_plan(mr_liaison)
    english.force_login(office_staff)
    response = english.post(
        reverse("plan_review", args=[plan.id]),
        {"decision": "return", "comment": "  ", "version": plan.version},
    )
    assert response.status_code == 400
    assert "Say what the unit should change." in unescape(response.content.decode())
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FILED


def test_a_plan_comment_at_the_limit_goes_through_whole(english, mr_liaison, office_staff):
    plan = filed_plan(mr_liaison)
    english.force_login(office_staff)
    response = english.post(
        reverse("plan_review", args=[plan.id]),
        {"decision": "return", "comment": LONG[:20000], "version": plan.version},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and plan.office_comment == LONG[:20000]


@pytest.mark.parametrize("action", ["accept", "return"])
def test_a_report_comment_past_the_limit_is_refused_and_kept(
    english, mr_liaison, office_staff, action
):
    report = submitted_report(mr_liaison)
    english.force_login(office_staff)
    with time_machine.travel(datetime(2026, 11, 17, 10, tzinfo=BEIJING), tick=False):
        response = english.post(
            reverse("unit_report_act", args=[report.id, action]),
            {"comment": LONG, "version": report.version},
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert kept_in_field(page, "review-comment-input") == LONG
    assert "Please shorten the comments to 20000 characters; it has 20001." in unescape(page)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.review_comment == ""
    assert figures.Period(report.year, report.quarter).label == "2026Q3"


def submitted_summary(liaison):
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=BEIJING), tick=False):
        summary = services.summary_start(
            unit=unit("market-regulation"), year=2026, acting_user=liaison
        )
        services.summary_save(summary_id=summary.id, acting_user=liaison, text="全年工作总结。")
        return services.summary_submit(summary_id=summary.id, acting_user=liaison)


def test_a_summary_return_comment_past_the_limit_comes_back_in_its_field(
    english, mr_liaison, office_staff
):
    summary = submitted_summary(mr_liaison)
    english.force_login(office_staff)
    too_long = "改" * 50001
    response = english.post(
        reverse("annual_summary_return", args=[summary.id]),
        {"comment": too_long, "version": summary.version},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert kept_in_field(page, "return-comment-input") == too_long
    assert "Please shorten the comments to 50000 characters; it has 50001." in unescape(page)
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.SUBMITTED


def test_the_leaders_comment_past_the_limit_comes_back_in_its_field(english, leader):
    english.force_login(leader)
    too_long = "长" * 5001
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=BEIJING), tick=False):
        response = english.post(
            reverse("district_report_comment", args=["2026Q3"]), {"comment": too_long}
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert kept_in_field(page, "id_comment") == too_long
    assert "Please shorten the comment to 5000 characters; it has 5001." in unescape(page)
