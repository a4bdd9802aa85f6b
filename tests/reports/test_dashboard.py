"""The office's and the units' dashboards: who sees what, the date range, and that their
numbers agree with the orders, with the order lists they link to and with the reports.

"Now" is Wednesday 15 July 2026, 10:00 in Beijing (the third quarter; the week began on
Monday 13 July). The dataset is made through intake and the workflow, as the office and
the units would, with the clock moved to each order's time; its expected figures are
counted here from the orders themselves, in Python, not through the summary.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from complaints import selectors, workflow
from complaints.choices import OPEN_STATUSES, Satisfaction, Status
from complaints.deadlines import BEIJING
from complaints.models import WorkOrder
from departments.choices import RoleCode
from departments.models import Town
from reports import dashboards
from reports.choices import ReportStatus
from reports.figures import Period, portal_figures
from reports.models import UnitReport
from tests.factories import UserFactory, make_order, unit


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


NOW = at(2026, 7, 15)
Q3 = Period(2026, 3)
UNROUTABLE = "我要投诉"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


# --- the dataset ----------------------------------------------------------------------------

TOWNS = ("yangcun-street", "xiazhuzhuang-street", "chenzui-town")


@dataclass(frozen=True)
class Plan:
    received: datetime
    unit: str  # "" → routed by the rules (UNROUTABLE text waits in triage)
    fate: str
    kind: str = "complaint"
    channel: str = "12345"
    category: str = ""
    town: str = ""
    business: str = ""


PLANS = (
    # The first quarter's last evening: outside every range the tests ask for.
    Plan(at(2026, 3, 31, 23, 30), "market-regulation", "closed_satisfied", category="食品安全"),
    Plan(at(2026, 4, 1, 0, 10), "market-regulation", "closed_satisfied", category="食品安全",
         town=TOWNS[0], business="宏达超市"),
    Plan(at(2026, 5, 6, 9), "market-regulation", "closed_basically", channel="12315",
         category="预付卡", town=TOWNS[1], business="金龙健身"),
    Plan(at(2026, 5, 20, 14), "housing", "closed_dissatisfied", category="物业管理",
         town=TOWNS[0], business="万家物业"),
    Plan(at(2026, 6, 10), "market-regulation", "resolved_late", kind="inquiry", channel="phone",
         category="食品安全"),
    # 23:50 on 30 June in Beijing is still the second quarter (15:50 UTC).
    Plan(at(2026, 6, 30, 23, 50), "housing", "assigned", category="物业管理", town=TOWNS[1],
         business="万家物业"),
    # 00:30 on 1 July in Beijing is the third quarter, though 30 June in UTC.
    Plan(at(2026, 7, 1, 0, 30), "market-regulation", "closed_satisfied", category="食品安全",
         town=TOWNS[0], business="宏达超市"),
    Plan(at(2026, 7, 1, 9), "market-regulation", "resolved_late", kind="inquiry",
         channel="12315", category="价格", town=TOWNS[2]),
    Plan(at(2026, 7, 2), "market-regulation", "signed", channel="web", category="预付卡",
         town=TOWNS[0], business="金龙健身"),
    Plan(at(2026, 7, 3, 11), "housing", "assigned", category="物业管理", town=TOWNS[1],
         business="万家物业"),
    Plan(at(2026, 7, 6, 9), "housing", "closed_basically", kind="report", channel="letter",
         category="房屋租赁", town=TOWNS[2]),
    Plan(at(2026, 7, 8, 15), "commerce", "closed_dissatisfied", category="商品质量",
         town=TOWNS[0], business="购物广场"),
    Plan(at(2026, 7, 9, 9), "", "dispatched_from_triage", channel="phone", town=TOWNS[1]),
    Plan(at(2026, 7, 10, 16), "", "triage"),
    Plan(at(2026, 7, 13, 9), "market-regulation", "redispatched", category="食品安全",
         town=TOWNS[2], business="宏达超市"),
    Plan(at(2026, 7, 14, 10), "market-regulation", "assigned", channel="12315",
         category="预付卡", town=TOWNS[0], business="金龙健身"),
    Plan(at(2026, 7, 15, 8), "commerce", "assigned", kind="inquiry", category="商品质量",
         town=TOWNS[1], business="购物广场"),
    Plan(at(2026, 7, 15, 9, 30), "market-regulation", "closed_satisfied", channel="walk_in",
         category="价格", town=TOWNS[0]),
)  # fmt: skip


@pytest.fixture
def people(office_staff, mr_staff, housing_staff):
    commerce = UserFactory(username="commerce1", unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
    return {
        "office": office_staff,
        "market-regulation": mr_staff,
        "housing": housing_staff,
        "commerce": commerce,
    }


def _play(plan: Plan, people: dict, clock) -> WorkOrder:
    office = people["office"]
    clock.move_to(plan.received)
    order = make_order(
        office,
        unit_code=plan.unit,
        content=UNROUTABLE if not plan.unit else "买到的商品有问题，商家拒绝处理，要求退款",
        kind=plan.kind,
        channel=plan.channel,
        category=plan.category,
        town_code=plan.town,
        business_name=plan.business,
        received_at=plan.received,
    )
    handler = people.get(plan.unit)
    later = plan.received + timedelta(minutes=10)
    clock.move_to(later)
    if plan.fate in ("assigned", "triage"):
        return order
    if plan.fate == "dispatched_from_triage":
        workflow.workorder_dispatch(order_id=order.id, acting_user=office, unit_code="commerce")
        return order
    if plan.fate == "redispatched":
        workflow.workorder_redispatch(
            order_id=order.id, acting_user=office, unit_code="housing", reason="不是本单位职责"
        )
        return order
    workflow.workorder_sign(order_id=order.id, acting_user=handler)
    if plan.fate == "signed":
        return order
    # An inquiry must be answered within 5 working days: twelve days is late.
    clock.move_to(
        plan.received + timedelta(days=12 if plan.fate == "resolved_late" else 0, minutes=20)
    )
    workflow.workorder_resolve(order_id=order.id, acting_user=handler, result="已处理")
    if plan.fate == "resolved_late":
        return order
    workflow.workorder_close(order_id=order.id, acting_user=office)
    rating = {
        "closed_satisfied": Satisfaction.SATISFIED,
        "closed_basically": Satisfaction.BASICALLY_SATISFIED,
        "closed_dissatisfied": Satisfaction.DISSATISFIED,
    }[plan.fate]
    workflow.workorder_record_satisfaction(order_id=order.id, acting_user=office, rating=rating)
    return order


@pytest.fixture
def dataset(people, clock):
    for plan in PLANS:
        _play(plan, people, clock)
    clock.move_to(NOW)
    return people


# --- the expected figures, counted from the orders --------------------------------------------


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, BEIJING).date()


def orders_received(first: date, last: date, unit_code: str | None = None) -> list[WorkOrder]:
    orders = WorkOrder.objects.select_related("primary_unit", "town")
    return [
        o
        for o in orders
        if first <= local_day(o.received_at) <= last
        and (unit_code is None or (o.primary_unit and o.primary_unit.code == unit_code))
    ]


def expected(orders: list[WorkOrder], now: datetime, soon: datetime) -> dict:
    done = [o for o in orders if o.status in (Status.RESOLVED, Status.CLOSED) and o.resolved_at]
    rated = [o for o in orders if o.satisfaction and not o.excluded_from_stats]

    def on_time(o):
        deadline = o.due_resolution or o.due_answer
        return deadline is None or o.resolved_at <= deadline

    return {
        "received": len(orders),
        "open": sum(o.status in OPEN_STATUSES for o in orders),
        "resolved": len(done),
        "on_time": sum(on_time(o) for o in done),
        "late": sum(not on_time(o) for o in done),
        "rated": len(rated),
        "satisfied": sum(o.satisfaction == Satisfaction.SATISFIED for o in rated),
        "basically_satisfied": sum(
            o.satisfaction == Satisfaction.BASICALLY_SATISFIED for o in rated
        ),
        "dissatisfied": sum(o.satisfaction == Satisfaction.DISSATISFIED for o in rated),
        "triaged": sum(o.routing.get("status") == "triage" for o in orders),
        "redispatched": sum(o.dispatch_count > 1 for o in orders),
        "overdue": sum(o.next_due_at is not None and o.next_due_at < now for o in orders),
        "due_soon": sum(o.next_due_at is not None and now <= o.next_due_at <= soon for o in orders),
    }


# --- reading the rendered page ----------------------------------------------------------------


class Tables(HTMLParser):
    """Every <table id=...> of a page: rows of cells, each cell's text and first link."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[dict]] = {}
        self._table = self._row = self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._table is not None:
            self._row = {"attrs": attrs, "cells": []}
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = {"text": "", "href": None, "attrs": attrs}
            self._row["cells"].append(self._cell)
        elif tag == "a" and self._cell is not None and self._cell["href"] is None:
            self._cell["href"] = attrs.get("href")

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "tr":
            self._row = None
        elif tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data.strip()


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    text = response.content.decode().split('id="order-count">', 1)[1].split("</p>", 1)[0]
    return int(re.search(r"\d+", text).group())


