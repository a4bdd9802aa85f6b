"""A real Celery worker process runs a project task: through Redis, and through the folder
broker that `make run` uses on a laptop without Redis."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.helpers import start_worker, stop_worker, wait_for

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.mark.services
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: this test needs a real Redis")
def test_a_real_worker_runs_a_project_task_through_redis():
    from wuqing_consumer.celery import app, ping

    assert app.conf.broker_url == REDIS_URL
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(dict(os.environ), queue)
    try:
        token = uuid.uuid4().hex
        result = ping.apply_async(args=[token], queue=queue)
        assert result.get(timeout=90) == {"pong": token}
    finally:
        output = stop_worker(worker)
    assert "Traceback" not in output, output


def test_a_real_worker_runs_a_project_task_through_the_folder_broker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(CELERY_DATA_DIR=str(tmp_path / "celery"), SECRET_KEY_FILE=str(tmp_path / "key"))
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(env, queue)
    token = uuid.uuid4().hex
    client = (
        "from wuqing_consumer.celery import app, ping;"
        "assert app.conf.broker_url == 'filesystem://', app.conf.broker_url;"
        f"print(ping.apply_async(args=[{token!r}], queue={queue!r}).get(timeout=90))"
    )
    try:
        sent = subprocess.run(
            [sys.executable, "-c", client],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        output = stop_worker(worker)
    assert sent.returncode == 0, sent.stderr + output
    assert sent.stdout.strip() == str({"pong": token})


@pytest.mark.services
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: this test needs a real Redis")
def test_a_task_whose_worker_is_killed_is_redone_by_another_worker(tmp_path):
    from tests.celery_probe import probe

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.fast_redelivery_settings")
    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    first = start_worker(env, queue, "--include", "tests.celery_probe")
    try:
        probe.apply_async(args=[str(tmp_path), 60], queue=queue)
        assert wait_for(lambda: (tmp_path / "started-1").exists(), 90), stop_worker(first)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    assert not (tmp_path / "finished").exists()
    second = start_worker(env, queue, "--include", "tests.celery_probe")
    try:
        redone = wait_for(lambda: (tmp_path / "finished").exists(), 120)
    finally:
        output = stop_worker(second)
    assert redone, output
    assert (tmp_path / "finished").read_text() == "2"
