"""Every figure the portal shows agrees with a plain count over the orders, and with itself
wherever it is shown: the dashboard, a unit's quarterly report, the district report (as
worked out, published and in its workbook), the order list and its export, and the home
page. A seeded, reproducible mix of orders across units, kinds, channels, towns, quarter
boundaries at Beijing midnight, returns, re-dispatches, extensions, merges, reopenings,
call-backs and exclusions is built through the workflow, then counted here in Python."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date, datetime, timedelta
from io import BytesIO
from urllib.parse import urlencode

import pytest
import time_machine
from openpyxl import load_workbook

from complaints import stats, workflow
from complaints.choices import OPEN_STATUSES, Satisfaction, Status
from complaints.deadlines import BEIJING
from complaints.models import PossibleDuplicate, WorkOrder
from departments.choices import RoleCode
from departments.reference_data import TOWNS
from reports import dashboards, figures, rendering
from reports.figures import Period
from tests.factories import UserFactory, make_order, unit
from tests.helpers import exported

QUARTER = Period(2026, 3)
NOW = datetime(2026, 10, 14, 10, 0, tzinfo=BEIJING)
UNITS = ("market-regulation", "housing", "commerce", "culture-tourism")
CHANNELS = ("12345", "12315", "phone", "web")
CATEGORIES = ("食品", "物业", "预付卡", "旅游", "")
BUSINESSES = ("甲超市", "乙物业", "丙健身", "")
TOWN_CODES = [town["code"] for town in TOWNS[:3]]
# Beijing midnight at each edge of the quarter, and a UTC evening that is already tomorrow.
EDGES = (
    datetime(2026, 6, 30, 23, 59, 59, tzinfo=BEIJING),
    datetime(2026, 7, 1, 0, 0, tzinfo=BEIJING),
    datetime(2026, 6, 30, 16, 30, tzinfo=BEIJING) + timedelta(hours=8),  # 16:30 UTC
    datetime(2026, 9, 30, 23, 59, 59, tzinfo=BEIJING),
    datetime(2026, 10, 1, 0, 0, tzinfo=BEIJING),
)
SCENARIOS = (
    "assigned",
    "signed",
    "accepted",
    "resolved",
    "resolved_late",
    "closed_rated",
    "reopened",
    "reopened_resolved",
    "returned",
    "triage",
    "excluded",
    "extended",
    "redispatched",
    "supervised",
)


def _staff(code: str):
    return UserFactory(username=f"fig-{code}", unit=unit(code), roles=[RoleCode.UNIT_STAFF])


def _received_times(rng: random.Random) -> list[datetime]:
    times = list(EDGES)
    for first, last, n in (
        (date(2025, 7, 1), date(2025, 9, 30), 4),  # the year before
        (date(2026, 4, 1), date(2026, 6, 30), 6),  # the quarter before
        (date(2026, 7, 1), date(2026, 9, 30), 26),
        (date(2026, 10, 1), date(2026, 10, 13), 3),  # after: counted in no figure here
    ):
        span = (last - first).days
        for _i in range(n):
            day = first + timedelta(days=rng.randint(0, span))
            times.append(
                datetime(day.year, day.month, day.day, rng.randint(0, 23), 0, tzinfo=BEIJING)
            )
    return sorted(times)


def _at(moment: datetime):
    return time_machine.travel(min(moment, NOW), tick=False)


def build_world(office, staff: dict) -> list[WorkOrder]:
    rng = random.Random(20261014)
    made: list[WorkOrder] = []
    for n, received in enumerate(_received_times(rng)):
        scenario = SCENARIOS[n % len(SCENARIOS)] if n else "triage"
        code = rng.choice(UNITS)
        kind = rng.choice(("complaint", "report"))
        kind = {"resolved_late": "inquiry", "extended": "complaint"}.get(scenario, kind)
        co = [c for c in UNITS if c != code][:1] if n % 5 == 0 else []
        with _at(received):
            order = make_order(
                office,
                received_at=received,
                kind=kind,
                channel=rng.choice(CHANNELS),
                category=rng.choice(CATEGORIES),
                business_name=rng.choice(BUSINESSES),
                town_code=rng.choice([*TOWN_CODES, ""]),
                citizen_phone=f"1390000{n:04d}",
                unit_code=code,
                co_unit_codes=co,
                send_to_triage=scenario == "triage",
            )
        made.append(order)
        _play(order, scenario, received, office, staff, rng)
    # Two late duplicates of earlier orders, merged into them by the office.
    for original in (made[7], made[20]):
        received = original.received_at + timedelta(hours=3)
        with _at(received):
            twin = make_order(
                office,
                received_at=received,
                kind=original.kind,
                channel="12345",
                citizen_phone=original.citizen_phone,
                unit_code=UNITS[0],
            )
            pair = PossibleDuplicate.objects.get(order=twin, other=original)
            workflow.workorder_merge(order_id=twin.id, acting_user=office, duplicate_id=pair.id)
        made.append(twin)
    return made


def _play(order, scenario, received, office, staff, rng) -> None:
    def when(days: float):
        return _at(received + timedelta(days=days))

    unit_user = staff[order.primary_unit.code] if order.primary_unit_id else None
    if scenario in ("assigned", "triage") or unit_user is None:
        return
    if scenario == "redispatched":
        other = next(c for c in UNITS if c != order.primary_unit.code)
        with when(0.1):
            workflow.workorder_redispatch(
                order_id=order.id, acting_user=office, unit_code=other, reason="不属本单位"
            )
        unit_user = staff[other]
    with when(0.2):
        workflow.workorder_sign(order_id=order.id, acting_user=unit_user)
    if scenario == "signed":
        return
    if scenario == "returned":
        with when(0.3):
            workflow.workorder_return(order_id=order.id, acting_user=unit_user, reason="非本单位")
        return
    if scenario == "supervised":
        with when(rng.choice((3, 12))):
            workflow.workorder_supervise(order_id=order.id, acting_user=office, note="请尽快")
        return
    if order.kind != "inquiry":
        with when(1):
            workflow.workorder_accept(order_id=order.id, acting_user=unit_user)
    if scenario == "accepted":
        return
    if scenario == "extended":
        with when(2):
            workflow.workorder_request_extension(
                order_id=order.id,
                acting_user=unit_user,
                working_days=10,
                reason="需要检测",
            )
        with when(2.5):
            workflow.workorder_decide_extension(order_id=order.id, acting_user=office, approve=True)
    late = scenario == "resolved_late"
    with when(12 if late else 2 + rng.random() * 3):
        workflow.workorder_resolve(order_id=order.id, acting_user=unit_user, result="已处理")
    if scenario in ("resolved", "resolved_late", "extended"):
        return
    rating = {
        "closed_rated": rng.choice((Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)),
        "excluded": Satisfaction.DISSATISFIED,
    }.get(scenario, Satisfaction.DISSATISFIED)
    if scenario == "closed_rated":
        with when(6):
            workflow.workorder_close(order_id=order.id, acting_user=office)
    with when(7):
        workflow.workorder_record_satisfaction(order_id=order.id, acting_user=office, rating=rating)
    if scenario == "excluded":
        with when(7.5):
            workflow.workorder_exclude_from_stats(
                order_id=order.id, acting_user=office, reason="恶意投诉"
            )
    if scenario == "reopened_resolved":
        with when(9):
            workflow.workorder_resolve(order_id=order.id, acting_user=unit_user, result="再次处理")
        with when(10):
            workflow.workorder_record_satisfaction(
                order_id=order.id, acting_user=office, rating=Satisfaction.SATISFIED
            )


# --- the plain counts -------------------------------------------------------------------


def local_day(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


def in_period(order: WorkOrder, first: date, last: date) -> bool:
    return first <= local_day(order.received_at) <= last


def count(orders: list[WorkOrder], now: datetime) -> dict:
    """The measures, as the notice and the pages' own captions define them, one by one."""
    c = Counter()
    for o in orders:
        c["received"] += 1
        c["open"] += o.status in OPEN_STATUSES
        done = o.status in (Status.RESOLVED, Status.CLOSED) and o.resolved_at is not None
        deadline = o.due_resolution or o.due_answer
        if done:
            c["resolved"] += 1
            if deadline is None or o.resolved_at <= deadline:
                c["on_time"] += 1
            else:
                c["late"] += 1
        if o.satisfaction and not o.excluded_from_stats:
            c["rated"] += 1
            c[o.satisfaction] += 1
        if o.status in OPEN_STATUSES and o.next_due_at is not None and o.next_due_at < now:
            c["open_overdue"] += 1
    c["overdue"] = c["late"] + c["open_overdue"]
    return dict(c)


