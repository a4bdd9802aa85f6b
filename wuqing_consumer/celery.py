import logging
import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuqing_consumer.settings")

app = Celery("wuqing_consumer")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="wuqing_consumer.ping")
def ping(value: str = "pong") -> dict:
    """A task with no side effects, to prove a worker is alive (health checks, tests)."""
    return {"pong": value}


def nudge(task, *args, countdown: float | None = None) -> None:
    """Queue `task` now (or in `countdown` seconds) if the broker answers; never fail the
    caller for the broker. For work whose rows are already committed (an outbox) and which
    a periodic sweep picks up anyway.

    A countdown past settings.TASK_MAX_COUNTDOWN is a programming error, raised: the Redis
    visibility timeout is checked against that longest countdown, and a message held longer
    would be given to a second worker while the first still waits to run it. A negative
    one is raised too: Celery runs it at once, so it says "now" by mistake (a caller that
    computes a wait clamps it to 0 itself)."""
    if countdown is not None and countdown < 0:
        raise ValueError(
            f"nudge({task.name}) countdown={countdown!r} s: expected at least 0 s; "
            "clamp a computed wait to 0, or leave countdown out to queue it now."
        )
    longest = settings.TASK_MAX_COUNTDOWN
    if countdown is not None and countdown > longest:
        raise ValueError(
            f"nudge({task.name}) countdown={countdown!r} s: expected at most {longest} s "
            "(settings.TASK_MAX_COUNTDOWN, which the visibility timeout is checked against); "
            "leave later work to the periodic sweep."
        )
    try:
        task.apply_async(args, retry=False, countdown=countdown)
    except Exception:  # noqa: BLE001 - any broker failure: the sweep will do the work
        logging.getLogger(__name__).warning(
            "Could not queue %s%s; the periodic sweep will do it.", task.name, args
        )


def _ensure_filesystem_broker_folders() -> None:
    """The folder broker used without Redis needs its folders before the first message."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)
    backend = str(app.conf.result_backend or "")
    if backend.startswith("file://"):
        os.makedirs(backend.removeprefix("file://"), exist_ok=True)


if str(app.conf.broker_url).startswith("filesystem://"):
    _ensure_filesystem_broker_folders()
