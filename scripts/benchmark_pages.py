"""Benchmark: the pages benchmark_inbox.py does not measure, over a year's data, per role.

Uses the inbox benchmark's database and seeding (100,000 orders with their events and unit
links; `--quick`: 5,000) and adds, once, what a year or more leaves besides: 30,000
notifications for one office person (3,000 unread) and 5,000 for a unit's person, 300,000
audit entries, 3,000 referred leads, 2,000 jurisdiction disputes, 1,000 early
interventions, 3,000 mediation agreements, the hotline's API client as the source of the
12345 orders (with a hotline_id each), one order with a long history (400 events) and 80
attachments, and 150,000 deliveries and 200,000 callbacks to the hotline. Then it
requests, in process through Django's test client with DEBUG off, each page as the role
that uses it (office, a unit's staff, its liaison, its head, the group leader, the system
administrator, the hotline's API client): the order list's sorts and filters, the overdue
and escalation boards, the disputes, leads, interventions and mediation lists,
notifications and the bell, the audit trail, the deliveries' and the callbacks' admin
lists, the units directory, the home page, "My exports" and the API's order list with
updated_since; and the worker's build of the Excel export of many orders (asked for as the
list's button asks, then built in process as the worker builds it, its file deleted after).

It prints each page's median and p95 time and its query count, then a verdict: median
under 300 ms (TARGET_MS), and, for the pages listed in GROWTH, a query count that does not
grow when the page shows more rows (measured at two sizes). Exit status 1 when a verdict
fails. The export's build is reported but judged separately (`EXPORT_TARGET_MS`): it makes a
file of up to 20,000 orders, in the worker on the slow queue, not in a request.

Usage:
    .venv/bin/python scripts/benchmark_pages.py                       # 100,000 orders
    .venv/bin/python scripts/benchmark_pages.py --quick               # 5,000 orders
    .venv/bin/python scripts/benchmark_pages.py --only notifications  # labels containing it
    .venv/bin/python scripts/benchmark_pages.py --database-url postgres://u@h:5432/x_bench

The database is the inbox benchmark's (`wuqing_consumer_bench`, created and seeded if
missing); the additions are made once, marked by the audit entries they write, and refused
on a database whose name lacks "bench". Timings are wall-clock: the load average is printed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.benchmark_inbox import (
    DEFAULT_HOST_URL,
    FULL_DB,
    QUICK_DB,
    SEED,
    bench_users,
    collect_static,
    configure_environment,
    copy_rows,
    ensure_database,
    machine_load,
    seed,
)

TARGET_MS = 300.0
EXPORT_TARGET_MS = 5_000.0
MARKER = "bench.pages.seeded"
API_KEY_FILE = Path("/tmp") / "wuqing_bench_pages_api_key"


# --- the additions --------------------------------------------------------------------------


def people() -> dict[str, object]:
    """The inbox benchmark's office and housing users, and a housing liaison and head, the
    group leader and a system administrator."""
    from departments.choices import RoleCode
    from departments.models import Role, Unit, User

    users = bench_users()
    roles = {role.code: role for role in Role.objects.all()}
    office, housing = Unit.objects.get(code="office"), Unit.objects.get(code="housing")
    found = {"office": users["office"], "unit": users["housing"]}
    for who, unit, role in (
        ("liaison", housing, RoleCode.UNIT_LIAISON),
        ("head", housing, RoleCode.UNIT_HEAD),
        ("leader", office, RoleCode.GROUP_LEADER),
        ("admin", None, RoleCode.SYSTEM_ADMIN),
    ):
        user, created = User.objects.get_or_create(
            username=f"bench_pages_{who}", defaults={"unit": unit, "name": f"基准{who}"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.roles.set([roles[role]])
        found[who] = user
    return found


def seed_additions(rng: random.Random, scale: float) -> None:
    """What a year leaves beside the orders, COPY'd in one transaction (see module doc)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from complaints import clients
    from complaints.models import (
        Attachment,
        Dispute,
        Intervention,
        InterventionUnit,
        MediationAgreement,
        Referral,
        WorkOrder,
        WorkOrderEvent,
    )
    from departments.models import AuditEntry, Notification, Unit

    started = time.perf_counter()
    now = timezone.now()
    who = people()
    member_ids = list(Unit.objects.filter(kind="member").values_list("id", flat=True))
    housing = who["unit"].unit_id
    order_ids = list(WorkOrder.objects.values_list("id", flat=True))
    n = lambda count: max(10, int(count * scale))  # noqa: E731

    def ago(days: float) -> object:
        return now - timedelta(seconds=rng.uniform(0, days * 86400))

    with transaction.atomic():
        rows = []
        for person, count, unread in ((who["office"], n(30_000), 0.1), (who["unit"], 5_000, 0.2)):
            for i in range(count):
                order = rng.choice(order_ids)
                rows.append(
                    {
                        "recipient_id": person.id,
                        "key": f"bench:{person.id}:{i}",
                        "category": rng.choice(["due_soon", "overdue", "dispatched", "returned"]),
                        "title": f"工单 WQ-2026-{order:06d} 即将到期",
                        "body": "请在期限内办理。",
                        "url": f"/orders/WQ-2026-{order:06d}/",
                        "created_at": ago(365),
                        "read_at": None if rng.random() < unread else now,
                    }
                )
        copy_rows(Notification, rows)

        actions = ["order.view_unmasked", "user.login", "duty_contact.update", "order.export"]
        users = list(who.values())
        copy_rows(
            AuditEntry,
            [
                {
                    "created_at": ago(365),
                    "actor_id": (actor := rng.choice(users)).id,
                    "unit_id": actor.unit_id,
                    "action": rng.choice(actions),
                    "object_type": "workorder",
                    "object_id": str(rng.choice(order_ids)),
                    "summary": f"查看工单 {rng.choice(order_ids)} 的个人信息",
                    "data": {},
                }
                for _ in range(n(300_000))
            ]
            + [{"created_at": now, "action": MARKER, "object_type": "bench", "data": {}}],
        )

        referrals = []
        for i in range(1, n(3_000) + 1):
            sender, receiver = rng.sample(member_ids, 2)
            if rng.random() < 0.3:
                receiver = housing
            created = ago(365)
            status = rng.choice(["sent", "acknowledged", "accepted", "accepted", "rejected"])
            referrals.append(
                {
                    "id": i,
                    "from_unit_id": sender,
                    "to_unit_id": receiver,
                    "order_id": rng.choice(order_ids),
                    "title": f"预付卡经营者停业线索{i}",
                    "facts": "经营者停业，预付卡无法使用。",
                    "status": status,
                    "ack_due_at": created + timedelta(days=3),
                    "created_at": created,
                    "updated_at": created,
                }
            )
        copy_rows(Referral, referrals, with_id=True)

        disputes, dispute_units = [], []
        for i in range(1, n(2_000) + 1):
            opened = ago(365)
            units = rng.sample(member_ids, 2)
            if rng.random() < 0.3:
                units[0] = housing if units[1] != housing else units[0]
            disputes.append(
                {
                    "id": i,
                    "source": rng.choice(["second_return", "unit_dispute", "office_question"]),
                    "order_id": rng.choice(order_ids),
                    "summary": f"管辖不清{i}",
                    "status": rng.choice(["open", "proposed", "designated", "designated"]),
                    "opened_at": opened,
                    "decision_due_at": opened + timedelta(days=5),
                }
            )
            dispute_units += [{"dispute_id": i, "unit_id": unit_id} for unit_id in units]
        copy_rows(Dispute, disputes, with_id=True)
        copy_rows(Dispute.units.through, dispute_units)

        interventions, asked = [], []
        for i in range(1, n(1_000) + 1):
            created = ago(365)
            interventions.append(
                {
                    "id": i,
                    "requesting_unit_id": rng.choice(member_ids),
                    "order_id": rng.choice(order_ids),
                    "title": f"提前介入{i}",
                    "situation": "情况紧急。",
                    "answer_due_at": created + timedelta(hours=4),
                    "closed_at": created + timedelta(days=2) if rng.random() < 0.9 else None,
                    "created_at": created,
                }
            )
            for unit_id in rng.sample(member_ids, 2):
                asked.append({"intervention_id": i, "unit_id": unit_id, "answer": "asked"})
        copy_rows(Intervention, interventions, with_id=True)
        copy_rows(InterventionUnit, asked)

        copy_rows(
            MediationAgreement,
            [
                {
                    "order_id": rng.choice(order_ids),
                    "unit_id": housing if rng.random() < 0.3 else rng.choice(member_ids),
                    "body": "unit",
                    "parties": "王先生；天津宏达物业服务有限公司",
                    "terms": "退还物业费500元。",
                    "effective_on": (created := ago(365)).date(),
                    "status": rng.choice(["recorded", "submitted", "confirmed"]),
                    "apply_by": created.date() + timedelta(days=30),
                    "created_at": created,
                }
                for _ in range(n(3_000))
            ],
        )

        # The hotline's client pushed the 12345 orders, each with its hotline_id.
        client, key, _secret = clients.api_client_create(
            name="bench-pages-12345", command="scripts/benchmark_pages.py"
        )
        API_KEY_FILE.write_text(key)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE complaints_workorder SET source_client_id = %s,"
                " hotline_id = 'H' || id::text, updated_at = received_at"
                " WHERE channel = '12345'",
                [client.id],
            )
            # A few changed in the last hour, as a poll finds between two runs.
            cursor.execute(
                "UPDATE complaints_workorder SET updated_at = now() - random() * interval '1 hour'"
                " WHERE channel = '12345' AND id % 997 = 0"
            )

        long_one = WorkOrder.objects.filter(primary_unit_id=housing, status="in_progress").first()
        copy_rows(
            WorkOrderEvent,
            [
                {
                    "order_id": long_one.id,
                    "action": "supervise",
                    "actor_id": who["office"].id,
                    "actor_unit_id": who["office"].unit_id,
                    "note": f"督办第{i}次",
                    "data": {},
                    "created_at": long_one.received_at + timedelta(minutes=i),
                }
                for i in range(400)
            ],
        )
        copy_rows(
            Attachment,
            [
                {
                    "order_id": long_one.id,
                    "original_name": f"证据{i}.pdf",
                    "content_type": "application/pdf",
                    "size": 1000 + i,
                    "uploaded_by_id": who["unit"].id,
                    "uploaded_at": long_one.received_at + timedelta(minutes=i),
                    "file": f"attachments/bench/{long_one.number}/{i}.pdf",
                }
                for i in range(80)
            ],
        )
        with connection.cursor() as cursor:
            for model in (Referral, Dispute, Intervention, MediationAgreement):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded the additions in {time.perf_counter() - started:.1f} s")


