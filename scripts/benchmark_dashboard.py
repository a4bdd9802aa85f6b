"""Benchmark: the office dashboard over three years of orders, and the district PDF.

Seeds its own PostgreSQL database (once; `--reseed` to redo) with 2,000,000 orders received
over the last three years, with set-based SQL (INSERT ... SELECT over generate_series): 17
member units with realistic weights, each with its own hotline categories (about 40 in
all), the district's towns and streets, channels, kinds, statuses by age (old orders almost
all closed, recent ones open, a few in_progress past their deadline), satisfaction call-backs,
businesses from a pool of 3,000 (a few named often), triage and re-dispatch. Then it builds
the daily summary with `complaints.stats.rebuild`, month by month, and prints how long that
took.

Then it measures, in one run: the office dashboard's response time through Django's test
client (the default range, the current quarter, and a full year), the median of `--runs`
requests after warm-up; the same figures computed naively with COUNT ... GROUP BY over the
raw orders table, with their median, checked equal to the dashboard's; and the time to
build the district's quarterly PDF (`reports.rendering.build_pdf` of
`reports.figures.district_figures`) for the last complete quarter. Verdict: dashboard median
under 300 ms, PDF under 5 s. Exit status 1 when a verdict fails.

Usage:
    .venv/bin/python scripts/benchmark_dashboard.py                # 2,000,000 orders
    .venv/bin/python scripts/benchmark_dashboard.py --quick        # 100,000, own database
    .venv/bin/python scripts/benchmark_dashboard.py --reseed --runs 25
    .venv/bin/python scripts/benchmark_dashboard.py --database-url postgres://u@h:5432/x_bench

The orders have no events or unit links: the dashboard reads neither. DEBUG is off and
static files are collected into a temporary folder, as for the inbox benchmark.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.benchmark_inbox import (
    DEFAULT_HOST_URL,
    configure_environment,
    ensure_database,
    machine_load,
    secondary_indexes_dropped,
)

DEFAULT_DB = "wuqing_consumer_bench_dashboard"
TARGET_MS = 300.0
TARGET_PDF_S = 5.0
YEARS = 3
CHUNK = 250_000
BUSINESSES = 3_000

# Primary-unit weights (all 17 member units receive some orders) and each unit's categories.
UNITS: dict[str, tuple[float, tuple[str, ...]]] = {
    "market-regulation": (34, ("食品安全", "预付卡", "网络购物", "价格", "广告", "商品质量")),
    "housing": (18, ("物业管理", "房屋质量", "房地产中介", "房屋租赁", "家装", "供热")),
    "commerce": (8, ("商品质量", "汽车销售", "预付卡", "餐饮服务", "商场退换货", "快递")),
    "culture-tourism": (6, ("旅游", "景区", "演出票务", "旅游", "酒店住宿", "旅游")),
    "transport": (6, ("出租汽车", "驾驶培训", "网约车", "出租汽车", "停车收费", "汽车维修")),
    "education": (6, ("教育培训", "托育", "教育培训", "教育培训", "托育", "教育培训")),
    "agriculture": (3, ("农资", "农资", "农资", "农机", "农资", "农资")),
    "development-reform": (3, ("价格收费", "供暖收费", "价格收费", "燃气收费", "价格收费", "价格")),
    "public-security": (3, ("诈骗", "传销", "诈骗", "诈骗", "诈骗", "传销")),
    "justice": (3, ("调解", "法律援助", "调解", "调解", "调解", "法律援助")),
    "court": (2, ("诉调对接", "诉调对接", "调解", "诉调对接", "调解", "诉调对接")),
    "womens-federation": (2, ("婚姻介绍", "家政服务", "婚姻介绍", "家政服务", "婚姻介绍", "母婴")),
    "trade-union": (1.5, ("预付卡", "职工福利", "预付卡", "预付卡", "预付卡", "职工福利")),
    "youth-league": (1.5, ("网络游戏", "网络游戏", "直播打赏", "网络游戏", "网络游戏", "网络游戏")),
    "finance": (1.5, ("银行服务", "保险理赔", "银行服务", "银行服务", "保险理赔", "保险理赔")),
    "publicity": (1, ("虚假宣传", "广告", "虚假宣传", "广告", "虚假宣传", "广告")),
    "industry-commerce-federation": (1, ("商贸纠纷", "商贸纠纷", "商品质量", "商贸纠纷",
                                         "商贸纠纷", "商品质量")),
}  # fmt: skip
CATEGORY_SLOTS = 6
KINDS = {"complaint": 70, "report": 15, "inquiry": 15}
CHANNELS = {"12345": 55, "12315": 25, "phone": 10, "walk_in": 4, "web": 4, "letter": 1, "other": 1}
BRANDS = ("宏达", "鑫源", "恒泰", "万家", "瑞祥", "金龙", "顺发", "汇通", "新城", "福泽", "嘉禾")
TRADES = ("超市", "物业服务有限公司", "健身会所", "商贸有限公司", "教育科技有限公司",
          "汽车销售服务有限公司", "餐饮管理有限公司", "旅行社", "家具城", "美容美发店")  # fmt: skip


def slots(table: dict[str, float], size: int = 200) -> list[str]:
    """A lookup list in which each key fills a share of the slots by its weight."""
    total = sum(table.values())
    out: list[str] = []
    for key, weight in table.items():
        out += [key] * max(1, round(size * weight / total))
    return out


# --- seeding --------------------------------------------------------------------------------

SEED_SQL = """
WITH draws AS (
    SELECT n,
           LEAST(
               ((%(today)s::date - floor(power(random(), 0.85) * %(days)s)::int)::timestamp
                 + interval '8 hours' + random() * interval '12 hours')
                 AT TIME ZONE 'Asia/Shanghai',
               %(now)s::timestamptz - interval '1 minute'
           ) AS received,
           (%(unit_slots)s::int[])[1 + floor(random() * %(unit_slot_count)s)::int] AS u,
           floor(random() * %(category_slots)s)::int AS cat,
           (%(kinds)s::text[])[1 + floor(random() * %(kind_count)s)::int] AS kind,
           (%(channels)s::text[])[1 + floor(random() * %(channel_count)s)::int] AS channel,
           CASE WHEN random() < 0.95
                THEN (%(towns)s::bigint[])[1 + floor(random() * %(town_count)s)::int] END
               AS town_id,
           CASE WHEN random() < 0.7
                THEN floor(%(businesses)s / %(unit_count)s::float * power(random(), 2.5))::int
           END AS biz_rank,
           random() AS r_status, random() AS r_time, random() AS r_sat, random() AS r_route
    FROM generate_series(%(start)s, %(stop)s) AS n
),
aged AS (
    SELECT d.*,
           extract(epoch FROM %(now)s::timestamptz - d.received) / 86400.0 AS age,
           (%(unit_ids)s::bigint[])[d.u] AS unit_id,
           -- A business is complained about to the unit of its trade: business i to unit i mod 17.
           d.biz_rank * %(unit_count)s + d.u - 1 AS biz,
           (%(categories)s::text[])[(d.u - 1) * %(category_slots)s + d.cat + 1] AS category
    FROM draws d
),
fated AS (
    SELECT a.*,
           CASE
               WHEN a.age < 3 THEN CASE
                   WHEN a.r_status < 0.10 THEN 'triage' WHEN a.r_status < 0.40 THEN 'assigned'
                   WHEN a.r_status < 0.90 THEN 'in_progress' ELSE 'resolved' END
               WHEN a.age < 30 THEN CASE
                   WHEN a.r_status < 0.01 THEN 'triage' WHEN a.r_status < 0.04 THEN 'assigned'
                   WHEN a.r_status < 0.49 THEN 'in_progress' WHEN a.r_status < 0.69 THEN 'resolved'
                   ELSE 'closed' END
               WHEN a.age < 90 THEN CASE
                   WHEN a.r_status < 0.10 THEN 'in_progress' WHEN a.r_status < 0.20 THEN 'resolved'
                   ELSE 'closed' END
               ELSE CASE
                   WHEN a.r_status < 0.005 THEN 'in_progress' WHEN a.r_status < 0.02 THEN 'resolved'
                   ELSE 'closed' END
           END AS status
    FROM aged a
),
timed AS (
    SELECT f.*,
           CASE WHEN f.status <> 'triage' THEN f.received + interval '20 minutes' END
               AS dispatched_at,
           CASE WHEN f.status IN ('in_progress', 'resolved', 'closed')
                THEN f.received + interval '3 hours' END AS signed_at,
           CASE WHEN f.status IN ('resolved', 'closed') THEN LEAST(
                    f.received + (CASE WHEN f.kind = 'inquiry' THEN 12 ELSE 75 END)
                      * power(f.r_time, 2) * interval '1 day' + interval '4 hours',
                    %(now)s::timestamptz - interval '1 minute')
           END AS resolved_at
    FROM fated f
)
INSERT INTO complaints_workorder (
    number, kind, channel, external_ref, received_at, urgency, title, content, category,
    business_name, business_address, business_credit_code, amount, citizen_name,
    citizen_phone, citizen_phone_digits, citizen_id_number, anonymous, status, routing,
    dispatched_at, signed_at,
    accepted_at, resolved_at, closed_at, due_sign_for, due_decision, due_resolution,
    due_answer, next_due_at, next_due_name, paused_at, pause_reason, paused_working_days,
    result, satisfaction, satisfaction_comment, excluded_from_stats, exclusion_reason,
    exclusion_message,
    dispatch_count, return_count, reopen_count, supervision_count, forced_assignment,
    created_at, updated_at, version, created_by_id, merged_into_id, primary_unit_id, town_id,
    hotline_id, request_fingerprint, source_client_id, escalated_days, escalated_due_at,
    next_escalation_at, reminded_due_at, duplicates_pending
)
SELECT
    'WQ-B-' || lpad(t.n::text, 8, '0'),
    t.kind, t.channel, '', t.received, 'normal',
    t.category || '问题', '消费者反映' || t.category || '方面的问题，要求商家处理并赔偿。',
    t.category,
    COALESCE((%(business_names)s::text[])[t.biz + 1], ''), '', '', NULL,
    '王先生', '138' || lpad((t.n %% 100000000)::text, 8, '0'),
    '138' || lpad((t.n %% 100000000)::text, 8, '0'), '', false,
    t.status,
    CASE WHEN t.status = 'triage' OR t.r_route < 0.06 THEN '{"status": "triage"}'::jsonb
         ELSE '{"status": "assigned"}'::jsonb END,
    t.dispatched_at, t.signed_at,
    CASE WHEN t.kind <> 'inquiry' THEN t.signed_at END,
    t.resolved_at,
    CASE WHEN t.status = 'closed' THEN t.resolved_at + interval '1 day' END,
    t.dispatched_at + interval '1 day',
    t.received + interval '9 days',
    CASE WHEN t.kind <> 'inquiry' THEN t.signed_at + interval '63 days' END,
    CASE WHEN t.kind = 'inquiry' THEN t.received + interval '7 days' END,
    CASE t.status
        WHEN 'triage' THEN t.received + interval '9 days'
        WHEN 'assigned' THEN t.dispatched_at + interval '1 day'
        WHEN 'in_progress' THEN CASE WHEN t.kind = 'inquiry' THEN t.received + interval '7 days'
                                     ELSE t.signed_at + interval '63 days' END
    END,
    CASE t.status WHEN 'triage' THEN 'decision' WHEN 'assigned' THEN 'sign_for'
                  WHEN 'in_progress' THEN CASE WHEN t.kind = 'inquiry' THEN 'answer'
                                               ELSE 'resolution' END
                  ELSE '' END,
    NULL, '', 0,
    CASE WHEN t.resolved_at IS NOT NULL THEN '已处理，消费者接受。' ELSE '' END,
    CASE WHEN t.status = 'closed' THEN CASE
             WHEN t.r_sat < 0.62 THEN 'satisfied' WHEN t.r_sat < 0.76 THEN 'basically_satisfied'
             WHEN t.r_sat < 0.81 THEN 'dissatisfied' ELSE '' END
         ELSE '' END,
    '', t.r_sat > 0.995, '', '{}'::jsonb,
    CASE WHEN t.status = 'triage' THEN 0 WHEN t.r_route BETWEEN 0.06 AND 0.09 THEN 2 ELSE 1 END,
    0, 0, 0, false,
    t.received, COALESCE(t.resolved_at, t.received), 1, NULL, NULL,
    CASE WHEN t.status <> 'triage' THEN t.unit_id END,
    t.town_id, '', '', NULL, -1, NULL, NULL, NULL, false
