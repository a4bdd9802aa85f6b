"""Answers that cannot be taken back ask first (data-confirm, static/js/portal.js), as
rejecting a lead or opening a dispute does: declining to step in (the unit's answer is
final, the asking unit is told), closing a request to step in (no unit may answer it or
write on it afterwards) and sending a mediation agreement to the court. Each was sent at
the first click, one thumb away from the box just typed in on a phone. The reason for
declining, which the service requires, is required in the browser too. Pages in English."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import interventions, mediation, workflow
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit

pytestmark = pytest.mark.django_db


def page(client, person, url: str) -> str:
    client.force_login(person)
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def form_of(html: str, action: str) -> str:
    found = re.search(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>.*?</form>', html, re.S)
    assert found, action
    return found.group(0)


def question(form: str) -> str:
    opening = form.split(">", 1)[0]
    asked = re.search(r'data-confirm="([^"]+)"', opening)
    assert asked, opening
    return asked.group(1)


@pytest.fixture
def request_to_step_in(mr_liaison):
    return interventions.intervention_request(
        acting_user=mr_liaison,
        unit_codes=["housing"],
        title="商场电梯事故",
        situation="某商场自动扶梯伤人，请提前介入。",
    )


def test_declining_to_step_in_asks_first_and_needs_its_reason(
    client, request_to_step_in, housing_staff
):
    item = request_to_step_in
    html = page(client, housing_staff, reverse("intervention_detail", args=[item.id]))

    decline = form_of(html, reverse("intervention_act", args=[item.id, "decline"]))
    asked = question(decline)
    assert item.number in asked and "cannot be changed" in asked
    assert re.search(r"<textarea[^>]*name=\"reason\"[^>]*\brequired\b", decline)
    # Joining asks nothing: it is what was asked for.
    join = form_of(html, reverse("intervention_act", args=[item.id, "join"]))
    assert "data-confirm" not in join.split(">", 1)[0]


def test_closing_a_request_to_step_in_asks_first(client, request_to_step_in, mr_liaison):
    item = request_to_step_in
    html = page(client, mr_liaison, reverse("intervention_detail", args=[item.id]))

    asked = question(form_of(html, reverse("intervention_act", args=[item.id, "close"])))
    assert item.number in asked and "?" in asked


def test_sending_an_agreement_to_the_court_asks_first(client, office_staff, mr_staff):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    agreement = mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        parties="张先生；某某超市",
        terms="超市退还货款并赔偿500元",
        effective_on=timezone.localdate() - timedelta(days=1),
        amount="500",
        consent="both",
    )
    html = page(client, mr_staff, reverse("mediation_detail", args=[agreement.id]))

    asked = question(form_of(html, reverse("mediation_act", args=[agreement.id, "submit"])))
    assert agreement.number in asked and "court" in asked and "?" in asked


def test_the_shared_timelines_box_says_what_it_is_for(client, request_to_step_in, mr_liaison):
    """A blank box beside "Add" said nothing of what to write or who reads it; sent empty it
    came back with "Write something first." after the round trip."""
    item = request_to_step_in
    html = page(client, mr_liaison, reverse("intervention_detail", args=[item.id]))
    box = re.search(r'<input[^>]*id="note-text"[^>]*>', html).group(0)
    assert 'placeholder="Write to the units involved"' in box
    assert re.search(r"\brequired\b", box)


@pytest.fixture
def judge(db):
    return UserFactory(unit=unit("court"), roles=[RoleCode.UNIT_STAFF])


def _sent_to_court(office_staff, mr_staff):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    agreement = mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        parties="张先生；某某超市",
        terms="超市退还货款并赔偿500元",
        effective_on=timezone.localdate() - timedelta(days=1),
        consent="both",
    )
    return mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)


@pytest.fixture
def waiting_for_the_court(office_staff, mr_staff):
    return _sent_to_court(office_staff, mr_staff)


@pytest.fixture
def taken_by_the_court(waiting_for_the_court, judge):
    return mediation.court_take(
        agreement_id=waiting_for_the_court.id, acting_user=judge, case_number="(2026)津0114民特1号"
    )


def test_each_ruling_of_the_court_is_its_own_form_that_asks_first(
    client, taken_by_the_court, judge
):
    """Confirm, Refuse and Extend shared one form and were sent at the first click: each now
    asks what it will do, and refusing and extending need their reasons (the court's
    reasons are what the unit reads)."""
    agreement = taken_by_the_court
    html = page(client, judge, reverse("mediation_detail", args=[agreement.id]))

    def form(action):
        return form_of(html, reverse("mediation_act", args=[agreement.id, action]))

    confirm, refuse, extend = form("confirm"), form("refuse"), form("extend")
    assert "formaction" not in html
    assert re.search(r"\bid=\"confirm\"", confirm) and "Confirm" in question(confirm)
    asked = question(confirm)
    assert agreement.number in asked and "?" in asked and "cannot be changed" in asked
    asked = question(refuse)
    assert agreement.number in asked and "Refuse" in asked and "cannot be changed" in asked
    assert re.search(r"<textarea[^>]*name=\"reasons\"[^>]*\brequired\b", refuse)
    new_date = (agreement.rule_by + timedelta(days=10)).isoformat()
    asked = question(extend)
    assert agreement.number in asked and new_date in asked and "only once" in asked
    assert re.search(r"<textarea[^>]*name=\"reasons\"[^>]*\brequired\b", extend)
    # Confirming may give reasons, but need not.
    assert not re.search(r"<textarea[^>]*name=\"reasons\"[^>]*\brequired\b", confirm)


def test_declining_to_take_an_application_asks_first(client, waiting_for_the_court, judge):
    agreement = waiting_for_the_court
    html = page(client, judge, reverse("mediation_detail", args=[agreement.id]))

    not_take = form_of(html, reverse("mediation_act", args=[agreement.id, "not-take"]))
    asked = question(not_take)
    assert agreement.number in asked and "?" in asked and "cannot be changed" in asked
    assert re.search(r"name=\"reasons\"[^>]*\brequired\b", not_take)
    # Taking it is what was asked for: it asks nothing.
    take = form_of(html, reverse("mediation_act", args=[agreement.id, "take"]))
    assert "data-confirm" not in take.split(">", 1)[0]


@pytest.mark.parametrize(
    ("action", "posted", "status"),
    [
        ("confirm", {}, "confirmed"),
        ("refuse", {"reasons": "协议内容违反法律规定"}, "refused"),
        ("extend", {"reasons": "需补充材料"}, "taken"),
    ],
)
def test_each_ruling_form_still_does_what_it_says(
    client, taken_by_the_court, judge, action, posted, status
):
    agreement = taken_by_the_court
    client.force_login(judge)
    response = client.post(
        reverse("mediation_act", args=[agreement.id, action]),
        {**posted, "version": str(agreement.version)},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == status
    assert agreement.extended is (action == "extend")
