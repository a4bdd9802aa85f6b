"""The office's analysis in the district report refused (too long, saved over a version
someone else changed meanwhile, published when publishing is refused) comes back with 400,
what was typed and the reason beside the analysis. Before, a stale save or a refused publish
redirected to the page (200): the analysis typed on a stale page was gone; a text too long
came back with 400 but with no reason anywhere on the page."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import figures, services
from reports.choices import DistrictStatus
from reports.models import DistrictReport
from tests.helpers import form_html, input_value, textarea_text

pytestmark = pytest.mark.django_db

Q3 = figures.Period(2026, 3)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=BEIJING), tick=False):
        yield


def _reason(page: str) -> str:
    tag = re.search(r'<textarea[^>]*\bid="id_analysis"[^>]*>', page).group(0)
    assert 'aria-describedby="id_analysis-refused"' in tag, tag
    assert " autofocus" in tag
    return page.split('id="id_analysis-refused">', 1)[1].split("</div>", 1)[0]


def _post(client, person, period, data):
    client.force_login(person)
    client.cookies["django_language"] = "en"
    return client.post(reverse("district_report", args=[period]), data)


def test_an_analysis_too_long_says_why_beside_it(client, office_director):
    sent = {"analysis": "分" * 50001, "version": ""}

    response = _post(client, office_director, Q3.label, sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert textarea_text(form_html(page, "analysis-form"), "analysis") == sent["analysis"]
    assert _reason(page) == "Ensure this value has at most 50000 characters (it has 50001)."
    assert not DistrictReport.objects.exists()


def test_an_analysis_saved_on_a_stale_page_is_kept_with_the_current_version(
    client, office_director, office_staff
):
    seen = services.district_report_save(period=Q3, acting_user=office_staff, analysis="初稿")
    report = services.district_report_save(period=Q3, acting_user=office_staff, analysis="同事改的")
    sent = {"analysis": "第三季度投诉总体平稳，预付卡问题突出。", "version": str(seen.version)}

    response = _post(client, office_director, Q3.label, sent)

    assert response.status_code == 400
    page = response.content.decode()
    form = form_html(page, "analysis-form")
    assert textarea_text(form, "analysis") == sent["analysis"]
    assert input_value(form, "version") == str(report.version)
    assert "Someone else changed the district report while you had it open" in _reason(page)
    assert DistrictReport.objects.get().analysis == "同事改的"


def test_a_refused_publish_keeps_the_save_and_says_why_beside_the_analysis(client, office_director):
    sent = {"analysis": "第四季度草稿", "version": "", "then": "publish"}

    response = _post(client, office_director, "2026Q4", sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert textarea_text(form_html(page, "analysis-form"), "analysis") == "第四季度草稿"
    assert _reason(page) == "A quarter can be published once it has ended."
    report = DistrictReport.objects.get()
    assert (report.analysis, report.status) == ("第四季度草稿", DistrictStatus.DRAFT)
