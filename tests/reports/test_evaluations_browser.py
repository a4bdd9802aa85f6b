"""The office's evaluations page at a desk (1280×800): the year's documents beside the form
that adds one, in Chinese and in English."""

import pytest

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DESK = {"width": 1280, "height": 800}

DOCUMENTS = [  # kind, title, author, note, file names: as the office receives them
    (
        "third_party",
        "2026年度武清区消费者权益保护部门协作机制运行情况第三方评估报告",
        "天津市某某管理咨询有限公司（第三方评估机构）",
        "评估覆盖17个成员单位，建议压缩工单转办时限。",
        ["2026年度第三方评估报告（正式版）.pdf", "附件1：成员单位问卷统计.pdf"],
    ),
    (
        "expert",
        "关于单用途商业预付卡消费纠纷协作处置的专家意见",
        "天津财经大学法学院消费者权益保护研究中心",
        "",
        ["专家意见.pdf"],
    ),
    (
        "expert",
        "Opinion on the hand-over of consumer complaints between member units",
        "Tianjin Consumer Protection Law Research Society",
        "",
        ["expert-opinion-handover-2026.pdf"],
    ),
]

# The evaluations table as laid out now: whether it fits its box without scrolling
# sideways, its width against the page's, and for each cell of each row its width and
# the number of lines its text takes.
TABLE_SHAPE = """() => {
  const table = document.querySelector("#evaluations");
  const lines = (cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  const rows = [...table.querySelectorAll("tbody tr")].map((row) =>
    [...row.children].map((c) => ({
      width: Math.round(c.getBoundingClientRect().width),
      lines: lines(c),
    })));
  return {
    fits: table.scrollWidth <= table.parentElement.clientWidth,
    share: table.getBoundingClientRect().width / document.querySelector("main").clientWidth,
    rows: rows,
    display: getComputedStyle(table.querySelector("tbody tr")).display,
  };
}"""


@pytest.fixture
def office(transactional_db, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from reports import plan_services

    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(
        username="office_evaluations", unit=unit("office"), roles=[RoleCode.OFFICE_DIRECTOR]
    )
    for kind, title, author, note, names in DOCUMENTS:
        plan_services.evaluation_add(
            acting_user=user,
            year=timezone.localdate().year,
            kind=kind,
            title=title,
            author=author,
            day=timezone.localdate(),
            note=note,
            uploads=[SimpleUploadedFile(name, PDF_BYTES) for name in names],
        )
    return user


@pytest.fixture
def browser(module_browser, office, live_server):
    """The module's one Chromium; what a test opened in it is closed after it."""
    yield module_browser
    for context in module_browser.contexts:
        context.close()


def desk_page(browser, live_server, language: str):
    return signed_in(
        browser,
        live_server,
        "office_evaluations",
        at="/reports/evaluations/",
        language=language,
        viewport=DESK,
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_offices_evaluations_table_has_room_for_its_columns_at_a_desk(
    browser, live_server, language
):
    """Beside the form that adds a document, at 1280px the table had two thirds of what the
    sidebar left: six columns in about 650px, the date broken over two lines, the kind a
    character a line in Chinese, a title or an organisation's name a few words a line. The form
    now folds above the table (open when it comes back refused) and the table has the width."""
    page = desk_page(browser, live_server, language)
    seen = page.evaluate(TABLE_SHAPE)
    assert seen["display"] == "table-row"
    assert seen["fits"], f"{language}: the table scrolls sideways: {seen}"
    assert seen["share"] > 0.85, f"{language}: the table has {seen['share']:.0%} of the page"
    for row in seen["rows"]:
        date, kind, title, author, files, _remove = row
        assert date["lines"] == 1, f"{language}: {row}"
        assert kind["width"] >= 80 and kind["lines"] <= 2, f"{language}: {row}"
        assert title["width"] >= 240, f"{language}: {row}"
        assert author["width"] >= 160 and files["width"] >= 160, f"{language}: {row}"
    page.click("#add-evaluation-toggle")  # the form opens above the table, not beside it
    page.wait_for_selector("#evaluation-form", state="visible")
    assert page.evaluate(TABLE_SHAPE)["rows"] == seen["rows"]
    page.context.close()


HEAD_SHAPE = """() => {
  const box = (selector) => {
    const r = document.querySelector(selector).getBoundingClientRect();
    return {top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left),
            right: Math.round(r.right), height: Math.round(r.height)};
  };
  return {
    year: box("#evaluation-year"),
    summaries: box("#annual-summaries-link"),
    plans: box("#plans-link"),
    fits: document.scrollingElement.scrollWidth <= document.documentElement.clientWidth,
  };
}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_links_to_summaries_and_plans_stay_on_one_row_at_a_desk(browser, live_server, language):
    """In Chinese at 1280px the year, its Show button and the summaries link fitted beside
    the title and "Implementation plans" wrapped alone onto a row of its own under them. The
    year and both links now go together: beside the title, or all on the row below it."""
    page = desk_page(browser, live_server, language)
    seen = page.evaluate(HEAD_SHAPE)
    assert seen["fits"], f"{language}: {seen}"
    assert seen["plans"]["top"] == seen["summaries"]["top"], f"{language}: {seen}"
    assert seen["plans"]["left"] > seen["summaries"]["right"], f"{language}: {seen}"
    assert seen["year"]["bottom"] == seen["plans"]["bottom"], f"{language}: {seen}"
    page.context.close()
