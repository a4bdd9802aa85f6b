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
from tests.factories import make_order

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
