"""While the office corrects a published release, the daily task still records the end of
its violators' exposure: the correction locks the release FOR NO KEY UPDATE, which keeps a
second action on it out but lets the task's history line (its foreign key to the release
takes KEY SHARE) through. No action deletes a release or changes its id."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection

from publicity import services
from publicity.choices import ReleaseAction
from tests.complaints.test_order_lock_concurrency import _while_held
from tests.publicity.conftest import CODE_A, CODE_C, at, entry, published

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: two connections locking one row.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_end_of_an_exposure_is_recorded_while_the_release_is_being_corrected(
    mr_staff, mr_liaison, office_staff, monkeypatch
):
    release = published(
        mr_staff,
        mr_liaison,
        office_staff,
        entries=[entry(code=CODE_A, exposure_until="2026-12-31")],
    )

    def correct():
        return services.release_correct(
            release_id=release.id,
            acting_user=office_staff,
            reason="更正处罚决定书文号",
            title="2026年第四季度失信违法主体名单（更正）",
            body="根据有关规定，现将下列失信违法主体予以公示。",
            entries=[entry(name="长期公示企业", code=CODE_C)],
        )

    with time_machine.travel(at(2027, 1, 1, 0, 10), tick=False):
        ended = _while_held(
            monkeypatch, services, "validate_release", correct, services.exposures_end
        )

    assert ended == 1
    assert release.events.filter(action=ReleaseAction.EXPOSURE_END).count() == 1
    assert release.corrections.count() == 1
