"""Benchmark: a unit inbox over 100,000 work orders stays fast.

Seeds its own PostgreSQL database with N realistic orders (COPY, in one transaction), then
requests the staff pages in-process through Django's test client, as a housing-unit user and
as an office user: inbox tabs, a search, a filter, per_page 25 and 100, a deep page, and the
detail page of 20 orders. It prints the median and p95 response times and the SQL query
count of each, then a verdict against the target (median under 150 ms, and a query count
that does not grow with the page size or with an order's history). Exit status 1 when any
verdict fails, so CI may run it.

Usage:
    .venv/bin/python scripts/benchmark_inbox.py                 # 100,000 orders
    .venv/bin/python scripts/benchmark_inbox.py --quick         # 5,000 orders, own database
    .venv/bin/python scripts/benchmark_inbox.py --orders 250000 --reseed
    .venv/bin/python scripts/benchmark_inbox.py --database-url postgres://u:p@host:5432/db

The database (default `wuqing_consumer_bench`, or `wuqing_consumer_bench_quick`) is created
if missing and seeded when it holds fewer orders than asked (or with `--reseed`): seeding
empties the order tables, so it refuses a database whose name lacks "bench". DEBUG is off,
as in production; static files are collected once into a temporary folder so pages render
with the manifest storage a deployment uses. The timings are wall-clock: the load average is
printed because other processes on the machine inflate them.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_HOST_URL = "postgres://postgres@127.0.0.1:5432"
FULL_DB, QUICK_DB = "wuqing_consumer_bench", "wuqing_consumer_bench_quick"
TARGET_MS = 150.0
SEED = 20260101


# --- database and settings, before Django is set up -----------------------------------------


def ensure_database(url: str) -> None:
    """Create the benchmark database through the `postgres` maintenance database."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    connection = psycopg2.connect(
        dbname="postgres",
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or "") or None,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}")
    finally:
        connection.close()


