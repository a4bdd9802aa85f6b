"""The daily and monthly figures agree with counts over the orders, whatever range is read
and after changes to orders of finished months."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from complaints import stats, workflow
from complaints.deadlines import BEIJING
from complaints.models import DailyStat, MonthlyStat, StatsDirtyDay, StatsMonth, WorkOrder
from tests.factories import make_order


def at(y, m, d, hh=10):
    return datetime(y, m, d, hh, tzinfo=BEIJING)


@pytest.fixture
def orders(office_staff):
    made = []
    with time_machine.travel(at(2026, 11, 16), tick=False):
        for when, unit_code, category in (
            (at(2026, 7, 31, 23), "market-regulation", "食品"),
            (at(2026, 8, 1, 0), "market-regulation", "食品"),
            (at(2026, 8, 15), "housing", "物业"),
            (at(2026, 9, 30, 23), "market-regulation", "预付卡"),
            (at(2026, 10, 1, 1), "market-regulation", "预付卡"),
            (at(2026, 11, 2), "housing", "物业"),
        ):
            made.append(
                make_order(
                    office_staff,
                    received_at=when,
                    unit_code=unit_code,
                    category=category,
                    business_name=f"{category}商户",
                )
            )
    return made


def counted(first: date, last: date, **filters) -> int:
    return stats.received_between(WorkOrder.objects.filter(**filters), first, last).count()


RANGES = [
    (date(2026, 7, 1), date(2026, 11, 16)),  # whole months and a running one
    (date(2026, 8, 1), date(2026, 8, 31)),  # exactly one month
    (date(2026, 7, 31), date(2026, 10, 1)),  # edges on both sides of whole months
    (date(2026, 8, 2), date(2026, 9, 29)),  # no whole month
]


@pytest.mark.parametrize(("first", "last"), RANGES)
def test_totals_over_any_range_equal_a_count_over_the_orders(orders, first, last):
    with time_machine.travel(at(2026, 11, 16), tick=False):
        stats.refresh()
        assert StatsMonth.objects.filter(month=date(2026, 8, 1)).exists()
        assert not StatsMonth.objects.filter(month=date(2026, 11, 1)).exists()
        assert stats.totals(first=first, last=last)["received"] == counted(first, last)
        by_value = {
            row["value"]: row["received"]
            for row in stats.totals_by(
                "value", first=first, last=last, dimension=DailyStat.Dimension.CATEGORY
            )
        }
        for category in ("食品", "物业", "预付卡"):
            assert by_value.get(category, 0) == counted(first, last, category=category)
        by_unit = {
            row["unit_id"]: row["received"]
            for row in stats.totals_by("unit_id", first=first, last=last)
        }
        for order in orders:
            unit_id = order.primary_unit_id
            assert by_unit.get(unit_id, 0) == counted(first, last, primary_unit_id=unit_id)


def test_a_change_to_an_order_of_a_finished_month_reaches_its_monthly_figures(orders, mr_staff):
    august = orders[1]
    with time_machine.travel(at(2026, 11, 16), tick=False):
        stats.refresh()
        before = stats.totals(first=date(2026, 8, 1), last=date(2026, 8, 31))
        workflow.workorder_sign(order_id=august.id, acting_user=mr_staff)
        workflow.workorder_resolve(order_id=august.id, acting_user=mr_staff, result="已处理")
        assert StatsDirtyDay.objects.exists()
        stats.wait_until_current()
        assert not StatsDirtyDay.objects.exists()
        after = stats.totals(first=date(2026, 8, 1), last=date(2026, 8, 31))
    assert (before["resolved"], after["resolved"]) == (0, 1)
    monthly = MonthlyStat.objects.filter(
        month=date(2026, 8, 1), dimension=DailyStat.Dimension.ALL, unit_id=august.primary_unit_id
    ).get()
    assert (monthly.received, monthly.resolved) == (1, 1)


def test_refreshing_twice_changes_nothing(orders):
    with time_machine.travel(at(2026, 11, 16), tick=False):
        assert stats.refresh() == 6
        rows = sorted(DailyStat.objects.values_list("day", "dimension", "value", "received"))
        assert stats.refresh() == 0
        assert (
            sorted(DailyStat.objects.values_list("day", "dimension", "value", "received")) == rows
        )
