"""The home page shows each role what it is for: the office (staff and director) keeps the
units set up and works its queues; the group leader, who sees every unit but configures none,
decides disputes and oversees the district; the director also follows what waits for the
leader, and both read the quarter's figures."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from complaints import disputes
from departments import duties
from tests.factories import make_order


def home(client, user, language="en") -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_leader_is_not_shown_the_offices_set_up_warnings(client, leader, office_director):
    """No member unit of the test database has a head: the office is warned, the leader,
    who names no heads, is not; nor is he offered to manage the office's duty contacts."""
    page = home(client, leader)
    assert 'id="units-without-head"' not in page
    assert "Manage duty contacts" not in page
    directory = client.get(reverse("unit_list")).content.decode()
    assert "data-no-head=" not in directory
    office = client.get(reverse("unit_detail", args=["office"])).content.decode()
    assert reverse("duty_contact_create", args=["office"]) not in office
    page = home(client, office_director)
    assert 'id="units-without-head"' in page
    assert "Manage duty contacts" in page


def test_the_leader_may_not_change_duty_contacts(client, leader):
    client.force_login(leader)
    url = reverse("duty_contact_create", args=["office"])
    assert client.get(url).status_code == 404
    response = client.post(url, {"label": "值班电话", "phone": "022-82170001"})
    assert response.status_code == 404


ROW = 'row-link" href="'
# The units' late quarterly reports: from a quarter's due date on, every unit of the test
# database is late, whatever else is (tests/reports/test_office_late_reports_line.py); and
# from 1 December to the year's end, their annual summaries not in
# (tests/reports/test_annual_summary_deadline.py).
SEASONAL = {"reports_late", "summaries_not_in"}


def oversight(page: str) -> dict[str, tuple[int, str, bool]]:
    """The lines of the "to follow" card: key → (count, link, red)."""
    card = re.search(r'id="to-follow".*?</div></div>', page, flags=re.S)
    if card is None:
        return {}
    found = re.findall(
        r'class="btn ([^"]*)"[^>]*href="([^"]+)" data-follow="([^"]+)">'
        r'<span class="badge[^"]*">(\d+)<',
        card.group(),
    )
    return {
        key: (int(count), url.replace("&amp;", "&"), "danger" in classes)
        for classes, url, key, count in found
    }


def test_the_leader_follows_overdue_orders_disputes_with_the_office_and_interventions(
    client, leader, office_staff, housing_staff
):
    from complaints import interventions

    make_order(office_staff)
    make_order(office_staff, unit_code="housing")
    order = make_order(office_staff, unit_code="education", category="预付卡")
    disputes.dispute_open(
        acting_user=office_staff,
        summary="归属不清",
        order_number=order.number,
        unit_codes=["market-regulation", "education"],
    )
    interventions.intervention_request(
        acting_user=housing_staff,
        unit_codes=["market-regulation"],
        title="商场燃气泄漏后商户拒不停业",
        situation="消费者反映商场内餐饮商户燃气泄漏，仍在营业。",
    )
    lines = oversight(home(client, leader))
    assert set(lines) - SEASONAL == {"disputes_with_office", "interventions_open"}
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        lines = {k: v for k, v in oversight(home(client, leader)).items() if k not in SEASONAL}
        assert lines["orders_overdue"][0] == 3
        assert lines["orders_overdue"][2]
        assert lines["disputes_with_office"][2]  # past its decision day
        assert lines["interventions_open"][2]  # nobody answered in time
        for key, (count, url, _red) in lines.items():
            listed = client.get(url).content.decode()
            assert listed.count(ROW) == count, key
    # The leader is told what he decides, not the office's queues.
    assert {d.key for d in duties.waiting_for(leader)} <= {"disputes_to_decide"}


def test_the_director_follows_the_disputes_waiting_for_the_leader(
    client, office_director, office_staff
):
    order = make_order(office_staff, unit_code="education", category="预付卡")
    dispute = disputes.dispute_open(
        acting_user=office_staff,
        summary="归属不清",
        order_number=order.number,
        unit_codes=["market-regulation", "education"],
    )
    assert "disputes_with_leader" not in oversight(home(client, office_director))
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office_staff, proposal="建议")
    count, url, red = oversight(home(client, office_director))["disputes_with_leader"]
    assert (count, url, red) == (1, reverse("dispute_list") + "?status=proposed", False)
    assert client.get(url).content.decode().count(ROW) == 1
    with time_machine.travel(dispute.decision_due_at + timedelta(minutes=1)):
        assert oversight(home(client, office_director))["disputes_with_leader"][2]
    # Office staff propose and move on: following the leader is the director's.
    assert 'id="to-follow"' not in home(client, office_staff)


@pytest.mark.parametrize("persona", ["leader", "office_director"])
def test_the_leader_and_the_director_read_the_quarters_figures_with_period_and_units(
    request, client, office_staff, persona
):
    user = request.getfixturevalue(persona)
    make_order(office_staff)
    make_order(office_staff)
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    first = today.replace(month=(quarter - 1) * 3 + 1, day=1)
    page = home(client, user)
    card = re.search(r'id="district-figures".*?</div></div>', page, flags=re.S).group()
    said = text(card)
    assert f"Q{quarter} {today.year}" in said
    assert f"{first:%m-%d} to {today:%m-%d}" in said
    assert re.search(r"\b2 orders received\b", said), said
    assert reverse("dashboard") in card
    zh = home(client, user, "zh-hans")
    zh = text(re.search(r'id="district-figures".*?</div></div>', zh, flags=re.S).group())
    assert f"{today.year}年第" in zh, zh


def test_office_staff_keep_the_network_card_and_no_figures(client, office_staff):
    page = home(client, office_staff)
    assert 'id="district-figures"' not in page
    assert "people with accounts" in page