def q3_url(**params) -> str:
    query = "&".join(
        f"{k}={v}" for k, v in {"from": "2026-07-01", "to": "2026-09-30", **params}.items()
    )
    return f"{reverse('dashboard')}?{query}"


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, query, status, unit_code",
    [
        ("anonymous", "", 302, None),
        ("office_staff", "", 200, None),
        ("office_staff", "?unit=housing", 200, "housing"),
        ("office_staff", "?unit=no-such-unit", 404, None),
        ("office_staff", "?unit=office", 404, None),
        ("leader", "?unit=market-regulation", 200, "market-regulation"),
        ("sysadmin", "", 200, None),
        ("mr_staff", "", 200, "market-regulation"),
        ("mr_staff", "?unit=market-regulation", 200, "market-regulation"),
        ("mr_staff", "?unit=housing", 404, None),
        ("mr_head", "", 200, "market-regulation"),
        ("housing_staff", "", 200, "housing"),
        ("housing_staff", "?unit=market-regulation", 404, None),
    ],
)
def test_who_sees_which_dashboard(persona_client, persona, query, status, unit_code):
    response = persona_client(persona).get(reverse("dashboard") + query)

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))
    if status == 200:
        shown = response.context["unit"]
        assert (shown.code if shown else None) == unit_code


