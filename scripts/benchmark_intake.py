"""Benchmark: hotline intake throughput and latency against gunicorn and PostgreSQL.

Starts gunicorn on a free local port with `scripts.bench_settings` (the project's settings and
URLs plus a bare `/bench/floor/` endpoint), then drives it over HTTP from concurrent clients,
each with its own connection (kept alive where the worker class allows it), spread over a few
processes so the generator is not held back by one interpreter lock:

1. Peak, closed loop: each client sends its next request as soon as the previous one is
   answered, for the same time and concurrency, first against the floor (a DRF view that
   parses the same JSON and does one INSERT: the least the framework costs), then against
   `POST /api/v1/hotline/work-orders/` with realistic orders, each a new hotline_id, then
   against the floor again. The floor's rate is the mean of its two phases, so a machine
   that speeds up or slows down during the run (a shared host does) does not tilt the
   ratio; both are printed, with a note when they differ by more than 15%.
2. Half load, open loop: intake at 50% of the peak rate just measured, on a fixed schedule.
   A latency is counted from the moment a request was due, not from when a free client sent
   it, so queueing is not hidden (no coordinated omission).

It prints requests per second, p50 and p99 latency and errors of each phase, how the CPU
was shared and how much of it each answer took (steadier than throughput on a host whose
speed drifts), and the verdicts: intake reaches at least 60% of the floor's throughput, and its
p99 at half load stays under 150 ms; any non-2xx answer fails the run. Exit status 1 when a
verdict fails, so CI may run it.

Usage:
    .venv/bin/python scripts/benchmark_intake.py                  # 3 s warm-up + 10 s a phase
    .venv/bin/python scripts/benchmark_intake.py --quick          # 1 s + 3 s a phase
    .venv/bin/python scripts/benchmark_intake.py --concurrency 32 --workers 3
    .venv/bin/python scripts/benchmark_intake.py --worker-class gthread --workers 4 --threads 2
    .venv/bin/python scripts/benchmark_intake.py --orders 0       # start from no orders
    .venv/bin/python scripts/benchmark_intake.py --throttle       # with the Redis rate limit
    .venv/bin/python scripts/benchmark_intake.py --rounds 5       # the median of 5 rounds
    .venv/bin/python scripts/benchmark_intake.py --bound          # and intake's writes alone
    .venv/bin/python scripts/benchmark_intake.py --unchecked      # and intake unvalidated
    .venv/bin/python scripts/benchmark_intake.py --database-url postgres://u:p@host:5432/db

Rounds (`--rounds N`): N intake phases in all, each followed by a floor phase, so every
intake phase lies between two floor phases and is compared with their mean; the median of
the N ratios gives the throughput verdict. On a shared host the machine's speed can change
by a third within minutes (the same code measured 31% and 69% in one sitting), which one
pair of floor phases around one intake phase cannot cancel.

The bound (`--bound`): one more closed-loop phase, after intake's, against `/bench/bound/`,
which authenticates as intake does, writes the very rows intake writes with the very
statement, and answers as large, with none of intake's own Python (see
scripts/bench_urls.py). Its share of the floor is the most that any endpoint making
intake's writes can reach on this machine, whatever its code.

Unchecked (`--unchecked`): one more closed-loop phase against `/bench/unchecked/`, intake
with neither its serializer nor its authentication query (scripts/bench_urls.py), the most
that rewriting those two could bring intake to.

Deferred work: the hotline's orders are checked for duplicates just after the answer, in
the worker (no worker consumes the benchmark's queue). After the phases the script runs
that check itself over every order intake wrote and prints its cost per order, so the work
moved out of the request is shown, not hidden.

Data: the duplicate check looks at 30 days of orders, so a run starts from a year of
orders seeded as the inbox benchmark does (100,000 by default, about 8,000 of them in the
last 30 days). They are seeded once into `<database>_seed` (again when `--orders` changes
or the newest is a day old), and every run works on a fresh copy of it, `<database>`
(default `wuqing_consumer_bench_intake`), made with CREATE DATABASE … TEMPLATE in about a
second. Both are migrated; the copy is dropped and made again, so the script refuses a name
without "bench".

Server: sync workers, 4 by default (twice the cores). Measured on the 2-core machine, 2 to 4
sync workers give the same throughput within noise, 6 lose 10-15% to switching, and gthread
(2x4 or 4x2) is no faster, since the work is Python under one lock per process, and has a
much worse p99. Sync workers answer `Connection: close`, so each request opens a new
loopback connection; that costs the floor and intake alike.

Settings: DEBUG and HTTPS off, as on the intranet; Redis (cache, Celery broker) on its own
database number, 15 unless `--redis-url`, so a task queued by intake never reaches a
developer's worker. The client's rate limit is set out of reach, and the rate limit itself
is off unless `--throttle` (DRF keeps every request time of the last minute in one cache
entry, so at benchmark rates that entry, not intake, would be measured). Server, database
and load generator share this machine: the load average and the CPU split are printed,
with a warning when other processes took a noticeable share.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from scripts.benchmark_inbox import (  # noqa: E402
    BRANDS,
    DEFAULT_HOST_URL,
    DEMANDS,
    SURNAMES,
    TOPICS,
    TRIAGE_TOPICS,
    UNIT_WEIGHTS,
    ensure_database,
    machine_load,
    weighted,
)

DEFAULT_DB = "wuqing_consumer_bench_intake"
SETTINGS_MODULE = "scripts.bench_settings"
APP = "wuqing_consumer.wsgi:application"
DEFAULT_ORDERS = 100_000
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
INTAKE_PATH = "/api/v1/hotline/work-orders/"
FLOOR_PATH = "/bench/floor/"
BOUND_PATH = "/bench/bound/"
UNCHECKED_PATH = "/bench/unchecked/"
FLOOR_TABLE = "bench_floor"
CLIENT_NAME = "benchmark intake"
TARGET_RATIO = 0.60
TARGET_P99_MS = 150.0
FLOOR_SPREAD_NOTE = 0.15
HALF_LOAD = 0.5
KINDS = {"complaint": 80, "report": 10, "inquiry": 10}
PAYLOAD_VARIANTS = 500
MAX_ERROR_SAMPLES = 5
OTHER_CPU_WARNING = 0.25
SERVER_LOG = Path(tempfile.gettempdir()) / "wuqing_bench_intake" / "gunicorn.log"


# --- database and settings, before Django is set up -----------------------------------------


def configure_environment(database_url: str, *, redis_url: str, throttle: bool) -> dict[str, str]:
    """The environment of this process and of gunicorn: production-like, DEBUG off."""
    state = Path(tempfile.gettempdir()) / "wuqing_bench_intake"
    state.mkdir(exist_ok=True)
    values = {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HTTPS": "0",
        "API_THROTTLE_ENABLED": "1" if throttle else "0",
        # The floor answers without a key, so the limit on pages for visitors who are not
        # signed in would count it (and refuse it past 120 a minute); the API is not counted.
        "ANON_RATE_LIMIT_ENABLED": "0",
        "REDIS_URL": redis_url,
        "SECRET_KEY_FILE": str(state / "secret_key"),
        "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "wuqing_bench_static"),
        "MEDIA_ROOT": str(state / "media"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
    }
    os.environ.update(values)
    return dict(os.environ)


def replaceable_name(database_url: str) -> str | None:
    """The database's name, if a benchmark may drop and make it again: only one whose name
    says it is a benchmark's. None, having said why, for any other."""
    name = unquote(urlsplit(database_url).path.lstrip("/"))
    if "bench" not in name:
        print(f"refusing to replace {name!r}: its name does not contain 'bench'")
        return None
    return name


