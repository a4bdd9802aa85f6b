"""Small assertions shared by several test modules."""

import re
import subprocess
import sys
import time
from pathlib import Path

# Only the CSRF token and the page's own address (for the language switch) may differ
# between two renderings of the same page.
_VOLATILE = re.compile(
    rb'(csrfmiddlewaretoken" value="|X-CSRFToken": "|name="next" type="hidden" value=")[^"]+'
)


def same_page(first: bytes, second: bytes) -> bool:
    return _VOLATILE.sub(b"", first) == _VOLATILE.sub(b"", second)


ROOT = Path(__file__).resolve().parents[1]


def start_worker(env: dict, queue: str, *extra: str) -> subprocess.Popen:
    """A real Celery worker process on its own queue, with the given environment."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "wuqing_consumer",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(worker: subprocess.Popen) -> str:
    """Stop it and return what it printed."""
    worker.terminate()
    try:
        return worker.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        worker.kill()
        return worker.communicate()[0]


def wait_for(condition, timeout: float = 60.0) -> bool:
    """Poll a condition (not a fixed sleep) until it holds or the time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()