def seed_deliveries(rng: random.Random, scale: float) -> None:
    """What the year's notifications and status changes sent out: 150,000 deliveries (SMS,
    email, group-chat robot) and 200,000 callbacks to the hotline; once, when none exist."""
    import uuid

    from django.db import connection, transaction
    from django.utils import timezone

    from complaints.models import ApiClient, CallbackEvent, WorkOrder
    from departments.models import Delivery

    started = time.perf_counter()
    now = timezone.now()
    client = ApiClient.objects.get(name="bench-pages-12345")
    order_ids = list(WorkOrder.objects.filter(source_client=client).values_list("id", flat=True))
    with transaction.atomic():
        rows = []
        for i in range(int(150_000 * scale) or 10):
            created = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
            failed = rng.random() < 0.02
            rows.append(
                {
                    "key": f"bench:{i}",
                    "channel": rng.choice(["email", "sms", "robot"]),
                    "address": f"13{rng.randrange(10**9):09d}",
                    "subject": "工单即将到期",
                    "body": "请在期限内办理。",
                    "state": "failed" if failed else "sent",
                    "attempts": 5 if failed else 1,
                    "last_error": "timeout" if failed else "",
                    "created_at": created,
                    "next_attempt_at": created,
                    "sent_at": None if failed else created,
                }
            )
        copy_rows(Delivery, rows)
        copy_rows(
            CallbackEvent,
            [
                {
                    "event_id": str(uuid.UUID(int=rng.getrandbits(128))),
                    "client_id": client.id,
                    "order_id": rng.choice(order_ids),
                    "type": "status_changed",
                    "payload": {"status": "in_progress"},
                    "state": "delivered",
                    "attempts": 1,
                    "next_attempt_at": (created := now - timedelta(days=rng.uniform(0, 365))),
                    "created_at": created,
                    "delivered_at": created,
                }
                for _ in range(int(200_000 * scale) or 10)
            ],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded deliveries and callbacks in {time.perf_counter() - started:.1f} s")


def long_history_order() -> str:
    from django.db.models import Count

    from complaints.models import WorkOrder

    return (
        WorkOrder.objects.annotate(n=Count("attachments"))
        .filter(n__gte=50)
        .values_list("number", flat=True)
        .first()
    )


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Case:
    who: str
    label: str
    url: str
    api: bool = False
    export: bool = False
    """`url` is the list's address whose export is built (asked for and built, not a GET)."""
    times_ms: list[float] = field(default_factory=list)
    queries: int = 0
    status: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, int(0.95 * len(ordered) + 0.5) - 1)]

    @property
    def target(self) -> float:
        return EXPORT_TARGET_MS if "export" in self.label else TARGET_MS


