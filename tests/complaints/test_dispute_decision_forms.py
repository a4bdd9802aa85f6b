"""The group leader's decision forms on a dispute's page, read as he reads them: what the
forms offer before he chooses, and what the page tells him about the case. Pages read in
English (the django_language cookie)."""

from __future__ import annotations

import html as markup
import re

import pytest
from django.urls import reverse
from django.utils import translation

from complaints import disputes, workflow
from complaints.models import Dispute, WorkOrder
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(db, office_staff, leader):
    return {
        "office": office_staff,
        "leader": leader,
        "commerce": UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF]),
        "education": UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF]),
    }


def returned_twice(people) -> WorkOrder:
    order = make_order(
        people["office"], unit_code="commerce", content="培训学校收了预付学费后停课，要求退费"
    )
    workflow.workorder_return(
        order_id=order.id, acting_user=people["commerce"], reason="培训机构归教育局监管"
    )
    workflow.workorder_dispatch(
        order_id=order.id, acting_user=people["office"], unit_code="education"
    )
    workflow.workorder_return(
        order_id=order.id, acting_user=people["education"], reason="预付卡归商务局管理"
    )
    return WorkOrder.objects.get(id=order.id)


def proposed(people, unit_code: str = "") -> Dispute:
    dispute = Dispute.objects.get(order=returned_twice(people))
    return disputes.dispute_propose(
        dispute_id=dispute.id,
        acting_user=people["office"],
        proposal="建议成立联合调查组。",
        unit_code=unit_code,
    )


def page(client, user, dispute) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("dispute_detail", args=[dispute.id]))
    assert response.status_code == 200
    return response.content.decode()


def select(html: str, select_id: str) -> str:
    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert found, select_id
    return found.group(0)


def selected_values(select_html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select_html)


def test_no_unit_is_chosen_for_the_leader_when_the_office_proposed_none(client, people):
    """The office proposed a team, not a unit: the designation and the team's lead unit
    start from no unit, which the browser will not send, rather than from the first unit
    of the list, which one click on the button would have made responsible."""
    html = page(client, people["leader"], proposed(people))
    for select_id in ("designate-unit", "lead-unit"):
        options = select(html, select_id)
        assert " required" in options
        assert re.search(r'<option value=""[^>]*>', options)
        assert selected_values(options) == []


def test_both_decisions_name_their_unit_above_its_list(client, people):
    """The team's lead unit had a label above its list, the unit designated none: beside
    "Lead unit", the designation's list read as a bare unit (the office's proposal,
    "Commerce Bureau", chosen) under the card's title, "Decision"."""
    html = page(client, people["leader"], proposed(people, unit_code="education"))
    for select_id, label in (("designate-unit", "Unit designated"), ("lead-unit", "Lead unit")):
        found = re.search(rf'<label[^>]*for="{select_id}"[^>]*>([^<]*)</label>', html)
        assert found, select_id
        assert found.group(1).strip() == label


def test_the_unit_the_office_proposed_is_still_chosen_for_the_leader(client, people):
    html = page(client, people["leader"], proposed(people, unit_code="education"))
    assert selected_values(select(html, "designate-unit")) == ["education"]


@pytest.mark.parametrize(
    ("action", "data", "says"),
    [
        ("designate", {"unit": "", "note": "理由"}, "Choose the unit designated."),
        (
            "form-team",
            {"lead_unit": "", "member_units": ["commerce"], "note": "理由"},
            "Choose the team's lead unit.",
        ),
    ],
)
def test_a_decision_without_a_unit_is_refused_in_plain_words(client, people, action, data, says):
    dispute = proposed(people)
    client.force_login(people["leader"])
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("dispute_act", args=[dispute.id, action]), {**data, "version": dispute.version}
    )
    assert response.status_code == 400
    text = markup.unescape(response.content.decode())
    assert says in text
    assert "no member unit with the code" not in text
    dispute.refresh_from_db()
    assert dispute.status == "proposed"


def form_tag(html: str, form_id: str) -> str:
    found = re.search(rf'<form[^>]*id="{form_id}"[^>]*>', html)
    assert found, form_id
    return markup.unescape(found.group(0))


def test_the_leader_is_asked_before_his_decision_is_sent(client, people):
    """The decision cannot be undone (the order is forced on the unit, the dispute is
    closed to a second decision): both forms ask first, as the portal's other final
    steps do (data-confirm, static/js/portal.js)."""
    html = page(client, people["leader"], proposed(people))
    designate = form_tag(html, "designate-form")
    team = form_tag(html, "team-form")
    assert "data-confirm=" in designate
    assert "cannot be undone" in designate
    assert "data-confirm=" in team
    assert "cannot be undone" in team


def test_the_decision_names_the_co_handling_units_the_leader_gave(client, people):
    dispute = proposed(people, unit_code="education")
    disputes.dispute_designate(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        unit_code="education",
        co_unit_codes=["commerce", "market-regulation"],
        note="教育局主办",
    )
    html = page(client, people["office"], dispute)
    decision = re.search(r'<dd[^>]*id="decision"[^>]*>(.*?)</dd>', html, re.S)
    assert decision
    text = markup.unescape(decision.group(1))
    assert "Education Bureau" in text
    assert "Co-handling" in text
    assert "Commerce Bureau" in text
    assert "Market Regulation Bureau" in text


def test_the_dispute_page_gives_each_units_reasons_for_returning_the_order(client, people):
    """A second return opens the dispute with the second unit's reasons only; the leader
    decides between two units, so the page lists each return with its unit and reasons,
    the first unit's too, without his opening the order."""
    html = markup.unescape(page(client, people["leader"], proposed(people)))
    returns = re.search(r'<ol[^>]*id="order-returns"[^>]*>(.*?)</ol>', html, re.S)
    assert returns
    text = returns.group(1)
    assert "Commerce Bureau" in text
    assert "培训机构归教育局监管" in text
    assert "Education Bureau" in text
    assert "预付卡归商务局管理" in text
    assert text.index("培训机构归教育局监管") < text.index("预付卡归商务局管理")


def test_a_unit_that_may_not_open_the_order_reads_no_returns(client, people):
    """The list comes from the order's history: shown only to whom the order is shown."""
    dispute = proposed(people)
    outsider = UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])
    dispute.units.add(unit("housing"))
    html = page(client, outsider, dispute)
    assert 'id="order-returns"' not in html
