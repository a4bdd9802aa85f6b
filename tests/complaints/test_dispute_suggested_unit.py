"""A unit disputing an order assigned to it says which unit it thinks should take it: an
optional choice among the active member units other than its own. The office and the
leader read the suggestion on the dispute's page, and the office's proposal form starts
from it. A suggestion that is not such a unit is refused with a reason, and nothing is
opened. Pages read in English (the django_language cookie)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from complaints import disputes
from complaints.choices import Action
from complaints.models import Dispute, WorkOrderEvent
from departments.choices import RoleCode
from departments.models import Unit
from tests.factories import UserFactory, make_order, unit


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def commerce(db):
    return UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])


@pytest.fixture
def order(db, office_staff, commerce):
    return make_order(office_staff, unit_code="commerce", content="培训学校预付学费停课，要求退费")


def english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def test_the_disputing_unit_suggests_the_unit_that_should_take_the_order(commerce, order):
    dispute = disputes.dispute_open(
        acting_user=commerce,
        order_number=order.number,
        summary="培训机构属教育局监管",
        suggested_unit_code="education",
    )
    dispute.refresh_from_db()
    assert dispute.suggested_unit == unit("education")
    opening = dispute.events.get()
    assert opening.data["suggested_unit"] == "education"
    # The suggestion does not make the unit a party: it is told and shown nothing until
    # the office or the leader brings it in.
    assert unit("education") not in dispute.units.all()


def test_the_suggestion_is_optional(commerce, order):
    dispute = disputes.dispute_open(
        acting_user=commerce, order_number=order.number, summary="不属于商务部门"
    )
    assert dispute.suggested_unit is None
    assert "suggested_unit" not in dispute.events.get().data


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("commerce", "cannot suggest your own unit"),
        ("no-such-unit", "no member unit with the code"),
        ("office", "no member unit with the code"),
        ("youth-league", "no member unit with the code"),  # made inactive below
    ],
)
def test_a_suggestion_that_is_not_another_active_member_unit_is_refused_and_nothing_opens(
    commerce, order, code, says
):
    Unit.objects.filter(code="youth-league").update(is_active=False)
    with pytest.raises(ValidationError, match=says) as refused:
        disputes.dispute_open(
            acting_user=commerce,
            order_number=order.number,
            summary="不属于商务部门",
            suggested_unit_code=code,
        )
    assert "suggested_unit" in refused.value.message_dict
    assert not Dispute.objects.exists()
    assert not WorkOrderEvent.objects.filter(order=order, action=Action.DISPUTE).exists()


def test_the_order_page_offers_every_other_active_member_unit(client, commerce, order):
    Unit.objects.filter(code="youth-league").update(is_active=False)
    english(client, commerce)
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    form = page.split('id="details-dispute"', 1)[1].split("</form>", 1)[0]
    assert 'name="suggested_unit"' in form
    assert 'value="education"' in form
    assert 'value="housing"' in form
    assert 'value="commerce"' not in form
    assert 'value="youth-league"' not in form


def test_a_posted_suggestion_reaches_the_office_and_the_leader_and_the_proposal_form(
    client, commerce, order, office_staff, leader
):
    english(client, commerce)
    response = client.post(
        reverse("dispute_open"),
        {"order": order.number, "summary": "培训机构属教育局监管", "suggested_unit": "education"},
    )
    dispute = Dispute.objects.get(order=order)
    assert response.status_code == 302
    name = str(unit("education"))

    english(client, office_staff)
    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    assert 'id="suggested-unit"' in page
    assert name in page.split('id="suggested-unit"', 1)[1].split("</dd>", 1)[0]
    proposal = page.split('id="propose-form"', 1)[1].split("</form>", 1)[0]
    assert '<option value="education" selected>' in proposal

    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office_staff, proposal="建议")
    english(client, leader)
    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    assert name in page.split('id="suggested-unit"', 1)[1].split("</dd>", 1)[0]


def test_the_proposal_form_keeps_the_unit_the_office_chose_over_the_suggestion(
    client, commerce, order, office_staff
):
    dispute = disputes.dispute_open(
        acting_user=commerce,
        order_number=order.number,
        summary="培训机构属教育局监管",
        suggested_unit_code="education",
    )
    english(client, office_staff)
    response = client.post(
        reverse("dispute_act", args=[dispute.id, "propose"]),
        {"proposal": "", "unit": "housing", "version": dispute.version},
    )
    assert response.status_code == 400  # refused: no proposal written
    proposal = response.content.decode().split('id="propose-form"', 1)[1].split("</form>", 1)[0]
    assert '<option value="housing" selected>' in proposal
    assert '<option value="education" selected>' not in proposal


def test_a_posted_suggestion_of_ones_own_unit_is_refused_with_a_reason(client, commerce, order):
    english(client, commerce)
    response = client.post(
        reverse("dispute_open"),
        {
            "order": order.number,
            "summary": "不属于商务部门",
            "suggested_unit": "commerce",
            "back": reverse("order_detail", args=[order.number]),
        },
    )
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [
        "You cannot suggest your own unit: choose the unit that should take it, "
        "or leave the choice empty."
    ]
    assert not Dispute.objects.exists()


def test_the_api_gives_the_suggested_unit(client, commerce, order):
    dispute = disputes.dispute_open(
        acting_user=commerce,
        order_number=order.number,
        summary="培训机构属教育局监管",
        suggested_unit_code="education",
    )
    client.force_login(commerce)
    data = client.get(reverse("dispute-detail", args=[dispute.id])).json()
    assert data["suggested_unit"] == "education"