def pct(part: int, whole: int) -> float | None:
    """Per mille rounded half up, in whole numbers: 26 of 32 is 81.3, not round()'s 81.2."""
    return (2000 * part + whole) // (2 * whole) / 10 if whole else None


KEYS = (
    "received",
    "open",
    "resolved",
    "on_time",
    "late",
    "rated",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
)


def shown(row: dict, keys=KEYS) -> dict:
    return {k: row.get(k, 0) for k in keys if row.get(k, 0)}


def expected(c: dict, keys=KEYS) -> dict:
    return {k: c.get(k, 0) for k in keys if c.get(k, 0)}


@pytest.fixture
def world(office_staff):
    staff = {code: _staff(code) for code in UNITS}
    build_world(office_staff, staff)
    with _at(NOW):
        stats.wait_until_current()
    orders = list(WorkOrder.objects.select_related("primary_unit", "town"))
    return {"orders": orders, "staff": staff, "office": office_staff}


def quarter_orders(world, period=QUARTER) -> list[WorkOrder]:
    return [o for o in world["orders"] if in_period(o, period.first, period.last)]


def _the_world_has_every_case(world):
    orders = quarter_orders(world)
    statuses = Counter(o.status for o in orders)
    assert set(statuses) == set(Status.values), statuses
    mine = count(orders, NOW)
    assert mine["late"] and mine["on_time"] and mine["open_overdue"] and mine["dissatisfied"]
    assert any(o.excluded_from_stats and o.satisfaction for o in orders)
    assert any(o.merged_into_id for o in orders) and any(o.reopen_count for o in orders)
    assert any(o.primary_unit_id is None for o in orders)
    edges = {o.received_at: o for o in world["orders"] if o.received_at in EDGES}
    assert [in_period(edges[t], QUARTER.first, QUARTER.last) for t in EDGES] == [
        False,
        True,
        True,
        True,
        False,
    ]


