"""A published release as an A4 PDF (WeasyPrint, system Noto CJK fonts embedded): the
official record of what was published, kept for staff. Built once, after publication, since
published content never changes. Its fixed labels are written in Chinese in the template,
as for the district report (reports/rendering.py): it is an official Chinese document. Its
kind is the choice's label in the district's language, the portal's wording."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from wuqing_consumer.language import choice_label, district_language
from wuqing_consumer.pdf import html_to_pdf

from .choices import ReleaseKind
from .models import Release

TEMPLATE = "publicity/pdf/release.html"
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "publicity" / "pdf"


def _cn_date(moment) -> str:
    day = timezone.localtime(moment).date()
    return f"{day.year}年{day.month}月{day.day}日"


def render_html(release: Release) -> str:
    with district_language():
        return render_to_string(
            TEMPLATE,
            {
                "release": release,
                "kind": choice_label(ReleaseKind, release.kind),
                "published_on": _cn_date(release.published_at),
                "corrects_on": _cn_date(release.corrects.published_at)
                if release.corrects_id and release.corrects.published_at
                else "",
                "entries": list(release.entries.all()),
            },
        )


def build_pdf(release: Release) -> bytes:
    return html_to_pdf(render_html(release), TEMPLATE_DIR)
