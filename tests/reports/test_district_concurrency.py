"""Two first saves of a quarter's district analysis at once, both from pages opened before
the quarter had a report: one creates the report, the other is refused as stale, neither
writes over the other nor fails with a server error (the quarter is unique; the loser's
insert waits for the winner and then finds its row).

Commits (transaction=True) and uses two database connections, so it needs PostgreSQL.
It waits on conditions (barriers), never on the clock."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection
from django.db.models.query import QuerySet
from django.utils import translation

from reports import figures, services
from reports.models import DistrictReport
from wuqing_consumer.versions import NEW

DISTRICT_STALE = (
    "Someone else changed the district report while you had it open, so nothing was saved. "
    "The rest of the page shows the report as it is now; the form you sent keeps what you "
    "typed: check it and send it again."
)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: two connections inserting one quarter.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_first_analyses_saved_at_once_keep_one_and_refuse_the_other(
    office_director, office_staff, monkeypatch
):
    """Each save, once it has looked for the quarter's report and found none, waits for the
    other to have looked too before inserting: both inserts race on the unique quarter."""
    period = figures.Period(2026, 3)
    both_looked = threading.Barrier(2)
    original_create = QuerySet.create

    def create(self, **kwargs):
        if self.model is DistrictReport:
            with contextlib.suppress(threading.BrokenBarrierError):
                both_looked.wait(timeout=10)
        return original_create(self, **kwargs)

    monkeypatch.setattr(QuerySet, "create", create)
    people = {"主任的分析": office_director, "工作人员的分析": office_staff}
    outcomes: dict[str, object] = {}

    def save(analysis: str) -> None:
        try:
            with translation.override("en"):
                services.district_report_save(
                    period=period,
                    acting_user=people[analysis],
                    analysis=analysis,
                    expected_version=NEW,
                )
            outcomes[analysis] = "saved"
        except Exception as error:  # noqa: BLE001 - returned to the test
            outcomes[analysis] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(text,)) for text in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert not both_looked.broken  # both inserted, so the unique quarter decided

    saved = [text for text, outcome in outcomes.items() if outcome == "saved"]
    refused = [o for o in outcomes.values() if isinstance(o, services.StaleReport)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    assert str(refused[0].message) == (DISTRICT_STALE)
    report = DistrictReport.objects.get()
    assert (report.analysis, report.version) == (saved[0], 2)
