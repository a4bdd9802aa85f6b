"""The district report of a quarter still running (the office's draft, read before the
quarter ends) compared its days so far with whole quarters: on 8 December, 69 days of the
fourth quarter against all 92 of the third read as a fall of a quarter whatever happened.
It now compares them with the same first days of the previous quarter and of the quarter a
year before, and says so; an ended quarter is compared whole, as before."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from complaints import stats
from complaints.deadlines import BEIJING
from reports import rendering
from reports.figures import Period, district_figures
from tests.factories import make_order

NOW = datetime(2026, 12, 8, 10, tzinfo=BEIJING)  # day 69 of 2026Q4


@pytest.fixture
def orders(office_staff):
    """Two in the fourth quarter so far; in the third, two in its first 69 days (to
    7 September) and three after; in 2025's fourth, one by 8 December and one after."""
    days = [
        (2026, 10, 9),
        (2026, 12, 7),
        (2026, 7, 2),
        (2026, 9, 7),
        (2026, 9, 8),
        (2026, 9, 20),
        (2026, 9, 30),
        (2025, 12, 8),
        (2025, 12, 9),
    ]
    for y, m, d in days:
        make_order(office_staff, received_at=datetime(y, m, d, 9, tzinfo=BEIJING))
    stats.refresh()


def test_a_running_quarter_is_compared_with_the_same_days_of_the_others(orders):
    with time_machine.travel(NOW, tick=False):
        f = district_figures(Period(2026, 4))
    assert f["to_date"] == "2026-12-08"
    assert (f["previous"]["first"], f["previous"]["last"]) == ("2026-07-01", "2026-09-07")
    assert (f["year_before"]["first"], f["year_before"]["last"]) == ("2025-10-01", "2025-12-08")
    assert (f["totals"]["received"], f["previous"]["received"], f["year_before"]["received"]) == (
        2,
        2,
        1,
    )
    assert f["changes"]["received"] == {"qoq": 0.0, "yoy": 100.0}


def test_an_ended_quarter_is_compared_whole(orders):
    with time_machine.travel(NOW, tick=False):
        f = district_figures(Period(2026, 3))
    assert f["to_date"] is None
    assert (f["previous"]["first"], f["previous"]["last"]) == ("2026-04-01", "2026-06-30")
    assert f["totals"]["received"] == 5


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "Q4 2026 has not ended: its figures up to 2026-12-08 are compared with the same "
            "days of Q3 2026 (up to 2026-09-07) and of Q4 2025 (up to 2025-12-08).",
        ),
        (
            "zh-hans",
            "2026年第四季度尚未结束：截至2026-12-08的数据与2026年第三季度同期（截至2026-09-07）"
            "及2025年第四季度同期（截至2025-12-08）比较。",
        ),
    ],
)
def test_the_draft_says_what_it_compares_while_the_quarter_runs(
    client, office_staff, language, said
):
    client.force_login(office_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with time_machine.travel(NOW, tick=False):
        running = client.get(reverse("district_report", args=["2026Q4"])).content.decode()
        ended = client.get(reverse("district_report", args=["2026Q3"])).content.decode()
    assert said in running
    assert 'id="compared-to-date"' not in ended


def test_the_drafts_pdf_says_so_too(db):
    with time_machine.travel(NOW, tick=False):
        html = rendering.render_html(district_figures(Period(2026, 4)))
    assert "本季度尚未结束，环比对比2026年第三季度同期（截至2026-09-07）" in html