def _maintenance(url: str):
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        dbname="postgres",
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or "") or None,
    )
    connection.autocommit = True
    return connection


def prepare_template(orders: int, *, reseed: bool) -> None:
    """Migrate the seed database and fill it with `orders` orders over the past year, unless
    it holds them already and the newest is less than a day old (the duplicate check looks
    at the last 30 days, so the seeded orders must be recent)."""
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone

    from complaints.models import WorkOrder
    from scripts.benchmark_inbox import SEED, seed

    call_command("migrate", interactive=False, verbosity=0)
    seeded = WorkOrder.objects.filter(source_client__isnull=True)
    count = seeded.count()
    newest = seeded.aggregate(newest=Max("received_at"))["newest"]
    stale = newest is None or newest < timezone.now() - timedelta(days=1)
    if reseed or count != orders or (orders and stale) or WorkOrder.objects.count() != count:
        print(f"seeding {orders:,} orders into {connection.settings_dict['NAME']} ...", flush=True)
        if orders:
            try:
                seed(orders, random.Random(SEED))
            except Exception as error:
                raise SystemExit(
                    f"seeding failed in scripts/benchmark_inbox.py: {error!r}. The orders "
                    f"already there are kept; run with --orders 0 for an empty database."
                ) from error
        else:
            from complaints.models import OrderNumberCounter

            with connection.cursor() as cursor:
                cursor.execute(
                    f"TRUNCATE {WorkOrder._meta.db_table}, {OrderNumberCounter._meta.db_table}"
                    " RESTART IDENTITY CASCADE"
                )
    connection.close()


