"""The office's analysis in the district report refused (too long, saved over a version
someone else changed meanwhile, published when publishing is refused) comes back with 400
and what was typed; a reason about the text is read beside the analysis, one about the
report (changed meanwhile, a quarter not ended) once, at the top. Before, a stale save or a
refused publish redirected to the page (200): the analysis typed on a stale page was gone; a
text too long came back with 400 but with no reason anywhere on the page."""

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
    stale = (
        "Someone else changed the district report while you had it open, so nothing was "
        "saved. The rest of the page shows the report as it is now; the form you sent keeps "
        "what you typed: check it and send it again."
    )
    # Said once, at the top: it is about the report, not the analysis (it was also read
    # again beside the analysis, focused as if at fault).
    assert page.count(stale) == 1
    assert stale not in form
    assert 'id="id_analysis-refused"' not in page
    assert DistrictReport.objects.get().analysis == "同事改的"


def test_a_refused_publish_keeps_the_save_and_says_why_once(client, office_director):
    sent = {"analysis": "第四季度草稿", "version": "", "then": "publish"}

    response = _post(client, office_director, "2026Q4", sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert textarea_text(form_html(page, "analysis-form"), "analysis") == "第四季度草稿"
    assert page.count("A quarter can be published once it has ended.") == 1
    assert "Saved as a draft. Not published: A quarter can be published once it has ended." in (
        page
    )
    assert 'id="id_analysis-refused"' not in page
    report = DistrictReport.objects.get()
    assert (report.analysis, report.status) == ("第四季度草稿", DistrictStatus.DRAFT)
