"""A unit's people (staff, liaison, head) open the portal on their unit's work: the orders
whose deadlines come first, overdue ones at the top and said to be overdue in words, and
the unit's figures of the quarter so far, never another unit's; the office, the leader and
the director keep their home page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import workflow
from complaints.models import WorkOrder
from departments import access, duties
from tests.factories import make_order


def home(client, user, language="en") -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def card(page: str, card_id: str) -> str:
    """The element with `card_id`, to its closing tag (divs counted)."""
    start = page.find(f'id="{card_id}"')
    assert start >= 0, f"no {card_id} card"
    depth = 1
    for tag in re.finditer(r"<(/?)div\b", page[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return page[start : start + tag.end()]
    raise AssertionError(f"{card_id} is not closed")


def listed(page: str) -> list[tuple[str, str]]:
    """The nearest deadlines card's lines: (order number, state)."""
    return re.findall(r'data-order="([^"]+)" data-state="([^"]+)"', card(page, "nearest-deadlines"))


def due_in(order: WorkOrder, delta: timedelta) -> WorkOrder:
    """The order's next deadline moved to `delta` from now (the recount is tested elsewhere:
    here only the order the home page lists them in matters)."""
    WorkOrder.objects.filter(id=order.id).update(next_due_at=timezone.now() + delta)
    return order


def resolved(order: WorkOrder, user) -> WorkOrder:
    workflow.workorder_sign(order_id=order.id, acting_user=user)
    workflow.workorder_accept(order_id=order.id, acting_user=user)
    return workflow.workorder_resolve(order_id=order.id, acting_user=user, result="已退货")


@pytest.mark.parametrize("persona", ["mr_staff", "mr_liaison", "mr_head"])
def test_unit_people_see_their_units_five_nearest_deadlines_overdue_first(
    request, client, office_staff, housing_staff, persona
):
    user = request.getfixturevalue(persona)
    offsets = {
        "later": timedelta(days=20),
        "overdue_long": -timedelta(days=3),
        "in_five_days": timedelta(days=5),
        "overdue_hour": -timedelta(hours=1),
        "far": timedelta(days=40),
        "in_two_hours": timedelta(hours=2),
    }
    mine = {
        key: due_in(make_order(office_staff, title=f"工单{key}"), delta)
        for key, delta in offsets.items()
    }
    # Another unit's order, even one this unit co-handles (its deadline is the primary
    # unit's to meet), and an order this unit has resolved, are not listed.
    due_in(make_order(office_staff, unit_code="housing"), -timedelta(days=9))
    due_in(
        make_order(office_staff, unit_code="housing", co_unit_codes=["market-regulation"]),
        -timedelta(days=8),
    )
    resolved(make_order(office_staff), user)

    lines = listed(home(client, user))

    expected = ["overdue_long", "overdue_hour", "in_two_hours", "in_five_days", "later"]
    assert lines == [
        (mine[key].number, state)
        for key, state in zip(expected, ["overdue", "overdue", "soon", "ok", "ok"], strict=True)
    ]


def test_a_line_names_the_deadline_its_time_and_says_overdue_in_words(
    client, office_staff, mr_staff
):
    order = due_in(make_order(office_staff, title="过期酸奶"), -timedelta(hours=5))
    due = WorkOrder.objects.get(id=order.id).next_due_at
    local = timezone.localtime(due)

    said = text(card(home(client, mr_staff), "nearest-deadlines"))
    assert (
        f"{order.number} Overdue 过期酸奶 Sign for {local:%Y-%m-%d %H:%M} overdue 5 h 0 min" in said
    )

    zh = text(card(home(client, mr_staff, "zh-hans"), "nearest-deadlines"))
    assert f"签收 {local:%Y-%m-%d %H:%M}" in zh
    assert "已超期5小时0分钟" in zh


def tab_link(page: str, tab: str) -> tuple[str, int]:
    """The card's link to an inbox tab ("overdue", "due_soon") and the count it shows."""
    found = re.search(
        rf'href="([^"]+)" id="deadlines-{tab.replace("_", "-")}">[^<]*<span[^>]*>(\d+)<',
        card(page, "nearest-deadlines"),
    )
    assert found, tab
    return found.group(1).replace("&amp;", "&"), int(found.group(2))


