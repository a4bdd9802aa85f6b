"""A unit's quarterly report: its life (draft → submitted → returned / accepted), who may do
what, the checks on its numbers, its history, and the portal figures it is pre-filled with.

"Now" is Monday 16 November 2026, 10:00 in Beijing: the third quarter has ended, its reports
are late (due 10 October), and the fourth quarter is running.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from complaints import workflow
from complaints.choices import Satisfaction, Status
from complaints.deadlines import BEIJING
from complaints.models import WorkOrder
from departments.models import AuditEntry, Notification, Unit
from reports import figures, rendering, services
from reports.choices import (
    DistrictStatus,
    EducationAudience,
    EducationChannel,
    FileState,
    ReportAction,
    ReportStatus,
)
from reports.models import DistrictReport, ReportEvent, SamplingLine, UnitReport
from tests.factories import make_order, unit
from wuqing_consumer.versions import NEW, UNKNOWN

Q3 = figures.Period(2026, 3)

DISTRICT_STALE = (
    "Someone else changed the district report while you had it open, so nothing was saved. "
    "The rest of the page shows the report as it is now; the form you sent keeps what you "
    "typed: check it and send it again."
)


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(2026, 11, 16), tick=False) as traveller:
        yield traveller


def start(user, period=Q3, code="market-regulation") -> UnitReport:
    return services.report_start(
        unit=unit(code), year=period.year, quarter=period.quarter, acting_user=user
    )


def save(report, user, *, values=None, sampling=(), publicity=(), version=None) -> UnitReport:
    return services.report_save(
        report_id=report.id,
        acting_user=user,
        values={"situation": "本季度投诉平稳。", **(values or {})},
        sampling=list(sampling),
        publicity=list(publicity),
        expected_version=version,
    )


def fresh(report: UnitReport) -> UnitReport:
    return UnitReport.objects.get(pk=report.pk)


def submitted(liaison, **values) -> UnitReport:
    report = save(start(liaison), liaison, values=values)
    return services.report_submit(report_id=report.id, acting_user=liaison)


# -- life and permissions ------------------------------------------------------------------


def test_a_unit_person_starts_a_draft_once_and_the_history_says_so(mr_staff, mr_liaison):
    first = start(mr_staff)
    again = start(mr_liaison)
    assert again.id == first.id
    assert first.status == ReportStatus.DRAFT
    assert list(first.events.values_list("action", "actor")) == [(ReportAction.CREATE, mr_staff.id)]


def test_a_report_cannot_be_started_for_a_quarter_that_has_not_begun(mr_staff):
    with pytest.raises(services.ReportError, match="has begun"):
        start(mr_staff, figures.Period(2027, 1))
    assert not UnitReport.objects.exists()


@pytest.mark.parametrize("period", ["0000Q1", "9999Q4"])
def test_a_quarter_the_calendar_cannot_hold_is_refused_not_a_500(
    client, office_staff, mr_liaison, period
):
    client.force_login(office_staff)
    page = client.get(reverse("report_list"), {"period": period}, follow=True)
    assert page.status_code == 400
    assert f"period=“{period}” is not well formed" in page.content.decode()
    assert client.get(reverse("district_report", args=[period])).status_code == 404
    client.force_login(mr_liaison)
    assert client.post(reverse("report_start"), {"period": period}).status_code == 404
    assert not UnitReport.objects.exists()


@pytest.mark.parametrize("sampled", ["2147483648", "99999999999999999999"])
def test_a_sampling_count_too_large_for_the_database_is_refused_not_a_500(
    client, mr_liaison, sampled
):
    report = start(mr_liaison)
    client.force_login(mr_liaison)
    form = {
        "situation": "本季度投诉平稳。",
        "version": str(report.version),
        "publicity-TOTAL_FORMS": "0",
        "publicity-INITIAL_FORMS": "0",
        "sampling-food-sampled": sampled,
    }
    page = client.post(reverse("unit_report", args=[report.id]), form)
    assert page.status_code == 400
    assert "is too large" in page.content.decode()
    assert not SamplingLine.objects.exists()
    assert fresh(report).version == report.version


@pytest.mark.parametrize("fines", ["1e5", "1E+3", "1_000", "NaN"])
def test_a_money_figure_decimal_would_read_as_another_number_is_refused(client, mr_liaison, fines):
    """A number field lets "1e5" through, and Decimal reads it as 100000: the district's
    sums would count a fine nobody imposed."""
    report = start(mr_liaison)
    client.force_login(mr_liaison)
    client.cookies["django_language"] = "en"
    form = {
        "situation": "本季度投诉平稳。",
        "version": str(report.version),
        "publicity-TOTAL_FORMS": "0",
        "publicity-INITIAL_FORMS": "0",
        "fines_imposed": fines,
    }
    page = client.post(reverse("unit_report", args=[report.id]), form)
    assert page.status_code == 400
    assert "Enter the amount as a number of yuan, e.g. 1280.50." in page.content.decode()
    assert fresh(report).version == report.version
    assert client.post(
        reverse("unit_report", args=[report.id]), form | {"fines_imposed": "１００.５0"}
    ).status_code in (200, 302)
    assert fresh(report).fines_imposed == Decimal("100.50")


def test_the_office_does_not_write_a_units_report(office_staff):
    with pytest.raises(Http404):
        start(office_staff)


def test_staff_fill_in_but_only_the_liaison_or_head_submits(mr_staff, mr_liaison, mr_head):
    report = save(start(mr_staff), mr_staff, values={"cases_opened": 4})
    with pytest.raises(services.ReportError, match="liaison or head"):
        services.report_submit(report_id=report.id, acting_user=mr_staff)
    assert fresh(report).status == ReportStatus.DRAFT
    services.report_submit(report_id=report.id, acting_user=mr_head)
    report = fresh(report)
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == mr_head


def test_submitting_tells_the_office(mr_liaison, office_staff, office_director, housing_staff):
    report = submitted(mr_liaison)
    told = set(
        Notification.objects.filter(key__startswith=f"report_submitted:{report.id}:").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {office_staff.username, office_director.username}


def test_a_report_needs_its_situation_text_before_submission(mr_liaison):
    report = start(mr_liaison)
    with pytest.raises(ValidationError) as caught:
        services.report_submit(report_id=report.id, acting_user=mr_liaison)
    assert "situation" in caught.value.message_dict
    assert fresh(report).status == ReportStatus.DRAFT


def test_the_office_returns_with_comments_and_the_unit_corrects_and_resubmits(
    mr_liaison, office_staff
):
    report = submitted(mr_liaison, cases_opened=3)
    with pytest.raises(ValidationError):
        services.report_return(report_id=report.id, acting_user=office_staff, comment=" ")
    assert fresh(report).status == ReportStatus.SUBMITTED
    services.report_return(
        report_id=report.id, acting_user=office_staff, comment="罚没款数字请核实。"
    )
    report = fresh(report)
    assert report.status == ReportStatus.RETURNED
    assert report.review_comment == "罚没款数字请核实。"
    assert Notification.objects.filter(
        recipient=mr_liaison, key__startswith=f"report_returned:{report.id}:"
    ).exists()
    save(report, mr_liaison, values={"cases_opened": 3, "fines_imposed": "1500.50"})
    services.report_submit(report_id=report.id, acting_user=mr_liaison)
    services.report_accept(report_id=report.id, acting_user=office_staff)
    report = fresh(report)
    assert report.status == ReportStatus.ACCEPTED
    assert report.fines_imposed == Decimal("1500.50")
    assert list(report.events.values_list("action", flat=True)) == [
        ReportAction.CREATE,
        ReportAction.SAVE,
        ReportAction.SUBMIT,
        ReportAction.RETURN,
        ReportAction.SAVE,
        ReportAction.SUBMIT,
        ReportAction.ACCEPT,
    ]


def test_an_accepted_report_is_read_only(mr_liaison, office_staff):
    report = submitted(mr_liaison, cases_opened=3)
    services.report_accept(report_id=report.id, acting_user=office_staff)
    with pytest.raises(services.ReportError, match="can no longer be changed"):
        save(report, mr_liaison, values={"cases_opened": 9})
    with pytest.raises(services.ReportError):
        services.report_return(report_id=report.id, acting_user=office_staff, comment="再改")
    assert fresh(report).cases_opened == 3
    assert fresh(report).status == ReportStatus.ACCEPTED


@pytest.mark.parametrize("version", [None, "stale"])
def test_refreshing_an_accepted_reports_figures_says_why_it_cannot_be(
    mr_liaison, office_staff, version
):
    """A stale or missing version was told "someone else changed this report" and to send
    again; sent again, it could never be refreshed, as it is no longer a draft."""
    report = submitted(mr_liaison, cases_opened=3)
    services.report_accept(report_id=report.id, acting_user=office_staff)
    seen = fresh(report).version
    with pytest.raises(services.ReportError) as refused:
        services.report_refresh_figures(
            report_id=report.id,
            acting_user=mr_liaison,
            expected_version=seen - 1 if version == "stale" else UNKNOWN,
        )
    assert not isinstance(refused.value, services.StaleReport)
    assert str(refused.value.message) == "The portal's figures can only be refreshed in a draft."
    assert fresh(report).version == seen


def test_refreshing_a_draft_from_a_stale_page_is_refused_as_stale(mr_liaison):
    report = save(start(mr_liaison), mr_liaison)
    with pytest.raises(services.StaleReport):
        services.report_refresh_figures(
            report_id=report.id, acting_user=mr_liaison, expected_version=report.version - 1
        )


def test_a_submitted_report_cannot_be_edited_and_units_cannot_review(mr_liaison, mr_head):
    report = submitted(mr_liaison)
    with pytest.raises(services.ReportError):
        save(report, mr_liaison, values={"cases_opened": 9})
    with pytest.raises(Http404):
        services.report_accept(report_id=report.id, acting_user=mr_head)
    assert fresh(report).status == ReportStatus.SUBMITTED


def test_another_units_liaison_cannot_see_or_touch_a_draft(mr_staff, housing_head, client):
    report = save(start(mr_staff), mr_staff, values={"cases_opened": 2})
    with pytest.raises(Http404):
        save(report, housing_head, values={"cases_opened": 99})
    client.force_login(housing_head)
    assert client.get(reverse("unit_report", args=[report.id])).status_code == 404
    response = client.post(
        reverse("unit_report_act", args=[report.id, "submit"]), {"version": report.version}
    )
    assert response.status_code == 404
    assert fresh(report).cases_opened == 2
    assert fresh(report).status == ReportStatus.DRAFT


def test_a_stale_form_saves_nothing(mr_staff, mr_liaison):
    report = start(mr_staff)
    old_version = report.version
    save(report, mr_liaison, values={"cases_opened": 1})
    with pytest.raises(services.StaleReport):
        save(report, mr_staff, values={"cases_opened": 7}, version=old_version)
    assert fresh(report).cases_opened == 1


# -- numbers and history ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sampling", "values", "field", "message"),
    [
        (
            [{"product_category": "food", "sampled": 3, "failed": 5}],
            {},
            "sampling",
            "Food: 5 batches failed, but only 3 were sampled.",
        ),
        (
            [{"product_category": "vehicles", "sampled": 4, "failed": 2, "failed_handled": 3}],
            {},
            "sampling",
            "Vehicles: 3 failed batches dealt with, but only 2 failed.",
        ),
        ([], {"cases_opened": -1}, "cases_opened", "Cases opened cannot be negative."),
        ([], {"fines_imposed": "-5"}, "fines_imposed", "cannot be negative"),
        ([], {"money_recovered": "abc"}, "money_recovered", "must be an amount in yuan"),
        (
            [],
            {"outside_complaints": 2, "outside_resolved": 3},
            "outside_resolved",
            "cannot exceed what was received outside it (2)",
        ),
    ],
)
def test_impossible_numbers_are_refused_with_a_clear_message_and_nothing_changes(
    mr_staff, sampling, values, field, message
):
    report = start(mr_staff)
    with pytest.raises(ValidationError) as caught:
        save(report, mr_staff, values=values, sampling=sampling)
    assert any(message in text for text in caught.value.message_dict[field])
    assert fresh(report).version == report.version
    assert not SamplingLine.objects.exists()
    assert not ReportEvent.objects.filter(action=ReportAction.SAVE).exists()


def test_every_save_records_what_changed(mr_staff):
    report = start(mr_staff)
    save(
        report,
        mr_staff,
        values={"cases_opened": 5},
        sampling=[{"product_category": "food", "sampled": 10, "failed": 1, "failed_handled": 1}],
        publicity=[
            {"kind": "event", "day": "2026-09-15", "title": "3·15 进社区", "people_reached": 300}
        ],
    )
    save(
        report,
        mr_staff,
        values={"cases_opened": 6},
        sampling=[{"product_category": "food", "sampled": 10, "failed": 1, "failed_handled": 1}],
        publicity=[
            {"kind": "event", "day": "2026-09-15", "title": "3·15 进社区", "people_reached": 300}
        ],
    )
    saves = list(ReportEvent.objects.filter(report=report, action=ReportAction.SAVE))
    assert len(saves) == 2
    assert saves[0].data["changed"]["cases_opened"] == [0, 5]
    assert saves[0].data["changed"]["sampling"][1] == {"food": [10, 1, 1]}
    assert "publicity" in saves[0].data["changed"]
    assert set(saves[1].data["changed"]) == {"cases_opened"}
    assert saves[1].data["changed"]["cases_opened"] == [5, 6]
    assert saves[1].actor == mr_staff


def test_saving_the_same_numbers_again_writes_no_history(mr_staff):
    report = save(start(mr_staff), mr_staff, values={"cases_opened": 5})
    again = save(report, mr_staff, values={"cases_opened": 5})
    assert again.version == report.version
    assert ReportEvent.objects.filter(action=ReportAction.SAVE).count() == 1


# -- pre-filled figures ------------------------------------------------------------------------


def _rated(order, office, rating):
    workflow.workorder_record_satisfaction(order_id=order.id, acting_user=office, rating=rating)


@pytest.fixture
def quarter_orders(office_staff, mr_staff, housing_staff):
    """Orders of Q3 for the Market Regulation Bureau in every state, plus some that must not
    count: another unit's, and the bureau's own from Q2 and Q4."""
    orders = []

    def order(when, **kwargs):
        o = make_order(office_staff, received_at=when, **kwargs)
        orders.append(o)
        return o

    order(at(2026, 7, 1, 0, 5), category="食品安全")  # first minutes of the quarter, open
    order(at(2026, 9, 30, 23, 50), category="食品安全", channel="12315")  # last minutes
    for when, rating in (
        (at(2026, 8, 3), Satisfaction.SATISFIED),
        (at(2026, 8, 4), Satisfaction.DISSATISFIED),
        (at(2026, 8, 5), None),
    ):
        o = order(when, category="预付卡")
        workflow.workorder_sign(order_id=o.id, acting_user=mr_staff)
        workflow.workorder_resolve(order_id=o.id, acting_user=mr_staff, result="已处理")
        if rating:
            workflow.workorder_close(order_id=o.id, acting_user=office_staff)
            if rating != Satisfaction.DISSATISFIED:
                _rated(o, office_staff, rating)
    order(at(2026, 8, 6), unit_code="housing", content="物业公司乱收费")
    order(at(2026, 6, 30, 23, 50))  # Q2
    order(at(2026, 10, 1, 0, 10))  # Q4
    return orders


def _expected(unit_code: str, now: datetime) -> dict:
    """The same figures computed a different way: in Python, over the orders themselves."""
    rows = [
        o
        for o in WorkOrder.objects.select_related("primary_unit")
        if o.primary_unit
        and o.primary_unit.code == unit_code
        and Q3.first <= o.received_at.astimezone(BEIJING).date() <= Q3.last
    ]
    done = [o for o in rows if o.status in (Status.RESOLVED, Status.CLOSED) and o.resolved_at]

    def deadline(o):
        return o.due_resolution or o.due_answer

    return {
        "received": len(rows),
        "resolved": len(done),
        "open": sum(o.status in (Status.TRIAGE, Status.ASSIGNED, Status.IN_PROGRESS) for o in rows),
        "on_time": sum(deadline(o) is None or o.resolved_at <= deadline(o) for o in done),
        "overdue": sum(deadline(o) is not None and o.resolved_at > deadline(o) for o in done)
        + sum(o.next_due_at is not None and o.next_due_at < now for o in rows),
        "rated": sum(bool(o.satisfaction) and not o.excluded_from_stats for o in rows),
        "satisfied": sum(o.satisfaction == Satisfaction.SATISFIED for o in rows),
        "by_category": sorted(o.category for o in rows),
    }


def test_the_draft_is_prefilled_with_the_units_work_orders_of_the_quarter(
    quarter_orders, mr_liaison
):
    report = start(mr_liaison)
    expected = _expected("market-regulation", at(2026, 11, 16))
    totals = report.portal_figures["totals"]
    assert expected["received"] == 5
    for key in ("received", "resolved", "open", "on_time", "overdue", "rated", "satisfied"):
        assert totals[key] == expected[key], key
    assert (
        sorted(
            row["value"]
            for row in report.portal_figures["by_category"]
            for _ in range(row["received"])
        )
        == expected["by_category"]
    )
    channels = {row["value"]: row["received"] for row in report.portal_figures["by_channel"]}
    assert channels == {"12345": 4, "12315": 1}


def test_the_kept_figures_name_each_channel_in_the_readers_language(
    quarter_orders, mr_liaison, client
):
    """The figures keep the labels of the language they were worked out in; an English
    reader of a report started in Chinese read "12315平台"."""
    with translation.override("zh-hans"):
        report = start(mr_liaison)
        kept = translation.gettext("12315 platform")
    assert {row["label"] for row in report.portal_figures["by_channel"]} >= {kept}
    client.force_login(mr_liaison)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("unit_report", args=[report.id])).content.decode()
    row = '<tr data-channel="12315"><th scope="row" class="fw-normal text-nowrap">{}</th>'
    assert row.format(translation.gettext("12315 platform")) in page


def test_submission_takes_the_figures_as_they_stand_then(quarter_orders, mr_liaison, mr_staff):
    report = save(start(mr_liaison), mr_liaison)
    open_order = quarter_orders[0]
    workflow.workorder_sign(order_id=open_order.id, acting_user=mr_staff)
    workflow.workorder_resolve(order_id=open_order.id, acting_user=mr_staff, result="已处理")
    assert fresh(report).portal_figures["totals"]["resolved"] == 3
    services.report_submit(report_id=report.id, acting_user=mr_liaison)
    assert fresh(report).portal_figures["totals"]["resolved"] == 4
    assert fresh(report).portal_figures["totals"] == {
        **fresh(report).portal_figures["totals"],
        **{
            k: v
            for k, v in _expected("market-regulation", at(2026, 11, 16)).items()
            if k in ("received", "resolved", "open", "on_time", "overdue")
        },
    }


# -- the district report ---------------------------------------------------------------------


def _accepted(code, person, office, *, cases, fines, sampling, publicity=()):
    report = start(person, code=code)
    save(
        report,
        person,
        values={"cases_opened": cases, "cases_closed": cases - 1, "fines_imposed": fines},
        sampling=sampling,
        publicity=publicity,
    )
    services.report_submit(report_id=report.id, acting_user=person)
    services.report_accept(report_id=report.id, acting_user=office)
    return report


def test_the_district_sums_are_the_sums_of_the_accepted_unit_reports(
    mr_liaison, housing_head, office_staff
):
    from departments.choices import RoleCode
    from tests.factories import UserFactory

    _accepted(
        "market-regulation",
        mr_liaison,
        office_staff,
        cases=5,
        fines="1000.10",
        sampling=[
            {"product_category": "food", "sampled": 20, "failed": 2, "failed_handled": 2},
            {"product_category": "vehicles", "sampled": 3, "failed": 1, "failed_handled": 0},
        ],
        publicity=[
            {"kind": "media", "day": "2026-08-01", "title": "天津日报报道", "people_reached": 0},
            {"kind": "event", "day": "2026-09-01", "title": "进校园", "people_reached": 120},
        ],
    )
    _accepted(
        "housing",
        housing_head,
        office_staff,
        cases=2,
        fines="99.90",
        sampling=[{"product_category": "food", "sampled": 5, "failed": 1, "failed_handled": 1}],
        publicity=[
            {"kind": "event", "day": "2026-07-20", "title": "社区讲座", "people_reached": 80}
        ],
    )
    # A submitted but not yet accepted report does not count.
    transport = UserFactory(unit=unit("transport"), roles=[RoleCode.UNIT_LIAISON])
    save(start(transport, code="transport"), transport, values={"cases_opened": 50})
    services.report_submit(
        report_id=UnitReport.objects.get(unit__code="transport").id, acting_user=transport
    )
    data = figures.district_figures(Q3)
    sums = data["report_sums"]
    assert sums["cases_opened"] == 7
    assert sums["cases_closed"] == 5
    assert sums["fines_imposed"] == "1100.00"
    assert (sums["sampled"], sums["failed"], sums["failed_handled"]) == (28, 4, 3)
    assert (sums["media"], sums["events"], sums["people_reached"]) == (1, 2, 200)
    by_category = {row["value"]: row for row in sums["sampling_by_category"]}
    assert (by_category["food"]["sampled"], by_category["food"]["failed"]) == (25, 3)
    assert by_category["food"]["failure_rate"] == 12.0
    names = {u.code: u.name for u in figures.member_units()}
    assert names["transport"] not in data["missing_units"]  # submitted, awaiting review
    assert names["market-regulation"] not in data["missing_units"]
    assert len(data["missing_units"]) == len(names) - 3
    assert {row["unit"] for row in data["unit_reports"]} == {"market-regulation", "housing"}


def test_publishing_freezes_the_figures_and_queues_the_files(
    quarter_orders, office_director, mr_staff, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        services.district_report_publish(period=Q3, acting_user=office_director)
    services.district_report_save(
        period=Q3, acting_user=office_director, analysis="第三季度总体平稳。"
    )
    with django_capture_on_commit_callbacks() as callbacks:
        report = services.district_report_publish(period=Q3, acting_user=office_director)
    assert len(callbacks) == 1
    assert report.status == DistrictStatus.PUBLISHED
    assert report.file_state == FileState.PENDING
    assert report.figures["totals"]["received"] == 6
    # Later changes do not alter what was published.
    order = quarter_orders[0]
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=mr_staff, result="已处理")
    assert (
        DistrictReport.objects.get().figures["totals"]["resolved"]
        == report.figures["totals"]["resolved"]
    )


def test_publishing_writes_only_the_columns_it_changes(quarter_orders, office_director):
    """A publish that wrote back every column would put its own copy of the analysis and
    the file fields over whatever another writer stored after the row was read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.district_report_save(period=Q3, acting_user=office_director, analysis="平稳。")
    with CaptureQueriesContext(connection) as queries:
        services.district_report_publish(period=Q3, acting_user=office_director)
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "reports_districtreport"')]
    assert len(updates) == 1
    assignments = updates[0].split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    written = set(re.findall(r'(?:^|, )"(\w+)" = ', assignments))
    assert written == {
        "status",
        "figures",
        "published_at",
        "published_by_id",
        "file_state",
        "progress",
        "file_error",
        "version",
        "updated_at",
    }