def test_a_person_with_no_unit_and_no_office_role_has_no_dashboard(client, db):
    client.force_login(UserFactory(username="nobody", unit=None, roles=[]))

    assert client.get(reverse("dashboard")).status_code == 404


def test_a_unit_dashboard_shows_only_the_units_own_orders(client, dataset):
    client.force_login(dataset["housing"])

    response = client.get(q3_url())

    rows = response.context["data"]["by_unit"]
    assert [row["code"] for row in rows] == ["housing"]
    assert rows[0]["received"] == len(orders_received(Q3.first, Q3.last, "housing"))
    page = response.content.decode()
    assert "金龙健身" not in page  # only ever a market-regulation business
    assert 'id="dash-unit"' not in page  # no unit picker
    row = next(r for r in Tables(page).tables["table-units"] if r["attrs"].get("data-unit"))
    due_soon, overdue = row["cells"][3:5]
    assert re.findall(r"unit=([\w-]+)", overdue["href"]) == ["housing"]  # its own only
    assert list_count(client, due_soon["href"]) == int(due_soon["text"]) == rows[0]["due_soon"]
    assert list_count(client, overdue["href"]) == int(overdue["text"]) == rows[0]["overdue"]
    assert rows[0]["overdue"] > 0


def test_the_menu_has_the_dashboard_for_units_and_the_office(client, mr_staff, office_staff):
    for person in (mr_staff, office_staff):
        client.force_login(person)
        urls = [item["url"] for item in client.get("/").context["portal_menu"]]
        assert urls[:2] == [reverse("home"), reverse("dashboard")]


# --- the date range -------------------------------------------------------------------------


