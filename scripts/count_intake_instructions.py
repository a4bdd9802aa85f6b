"""Instructions a request costs the web process: intake, its bound and the floor, counted.

`scripts/benchmark_intake.py` judges intake by throughput, which on a shared host moves by a
third within minutes: the same code measured 41% and 64% of the floor in one afternoon.
This counts instead what does not drift: the instructions the Python process executes per
request, under valgrind's callgrind, for the three endpoints the benchmark compares. Each
runs in its own process on a fresh copy of the benchmark's seeded database (the same
`<database>_seed` as the benchmark), through the WSGI handler as gunicorn calls it: a
warm-up first (uncounted, so the first request's imports and caches are not counted),
then counting switched on by the process itself (`callgrind_control -i on`) for the
requests measured. PostgreSQL's own work and gunicorn's HTTP parsing are not in the count:
the benchmark's CPU split shows those.

Use it to see whether a change to intake made its own work smaller before running the
benchmark (ten seconds of a request's work under valgrind take a few minutes).

Usage:
    .venv/bin/python scripts/count_intake_instructions.py              # 200 requests each
    .venv/bin/python scripts/count_intake_instructions.py --requests 50
    .venv/bin/python scripts/count_intake_instructions.py --paths intake

Needs valgrind (`apt-get install valgrind`) and PostgreSQL, as the benchmark does.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from scripts.benchmark_inbox import DEFAULT_HOST_URL, ensure_database  # noqa: E402
from scripts.benchmark_intake import (  # noqa: E402
    BOUND_PATH,
    DEFAULT_ORDERS,
    DEFAULT_REDIS,
    FLOOR_PATH,
    INTAKE_PATH,
    configure_environment,
    copy_database,
    make_payloads,
    prepare_run,
    prepare_template,
    replaceable_name,
)

DEFAULT_DB = "wuqing_consumer_bench_count"
SEED_DB = "wuqing_consumer_bench_intake_seed"
PATHS = {"floor": FLOOR_PATH, "bound": BOUND_PATH, "intake": INTAKE_PATH}
WARMUP = 200
COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def wsgi_environ(path: str, body: bytes, key: str) -> dict:
    """A POST as gunicorn hands it to Django."""
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "application/json",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Bearer {key}",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def post(application, path: str, payload: dict, key: str) -> str:
    """One request through the WSGI handler; its status line."""
    status = []
    body = json.dumps(payload, ensure_ascii=False).encode()
    answer = application(wsgi_environ(path, body, key), lambda line, headers: status.append(line))
    b"".join(answer)
    answer.close()
    return status[0]


def collected(log: str) -> int | None:
    """The instructions callgrind counted, from its log."""
    match = COLLECTED.search(log)
    return int(match.group(1)) if match else None


def child(path: str, key: str, towns: list[str], requests: int, tag: str) -> None:
    """Inside valgrind: warm up, count `requests` requests, stop counting."""
    import django

    django.setup()
    from wuqing_consumer.wsgi import application

    payloads = make_payloads(random.Random(7), towns)

    def send(number: int) -> None:
        payload = dict(payloads[number % len(payloads)], hotline_id=f"C{tag}-{number}")
        status = post(application, path, payload, key)
        if not status.startswith("20"):
            raise SystemExit(f"{path} answered {status}")

    for number in range(WARMUP):
        send(number)
    switch = ["callgrind_control", "-i"]
    subprocess.run([*switch, "on", str(os.getpid())], check=True, capture_output=True)
    for number in range(WARMUP, WARMUP + requests):
        send(number)
    subprocess.run([*switch, "off", str(os.getpid())], check=True, capture_output=True)


def count(name: str, key: str, towns: list[str], requests: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "valgrind.log"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={folder}/callgrind.out",
            f"--log-file={log}",
            sys.executable,
            __file__,
            "--child",
            json.dumps({"path": PATHS[name], "key": key, "towns": towns, "tag": name}),
            "--requests",
            str(requests),
        ]
        done = subprocess.run(command, cwd=BASE_DIR, capture_output=True, text=True)
        text = log.read_text() if log.exists() else ""
        total = collected(text)
        if done.returncode or total is None:
            raise SystemExit(f"{name}: counting failed\n{done.stdout}{done.stderr}{text[-2000:]}")
    return total // requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="counted per endpoint (200)")
    parser.add_argument("--paths", default="floor,bound,intake", help="floor,bound,intake")
    parser.add_argument("--orders", type=int, default=DEFAULT_ORDERS, help="seeded (100,000)")
    parser.add_argument("--database-url", help=f"default {DEFAULT_HOST_URL}/{DEFAULT_DB}")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        spec = json.loads(args.child)
        child(spec["path"], spec["key"], spec["towns"], args.requests, spec["tag"])
        return 0
    names = [name.strip() for name in args.paths.split(",") if name.strip()]
    if unknown := [name for name in names if name not in PATHS]:
        print(f"unknown path {', '.join(unknown)}: choose from {', '.join(PATHS)}")
        return 2
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        print("valgrind is not installed: apt-get install valgrind")
        return 2
    database_url = args.database_url or f"{DEFAULT_HOST_URL}/{DEFAULT_DB}"
    if replaceable_name(database_url) is None:
        return 2
    seed_url = (
        urlsplit(database_url)._replace(path=f"/{SEED_DB}").geturl()
    )  # the intake benchmark's seed
    ensure_database(seed_url)
    configure_environment(seed_url, redis_url=args.redis_url, throttle=False)
    prepare_template(args.orders, reseed=False)
    counts = {}
    for path_name in names:
        copy_database(seed_url, database_url)
        os.environ["DATABASE_URL"] = database_url
        key, towns = prepare_run(database_url)
        counts[path_name] = count(path_name, key, towns, args.requests)
        print(f"  {path_name:7} {counts[path_name]:>12,} instructions a request", flush=True)
    if "floor" in counts:
        print(f"\n{args.requests} requests each, after {WARMUP} uncounted; relative to the floor:")
        for path_name, value in counts.items():
            print(f"  {path_name:7} {value / counts['floor']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
