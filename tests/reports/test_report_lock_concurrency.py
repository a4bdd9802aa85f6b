"""A unit's quarterly report, a campaign, an annual summary, an implementation plan and a
third-party evaluation are locked FOR NO KEY UPDATE by the actions on them: a second action
still waits, while a row that only points at the locked one (its history line, a file) is
written meanwhile. A plain FOR UPDATE made any such write wait for the whole action, files
stored included (the foreign key takes KEY SHARE). No action deletes these rows or changes
their id."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from departments import access
from reports.models import (
    AnnualSummary,
    Campaign,
    CampaignEvent,
    EvaluationEvent,
    ImplementationPlan,
    PlanEvent,
    ReportEvent,
    SummaryAttachment,
    UnitReport,
    YearEvaluation,
)
from tests.complaints.test_lead_lock_concurrency import _while_locked
from tests.factories import unit

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: two connections locking one row.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _report():
    report = UnitReport.objects.create(unit=unit("housing"), year=2026, quarter=3)
    return (
        report,
        (lambda u: access.unit_report_or_404(u, report_id=report.id, lock=True)),
        (lambda: ReportEvent.objects.create(report=report, action="save")),
    )


def _campaign():
    campaign = Campaign.objects.create(
        title="家电质量专项整治",
        topic="household_appliances",
        goal="抽检家电",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 31),
        lead_unit=unit("market-regulation"),
    )
    return (
        campaign,
        (lambda u: access.campaign_or_404(u, campaign_id=campaign.id, lock=True)),
        (lambda: CampaignEvent.objects.create(campaign=campaign, kind="update")),
    )


def _summary():
    summary = AnnualSummary.objects.create(unit=unit("housing"), year=2026)
    return (
        summary,
        (lambda u: access.summary_or_404(u, summary_id=summary.id, lock=True)),
        (
            lambda: SummaryAttachment.objects.create(
                summary=summary, file="summaries/x.pdf", original_name="x.pdf", size=1
            )
        ),
    )


def _plan():
    plan = ImplementationPlan.objects.create(unit=unit("housing"), year=2026)
    return (
        plan,
        (lambda u: access.plan_or_404(u, plan_id=plan.id, lock=True)),
        (lambda: PlanEvent.objects.create(plan=plan, action="save")),
    )


def _evaluation():
    evaluation = YearEvaluation.objects.create(
        year=2026,
        kind="third_party",
        title="第三方评估报告",
        author="某评估机构",
        day=date(2026, 9, 1),
    )
    return (
        evaluation,
        (lambda u: access.evaluation_or_404(u, evaluation_id=evaluation.id, lock=True)),
        (lambda: EvaluationEvent.objects.create(evaluation=evaluation, action="add")),
    )


@pytest.mark.parametrize("make", [_report, _campaign, _summary, _plan, _evaluation])
def test_a_row_pointing_at_it_is_written_while_an_action_holds_it(make, office_staff):
    _row, lock, write = make()
    written = _while_locked(lambda: lock(office_staff), write)

    assert written.pk is not None