def _range(response) -> tuple[date, date]:
    return response.context["first"], response.context["last"]


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_default_range_is_the_current_quarter(client, office_staff):
    client.force_login(office_staff)

    response = client.get(reverse("dashboard"))

    assert _range(response) == (date(2026, 7, 1), date(2026, 9, 30))
    assert _messages(response) == []


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=2026-07-15&to=2026-07-01", "The start date is after the end date"),
        ("from=2026-07-01&to=2040-12-31", "The dashboard has no figures after 2027"),
    ],
)
def test_a_bad_range_falls_back_to_the_current_quarter_with_a_message(
    client, office_staff, query, message
):
    client.force_login(office_staff)

    response = client.get(f"{reverse('dashboard')}?{query}")

    assert response.status_code == 200
    assert _range(response) == (date(2026, 7, 1), date(2026, 9, 30))
    assert any(message in text for text in _messages(response))
    assert message in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=yesterday&to=2026-07-15", "from=“yesterday” is not well formed"),
        ("from=2026-02-30&to=2026-07-15", "from=“2026-02-30” is not well formed"),
        ("from=2026-07-01&to=9999-12-31", "to=“9999-12-31” is not well formed"),
        ("from=0001-01-01&to=2026-07-15", "from=“0001-01-01” is not well formed"),
        ("to=2026-13-45", "to=“2026-13-45” is not well formed: write it like to=2026-07-06"),
    ],
)
def test_what_is_not_a_date_is_refused_naming_the_parameter(client, office_staff, query, message):
    client.force_login(office_staff)

    response = client.get(f"{reverse('dashboard')}?{query}")

    assert response.status_code == 400
    assert _range(response) == (date(2026, 7, 1), date(2026, 9, 30))
    assert any(message in text for text in _messages(response))
    assert message in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")


def test_a_range_longer_than_three_years_is_cut_to_three(client, office_staff):
    client.force_login(office_staff)

    response = client.get(f"{reverse('dashboard')}?from=2015-01-01&to=2026-07-15")

    assert _range(response) == (date(2023, 7, 16), date(2026, 7, 15))
    assert any("at most three years" in text for text in _messages(response))


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        # Asked for a decade to the end of 2026, the office was shown 2023-12-30 to 2026-12-31
        # under "at most three years": two days more, from a puzzling date.
        (("2016-01-01", "2026-12-31"), (date(2024, 1, 1), date(2026, 12, 31))),
        (("2020-01-01", "2027-02-28"), (date(2024, 2, 29), date(2027, 2, 28))),
    ],
)
def test_a_range_cut_to_three_years_starts_the_day_after_the_same_date_three_years_back(
    client, office_staff, asked, shown
):
    client.force_login(office_staff)
    response = client.get(f"{reverse('dashboard')}?from={asked[0]}&to={asked[1]}")
    assert _range(response) == shown
    assert any("at most three years" in text for text in _messages(response))


def test_three_years_to_a_29_february_start_on_1_march():
    assert dashboards.earliest_first(date(2028, 2, 29)) == date(2025, 3, 1)


def test_three_whole_years_are_shown_as_asked(client, office_staff):
    client.force_login(office_staff)
    response = client.get(f"{reverse('dashboard')}?from=2024-01-01&to=2026-12-31")
    assert _range(response) == (date(2024, 1, 1), date(2026, 12, 31))
    assert not any("at most three years" in text for text in _messages(response))


def test_a_start_alone_runs_to_today_and_presets_cover_week_to_year(client, office_staff):
    client.force_login(office_staff)

    response = client.get(f"{reverse('dashboard')}?from=2026-05-01")

    assert _range(response) == (date(2026, 5, 1), date(2026, 7, 15))
    presets = {p["key"]: p["query"] for p in response.context["presets"]}
    assert presets["week"] == "from=2026-07-13&to=2026-07-19"
    assert presets["month"] == "from=2026-07-01&to=2026-07-31"
    assert presets["quarter"] == "from=2026-07-01&to=2026-09-30"
    assert presets["year"] == "from=2026-01-01&to=2026-12-31"


# --- agreement ------------------------------------------------------------------------------


MEASURES = (
    "received",
    "open",
    "resolved",
    "on_time",
    "late",
    "rated",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
    "triaged",
    "redispatched",
    "overdue",
    "due_soon",
)


