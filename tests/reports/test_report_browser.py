"""The quarterly report in a real Chromium: the Market Regulation Bureau's liaison fills in
and submits the third quarter's report, the office accepts it and publishes the district
report, a worker builds the files, and the liaison downloads the PDF."""

import pytest

from departments.choices import RoleCode
from reports.models import DistrictReport, UnitReport
from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS


@pytest.fixture
def people(transactional_db):
    return {
        "office": UserFactory(
            username="office_reports", unit=unit("office"), roles=[RoleCode.OFFICE_DIRECTOR]
        ),
        "liaison": UserFactory(
            username="mr_reports",
            unit=unit("market-regulation"),
            roles=[RoleCode.UNIT_LIAISON],
        ),
    }


@pytest.fixture
def browser(people, live_server):
    with chromium() as browser:
        yield browser


def test_a_liaison_submits_the_office_accepts_and_publishes_the_district_report(
    browser, live_server, people, tmp_path
):
    journey(browser, live_server, tmp_path)


def journey(browser, live_server, tmp_path):
    from reports.publishing import build_district_files

    liaison = signed_in(browser, live_server, "mr_reports", at="/reports/")
    liaison.click("#start-2026Q3")
    liaison.wait_for_selector("#report-form")
    assert liaison.get_attribute("#report-status", "data-status") == "draft"
    # An impossible number first: the page says so and keeps what was typed.
    liaison.fill("#sampling-food-sampled", "10")
    liaison.fill("#sampling-food-failed", "12")
    liaison.fill("#id_cases_opened", "3")
    liaison.click("#save-report")
    liaison.wait_for_selector(".alert-danger")
    assert "12" in liaison.input_value("#sampling-food-failed")
    liaison.fill("#sampling-food-failed", "1")
    liaison.fill("#sampling-food-failed_handled", "1")
    liaison.select_option("#id_publicity-0-kind", "event")
    liaison.fill("#id_publicity-0-day", "2026-09-15")
    liaison.fill("#id_publicity-0-title", "食品安全进社区")
    liaison.fill("#id_publicity-0-people_reached", "240")
    liaison.fill("#id_situation", "本季度投诉总体平稳，预付卡纠纷有所上升。")
    liaison.click("#save-report")
    liaison.wait_for_selector(".alert-success")
    liaison.click("#details-submit summary")
    liaison.click("#confirm-submit")
    liaison.wait_for_selector("#report-status[data-status='submitted']")
    assert liaison.query_selector("#report-form") is None

    office = signed_in(browser, live_server, "office_reports", at="/reports/?period=2026Q3")
    office.click("tr[data-unit='market-regulation'] a")
    office.wait_for_selector("#review")
    assert "食品安全进社区" in office.inner_text("#publicity-table")
    office.fill("#review-comment-input", "数据完整。")
    # Accepting is final for the quarter: it asks first, and declined nothing is sent.
    asked = []
    office.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    office.click("#accept-report")
    assert asked and "区市场监管局" in asked[0] and "2026年第三季度" in asked[0], asked
    assert UnitReport.objects.get(unit__code="market-regulation", year=2026, quarter=3).status == (
        "submitted"
    )
    assert office.get_attribute("#report-status", "data-status") == "submitted"
    office.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    office.click("#accept-report")
    office.wait_for_selector("#report-status[data-status='accepted']")
    assert len(asked) == 2

    office.goto(f"{live_server.url}/reports/district/2026Q3/")
    assert "区市场监管局" not in office.inner_text("#missing-units")
    assert "区住房建设委" in office.inner_text("#missing-units")
    office.fill("#id_analysis", "第三季度全区消费投诉总体平稳。")
    office.click("#details-publish summary")
    office.click("#confirm-publish")
    office.wait_for_selector("#district-status[data-status='published']")
    assert office.get_attribute("#district-files", "data-state") == "pending"

    # What the worker on the slow queue does; the page keeps polling until it is done.
    report = DistrictReport.objects.get(year=2026, quarter=3)
    build_district_files(report.id)
    office.wait_for_selector("#download-pdf")

    liaison.goto(f"{live_server.url}/reports/")
    liaison.click("a[href='/reports/district/2026Q3/']")
    liaison.wait_for_selector("#analysis")
    assert "第三季度全区消费投诉总体平稳。" in liaison.inner_text("#analysis")
    with liaison.expect_download() as download:
        liaison.click("#download-pdf")
    target = tmp_path / "district.pdf"
    download.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    report = UnitReport.objects.get(unit__code="market-regulation", year=2026, quarter=3)
    assert (report.status, report.cases_opened) == ("accepted", 3)
