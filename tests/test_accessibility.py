"""The staff pages as a screen reader and a keyboard meet them, read from the responses."""

import pytest

from complaints import workflow
from tests.a11y import duplicate_ids, problems, unnamed_controls
from tests.factories import make_order

NOTHING = {"unnamed controls": [], "unnamed buttons and links": [], "duplicate ids": []}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_action_form_on_an_order_names_its_fields(
    client, office_staff, monkeypatch, language
):
    """Each form of the order page's action column, all at once: a note, a reason, a unit to
    re-dispatch to are announced by what they are, not only by a placeholder that
    disappears once typing starts (or by nothing, for the selects)."""
    order = make_order(office_staff)
    monkeypatch.setattr(workflow, "allowed_actions", lambda user, order: list(workflow.TRANSITIONS))
    client.force_login(office_staff)
    client.cookies["django_language"] = language

    response = client.get(f"/orders/{order.number}/")

    assert response.status_code == 200
    assert 'id="action-resolve"' in response.content.decode()
    assert unnamed_controls(response.content) == []
    assert duplicate_ids(response.content) == []


@pytest.mark.parametrize(
    ("persona", "triage"),
    [("office_staff", True), ("office_staff", False), ("mr_staff", False)],
)
def test_an_order_page_as_each_handler_sees_it_is_sound(
    persona_client, office_staff, persona, triage
):
    order = make_order(office_staff, send_to_triage=triage)
    client = persona_client(persona)

    response = client.get(f"/orders/{order.number}/")

    assert response.status_code == 200
    assert problems(response.content) == NOTHING


STAFF_PAGES = [
    "/",
    "/orders/",
    "/orders/?status=assigned&q=超市",
    "/disputes/",
    "/referrals/",
    "/reports/",
    "/meetings/",
    "/meetings/actions/",
    "/notifications/",
    "/units/",
    "/units/market-regulation/",
    "/units/market-regulation/people/",
    "/accounts/password/",
]
OFFICE_PAGES = [
    "/orders/overdue/",
    "/orders/new/",
    "/disputes/board/",
    "/dashboard/",
    "/meetings/new/",
    "/mediation/",
    "/interventions/",
    "/reports/plans/",
    "/reports/annual/",
]


@pytest.mark.parametrize(
    ("persona", "url"),
    [("office_staff", url) for url in STAFF_PAGES + OFFICE_PAGES]
    + [(persona, url) for persona in ("mr_staff", "mr_liaison") for url in STAFF_PAGES],
)
def test_the_main_pages_name_every_field_and_button(persona_client, office_staff, persona, url):
    make_order(office_staff)
    client = persona_client(persona)

    response = client.get(url)

    assert response.status_code == 200
    assert problems(response.content) == NOTHING
