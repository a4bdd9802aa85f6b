"""The district quarterly report's files: the PDF (read back with poppler's tools), the
workbook (read back with openpyxl), the command, and the build that the Celery task runs."""

import io
import re
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from departments.choices import RoleCode
from departments.models import Notification
from reports import publishing, rendering
from reports.choices import (
    DistrictStatus,
    EducationAudience,
    EducationChannel,
    FileState,
    PublicityKind,
    ReportStatus,
)
from reports.figures import Period, district_figures, member_units
from reports.models import (
    DistrictReport,
    EducationEvent,
    PublicityItem,
    SamplingLine,
    UnitReport,
)
from reports.tasks import sweep_district_report_files
from wuqing_consumer.language import quarter_name

from ..factories import UserFactory, make_order, unit

SECTIONS = (
    "总体情况",
    "一、商品质量抽检",
    "二、消费维权案件",
    "三、投诉举报咨询",
    "四、宣传报道",
    "五、报送情况",
    "六、分析与建议",
)
MR_ORDERS = 3
HOUSING_ORDERS = 2
MR_SAMPLING = [("food", 12, 2, 2), ("household_appliances", 8, 1, 0)]
MR_CASES = {"cases_opened": 7, "cases_closed": 5}
MR_FINES = Decimal("12500.50")
MR_RECOVERED = Decimal("3300.00")


@pytest.fixture
def period():
    return Period.containing(timezone.localdate())


@pytest.fixture
def seeded(db, office_staff, period):
    """Orders for two units; the Market Regulation Bureau's report accepted, the housing
    commission's submitted, the other member units without a report."""
    for _ in range(MR_ORDERS):
        make_order(office_staff, unit_code="market-regulation")
    for _ in range(HOUSING_ORDERS):
        make_order(office_staff, unit_code="housing", content="小区物业乱收费，电梯长期停运")
    mr = UnitReport.objects.create(
        unit=unit("market-regulation"),
        year=period.year,
        quarter=period.quarter,
        status=ReportStatus.ACCEPTED,
        fines_imposed=MR_FINES,
        money_recovered=MR_RECOVERED,
        outside_complaints=4,
        submitted_at=timezone.now(),
        **MR_CASES,
    )
    for category, sampled, failed, handled in MR_SAMPLING:
        SamplingLine.objects.create(
            report=mr,
            product_category=category,
            sampled=sampled,
            failed=failed,
            failed_handled=handled,
        )
    PublicityItem.objects.create(
        report=mr,
        kind=PublicityKind.EVENT,
        day=period.first,
        title="3·15宣传进社区",
        people_reached=300,
    )
    for title, people in (("消费教育进校园", 120), ("消费维权进社区", 60)):
        EducationEvent.objects.create(
            unit=unit("housing"),
            day=period.first,
            title=title,
            audience=EducationAudience.SCHOOL,
            channel=EducationChannel.ON_SITE,
            people_reached=people,
        )
    UnitReport.objects.create(
        unit=unit("housing"),
        year=period.year,
        quarter=period.quarter,
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    return period


def _pdf_text(path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))


def _not_submitted_names() -> list[str]:
    done = {"market-regulation", "housing"}
    return [u.name for u in member_units() if u.code not in done]