def _each_orders_counters_agree_with_its_history(world):
    """The order page's "dispatched · returned · supervised · reopened" line."""
    from complaints.choices import Action
    from complaints.models import WorkOrderEvent

    events = Counter(WorkOrderEvent.objects.values_list("order_id", "action"))
    for o in world["orders"]:
        dispatched = events[(o.id, Action.DISPATCH)] + events[(o.id, Action.REDISPATCH)]
        assert (o.dispatch_count, o.return_count, o.supervision_count, o.reopen_count) == (
            dispatched,
            events[(o.id, Action.RETURN)],
            events[(o.id, Action.SUPERVISE)],
            events[(o.id, Action.REOPEN)],
        ), o.number


def test_the_reports_and_the_dashboard_count_what_the_rows_say(world):
    _the_world_has_every_case(world)
    _each_orders_counters_agree_with_its_history(world)
    orders = quarter_orders(world)
    with _at(NOW):
        district = figures.district_figures(QUARTER, now=NOW)
        per_unit = {
            code: figures.portal_figures(QUARTER, unit=unit(code), now=NOW) for code in UNITS
        }
    mine = count(orders, NOW)
    totals = district["totals"]
    assert shown(totals) == expected(mine)
    assert (totals["open_overdue"], totals["overdue"]) == (
        mine.get("open_overdue", 0),
        mine["overdue"],
    )
    assert totals["on_time_rate"] == pct(mine["on_time"], mine["resolved"])
    assert totals["satisfaction_rate"] == pct(
        mine.get("satisfied", 0) + mine.get("basically_satisfied", 0), mine["rated"]
    )
    assert totals["resolution_rate"] == pct(mine["resolved"], mine["received"])

    rows = {row["unit"]: row for row in district["by_unit"]}
    for code in UNITS:
        theirs = count([o for o in orders if o.primary_unit and o.primary_unit.code == code], NOW)
        for where, row in (("district row", rows[code]), ("unit report", per_unit[code]["totals"])):
            assert shown(row) == expected(theirs), (code, where)
            assert row["overdue"] == theirs.get("overdue", 0), (code, where)
            assert row["on_time_rate"] == pct(theirs.get("on_time", 0), theirs.get("resolved", 0))
    unassigned = [o for o in orders if o.primary_unit_id is None]
    assert district["unassigned_received"] == len(unassigned)
    for key in (*KEYS, "overdue"):
        assert (
            sum(row[key] for row in district["by_unit"]) + count(unassigned, NOW).get(key, 0)
            == totals[key]
        ), key

    for key, field in (("by_channel", "channel"), ("by_kind", "kind"), ("by_category", "category")):
        assert {row["value"]: row["received"] for row in district[key]} == dict(
            Counter(getattr(o, field) for o in orders)
        ), key
        assert {row["value"]: row["resolved"] for row in district[key] if row["resolved"]} == dict(
            Counter(
                getattr(o, field)
                for o in orders
                if o.status in (Status.RESOLVED, Status.CLOSED) and o.resolved_at
            )
        ), key
    assert {row["value"]: row["received"] for row in district["by_town"]} == dict(
        Counter(o.town.code if o.town else "" for o in orders)
    )
    assert {row["value"]: row["received"] for row in district["top_businesses"]} == dict(
        Counter(o.business_name for o in orders if o.business_name)
    )
    for period, key in ((QUARTER.previous(), "previous"), (QUARTER.year_before(), "year_before")):
        before = count(quarter_orders(world, period), NOW)
        assert shown(district[key]) == expected(before), key

    _the_dashboard_shows_the_quarter_as_the_reports_do(world)
    _unit_reports_and_odd_ranges_agree(world)