def cases() -> list[Case]:
    from django.utils import timezone

    from departments.models import Town

    today = timezone.localdate()
    month = {"received_from": (today - timedelta(days=30)).isoformat()}
    town = Town.objects.order_by("id").values_list("code", flat=True).first()
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    long_one = long_history_order()
    api = "/api/v1/hotline/work-orders/"
    trail = "/admin/departments/auditentry/"

    def orders(**params) -> str:
        return "/orders/?" + urlencode({"tab": "all", **params})

    found = []
    for who in ("office", "unit"):
        found += [
            Case(who, "home", "/"),
            Case(who, "orders sort -next_due_at", orders(sort="-next_due_at")),
            Case(who, "orders sort next_due_at", orders(sort="next_due_at")),
            Case(who, "orders sort number", orders(sort="number")),
            Case(who, "orders sort -number", orders(sort="-number")),
            Case(who, "orders sort status", orders(sort="status")),
            Case(who, "orders sort received_at", orders(sort="received_at")),
            Case(who, "orders channel=12345", orders(channel="12345")),
            Case(who, "orders kind=inquiry", orders(kind="inquiry")),
            Case(who, "orders town", orders(town=town)),
            Case(who, "orders category=物业", orders(category="物业")),
            Case(who, "orders received last 30 days", orders(**month)),
            Case(who, "orders q=no such words", orders(q="无此内容的投诉")),
            Case(who, "orders q=物业 sort=-next_due_at", orders(q="物业", sort="-next_due_at")),
            Case(who, "orders tab=overdue q=phone", "/orders/?tab=overdue&q=13800000000"),
            Case(who, "order long history", f"/orders/{long_one}/"),
            Case(who, "notifications", "/notifications/"),
            Case(who, "notifications unread", "/notifications/?unread=1"),
            Case(who, "notifications q=WQ", "/notifications/?q=WQ-2026-000123"),
            Case(who, "notifications page 100", "/notifications/?page=100"),
            Case(who, "referrals", "/referrals/"),
            Case(who, "disputes", "/disputes/"),
            Case(who, "interventions", "/interventions/"),
            Case(who, "mediation", "/mediation/"),
            Case(who, "units", "/units/"),
            Case(who, "units/housing", "/units/housing/"),
        ]
    found += [
        Case("office", "orders unit=housing", orders(unit="housing")),
        Case("office", "overdue board", "/orders/overdue/"),
        Case("office", "escalation board", "/disputes/board/"),
        Case("office", "disputes undecided", "/disputes/?status=undecided"),
        Case("office", "export build tab=overdue", "/orders/?tab=overdue", export=True),
        Case("office", "export build last 30 days", "/orders/?" + urlencode(month), export=True),
        Case("unit", "export build tab=all", "/orders/?tab=all", export=True),
        Case("office", "my exports", "/orders/exports/"),
        Case("liaison", "home", "/"),
        Case("liaison", "releases", "/releases/"),
        Case("liaison", "reports", "/reports/"),
        Case("head", "home", "/"),
        Case("head", "orders tab=all", orders()),
        Case("leader", "home", "/"),
        Case("leader", "disputes", "/disputes/"),
        Case("leader", "escalation board", "/disputes/board/"),
        Case("leader", "overdue board", "/orders/overdue/"),
        Case("admin", "audit trail", "/admin/departments/auditentry/"),
        Case("admin", "audit trail q=123", f"{trail}?q=123"),
        Case("admin", "audit trail page 500", f"{trail}?p=500"),
        Case("admin", "audit trail unit filter", f"{trail}?unit__id__exact=1"),
        Case("admin", "deliveries", "/admin/departments/delivery/"),
        Case("admin", "deliveries failed", "/admin/departments/delivery/?state__exact=failed"),
        Case("admin", "callbacks", "/admin/complaints/callbackevent/"),
        Case("admin", "callbacks retrying", "/admin/complaints/callbackevent/?situation=retrying"),
        Case("api", "hotline list", api, api=True),
        Case("api", "hotline list updated_since 1h", f"{api}?{urlencode({'updated_since': since})}",
             api=True),
        Case("api", "hotline list status=in_progress", f"{api}?status=in_progress", api=True),
        Case("api", "hotline list page 500", f"{api}?page=500", api=True),
    ]  # fmt: skip
    return found


