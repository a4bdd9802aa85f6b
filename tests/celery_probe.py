"""A task for reliability tests only, imported into a test worker with `--include`."""

import time
from pathlib import Path

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def probe(folder: str, seconds: float) -> str:
    """Marks that it started, works for `seconds`, marks that it finished."""
    folder_path = Path(folder)
    attempt = len(list(folder_path.glob("started-*"))) + 1
    (folder_path / f"started-{attempt}").touch()
    if attempt == 1:
        time.sleep(seconds)  # the first attempt is the one the test kills
    (folder_path / "finished").write_text(str(attempt))
    return "done"