def _the_dashboard_shows_the_quarter_as_the_reports_do(world):
    orders = quarter_orders(world)
    with _at(NOW):
        data = dashboards.dashboard_data(unit=None, first=QUARTER.first, last=QUARTER.last, now=NOW)
        district = figures.district_figures(QUARTER, now=NOW)
    mine = count(orders, NOW)
    assert shown(data["totals"]) == expected(mine) == shown(district["totals"])
    for key in ("on_time_rate", "satisfaction_rate", "resolution_rate"):
        assert data["totals"][key] == district["totals"][key], key
    assert data["totals"]["overdue"] == mine.get("open_overdue", 0)
    rows = {row["code"]: row for row in data["by_unit"]}
    report_rows = {row["unit"]: row for row in district["by_unit"]}
    for code in UNITS:
        assert shown(rows[code]) == shown(report_rows[code]), code
        assert rows[code]["overdue"] == report_rows[code]["open_overdue"], code
    assert rows[""]["received"] == district["unassigned_received"]
    everywhere = [o for o in world["orders"] if o.status in OPEN_STATUSES and o.next_due_at]
    assert data["totals"]["overdue_any"] == sum(o.next_due_at < NOW for o in everywhere)
    trend = sum(p["received"] for p in data["trend"]["points"])
    assert trend == mine["received"]
    for code in UNITS:
        with _at(NOW):
            theirs = dashboards.dashboard_data(
                unit=unit(code), first=QUARTER.first, last=QUARTER.last, now=NOW
            )
        assert shown(theirs["totals"]) == shown(report_rows[code]), code
        assert [row["code"] for row in theirs["by_unit"]] == [code]


