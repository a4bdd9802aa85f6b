"""The district quarterly report as files: a PDF (WeasyPrint) and an Excel workbook (openpyxl),
both built from the plain dict of `reports.figures.district_figures` (or the snapshot a
published report keeps), so a file built later says exactly what was published.

These are official Chinese documents: their fixed labels are written in Chinese here and in
the template rather than through the translation catalogue. The figures' rows (channels,
kinds, towns, product categories) are named again from their codes in the district's
language (`figures.for_reader`), as the portal's pages name them, whatever language the
figures were taken in; report statuses through the Chinese table below.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from django.template.loader import render_to_string

from wuqing_consumer import pdf
from wuqing_consumer.language import choice_label, district_language, quarter_name

from . import charts
from .choices import CampaignStatus, CampaignTopic
from .figures import for_reader, rate
from .models import ACTION_COUNTS

if TYPE_CHECKING:
    from .models import Campaign

TEMPLATE = "reports/pdf/district_report.html"
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "reports" / "pdf"
DASH = "—"

STATUS_LABELS = {
    "": "未报送",
    "draft": "未报送（草稿）",
    "returned": "已退回修改",
    "submitted": "已报送（待审核）",
    "accepted": "已采纳",
}
NOT_ASKED = "本季度无需报送"
SHEETS = (
    "概况",
    "一、商品质量抽检",
    "二、消费维权案件",
    "三、投诉举报咨询",
    "四、宣传报道",
    "报送情况",
)


def _label(row: dict) -> str:
    """A row of figures that went through `figures.for_reader` in the district's language."""
    return row.get("label") or row.get("value") or ""


def _asked_count(submission: list[dict]) -> int:
    """Units asked for the quarter's report; a report frozen before units had a beginning
    (`Unit.reports_since`) asked every unit it lists."""
    return sum(1 for row in submission if row.get("asked", True))


def _submission_status(row: dict) -> str:
    if not row.get("asked", True) and not row["status"]:
        return NOT_ASKED
    return STATUS_LABELS.get(row["status"], row["status"])


def _money(value: object) -> Decimal:
    try:
        return Decimal(str(value or "0"))
    except InvalidOperation:
        return Decimal("0")


def _pct(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f}%"


