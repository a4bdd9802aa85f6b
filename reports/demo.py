"""Last quarter's orders and reports for a fresh `make run`: the dashboards, a unit's
accepted report and the district report then have something to show."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints import services as order_services
from complaints import workflow
from complaints.choices import Satisfaction
from complaints.demo import date_history_from_receipt
from departments.demo import demo_users
from departments.models import Notification, Town, Unit

from . import services
from .choices import ReportAction
from .figures import Period
from .models import ReportEvent, UnitReport

CASES = (
    ("预付卡", "健身房办卡后关门，要求退还余额", "某某健身会所"),
    ("食品安全", "超市销售过期酸奶", "某某便民超市"),
    ("物业管理", "小区电梯长期故障无人维修", "天津某物业服务有限公司"),
    ("网购", "网购衣服七天无理由退货被拒", "某某服饰网店"),
    ("家用电器", "新买空调三天就坏，商家拒绝更换", "某某电器商行"),
    ("餐饮服务", "饭店菜品中有异物", "某某饭庄"),
    ("汽车销售", "购车时被强制收取金融服务费", "某某汽车销售公司"),
)


@transaction.atomic
def load_demo_reports() -> int:
    """Only when there are no reports yet; returns the number of orders added. The units
    begin reporting (`Unit.reports_since`) with last quarter at the latest."""
    if UnitReport.objects.exists():
        return 0
    people = demo_users("office", "mr_liaison", "mr_staff")
    if people is None:
        return 0
    office, liaison, staff = people
    rng = random.Random(2026)
    period = Period.containing(timezone.localdate()).previous()
    # The demo's district began with last quarter, its orders and reports: every unit is
    # asked for it (on a fresh database the units began with the quarter of the migration).
    Unit.objects.filter(reports_since__gt=period.first).update(reports_since=period.first)
    towns = list(Town.objects.values_list("code", flat=True)[:8])
    days = (period.last - period.first).days + 1
    added = 0
    orders = []
    for index in range(36):
        category, content, business = CASES[index % len(CASES)]
        day = period.first + timedelta(days=rng.randrange(days))
        received = timezone.make_aware(datetime.combine(day, time(9 + index % 8, 15)))
        order = order_services.workorder_intake(
            acting_user=office,
            kind="complaint",
            channel=rng.choice(("12345", "12345", "12315", "phone")),
            content=content,
            category=category,
            business_name=business,
            town_code=rng.choice(towns) if towns else "",
            received_at=received,
            citizen_name=rng.choice(("张先生", "李女士", "王先生", "刘女士")),
            unit_code="market-regulation" if index % 3 else "",
        )
        added += 1
        orders.append(order.id)
        if order.primary_unit_id != staff.unit_id or index % 5 == 0:
            continue  # left waiting for sign-for: late on it and on the decision
        workflow.workorder_sign(order_id=order.id, acting_user=staff)
        workflow.workorder_accept(order_id=order.id, acting_user=staff)
        workflow.workorder_resolve(order_id=order.id, acting_user=staff, result="已协调商家处理。")
        workflow.workorder_close(order_id=order.id, acting_user=office)
        workflow.workorder_record_satisfaction(
            order_id=order.id,
            acting_user=office,
            rating=rng.choice(
                (Satisfaction.SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)
            ),
        )
    for order_id in orders:
        # Taken (or not) in the hours after it was received, not today: its deadlines then
        # count from then, sign-for before the decision before the resolution.
        date_history_from_receipt(order_id)
    # Logged on the consumer-education page, as a unit does: the report's block 4 is
    # filled from it when the report is started, and says how many the log holds.
    services.education_log(
        acting_user=liaison,
        day=period.first + timedelta(days=20),
        title="食品安全进社区宣传",
        audience="community",
        channel="on_site",
        people_reached=300,
        place="杨村街道",
    )
    report = services.report_start(
        unit=liaison.unit, year=period.year, quarter=period.quarter, acting_user=liaison
    )
    services.report_save(
        report_id=report.id,
        acting_user=liaison,
        values={
            "cases_opened": 12,
            "cases_closed": 10,
            "fines_imposed": "86000",
            "money_recovered": "23500",
            "outside_complaints": 8,
            "outside_resolved": 7,
            "situation": "本季度受理消费投诉总体平稳，预付卡和网购纠纷占比较高。",
            "problems": "部分经营者关门跑路，预付卡退款难。",
            "suggestions": "加强预付卡备案管理，推动商家诚信经营。",
        },
        sampling=[
            {"product_category": "food", "sampled": 40, "failed": 3, "failed_handled": 3},
            {"product_category": "household_appliances", "sampled": 12, "failed": 1},
        ],
        publicity=[
            {
                "kind": "event",
                "day": period.first + timedelta(days=20),
                "title": "食品安全进社区宣传",
                "outlet": "杨村街道",
                "people_reached": 300,
            }
        ],
    )
    services.report_submit(report_id=report.id, acting_user=liaison)
    services.report_accept(report_id=report.id, acting_user=office, comment="数据完整，予以采纳。")
    date_report_before_due(report.id, period)
    return added


def date_report_before_due(report_id: int, period: Period) -> None:
    """The services date what they write now: loaded weeks after the quarter's report was
    due, the sample read as written, submitted and accepted that day, long after its due
    day. Its history is spread over the days from the quarter's end to its due day instead
    (or to now, when loaded before then), as a unit that reported on time would have it.
    Only the demo rewrites a history: its report is made up."""
    now = timezone.now()
    zone = timezone.get_current_timezone()
    quarter_ended = datetime.combine(period.last + timedelta(days=1), time(), zone)
    first = max(quarter_ended, min(quarter_ended + timedelta(hours=9), now - timedelta(hours=1)))
    last = min(datetime.combine(period.due_on(), time(17), zone), now)
    events = list(ReportEvent.objects.filter(report_id=report_id).order_by("id"))
    moments = {}
    for index, event in enumerate(events):
        moment = first + (last - first) * index / max(len(events) - 1, 1)
        ReportEvent.objects.filter(id=event.id).update(created_at=moment)
        moments[event.action] = moment
    # What people were told is dated as what it told them of (keys: services._tell_unit).
    for occasion, action in (("submitted", ReportAction.SUBMIT), ("accepted", ReportAction.ACCEPT)):
        key = f"report_{occasion}:{report_id}"
        Notification.objects.filter(Q(key=key) | Q(key__startswith=f"{key}:")).update(
            created_at=moments[action]
        )
    # The portal's figures are taken again on submission (services._refresh_portal_figures),
    # not when the demo loaded: an adopted report read "figures as of" weeks after its
    # submission, and then, dated at its start, days before it.
    figures = UnitReport.objects.values_list("portal_figures", flat=True).get(id=report_id)
    if figures:
        submitted = timezone.localtime(moments[ReportAction.SUBMIT])
        figures = {**figures, "as_of": submitted.isoformat(timespec="minutes")}
    UnitReport.objects.filter(id=report_id).update(
        created_at=first,
        updated_at=last,
        submitted_at=moments[ReportAction.SUBMIT],
        reviewed_at=moments[ReportAction.ACCEPT],
        portal_figures=figures,
    )


@transaction.atomic
def load_demo_campaigns() -> int:
    """A running prepaid-card campaign with a few logged actions; only when there is none."""
    from . import campaigns
    from .models import Campaign

    if Campaign.objects.exists():
        return 0
    people = demo_users("office", "mr_staff")
    if people is None:
        return 0
    office, staff = people
    today = timezone.localdate()
    codes = ["market-regulation", "commerce", "education", "culture-tourism"]
    units = {u.code: u.id for u in Unit.objects.filter(code__in=codes)}
    campaign = campaigns.campaign_start(
        acting_user=office,
        title="预付式消费专项整治行动",
        topic="prepaid_cards",
        goal="排查健身、美容、教育培训等行业预付卡经营风险，查处卷款跑路、拒不退费等违法行为。",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
        lead_unit_id=units["market-regulation"],
        unit_ids=[units[c] for c in codes[1:]],
        targets="健身会所\n美容美发\n校外培训机构",
        keywords="健身\n美容\n培训",
    )
    for days_ago, counts in (
        (25, {"inspections": 12, "businesses_checked": 30, "problems_found": 4}),
        (12, {"inspections": 8, "businesses_checked": 19, "problems_found": 3, "cases_opened": 2}),
        (3, {"inspections": 5, "businesses_checked": 11, "problems_found": 1, "cases_opened": 1}),
    ):
        campaigns.action_log(
            campaign_id=campaign.id,
            acting_user=staff,
            day=today - timedelta(days=days_ago),
            counts=counts,
            note="联合检查",
        )
    return 1