def _pick(row: dict) -> dict:
    return {key: row[key] for key in MEASURES}


def test_the_dataset_has_something_of_everything(dataset):
    soon = selectors.due_soon_until(NOW)
    figures = expected(orders_received(Q3.first, Q3.last), NOW, soon)

    # Otherwise the agreement below would prove little.
    assert figures["received"] == 12
    for measure in MEASURES:
        assert figures[measure] > 0, measure


def test_the_district_dashboard_agrees_with_the_orders(dataset):
    soon = selectors.due_soon_until(NOW)
    data = dashboards.dashboard_data(unit=None, first=Q3.first, last=Q3.last, now=NOW)

    orders = orders_received(Q3.first, Q3.last)
    assert _pick(data["totals"]) == expected(orders, NOW, soon)
    for row in data["by_unit"]:
        mine = [o for o in orders if (o.primary_unit.code if o.primary_unit else "") == row["code"]]
        assert _pick(row) == expected(mine, NOW, soon), row["code"]
    assert sum(row["received"] for row in data["by_unit"]) == len(orders)

    everything = list(WorkOrder.objects.all())
    assert data["totals"]["overdue_any"] == sum(
        o.next_due_at is not None and o.next_due_at < NOW for o in everything
    )
    assert data["received_in"] == {
        "week": len(orders_received(date(2026, 7, 13), date(2026, 7, 15))),
        "month": len(orders_received(date(2026, 7, 1), date(2026, 7, 15))),
        "quarter": len(orders),
    }
    assert data["received_in"]["week"] == 4

    # The trend runs to today: a point per day, and none for days still to come.
    by_day = Counter(local_day(o.received_at) for o in orders)
    trend = {p["start"]: p["received"] for p in data["trend"]["points"]}
    assert data["trend"]["bucket"] == "day"
    assert list(trend) == [date(2026, 7, d) for d in range(1, 16)]
    assert {k: v for k, v in trend.items() if v} == dict(by_day)
    year = dashboards.dashboard_data(
        unit=None, first=date(2025, 7, 16), last=date(2026, 7, 15), now=NOW
    )["trend"]
    assert year["bucket"] == "week"
    weekly = Counter()
    for o in orders_received(date(2025, 7, 16), date(2026, 7, 15)):
        day = local_day(o.received_at)
        weekly[day - timedelta(days=day.weekday())] += 1
    assert {p["start"]: p["received"] for p in year["points"] if p["received"]} == dict(weekly)

    def counted(key):
        return dict(Counter(key(o) for o in orders))

    assert {r["value"]: r["received"] for r in data["categories"]} == counted(lambda o: o.category)
    assert {r["value"]: r["received"] for r in data["towns"]} == counted(
        lambda o: o.town.code if o.town else ""
    )
    assert {r["value"]: r["received"] for r in data["channels"]} == counted(lambda o: o.channel)
    businesses = Counter(o.business_name for o in orders if o.business_name)
    assert {r["value"]: r["received"] for r in data["businesses"]} == dict(businesses)
    names = dict(Town.objects.values_list("code", "name_en"))
    assert {r["label"] for r in data["towns"] if r["value"]} == {
        names[code] for code in counted(lambda o: o.town.code if o.town else "") if code
    }


def test_a_unit_dashboard_agrees_with_the_orders_and_its_report(dataset):
    soon = selectors.due_soon_until(NOW)
    mr = unit("market-regulation")
    UnitReport.objects.create(unit=mr, year=2026, quarter=2, status=ReportStatus.SUBMITTED)

    data = dashboards.dashboard_data(unit=mr, first=Q3.first, last=Q3.last, now=NOW)

    orders = orders_received(Q3.first, Q3.last, "market-regulation")
    assert _pick(data["totals"]) == expected(orders, NOW, soon)
    assert [r["code"] for r in data["by_unit"]] == ["market-regulation"]
    assert {r["value"]: r["received"] for r in data["categories"]} == dict(
        Counter(o.category for o in orders)
    )
    assert [(r["period"], r["status"], r["due_on"]) for r in data["reports"]] == [
        ("2026Q3", "", date(2026, 10, 10)),
        ("2026Q2", ReportStatus.SUBMITTED, date(2026, 7, 10)),
    ]
    assert str(data["reports"][0]["status_label"]) == "Not started"