def configure_environment(database_url: str) -> None:
    """Production-like settings: DEBUG off, no HTTPS redirect, the test client's host."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["HTTPS"] = "0"
    os.environ["STATIC_ROOT"] = str(Path(tempfile.gettempdir()) / "wuqing_bench_static")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "wuqing_consumer.settings"
    sys.path.insert(0, str(BASE_DIR))


def collect_static() -> None:
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


# --- realistic content ----------------------------------------------------------------------

# Primary-unit weights: only units that handle disputes are dispatched to. Housing holds
# about 18% (property management is the largest single source of complaints).
UNIT_WEIGHTS = {
    "market-regulation": 34,
    "housing": 18,
    "commerce": 8,
    "culture-tourism": 6,
    "transport": 6,
    "education": 6,
    "agriculture": 3,
    "development-reform": 3,
    "public-security": 3,
    "justice": 3,
    "court": 2,
    "womens-federation": 2,
    "trade-union": 1.5,
    "youth-league": 1.5,
}

# (title, hotline category, kind of business, what happened)
TOPICS: dict[str, list[tuple[str, str, str, str]]] = {
    "housing": [
        (
            "小区物业电梯长期故障",
            "物业管理",
            "物业服务有限公司",
            "小区电梯故障一个多月不维修，老人上下楼困难，多次找物业无果",
        ),
        (
            "物业费上涨未经业主公示",
            "物业管理",
            "物业服务有限公司",
            "物业公司今年突然上调物业费，未召开业主大会也未公示收费依据",
        ),
        (
            "物业停车收费不合理",
            "物业管理",
            "物业服务有限公司",
            "物业对小区地面停车位按月收费，收费标准没有备案，也不给开发票",
        ),
        (
            "物业不履行维修义务楼道漏水",
            "物业管理",
            "物业服务有限公司",
            "楼道顶部漏水半年，物业以维修资金未批为由一直拖延",
        ),
        (
            "新房交付存在质量问题",
            "房屋质量",
            "房地产开发有限公司",
            "新房收房时发现墙面开裂、窗户渗水，开发商拒绝维修",
        ),
        (
            "房屋中介收取高额中介费",
            "房地产中介",
            "房地产经纪有限公司",
            "通过中介租房，中介收取一个月房租作为中介费，且未提供服务合同",
        ),
        (
            "租房押金不予退还",
            "房屋租赁",
            "住房租赁有限公司",
            "租期届满退房后，租赁公司以房屋损坏为由扣押全部押金",
        ),
        (
            "装修公司拖延工期",
            "家装",
            "装饰工程有限公司",
            "签订装修合同约定60天完工，现已超期两个月仍未完工",
        ),
    ],
    "market-regulation": [
        ("超市销售过期食品", "食品安全", "便民超市", "在超市购买的酸奶已经过期，要求退货并赔偿"),
        (
            "健身房预付卡关门跑路",
            "预付卡",
            "健身会所",
            "在健身房办理会员卡充值5000元，门店突然关门，老板联系不上",
        ),
        (
            "网购商品与描述不符",
            "网络购物",
            "电子商务有限公司",
            "网上购买的电器与页面宣传的功能不符，商家拒绝退货",
        ),
        (
            "美容店诱导办卡消费",
            "预付卡",
            "美容美发店",
            "美容店以免费体验为名诱导办卡，充值后服务项目缩水",
        ),
        ("商家价格欺诈", "价格", "商贸有限公司", "商品标价与结算价格不一致，多收取费用"),
        (
            "餐馆卫生条件差",
            "食品安全",
            "餐饮管理有限公司",
            "在餐馆就餐后腹泻，发现后厨卫生条件很差",
        ),
        ("虚假宣传保健品", "广告", "健康科技有限公司", "老人在讲座上购买的保健品宣称能治病"),
    ],
    "commerce": [
        ("商场拒绝退换货", "商品质量", "购物广场", "在商场购买的衣服穿一次就开线，商场拒绝退换"),
        ("汽车4S店加价提车", "汽车销售", "汽车销售服务有限公司", "4S店要求加价或购买装潢才能提车"),
        ("单用途预付卡无法使用", "预付卡", "洗衣连锁店", "洗衣店更换经营者后原预付卡不能使用"),
    ],
    "culture-tourism": [
        ("旅行社强制购物", "旅游", "国际旅行社有限公司", "参加旅行团被导游带到购物店强制消费"),
        ("景区门票退票难", "旅游", "旅游开发有限公司", "因天气原因未能入园，景区拒绝退票"),
    ],
    "transport": [
        ("出租车绕路多收费", "出租汽车", "出租汽车有限公司", "乘坐出租车被司机故意绕路"),
        ("驾校拒绝退还学费", "驾驶培训", "机动车驾驶员培训学校", "报名驾校后因个人原因退学"),
    ],
    "education": [
        ("校外培训机构拒绝退费", "教育培训", "教育科技有限公司", "给孩子报名培训班后机构停课"),
        ("托育机构收费不透明", "托育", "托育服务有限公司", "托育机构每月额外收取各种名目费用"),
    ],
    "agriculture": [
        ("购买假种子导致减产", "农资", "种业有限公司", "购买的玉米种子出苗率很低，怀疑是假种子"),
        ("化肥质量不合格", "农资", "农资经营部", "购买的化肥使用后庄稼烧苗"),
    ],
    "development-reform": [
        ("供暖收费标准有疑问", "价格收费", "热力有限公司", "供暖公司按建筑面积收费，标准有疑问"),
    ],
    "public-security": [
        ("消费过程中遭遇诈骗", "诈骗", "商贸有限公司", "以低价促销为名收取定金后失联"),
    ],
    "justice": [
        ("申请消费纠纷人民调解", "调解", "家具城", "购买的家具存在质量问题，协商不成申请调解"),
    ],
    "court": [
        ("消费纠纷诉前调解", "诉调对接", "家电销售有限公司", "与商家协商不成，希望诉前调解"),
    ],
    "womens-federation": [
        ("婚介机构服务不到位", "婚姻介绍", "婚姻介绍服务有限公司", "交了会员费后婚介机构不安排"),
    ],
    "trade-union": [
        ("职工福利卡无法消费", "预付卡", "商贸有限公司", "单位发放的福利卡在签约商户无法使用"),
    ],
    "youth-league": [
        ("未成年人游戏充值退款", "网络游戏", "网络科技有限公司", "孩子用家长手机在游戏中充值"),
    ],
}
TRIAGE_TOPICS = [
    ("反映情况", "", "商贸有限公司", "想反映一个情况，上次打过电话了，到现在也没人管"),
    ("消费纠纷投诉", "其他", "商贸有限公司", "购买商品后发现有问题，商家不予处理"),
]
DEMANDS = ("要求退款。", "要求赔偿损失。", "请相关部门尽快处理。", "希望督促商家整改。", "请回复。")
BRANDS = ("宏达", "鑫源", "恒泰", "万家", "瑞祥", "金龙", "顺发", "汇通", "新城", "福泽", "嘉禾")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
KINDS = {"complaint": 70, "report": 15, "inquiry": 15}
CHANNELS = {"12345": 55, "12315": 25, "phone": 10, "walk_in": 4, "web": 4, "letter": 1, "other": 1}
URGENCIES = {"normal": 95, "safety": 3, "utilities": 2}


def weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def status_for_age(rng: random.Random, days: float) -> str:
    """Young orders are mostly open, old ones almost all closed: about 6% open overall."""
    if days < 3:
        table = {"triage": 10, "assigned": 30, "in_progress": 50, "resolved": 10}
    elif days < 30:
        table = {"triage": 1, "assigned": 3, "in_progress": 45, "resolved": 20, "closed": 31}
    elif days < 90:
        table = {"in_progress": 10, "resolved": 10, "closed": 80}
    else:
        table = {"in_progress": 0.5, "resolved": 1.5, "closed": 98}
    return weighted(rng, table)


# --- seeding --------------------------------------------------------------------------------


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _pg_text(value: object) -> str:
    """One value in PostgreSQL's COPY text format (str and None first: most values are)."""
    kind = type(value)
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_ESCAPES)
        return value
    if value is None:
        return r"\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime or kind is date:
        return value.isoformat()
    if kind is dict or kind is list:
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    return str(value)