FROM timed t
"""


def seed_parameters(now: datetime) -> dict:
    """SEED_SQL's parameters: the database's units and towns, the weights and pools."""
    from departments.models import Town, Unit

    units = dict(Unit.objects.filter(kind="member").values_list("code", "id"))
    codes = list(UNITS)
    missing = set(units) ^ set(codes)
    if missing:
        raise SystemExit(f"the benchmark's unit list differs from the database: {missing}")
    unit_slots = [codes.index(code) + 1 for code in slots({c: w for c, (w, _) in UNITS.items()})]
    categories = [cat for code in codes for cat in UNITS[code][1]]
    businesses = [
        f"{BRANDS[i % len(BRANDS)]}{TRADES[(i // len(BRANDS)) % len(TRADES)]}{i // 110 + 1}号店"
        if i >= 110
        else f"{BRANDS[i % len(BRANDS)]}{TRADES[(i // len(BRANDS)) % len(TRADES)]}"
        for i in range(BUSINESSES)
    ]
    today = now.astimezone(_zone()).date()
    return {
        "today": today,
        "days": YEARS * 365,
        "now": now,
        "unit_slots": unit_slots,
        "unit_slot_count": len(unit_slots),
        "unit_ids": [units[code] for code in codes],
        "categories": categories,
        "category_slots": CATEGORY_SLOTS,
        "kinds": slots(KINDS),
        "kind_count": len(slots(KINDS)),
        "channels": slots(CHANNELS),
        "channel_count": len(slots(CHANNELS)),
        "towns": list(Town.objects.values_list("id", flat=True)),
        "town_count": Town.objects.count(),
        "businesses": BUSINESSES,
        "unit_count": len(codes),
        "business_names": businesses,
    }


def seed(count: int, now: datetime) -> None:
    from django.db import connection

    from departments.choices import RoleCode
    from departments.models import Role, Unit, User

    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"refusing to empty {name}: its name does not contain 'bench'")
    params = seed_parameters(now)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE complaints_workorder, complaints_workorderevent, complaints_workorderunit, "
            "complaints_dailystat, complaints_monthlystat, complaints_statsmonth, "
            "complaints_statsdirtyday RESTART IDENTITY CASCADE"
        )
        cursor.execute("SELECT setseed(0.2026)")
    office = Unit.objects.get(code="office")
    user, _ = User.objects.get_or_create(
        username="bench_dashboard_office", defaults={"unit": office, "name": "基准测试办公室"}
    )
    user.roles.set([Role.objects.get(code=RoleCode.OFFICE_STAFF)])
    started = time.perf_counter()
    with secondary_indexes_dropped(["complaints_workorder"]):
        for start in range(1, count + 1, CHUNK):
            stop = min(start + CHUNK - 1, count)
            with connection.cursor() as cursor:
                cursor.execute(SEED_SQL, {**params, "start": start, "stop": stop})
            print(f"  inserted {stop:,} orders ({time.perf_counter() - started:.0f} s)", flush=True)
        print(f"  rebuilding the order indexes ({time.perf_counter() - started:.0f} s) ...")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE complaints_workorder")
    print(f"  orders seeded in {time.perf_counter() - started:.0f} s", flush=True)


def build_summary(first: date, last: date) -> None:
    """The daily summary month by month, as `stats.refresh` would build dirty days, each
    finished month then rolled up into the monthly summary."""
    from django.db import connection, transaction

    from complaints import stats

    started = time.perf_counter()
    rows = 0
    month = first.replace(day=1)
    slowest = 0.0
    while month <= last:
        following = (month + timedelta(days=32)).replace(day=1)
        began = time.perf_counter()
        with transaction.atomic():
            rows += stats.rebuild(max(month, first), min(following - timedelta(days=1), last))
        slowest = max(slowest, time.perf_counter() - began)
        month = following
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE complaints_statsdirtyday")
        cursor.execute("VACUUM ANALYZE complaints_dailystat")
        cursor.execute("VACUUM ANALYZE complaints_monthlystat")
    seconds = time.perf_counter() - started
    print(
        f"  summary built: {rows:,} rows in {seconds:.0f} s "
        f"(slowest month {slowest:.1f} s; a day's refresh is about 1/30 of that)"
    )


# --- the naive way ----------------------------------------------------------------------------


def naive_figures(first: date, last: date, now: datetime) -> dict:
    """The dashboard's numbers by COUNT ... GROUP BY over the raw orders, per request."""
    from django.db.models import Count, Q
    from django.db.models.functions import TruncDate

    from complaints import selectors, stats
    from complaints.choices import OPEN_STATUSES
    from complaints.models import WorkOrder
    from reports import dashboards

    today = stats.local_day(now)
    week, quarter = dashboards.week_of(today), dashboards.quarter_of(today)
    aggregates = stats.measure_aggregates()
    orders = stats.received_between(WorkOrder.objects.all(), first, last)
    read = stats.received_between(
        WorkOrder.objects.all(), min(first, week.first, quarter.first), max(last, today)
    )
    days = list(
        read.annotate(day=TruncDate("received_at", tzinfo=stats.local_zone()))
        .values("day")
        .annotate(
            received=Count("id"),
            resolved=aggregates["resolved"],
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        )
        .order_by("day")
    )
    per_unit = {
        row.pop("primary_unit_id"): row
        for row in orders.values("primary_unit_id").annotate(**aggregates).order_by()
    }
    soon = selectors.due_soon_until(now)
    live = dashboards._live_deadlines(first, last, now, soon, None)

    def ranked(field: str, limit: int | None, exclude_blank: bool = False) -> list[dict]:
        rows = orders.exclude(**{field: ""}) if exclude_blank else orders
        rows = rows.values(field).annotate(**aggregates).order_by("-received", field)
        return list(rows[:limit] if limit else rows)

    return {
        "days": days,
        "per_unit": per_unit,
        "live": live,
        "categories": ranked("category", dashboards.TOP),
        "businesses": ranked("business_name", dashboards.TOP, exclude_blank=True),
        "towns": ranked("town__code", None),
        "channels": ranked("channel", None),
    }