def _unit_reports_and_odd_ranges_agree(world):
    from reports import services

    with _at(NOW):
        district = figures.district_figures(QUARTER, now=NOW)
        rows = {row["unit"]: row for row in district["by_unit"]}
        for code in UNITS:
            liaison = UserFactory(
                username=f"fig-liaison-{code}", unit=unit(code), roles=[RoleCode.UNIT_LIAISON]
            )
            report = services.report_start(
                unit=unit(code), year=QUARTER.year, quarter=QUARTER.quarter, acting_user=liaison
            )
            kept = report.portal_figures["totals"]
            assert shown(kept) == shown(rows[code]), code
            assert kept["overdue"] == rows[code]["overdue"], code
        # A range that starts and ends inside months, over whole months rolled up between.
        first, last = date(2026, 6, 30), date(2026, 9, 10)
        data = dashboards.dashboard_data(unit=None, first=first, last=last, now=NOW)
        inside = [o for o in world["orders"] if in_period(o, first, last)]
        assert shown(data["totals"]) == expected(count(inside, NOW))
        today = local_day(NOW)
        running = Period.containing(today)
        so_far = [o for o in world["orders"] if in_period(o, running.first, today)]
        assert data["received_in"]["quarter"] == len(so_far)


def _sheet_rows(client, params: dict) -> list[tuple]:
    """The rows of the list's export as the client's person gets it (`helpers.exported`)."""
    return list(exported(client, urlencode(params)).active.iter_rows(values_only=True))


def test_the_order_list_and_its_export_hold_the_orders_behind_the_numbers(world, client):
    orders = quarter_orders(world)
    dates = {"received_from": QUARTER.first.isoformat(), "received_to": QUARTER.last.isoformat()}
    client.force_login(world["office"])
    with _at(NOW):
        for code in (*UNITS, None):
            params = {"tab": "all", **dates, **({"unit": code} if code else {})}
            theirs = [
                o
                for o in orders
                if code is None or (o.primary_unit and o.primary_unit.code == code)
            ]
            rows = _sheet_rows(client, params)[1:]
            assert sorted(r[0] for r in rows) == sorted(o.number for o in theirs), code
            overdue = [r[0] for r in rows if r[17]]
            assert len(overdue) == count(theirs, NOW).get("open_overdue", 0), code
            page = client.get("/orders/", {**params, "per_page": 100}).content.decode()
            assert sum(o.number in page for o in theirs) == len(theirs)
        duties = {d.key: d.count for d in client.get("/").context["duties"]}
        open_orders = [o for o in world["orders"] if o.status in OPEN_STATUSES]
        assert duties.get("orders_overdue", 0) == sum(
            bool(o.next_due_at and o.next_due_at < NOW) for o in open_orders
        )
        assert duties.get("orders_triage", 0) == sum(o.status == Status.TRIAGE for o in open_orders)
        assert duties.get("orders_to_close", 0) == sum(
            o.status == Status.RESOLVED for o in world["orders"]
        )
        board = {
            row["primary_unit__code"]: row["overdue"]
            for row in client.get("/orders/overdue/").context["rows"]
        }
        want = Counter(
            o.primary_unit.code if o.primary_unit else None
            for o in open_orders
            if o.next_due_at and o.next_due_at < NOW
        )
        assert {k: v for k, v in board.items() if v} == dict(want)
        overdue_tab = _sheet_rows(client, {"tab": "overdue", **dates})
        assert len(overdue_tab) - 1 == count(orders, NOW).get("open_overdue", 0)

    _a_unit_sees_its_own_figures_and_orders_only(world, client)


def _a_unit_sees_its_own_figures_and_orders_only(world, client):
    for code in UNITS:
        _one_unit_sees_its_own(world, client, code)