def copy_rows(model, rows: list[dict], *, with_id: bool = False) -> None:
    """COPY plain dicts (keyed by attname) into the model's table; defaults fill the rest."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
    defaults = [(f.attname, f.get_default()) for f in fields]
    buffer = io.StringIO()
    write, text = buffer.write, _pg_text
    for row in rows:
        write("\t".join([text(row.get(name, default)) for name, default in defaults]))
        write("\n")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {model._meta.db_table} ({columns}) FROM STDIN", buffer)


@contextmanager
def secondary_indexes_dropped(tables: list[str]):
    """Drop the indexes no constraint needs, and build them again after the load: one
    sorted build is several times faster than keeping them up to date row by row."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)


def bench_users() -> dict[str, object]:
    """One office user and one staff user per member unit (actors of the seeded events)."""
    from departments.choices import RoleCode
    from departments.models import Role, Unit, User

    roles = {role.code: role for role in Role.objects.all()}
    users = {}
    for unit in Unit.objects.all():
        is_office = unit.kind == "office"
        user, created = User.objects.get_or_create(
            username=f"bench_{unit.code}",
            defaults={"unit": unit, "name": f"基准测试{unit.name}"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            role = RoleCode.OFFICE_STAFF if is_office else RoleCode.UNIT_STAFF
            user.roles.set([roles[role]])
        users[unit.code] = user
    return users


def _workday_calendar(now: datetime):
    """The office's calendar with every day of the seeded period precomputed (fast lookups)."""
    from complaints.selectors import workday_calendar

    start = (now - timedelta(days=400)).date()
    calendar = workday_calendar(range(start.year, now.year + 2))
    overrides = dict(calendar.overrides)
    for offset in range(400 + 200):
        day = start + timedelta(days=offset)
        if day not in overrides:
            overrides[day] = calendar.is_workday(day)
    calendar.overrides = overrides
    return calendar


def seed(count: int, rng: random.Random) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from complaints import workflow
    from complaints.models import (
        ExtensionRequest,
        OrderNumberCounter,
        WorkOrder,
        WorkOrderEvent,
        WorkOrderUnit,
    )
    from complaints.selectors import deadline_rules
    from departments.models import Town, Unit

    started = time.perf_counter()
    # Dates past the holiday package's last year count Monday to Friday; no need to warn.
    logging.getLogger("complaints.deadlines").setLevel(logging.ERROR)
    now = timezone.now()
    users = bench_users()
    office = users["office"]
    units = {unit.code: unit for unit in Unit.objects.filter(kind="member")}
    all_unit_codes = sorted(units)
    towns = list(Town.objects.values_list("id", flat=True))
    calendar = _workday_calendar(now)
    rules = deadline_rules()
    # Every field at its default first, so a field a migration adds is there for the workflow.
    blank_order = {
        field.attname: field.get_default()
        for field in WorkOrder._meta.concrete_fields
        if not field.primary_key
    }

    received = sorted(
        (now - timedelta(seconds=rng.uniform(600, 365 * 86400)) for _ in range(count)),
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"TRUNCATE {WorkOrder._meta.db_table} RESTART IDENTITY CASCADE;"
                f" TRUNCATE {OrderNumberCounter._meta.db_table}"
            )
        orders, links, events, extensions = [], [], [], []
        counters: Counter[int] = Counter()
        for order_id, received_at in enumerate(received, start=1):
            local_year = timezone.localtime(received_at).year
            counters[local_year] += 1
            age_days = (now - received_at).total_seconds() / 86400
            status = status_for_age(rng, age_days)
            kind = weighted(rng, KINDS)
            channel = weighted(rng, CHANNELS)
            urgency = weighted(rng, URGENCIES)
            unit_code = None if status == "triage" else weighted(rng, UNIT_WEIGHTS)
            returned = rng.random() < 0.03
            if status == "triage" and not returned:
                topic = rng.choice(TRIAGE_TOPICS)
            else:
                topic = rng.choice(TOPICS[unit_code or rng.choice(list(UNIT_WEIGHTS))])
            title, category, business_kind, story = topic
            business = f"天津{rng.choice(BRANDS)}{business_kind}"
            anonymous = rng.random() < 0.05
            stamps = _timeline(rng, received_at, status, kind, now)
            # The workflow's own deadline code, on a stand-in (a model instance is slow).
            order = SimpleNamespace(
                **blank_order
                | dict(
                    pk=None,
                    kind=kind,
                    urgency=urgency,
                    status=status,
                    received_at=received_at,
                    dispatched_at=stamps.get("dispatched"),
                    accepted_at=stamps.get("accepted"),
                )
            )
            if status == "in_progress" and rng.random() < 0.01:
                order.paused_at = now - timedelta(days=rng.uniform(0, 5))
                order.pause_reason = "等待鉴定结果"
            workflow.refresh_deadlines(order, calendar=calendar, rules=rules)
            former = None
            if returned and unit_code is not None:
                former = rng.choice([c for c in UNIT_WEIGHTS if c != unit_code])
            elif returned:
                former = weighted(rng, UNIT_WEIGHTS)
            content = (
                f"本人于{timezone.localtime(received_at):%Y年%m月%d日}反映：{story}。"
                f"涉及经营者为{business}。{rng.choice(DEMANDS)}"
            )
            row = {
                "id": order_id,
                "number": f"WQ-{local_year}-{counters[local_year]:06d}",
                "kind": kind,
                "channel": channel,
                "external_ref": (
                    f"TJ{channel}-{local_year}-{rng.randrange(10**7):07d}"
                    if channel in ("12345", "12315")
                    else ""
                ),
                "received_at": received_at,
                "urgency": urgency,
                "title": title,
                "content": content,
                "category": category,
                "business_name": business,
                "business_address": f"天津市武清区{rng.choice(BRANDS)}路{rng.randint(1, 300)}号",
                "town_id": rng.choice(towns) if towns and rng.random() < 0.8 else None,
                "amount": (
                    Decimal(rng.randint(50, 20000)).quantize(Decimal("0.01"))
                    if rng.random() < 0.4
                    else None
                ),
                "citizen_name": "" if anonymous else f"{rng.choice(SURNAMES)}先生",
                "citizen_phone": (phone := "" if anonymous else f"13{rng.randrange(10**9):09d}"),
                "citizen_phone_digits": phone,  # typed as digits already
                "citizen_id_number": (
                    f"120222{rng.randrange(10**12):012d}"
                    if not anonymous and rng.random() < 0.3
                    else ""
                ),
                "anonymous": anonymous,
                "status": status,
                "primary_unit_id": units[unit_code].id if unit_code else None,
                "routing": {"rule": unit_code or "", "matched": [category] if category else []},
                "dispatched_at": stamps.get("dispatched"),
                "signed_at": stamps.get("signed"),
                "accepted_at": stamps.get("accepted"),
                "resolved_at": stamps.get("resolved"),
                "closed_at": stamps.get("closed"),
                "due_sign_for": order.due_sign_for,
                "due_decision": order.due_decision,
                "due_resolution": order.due_resolution,
                "due_answer": order.due_answer,
                "next_due_at": order.next_due_at,
                "next_due_name": order.next_due_name,
                "next_escalation_at": order.next_escalation_at,
                "paused_at": order.paused_at,
                "pause_reason": order.pause_reason,
                "result": "已联系经营者协商，双方达成一致。" if "resolved" in stamps else "",
                "satisfaction": (
                    rng.choice(["satisfied", "satisfied", "basically_satisfied", "dissatisfied"])
                    if status == "closed" and rng.random() < 0.8
                    else ""
                ),
                "dispatch_count": (0 if status == "triage" else 1) + (1 if former else 0),
                "return_count": 1 if former else 0,
                "created_by_id": office.id,
                "created_at": received_at,
                "updated_at": max(stamps.values(), default=received_at),
                "version": 1 + len(stamps),
            }
            orders.append(row)
            unit_id = units[unit_code].id if unit_code else None
            if unit_id:
                links.append(_link(order_id, unit_id, "primary", stamps["dispatched"]))
                if rng.random() < 0.08:
                    co = rng.choice([c for c in all_unit_codes if c not in (unit_code, former)])
                    links.append(_link(order_id, units[co].id, "co", stamps["dispatched"]))
            if former:
                links.append(_link(order_id, units[former].id, "former", received_at))
            events.extend(
                _events(
                    order_id,
                    received_at,
                    stamps,
                    unit=units[unit_code] if unit_code else None,
                    former=units[former] if former else None,
                    office=office,
                    users=users,
                )
            )
            if status == "in_progress" and rng.random() < 0.02:
                extensions.append(
                    {
                        "order_id": order_id,
                        "deadline": "resolution" if row["due_resolution"] else "decision",
                        "working_days": rng.choice([5, 10, 15]),
                        "reason": "需要等待第三方检测报告",
                        "status": "pending",
                        "requested_by_id": users[unit_code].id,
                        "requested_at": now - timedelta(hours=rng.uniform(1, 48)),
                    }
                )
        generated = time.perf_counter()
        with connection.cursor() as cursor:
            # The rows are consistent by construction; without the per-row foreign-key
            # triggers (superusers only) COPY and COMMIT take a fraction of the time.
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        tables = [WorkOrder, WorkOrderUnit, WorkOrderEvent]
        with secondary_indexes_dropped([model._meta.db_table for model in tables]):
            copy_rows(WorkOrder, orders, with_id=True)
            copy_rows(WorkOrderUnit, links)
            copy_rows(WorkOrderEvent, events)
        copy_rows(ExtensionRequest, extensions)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                [WorkOrder._meta.db_table, count],
            )
        OrderNumberCounter.objects.bulk_create(
            OrderNumberCounter(year=year, last=last) for year, last in counters.items()
        )
    copied = time.perf_counter()
    if not connection.in_atomic_block:  # a test seeds inside its transaction
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # statistics, and the visibility map a live table has
    print(
        f"seeded {len(orders):,} orders, {len(links):,} unit links, {len(events):,} events, "
        f"{len(extensions):,} extension requests: generate {generated - started:.1f} s, "
        f"COPY {copied - generated:.1f} s, VACUUM ANALYZE {time.perf_counter() - copied:.1f} s"
    )


def _timeline(
    rng: random.Random, received: datetime, status: str, kind: str, now: datetime
) -> dict[str, datetime]:
    """Consistent timestamps for the status, squeezed to fit before now for young orders."""
    plan: list[tuple[str, float]] = []
    if status != "triage":
        plan.append(("dispatched", rng.uniform(300, 4 * 3600)))
    if status in ("in_progress", "resolved", "closed"):
        plan.append(("signed", rng.uniform(600, 20 * 3600)))
        if kind != "inquiry" and (status != "in_progress" or rng.random() < 0.8):
            plan.append(("accepted", rng.uniform(1800, 3 * 86400)))
    if status in ("resolved", "closed"):
        plan.append(("resolved", rng.uniform(86400, 25 * 86400)))
    if status == "closed":
        plan.append(("closed", rng.uniform(3600, 5 * 86400)))
    total = sum(seconds for _, seconds in plan)
    budget = (now - received).total_seconds() * 0.9
    factor = min(1.0, budget / total) if total else 1.0
    stamps, moment = {}, received
    for name, seconds in plan:
        moment += timedelta(seconds=seconds * factor)
        stamps[name] = moment
    return stamps


def _link(order_id: int, unit_id: int, relation: str, at: datetime) -> dict:
    return {"order_id": order_id, "unit_id": unit_id, "relation": relation, "created_at": at}


def _events(order_id, received, stamps, *, unit, former, office, users) -> list[dict]:
    """The history the workflow would have written: create, dispatch, sign, accept, ..."""
    staff = users[unit.code] if unit else None

    def event(action, at, by, from_status="", to_status="", event_unit=None, note=""):
        return {
            "order_id": order_id,
            "action": action,
            "from_status": from_status,
            "to_status": to_status,
            "actor_id": by.id if by else None,
            "actor_unit_id": by.unit_id if by else None,
            "unit_id": event_unit.id if event_unit else None,
            "note": note,
            "data": "{}",
            "created_at": at,
        }

    result = [event("create", received, office, to_status="triage")]
    if former:
        first = received + timedelta(minutes=5)
        result.append(event("dispatch", first, office, "triage", "assigned", former))
        result.append(
            event(
                "return",
                first + timedelta(minutes=30),
                users[former.code],
                "assigned",
                "triage",
                former,
                "不属于本单位职责范围",
            )
        )
    if "dispatched" in stamps:
        result.append(event("dispatch", stamps["dispatched"], office, "triage", "assigned", unit))
    if "signed" in stamps:
        result.append(event("sign", stamps["signed"], staff, "assigned", "in_progress"))
    if "accepted" in stamps:
        result.append(event("accept", stamps["accepted"], staff, note="符合受理条件，予以受理"))
    if "resolved" in stamps:
        result.append(event("resolve", stamps["resolved"], staff, "in_progress", "resolved"))
    if "closed" in stamps:
        result.append(event("close", stamps["closed"], office, "resolved", "closed"))
    return result


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    who: str
    per_page: int | None
    urls: list[str]
    times_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def pair(self) -> str:
        """Cases with the same pair differ only in per_page."""
        return f"{self.who} {self.label}"

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def query_text(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"


def _get(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, not 200")


def _count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured.captured_queries)


def detail_orders(unit_id: int, rng: random.Random) -> list[str]:
    """20 of the unit's orders in a mix of states, with histories of different lengths."""
    from complaints.models import WorkOrder

    numbers = []
    for status, how_many in (("in_progress", 8), ("assigned", 2), ("resolved", 2), ("closed", 8)):
        pool = list(
            WorkOrder.objects.filter(primary_unit_id=unit_id, status=status).values_list(
                "number", flat=True
            )[:500]
        )
        numbers += rng.sample(pool, min(how_many, len(pool)))
    return numbers


LIST_CASES: list[tuple[str, str, dict]] = [
    ("unit", "tab all", {"tab": "all"}),
    ("unit", "tab in_progress", {"tab": "in_progress"}),
    ("unit", "tab overdue", {"tab": "overdue"}),
    ("unit", "tab to_sign", {"tab": "to_sign"}),
    ("unit", "search q=物业", {"tab": "all", "q": "物业"}),
    ("unit", "search phone as said", {"tab": "all", "q": "+86 138-1234-5678"}),
    ("unit", "search citizen's name", {"tab": "all", "q": "王先生"}),
    ("unit", "filter complaint+in_progress", {"tab": "all", "kind": "complaint",
                                              "status": "in_progress"}),
    ("unit", "tab all page=200", {"tab": "all", "page": 200}),
    ("office", "tab all", {"tab": "all"}),
    ("office", "tab triage", {"tab": "triage"}),
    ("office", "tab overdue", {"tab": "overdue"}),
    ("office", "search q=物业", {"tab": "all", "q": "物业"}),
    ("office", "search phone as said", {"tab": "all", "q": "+86 138-1234-5678"}),
    ("office", "search phone as digits", {"tab": "all", "q": "13812345678"}),
    ("office", "search citizen's name", {"tab": "all", "q": "王先生"}),
    ("office", "search number as typed", {"tab": "all", "q": "wq 2026 000123"}),
    ("office", "filter complaint+in_progress", {"tab": "all", "kind": "complaint",
                                                "status": "in_progress"}),
    ("office", "tab all page=200", {"tab": "all", "page": 200}),
]  # fmt: skip


def run_benchmark(runs: int, warmup: int) -> list[Result]:
    """Every page is warmed up and its queries counted; then `runs` rounds each request
    every page once (a detail case: each of its 20 orders once), so a burst of load on the
    machine spreads over all pages instead of spoiling one."""
    from django.db.models import Count
    from django.test import Client

    from complaints.models import WorkOrder

    users = bench_users()
    people = {"unit": users["housing"], "office": users["office"]}
    clients = {}
    for who, user in people.items():
        clients[who] = Client()
        clients[who].force_login(user)

    results = []
    for who, label, params in LIST_CASES:
        for per_page in (25, 100):
            if "page" in params and per_page == 100 and who == "unit":
                continue  # page 200 of 100 rows is past the unit's last page
            url = "/orders/?" + urlencode({**params, "per_page": per_page})
            results.append(Result(label, who, per_page, [url]))
    numbers = detail_orders(people["unit"].unit_id, random.Random(SEED))
    events = list(
        WorkOrder.objects.filter(number__in=numbers)
        .annotate(n=Count("events"))
        .values_list("n", flat=True)
    )
    for who in ("unit", "office"):
        results.append(
            Result(
                f"detail, {len(numbers)} orders",
                who,
                None,
                [f"/orders/{number}/" for number in numbers],
                extra={"events": (min(events), max(events)), "orders": len(numbers)},
            )
        )

    for result in results:
        client = clients[result.who]
        for url in result.urls:
            for _ in range(warmup):
                _get(client, url)
        result.queries = [_count_queries(client, url) for url in result.urls]
    for round_number in range(1, runs + 1):
        for result in results:
            client = clients[result.who]
            for url in result.urls:
                begin = time.perf_counter()
                _get(client, url)
                result.times_ms.append((time.perf_counter() - begin) * 1000)
        if sys.stdout.isatty():
            print(f"  round {round_number}/{runs}", end="\r", flush=True)
    results[-1].extra["growth"] = history_growth(clients["unit"], numbers[0])
    return results


def history_growth(client, number: str) -> tuple[int, int, int, int]:
    """Queries of one detail page before and after its order gains 20 events and 3
    co-handling units (in a transaction that is rolled back): a fixed count means no N+1."""
    from django.db import transaction
    from django.utils import timezone

    from complaints.models import WorkOrder, WorkOrderEvent, WorkOrderUnit
    from departments.models import Unit

    url = f"/orders/{number}/"
    order = WorkOrder.objects.get(number=number)
    before_events = order.events.count()
    before = _count_queries(client, url)
    with transaction.atomic():
        now = timezone.now()
        WorkOrderEvent.objects.bulk_create(
            WorkOrderEvent(order=order, action="supervise", note=f"督办 {i}", created_at=now)
            for i in range(20)
        )
        taken = order.unit_links.values_list("unit_id", flat=True)
        extra_units = Unit.objects.filter(kind="member").exclude(id__in=taken)[:3]
        WorkOrderUnit.objects.bulk_create(
            WorkOrderUnit(order=order, unit=unit, relation="co") for unit in extra_units
        )
        after = _count_queries(client, url)
        after_events = order.events.count()
        transaction.set_rollback(True)
    return before_events, before, after_events, after


def describe_data() -> None:
    from django.db import connection
    from django.utils import timezone

    from complaints import selectors
    from complaints.models import WorkOrder, WorkOrderEvent, WorkOrderUnit

    users = bench_users()
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        f"PostgreSQL {version}, database {connection.settings_dict['NAME']}: "
        f"{WorkOrder.objects.count():,} orders, {WorkOrderUnit.objects.count():,} unit links, "
        f"{WorkOrderEvent.objects.count():,} events"
    )
    for who, user in (("housing unit", users["housing"]), ("office", users["office"])):
        counts = selectors.tab_counts(user, now, selectors.due_soon_until(now))
        total = selectors.orders_in_tab(user, "all", now).count()
        tabs = ", ".join(f"{key} {value:,}" for key, value in counts.items())
        print(f"  {who}: all {total:,}; {tabs}")


def machine_load() -> str:
    """Timings are wall-clock: say how busy the machine was, since that inflates them."""
    cpus = os.cpu_count() or 1
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return f"{cpus} CPUs"
    busy = " (busy: other processes inflate these timings)" if one > cpus / 2 else ""
    return f"{cpus} CPUs, load average {one:.2f} / {five:.2f} (1 / 5 min){busy}"


def report(results: list[Result], runs: int) -> bool:
    print()
    print(f"{'user':6}  {'page':32} {'per_page':>8} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    print("-" * 78)
    for r in results:
        per_page = "" if r.per_page is None else str(r.per_page)
        print(
            f"{r.who:6}  {r.label:32} {per_page:>8} {r.median:10.1f} {r.p95:8.1f} {r.query_text:>8}"
        )
    print(f"({runs} timed rounds after warm-up; a detail row: {runs} rounds over its orders)")
    print()
    ok = True
    for r in results:
        passed = r.median < TARGET_MS
        ok &= passed
        per_page = f" per_page={r.per_page}" if r.per_page else ""
        print(
            f"{'PASS' if passed else 'FAIL'}  {r.who} {r.label}{per_page}: "
            f"median {r.median:.1f} ms vs target {TARGET_MS:.0f} ms"
        )
    print()
    by_pair: dict[str, dict[int, Result]] = {}
    for r in results:
        if r.per_page is not None:
            by_pair.setdefault(r.pair, {})[r.per_page] = r
    for pair, sizes in by_pair.items():
        if 25 in sizes and 100 in sizes:
            small, large = sizes[25].queries[0], sizes[100].queries[0]
            constant = small == large
            ok &= constant
            print(
                f"{pair}: queries at per_page=25 vs 100: {small} vs {large} "
                f"(constant: {'yes' if constant else 'no'})"
            )
    for r in results:
        if "events" in r.extra:
            low, high = r.extra["events"]
            print(
                f"{r.who} detail: queries over {r.extra['orders']} orders with {low}-{high} "
                f"events each: {r.query_text} (they differ by state, not history: the "
                f"personal-data audit row, deadlines of open orders)"
            )
        if "growth" in r.extra:
            events_before, before, events_after, after = r.extra["growth"]
            constant = before == after
            ok &= constant
            print(
                f"detail queries with {events_before} vs {events_after} events "
                f"(+3 co-handling units): {before} vs {after} "
                f"(constant: {'yes' if constant else 'no'})"
            )
    print()
    print("RESULT:", "PASS" if ok else "FAIL")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, help="orders to seed (default 100,000)")
    parser.add_argument("--quick", action="store_true", help="5,000 orders in their own database")
    parser.add_argument("--database-url", help=f"default {DEFAULT_HOST_URL}/{FULL_DB}")
    parser.add_argument("--reseed", action="store_true", help="empty the order tables and seed")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per page (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    args = parser.parse_args()
    count = args.orders or (5_000 if args.quick else 100_000)
    database_url = args.database_url or f"{DEFAULT_HOST_URL}/{QUICK_DB if args.quick else FULL_DB}"

    ensure_database(database_url)
    configure_environment(database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from complaints.models import WorkOrder

    call_command("migrate", interactive=False, verbosity=0)
    collect_static()
    existing = WorkOrder.objects.count()
    if args.reseed or existing < count:
        name = connection.settings_dict["NAME"]
        if "bench" not in name:
            print(f"refusing to empty and seed {name!r}: its name does not contain 'bench'")
            return 2
        print(f"seeding {count:,} orders (database has {existing:,}) ...", flush=True)
        seed(count, random.Random(SEED))
    else:
        print(f"database already holds {existing:,} orders (>= {count:,}); --reseed to redo")
    describe_data()
    print(f"measuring ({args.warmup} warm-up + {args.runs} timed rounds) ...", flush=True)
    print(f"  before: {machine_load()}")
    results = run_benchmark(args.runs, args.warmup)
    print(f"  after:  {machine_load()}")
    return 0 if report(results, args.runs) else 1


if __name__ == "__main__":
    sys.exit(main())
