"""The office told of a returned report that came back changed: its first submission and
its resubmission read the same ("…已报送…信息报告", twice in the bell), so the office could
not tell the corrected report from the one it had returned."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from complaints.deadlines import BEIJING
from departments.models import Notification
from reports import services
from tests.factories import unit


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=BEIJING), tick=False):
        yield


def submitted_notices(office_staff, report) -> list[str]:
    return list(
        Notification.objects.filter(
            recipient=office_staff, key__startswith=f"report_submitted:{report.id}:"
        )
        .order_by("id")
        .values_list("title", flat=True)
    )


def test_a_report_submitted_again_after_its_return_is_told_as_such(office_staff, mr_liaison):
    report = services.report_start(
        unit=unit("market-regulation"), year=2026, quarter=3, acting_user=mr_liaison
    )
    services.report_save(
        report_id=report.id,
        acting_user=mr_liaison,
        values={"situation": "本季度投诉平稳。"},
        sampling=[],
        publicity=[],
    )
    services.report_submit(report_id=report.id, acting_user=mr_liaison)
    services.report_return(report_id=report.id, acting_user=office_staff, comment="请补充案件数据")
    services.report_submit(report_id=report.id, acting_user=mr_liaison)

    first, again = submitted_notices(office_staff, report)
    assert first == "区市场监管局已报送2026年第三季度信息报告"
    assert again != first
    assert again.startswith("区市场监管局")
    assert "2026年第三季度" in again