def agree(data: dict, naive: dict) -> list[str]:
    """Where the dashboard's numbers differ from the naive ones (nothing, we expect)."""
    from complaints import stats

    problems = []
    days = {row["day"]: row["received"] for row in naive["days"]}
    for point in data["trend"]["points"]:
        if data["trend"]["bucket"] == "day" and point["received"] != days.get(point["start"], 0):
            problems.append(f"day {point['start']}")
    for row in data["by_unit"]:
        theirs = naive["per_unit"].get(row["unit_id"], dict.fromkeys(stats.MEASURES, 0))
        live = naive["live"].get(row["unit_id"], {"overdue": 0, "due_soon": 0})
        for measure in (*stats.MEASURES, "overdue", "due_soon"):
            want = live[measure] if measure in ("overdue", "due_soon") else theirs[measure]
            if row[measure] != want:
                problems.append(f"unit {row['code'] or '-'} {measure}: {row[measure]} vs {want}")
    for key, field in (
        ("categories", "category"),
        ("businesses", "business_name"),
        ("towns", "town__code"),
        ("channels", "channel"),
    ):
        mine = [(row["value"], row["received"]) for row in data[key]]
        theirs = [(row[field] or "", row["received"]) for row in naive[key]]
        if mine != theirs:
            problems.append(f"{key}: {mine[:3]} vs {theirs[:3]}")
    return problems


