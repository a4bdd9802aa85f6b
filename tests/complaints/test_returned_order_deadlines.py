"""An order the unit returned to the coordination office (退回协调办) kept showing the unit its
overdue acceptance decision (受理决定), on the order page and in its lists, red, as if the
unit still had to decide: it is the office's now. To the unit that returned it (or had it
re-dispatched away) its deadlines read as no longer its own; the office, and the unit that
now handles it, still see them run. (English pages, so the assertions hold however the
Chinese is worded.)"""

from __future__ import annotations

import html as html_text
import re
from datetime import datetime

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from complaints import order_exports, workflow
from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit
from tests.helpers import exported

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(office_staff, mr_staff):
    """Received and signed on Monday 2 Nov 2026, returned after its decision fell due."""
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=BEIJING), tick=False):
        order = make_order(office_staff)
        workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=BEIJING), tick=False):
        workflow.workorder_return(order_id=order.id, acting_user=mr_staff, reason="不属本单位职责")
    order.refresh_from_db()
    assert order.status == "triage" and order.next_due_name == "decision"
    assert order.next_due_at < datetime(2026, 11, 20, tzinfo=BEIJING)
    return order


def get(client, user, url) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(url).content.decode()


def deadline(html: str, name: str) -> str:
    """The deadline's line on the order page: its classes, its name, date and state."""
    before, after = html.split(f' data-deadline="{name}">', 1)
    return before[before.rindex("<div") :] + after.split("data-deadline=", 1)[0][:600]


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=BEIJING), tick=False)
def test_the_unit_that_returned_it_no_longer_sees_its_deadline_run(returned, mr_staff, client):
    html = get(client, mr_staff, reverse("order_detail", args=[returned.number]))
    decision = deadline(html, "decision")
    assert "deadline-overdue" not in decision and "overdue" not in decision
    assert "no longer your unit" in decision


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=BEIJING), tick=False)
def test_the_office_still_sees_it_overdue(returned, office_staff, client):
    html = get(client, office_staff, reverse("order_detail", args=[returned.number]))
    assert "deadline-overdue" in deadline(html, "decision")


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=BEIJING), tick=False)
def test_the_units_lists_do_not_show_it_overdue(returned, mr_staff, client):
    for tab in ("returned", "all"):
        html = get(client, mr_staff, reverse("order_list") + f"?tab={tab}")
        row = re.search(rf"<tr[^>]*>\s*<td[^>]*><a[^>]*>{returned.number}</a>.*?</tr>", html, re.S)
        assert row, tab
        assert "table-danger" not in row[0] and "due-overdue" not in row[0], tab
    home = get(client, mr_staff, reverse("home"))
    assert 'data-duty="orders_overdue"' not in home


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=BEIJING), tick=False)
def test_the_unit_it_was_dispatched_to_sees_its_deadlines(returned, office_staff, client):
    workflow.workorder_dispatch(order_id=returned.id, acting_user=office_staff, unit_code="housing")
    housing = UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])
    html = get(client, housing, reverse("order_detail", args=[returned.number]))
    assert "no longer your unit" not in html
    sign_for = deadline(html, "sign_for")
    assert "deadline-done" not in sign_for and "left" in sign_for


def export_rows(client, user) -> list[dict]:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    rows = list(exported(client, "tab=all").active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=BEIJING), tick=False)
def test_the_units_export_does_not_show_it_overdue(returned, mr_staff, office_staff, client):
    """The Excel export kept the next deadline and "Yes" under Overdue for the unit that had
    returned the order; it reads as the list does. The office's export still shows it. A
    cell's words begin with a capital, as the headers do (they read "yes" and "no longer
    your unit's")."""
    (row,) = [r for r in export_rows(client, mr_staff) if r["Number"] == returned.number]
    assert row["Next deadline"] == "No longer your unit's"
    assert not row["Overdue"]
    (row,) = [r for r in export_rows(client, office_staff) if r["Number"] == returned.number]
    assert isinstance(row["Next deadline"], datetime) and row["Overdue"] == "Yes"


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=BEIJING), tick=False)
def test_the_chinese_export_says_the_same_as_before(returned, mr_staff, office_staff, client):
    with translation.override("zh-hans"):
        cells = (
            (mr_staff, gettext("Next deadline"), gettext("no longer your unit's")),
            (office_staff, gettext("Overdue"), gettext("yes")),
        )
    assert cells[0][2] == "已不由本单位办理" and cells[1][2] == "是"
    for person, column, expected in cells:
        client.force_login(person)
        client.cookies["django_language"] = "zh-hans"
        rows = list(exported(client, "tab=all").active.iter_rows(values_only=True))
        (row,) = [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0] == returned.number]
        assert row[column] == expected


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=BEIJING), tick=False)
def test_the_export_of_the_units_own_and_co_handled_orders_keeps_their_deadlines(
    returned, office_staff, mr_staff, client
):
    workflow.workorder_dispatch(
        order_id=returned.id,
        acting_user=office_staff,
        unit_code="housing",
        co_unit_codes=["market-regulation"],
    )
    own = make_order(office_staff)
    rows = {r["Number"]: r for r in export_rows(client, mr_staff)}
    assert isinstance(rows[returned.number]["Next deadline"], datetime)
    assert isinstance(rows[own.number]["Next deadline"], datetime)


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=BEIJING), tick=False)
def test_the_export_asks_once_whichever_the_number_of_returned_orders(
    returned, office_staff, mr_staff, client
):
    client.force_login(mr_staff)

    def build_queries() -> int:
        """The queries of the worker's build of the unit's export of every order."""
        export = order_exports.order_export_request(
            acting_user=mr_staff, params=QueryDict("tab=all"), language="en"
        )
        with CaptureQueriesContext(connection) as queries:
            order_exports.order_export_build(export.id)
        export.refresh_from_db()
        assert export.status == "done", export.error
        default_storage.delete(export.file.name)
        return len(queries)

    one = build_queries()
    for _ in range(3):
        order = make_order(office_staff)
        workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
        workflow.workorder_return(order_id=order.id, acting_user=mr_staff, reason="不属本单位职责")
    assert build_queries() == one


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=BEIJING), tick=False)
def test_the_lists_next_deadline_cell_begins_with_a_capital(
    returned, office_staff, mr_staff, client
):
    """As in the export: the cell read "no longer your unit's" or "paused" in English."""
    paused = make_order(office_staff)
    workflow.workorder_sign(order_id=paused.id, acting_user=mr_staff)
    workflow.workorder_accept(order_id=paused.id, acting_user=mr_staff)
    workflow.workorder_pause(order_id=paused.id, acting_user=mr_staff, reason="等待检测报告")
    html = get(client, mr_staff, reverse("order_list") + "?tab=all")
    cells = {
        number: html_text.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for number, cell in re.findall(
            r'href="/orders/(WQ-[\w-]+)/">.*?data-label="Next deadline">(.*?)</td>',
            html,
            re.S,
        )
    }
    assert cells[returned.number] == "No longer your unit's"
    assert cells[paused.number] == "Paused"