def test_a_running_quarter_cannot_be_published(office_director):
    period = figures.Period(2026, 4)
    services.district_report_save(period=period, acting_user=office_director, analysis="草稿")
    with pytest.raises(services.ReportError, match="once it has ended"):
        services.district_report_publish(period=period, acting_user=office_director)
    assert DistrictReport.objects.get().status == DistrictStatus.DRAFT


def test_the_district_page_says_which_figure_received_outside_the_portal_is_which(
    client, mr_liaison, office_staff
):
    """Every other line of the sums names its parts; this one showed "8 / 2 / 1" under
    "Received outside the portal", leaving the reader to guess which was which."""
    report = start(mr_liaison)
    save(
        report,
        mr_liaison,
        values={"outside_complaints": 8, "outside_reports": 2, "outside_inquiries": 1},
    )
    services.report_submit(report_id=report.id, acting_user=mr_liaison)
    services.report_accept(report_id=report.id, acting_user=office_staff)
    client.force_login(office_staff)
    page = client.get(reverse("district_report", args=["2026Q3"])).content.decode()
    sums = page.split('id="report-sums"', 1)[1].split("</dl>", 1)[0]
    line = re.search(r"<dt[^>]*>([^<]*outside the portal[^<]*)</dt><dd[^>]*>([^<]*)</dd>", sums)
    assert line, sums
    assert line.group(2).strip() == "Complaint 8 / Report 2 / Inquiry 1"


