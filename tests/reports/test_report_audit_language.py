"""The audit trail's entries of quarterly reports and annual summaries say what was done,
in the reader's language (kept in Chinese, the record): a district report saved and
published, a late unit chased, an annual summary started, saved and submitted."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from complaints.deadlines import BEIJING
from departments.models import AuditEntry
from reports import services
from reports.figures import Period
from tests.departments.test_audit_language import shown
from tests.factories import unit


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=BEIJING), tick=False) as t:
        yield t


def test_a_chase_and_the_district_report_are_shown_in_the_readers_language(
    client, office_staff, mr_liaison
):
    services.reports_chase(
        acting_user=office_staff, period=Period(2026, 3), unit_codes=["market-regulation"]
    )
    services.district_report_save(
        period=Period(2026, 3), acting_user=office_staff, analysis="本季度投诉量下降。"
    )
    chase = AuditEntry.objects.get(action="report.chase")
    saved = AuditEntry.objects.get(action="district_report.save")

    english = shown(client, office_staff, "en")
    assert english[chase.id] == "Market Regulation Bureau reminded of its report for Q3 2026"
    assert english[saved.id] == "Office's analysis in the district report for Q3 2026 saved"
    chinese = shown(client, office_staff, "zh-hans")
    assert chinese[chase.id] == chase.summary and unit("market-regulation").name in chase.summary


def test_an_annual_summary_is_shown_in_the_readers_language(client, office_staff, mr_liaison):
    summary = services.summary_start(
        unit=unit("market-regulation"), year=2026, acting_user=mr_liaison
    )
    services.summary_save(summary_id=summary.id, acting_user=mr_liaison, text="全年工作总结。")
    services.summary_submit(summary_id=summary.id, acting_user=mr_liaison)
    entries = {e.action: e for e in AuditEntry.objects.filter(action__startswith="summary.")}

    english = shown(client, office_staff, "en")
    assert english[entries["summary.create"].id] == (
        "Market Regulation Bureau started its work summary for 2026"
    )
    assert english[entries["summary.save"].id] == (
        "Market Regulation Bureau saved its work summary for 2026"
    )
    assert english[entries["summary.submit"].id] == (
        "Market Regulation Bureau submitted its work summary for 2026"
    )
    submitted = entries["summary.submit"]
    assert submitted.summary == "区市场监管局已报送2026年度工作总结"
    assert shown(client, office_staff, "zh-hans")[submitted.id] == submitted.summary


def test_an_education_event_logged_is_shown_in_the_readers_language(
    client, office_staff, mr_liaison
):
    services.education_log(
        acting_user=mr_liaison,
        day=date(2026, 10, 15),
        title="3·15 消费维权进校园",
        audience="school",
        channel="on_site",
        people_reached=120,
    )
    logged = AuditEntry.objects.get(action="education.log")
    assert shown(client, office_staff, "en")[logged.id] == (
        "Consumer education event logged: 3·15 消费维权进校园"
    )


def test_the_leaders_comment_is_shown_in_the_readers_language(client, office_staff, leader):
    services.district_report_comment(
        period=Period(2026, 3), acting_user=leader, comment="请补充预付卡纠纷的典型案例。"
    )
    entry = AuditEntry.objects.get(action="district_report.comment")

    english = shown(client, office_staff, "en")
    assert english[entry.id] == "The group leader commented on the district report Q3 2026"


def test_a_summary_returned_chased_or_with_a_file_taken_off_is_said_in_words(
    client, office_staff, mr_liaison, housing_head, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    summary = services.summary_start(
        unit=unit("market-regulation"), year=2026, acting_user=mr_liaison
    )
    services.summary_save(summary_id=summary.id, acting_user=mr_liaison, text="全年工作总结。")
    [attached] = services.summary_attach(
        summary_id=summary.id,
        acting_user=mr_liaison,
        uploads=[SimpleUploadedFile("总结.pdf", b"%PDF-1.4 x", content_type="application/pdf")],
    )
    services.summary_detach(
        summary_id=summary.id, attachment_id=attached.id, acting_user=mr_liaison
    )
    services.summary_submit(summary_id=summary.id, acting_user=mr_liaison)
    services.summary_return(summary_id=summary.id, acting_user=office_staff, comment="请补充数据。")
    with time_machine.travel(datetime(2026, 12, 3, 10, tzinfo=BEIJING), tick=False):
        services.summaries_chase(acting_user=office_staff, year=2026, unit_codes=["housing"])
    entries = {e.action: e for e in AuditEntry.objects.filter(action__startswith="summary.")}

    english = shown(client, office_staff, "en")
    assert english[entries["summary.detach"].id] == (
        "Market Regulation Bureau removed a file from its work summary for 2026"
    )
    assert english[entries["summary.return"].id] == (
        "Market Regulation Bureau's work summary for 2026 returned for changes"
    )
    assert english[entries["summary.chase"].id] == (
        "Housing and Construction Commission reminded of its work summary for 2026"
    )
