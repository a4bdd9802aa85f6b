"""The office's and the units' dashboards: figures over a date range, charts and tables.

The office, the leader and administrators see the district and may pick a unit
(`?unit=<code>`); a unit's people see their own unit only, and another unit's code is a
404 like any record that is not theirs.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import selectors, stats
from complaints.choices import Status
from departments import access
from departments.choices import UnitKind
from departments.models import Unit
from wuqing_consumer.address_values import MalformedValue, day_in

from . import dashboards
from .dashboards import PRESETS, DateRange

PRESET_LABELS = {
    "week": gettext_lazy("This week"),
    "month": gettext_lazy("This month"),
    "quarter": gettext_lazy("This quarter"),
    "year": gettext_lazy("This year"),
}
BLUE, AMBER, RED, GREEN, GREY = "#0b3d91", "#e0a800", "#c8102e", "#2f8a4a", "#6c7a92"


def _within_reason(day: date, today: date) -> bool:
    return day.year <= today.year + 1


def date_range(request: HttpRequest, today: date) -> DateRange:
    """The range asked for, or the current quarter with a message saying why not;
    MalformedValue for a `from` or `to` that is not a date."""
    default = dashboards.quarter_of(today)
    asked_first = day_in(request.GET, "from")
    asked_last = day_in(request.GET, "to")
    if asked_first is None and asked_last is None:
        return default
    last = asked_last or today
    first = asked_first or dashboards.quarter_of(last).first
    if not (_within_reason(first, today) and _within_reason(last, today)):
        messages.warning(
            request,
            _("The dashboard has no figures after %(year)s; showing the current quarter.")
            % {"year": today.year + 1},
        )
        return default
    if first > last:
        messages.warning(
            request, _("The start date is after the end date; showing the current quarter.")
        )
        return default
    if first < dashboards.earliest_first(last):
        first = dashboards.earliest_first(last)
        messages.info(
            request,
            _("A dashboard covers at most three years: showing %(first)s to %(last)s.")
            % {"first": first.isoformat(), "last": last.isoformat()},
        )
    return DateRange(first, last)


def _dashboard_unit(request: HttpRequest) -> Unit | None:
    """The unit whose dashboard to show, None for the district; 404 for what is not theirs."""
    user = request.user
    code = request.GET.get("unit", "").strip()[:40]
    if access.sees_all_units(user):
        if not code:
            return None
        members = Unit.objects.filter(kind=UnitKind.MEMBER, is_active=True)
        return access.get_or_404(members, code=code)
    if getattr(user, "unit_id", None) is None:
        raise Http404
    if code and code != user.unit.code:
        raise Http404
    return user.unit


class Links:
    """Addresses of the order list showing the orders behind a number.

    A unit's list holds the orders it co-handles and those it returned as well as its own;
    its figures count the orders it handles as primary unit, so its links name the unit
    too, as the office's do."""

    def __init__(self, first: date, last: date, unit: Unit | None, sees_all: bool):
        self.base = reverse("order_list")
        self.dates = {"received_from": first.isoformat(), "received_to": last.isoformat()}
        self.unit_code = unit.code if unit else ""
        self.sees_all = sees_all

    def orders(self, *, tab: str = "all", unit_code: str | None = None, **filters: str) -> str:
        code = self.unit_code if unit_code is None else unit_code
        params = {"tab": tab, **({"unit": code} if code else {})}
        params.update(self.dates)
        params.update({k: v for k, v in filters.items() if v})
        return f"{self.base}?{urlencode(params)}"


def _unit_rows(data: dict, links: Links, triage_tab: bool) -> list[dict]:
    """Each row's links to the orders it counts. The triage queue's opens the list's triage
    tab for the office; the leader has no such tab, and the list opened on his first tab
    (the overdue orders) filtered to triage: none, where the dashboard counted some."""
    rows = []
    for row in data["by_unit"]:
        if row["code"]:
            row["links"] = {
                "received": links.orders(unit_code=row["code"]),
                "due_soon": links.orders(tab="due_soon", unit_code=row["code"]),
                "overdue": links.orders(tab="overdue", unit_code=row["code"]),
            }
        else:
            tab = "triage" if triage_tab else "all"
            row["links"] = {"received": links.orders(tab=tab, status=Status.TRIAGE)}
        rows.append(row)
    return rows


def _series(name: str, rows: list[dict], key: str, color: str, links: list | None = None):
    return {
        "name": name,
        "data": [row[key] for row in rows],
        "color": color,
        **({"links": links} if links else {}),
    }


def _trend_label(point: dict, bucket: str) -> str:
    return point["start"].strftime("%Y-%m") if bucket == "month" else point["start"].isoformat()


