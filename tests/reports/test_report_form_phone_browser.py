"""The quarterly report's form on a phone: a figure's name stands beside its field in a
column of its own, and "不合格已处置批次" read "不合格已处置批" and "次" on a line of its own
(eight characters in a column for seven). A Chinese name now stands on one line."""

from __future__ import annotations

from departments.choices import RoleCode
from reports.services import report_start
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS

# Each name beside a field, the width of its text on one line, and the column it has.
NAMES = """() => {
  const pen = document.createElement("canvas").getContext("2d");
  return [...document.querySelectorAll(".table-stack td[data-label]")]
    .filter((td) => td.querySelector(":scope > input, :scope > select, :scope > textarea"))
    .map((td) => {
      const name = getComputedStyle(td, "::before");
      pen.font = name.font;
      return [td.dataset.label, pen.measureText(td.dataset.label).width, parseFloat(name.width)];
    });
}"""


def test_a_figures_chinese_name_stands_on_one_line_beside_its_field(
    module_browser, transactional_db, live_server
):
    liaison = UserFactory(
        username="mr_report_phone", unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON]
    )
    report = report_start(unit=liaison.unit, year=2026, quarter=3, acting_user=liaison)
    page = signed_in(
        module_browser,
        live_server,
        "mr_report_phone",
        at=f"/reports/{report.id}/",
        language="zh-hans",
        viewport={"width": 390, "height": 844},
    )
    names = page.evaluate(NAMES)
    page.context.close()
    assert "不合格已处置批次" in {name for name, _width, _room in names}
    wrapped = {
        name: f"{width:.0f}px in {room:.0f}px" for name, width, room in names if width > room
    }
    assert wrapped == {}