def test_units_see_the_district_report_only_once_published(client, mr_staff, office_director):
    url = reverse("district_report", args=["2026Q3"])
    services.district_report_save(period=Q3, acting_user=office_director, analysis="分析")
    client.force_login(mr_staff)
    assert client.get(url).status_code == 404
    assert client.post(url, {"analysis": "改写"}).status_code == 404
    services.district_report_publish(period=Q3, acting_user=office_director)
    page = client.get(url)
    assert page.status_code == 200
    assert "分析" in page.content.decode()
    assert client.post(url, {"analysis": "改写"}).status_code == 404
    assert DistrictReport.objects.get().analysis == "分析"


def _posted(client, period, status=200, **data):
    """The messages after posting the analysis: 200 once saved (after the redirect), 400
    when refused (the page shown again with what was typed)."""
    page = client.post(reverse("district_report", args=[period]), data, follow=True)
    assert page.status_code == status
    return [str(m) for m in page.context["messages"]]


def test_a_refused_publish_says_the_analysis_was_kept_as_a_draft(client, office_director):
    """Saving and publishing are two steps: the save is kept when publishing is refused, so
    the page must say so, or the office thinks the text lost or the report published."""
    client.force_login(office_director)
    # a quarter with no report yet: the form sends an empty version
    said = _posted(client, "2026Q4", 400, analysis="第四季度草稿", version="", then="publish")
    assert said == [
        "Saved as a draft. Not published: A quarter can be published once it has ended."
    ]
    report = DistrictReport.objects.get()
    assert (report.analysis, report.status) == ("第四季度草稿", DistrictStatus.DRAFT)