def charts(data: dict, links: Links) -> dict[str, dict]:
    """What static/js/dashboard.js draws: one spec per chart, the numbers of its table."""
    trend = data["trend"]
    units = data["by_unit"]
    # Rates and routing are the member units' own: orders still in triage have neither.
    members = [row for row in units if row["code"]]
    return {
        "trend": {
            "type": "line",
            "categories": [_trend_label(p, trend["bucket"]) for p in trend["points"]],
            "series": [
                _series(_("Received"), trend["points"], "received", BLUE),
                _series(_("Resolved"), trend["points"], "resolved", GREEN),
                _series(_("Still open"), trend["points"], "open", AMBER),
            ],
        },
        "units": {
            "type": "bar",
            "categories": [row["name"] for row in units],
            "series": [
                _series(
                    _("Open"),
                    units,
                    "open",
                    BLUE,
                    [row["links"]["received"] for row in units],
                ),
                _series(
                    _("Due soon"),
                    units,
                    "due_soon",
                    AMBER,
                    [row["links"].get("due_soon", "") for row in units],
                ),
                _series(
                    _("Overdue"),
                    units,
                    "overdue",
                    RED,
                    [row["links"].get("overdue", "") for row in units],
                ),
            ],
        },
        "rates": {
            "type": "bar",
            "percent": True,
            "max": 100,
            "categories": [row["name"] for row in members],
            "series": [
                _series(_("On-time rate"), members, "on_time_rate", BLUE),
                _series(_("Satisfaction rate"), members, "satisfaction_rate", GREEN),
            ],
        },
        "routing": {
            "type": "bar",
            "percent": True,
            "categories": [row["name"] for row in members],
            "series": [
                _series(_("Went to triage"), members, "triaged_share", AMBER),
                _series(_("Re-dispatched"), members, "redispatched_share", RED),
            ],
        },
        "categories": _ranking(data["categories"], [row["link"] for row in data["categories"]]),
        "businesses": _ranking(data["businesses"], None),
        "towns": _ranking(data["towns"], [row["link"] for row in data["towns"]]),
        "channels": _ranking(data["channels"], [row["link"] for row in data["channels"]]),
    }


def _ranking(rows: list[dict], links: list | None) -> dict:
    return {
        "type": "hbar",
        "categories": [row["label"] for row in rows],
        "series": [_series(_("Received"), rows, "received", BLUE, links)],
    }


def _presets(today: date, current: DateRange, unit: Unit | None, sees_all: bool) -> list[dict]:
    items = []
    for key, span_of in PRESETS.items():
        span = span_of(today)
        params = {"from": span.first.isoformat(), "to": span.last.isoformat()}
        if unit and sees_all:
            params["unit"] = unit.code
        items.append(
            {
                "key": key,
                "label": PRESET_LABELS[key],
                "query": urlencode(params),
                "active": span == current,
            }
        )
    return items


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    unit = _dashboard_unit(request)
    sees_all = access.sees_all_units(request.user)
    now = timezone.now()
    today = stats.local_day(now)
    status = 200
    try:
        span = date_range(request, today)
    except MalformedValue as error:
        messages.error(request, error.message)
        span, status = dashboards.quarter_of(today), 400
    data = dashboards.dashboard_data(unit=unit, first=span.first, last=span.last, now=now)
    links = Links(span.first, span.last, unit, sees_all)
    triage_tab = any(tab.key == "triage" for tab in selectors.tabs_for(request.user))
    data["by_unit"] = _unit_rows(data, links, triage_tab)
    for row in data["categories"]:
        row["link"] = links.orders(category=row["value"]) if row["value"] else ""
    for row in data["towns"]:
        row["link"] = links.orders(town=row["value"]) if row["value"] else ""
    for row in data["channels"]:
        row["link"] = links.orders(channel=row["value"]) if row["value"] else ""
    overdue_now = {"tab": "overdue", **({"unit": unit.code} if unit and sees_all else {})}
    due_soon_now = {"tab": "due_soon", **({"unit": unit.code} if unit and sees_all else {})}
    return render(
        request,
        "reports/dashboard.html",
        {
            "data": data,
            "charts": charts(data, links),
            "unit": unit,
            "sees_all": sees_all,
            "units": (
                Unit.objects.filter(kind=UnitKind.MEMBER, is_active=True) if sees_all else []
            ),
            "first": span.first,
            "last": span.last,
            "presets": _presets(today, span, unit, sees_all),
            "links": {
                "received": links.orders(),
                "overdue_now": f"{links.base}?{urlencode(overdue_now)}",
                "due_soon_now": f"{links.base}?{urlencode(due_soon_now)}",
                "overdue_board": reverse("overdue_board") if sees_all else "",
                "reports": reverse("report_list"),
            },
        },
        status=status,
    )
