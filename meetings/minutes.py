"""The minutes of a held joint meeting as an A4 PDF (WeasyPrint), built on request: a few
pages from rows already in the database, well within a request's time, so no queue.

An official Chinese document: its fixed labels are written in Chinese in the template, and
it is rendered in Chinese whatever the reader's interface language."""

from __future__ import annotations

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation

from reports.rendering import TEMPLATE_DIR
from wuqing_consumer.pdf import html_to_pdf

from .models import ActionItem, JointMeeting

TEMPLATE = "meetings/pdf/minutes.html"


def _cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def unit_present(unit_name: str, people: str) -> str:
    """A unit present at the meeting, with who was there for it if the office recorded
    it: "区市场监管局：周静（消保科）". Who was there is typed freely, often a name with its
    section or post in brackets; set in brackets after the unit, it read
    "区市场监管局（周静（消保科））"."""
    people = (people or "").strip()
    return f"{unit_name}：{people}" if people else unit_name


def minutes_context(meeting: JointMeeting) -> dict:
    invitations = list(meeting.invitations.select_related("unit"))
    resolutions = list(
        meeting.resolutions.select_related("agenda_item").prefetch_related(
            Prefetch("actions", queryset=ActionItem.objects.select_related("owner"))
        )
    )
    return {
        "meeting": meeting,
        "held_on": _cn_date(meeting.held_on),
        "present_lines": [
            unit_present(i.unit.name, i.attended_by) for i in invitations if i.attended
        ],
        "absent": [i for i in invitations if not i.attended],
        "agenda": list(
            meeting.agenda.select_related(
                "proposed_by", "proposer", "work_order", "team__dispute"
            ).order_by("position", "id")
        ),
        "resolutions": resolutions,
        "printed_on": _cn_date(timezone.localdate()),
    }


def render_minutes_html(meeting: JointMeeting) -> str:
    with translation.override("zh-hans"):
        return render_to_string(TEMPLATE, minutes_context(meeting))


def build_minutes_pdf(meeting: JointMeeting) -> bytes:
    return html_to_pdf(render_minutes_html(meeting), TEMPLATE_DIR)
