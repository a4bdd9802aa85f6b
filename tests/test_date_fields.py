"""Dates are asked for with the browser's date picker (`type="date"`), which posts ISO dates
(YYYY-MM-DD): on a phone a text field expecting YYYY-MM-DD brings up the letter keyboard and
leaves the format to be guessed. The forms take ISO dates, re-show them when the form comes
back with errors, and say clearly what is wrong with one that is not a date."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from meetings.models import JointMeeting

# A field's own name (after a row's "entry-0-" or "action-1-"): a date by its name.
DATE_NAME = re.compile(r"(^|_)(on|from|to|until|day)$")


def date_fields(html: str) -> dict[str, dict[str, str]]:
    """The inputs of a page whose name says they hold a date: name -> type and value."""
    found = {}
    for tag in re.findall(r"<input\b[^>]*>", html):
        attrs = dict(re.findall(r'\b([a-z-]+)="([^"]*)"', tag))
        if DATE_NAME.search(attrs.get("name", "").rsplit("-", 1)[-1]):
            found[attrs["name"]] = {"type": attrs.get("type", "text"), "value": attrs.get("value")}
    return found


@pytest.mark.parametrize(
    "persona,url,names",
    [
        ("office_staff", "/orders/?tab=all", {"received_from", "received_to"}),
        ("office_staff", "/dashboard/", {"from", "to"}),
        ("office_staff", "/meetings/new/", {"planned_on"}),
        ("mr_staff", "/mediation/new/", {"effective_on"}),
        ("office_staff", "/campaigns/new/", {"starts_on", "ends_on"}),
        ("mr_staff", "/releases/new/", {"entry-0-decided_on", "entry-2-exposure_until"}),
        ("mr_staff", "/reports/education/", {"day"}),
        ("office_staff", "/reports/evaluations/", {"day"}),
    ],
)
def test_the_main_forms_ask_for_dates_with_a_date_picker(persona_client, persona, url, names):
    response = persona_client(persona).get(url)
    assert response.status_code == 200
    fields = date_fields(response.content.decode())
    assert names <= set(fields), fields
    assert {name: f["type"] for name, f in fields.items() if f["type"] != "date"} == {}


def test_a_posted_iso_date_is_taken_and_shown_again_when_the_form_has_errors(
    client, office_staff, mr_staff
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(office_staff)
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    meeting = {
        "kind": "extra",
        "title": "Prepaid cards",
        "planned_on": day,
        "starts_at": "09:30",
        "place": "Room 301",
        "units": ["market-regulation"],
    }

    # Another field is missing: the date comes back as it was sent, for the picker to show.
    response = client.post("/meetings/new/", {**meeting, "place": ""})
    assert response.status_code == 400
    assert date_fields(response.content.decode())["planned_on"] == {"type": "date", "value": day}

    # Not a date at all (the picker never sends one, a hand-made request may): said plainly.
    response = client.post("/meetings/new/", {**meeting, "planned_on": "2026-02-30"})
    assert response.status_code == 400
    assert "Give the date of the meeting." in response.content.decode()
    assert not JointMeeting.objects.exists()

    response = client.post("/meetings/new/", meeting)
    assert response.status_code == 302
    planned = JointMeeting.objects.get()
    assert planned.planned_on.isoformat() == day
    # The meeting's page: its date to change, the held-on date, the action items' due dates.
    fields = date_fields(client.get(f"/meetings/{planned.id}/").content.decode())
    assert fields["planned_on"] == {"type": "date", "value": day}
    assert {f["type"] for f in fields.values()} == {"date"}


def test_the_order_lists_date_filters_take_iso_dates_and_name_a_bad_one(client, office_staff):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(office_staff)
    day = timezone.localdate().isoformat()
    response = client.get("/orders/", {"tab": "all", "received_from": day, "received_to": day})
    assert response.status_code == 200
    fields = date_fields(response.content.decode())
    assert fields["received_from"] == {"type": "date", "value": day}
    assert fields["received_to"] == {"type": "date", "value": day}

    response = client.get("/orders/", {"tab": "all", "received_from": "2026-13-01"})
    assert response.status_code == 400
    assert "Enter a date like 2026-07-06." in response.content.decode()
