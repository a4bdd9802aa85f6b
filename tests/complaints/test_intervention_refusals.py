"""A step refused on a request to step in answers 400 with the request's page, as the
dispute's and the meeting's pages do: it redirected with a message at the top, so a script
or a monitor read "done", the reason for declining typed into the box was gone, and nothing
led back to the form. Now the reason is said once: under the form's field when the form is
still offered (the field marked and focused, what was typed in it kept), as the page's
message when the form is no longer there (the request closed, the answer given). Nothing is
written. Pages in English."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from complaints import interventions
from complaints.choices import InterventionAnswer
from complaints.models import InterventionEvent, InterventionUnit
from departments.choices import RoleCode
from tests.factories import UserFactory, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(db):
    return UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_STAFF])


@pytest.fixture
def item(mr_staff):
    return interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["housing", "public-security"],
        title="商场燃气泄漏后商户拒不停业",
        situation="消费者反映商场内餐饮商户燃气泄漏，仍在营业。",
    )


def post(client, person, item, action, data=None):
    client.force_login(person)
    client.cookies["django_language"] = "en"
    return client.post(reverse("intervention_act", args=[item.id, action]), data or {})


def state(item) -> tuple:
    rows = InterventionUnit.objects.filter(intervention=item).order_by("unit_id")
    item.refresh_from_db()
    return (
        item.closed_at,
        [(r.answer, r.reason, r.answered_at) for r in rows],
        InterventionEvent.objects.filter(intervention=item).count(),
    )


def tag(page: str, dom_id: str) -> str:
    found = re.search(r"<(?:textarea|input|button)[^>]*\bid=\"" + dom_id + r"\"[^>]*>", page)
    assert found, dom_id
    return found.group(0)


def said_at(page: str, dom_id: str) -> str:
    """The reason tied to the field `dom_id` (its aria-describedby)."""
    described = re.search(r'aria-describedby="([^"]+)"', tag(page, dom_id))
    assert described, tag(page, dom_id)
    found = re.search(r'<div[^>]*id="' + described.group(1) + r'"[^>]*>(.*?)</div>', page, re.S)
    assert found
    return found.group(1).strip()


def test_declining_without_a_reason_comes_back_at_the_box(client, item, housing_staff):
    before = state(item)

    response = post(client, housing_staff, item, "decline", {"reason": "   "})

    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert said_at(page, "decline-reason") == "Give the reason for declining."
    box = tag(page, "decline-reason")
    assert 'aria-invalid="true"' in box and " autofocus" in box
    assert page.count("Give the reason for declining.") == 1
    assert page.count(" autofocus") == 1
    # The page is the request's, its other forms as usual.
    assert item.number in page and 'id="join"' in page
    assert state(item) == before


def test_a_note_refused_comes_back_with_what_was_typed(client, item, police):
    before = state(item)

    response = post(client, police, item, "note", {"text": "   "})

    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert said_at(page, "note-text") == "Write something first."
    assert page.count("Write something first.") == 1
    assert 'value="   "' in tag(page, "note-text")
    assert state(item) == before


def test_declining_a_closed_request_is_refused_once_with_the_page(
    client, item, mr_staff, housing_staff
):
    interventions.intervention_close(intervention_id=item.id, acting_user=mr_staff)
    before = state(item)

    response = post(client, housing_staff, item, "decline", {"reason": "非物业问题"})

    assert response.status_code == 400
    page = unescape(response.content.decode())
    # No answer can be given any more: the form is gone, the reason is the page's message.
    assert 'id="decline-reason"' not in page
    assert page.count("This request is closed.") == 1
    assert re.search(r'class="alert alert-danger[^"]*"[^>]*>\s*This request is closed\.', page)
    assert state(item) == before


@pytest.mark.parametrize(
    ("person", "action", "data", "reason"),
    [
        ("police", "join", {}, "Your unit has already answered."),
        ("police", "decline", {"reason": "不属本单位"}, "Your unit has already answered."),
        ("office_staff", "join", {}, "Only the units asked answer this request."),
        (
            "housing_staff",
            "close",
            {},
            "The unit that asked, or the office, closes the request.",
        ),
    ],
)
def test_a_step_refused_for_the_requests_state_answers_400_once(
    request, client, item, person, action, data, reason
):
    police = request.getfixturevalue("police")
    interventions.intervention_answer(intervention_id=item.id, acting_user=police, join=True)
    before = state(item)

    response = post(client, request.getfixturevalue(person), item, action, data)

    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert page.count(reason) == 1
    assert item.number in page
    assert state(item) == before
    assert (
        InterventionUnit.objects.get(intervention=item, unit=unit("public-security")).answer
        == InterventionAnswer.JOINED
    )


def test_closing_a_closed_request_again_answers_400(client, item, mr_staff):
    interventions.intervention_close(intervention_id=item.id, acting_user=mr_staff)
    before = state(item)

    response = post(client, mr_staff, item, "close")

    assert response.status_code == 400
    assert unescape(response.content.decode()).count("This request is closed.") == 1
    assert state(item) == before