def copy_database(template_url: str, run_url: str) -> None:
    """A fresh copy of the seed database for this run: every run starts from the same rows."""
    from psycopg2 import sql

    template = unquote(urlsplit(template_url).path.lstrip("/"))
    name = unquote(urlsplit(run_url).path.lstrip("/"))
    connection = _maintenance(run_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
    finally:
        connection.close()


def prepare_run(run_url: str) -> tuple[str, list[str]]:
    """Point Django at the run's copy, add the floor table and the API client. Returns the
    client's key and the town codes orders may name."""
    from django.db import connection

    from departments.models import Town

    connection.close()
    connection.settings_dict["NAME"] = unquote(urlsplit(run_url).path.lstrip("/"))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (id bigserial PRIMARY KEY, body text NOT NULL)")
    key = create_client()
    towns = list(Town.objects.order_by("code").values_list("code", flat=True))
    connection.close()
    return key, towns


def create_client() -> str:
    """The run's API client, its rate limit out of reach; returns its key. In the audit
    trail as made by this script, as `manage.py create_api_client` names itself."""
    from complaints.clients import api_client_create

    _client, key, _secret = api_client_create(
        name=CLIENT_NAME, rate_limit_per_minute=10**9, command="scripts/benchmark_intake.py"
    )
    return key


def describe_data() -> str:
    from django.db.models import Count, Q
    from django.utils import timezone

    from complaints.models import WorkOrder
    from complaints.services import DUPLICATE_WINDOW

    since = timezone.now() - DUPLICATE_WINDOW
    counts = WorkOrder.objects.aggregate(
        total=Count("id"), recent=Count("id", filter=Q(received_at__gte=since))
    )
    return (
        f"{counts['total']:,} orders at the start, {counts['recent']:,} of them in the "
        f"last {DUPLICATE_WINDOW.days} days (what the duplicate check reads)"
    )


def count_rows() -> tuple[int, int]:
    from django.db import connection

    from complaints.models import WorkOrder

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FLOOR_TABLE}")
        (floor_rows,) = cursor.fetchone()
    return WorkOrder.objects.filter(source_client__isnull=False).count(), floor_rows


def deferred_work() -> None:
    """What intake leaves to the worker, measured here so it is not hidden: the duplicate
    check of the hotline's orders (no worker consumes the benchmark's queue)."""
    from complaints.models import PossibleDuplicate, WorkOrder
    from complaints.services import find_pending_duplicates

    pending = WorkOrder.objects.filter(duplicates_pending=True).count()
    before = PossibleDuplicate.objects.count()
    started, cpu = time.perf_counter(), time.process_time()
    checked = find_pending_duplicates()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    found = PossibleDuplicate.objects.count() - before
    if not checked:
        print(f"deferred to the worker: nothing ({pending} orders pending)")
        return
    print(
        f"deferred to the worker: duplicate check of {checked:,} orders in {elapsed:.2f} s "
        f"({1000 * elapsed / checked:.2f} ms an order, {1000 * cpu / checked:.2f} ms of it "
        f"Python; {found:,} possible duplicates found), outside the request"
    )


# --- gunicorn -------------------------------------------------------------------------------


