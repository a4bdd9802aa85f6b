"""Implementation plans in a real Chromium: the Market Regulation Bureau's liaison writes a
plan, is stopped from filing it without a document, attaches one and files it; the office
returns it with a comment, the liaison files it again, the office acknowledges it and
downloads the year's plans as one archive."""

import zipfile

import pytest

from departments.choices import RoleCode
from reports.models import ImplementationPlan
from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def people(transactional_db):
    return {
        "office": UserFactory(
            username="office_plans", unit=unit("office"), roles=[RoleCode.OFFICE_DIRECTOR]
        ),
        "liaison": UserFactory(
            username="mr_plans",
            unit=unit("market-regulation"),
            roles=[RoleCode.UNIT_LIAISON],
        ),
    }


@pytest.fixture
def browser(people, live_server):
    with chromium() as browser:
        yield browser


def test_a_liaison_files_a_plan_the_office_returns_then_acknowledges_it(
    browser, live_server, people, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    journey(browser, live_server, tmp_path)


def journey(browser, live_server, tmp_path):
    from django.utils import timezone

    year = timezone.localdate().year  # the plan page opens on this year
    document = tmp_path / "实施方案.pdf"
    document.write_bytes(PDF_BYTES)

    liaison = signed_in(browser, live_server, "mr_plans")
    liaison.click("nav a[href='/reports/plans/']")
    liaison.click("#start-plan")
    liaison.wait_for_selector("#plan-form")
    assert liaison.get_attribute("#plan-status", "data-status") == "draft"
    liaison.fill("#id_title", f"{year}年消费维权工作实施方案")
    liaison.click("#details-file-plan summary")
    liaison.click("#confirm-file-plan")
    liaison.wait_for_selector(".alert-danger")  # no document yet
    assert liaison.get_attribute("#plan-status", "data-status") == "draft"
    liaison.set_input_files("#plan-files", str(document))
    liaison.click("#plan-attach")
    liaison.wait_for_selector("#attachments a:has-text('实施方案.pdf')")
    liaison.click("#details-file-plan summary")
    liaison.click("#confirm-file-plan")
    liaison.wait_for_selector("#plan-status[data-status='filed']")
    assert liaison.query_selector("#plan-form") is None

    office = signed_in(browser, live_server, "office_plans")
    office.goto(f"{live_server.url}/reports/plans/?year={year}")
    office.click("tr[data-unit='market-regulation'] a")
    office.wait_for_selector("#review")
    office.fill("#id_comment", "请补充各科室分工。")
    office.click("#return-plan")
    office.wait_for_selector("#plan-status[data-status='returned']")

    liaison.reload()
    assert "请补充各科室分工。" in liaison.inner_text("#office-comment")
    liaison.fill("#id_note", "已补充分工。")
    liaison.click("#details-file-plan summary")
    liaison.click("#confirm-file-plan")
    liaison.wait_for_selector("#plan-status[data-status='filed']")

    office.reload()
    # Acknowledging opens the plan to every unit: it asks first, and declined sends nothing.
    asked = []
    office.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    office.click("#acknowledge-plan")
    assert asked and "区市场监管局" in asked[0] and str(year) in asked[0], asked
    assert office.get_attribute("#plan-status", "data-status") == "filed"
    office.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    office.click("#acknowledge-plan")
    office.wait_for_selector("#plan-status[data-status='acknowledged']")
    assert len(asked) == 2
    # The return above asked nothing (a question would have been declined, and the plan not
    # returned): the question is the acknowledging button's own.
    history = office.inner_text("#plan-history")
    assert "请补充各科室分工。" in history

    office.goto(f"{live_server.url}/reports/plans/?year={year}")
    assert office.get_attribute("tr[data-unit='market-regulation']", "data-status") == (
        "acknowledged"
    )
    with office.expect_download() as download:
        office.click("#download-plans")
    target = tmp_path / "plans.zip"
    download.value.save_as(target)
    with zipfile.ZipFile(target) as archive:
        pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
        assert len(pdfs) == 1 and archive.read(pdfs[0]) == PDF_BYTES
    plan = ImplementationPlan.objects.get(unit__code="market-regulation", year=year)
    assert (plan.status, plan.note) == ("acknowledged", "已补充分工。")
