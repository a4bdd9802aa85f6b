"""The staff pages as a screen reader and a keyboard meet them, read from the responses."""

import pytest

from complaints import workflow
from departments.notifications import Message, notify
from tests.a11y import accessible_name, duplicate_ids, problems, unnamed_controls
from tests.factories import make_order

NOTHING = {
    "unnamed controls": [],
    "unnamed buttons and links": [],
    "duplicate ids": [],
    "lists and tab lists": [],
}


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


@pytest.mark.parametrize(
    ("language", "bell", "unread"),
    [("zh-hans", "通知", "2 条未读"), ("en", "Notifications", "2 unread")],
)
def test_the_bell_tells_a_screen_reader_how_many_are_unread(
    client, mr_staff, language, bell, unread
):
    """The count on the bell is what it is there for; an aria-label of "Notifications"
    replaced it, so a screen reader never heard it (and the name did not contain the
    visible number, which voice control users say to click it)."""
    for key in ("a", "b"):
        notify(
            users=[mr_staff],
            message=Message(key=key, category="due_soon", title="即将到期", body="", url="/"),
        )
    client.force_login(mr_staff)
    client.cookies["django_language"] = language

    page = client.get("/").content

    assert accessible_name(page, "notification-bell") == f"{bell} {unread}"
    assert 'id="unread-count">2<' in page.decode()


def test_the_bell_without_unread_notifications_is_still_named(client, mr_staff):
    client.force_login(mr_staff)

    assert accessible_name(client.get("/").content, "notification-bell") == "通知"