def test_a_refused_publish_again_says_units_still_read_the_published_version(
    client, office_director
):
    services.district_report_save(period=Q3, acting_user=office_director, analysis="分析")
    published = services.district_report_publish(period=Q3, acting_user=office_director)
    assert published.file_state == FileState.PENDING
    client.force_login(office_director)
    said = _posted(
        client, "2026Q3", 400, analysis="更正后的分析", version=published.version, then="publish"
    )
    assert said == [
        "The analysis was saved; units still read the version published before. Not "
        "published again: The files are being built; wait until they are ready."
    ]
    report = DistrictReport.objects.get()
    assert report.analysis == "更正后的分析"
    assert report.figures["analysis"] == "分析"


def _publish_confirmation(client) -> str:
    page = client.get(reverse("district_report", args=["2026Q3"])).content.decode()
    return page.split('id="details-publish"', 1)[1].split("</details>", 1)[0]


def test_publishing_again_counts_the_units_missing_now_not_when_it_was_published(
    client, office_director, mr_liaison, office_staff
):
    """The published page shows the frozen figures, and its "Publish again" said 16 units
    had not submitted after one had: publishing again would freeze 15."""
    services.district_report_save(period=Q3, acting_user=office_director, analysis="分析")
    services.district_report_publish(period=Q3, acting_user=office_director)
    client.force_login(office_director)
    asked = len(DistrictReport.objects.get().figures["missing_units"])
    assert f"{asked} units have not submitted yet." in _publish_confirmation(client)
    submitted(mr_liaison)
    assert f"{asked - 1} units have not submitted yet." in _publish_confirmation(client)