def test_the_card_links_to_the_due_soon_and_overdue_tabs_with_what_they_list(
    client, office_staff, mr_staff
):
    due_in(make_order(office_staff), -timedelta(days=2))
    due_in(make_order(office_staff), -timedelta(hours=3))
    due_in(make_order(office_staff), timedelta(minutes=30))
    due_in(make_order(office_staff, unit_code="housing"), -timedelta(days=1))
    page = home(client, mr_staff)
    for tab, count in (("overdue", 2), ("due_soon", 1)):
        url, shown = tab_link(page, tab)
        assert (url, shown) == (f"{reverse('order_list')}?tab={tab}", count)
        assert client.get(url).content.decode().count('row-link" href="') == count


def test_nothing_running_says_so(client, office_staff, mr_staff, housing_staff):
    due_in(make_order(office_staff, unit_code="housing"), -timedelta(days=1))
    resolved(make_order(office_staff), mr_staff)
    page = home(client, mr_staff)
    assert listed(page) == []
    assert 'id="no-deadlines"' in card(page, "nearest-deadlines")
    # The other unit has its own.
    assert len(listed(home(client, housing_staff))) == 1


def test_unit_people_read_their_own_units_quarter_and_not_the_staff_count(
    client, office_staff, mr_staff, mr_head, housing_staff
):
    make_order(office_staff)
    make_order(office_staff)
    for _ in range(3):
        make_order(office_staff, unit_code="housing")
    resolved(make_order(office_staff, unit_code="housing"), housing_staff)
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    first = today.replace(month=(quarter - 1) * 3 + 1, day=1)

    for user, received, resolved_count in (
        (mr_staff, 2, 0),
        (mr_head, 2, 0),
        (housing_staff, 4, 1),
    ):
        page = home(client, user)
        figures = card(page, "unit-figures")
        said = text(figures)
        assert f"Your unit in Q{quarter} {today.year}, {first:%m-%d} to {today:%m-%d}" in said
        assert re.search(rf"\b{received} orders? received\b", said), said
        assert re.search(rf"\b{resolved_count} orders? resolved\b", said), said
        assert reverse("dashboard") in figures
        assert 'id="district-figures"' not in page
        assert "people with accounts" not in page
    housing = text(card(home(client, housing_staff), "unit-figures"))
    assert "100.0%" in housing  # on time: resolved within its deadline


def test_what_a_unit_sees_is_counted_for_it_alone(client, office_staff, mr_staff, housing_staff):
    """The district's figures and deadlines are not a unit's: nothing of housing's reaches
    the market-regulation bureau's home page, however many there are."""
    for _ in range(3):
        due_in(make_order(office_staff, unit_code="housing"), -timedelta(days=1))
    page = home(client, mr_staff)
    assert listed(page) == []
    assert re.search(r"\b0 orders received\b", text(card(page, "unit-figures")))
    assert tab_link(page, "overdue")[1] == 0


@pytest.mark.parametrize("persona", ["office_staff", "office_director", "leader"])
def test_the_office_and_the_leader_keep_their_home_page(request, client, persona, office_staff):
    due_in(make_order(office_staff), -timedelta(days=1))
    page = home(client, request.getfixturevalue(persona))
    assert 'id="nearest-deadlines"' not in page
    assert 'id="unit-figures"' not in page
    assert ("people with accounts" in page) == (persona != "leader")
    assert ('id="district-figures"' in page) == (persona != "office_staff")


def test_the_home_page_costs_the_same_queries_for_two_orders_or_thirty(
    client, office_staff, mr_staff, django_assert_max_num_queries, django_assert_num_queries
):
    for hours in range(2):
        due_in(make_order(office_staff), timedelta(hours=hours - 1))
    client.force_login(mr_staff)
    client.get(reverse("home"))  # the reference data, cached per process; the figures
    access.role_codes(mr_staff)
    # The reference data's version (the calendar of "due soon"), then the orders and the
    # two tabs' counts.
    with django_assert_num_queries(1 + 3):
        assert len(duties.nearest_deadlines(mr_staff).rows) == 2
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("home"))
    few = len(captured)  # read now: the next request empties the connection's log
    for hours in range(28):
        due_in(make_order(office_staff), timedelta(hours=hours + 2))
    client.get(reverse("home"))  # the figures of the new orders counted
    with django_assert_max_num_queries(few):
        response = client.get(reverse("home"))
    assert len(listed(response.content.decode())) == duties.NEAREST_DEADLINES