def _one_unit_sees_its_own(world, client, code):
    user = world["staff"][code]
    client.force_login(user)
    with _at(NOW):
        other = next(c for c in UNITS if c != code)
        assert client.get("/dashboard/", {"unit": other}).status_code == 404
        page = client.get(
            "/dashboard/", {"from": QUARTER.first.isoformat(), "to": QUARTER.last.isoformat()}
        )
        assert page.status_code == 200
        data = page.context["data"]
        assert [row["code"] for row in data["by_unit"]] == [code]
        theirs = [
            o for o in quarter_orders(world) if o.primary_unit and o.primary_unit.code == code
        ]
        assert shown(data["totals"]) == expected(count(theirs, NOW))
        # The number links to the list of the orders behind it.
        listed = client.get(page.context["links"]["received"]).context["page"].paginator.count
        assert listed == data["totals"]["received"], code
        for row in data["by_unit"]:
            listed = client.get(row["links"]["overdue"]).context["page"].paginator.count
            assert listed == row["overdue"], code
        duties = {d.key: d.count for d in client.get("/").context["duties"]}
        overdue_mine = [
            o
            for o in world["orders"]
            if o.primary_unit
            and o.primary_unit.code == code
            and o.status in OPEN_STATUSES
            and o.next_due_at
            and o.next_due_at < NOW
        ]
        assert data["totals"]["overdue_any"] == len(overdue_mine)
        assert duties.get("orders_overdue", 0) == len(overdue_mine)
        rows = _sheet_rows(client, {"tab": "all"})[1:]
        visible = {
            o.number for o in world["orders"] if o.unit_links.filter(unit__code=code).exists()
        }
        assert {r[0] for r in rows} == visible


def _page_rows(client, url: str) -> dict[str, tuple[int, int]]:
    """The district report page's units table: received and resolved per unit code."""
    response = client.get(url)
    assert response.status_code == 200, url
    found = re.findall(
        r'<tr data-unit="([\w-]+)"><th[^>]*>[^<]*</th><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>',
        response.content.decode(),
    )
    return {code: (int(a), int(b)) for code, a, b in found}