def test_the_pdf_holds_the_unit_names_as_text_and_its_contents_page_is_right(seeded, tmp_path):
    figures = district_figures(seeded)
    steps = []
    pdf = rendering.build_pdf(figures, progress=steps.append)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)

    assert pdf.startswith(b"%PDF")
    assert steps == sorted(steps) and steps and steps[-1] < 100
    text = _pdf_text(path)
    # The quarter as the district writes it, in words, here and in the note under the
    # overview (环比对比…), never its key "2026Q3".
    named = f"{seeded.year}年第{'一二三四'[seeded.quarter - 1]}季度"
    assert f"武清区消费维权协调机制{named}消费" in text
    assert f"环比对比{seeded.previous().year}年第" in text.replace("\n", "")
    assert not re.search(r"\d{4}Q\d", text)
    # Issued by the office under its name in the directory, as the minutes and releases are.
    assert unit("office").full_name in text.replace("\n", "")
    assert "消费维权协调小组办公室" not in text
    for name in (unit("market-regulation").name, unit("housing").name, *_not_submitted_names()):
        assert name in text
    assert "12,500.50" in text
    assert "12345热线、微信公众号宣传等）2场，覆盖180人次" in text.replace("\n", "")
    # What units received outside the portal is named as the form and the workbook name it.
    assert "平台外受理" in text and "自有渠道" not in text and "门户外" not in text

    # The contents page's numbers are the pages where the sections begin.
    pages = _pdf_pages(path)
    contents = _pdf_text(path, 2)
    assert "目" in contents
    listed = {}
    for title in SECTIONS:
        match = re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", contents, re.MULTILINE)
        assert match, f"{title} missing from the contents"
        listed[title] = int(match.group(1))
    assert list(listed.values()) == sorted(listed.values())
    assert listed["总体情况"] == 3
    for title, page in listed.items():
        assert title in _pdf_text(path, page)
        if page - 1 > 2:
            assert title not in _pdf_text(path, page - 1)
    assert pages == listed["六、分析与建议"]  # the short analysis fits on the last page

    # Page numbers in the footer, none on the cover.
    assert "页" not in _pdf_text(path, 1)
    assert f"第 3 页 / 共 {pages} 页" in _pdf_text(path, 3)

    # The missing units are listed on the submission page.
    submission = _pdf_text(path, listed["五、报送情况"])
    for name in _not_submitted_names():
        assert name in submission

    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    cjk = [line for line in fonts.stdout.splitlines() if "CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts.stdout


def _row(ws, first_cell: str, *, after: int = 1) -> list:
    for row in ws.iter_rows(min_row=after, values_only=True):
        if row[0] == first_cell:
            return list(row)
    raise AssertionError(f"no row for {first_cell} in {ws.title}")


def test_the_workbook_has_a_sheet_per_block_and_the_units_numbers(seeded, office_staff, mr_staff):
    from reports import campaigns

    campaign = campaigns.campaign_start(
        acting_user=office_staff,
        title="家电专项整治",
        topic="household_appliances",
        goal="下架不合格家电",
        starts_on=seeded.first,
        ends_on=seeded.last,
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[],
    )
    for inspections in (3, 4):
        campaigns.action_log(
            campaign_id=campaign.id,
            acting_user=mr_staff,
            day=seeded.first,
            counts={"inspections": inspections, "pieces_removed": 10},
        )
    book = load_workbook(io.BytesIO(rendering.build_xlsx(district_figures(seeded))))

    assert book.sheetnames == [
        "概况",
        "一、商品质量抽检",
        "二、消费维权案件",
        "三、投诉举报咨询",
        "四、宣传报道",
        "报送情况",
    ]
    mr, housing = unit("market-regulation").name, unit("housing").name
    sampled = sum(line[1] for line in MR_SAMPLING)
    failed = sum(line[2] for line in MR_SAMPLING)
    handled = sum(line[3] for line in MR_SAMPLING)

    sheet = book["一、商品质量抽检"]
    assert [c.value for c in sheet[2]][:2] == ["单位", "抽检批次"]
    assert sheet["A2"].font.b
    assert sheet.freeze_panes == "B3"
    row = _row(sheet, mr)
    assert row[1:5] == [sampled, failed, pytest.approx(failed / sampled, abs=0.001), handled]

    row = _row(book["二、消费维权案件"], mr)
    assert row[1:3] == [MR_CASES["cases_opened"], MR_CASES["cases_closed"]]
    assert Decimal(str(row[3])) == MR_FINES and Decimal(str(row[4])) == MR_RECOVERED
    # Only accepted reports are counted: the housing commission's is still waiting.
    with pytest.raises(AssertionError):
        _row(book["二、消费维权案件"], housing)

    sheet = book["三、投诉举报咨询"]
    assert _row(sheet, mr)[1] == MR_ORDERS
    assert _row(sheet, housing)[1] == HOUSING_ORDERS
    assert _row(sheet, "合计")[1] == MR_ORDERS + HOUSING_ORDERS
    assert isinstance(_row(sheet, mr)[1], int)

    assert _row(book["四、宣传报道"], mr)[1:5] == [0, 1, 0, 300]
    assert _row(book["四、宣传报道"], "全区")[1:3] == [2, 180]  # the education events
    sheet = book["一、商品质量抽检"]
    assert _row(sheet, "家电专项整治")[1:3] == [2, 7]  # two actions, 3 + 4 inspections
    assert _row(sheet, "家电专项整治")[9] == 20
    # The campaign table starts below the product-category table, not over it.
    titles = [r[0] for r in sheet.iter_rows(values_only=True)]
    assert titles.index("联合整治行动（本季度登记的工作）") > titles.index("按商品类别")
    overview = book["概况"]
    assert overview["A1"].value == (
        f"武清区消费维权协调机制{seeded.year}年第{'一二三四'[seeded.quarter - 1]}季度"
        "消费维权信息分析报告"
    )
    assert _row(overview, "受理投诉举报咨询（件）")[1] == MR_ORDERS + HOUSING_ORDERS
    assert _row(overview, "未报送单位（家）")[1] == len(_not_submitted_names())
    assert _row(overview, "平台外受理投诉（件）")[1] == 4
    # The moment as a reader writes it, not in ISO 8601 (2026-12-07T18:13+08:00).
    assert re.fullmatch(r"数据截至：\d{4}-\d\d-\d\d \d\d:\d\d", overview["A3"].value)

    statuses = {r[0]: r[1] for r in book["报送情况"].iter_rows(min_row=3, values_only=True)}
    assert statuses[mr] == "已采纳" and statuses[housing] == "已报送（待审核）"
    assert all(statuses[name] == "未报送" for name in _not_submitted_names())


def test_the_workbooks_unit_table_adds_up_to_its_total_with_the_orders_in_no_units_row(
    seeded, office_staff
):
    """The district's total counts orders waiting for dispatch or returned to the office; the
    PDF and the page say so under the units' table, and the workbook gives them a row of
    their own, so the units' rows add up to the 合计 row under them."""
    make_order(office_staff, send_to_triage=True)
    make_order(office_staff, send_to_triage=True)
    figures = district_figures(seeded)
    assert figures["unassigned_received"] == 2
    sheet = load_workbook(io.BytesIO(rendering.build_xlsx(figures)))["三、投诉举报咨询"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    body = rows[: [r[0] for r in rows].index("合计") + 1]
    assert body[-2][:3] == ["其他（待分拨、已退回协调办等）", 2, 0]
    total = body[-1]
    assert total[1] == MR_ORDERS + HOUSING_ORDERS + 2
    for col in (1, 2, 6):  # received, resolved, overdue
        assert sum(r[col] for r in body[:-1]) == total[col]


def test_the_pdf_says_how_many_orders_are_in_no_units_row(seeded, office_staff):
    """The page says so under the units' table; the PDF's template had the sentence too,
    but was never given the number, so the PDF's units added up to less than its total."""
    make_order(office_staff, send_to_triage=True)
    figures = district_figures(seeded)
    note = "受理总数中另有 1 件未列入上表：待分拨、已退回协调办，或所属单位已不在表中。"
    assert note in rendering.render_html(figures)


def test_the_workbook_keeps_hotline_text_that_looks_like_a_formula_as_text(seeded, office_staff):
    business = '=HYPERLINK("http://evil.example/","点此")'
    category = "@SUM(1+1)*cmd|' /C calc'!A0"
    make_order(office_staff, business_name=business, category=category)
    book = load_workbook(io.BytesIO(rendering.build_xlsx(district_figures(seeded))))

    cells = {c.value: c for row in book["三、投诉举报咨询"].iter_rows() for c in row}
    for text in (business, category):
        assert cells[text].data_type == "s"
        assert cells[text].quotePrefix
    assert cells[unit("market-regulation").name].quotePrefix is False


def test_the_command_writes_both_files_and_names_the_units_that_have_not_submitted(
    seeded, tmp_path
):
    out = io.StringIO()
    pdf, xlsx = tmp_path / "out.pdf", tmp_path / "out.xlsx"

    call_command("district_report", seeded.label, pdf=str(pdf), xlsx=str(xlsx), stdout=out)

    assert pdf.read_bytes().startswith(b"%PDF")
    assert load_workbook(xlsx).sheetnames[0] == "概况"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf", "out.xlsx"]
    printed = out.getvalue()
    assert quarter_name(seeded) in printed
    assert str(MR_ORDERS + HOUSING_ORDERS) in printed
    for name in _not_submitted_names():
        assert name in printed
    assert unit("market-regulation").name not in printed


def test_the_command_prints_a_summary_alone_without_files(seeded, tmp_path):
    out = io.StringIO()
    call_command("district_report", f"{seeded.year} q{seeded.quarter}", stdout=out)
    assert _not_submitted_names()[0] in out.getvalue()
    assert list(tmp_path.iterdir()) == []


def test_the_command_refuses_a_period_that_is_not_a_quarter(db):
    with pytest.raises(CommandError, match="2026Q5"):
        call_command("district_report", "2026Q5", stdout=io.StringIO())


# --- the build the Celery task runs -------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def published(seeded, media):
    figures = district_figures(seeded)
    figures["analysis"] = "本季度预付式消费投诉明显增多。"
    return DistrictReport.objects.create(
        year=seeded.year,
        quarter=seeded.quarter,
        status=DistrictStatus.PUBLISHED,
        analysis=figures["analysis"],
        figures=figures,
        published_at=timezone.now(),
        file_state=FileState.PENDING,
        version=2,
    )


@pytest.fixture
def people(office_staff, mr_staff, housing_staff, sysadmin):
    """Who is told: active people of member units and of the office; not the inactive, not
    people outside any unit."""
    UserFactory(username="gone", unit=unit("finance"), roles=[RoleCode.UNIT_STAFF], is_active=False)
    return {office_staff, mr_staff, housing_staff}


def test_building_the_files_stores_them_and_tells_every_unit_once(published, people, media):
    publishing.build_district_files(published.id)

    report = DistrictReport.objects.get(id=published.id)
    assert report.file_state == FileState.READY, report.file_error
    assert report.progress == 100 and report.files_built_at is not None
    label = report.period_label
    assert report.pdf.name.endswith(f"wuqing-district-report-{label}.pdf")
    assert report.xlsx.name.endswith(f"wuqing-district-report-{label}.xlsx")
    with report.pdf.open("rb") as f:
        assert f.read(4) == b"%PDF"
    assert (media / report.pdf.name).is_file()
    notes = Notification.objects.filter(key=f"district_report:{label}:v2")
    assert {n.recipient for n in notes} == people
    assert notes.count() == len(people)
    assert {n.url for n in notes} == {publishing.district_report_url(label)}

    built_at = report.files_built_at
    publishing.build_district_files(published.id)  # a second delivery of the task

    again = DistrictReport.objects.get(id=published.id)
    assert (again.files_built_at, again.pdf.name) == (built_at, report.pdf.name)
    assert Notification.objects.count() == len(people)
    assert sorted(p.name for p in (media / f"district-reports/{label}").iterdir()) == [
        f"wuqing-district-report-{label}.pdf",
        f"wuqing-district-report-{label}.xlsx",
    ]


def test_a_report_not_waiting_for_files_is_left_alone(published, people, monkeypatch):
    DistrictReport.objects.filter(id=published.id).update(file_state=FileState.RUNNING)
    monkeypatch.setattr(publishing, "build_pdf", _must_not_run)

    publishing.build_district_files(published.id)

    assert DistrictReport.objects.get(id=published.id).file_state == FileState.RUNNING
    assert not Notification.objects.exists()


def _must_not_run(*args, **kwargs):
    raise AssertionError("built although not claimed")


def test_a_failed_build_is_recorded_and_nobody_is_told(published, people, monkeypatch, media):
    def broken(figures, progress=None):
        progress(10)
        raise RuntimeError("no fonts on this worker")

    monkeypatch.setattr(publishing, "build_pdf", broken)

    publishing.build_district_files(published.id)

    report = DistrictReport.objects.get(id=published.id)
    assert report.file_state == FileState.FAILED
    assert "no fonts on this worker" in report.file_error
    assert not report.pdf and not report.xlsx
    assert not Notification.objects.exists()
    assert not (media.exists() and any(p.is_file() for p in media.rglob("*")))


def test_the_sweep_requeues_lost_and_dead_builds_only(published, monkeypatch):
    queued = []
    monkeypatch.setattr("wuqing_consumer.celery.nudge", lambda task, *args: queued.append(args))
    long_ago = timezone.now() - timedelta(minutes=20)
    dead = DistrictReport.objects.create(
        year=published.year - 1, quarter=published.quarter, file_state=FileState.RUNNING
    )
    busy = DistrictReport.objects.create(
        year=published.year - 2, quarter=published.quarter, file_state=FileState.RUNNING
    )
    DistrictReport.objects.filter(id__in=[published.id, dead.id]).update(updated_at=long_ago)

    assert sweep_district_report_files() == 2

    assert sorted(queued) == sorted([(published.id,), (dead.id,)])
    assert DistrictReport.objects.get(id=dead.id).file_state == FileState.PENDING
    assert DistrictReport.objects.get(id=busy.id).file_state == FileState.RUNNING


def test_charts_are_plain_svg_with_their_labels_escaped():
    from xml.etree import ElementTree

    from reports import charts

    bars = charts.horizontal_bars([('<script>"&', 3), ("区法院", None)], title="受理")
    grouped = charts.vertical_bars(
        ["区法院", "a<b"], [("按期", [50.0, None]), ("满意", [None, 75.5])]
    )

    for svg in (bars, grouped):
        root = ElementTree.fromstring(str(svg))  # well-formed: nothing unescaped got through
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert not root.findall(".//{http://www.w3.org/2000/svg}script")
    texts = [t.text for t in ElementTree.fromstring(str(bars)).iter() if t.text]
    assert '<script>"&' in texts and "—" in texts
    assert len(ElementTree.fromstring(str(grouped)).findall(".//{*}rect")) == 2 + 2  # legend


def test_the_files_being_ready_is_read_out_where_they_are_built(client, published, office_staff):
    """htmx polls and swaps the files' whole element (outerHTML) until they are built; with
    no live region around it, a screen-reader user waiting on the page never heard that the
    PDF and Excel files were ready, or that the build failed. The live region is now the
    element around the swapped one (a region that arrives with its content is not read)."""
    client.force_login(office_staff)
    label = published.period_label
    page = client.get(f"/reports/district/{label}/").content.decode()

    swapped = re.search(r'<div id="district-files"[^>]*data-hx-swap="(\w+)"', page)
    assert swapped and swapped.group(1) == "outerHTML"
    live = r'<div aria-live="polite" id="district-files-live">\s*<div id="district-files"'
    assert re.search(live, page)
    status = client.get(reverse("district_report_status", args=[label]))
    assert status.status_code == 200
    assert b'id="district-files"' in status.content
    assert b"aria-live" not in status.content