# --- measuring ------------------------------------------------------------------------------


def timed(function, runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _zone():
    import zoneinfo

    return zoneinfo.ZoneInfo("Asia/Shanghai")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=2_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 orders, own database")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--runs", type=int, default=15, help="timed runs (default 15)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--database-url", default=f"{DEFAULT_HOST_URL}/{DEFAULT_DB}")
    args = parser.parse_args()
    count = 100_000 if args.quick else args.orders
    url = args.database_url + ("_quick" if args.quick else "")
    ensure_database(url)
    configure_environment(url)
    os.environ["STATIC_ROOT"] = str(Path(tempfile.gettempdir()) / "wuqing_bench_dashboard_static")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from complaints.models import DailyStat, MonthlyStat, WorkOrder
    from departments.models import User
    from reports import dashboards
    from reports.figures import Period

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    now = timezone.now()
    today = now.astimezone(_zone()).date()
    have = WorkOrder.objects.count()
    if args.reseed or have < count or not MonthlyStat.objects.exists():
        print(f"seeding {count:,} orders over {YEARS} years ...", flush=True)
        seed(count, now)
        first = WorkOrder.objects.order_by("received_at").first().received_at
        print("building the daily summary month by month ...", flush=True)
        build_summary(first.astimezone(_zone()).date(), today)
    else:
        print(f"database already holds {have:,} orders; --reseed to seed again")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE next_due_at IS NOT NULL), "
            "count(*) FILTER (WHERE next_due_at < now()), min(received_at), max(received_at) "
            "FROM complaints_workorder"
        )
        open_count, overdue, oldest, newest = cursor.fetchone()
        cursor.execute(
            "SELECT count(DISTINCT category), count(DISTINCT business_name) "
            "FROM complaints_workorder"
        )
        categories, businesses = cursor.fetchone()
    print(
        f"{WorkOrder.objects.count():,} orders received {oldest:%Y-%m-%d} to {newest:%Y-%m-%d}; "
        f"{open_count:,} open with a deadline, {overdue:,} overdue; {categories} categories, "
        f"{businesses:,} businesses; {DailyStat.objects.count():,} summary rows"
    )

    office = User.objects.get(username="bench_dashboard_office")
    client = Client()
    client.force_login(office)
    quarter = dashboards.quarter_of(today)
    year_first = today - timedelta(days=364)
    cases = [
        ("current quarter (default)", "/dashboard/", quarter.first, quarter.last),
        (
            "last 365 days",
            f"/dashboard/?from={year_first.isoformat()}&to={today.isoformat()}",
            year_first,
            today,
        ),
    ]

    def page(url: str):
        def get():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}")

        return get

    print(f"measuring ({args.warmup} warm-up + {args.runs} timed runs each) ...", flush=True)
    print(f"  before: {machine_load()}")
    results = []
    for label, url, first, last in cases:
        data = dashboards.dashboard_data(unit=None, first=first, last=last, now=timezone.now())
        problems = agree(data, naive_figures(first, last, timezone.now()))
        page_ms = timed(page(url), args.runs, args.warmup)
        naive_ms = timed(
            lambda f=first, la=last: naive_figures(f, la, timezone.now()), args.runs, args.warmup
        )
        received = data["totals"]["received"]
        results.append((label, received, page_ms, naive_ms, problems))
    print(f"  after:  {machine_load()}")

    print()
    print(f"{'office dashboard':28}{'orders':>10}{'page ms':>10}{'p95':>8}{'naive ms':>10}"
          f"{'naive/page':>11}  numbers")  # fmt: skip
    print("-" * 88)
    ok = True
    for label, received, page_ms, naive_ms, problems in results:
        median, naive = statistics.median(page_ms), statistics.median(naive_ms)
        p95 = sorted(page_ms)[max(0, int(0.95 * len(page_ms) + 0.5) - 1)]
        print(
            f"{label:28}{received:>10,}{median:>10.0f}{p95:>8.0f}{naive:>10.0f}"
            f"{naive / median:>10.1f}x  {'agree' if not problems else 'DIFFER'}"
        )
        for problem in problems[:5]:
            print(f"    differs: {problem}")
        ok = ok and not problems
    print("  page ms: the whole response (summary reads, live deadlines, template, charts' JSON);")
    print("  naive ms: only the queries, COUNT ... GROUP BY over the orders, nothing rendered.")

    print()
    pdf_seconds = None
    try:
        from reports import rendering
    except ImportError as error:
        print(f"district PDF: skipped: rendering not available ({error})")
    else:
        from reports.figures import district_figures

        period = Period.containing(today).previous()
        started = time.perf_counter()
        figures = district_figures(period)
        figures_s = time.perf_counter() - started
        try:
            pdf = rendering.build_pdf(figures)
        except Exception as error:  # noqa: BLE001 - a missing system library, say which
            print(f"district PDF: skipped: {type(error).__name__}: {error}")
        else:
            pdf_seconds = time.perf_counter() - started
            print(
                f"district PDF {period.label}: {pdf_seconds:.2f} s "
                f"(figures {figures_s:.2f} s, PDF {pdf_seconds - figures_s:.2f} s, "
                f"{len(pdf) / 1024:.0f} KiB, {figures['totals']['received']:,} orders)"
            )

    print()
    for label, _received, page_ms, _naive_ms, _problems in results:
        median = statistics.median(page_ms)
        verdict = "PASS" if median < TARGET_MS else "FAIL"
        ok = ok and median < TARGET_MS
        print(f"{verdict}  office dashboard, {label}: median {median:.0f} ms vs {TARGET_MS:.0f} ms")
    if pdf_seconds is not None:
        verdict = "PASS" if pdf_seconds < TARGET_PDF_S else "FAIL"
        ok = ok and pdf_seconds < TARGET_PDF_S
        print(f"{verdict}  district quarterly PDF: {pdf_seconds:.2f} s vs {TARGET_PDF_S:.0f} s")
    else:
        print("SKIP  district quarterly PDF: not measured")
    print(f"RESULT: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