@pytest.mark.parametrize("unit_code", [None, "market-regulation", "housing"])
def test_the_quarter_on_the_dashboard_is_the_quarter_in_the_reports(dataset, unit_code):
    chosen = unit(unit_code) if unit_code else None

    data = dashboards.dashboard_data(unit=chosen, first=Q3.first, last=Q3.last, now=NOW)
    report = portal_figures(Q3, unit=chosen, now=NOW)

    for key in (
        "received",
        "open",
        "resolved",
        "on_time",
        "late",
        "rated",
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
        "on_time_rate",
        "satisfaction_rate",
        "resolution_rate",
    ):
        assert data["totals"][key] == report["totals"][key], key
    assert data["totals"]["overdue"] == report["totals"]["open_overdue"]
    assert {r["value"]: r["received"] for r in data["categories"]} == {
        r["value"]: r["received"] for r in report["by_category"][:10]
    }
    assert {r["value"]: r["received"] for r in data["channels"]} == {
        r["value"]: r["received"] for r in report["by_channel"]
    }


def test_the_page_tables_agree_with_the_order_lists_they_link_to(client, dataset):
    client.force_login(dataset["office"])
    soon = selectors.due_soon_until(NOW)
    orders = orders_received(Q3.first, Q3.last)

    response = client.get(q3_url())
    tables = Tables(response.content.decode()).tables

    units = [row for row in tables["table-units"] if row["attrs"].get("data-unit")]
    assert {row["attrs"]["data-unit"] for row in units} >= {
        "market-regulation",
        "housing",
        "commerce",
    }
    for row in units:
        code = row["attrs"]["data-unit"]
        mine = expected(
            [o for o in orders if o.primary_unit and o.primary_unit.code == code], NOW, soon
        )
        received, open_, due_soon, overdue = (int(c["text"]) for c in row["cells"][1:5])
        assert (received, open_, due_soon, overdue) == (
            mine["received"],
            mine["open"],
            mine["due_soon"],
            mine["overdue"],
        ), code
        links = [c["href"] for c in row["cells"][1:5]]
        assert list_count(client, links[0]) == received, code
        assert list_count(client, links[2]) == due_soon, code
        assert list_count(client, links[3]) == overdue, code
        # The list has no "open" filter: open is the sum of the three open statuses.
        base = links[0]
        assert (
            sum(list_count(client, f"{base}&status={status}") for status in OPEN_STATUSES) == open_
        ), code

    totals = {
        cell_id: int(re.search(rf'id="{cell_id}">(\d+)<', response.content.decode()).group(1))
        for cell_id in ("total-received", "total-open", "total-due-soon", "total-overdue")
    }
    everyone = expected(orders, NOW, soon)
    assert totals == {
        "total-received": everyone["received"],
        "total-open": everyone["open"],
        "total-due-soon": everyone["due_soon"],
        "total-overdue": everyone["overdue"],
    }
    all_list = reverse("order_list") + "?tab=all&received_from=2026-07-01&received_to=2026-09-30"
    assert list_count(client, all_list) == everyone["received"]

    for table, attribute, key in (
        ("table-towns", "data-town", lambda o: o.town.code if o.town else ""),
        ("table-channels", "data-channel", lambda o: o.channel),
    ):
        want = Counter(key(o) for o in orders)
        for row in tables[table][1:]:
            value = row["attrs"][attribute]
            shown = int(row["cells"][1]["text"])
            assert shown == want[value], (table, value)
            if value:
                assert list_count(client, row["cells"][0]["href"]) == shown, (table, value)
    for row in tables["table-categories"][1:]:
        link = row["cells"][0]["href"]
        if link:
            assert list_count(client, link) == int(row["cells"][1]["text"])