def _change(value: float | None) -> str:
    return DASH if value is None else f"{value:+.1f}%"


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _as_of(figures: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(figures.get("as_of", ""))
    except ValueError:
        return None


def _as_of_text(as_of: datetime | None) -> str:
    """When the figures were taken, as the PDF and the workbook write it (not ISO 8601)."""
    return as_of.strftime("%Y-%m-%d %H:%M") if as_of else ""


def _sums(figures: dict) -> dict:
    sums = figures.get("report_sums") or {}
    keys = (
        "sampled",
        "failed",
        "failed_handled",
        "cases_opened",
        "cases_closed",
        "outside_complaints",
        "outside_reports",
        "outside_inquiries",
        "outside_resolved",
        "media",
        "events",
        "online",
        "people_reached",
    )
    out = {key: sums.get(key, 0) for key in keys}
    out["fines_imposed"] = _money(sums.get("fines_imposed"))
    out["money_recovered"] = _money(sums.get("money_recovered"))
    return out


OUTSIDE_UNITS = "其他（待分拨、已退回协调办等）"
OFFICE_NAME = "武清区消费者权益保护工作协调小组办公室"
"""The issuer of the district report and the campaign summaries: the office's name in the
directory, as the minutes and the public releases sign (the district report signed with a
shorter "消费维权协调小组办公室", a body the notice does not set up)."""
_ROW_MEASURES = ("received", "resolved", "on_time", "rated", "satisfied", "basically_satisfied")


def _outside_units(figures: dict) -> dict | None:
    """The orders in the district's totals but in no unit's row (waiting for dispatch,
    returned to the office, or with a unit no longer in the table), as a row of their own:
    the totals less the units' rows, so a table that ends with the district's total adds
    up, in a snapshot kept before this row was shown too. None when every order is in a
    unit's row."""
    totals, by_unit = figures["totals"], figures.get("by_unit", [])
    row = {
        key: totals.get(key, 0) - sum(r.get(key, 0) for r in by_unit)
        for key in (*_ROW_MEASURES, "overdue")
    }
    if not any(row.values()):
        return None
    row["resolution_rate"] = rate(row["resolved"], row["received"])
    row["on_time_rate"] = rate(row["on_time"], row["resolved"])
    row["satisfaction_rate"] = rate(row["satisfied"] + row["basically_satisfied"], row["rated"])
    return row


def _context(figures: dict) -> dict:
    """Display-ready values for the template: every number already formatted."""
    year, quarter = figures["year"], figures["quarter"]
    totals = figures["totals"]
    changes = figures.get("changes", {})
    sums = _sums(figures)
    as_of = _as_of(figures)
    first, last = date.fromisoformat(figures["first"]), date.fromisoformat(figures["last"])
    by_unit = figures.get("by_unit", [])
    unit_reports = figures.get("unit_reports", [])
    submission = figures.get("submission", [])

    def measure(key: str, value: str) -> dict:
        change = changes.get(key, {})
        return {
            "value": value,
            "qoq": _change(change.get("qoq")),
            "yoy": _change(change.get("yoy")),
        }

    overview = [
        ("受理投诉举报咨询（件）", measure("received", str(totals["received"]))),
        ("办结（件）", measure("resolved", str(totals["resolved"]))),
        ("办结率", measure("", _pct(totals.get("resolution_rate")))),
        ("按期办结率", measure("on_time_rate", _pct(totals.get("on_time_rate")))),
        ("群众满意率", measure("satisfaction_rate", _pct(totals.get("satisfaction_rate")))),
        ("超期（件）", measure("", str(totals.get("overdue", 0)))),
    ]

    def rows_of(key: str) -> list[dict]:
        return [
            {
                "label": _label(row),
                "received": row["received"],
                "resolved": row["resolved"],
                "resolution_rate": _pct(row.get("resolution_rate")),
                "on_time_rate": _pct(row.get("on_time_rate")),
                "satisfaction_rate": _pct(row.get("satisfaction_rate")),
            }
            for row in figures.get(key, [])
        ]

    top_categories = figures.get("top_categories", [])
    return {
        "f": figures,
        "title": f"武清区消费维权协调机制{quarter_name((year, quarter))}消费维权信息分析报告",
        "year": year,
        "quarter": quarter,
        "issuer": OFFICE_NAME,
        "issued_on": _cn_date(as_of.date() if as_of else last),
        "span": f"{_cn_date(first)}至{_cn_date(last)}",
        "as_of": _as_of_text(as_of),
        "totals": totals,
        "overview": overview,
        "sums": sums,
        "sampling_rate": _pct(rate(sums["failed"], sums["sampled"])),
        "sampling_by_category": [
            {
                "label": _label(row),
                "sampled": row["sampled"],
                "failed": row["failed"],
                "failed_handled": row["failed_handled"],
                "failure_rate": _pct(row.get("failure_rate")),
            }
            for row in (figures.get("report_sums") or {}).get("sampling_by_category", [])
        ],
        "unit_reports": [
            {
                **row,
                "failure_rate": _pct(rate(row["failed"], row["sampled"])),
                "fines": f"{_money(row['fines_imposed']):,.2f}",
                "recovered": f"{_money(row['money_recovered']):,.2f}",
                "outside_total": (
                    row["outside_complaints"] + row["outside_reports"] + row["outside_inquiries"]
                ),
            }
            for row in unit_reports
        ],
        "fines_total": f"{sums['fines_imposed']:,.2f}",
        "recovered_total": f"{sums['money_recovered']:,.2f}",
        "outside_total": (
            sums["outside_complaints"] + sums["outside_reports"] + sums["outside_inquiries"]
        ),
        "by_unit": [
            {
                "unit_name": row["unit_name"],
                "received": row["received"],
                "resolved": row["resolved"],
                "resolution_rate": _pct(row.get("resolution_rate")),
                "on_time_rate": _pct(row.get("on_time_rate")),
                "satisfaction_rate": _pct(row.get("satisfaction_rate")),
                "overdue": row.get("overdue", 0),
            }
            for row in by_unit
        ],
        "by_kind": rows_of("by_kind"),
        "by_channel": rows_of("by_channel"),
        "by_town": rows_of("by_town"),
        "top_categories": rows_of("top_categories"),
        "top_businesses": rows_of("top_businesses"),
        "submission": [
            {
                "unit_name": row["unit_name"],
                "status": _submission_status(row),
                "submitted_at": (row.get("submitted_at") or "").replace("T", " ")[:16] or DASH,
            }
            for row in submission
        ],
        "asked_count": _asked_count(submission),
        "submitted_count": _asked_count(submission) - len(figures.get("missing_units", [])),
        "missing_units": figures.get("missing_units", []),
        "analysis": figures.get("analysis", ""),
        "chart_received": charts.horizontal_bars(
            [(row["unit_name"], row["received"]) for row in by_unit],
            title="各成员单位受理件数（件）",
        ),
        "chart_rates": charts.vertical_bars(
            [row["unit_name"] for row in by_unit],
            [
                ("按期办结率", [row.get("on_time_rate") for row in by_unit]),
                ("群众满意率", [row.get("satisfaction_rate") for row in by_unit]),
            ],
            title="各成员单位按期办结率与群众满意率（%）",
            suffix="%",
            max_value=100,
        ),
        "chart_categories": charts.horizontal_bars(
            [(_label(row), row["received"]) for row in top_categories],
            title="投诉举报咨询热点问题（件）",
            color=charts.PALETTE[1],
        ),
    }


def render_html(figures: dict) -> str:
    with district_language():
        return render_to_string(TEMPLATE, _context(for_reader(figures)))


def build_pdf(figures: dict, *, progress: Callable[[int], None] | None = None) -> bytes:
    """The report as an A4 PDF with its fonts embedded (WeasyPrint subsets them)."""
    report = progress or (lambda _percent: None)
    html = render_html(figures)
    report(10)
    document = pdf.document(html, TEMPLATE_DIR).render()
    report(90)
    return document.write_pdf()


def build_xlsx(figures: dict) -> bytes:
    """The figures as a workbook, one sheet per block; numbers are stored as numbers."""
    with district_language():
        return _workbook(for_reader(figures))


def _workbook(figures: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from complaints.exports import as_text

    bold = Font(bold=True)
    title_font = Font(bold=True, size=13)
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {name: wb.create_sheet(name) for name in SHEETS}
    year, quarter = figures["year"], figures["quarter"]
    sums = _sums(figures)

    def title(ws, row: int, text: str) -> int:
        as_text(ws.cell(row=row, column=1, value=text)).font = title_font
        return row + 1

    def table(ws, row: int, heads: list[str], rows: list[list], formats: dict | None = None):
        for col, head in enumerate(heads, start=1):
            cell = ws.cell(row=row, column=col, value=head)
            cell.font = bold
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
        for r, values in enumerate(rows, start=row + 1):
            for col, value in enumerate(values, start=1):
                cell = as_text(ws.cell(row=r, column=col, value=value))
                fmt = (formats or {}).get(col)
                if fmt and value is not None:
                    cell.number_format = fmt
        return row + len(rows) + 2

    def widths(ws, first: int, others: int = 14):
        ws.column_dimensions["A"].width = first
        for col in range(2, ws.max_column + 1):
            ws.column_dimensions[get_column_letter(col)].width = others

    def ratio(value: float | None) -> float | None:
        # 57.1 / 100 is 0.5710000000000001 in binary, which Excel showed when a cell was read.
        return None if value is None else round(value / 100, 3)

    pct = "0.0%"
    money = "#,##0.00"
    totals = figures["totals"]
    changes = figures.get("changes", {})

    ws = sheets["概况"]
    row = title(ws, 1, f"武清区消费维权协调机制{quarter_name((year, quarter))}消费维权信息分析报告")
    ws.cell(row=row, column=1, value=f"统计期间：{figures['first']} 至 {figures['last']}")
    ws.cell(row=row + 1, column=1, value=f"数据截至：{_as_of_text(_as_of(figures))}")

    def change_of(key: str, which: str) -> float | None:
        return ratio(changes.get(key, {}).get(which))

    overview = [
        ["受理投诉举报咨询（件）", totals["received"], None, None],
        ["办结（件）", totals["resolved"], None, None],
        ["办结率", ratio(totals.get("resolution_rate")), None, None],
        ["按期办结率", ratio(totals.get("on_time_rate")), None, None],
        ["群众满意率", ratio(totals.get("satisfaction_rate")), None, None],
        ["超期（件）", totals.get("overdue", 0), None, None],
        ["抽检批次", sums["sampled"], None, None],
        ["不合格批次", sums["failed"], None, None],
        ["不合格已处置批次", sums["failed_handled"], None, None],
        ["立案（件）", sums["cases_opened"], None, None],
        ["结案（件）", sums["cases_closed"], None, None],
        ["罚没款（元）", sums["fines_imposed"], None, None],
        ["为消费者挽回经济损失（元）", sums["money_recovered"], None, None],
        ["平台外受理投诉（件）", sums["outside_complaints"], None, None],
        ["平台外受理举报（件）", sums["outside_reports"], None, None],
        ["平台外受理咨询（件）", sums["outside_inquiries"], None, None],
        ["媒体报道（篇）", sums["media"], None, None],
        ["宣传活动（场）", sums["events"], None, None],
        ["网络宣传（条）", sums["online"], None, None],
        ["覆盖人数（人次）", sums["people_reached"], None, None],
        ["应报送单位（家）", _asked_count(figures.get("submission", [])), None, None],
        ["未报送单位（家）", len(figures.get("missing_units", [])), None, None],
    ]
    for line, key in ((0, "received"), (1, "resolved"), (3, "on_time_rate")):
        overview[line][2:] = [change_of(key, "qoq"), change_of(key, "yoy")]
    overview[4][2:] = [change_of("satisfaction_rate", "qoq"), change_of("satisfaction_rate", "yoy")]
    start = row + 3
    table(ws, start, ["指标", "本季度", "环比", "同比"], overview, {3: pct, 4: pct})
    for r, values in enumerate(overview, start=start + 1):
        label = values[0]
        if label.endswith("率"):
            ws.cell(row=r, column=2).number_format = pct
        elif "元" in label:
            ws.cell(row=r, column=2).number_format = money
    ws.freeze_panes = ws.cell(row=start + 1, column=1)
    widths(ws, 30)

    ws = sheets["一、商品质量抽检"]
    row = title(ws, 1, "各成员单位抽检情况")
    unit_reports = figures.get("unit_reports", [])
    body = [
        [
            r["unit_name"],
            r["sampled"],
            r["failed"],
            ratio(rate(r["failed"], r["sampled"])),
            r["failed_handled"],
        ]
        for r in unit_reports
    ]
    body.append(
        [
            "合计",
            sums["sampled"],
            sums["failed"],
            ratio(rate(sums["failed"], sums["sampled"])),
            sums["failed_handled"],
        ]
    )
    heads = ["单位", "抽检批次", "不合格批次", "不合格率", "不合格已处置批次"]
    next_row = table(ws, row, heads, body, {4: pct})
    ws.freeze_panes = ws.cell(row=row + 1, column=2)
    row = title(ws, next_row, "按商品类别")
    categories = (figures.get("report_sums") or {}).get("sampling_by_category", [])
    next_row = table(
        ws,
        row,
        ["商品类别", "抽检批次", "不合格批次", "不合格率", "不合格已处置批次"],
        [
            [
                _label(c),
                c["sampled"],
                c["failed"],
                ratio(c.get("failure_rate")),
                c["failed_handled"],
            ]
            for c in categories
        ],
        {4: pct},
    )
    widths(ws, 22)

    campaigns = (figures.get("campaigns") or {}).get("by_campaign", [])
    if campaigns:
        row = title(ws, next_row, "联合整治行动（本季度登记的工作）")
        counts = ("actions", *ACTION_COUNTS)
        total = figures["campaigns"]["total"]
        table(
            ws,
            row,
            [
                "行动",
                "登记次数",
                "检查（次）",
                "检查经营主体（户）",
                "发现问题（个）",
                "立案（件）",
                "抽检批次",
                "不合格批次",
                "下架（批次）",
                "下架（件）",
            ],
            [[c["title"], *(c[k] for k in counts)] for c in campaigns]
            + [["合计", *(total[k] for k in counts)]],
        )

    ws = sheets["二、消费维权案件"]
    row = title(ws, 1, "各成员单位消费维权案件办理情况")
    body = [
        [
            r["unit_name"],
            r["cases_opened"],
            r["cases_closed"],
            _money(r["fines_imposed"]),
            _money(r["money_recovered"]),
        ]
        for r in unit_reports
    ]
    body.append(
        [
            "合计",
            sums["cases_opened"],
            sums["cases_closed"],
            sums["fines_imposed"],
            sums["money_recovered"],
        ]
    )
    heads = ["单位", "立案（件）", "结案（件）", "罚没款（元）", "挽回经济损失（元）"]
    table(ws, row, heads, body, {4: money, 5: money})
    ws.freeze_panes = ws.cell(row=row + 1, column=2)
    widths(ws, 22, 18)

    ws = sheets["三、投诉举报咨询"]
    rate_heads = ["受理（件）", "办结（件）", "办结率", "按期办结率", "群众满意率"]
    rate_formats = {4: pct, 5: pct, 6: pct}

    def rate_row(label: str, r: dict) -> list:
        return [
            label,
            r["received"],
            r["resolved"],
            ratio(r.get("resolution_rate")),
            ratio(r.get("on_time_rate")),
            ratio(r.get("satisfaction_rate")),
        ]

    row = title(ws, 1, "各成员单位办理情况（平台受理）")
    next_row = table(
        ws,
        row,
        ["单位", *rate_heads, "超期（件）"],
        [[*rate_row(r["unit_name"], r), r.get("overdue", 0)] for r in figures.get("by_unit", [])]
        + [[*rate_row(OUTSIDE_UNITS, r), r["overdue"]] for r in [_outside_units(figures)] if r]
        + [[*rate_row("合计", totals), totals.get("overdue", 0)]],
        rate_formats,
    )
    ws.freeze_panes = ws.cell(row=row + 1, column=2)
    for heading, key in (
        ("按问题类别", "by_category"),
        ("按镇街", "by_town"),
        ("按受理渠道", "by_channel"),
        ("按诉求类型", "by_kind"),
        ("被投诉较多的经营者", "top_businesses"),
    ):
        row = title(ws, next_row, heading)
        next_row = table(
            ws,
            row,
            [heading.removeprefix("按") if key != "top_businesses" else "经营者", *rate_heads],
            [rate_row(_label(r), r) for r in figures.get(key, [])],
            rate_formats,
        )
    row = title(ws, next_row, "各成员单位平台外受理情况")
    table(
        ws,
        row,
        ["单位", "投诉（件）", "举报（件）", "咨询（件）", "已解决（件）"],
        [
            [
                r["unit_name"],
                r["outside_complaints"],
                r["outside_reports"],
                r["outside_inquiries"],
                r["outside_resolved"],
            ]
            for r in unit_reports
        ]
        + [
            [
                "合计",
                sums["outside_complaints"],
                sums["outside_reports"],
                sums["outside_inquiries"],
                sums["outside_resolved"],
            ]
        ],
    )
    widths(ws, 28)

    ws = sheets["四、宣传报道"]
    row = title(ws, 1, "各成员单位宣传报道情况")
    next_row = table(
        ws,
        row,
        ["单位", "媒体报道（篇）", "宣传活动（场）", "网络宣传（条）", "覆盖人数（人次）"],
        [
            [r["unit_name"], r["media"], r["events"], r["online"], r["people_reached"]]
            for r in unit_reports
        ]
        + [["合计", sums["media"], sums["events"], sums["online"], sums["people_reached"]]],
    )
    ws.freeze_panes = ws.cell(row=row + 1, column=2)
    education = figures.get("education")
    if education:
        row = title(ws, next_row, "消费教育活动（平台登记）")
        table(
            ws,
            row,
            ["", "活动（场）", "覆盖人数（人次）"],
            [["全区", education["events"], education["people_reached"]]],
        )
    widths(ws, 22, 18)

    ws = sheets["报送情况"]
    row = title(ws, 1, f"报送截止日期：{figures.get('due_on', '')}")
    table(
        ws,
        row,
        ["单位", "报送状态", "报送时间"],
        [
            [
                r["unit_name"],
                _submission_status(r),
                (r.get("submitted_at") or "").replace("T", " ")[:16] or None,
            ]
            for r in figures.get("submission", [])
        ],
    )
    ws.freeze_panes = ws.cell(row=row + 1, column=2)
    widths(ws, 22, 20)

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- a joint campaign's summary (measure 四（三）) -------------------------------------------

CAMPAIGN_TEMPLATE = "reports/pdf/campaign_summary.html"
ACTION_LABELS = (
    ("actions", "行动次数"),
    ("inspections", "检查次数"),
    ("businesses_checked", "检查经营主体（户）"),
    ("problems_found", "发现问题（个）"),
    ("cases_opened", "立案（件）"),
    ("batches_sampled", "抽检（批次）"),
    ("batches_failed", "不合格（批次）"),
    ("batches_removed", "下架（批次）"),
    ("pieces_removed", "下架（件）"),
)


def render_campaign_html(campaign: Campaign, *, sums: dict, linked_orders: int) -> str:
    """The summary as HTML: fixed labels in Chinese, like the district report (an official
    document, whatever language the person downloading it reads). Topic and status are named
    by their choices in the district's language, so the document uses the portal's and the
    district report's wording (家用电子电器, not a table of its own saying 家用电器)."""
    from django.utils import timezone

    with district_language():
        status = choice_label(CampaignStatus, campaign.status_on(timezone.localdate()))
        if campaign.closed_early_on:
            status = f"{status}，{_cn_date(campaign.closed_early_on)}提前结束"
        return render_to_string(
            CAMPAIGN_TEMPLATE,
            {
                "campaign": campaign,
                "title": f"{campaign.title}工作总结",
                "topic": choice_label(CampaignTopic, campaign.topic),
                "status": status,
                "span": f"{_cn_date(campaign.starts_on)}至{_cn_date(campaign.ends_on)}",
                "units": [row["unit"].name for row in sums["by_unit"]],
                "labels": ACTION_LABELS,
                "t": sums["total"],
                "total": [sums["total"][key] for key, _label in ACTION_LABELS],
                "total_rows": [(label, sums["total"][key]) for key, label in ACTION_LABELS],
                "rows": [
                    (row["unit"].name, [row[key] for key, _label in ACTION_LABELS])
                    for row in sums["by_unit"]
                ],
                "linked_orders": linked_orders,
                "issued_on": _cn_date(timezone.localdate()),
                "issuer": OFFICE_NAME,
            },
        )


def build_campaign_pdf(campaign: Campaign, *, sums: dict, linked_orders: int) -> bytes:
    """The campaign's summary as an A4 PDF with its fonts embedded."""
    html = render_campaign_html(campaign, sums=sums, linked_orders=linked_orders)
    return pdf.html_to_pdf(html, TEMPLATE_DIR)
