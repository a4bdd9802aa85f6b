"""A quarterly report refused (saved over a version changed by someone else meanwhile,
submitted without its situation or from a stale page) or the office's review refused (a
return without a comment, a report changed meanwhile) comes back with 400, what was typed
still there and the reason with the form, nothing saved. Before, each of these redirected to
the report's page, which answered 200 with the report as stored: a whole quarter's figures
and analysis typed, or the office's comment, were gone."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from reports import figures, services
from reports.choices import ReportStatus
from reports.models import UnitReport
from tests.factories import unit
from tests.helpers import form_html, input_value, textarea_text

pytestmark = pytest.mark.django_db

STALE = (
    "Someone else changed this report while you had it open, so nothing was saved. The rest "
    "of the page shows the report as it is now; the form you sent keeps what you typed: "
    "check it and send it again."
)
"""What a page opened before someone else's change says: the report's status and history
are as they are now, its form holds what was typed (not the current text)."""


def _report(person) -> UnitReport:
    quarter = figures.Period.containing(date.today()).previous()
    return services.report_start(
        unit=unit("market-regulation"),
        year=quarter.year,
        quarter=quarter.quarter,
        acting_user=person,
    )


def _posted(report: UnitReport, version: int, **values) -> dict:
    return {
        "version": str(version),
        "situation": "本季度受理预付卡投诉明显增多。",
        "problems": "部分商户拒不退费。",
        "cases_opened": "12",
        "publicity-TOTAL_FORMS": "0",
        "publicity-INITIAL_FORMS": "0",
        **values,
    }


def _saved(person, situation="本季度投诉平稳。") -> UnitReport:
    report = _report(person)
    client_values = {"situation": situation}
    return services.report_save(
        report_id=report.id, acting_user=person, values=client_values, sampling=[], publicity=[]
    )


def _submitted(person) -> UnitReport:
    report = _saved(person)
    return services.report_submit(report_id=report.id, acting_user=person)


def _post(client, person, url, data):
    client.force_login(person)
    client.cookies["django_language"] = "en"
    return client.post(url, data)


def _reason(page: str, dom_id: str) -> str:
    tag = re.search(rf'<(?:textarea|button)[^>]*\bid="{dom_id}"[^>]*>', page).group(0)
    assert f'aria-describedby="{dom_id}-refused"' in tag, tag
    assert " autofocus" in tag
    return page.split(f'id="{dom_id}-refused">', 1)[1].split("</div>", 1)[0]


def _unchanged(report: UnitReport) -> None:
    stored = UnitReport.objects.get(id=report.id)
    assert (stored.situation, stored.status, stored.version, stored.review_comment) == (
        report.situation,
        report.status,
        report.version,
        report.review_comment,
    )


def test_a_report_changed_meanwhile_keeps_the_quarter_typed(client, mr_staff, mr_liaison):
    seen = _report(mr_staff)
    report = services.report_save(
        report_id=seen.id,
        acting_user=mr_liaison,
        values={"situation": "联络员写的"},
        sampling=[],
        publicity=[],
    )
    sent = _posted(report, seen.version)

    response = _post(client, mr_staff, reverse("unit_report", args=[report.id]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    form = form_html(page, "report-form")
    assert textarea_text(form, "situation").strip() == sent["situation"]
    assert textarea_text(form, "problems").strip() == sent["problems"]
    assert input_value(form, "cases_opened") == "12"
    assert input_value(form, "version") == str(report.version)  # sent again, it saves
    assert STALE in form.split('class="alert alert-danger"', 1)[1]
    _unchanged(report)


@pytest.mark.parametrize(
    ("situation", "stale", "why"),
    [
        ("", False, "Describe the situation of the quarter before submitting."),
        ("本季度投诉平稳。", True, STALE),
    ],
    ids=["no situation", "stale"],
)
def test_a_refused_submission_comes_back_with_why_beside_its_button(
    client, mr_liaison, situation, stale, why
):
    report = _saved(mr_liaison, situation=situation)

    response = _post(
        client,
        mr_liaison,
        reverse("unit_report_act", args=[report.id, "submit"]),
        {"version": report.version - 1 if stale else report.version},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert '<details id="details-submit" open>' in page
    assert why in _reason(page, "confirm-submit")
    _unchanged(report)


@pytest.mark.parametrize(
    ("action", "comment", "stale", "why"),
    [
        ("return", "  ", False, "Say what the unit should change."),
        ("return", "请补充抽检不合格批次的处置情况", True, STALE),
        ("accept", "数据齐全，予以采纳", True, STALE),
    ],
    ids=["return without a comment", "return stale", "accept stale"],
)
def test_a_refused_review_keeps_the_comment_beside_its_reason(
    client, mr_liaison, office_staff, action, comment, stale, why
):
    report = _submitted(mr_liaison)

    response = _post(
        client,
        office_staff,
        reverse("unit_report_act", args=[report.id, action]),
        {"comment": comment, "version": report.version - 1 if stale else report.version},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(rf'id="review-comment-input"[^>]*>{comment}</textarea>', page)
    assert why in _reason(page, "review-comment-input")
    _unchanged(report)
    assert report.status == ReportStatus.SUBMITTED


def test_a_report_submitted_meanwhile_says_so_rather_than_that_the_form_keeps_it(
    client, mr_staff, mr_liaison
):
    """A submitted report's page has no form to keep what was typed: the refusal says
    why it cannot be changed, not that the form sent keeps it."""
    seen = _saved(mr_liaison)
    report = services.report_submit(report_id=seen.id, acting_user=mr_liaison)

    response = _post(
        client, mr_staff, reverse("unit_report", args=[report.id]), _posted(report, seen.version)
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "This report has been submitted and can no longer be changed." in page
    assert STALE not in page
    assert 'id="report-form"' not in page
    _unchanged(report)


def test_a_review_of_a_report_accepted_meanwhile_says_so(client, mr_liaison, office_staff):
    seen = _submitted(mr_liaison)
    report = services.report_accept(report_id=seen.id, acting_user=office_staff)

    response = _post(
        client,
        office_staff,
        reverse("unit_report_act", args=[report.id, "return"]),
        {"comment": "请补充", "version": seen.version},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Only a submitted report can be accepted or returned." in page
    assert STALE not in page
    _unchanged(report)