def test_an_empty_analysis_leaves_no_empty_district_report_behind(client, office_director, leader):
    """Nothing typed, nothing stored: an empty draft would make the quarter look begun with
    nothing in it. The leader still reads the live figures, as a draft with no analysis."""
    client.force_login(office_director)
    assert _posted(client, "2026Q3", 400, analysis="  ", then="publish") == [
        "Write the office's analysis before publishing."
    ]
    assert _posted(client, "2026Q3", analysis="") == ["Nothing was saved: the analysis is empty."]
    assert not DistrictReport.objects.exists()
    client.force_login(leader)
    page = client.get(reverse("district_report", args=["2026Q3"]))
    assert page.status_code == 200
    assert 'data-status="draft"' in page.content.decode()


def test_save_and_publish_of_an_empty_analysis_does_not_publish_one_written_meanwhile(
    client, office_director, office_staff, monkeypatch
):
    """An empty analysis on a quarter with no report saves nothing; publishing then must not
    publish what a colleague saved in between, which its sender never read."""
    from reports import views

    saved_by_page = services.district_report_save

    def and_a_colleague_saves_meanwhile(**kwargs):
        result = saved_by_page(**kwargs)
        saved_by_page(period=Q3, acting_user=office_staff, analysis="工作人员的分析")
        return result

    monkeypatch.setattr(views.services, "district_report_save", and_a_colleague_saves_meanwhile)
    client.force_login(office_director)
    assert _posted(client, "2026Q3", 400, analysis="", version="", then="publish") == [
        "Write the office's analysis before publishing."
    ]
    report = DistrictReport.objects.get()
    assert (report.analysis, report.status) == ("工作人员的分析", DistrictStatus.DRAFT)


