"""A real Celery worker process runs a project task: through Redis, and through the folder
broker that `make run` uses on a laptop without Redis."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("REDIS_URL", "")


def _start_worker(env: dict, queue: str) -> subprocess.Popen:
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
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(worker: subprocess.Popen) -> str:
    worker.terminate()
    try:
        output, _ = worker.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    return output


@pytest.mark.services
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: this test needs a real Redis")
def test_a_real_worker_runs_a_project_task_through_redis():
    from wuqing_consumer.celery import app, ping

    assert app.conf.broker_url == REDIS_URL
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = _start_worker(dict(os.environ), queue)
    try:
        token = uuid.uuid4().hex
        result = ping.apply_async(args=[token], queue=queue)
        assert result.get(timeout=90) == {"pong": token}
    finally:
        output = _stop(worker)
    assert "Traceback" not in output, output


def test_a_real_worker_runs_a_project_task_through_the_folder_broker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(CELERY_DATA_DIR=str(tmp_path / "celery"), SECRET_KEY_FILE=str(tmp_path / "key"))
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = _start_worker(env, queue)
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
        output = _stop(worker)
    assert sent.returncode == 0, sent.stderr + output
    assert sent.stdout.strip() == str({"pong": token})