@dataclass
class Built:
    status_code: int


def _build_export(client, case: Case) -> Built:
    """What the worker does for the list's "Export to Excel" (`order_export_build`), for the
    client's person; the file is deleted after, the row kept (as a week's exports are)."""
    from django.core.files.storage import default_storage
    from django.http import QueryDict
    from django.utils import timezone

    from complaints import order_exports, selectors
    from complaints.filters import filtered_orders
    from complaints.models import OrderExport
    from departments.models import User

    params = QueryDict(case.url.partition("?")[2])
    asker = User.objects.get(id=client.session["_auth_user_id"])
    now = timezone.now()
    # The row as asking leaves it (the tab the list shows when the address names none, as
    # order_export_request finds it), without queueing a task for a worker.
    export = OrderExport.objects.create(
        asker=asker,
        params=params.urlencode(),
        tab=filtered_orders(asker, params, now, selectors.due_soon_until(now)).tab,
        language="zh-hans",
    )
    order_exports.order_export_build(export.id)
    export.refresh_from_db()
    if export.file:
        default_storage.delete(export.file.name)
    return Built(200 if export.status == "done" else 500)


def _request(client, case: Case):
    if case.export:
        return _build_export(client, case)
    if case.api:
        return client.get(case.url, HTTP_AUTHORIZATION=f"Bearer {API_KEY_FILE.read_text()}")
    response = client.get(case.url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def _measure_queries(client, case: Case) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = _request(client, case)
    case.status = response.status_code
    return len(captured.captured_queries)


def clients_for(who: dict) -> dict:
    from django.test import Client

    found = {"api": Client()}
    for name, user in who.items():
        found[name] = Client()
        found[name].force_login(user)
    return found


def run(found: list[Case], runs: int, warmup: int) -> None:
    """Queries counted after warm-up; then `runs` rounds each request every page once, so
    a burst of load on the machine spreads over all pages instead of spoiling one."""
    clients = clients_for(people())
    for case in found:
        for _ in range(warmup):
            _request(clients[case.who], case)
        case.queries = _measure_queries(clients[case.who], case)
    for round_number in range(1, runs + 1):
        for case in found:
            begin = time.perf_counter()
            _request(clients[case.who], case)
            case.times_ms.append((time.perf_counter() - begin) * 1000)
        if sys.stdout.isatty():
            print(f"  round {round_number}/{runs}", end="\r", flush=True)


GROWTH = [
    # (who, url): shown with 25 rows and with more, their queries must be the same
    ("office", "/notifications/"),
    ("office", "/referrals/"),
    ("office", "/disputes/"),
    ("office", "/interventions/"),
    ("office", "/mediation/"),
    ("office", "/admin/departments/auditentry/"),
]


def growth() -> list[tuple[str, int, int]]:
    """Each GROWTH page's queries on a page of 1 row and a full page, with the page size
    forced through the paginator: the same count means no query per row."""
    from unittest import mock

    from django.core import paginator

    clients = clients_for(people())
    original = paginator.Paginator.__init__
    found = []
    for who, url in GROWTH:
        counts = []
        for size in (1, 25):

            def sized(self, object_list, per_page, *args, _size=size, **kwargs):
                original(self, object_list, _size, *args, **kwargs)

            with mock.patch.object(paginator.Paginator, "__init__", sized):
                case = Case(who, url, url)
                counts.append(_measure_queries(clients[who], case))
        found.append((f"{who} {url}", counts[0], counts[1]))
    return found


def report(found: list[Case], grown: list[tuple[str, int, int]], runs: int) -> bool:
    print()
    print(f"{'role':8} {'page':38} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    print("-" * 84)
    for c in found:
        print(f"{c.who:8} {c.label:38} {c.status:>6} {c.median:10.1f} {c.p95:8.1f} {c.queries:>8}")
    print(f"({runs} timed rounds after warm-up)")
    print()
    ok = True
    for c in found:
        passed = c.median < c.target and c.status in (200, 302)
        ok &= passed
        if not passed:
            print(f"FAIL  {c.who} {c.label}: median {c.median:.1f} ms vs {c.target:.0f} ms"
                  f" (status {c.status})")  # fmt: skip
    for label, one, full in grown:
        constant = one == full
        ok &= constant
        print(
            f"{'PASS' if constant else 'FAIL'}  {label}: queries with 1 row vs 25: {one} vs {full}"
        )
    print()
    print("RESULT:", "PASS" if ok else "FAIL")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 orders in their own database")
    parser.add_argument("--database-url", help=f"default {DEFAULT_HOST_URL}/{FULL_DB}")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per page (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument("--only", help="measure only the pages whose label contains this")
    args = parser.parse_args()
    count = 5_000 if args.quick else 100_000
    database_url = args.database_url or f"{DEFAULT_HOST_URL}/{QUICK_DB if args.quick else FULL_DB}"

    ensure_database(database_url)
    configure_environment(database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from complaints.models import WorkOrder
    from departments.models import AuditEntry, Delivery

    call_command("migrate", interactive=False, verbosity=0)
    collect_static()
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        print(f"refusing to seed {name!r}: its name does not contain 'bench'")
        return 2
    if WorkOrder.objects.count() < count:
        print(f"seeding {count:,} orders ...", flush=True)
        seed(count, random.Random(SEED))
    if not AuditEntry.objects.filter(action=MARKER).exists():
        print("seeding the additions ...", flush=True)
        seed_additions(random.Random(SEED), count / 100_000)
    if not Delivery.objects.exists():
        print("seeding deliveries and callbacks ...", flush=True)
        seed_deliveries(random.Random(SEED), count / 100_000)
    found = [c for c in cases() if not args.only or args.only in c.label]
    print(f"measuring {len(found)} pages ({args.warmup} warm-up + {args.runs} timed rounds) ...")
    print(f"  before: {machine_load()}", flush=True)
    run(found, args.runs, args.warmup)
    grown = growth() if not args.only else []
    print(f"  after:  {machine_load()}")
    return 0 if report(found, grown, args.runs) else 1


if __name__ == "__main__":
    sys.exit(main())