def test_emptying_an_existing_analysis_is_saved(client, office_director):
    report = services.district_report_save(period=Q3, acting_user=office_director, analysis="旧")
    client.force_login(office_director)
    said = _posted(client, "2026Q3", analysis="", version=report.version)
    assert said == ["The analysis was saved."]
    assert DistrictReport.objects.get().analysis == ""


def test_a_first_analysis_saved_twice_from_pages_opened_before_either_keeps_the_first(
    client, office_director, office_staff
):
    """Two people open a quarter with no report; both forms send an empty version. The
    second save used to find no version to check and wrote over the first's analysis."""
    client.force_login(office_director)
    assert _posted(client, "2026Q3", analysis="主任的分析", version="") == [
        "The analysis was saved."
    ]
    client.force_login(office_staff)
    for then in ("", "publish"):
        assert _posted(client, "2026Q3", 400, analysis="工作人员的分析", version="", then=then) == [
            DISTRICT_STALE
        ]
    report = DistrictReport.objects.get()
    assert (report.analysis, report.version, report.status) == ("主任的分析", 2, "draft")
    # An empty analysis from such a page does not empty the report either.
    assert _posted(client, "2026Q3", 400, analysis="", version="") == [DISTRICT_STALE]
    assert DistrictReport.objects.get().analysis == "主任的分析"


def test_a_save_expecting_no_report_is_refused_once_one_exists(office_director, office_staff):
    first = services.district_report_save(
        period=Q3, acting_user=office_director, analysis="主任的分析", expected_version=NEW
    )
    with pytest.raises(services.StaleReport):
        services.district_report_save(
            period=Q3, acting_user=office_staff, analysis="工作人员的分析", expected_version=NEW
        )
    assert DistrictReport.objects.get().analysis == "主任的分析"
    assert AuditEntry.objects.filter(action="district_report.save").count() == 1
    # A script (no version) still saves over it, as before.
    services.district_report_save(period=Q3, acting_user=office_staff, analysis="脚本")
    assert DistrictReport.objects.get().version == first.version + 1


# -- screens ---------------------------------------------------------------------------------


