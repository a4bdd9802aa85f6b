"""Printing a report (the browser's print, for a unit's files) printed the portal around it:
the top bar, the menu, messages, breadcrumbs and the office's review form. The stylesheet
now has print rules hiding them, and the report's page marks its forms and buttons
.portal-no-print. "Now" is 16 November 2026; pages read in English."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import services
from tests.factories import unit

HIDDEN_WHEN_PRINTED = [
    ".portal-topbar",
    ".portal-sidebar",
    ".portal-messages",
    ".portal-footer",
    ".breadcrumb",
    ".portal-no-print",
]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=BEIJING), tick=False):
        yield


def print_rules() -> str:
    css = Path(finders.find("css/portal.css")).read_text(encoding="utf-8")
    found = re.search(r"@media print\s*\{(.*)\n\}", css, re.S)
    assert found, "portal.css has no print rules"
    return found.group(1)


def test_the_stylesheet_hides_the_portal_around_the_page_when_printed():
    rules = print_rules()
    hiding = re.search(r"([^{}]*)\{\s*display:\s*none\s*!important;\s*\}", rules)
    assert hiding
    selectors = {s.strip() for s in hiding.group(1).split(",")}
    assert set(HIDDEN_WHEN_PRINTED) <= selectors


def test_the_report_page_marks_its_forms_and_buttons_not_to_print(client, mr_liaison, office_staff):
    report = services.report_start(
        unit=unit("market-regulation"), year=2026, quarter=3, acting_user=mr_liaison
    )
    services.report_save(
        report_id=report.id,
        acting_user=mr_liaison,
        values={"situation": "本季度投诉平稳。"},
        sampling=[],
        publicity=[],
    )
    client.force_login(mr_liaison)
    page = client.get(reverse("unit_report", args=[report.id])).content.decode()
    for marker in ('id="submit"', "sticky-bottom", "multipart/form-data"):
        tag = page.split(marker)[0].rsplit("<", 1)[1] + page.split(marker)[1].split(">", 1)[0]
        assert "portal-no-print" in tag, marker
    services.report_submit(report_id=report.id, acting_user=mr_liaison)
    client.force_login(office_staff)
    response = client.get(reverse("unit_report", args=[report.id]))
    page = response.content.decode()
    review = re.search(r'<div class="([^"]*)" id="review">', page)
    assert review and "portal-no-print" in review.group(1).split()
    assert 'class="portal-sidebar' in page and 'class="breadcrumb"' in page
    assert 'id="situation"' in page
