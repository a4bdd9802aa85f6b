"""Kept figures (a unit's report, the district report) name their rows from their codes: the
district's files in Chinese whatever language the figures were worked out or downloaded in,
the portal's pages in the reader's language. Every test here runs in English (conftest)."""

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from reports import rendering, services
from reports.choices import DistrictStatus, ReportStatus
from reports.figures import Period, district_figures
from reports.models import DistrictReport, SamplingLine, UnitReport

from ..factories import make_order, unit


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def en(message: str) -> str:
    with translation.override("en"):
        return translation.gettext(message)


@pytest.fixture
def period():
    return Period.containing(timezone.localdate())


@pytest.fixture
def orders(db, office_staff):
    make_order(office_staff, channel="web", kind="inquiry", town_code="yangcun-street")
    make_order(office_staff, channel="12315")


def _labels(rows: list[dict]) -> dict[str, str]:
    return {row["value"]: row["label"] for row in rows}


def test_a_report_refreshed_in_english_keeps_its_labels_in_the_district_language(
    orders, mr_liaison, period
):
    report = services.report_start(
        unit=unit("market-regulation"),
        year=period.year,
        quarter=period.quarter,
        acting_user=mr_liaison,
    )

    kept = UnitReport.objects.get(pk=report.pk).portal_figures
    assert _labels(kept["by_channel"]) == {"web": zh("Web"), "12315": zh("12315 platform")}
    assert _labels(kept["by_kind"]) == {"complaint": zh("Complaint"), "inquiry": zh("Inquiry")}
    assert _labels(kept["by_category"]) == {"": zh("(none)")}


def test_the_district_figures_worked_out_in_english_are_kept_in_the_district_language(
    orders, period
):
    figures = district_figures(period)

    assert _labels(figures["by_channel"])["web"] == zh("Web")
    assert _labels(figures["by_kind"])["inquiry"] == zh("Inquiry")
    assert _labels(figures["by_town"])["yangcun-street"] == "杨村街道"
    assert _labels(figures["top_categories"])[""] == zh("(none)")


@pytest.fixture
def kept_in_english(orders, office_staff, period):
    """District figures as a publication by an English reader kept them before: every row
    labelled in English, a sampled product category included."""
    report = UnitReport.objects.create(
        unit=unit("market-regulation"),
        year=period.year,
        quarter=period.quarter,
        status=ReportStatus.ACCEPTED,
        submitted_at=timezone.now(),
    )
    SamplingLine.objects.create(
        report=report, product_category="vehicles", sampled=5, failed=1, failed_handled=1
    )
    figures = district_figures(period)
    english = {
        "by_channel": {"web": en("Web"), "12315": en("12315 platform")},
        "by_kind": {"inquiry": en("Inquiry"), "complaint": en("Complaint")},
        "by_town": {"yangcun-street": "Yangcun Street"},
        "by_category": {"": en("(none)")},
        "top_categories": {"": en("(none)")},
    }
    for key, labels in english.items():
        for row in figures[key]:
            row["label"] = labels.get(row["value"], row["label"])
    for row in figures["report_sums"]["sampling_by_category"]:
        row["label"] = en("Vehicles")
    return figures


CHINESE_AND_ENGLISH = (
    ("Web", "Web"),
    ("Inquiry", "Inquiry"),
    ("Vehicles", "Vehicles"),
    ("12315 platform", "12315 platform"),
)


def test_the_district_pdf_names_rows_in_chinese_whatever_language_they_were_kept_in(
    kept_in_english,
):
    html = rendering.render_html(kept_in_english)

    for message, _english in CHINESE_AND_ENGLISH:
        assert zh(message) in html, message
        assert f">{en(message)}<" not in html, message
    assert "杨村街道" in html and "Yangcun Street" not in html


def test_the_district_workbook_names_rows_in_chinese_whatever_language_they_were_kept_in(
    kept_in_english,
):
    book = load_workbook(io.BytesIO(rendering.build_xlsx(kept_in_english)))
    cells = {c.value for sheet in book for row in sheet.iter_rows() for c in row}

    for message, _english in CHINESE_AND_ENGLISH:
        assert zh(message) in cells, message
        assert en(message) not in cells, message
    assert "杨村街道" in cells and "Yangcun Street" not in cells
    assert zh("(none)") in cells and en("(none)") not in cells


def test_an_english_reader_of_a_report_refreshed_in_chinese_reads_its_rows_in_english(
    db, office_staff, mr_liaison, client, period
):
    make_order(office_staff, channel="12315", category="")
    with translation.override("zh-hans"):
        report = services.report_start(
            unit=unit("market-regulation"),
            year=period.year,
            quarter=period.quarter,
            acting_user=mr_liaison,
        )
    client.force_login(mr_liaison)

    page = client.get(reverse("unit_report", args=[report.id])).content.decode()

    category = page.split('id="portal-by-category"')[1].split("</table>")[0]
    assert f'<th scope="row" class="fw-normal">{en("(none)")}</th>' in category
    assert zh("(none)") not in page


def test_an_english_reader_of_a_district_report_published_in_chinese_reads_english(
    orders, office_staff, client, period
):
    with translation.override("zh-hans"):
        figures = district_figures(period)
    DistrictReport.objects.create(
        year=period.year,
        quarter=period.quarter,
        status=DistrictStatus.PUBLISHED,
        published_at=timezone.now(),
        published_by=office_staff,
        figures=figures,
    )
    client.force_login(office_staff)

    page = client.get(reverse("district_report", args=[period.label])).content.decode()

    categories = page.split('id="district-top-categories"')[1].split("</table>")[0]
    assert f'<th scope="row" class="fw-normal">{en("(none)")}</th>' in categories
    assert zh("(none)") not in page
    missing = page.split('id="missing-units"')[1].split("</ul>")[0]
    assert unit("housing").name_en in missing
    assert unit("housing").name not in missing


def test_the_demo_keeps_its_figures_in_the_district_language_whatever_is_active(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO(), quiet_accounts=True)

    report = UnitReport.objects.get()
    assert {row["label"] for row in report.portal_figures["by_channel"]} <= {
        zh("12345 hotline"),
        zh("12315 platform"),
        zh("Phone"),
    }
    assert _labels(report.portal_figures["by_kind"]) == {"complaint": zh("Complaint")}


def test_an_empty_category_reads_the_same_in_the_dashboards_chart_and_table(client, office_staff):
    """In English a table's row heading starts with a capital (portal.css, th::first-letter),
    so the label of orders without a category read "(None)" in the table under a chart
    reading "(none)". Its English starts with a capital after the bracket, as the table
    shows it."""
    make_order(office_staff, category="")
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dashboard")).content.decode()
    label = en("(none)")
    assert label[0] == "(" and label[1].isupper(), label
    assert f"<span>{label}</span>" in page or f">{label}<" in page