def test_a_form_with_an_impossible_number_shows_the_message_and_keeps_what_was_typed(
    client, mr_staff
):
    report = start(mr_staff)
    client.force_login(mr_staff)
    response = client.post(
        reverse("unit_report", args=[report.id]),
        {
            "version": report.version,
            "cases_opened": "4",
            "sampling-food-sampled": "2",
            "sampling-food-failed": "3",
            "situation": "平稳",
            "publicity-TOTAL_FORMS": "0",
            "publicity-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Food: 3 batches failed, but only 2 were sampled." in body
    assert 'value="3"' in body
    assert fresh(report).cases_opened == 0


def test_a_form_with_an_invalid_field_also_names_the_impossible_sampling_line_at_once(
    client, mr_staff
):
    """An invalid field kept the sampling lines and publicity items from being checked: the
    page said only "see the marked fields", and the impossible sampling line came up on the
    next save, after the marked field was put right."""
    report = start(mr_staff)
    client.force_login(mr_staff)
    response = client.post(
        reverse("unit_report", args=[report.id]),
        {
            "version": report.version,
            "cases_opened": "-1",
            "sampling-food-sampled": "2",
            "sampling-food-failed": "3",
            "situation": "平稳",
            "publicity-TOTAL_FORMS": "1",
            "publicity-INITIAL_FORMS": "0",
            "publicity-0-title": "宣传",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Some numbers are not valid; see the marked fields." in body
    assert "Food: 3 batches failed, but only 2 were sampled." in body
    assert "Publicity item 1 needs a kind, a date and a title." in body
    assert fresh(report).sampling.count() == 0


def test_the_unit_page_lists_the_quarters_and_starts_a_report(client, mr_liaison):
    client.force_login(mr_liaison)
    page = client.get(reverse("report_list"))
    assert page.status_code == 200
    assert 'data-period="2026Q3"' in page.content.decode()
    response = client.post(reverse("report_start"), {"period": "2026Q3"})
    report = UnitReport.objects.get()
    assert response["Location"] == reverse("unit_report", args=[report.id])
    assert client.get(response["Location"]).status_code == 200


def overdue_quarters(page: str) -> set[str]:
    """The quarters of the unit's list whose due date carries the Overdue badge."""
    rows = re.findall(r'<tr data-period="(\w+)">(.*?)</tr>', page, re.S)
    return {period for period, row in rows if ">Overdue<" in row}


def test_the_list_marks_overdue_only_the_quarters_the_unit_is_asked_for(client, mr_liaison):
    """The home page asks a unit for the quarters from its first report on (the last ended
    one when it has none); the list's red Overdue badges follow the same rule instead of
    marking the seven quarters before it came to the portal."""
    client.force_login(mr_liaison)
    page = client.get(reverse("report_list")).content.decode()
    assert overdue_quarters(page) == {"2026Q3"}
    submitted(mr_liaison)
    page = client.get(reverse("report_list")).content.decode()
    assert overdue_quarters(page) == set()
    start(mr_liaison, figures.Period(2026, 1))
    page = client.get(reverse("report_list")).content.decode()
    assert overdue_quarters(page) == {"2026Q1", "2026Q2"}


def test_the_office_sees_which_units_have_reported(client, office_staff, mr_liaison):
    submitted(mr_liaison)
    client.force_login(office_staff)
    page = client.get(reverse("report_list") + "?period=2026Q3").content.decode()
    assert 'data-unit="market-regulation"' in page
    assert "1 of" in page
    bad = client.get(reverse("report_list") + "?period=2026Q9")
    assert bad.status_code == 400
    assert "period=“2026Q9” is not well formed: write it like period=2026Q3" in (
        bad.content.decode()
    )


def test_the_quarter_page_links_the_district_report_only_to_those_who_may_open_it(
    client, leader, sysadmin, office_staff, office_director
):
    """Before the office writes a quarter's district report, administrators get a 404
    there, so their quarter page does not link it; once a draft exists they do. The office
    and the group leader (who reads the draft as it is written) always have the link."""
    district = reverse("district_report", args=["2026Q3"])
    quarter = reverse("report_list") + "?period=2026Q3"
    client.force_login(sysadmin)
    assert client.get(district).status_code == 404
    assert f'href="{district}"' not in client.get(quarter).content.decode()
    for person in (office_staff, leader):
        client.force_login(person)
        assert client.get(district).status_code == 200
        assert f'href="{district}"' in client.get(quarter).content.decode()
    services.district_report_save(period=Q3, acting_user=office_director, analysis="分析")
    for person in (leader, sysadmin):
        client.force_login(person)
        assert f'href="{district}"' in client.get(quarter).content.decode()
        assert client.get(district).status_code == 200


# -- access matrix -----------------------------------------------------------------------------


@pytest.fixture
def mr_report(mr_liaison):
    return submitted(mr_liaison)


@pytest.mark.parametrize(
    ("persona", "method", "name", "expected"),
    [
        ("anonymous", "get", "report_list", 302),
        ("mr_staff", "get", "report_list", 200),
        ("office_staff", "get", "report_list", 200),
        ("anonymous", "get", "unit_report", 302),
        ("mr_staff", "get", "unit_report", 200),
        ("housing_staff", "get", "unit_report", 404),
        ("office_staff", "get", "unit_report", 200),
        ("leader", "get", "unit_report", 200),
        ("housing_staff", "post", "unit_report_accept", 404),
        ("mr_head", "post", "unit_report_accept", 404),
        ("housing_staff", "post", "unit_report_attach", 404),
        ("anonymous", "get", "district_report", 302),
        ("mr_staff", "get", "district_report", 404),  # not published
        ("office_staff", "get", "district_report", 200),
        ("leader", "get", "district_report", 200),  # the draft, read-only
        ("leader", "post", "district_report", 404),
        ("leader", "post", "district_report_rebuild", 404),
        ("mr_staff", "get", "district_report_status", 404),
        ("leader", "get", "district_report_status", 200),
        ("office_staff", "get", "district_report_file", 404),  # no files yet
        ("mr_staff", "post", "district_report_rebuild", 404),
    ],
)
def test_access_matrix(persona_client, mr_report, persona, method, name, expected):
    urls = {
        "report_list": reverse("report_list"),
        "unit_report": reverse("unit_report", args=[mr_report.id]),
        "unit_report_accept": reverse("unit_report_act", args=[mr_report.id, "accept"]),
        "unit_report_attach": reverse("unit_report_attach", args=[mr_report.id]),
        "district_report": reverse("district_report", args=["2026Q3"]),
        "district_report_status": reverse("district_report_status", args=["2026Q3"]),
        "district_report_file": reverse("district_report_file", args=["2026Q3", "pdf"]),
        "district_report_rebuild": reverse("district_report_rebuild", args=["2026Q3"]),
    }
    client = persona_client(persona)
    response = getattr(client, method)(urls[name], {"version": mr_report.version})
    assert response.status_code == expected
    assert fresh(mr_report).status == ReportStatus.SUBMITTED


# -- attachments -------------------------------------------------------------------------------


def test_files_are_checked_kept_with_the_draft_and_removed_only_from_a_draft(
    mr_liaison, client, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.models import ReportAttachment
    from tests.complaints.test_attachments import EXE_BYTES, PDF_BYTES

    settings.MEDIA_ROOT = tmp_path
    report = start(mr_liaison)
    with pytest.raises(ValidationError, match="whatever its name says"):
        services.report_attach(
            report_id=report.id,
            acting_user=mr_liaison,
            uploads=[SimpleUploadedFile("分析.pdf", EXE_BYTES)],
        )
    assert not ReportAttachment.objects.exists()
    (kept,) = services.report_attach(
        report_id=report.id,
        acting_user=mr_liaison,
        uploads=[SimpleUploadedFile("季度分析.pdf", PDF_BYTES)],
    )
    client.force_login(mr_liaison)
    download = client.get(reverse("report_attachment_download", args=[report.id, kept.id]))
    assert b"".join(download.streaming_content) == PDF_BYTES
    services.report_detach(report_id=report.id, attachment_id=kept.id, acting_user=mr_liaison)
    kept.refresh_from_db()
    assert kept.removed_at is not None and kept.file.storage.exists(kept.file.name)
    save(report, mr_liaison)
    services.report_submit(report_id=report.id, acting_user=mr_liaison)
    with pytest.raises(services.ReportError):
        services.report_attach(
            report_id=report.id,
            acting_user=mr_liaison,
            uploads=[SimpleUploadedFile("补充.pdf", PDF_BYTES)],
        )
    actions = list(fresh(report).events.values_list("action", flat=True))
    assert actions.count(ReportAction.ATTACH) == 1
    assert actions.count(ReportAction.DETACH) == 1


def test_a_saved_date_comes_back_in_the_date_field_in_chinese_too(client, mr_liaison):
    report = start(mr_liaison)
    save(
        report,
        mr_liaison,
        publicity=[{"kind": "event", "day": "2026-09-15", "title": "3·15 进社区"}],
    )
    client.force_login(mr_liaison)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("unit_report", args=[report.id])).content.decode()
    assert 'lang="zh-hans"' in page
    # A date field reads only 2026-09-15; "2026/09/15" (the Chinese format) showed it empty.
    assert 'name="publicity-0-day" value="2026-09-15"' in page


def test_a_quarter_is_submitted_only_once_it_has_ended(client, mr_liaison, clock):
    report = save(start(mr_liaison, period=figures.Period(2026, 4)), mr_liaison)
    with pytest.raises(services.ReportError, match="runs until"):
        services.report_submit(report_id=report.id, acting_user=mr_liaison)
    assert fresh(report).status == ReportStatus.DRAFT
    client.force_login(mr_liaison)
    page = client.get(reverse("unit_report", args=[report.id])).content.decode()
    assert 'id="submit-after-quarter"' in page and 'id="confirm-submit"' not in page
    clock.move_to(at(2027, 1, 4))
    assert services.report_submit(report_id=report.id, acting_user=mr_liaison).status == (
        ReportStatus.SUBMITTED
    )


def test_publicity_dated_outside_the_quarter_is_refused_and_nothing_is_saved(mr_staff):
    report = start(mr_staff)
    with pytest.raises(ValidationError) as refused:
        save(
            report,
            mr_staff,
            values={"cases_opened": 3},
            publicity=[{"kind": "event", "day": "2025-01-01", "title": "去年的活动"}],
        )
    assert "Q3 2026 (2026-07-01 to 2026-09-30)" in str(refused.value.message_dict["publicity"])
    assert fresh(report).cases_opened == 0 and not fresh(report).publicity.exists()


def test_the_district_report_says_what_of_its_total_is_in_no_units_row(
    quarter_orders, office_staff, client
):
    make_order(office_staff, received_at=at(2026, 8, 7), send_to_triage=True)
    data = figures.district_figures(Q3)
    in_rows = sum(row["received"] for row in data["by_unit"])
    assert data["unassigned_received"] == 1
    assert data["totals"]["received"] == in_rows + 1
    client.force_login(office_staff)
    page = client.get(reverse("district_report", args=["2026Q3"])).content.decode()
    assert 'id="unassigned-note"' in page and " 1 order in no unit's row" in page


def test_the_district_reports_note_counts_the_orders_of_a_unit_no_longer_in_the_table(
    quarter_orders, office_staff, client
):
    make_order(office_staff, received_at=at(2026, 8, 7), send_to_triage=True)
    Unit.objects.filter(code="housing").update(is_active=False)
    data = figures.district_figures(Q3)
    in_rows = sum(row["received"] for row in data["by_unit"])
    assert "housing" not in {row["unit"] for row in data["by_unit"]}
    assert data["totals"]["received"] == in_rows + 2  # the triage order and housing's
    client.force_login(office_staff)
    page = client.get(reverse("district_report", args=["2026Q3"])).content.decode()
    assert " 2 orders in no unit's row" in page
    assert "受理总数中另有 2 件未列入上表" in rendering.render_html(data)


def test_the_district_reports_unit_rows_are_named_in_the_readers_language(client, office_staff):
    client.force_login(office_staff)
    names = {}
    for language in ("en", "zh-hans"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(reverse("district_report", args=["2026Q3"])).content.decode()
        row = page.split('data-unit="market-regulation">', 1)[1].split("</th>", 1)[0]
        names[language] = row.split(">")[-1]
    mr = unit("market-regulation")
    assert names == {"en": mr.name_en, "zh-hans": mr.name}


def test_a_file_removed_from_a_report_answers_404_to_the_unit_and_only_the_office_fetches_it(
    mr_liaison, mr_staff, office_staff, sysadmin, leader, client, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.complaints.test_attachments import PDF_BYTES

    settings.MEDIA_ROOT = tmp_path
    report = start(mr_liaison)
    (removed,) = services.report_attach(
        report_id=report.id,
        acting_user=mr_liaison,
        uploads=[SimpleUploadedFile("初稿.pdf", PDF_BYTES)],
    )
    url = reverse("report_attachment_download", args=[report.id, removed.id])
    client.force_login(mr_staff)
    assert client.get(url).status_code == 200
    services.report_detach(report_id=report.id, attachment_id=removed.id, acting_user=mr_liaison)
    for person in (mr_liaison, mr_staff, leader):
        client.force_login(person)
        assert client.get(url).status_code == 404, person
    # Kept for the record: the office and the administrators still reach it.
    for person in (office_staff, sysadmin):
        client.force_login(person)
        download = client.get(url)
        assert b"".join(download.streaming_content) == PDF_BYTES, person


def test_a_submitted_reports_analysis_headings_begin_with_a_capital_in_english(client, mr_liaison):
    """The read-only page headed the analysis "situation", "problems", "suggestions" in
    lower case, under "Analysis" and beside "Cases opened"."""
    report = submitted(mr_liaison)
    client.force_login(mr_liaison)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("unit_report", args=[report.id])).content.decode()
    headings = re.findall(r'<h3 class="h6">([^<]*)</h3>', page)
    assert {"Situation", "Problems", "Suggestions"} <= set(headings)
    assert not {"situation", "problems", "suggestions"} & set(headings)


def test_the_history_counts_one_change_in_the_singular(client, mr_staff):
    """A save that changed one thing (the situation text) read "(1 changes)" in the history."""
    report = save(start(mr_staff), mr_staff)
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("unit_report", args=[report.id])).content.decode()
    assert "(1 change)" in page
    assert "1 changes" not in page


def test_the_draft_counts_one_person_reached_in_the_singular(client, mr_staff):
    """The draft's line of education events said 'reaching 1 people'; the submitted
    report's read-only page already said 'reaching 1 person'."""
    from reports.models import EducationEvent

    EducationEvent.objects.create(
        unit=unit("market-regulation"),
        day=Q3.first,
        title="进社区宣传",
        audience=EducationAudience.values[0],
        channel=EducationChannel.values[0],
        people_reached=1,
        created_by=mr_staff,
    )
    report = start(mr_staff)
    client.force_login(mr_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("unit_report", args=[report.id])).content.decode()
    totals = re.search(r'id="education-totals">(.*?)<a', page, re.S).group(1)
    assert "reaching 1 person." in totals, totals
