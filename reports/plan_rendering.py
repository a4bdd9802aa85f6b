"""The year's register of implementation plans (实施方案备案登记表) as an A4 PDF: which unit
filed what and when, what the office decided, and the year's evaluations and expert
opinions. An official Chinese document, so its fixed labels are written in Chinese here and
in the template (as in `rendering`), not through the translation catalogue; what names a
choice (an evaluation's kind, a plan returned or acknowledged) is the choice's label in the
district's language, so the register says what the portal says.

A page or two of tables, built on request (about a second): unlike the district report it
has no charts and nothing to keep, so it needs no queued job."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone

from wuqing_consumer.language import choice_label, district_language
from wuqing_consumer.pdf import html_to_pdf

from .choices import EvaluationKind, PlanStatus
from .figures import member_units
from .models import ImplementationPlan, YearEvaluation
from .rendering import TEMPLATE_DIR

if TYPE_CHECKING:
    from departments.models import Unit

TEMPLATE = "reports/pdf/plan_register.html"
# The register's own words for where a plan stands, as the district report's table of unit
# reports says them (a draft is not yet filed; a filed plan waits for the office). Returned and
# acknowledged plans are named by their choices' labels, like the kind of an evaluation.
REGISTER_STATUS_WORDING = {
    "": "未报送",
    PlanStatus.DRAFT: "未报送（草稿）",
    PlanStatus.FILED: "已报送（待审核）",
}


def _status_label(status: str) -> str:
    if status in REGISTER_STATUS_WORDING:
        return REGISTER_STATUS_WORDING[status]
    return choice_label(PlanStatus, status)


def _cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "—"


def register_rows() -> list[tuple[int, Unit]]:
    """The register's units with their row numbers (序号), which the archive's folders use too."""
    return list(enumerate(member_units(), start=1))


def register_context(year: int) -> dict:
    plans = {p.unit_id: p for p in ImplementationPlan.objects.filter(year=year)}
    rows = []
    statuses = []
    for index, unit in register_rows():
        plan = plans.get(unit.id)
        statuses.append(plan.status if plan else "")
        rows.append(
            {
                "n": index,
                "unit": unit.name,
                "title": plan.title if plan and plan.title else "—",
                "status": _status_label(plan.status if plan else ""),
                "filed_at": _when(plan.filed_at if plan else None),
                "reviewed_at": _when(plan.reviewed_at if plan else None),
                "comment": plan.office_comment if plan else "",
            }
        )
    evaluations = [
        {
            "kind": choice_label(EvaluationKind, e.kind),
            "title": e.title,
            "author": e.author,
            "day": _cn_date(e.day),
        }
        for e in YearEvaluation.objects.filter(year=year, removed_at__isnull=True).order_by(
            "day", "id"
        )
    ]
    return {
        "title": f"武清区消费者权益保护工作{year}年度实施方案备案登记表",
        "issuer": "武清区消费者权益保护工作协调小组办公室",
        "printed_on": _cn_date(timezone.localdate()),
        "rows": rows,
        "total": len(rows),
        "acknowledged": statuses.count("acknowledged"),
        "filed": statuses.count("filed"),
        "returned": statuses.count("returned"),
        # The units the register lists without a plan filed: no plan, or one still a draft.
        "waiting": statuses.count("") + statuses.count("draft"),
        "evaluations": evaluations,
    }


def render_register_html(year: int) -> str:
    with district_language():
        return render_to_string(TEMPLATE, register_context(year))


def build_register_pdf(year: int) -> bytes:
    return html_to_pdf(render_register_html(year), TEMPLATE_DIR)