def test_the_published_district_report_and_its_workbook_keep_the_same_figures(
    world, leader, client
):
    from reports import services

    url = f"/reports/district/{QUARTER.label}/"
    with _at(NOW):
        live = figures.district_figures(QUARTER, now=NOW)
        client.force_login(world["staff"]["housing"])
        assert client.get(url).status_code == 404  # a unit reads it once published
        client.force_login(world["office"])
        draft_page = _page_rows(client, url)
        services.district_report_save(
            period=QUARTER, acting_user=world["office"], analysis="本季度"
        )
        report = services.district_report_publish(period=QUARTER, acting_user=world["office"])
    kept = report.figures
    want = {row["unit"]: (row["received"], row["resolved"]) for row in live["by_unit"]}
    assert draft_page == want
    for person in (world["office"], leader, world["staff"]["housing"]):
        client.force_login(person)
        with _at(NOW):
            assert _page_rows(client, url) == want
    for key in ("totals", "by_unit", "by_channel", "by_kind", "by_category", "by_town"):
        strip = (
            (lambda rows: [{k: v for k, v in r.items() if k != "label"} for r in rows])
            if isinstance(live[key], list)
            else (lambda d: d)
        )
        assert strip(kept[key]) == strip(live[key]), key
    pdf = rendering._context(figures.for_reader(kept))  # what the PDF's template is given
    assert dict(pdf["overview"])["受理投诉举报咨询（件）"]["value"] == str(
        live["totals"]["received"]
    )
    assert dict(pdf["overview"])["超期（件）"]["value"] == str(live["totals"]["overdue"])
    assert [(r["received"], r["resolved"], r["overdue"]) for r in pdf["by_unit"]] == [
        (r["received"], r["resolved"], r["overdue"]) for r in live["by_unit"]
    ]
    note = f"受理总数中另有 {live['unassigned_received']} 件未列入上表"
    assert live["unassigned_received"] and note in rendering.render_html(kept)
    book = load_workbook(BytesIO(rendering.build_xlsx(kept)), read_only=True)
    overview = {r[0]: r[1] for r in book["概况"].iter_rows(values_only=True) if r and r[0]}
    assert overview["受理投诉举报咨询（件）"] == live["totals"]["received"]
    assert overview["办结（件）"] == live["totals"]["resolved"]
    assert overview["超期（件）"] == live["totals"]["overdue"]
    units = list(book["三、投诉举报咨询"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(units) if r and r[0] == "单位")
    body = []
    for r in units[start + 1 :]:
        if not r or r[0] is None:
            break
        body.append(r)
    total = body[-1]
    assert total[0] == "合计"
    for col, key in ((1, "received"), (2, "resolved"), (6, "overdue")):
        assert sum(r[col] for r in body[:-1]) == total[col] == live["totals"][key], key


# --- referred leads (measure 四（五）) ------------------------------------------------------


def test_the_leads_of_the_quarter_are_counted_once_per_case_for_the_district_and_each_unit(
    office_staff, leader
):
    """Cases sent and received in the quarter, with what became of them, counted here from
    what was done: a lead sent on by the leader's decision continues its case."""
    from complaints import disputes, referrals
    from complaints.models import Dispute, Referral

    people = {
        code: UserFactory(username=f"lead-{code}", unit=unit(code), roles=[RoleCode.UNIT_STAFF])
        for code in ("commerce", "housing", "education", "market-regulation")
    }

    def send(when, sender, receiver):
        with _at(when):
            return referrals.referral_send(
                acting_user=people[sender], to_unit_code=receiver, title="线索", facts="事实。"
            )

    def accept(lead, code):
        referrals.referral_acknowledge(referral_id=lead.id, acting_user=people[code])
        referrals.referral_accept(
            referral_id=lead.id, acting_user=people[code], case_reference="案"
        )

    def reject_and_designate(lead, code, designated):
        referrals.referral_reject(
            referral_id=lead.id, acting_user=people[code], reasons="不属本单位。"
        )
        dispute = Dispute.objects.get(referral=lead)
        disputes.dispute_propose(
            dispute_id=dispute.id, acting_user=office_staff, proposal="建议。", unit_code=designated
        )
        disputes.dispute_designate(
            dispute_id=dispute.id, acting_user=leader, unit_code=designated, note="指定。"
        )
        return Referral.objects.get(by_decision__referral=lead)

    day = datetime(2026, 8, 10, 10, tzinfo=BEIJING)
    accepted = send(day, "commerce", "housing")
    with _at(day + timedelta(days=1)):
        accept(accepted, "housing")
    sent_on = send(day, "commerce", "education")
    with _at(day + timedelta(days=1)):
        accept(reject_and_designate(sent_on, "education", "housing"), "housing")
    back = send(day, "education", "commerce")
    with _at(day + timedelta(days=2)):
        accept(reject_and_designate(back, "commerce", "commerce"), "commerce")
    send(day, "housing", "commerce")  # still open
    send(EDGES[3], "market-regulation", "commerce")  # the quarter's last second: open
    send(EDGES[4], "market-regulation", "commerce")  # the next quarter's first: not counted
    send(EDGES[0], "market-regulation", "commerce")  # the quarter before's last: not counted

    def case(total, accepted=0, rejected=0, open=0, disputed=0, withdrawn=0, by_decision=0):
        return {
            "total": total,
            "accepted": accepted,
            "rejected": rejected,
            "open": open,
            "disputed": disputed,
            "withdrawn": withdrawn,
            "by_decision": by_decision,
        }

    with _at(NOW):
        district = figures.portal_figures(QUARTER, now=NOW)["referrals"]["district"]
        units = {
            code: figures.portal_figures(QUARTER, unit=unit(code), now=NOW)["referrals"]
            for code in people
        }
        published = figures.district_figures(QUARTER, now=NOW)["referrals"]
    assert district == published == case(5, accepted=3, open=2, disputed=2, by_decision=2)
    assert units["commerce"]["sent"] == case(2, accepted=2, disputed=1, by_decision=1)
    assert units["housing"]["received"] == case(2, accepted=2, by_decision=1)
    assert units["commerce"]["received"] == case(3, accepted=1, open=2, disputed=1, by_decision=1)
    assert units["education"]["received"] == case(1, rejected=1, disputed=1)
    assert units["education"]["sent"] == case(1, accepted=1, disputed=1, by_decision=1)
    assert units["market-regulation"]["sent"] == case(1, open=1)