@dataclass
class ServerConfig:
    worker_class: str
    workers: int
    threads: int

    def describe(self) -> str:
        if self.worker_class == "gthread":
            return f"gthread, {self.workers} workers x {self.threads} threads"
        return f"{self.worker_class}, {self.workers} workers"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn_server(config: ServerConfig, environment: dict[str, str]):
    """gunicorn from the venv on 127.0.0.1, stopped on exit, Ctrl-C or an error. It runs in
    its own session so Ctrl-C reaches only this script, which then stops it in order."""
    port = free_port()
    log = SERVER_LOG
    command = [
        str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
        APP,
        "--chdir",
        str(BASE_DIR),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(config.workers),
        "--worker-class",
        config.worker_class,
        "--threads",
        str(config.threads),
        "--keep-alive",
        "5",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    with log.open("w") as log_file:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_answering(port, process, log)
        yield port, process.pid, " ".join(command[1:])
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_answering(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


# --- CPU accounting (Linux /proc) -----------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict[int, tuple[int, str, int]]:
    """pid: (parent pid, command line, CPU ticks) of every process we may read."""
    rows = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        ticks = int(fields[11]) + int(fields[12])
        rows[int(entry)] = (int(fields[1]), command.decode(errors="replace"), ticks)
    return rows


def _ours(command: str, database: str) -> bool:
    """The postmaster, its background processes, and backends connected to `database`;
    not the backends of other databases (a test run on the same server, say)."""
    if "/bin/postgres " in command:
        return True
    if not command.startswith("postgres: "):
        return False
    is_backend = "(" in command  # "postgres: 15/main: user db 127.0.0.1(port) idle"
    return not is_backend or f" {database} " in command


def cpu_sample(server_pid: int, database: str) -> dict[str, object]:
    """CPU ticks so far: the machine (busy), and per process of gunicorn and of PostgreSQL
    (its shared background processes and the backends of this run's database)."""
    try:
        first_line = Path("/proc/stat").read_text().split("\n")[0].split()[1:]
        rows = _processes()
    except OSError:
        return {}
    busy = sum(int(value) for index, value in enumerate(first_line) if index not in (3, 4))
    server = {server_pid} | {pid for pid, row in rows.items() if row[0] == server_pid}
    postgres = {pid for pid, row in rows.items() if _ours(row[1], database)}
    return {
        "busy": busy,
        "gunicorn": {pid: rows[pid][2] for pid in server},
        "postgres": {pid: rows[pid][2] for pid in postgres},
    }


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds between two samples; a process that started between them counts whole."""
    if not before or not after:
        return {}
    used = {"busy": (after["busy"] - before["busy"]) / TICKS}
    for name in ("gunicorn", "postgres"):
        used[name] = (
            sum(ticks - before[name].get(pid, 0) for pid, ticks in after[name].items()) / TICKS
        )
    return used


# --- the load generator (runs in child processes) -------------------------------------------


@dataclass
class LoadSpec:
    port: int
    path: str
    key: str
    towns: list[str]
    threads: int
    start_at: float  # wall clock, shared by every process
    warmup: float
    duration: float
    rate: float | None  # requests/second of this process; None: closed loop
    offset: float  # open loop: this process's first request is due this much later
    id_prefix: str
    seed: int


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds, requests in the window
    completed: int = 0  # answered within the window (closed loop: the throughput)
    statuses: Counter = field(default_factory=Counter)  # every request, warm-up included
    window_statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # one-line summary: count
    late: int = 0  # open loop: sent more than 10 ms after it was due
    cpu_seconds: float = 0.0


def make_payloads(rng: random.Random, towns: list[str]) -> list[dict]:
    """Orders as the hotline sends them, over the topics of the inbox benchmark: a mix of
    units, businesses and callers, a few that no rule routes (triage)."""
    payloads = []
    for _ in range(PAYLOAD_VARIANTS):
        if rng.random() < 0.1:
            title, category, business_kind, story = rng.choice(TRIAGE_TOPICS)
        else:
            title, category, business_kind, story = rng.choice(TOPICS[weighted(rng, UNIT_WEIGHTS)])
        business = f"天津{rng.choice(BRANDS)}{business_kind}"
        payload = {
            "kind": weighted(rng, KINDS),
            "title": title,
            "content": f"本人反映：{story}。涉及经营者为{business}。{rng.choice(DEMANDS)}",
            "category": category,
            "citizen": {
                "name": f"{rng.choice(SURNAMES)}{rng.choice(('先生', '女士'))}",
                "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            },
            "business": {"name": business},
        }
        if towns and rng.random() < 0.7:
            payload["town"] = rng.choice(towns)
        if rng.random() < 0.3:
            payload["amount"] = f"{rng.randint(50, 20000)}.00"
        payloads.append(payload)
    return payloads


def _post(connection: http.client.HTTPConnection, path: str, body: bytes, headers: dict):
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        return 0, repr(error)
    return response.status, data


def _error_summary(status: int, data: bytes | str) -> str:
    """One line: the status and the page title or the start of the body."""
    text = data if isinstance(data, str) else data[:4000].decode("utf-8", "replace")
    match = re.search(r"<title>(.*?)</title>", text, re.S)
    text = " ".join((match.group(1) if match else text).split())
    return f"{status or 'no answer'} {text[:160]}"


def run_load(spec: LoadSpec) -> LoadResult:
    """One generator process: `spec.threads` clients, each with its own connection."""
    cpu_start = time.process_time()
    shift = time.time() - time.monotonic()
    start = spec.start_at - shift
    measure_from, end = start + spec.warmup, start + spec.warmup + spec.duration
    result = LoadResult()
    lock = threading.Lock()
    due_index = itertools.count()
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Authorization": f"Bearer {spec.key}",
    }

    def client(number: int) -> None:
        rng = random.Random(spec.seed * 1000 + number)
        payloads = make_payloads(rng, spec.towns)
        connection = http.client.HTTPConnection("127.0.0.1", spec.port, timeout=30)
        latencies, statuses, window_statuses, errors = [], Counter(), Counter(), Counter()
        completed = late = 0
        time.sleep(max(0.0, start - time.monotonic()))
        for sequence in itertools.count():
            if spec.rate is None:
                due = time.monotonic()
                if due >= end:
                    break
            else:
                due = start + spec.offset + next(due_index) / spec.rate
                if due >= end:
                    break
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                elif wait < -0.010 and due >= measure_from:
                    late += 1
            body = dict(rng.choice(payloads))
            body["hotline_id"] = f"{spec.id_prefix}-{number}-{sequence}"
            status, data = _post(
                connection, spec.path, json.dumps(body, ensure_ascii=False).encode(), headers
            )
            done = time.monotonic()
            statuses[status] += 1
            ok = 200 <= status < 300
            if not ok:
                summary = _error_summary(status, data)
                if summary in errors or len(errors) < MAX_ERROR_SAMPLES:
                    errors[summary] += 1
            if measure_from <= done <= end:
                completed += 1
                if due >= measure_from:
                    latencies.append(done - due)
                    window_statuses[status] += 1
        connection.close()
        with lock:
            result.latencies.extend(latencies)
            result.statuses.update(statuses)
            result.window_statuses.update(window_statuses)
            result.errors.update(errors)
            result.completed += completed
            result.late += late

    threads = [threading.Thread(target=client, args=(n,)) for n in range(spec.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.cpu_seconds = time.process_time() - cpu_start
    return result


# --- phases and report ----------------------------------------------------------------------


@dataclass
class Phase:
    label: str
    mode: str
    concurrency: int
    duration: float
    target_rate: float | None
    result: LoadResult
    cpu: dict[str, float]

    @property
    def rate(self) -> float:
        return self.result.completed / self.duration

    def percentile(self, q: int) -> float:
        values = sorted(self.result.latencies)
        if not values:
            return float("nan")
        if len(values) == 1:
            return values[0] * 1000
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.result.statuses.items() if not 200 <= status < 300)

    @property
    def requests(self) -> int:
        return sum(self.result.statuses.values())


def run_phase(
    pool,
    *,
    label: str,
    tag: str,
    path: str,
    args,
    port: int,
    server_pid: int,
    key: str,
    towns: list[str],
    run_id: str,
    rate: float | None = None,
) -> Phase:
    processes = args.client_processes
    per_process = [
        args.concurrency // processes + (i < args.concurrency % processes) for i in range(processes)
    ]
    start_at = time.time() + 1.0
    specs = [
        LoadSpec(
            port=port,
            path=path,
            key=key,
            towns=towns,
            threads=threads,
            start_at=start_at,
            warmup=args.warmup,
            duration=args.duration,
            rate=None if rate is None else rate / processes,
            offset=0.0 if rate is None else index / rate,
            id_prefix=f"{run_id}-{tag}{index}",
            seed=int(time.time()) * 100 + index,
        )
        for index, threads in enumerate(per_process)
        if threads
    ]
    database = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    before, started = cpu_sample(server_pid, database), time.monotonic()
    pending = pool.map_async(run_load, specs)
    while not pending.ready():
        pending.wait(0.2)  # a bare map() would not see Ctrl-C until the phase ends
    parts = pending.get()
    after, elapsed = cpu_sample(server_pid, database), time.monotonic() - started
    total = LoadResult()
    for part in parts:
        total.latencies.extend(part.latencies)
        total.completed += part.completed
        total.statuses.update(part.statuses)
        total.window_statuses.update(part.window_statuses)
        total.errors.update(part.errors)
        total.late += part.late
        total.cpu_seconds += part.cpu_seconds
    cpu = cpu_used(before, after)
    if cpu:
        cpu["generator"] = total.cpu_seconds
        cpu["elapsed"] = elapsed
    return Phase(
        label=label,
        mode="closed loop" if rate is None else "open loop",
        concurrency=args.concurrency,
        duration=args.duration,
        target_rate=rate,
        result=total,
        cpu=cpu,
    )


def other_cpu(cpu: dict[str, float]) -> float:
    return max(cpu["busy"] - cpu["gunicorn"] - cpu["postgres"] - cpu["generator"], 0.0)


def cpu_text(cpu: dict[str, float]) -> str:
    if not cpu:
        return "n/a"
    elapsed = cpu["elapsed"]
    other = other_cpu(cpu)

    def share(seconds: float) -> str:
        return f"{100 * seconds / elapsed:.0f}%"

    return (
        f"gunicorn {share(cpu['gunicorn'])}, postgres {share(cpu['postgres'])}, "
        f"load generator {share(cpu['generator'])}, other {share(other)}; "
        f"machine busy {share(cpu['busy'])} of {100 * (os.cpu_count() or 1)}%"
    )


def cpu_per_answer(phase: Phase, part: str) -> float:
    """Milliseconds of `part`'s CPU (or the machine's, "busy") spent per answer."""
    return 1000 * phase.cpu[part] / phase.cpu["elapsed"] / phase.rate


def per_answer_text(phase: Phase) -> str:
    gunicorn, postgres, machine = (
        cpu_per_answer(phase, part) for part in ("gunicorn", "postgres", "busy")
    )
    return (
        f"per answer: gunicorn {gunicorn:.2f} ms, postgres {postgres:.2f} ms, "
        f"machine {machine:.2f} ms"
    )


def round_ratios(floors: list[Phase], intakes: list[Phase]) -> list[float]:
    """Each intake phase's rate against the mean of the floor phases run just before and
    just after it (floors[i] and floors[i + 1]): a machine whose speed drifts tilts each
    ratio less than it tilts one comparison across the whole run."""
    if len(floors) != len(intakes) + 1:
        raise ValueError(f"{len(intakes)} intake phases need {len(intakes) + 1} floor phases")
    ratios = []
    for index, intake in enumerate(intakes):
        floor_rate = statistics.fmean((floors[index].rate, floors[index + 1].rate))
        ratios.append(intake.rate / floor_rate if floor_rate else 0.0)
    return ratios


def report_rounds(floors: list[Phase], intakes: list[Phase]) -> bool:
    """`--rounds`: every intake phase between two floor phases, and the median ratio,
    which decides the throughput verdict instead of the first pair's alone."""
    ratios = round_ratios(floors, intakes)
    print("rounds: each intake phase against the floor phases just before and after it")
    for index, (intake, ratio) in enumerate(zip(intakes, ratios, strict=True)):
        before, after = floors[index], floors[index + 1]
        cost = ""
        if intake.cpu and before.cpu and after.cpu and intake.rate:
            floor_cost = statistics.fmean(cpu_per_answer(f, "busy") for f in (before, after))
            cost = f", machine CPU an answer {cpu_per_answer(intake, 'busy') / floor_cost:.2f}x"
        print(
            f"  {index + 1:2d}  intake {intake.rate:7.1f} req/s, floors {before.rate:7.1f} / "
            f"{after.rate:7.1f}: {100 * ratio:3.0f}%{cost}"
        )
    median = statistics.median(ratios)
    passed = median >= TARGET_RATIO
    print(
        f"{'PASS' if passed else 'FAIL'}  intake peak throughput is {100 * median:.0f}% of the "
        f"floor's, the median of {len(ratios)} rounds ({100 * min(ratios):.0f}% to "
        f"{100 * max(ratios):.0f}%); target at least {100 * TARGET_RATIO:.0f}%"
    )
    return passed


def report(
    phases: list[Phase],
    floors: tuple[Phase, Phase],
    peak: Phase,
    half: Phase,
    bound: Phase | None = None,
    unchecked: Phase | None = None,
    rounds: tuple[list[Phase], list[Phase]] | None = None,
) -> bool:
    print()
    print(
        f"{'phase':34} {'mode':11} {'clients':>7} {'requests':>9} {'req/s':>8} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    print("-" * 98)
    for phase in phases:
        print(
            f"{phase.label:34} {phase.mode:11} {phase.concurrency:7d} {phase.requests:9,d} "
            f"{phase.rate:8.1f} {phase.percentile(50):8.1f} {phase.percentile(99):8.1f} "
            f"{phase.errors:7d}"
        )
    print(
        f"(each phase: {peak.duration:g} s measured after a warm-up; requests include the "
        f"warm-up; req/s = answers within the measured window)"
    )
    print()
    print("CPU while each phase ran (100% = one core), and per answer:")
    for phase in phases:
        print(f"  {phase.label:32} {cpu_text(phase.cpu)}")
        if phase.cpu and phase.rate:
            print(f"  {'':32} {per_answer_text(phase)}")
    busy = [
        phase.label
        for phase in phases
        if phase.cpu and other_cpu(phase.cpu) > OTHER_CPU_WARNING * phase.cpu["elapsed"]
    ]
    if busy:
        print(
            f"  warning: other processes used more than {100 * OTHER_CPU_WARNING:.0f}% of a "
            f"core during: {', '.join(busy)}; those numbers are low, run again when idle"
        )
    print()
    statuses_seen = False
    for phase in phases:
        if phase.errors:
            statuses_seen = True
            codes = ", ".join(
                f"{code or 'no answer'}: {n}" for code, n in sorted(phase.result.statuses.items())
            )
            print(f"{phase.label}: answers {codes}")
            for summary, count in phase.result.errors.most_common(MAX_ERROR_SAMPLES):
                print(f"    {count} x {summary}")
    if statuses_seen:
        print(f"  (tracebacks, if any, in {SERVER_LOG})")
        print()

    ok = True
    before, after = (floor.rate for floor in floors)
    floor_rate = statistics.fmean((before, after))
    ratio = peak.rate / floor_rate if floor_rate else 0.0
    passed = ratio >= TARGET_RATIO
    if rounds:
        print("(the first round; the median of all rounds decides, below)")
    else:
        ok &= passed
    print(
        f"{'PASS' if passed else 'FAIL'}  intake peak throughput is {100 * ratio:.0f}% of the "
        f"floor's ({peak.rate:.1f} vs {floor_rate:.1f} req/s, the mean of {before:.1f} before "
        f"and {after:.1f} after); target at least {100 * TARGET_RATIO:.0f}%"
    )
    if peak.cpu and all(floor.cpu for floor in floors) and peak.rate and before and after:
        floor_cost = statistics.fmean(cpu_per_answer(floor, "busy") for floor in floors)
        print(
            f"      an answer from intake costs {cpu_per_answer(peak, 'busy') / floor_cost:.2f}x "
            f"the floor's machine CPU ({cpu_per_answer(peak, 'busy'):.2f} vs {floor_cost:.2f} "
            f"ms); while the CPU is what limits both, {100 * TARGET_RATIO:.0f}% allows "
            f"{1 / TARGET_RATIO:.2f}x"
        )
    if bound and floor_rate:
        print(
            f"      the bound, intake's writes with none of its Python, reaches "
            f"{100 * bound.rate / floor_rate:.0f}% of the floor ({bound.rate:.1f} req/s): the "
            f"most an endpoint making intake's writes can reach here; intake reaches "
            f"{100 * peak.rate / bound.rate:.0f}% of the bound"
        )
    if unchecked and floor_rate:
        print(
            f"      intake without its serializer or authentication query reaches "
            f"{100 * unchecked.rate / floor_rate:.0f}% of the floor ({unchecked.rate:.1f} "
            f"req/s; {100 * peak.rate / unchecked.rate:.0f}% of it is intake): the most a "
            f"rewrite of those two could bring"
        )
    if floor_rate and abs(before - after) > FLOOR_SPREAD_NOTE * floor_rate:
        print(
            "note: the floor's two phases differ by more than "
            f"{100 * FLOOR_SPREAD_NOTE:.0f}%: the machine's speed changed during the run; "
            "run again for a steadier ratio"
        )
    if rounds:
        ok &= report_rounds(*rounds)
    p99 = half.percentile(99)
    passed = p99 < TARGET_P99_MS
    ok &= passed
    print(
        f"{'PASS' if passed else 'FAIL'}  intake p99 at half load is {p99:.1f} ms "
        f"(p50 {half.percentile(50):.1f} ms at {half.rate:.1f} req/s); target under "
        f"{TARGET_P99_MS:.0f} ms"
    )
    errors = sum(phase.errors for phase in phases)
    requests = sum(phase.requests for phase in phases)
    passed = errors == 0
    ok &= passed
    print(
        f"{'PASS' if passed else 'FAIL'}  errors: {errors} non-2xx or failed of "
        f"{requests:,} requests"
    )
    if half.target_rate and half.rate < 0.95 * half.target_rate:
        print(
            f"note: the half-load phase reached {half.rate:.1f} of {half.target_rate:.1f} req/s "
            f"asked; its latencies include the wait for a free client"
        )
    if half.result.late:
        print(
            f"note: {half.result.late} half-load requests were sent more than 10 ms after they "
            f"were due (no free client, or the generator lagged); their wait is in the latency"
        )
    print()
    print("RESULT:", "PASS" if ok else "FAIL")
    return ok


def revision() -> str:
    """The commit measured, and whether the working tree differs from it."""
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, help="measured seconds per phase (10)")
    parser.add_argument("--warmup", type=float, help="unmeasured seconds before each phase (3)")
    parser.add_argument("--concurrency", type=int, default=16, help="clients (default 16)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (sync 4, gthread 2)")
    parser.add_argument(
        "--worker-class", choices=("sync", "gthread"), default="sync", help="default sync"
    )
    parser.add_argument("--threads", type=int, default=4, help="per gthread worker (4)")
    parser.add_argument(
        "--client-processes", type=int, default=2, help="load generator processes (2)"
    )
    parser.add_argument("--quick", action="store_true", help="3 s phases, 1 s warm-up")
    parser.add_argument("--throttle", action="store_true", help="keep the API rate limit on")
    parser.add_argument(
        "--bound", action="store_true", help="measure intake's writes alone as well"
    )
    parser.add_argument(
        "--unchecked",
        action="store_true",
        help="measure intake without its serializer or authentication query as well",
    )
    parser.add_argument(
        "--orders",
        type=int,
        default=DEFAULT_ORDERS,
        help=f"orders over the past year already in the database (default {DEFAULT_ORDERS:,})",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="intake phases, each between two floor phases; the median ratio decides (1)",
    )
    parser.add_argument("--reseed", action="store_true", help="seed the orders again")
    parser.add_argument("--database-url", help=f"default {DEFAULT_HOST_URL}/{DEFAULT_DB}")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS, help=f"default {DEFAULT_REDIS}")
    args = parser.parse_args()
    args.duration = args.duration or (3.0 if args.quick else 10.0)
    args.warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 3.0)
    args.client_processes = max(1, min(args.client_processes, args.concurrency))
    config = ServerConfig(
        worker_class=args.worker_class,
        workers=args.workers or (4 if args.worker_class == "sync" else 2),
        threads=args.threads if args.worker_class == "gthread" else 1,
    )
    database_url = args.database_url or f"{DEFAULT_HOST_URL}/{DEFAULT_DB}"
    parts = urlsplit(database_url)
    name = replaceable_name(database_url)
    if name is None:
        return 2
    template_url = parts._replace(path=f"{parts.path}_seed").geturl()

    ensure_database(template_url)
    environment = configure_environment(
        template_url, redis_url=args.redis_url, throttle=args.throttle
    )
    prepare_template(args.orders, reseed=args.reseed)
    copy_database(template_url, database_url)
    environment["DATABASE_URL"] = os.environ["DATABASE_URL"] = database_url
    key, towns = prepare_run(database_url)
    data = describe_data()

    import multiprocessing

    run_id = f"{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}"
    pool = multiprocessing.get_context("spawn").Pool(
        args.client_processes, initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN)
    )
    try:
        with gunicorn_server(config, environment) as (port, server_pid, command):
            print(f"code: {revision()}; database {name} (a copy of {name}_seed)")
            print(f"  {data}")
            print(f"gunicorn {config.describe()} on 127.0.0.1:{port}")
            print(f"  {command}")
            connections = "new per request" if config.worker_class == "sync" else "kept alive"
            print(
                f"load: {args.concurrency} clients over {args.client_processes} processes, "
                f"connections {connections}; {args.warmup:g} s warm-up + {args.duration:g} s "
                f"per phase; API rate limit {'on' if args.throttle else 'off'}"
            )
            print(f"  before: {machine_load()}", flush=True)
            common = {
                "args": args,
                "port": port,
                "server_pid": server_pid,
                "key": key,
                "towns": towns,
                "run_id": run_id,
            }
            floor = run_phase(
                pool, label="floor (DRF view, 1 INSERT)", tag="f", path=FLOOR_PATH, **common
            )
            print(f"  floor:  {floor.rate:.1f} req/s", flush=True)
            peak = run_phase(pool, label="intake, peak", tag="p", path=INTAKE_PATH, **common)
            print(f"  intake: {peak.rate:.1f} req/s", flush=True)
            bound = None
            if args.bound:
                bound = run_phase(
                    pool, label="bound (intake's writes alone)", tag="b", path=BOUND_PATH, **common
                )
                print(f"  bound:  {bound.rate:.1f} req/s", flush=True)
            unchecked = None
            if args.unchecked:
                unchecked = run_phase(
                    pool,
                    label="intake unchecked (no serializer)",
                    tag="u",
                    path=UNCHECKED_PATH,
                    **common,
                )
                print(f"  unchecked: {unchecked.rate:.1f} req/s", flush=True)
            floor_again = run_phase(
                pool, label="floor again, after intake", tag="g", path=FLOOR_PATH, **common
            )
            print(f"  floor:  {floor_again.rate:.1f} req/s", flush=True)
            floors, intakes = [floor, floor_again], [peak]
            for number in range(2, args.rounds + 1):
                for phases, name, tag, path in (
                    (intakes, "intake", "p", INTAKE_PATH),
                    (floors, "floor", "g", FLOOR_PATH),
                ):
                    label, tag = f"{name}, round {number}", f"{tag}{number}"
                    phases.append(run_phase(pool, label=label, tag=tag, path=path, **common))
                    print(f"  {name + ':':7} {phases[-1].rate:.1f} req/s", flush=True)
            half_rate = HALF_LOAD * peak.rate
            half = run_phase(
                pool,
                label=f"intake at {100 * HALF_LOAD:.0f}% of peak ({half_rate:.0f}/s)",
                tag="h",
                path=INTAKE_PATH,
                rate=half_rate,
                **common,
            )
            print(f"  half:   {half.rate:.1f} req/s", flush=True)
            print(f"  after:  {machine_load()}")
    finally:
        pool.terminate()
        pool.join()
    orders, floor_rows = count_rows()
    extra = [phase for phase in (bound, unchecked) if phase]
    by = " and ".join(["intake", *(phase.label.split(" (")[0] for phase in extra)])
    print(f"rows written: {orders:,} work orders by {by}, {floor_rows:,} floor rows")
    deferred_work()
    later = [phase for pair in zip(intakes[1:], floors[2:], strict=True) for phase in pair]
    phases = [floor, peak, *extra, floor_again, *later, half]
    rounds = (floors, intakes) if args.rounds > 1 else None
    return 0 if report(phases, (floor, floor_again), peak, half, bound, unchecked, rounds) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted; gunicorn and the load generator were stopped")
        sys.exit(130)
