"""A unit deactivated later does not rewrite the past (`Unit.reports_until`).

The Market Regulation Bureau reports from 2025, submits its 2025 summary and its 2026Q2
report (accepted), and is deactivated on 10 August 2026 (merged into another bureau). It
stays in 2026Q2's district report with its figures and in the asked folder of 2025's
summaries; it is not asked for 2026Q3, nor for anything after. "Now" is 16 November 2026.
Pages in English (tests/reports/conftest.py)."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from complaints.deadlines import BEIJING
from departments.models import Notification, Unit
from reports import figures, reminders, rendering, services
from reports.choices import ReportStatus, SummaryStatus
from reports.figures import Period
from reports.models import AnnualSummary, UnitReport
from tests.factories import unit

NOW = datetime(2026, 11, 16, 10, tzinfo=BEIJING)
GONE = datetime(2026, 8, 10, 15, tzinfo=BEIJING)


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def deactivate(code: str, when: datetime = GONE) -> Unit:
    with time_machine.travel(when, tick=False):
        gone = unit(code)
        gone.is_active = False
        gone.save()
    return gone


@pytest.fixture
def merged(db):
    Unit.objects.filter(code__in=["market-regulation", "housing"]).update(
        reports_since=date(2025, 1, 1)
    )
    mr = unit("market-regulation")
    AnnualSummary.objects.create(
        unit=mr,
        year=2025,
        text="市场监管局2025年工作总结。",
        status=SummaryStatus.SUBMITTED,
        submitted_at=at(2025, 11, 20),
    )
    UnitReport.objects.create(
        unit=mr,
        year=2026,
        quarter=2,
        status=ReportStatus.ACCEPTED,
        cases_opened=7,
        cases_closed=5,
        submitted_at=at(2026, 7, 5),
    )
    return deactivate("market-regulation")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def office_rows(client, period: str) -> dict[str, str]:
    page = client.get(reverse("report_list") + f"?period={period}").content.decode()
    return dict(re.findall(r'<tr data-unit="([\w-]+)"[^>]*>(.*?)</tr>', page, re.S))


def test_deactivating_a_unit_stamps_the_day_it_stopped_reporting(merged):
    assert merged.reports_until == date(2026, 8, 10)
    merged.name_en = "Market Regulation Bureau (merged)"
    merged.save()  # a later edit keeps the day
    merged.refresh_from_db()
    assert merged.reports_until == date(2026, 8, 10)


def test_the_past_quarters_district_report_keeps_the_deactivated_unit(
    client, merged, office_staff, tmp_path
):
    q2 = figures.district_figures(Period(2026, 2))
    assert merged.code in [row["unit"] for row in q2["by_unit"]]
    row = next(r for r in q2["unit_reports"] if r["unit"] == merged.code)
    assert (row["cases_opened"], row["cases_closed"]) == (7, 5)
    assert q2["report_sums"]["cases_opened"] == 7
    submission = {row["unit"]: row for row in q2["submission"]}
    assert submission[merged.code]["asked"] is True
    assert merged.name not in q2["missing_units"]

    book = load_workbook(io.BytesIO(rendering.build_xlsx(q2)))
    cases = [r for r in book["二、消费维权案件"].iter_rows(values_only=True) if r[0] == merged.name]
    assert list(cases[0][1:3]) == [7, 5]
    statuses = {r[0]: r[1] for r in book["报送情况"].iter_rows(min_row=3, values_only=True)}
    assert statuses[merged.name] == "已采纳"

    path = tmp_path / "q2.pdf"
    path.write_bytes(rendering.build_pdf(q2))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert merged.name in text

    client.force_login(office_staff)
    page = client.get(reverse("district_report", args=["2026Q2"])).content.decode()
    assert merged.name_en in page or merged.name in page


def test_the_deactivated_unit_is_not_asked_for_the_quarter_it_left_in_nor_after(
    client, merged, office_staff
):
    q3 = figures.district_figures(Period(2026, 3))
    submission = {row["unit"]: row for row in q3["submission"]}
    assert submission[merged.code]["asked"] is False
    assert merged.name not in q3["missing_units"]
    assert "housing" in submission and submission["housing"]["asked"] is True
    q4 = figures.district_figures(Period(2026, 4))
    assert merged.code not in [row["unit"] for row in q4["by_unit"]]
    assert merged.code not in [row["unit"] for row in q4["submission"]]

    client.force_login(office_staff)
    assert "Not asked for this quarter" in office_rows(client, "2026Q3")[merged.code]
    assert "Not asked for this quarter" not in office_rows(client, "2026Q2")[merged.code]
    assert merged.code not in office_rows(client, "2026Q4")


def test_the_deactivated_unit_cannot_start_or_submit_a_report_after_it_stopped(merged, mr_liaison):
    with pytest.raises(services.ReportError, match="stopped reporting on 2026-08-10"):
        services.report_start(unit=merged, year=2026, quarter=3, acting_user=mr_liaison)
    draft = UnitReport.objects.create(unit=merged, year=2026, quarter=3, situation="写好了。")
    with pytest.raises(services.ReportError, match="stopped reporting on 2026-08-10"):
        services.report_submit(report_id=draft.id, acting_user=mr_liaison)
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT
    with pytest.raises(services.ReportError, match="not asked for a summary for 2026"):
        services.summary_start(unit=merged, year=2026, acting_user=mr_liaison)


def test_the_deactivated_unit_is_not_chased_or_reminded(
    merged, mr_liaison, office_staff, housing_head
):
    result = services.reports_chase(
        acting_user=office_staff, period=Period(2026, 3), unit_codes=None
    )
    assert merged.code not in {u.code for u in result.told}
    assert "housing" in {u.code for u in result.told}
    with pytest.raises((services.ReportError, ValidationError)):  # not a unit to chase
        services.reports_chase(
            acting_user=office_staff, period=Period(2026, 3), unit_codes=[merged.code]
        )
    with time_machine.travel(at(2026, 11, 16, 8, 30), tick=False):
        reminders.remind_annual_summaries()
    with time_machine.travel(at(2026, 12, 2), tick=False):
        result = services.summaries_chase(acting_user=office_staff, year=2026, unit_codes=None)
    assert merged.code not in {u.code for u in result.told}
    assert not Notification.objects.filter(recipient=mr_liaison).exists()


def test_its_past_summary_stays_in_the_asked_folder(client, settings, merged, office_staff):
    assert merged.id in figures.units_asked_for_summary(2025)
    assert merged.id not in figures.units_asked_for_summary(2026)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(office_staff)
    response = client.get(reverse("annual_summaries_archive", args=[2025]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    number = [u.id for u in figures.member_units(date(2025, 1, 1))].index(merged.id) + 1
    assert archive.namelist() == [f"{number:02d}-{merged.name}/工作总结.txt"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("annual_summaries") + "?year=2025").content.decode()
    assert merged.code in page


def test_a_unit_deactivated_before_there_was_a_day_to_stamp_is_asked_for_nothing(merged):
    """A unit inactive without `reports_until` (deactivated before the field, with no
    trace of the day) keeps what it had: it is asked for nothing."""
    Unit.objects.filter(id=merged.id).update(reports_until=None)
    assert merged.id not in figures.units_asked_for_summary(2025)
    q2 = figures.district_figures(Period(2026, 2))
    assert merged.code not in [row["unit"] for row in q2["submission"]]


def test_the_office_sees_and_sets_the_day_in_the_admin_and_reactivating_clears_it(
    client, office_director
):
    housing = unit("housing")
    client.force_login(office_director)
    url = f"/admin/departments/unit/{housing.id}/change/"
    page = client.get(url).content.decode()
    assert 'name="reports_since"' in page and 'name="reports_until"' in page
    form = {
        "name": housing.name,
        "full_name": housing.full_name,
        "name_en": housing.name_en,
        "remit": housing.remit,
        "remit_en": housing.remit_en,
        "handles_disputes": "on",
        "sort_order": housing.sort_order,
        "robot_webhook_url": "",
        "reports_since": housing.reports_since.isoformat(),
        "reports_until": "",
        **dict(re.findall(r'name="(duty_contacts-[A-Z_]+)" value="(\d*)"', page)),
    }
    response = client.post(url, form)  # is_active left unticked: deactivated
    assert response.status_code == 302, response.content.decode()[:2000]
    housing.refresh_from_db()
    assert (housing.is_active, housing.reports_until) == (False, date(2026, 11, 16))
    listing = client.get("/admin/departments/unit/?is_active__exact=0").content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*?>区住房建设委<.*?</tr>", listing, re.S).group(0)
    days = re.sub(r"<[^>]+>", "", re.search(r'class="field-reporting">(.*?)</td>', row).group(1))
    assert days == "2026-07-01 – 2026-11-16"  # both days, in one column
    response = client.post(url, {**form, "is_active": "on", "reports_until": "2026-11-16"})
    assert response.status_code == 302
    housing.refresh_from_db()
    assert (housing.is_active, housing.reports_until) == (True, None)


def test_the_migration_stamps_an_inactive_unit_with_the_day_the_trail_kept(db):
    """A unit deactivated in the admin before the field has the day of its last
    deactivation in the audit trail; one the trail knows nothing of keeps an empty day."""
    import importlib

    from django.apps import apps

    from departments.models import AuditEntry

    migration = importlib.import_module("departments.migrations.0008_unit_reports_until")
    mr, housing, finance = unit("market-regulation"), unit("housing"), unit("finance")
    Unit.objects.filter(id__in=[mr.id, housing.id, finance.id]).update(is_active=False)
    for when, after in ((at(2026, 3, 1), False), (at(2026, 4, 1), True), (at(2026, 8, 10), False)):
        entry = AuditEntry.objects.create(
            action="unit.update",
            object_type="departments.unit",
            object_id=str(mr.id),
            data={"before": {"is_active": not after}, "after": {"is_active": after}},
        )
        AuditEntry.objects.filter(id=entry.id).update(created_at=when)
    entry = AuditEntry.objects.create(
        action="unit.update",
        object_type="departments.unit",
        object_id=str(finance.id),
        data={"before": {"name": "甲"}, "after": {"name": "乙"}},
    )
    migration.stamp_deactivated(apps, None)
    until = dict(Unit.objects.values_list("code", "reports_until"))
    assert until["market-regulation"] == date(2026, 8, 10)
    assert until["housing"] is None and until["finance"] is None
    assert until["court"] is None  # still active