@pytest.mark.parametrize("who", ["office", "leader"])
def test_the_triage_queues_figure_links_to_the_orders_it_counts_for_office_and_leader(
    client, dataset, leader, who
):
    """The leader's list has no triage tab: his link opened the overdue tab, filtered to
    triage, and showed none of the orders the dashboard counted."""
    client.force_login(dataset["office"] if who == "office" else leader)
    tables = Tables(client.get(q3_url()).content.decode()).tables
    (queue,) = [
        row
        for row in tables["table-units"]
        if "data-unit" in row["attrs"] and not row["attrs"]["data-unit"]
    ]
    counted = int(queue["cells"][1]["text"])
    assert counted > 0
    assert list_count(client, queue["cells"][1]["href"]) == counted


def test_a_units_received_figure_links_to_the_orders_it_counts_not_those_it_co_handles(
    client, office_staff, mr_staff
):
    """A unit's figures count the orders it handles as primary unit; its order list also
    holds those it co-handles and those it returned. The dashboard's number must open the
    list of the orders it counts, not all the unit may see."""
    make_order(office_staff, unit_code="market-regulation")
    make_order(
        office_staff,
        unit_code="housing",
        co_unit_codes=["market-regulation"],
        content="小区物业乱收费，电梯长期停运",
    )
    returned = make_order(office_staff, unit_code="market-regulation", content="商场促销欺诈")
    workflow.workorder_sign(order_id=returned.id, acting_user=mr_staff)
    workflow.workorder_return(order_id=returned.id, acting_user=mr_staff, reason="不属本单位")
    client.force_login(mr_staff)

    response = client.get(q3_url())
    data = response.context["data"]
    assert data["totals"]["received"] == 1
    assert list_count(client, response.context["links"]["received"]) == 1
    (row,) = data["by_unit"]
    assert list_count(client, row["links"]["received"]) == row["received"] == 1
    # The inbox itself still holds what the unit co-handles and returned.
    assert list_count(client, reverse("order_list") + "?tab=all") == 3


def test_the_charts_carry_the_numbers_of_their_tables(client, dataset):
    client.force_login(dataset["office"])

    response = client.get(q3_url())

    charts = response.context["charts"]
    data = response.context["data"]
    assert charts["units"]["series"][0]["data"] == [r["open"] for r in data["by_unit"]]
    assert charts["units"]["series"][2]["data"] == [r["overdue"] for r in data["by_unit"]]
    assert charts["units"]["series"][2]["links"][0].startswith(reverse("order_list"))
    page = response.content.decode()
    for name in ("trend", "units", "rates", "routing", "categories", "businesses", "towns"):
        assert f'<script id="chart-{name}" type="application/json">' in page
        assert f'data-chart="chart-{name}"' in page
    assert "js/dashboard.js" in page and "echarts.min.js" in page


# --- cost -----------------------------------------------------------------------------------


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def test_the_query_count_does_not_grow_with_the_data(dataset, django_assert_max_num_queries):
    from complaints import stats

    stats.wait_until_current()

    def empty_quarter():
        return dashboards.dashboard_data(
            unit=None, first=date(2025, 1, 1), last=date(2025, 3, 31), now=NOW
        )

    def busy_year():
        return dashboards.dashboard_data(
            unit=None, first=date(2025, 7, 16), last=date(2026, 7, 15), now=NOW
        )

    def unit_quarter():
        return dashboards.dashboard_data(
            unit=unit("market-regulation"), first=Q3.first, last=Q3.last, now=NOW
        )

    assert _queries(empty_quarter) == _queries(busy_year)
    # SQLite and PostgreSQL differ by the refresher's lock and savepoints; each figure reads
    # which months are rolled up, then the monthly and the daily rows. A unit's adds its
    # reports, with the working days' version for their default due dates.
    with django_assert_max_num_queries(24):
        busy_year()
    with django_assert_max_num_queries(28):
        unit_quarter()


def test_the_page_costs_a_fixed_number_of_queries(client, dataset, django_assert_max_num_queries):
    client.force_login(dataset["office"])
    client.get(q3_url())  # the summary is current from here on

    empty = _queries(lambda: client.get(reverse("dashboard") + "?from=2025-01-01&to=2025-03-31"))
    busy = _queries(lambda: client.get(q3_url()))

    assert empty == busy
    with django_assert_max_num_queries(34):
        client.get(q3_url(unit="market-regulation"))
