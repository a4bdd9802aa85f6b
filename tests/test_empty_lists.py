"""An empty list says why it is empty: nothing there yet, or nothing the reader's search or
filters let through. "Nothing here." said neither, under a filter that hid everything."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from complaints.deadlines import BEIJING


def empty_line(client, user, address: str, query: dict, language: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    page = client.get(address, query).content.decode()
    return re.search(
        r'<td colspan="5" class="text-body-secondary" id="no-[a-z]+">(.*?)</td>', page
    )[1]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_campaign_list_tells_none_yet_from_none_matching(client, office_staff, language):
    address = reverse("campaign_list")
    with translation.override(language):
        none_yet, none_match = (
            gettext("No joint campaign yet."),
            gettext("No campaign matches these filters."),
        )
    assert empty_line(client, office_staff, address, {}, language) == none_yet
    assert empty_line(client, office_staff, address, {"status": "closed"}, language) == none_match


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_release_list_tells_none_yet_from_none_matching(client, mr_staff, language):
    address = reverse("release_list")
    with translation.override(language):
        none_yet = gettext("No public release yet.")
        none_match = gettext("No release matches the search and filters.")
    assert empty_line(client, mr_staff, address, {}, language) == none_yet
    for query in ({"q": "预付卡"}, {"status": "draft"}, {"kind": "warning"}):
        assert empty_line(client, mr_staff, address, query, language) == none_match, query


def empty_cell(client, user, address: str, query: dict, language: str, cell: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    page = client.get(address, query).content.decode()
    found = re.search(rf'<td colspan="\d" class="text-body-secondary" id="{cell}">(.*?)</td>', page)
    assert found, f"no empty {cell} on {address}"
    return found[1]


def said(language: str, text: str, **values) -> str:
    with translation.override(language):
        return gettext(text) % values if values else gettext(text)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_education_events_and_evaluations_say_none_logged_yet(
    client, mr_staff, office_staff, language
):
    events = empty_cell(client, mr_staff, reverse("education_events"), {}, language, "no-events")
    assert events == said(language, "No education event has been logged yet.")
    evaluations = empty_cell(
        client, office_staff, reverse("evaluations"), {"year": 2026}, language, "no-evaluations"
    )
    expected = said(language, "No evaluation or expert opinion for %(year)s yet.", year=2026)
    assert evaluations == expected


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_new_campaign_says_no_action_and_no_order_yet(client, office_staff, language):
    from tests.reports.test_campaigns import start

    with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=BEIJING), tick=False):
        campaign = start(office_staff)
    address = reverse("campaign_detail", args=[campaign.id])
    actions = empty_cell(client, office_staff, address, {}, language, "no-actions")
    assert actions == said(language, "No unit has logged an action in this campaign yet.")
    orders = empty_cell(client, office_staff, address, {}, language, "no-linked-orders")
    assert orders == said(language, "No work order received during the campaign fits it so far.")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_mediation_list_tells_none_yet_from_none_matching(client, office_staff, language):
    address = reverse("mediation_list")
    none_yet = empty_cell(client, office_staff, address, {}, language, "no-agreements")
    assert none_yet == said(language, "No mediation agreement has been recorded yet.")
    by_status = empty_cell(
        client, office_staff, address, {"status": "confirmed"}, language, "no-agreements"
    )
    assert by_status == said(language, "No agreement has this status.")
    searched = empty_cell(client, office_staff, address, {"q": "张三"}, language, "no-agreements")
    assert searched == said(language, "No agreement matches the search.")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_courts_queue_says_nothing_waits_for_it(client, db, language):
    from departments.choices import RoleCode
    from tests.factories import UserFactory, unit

    judge = UserFactory(unit=unit("court"), roles=[RoleCode.UNIT_STAFF])
    line = empty_cell(client, judge, reverse("mediation_list"), {}, language, "no-agreements")
    assert line == said(language, "No application is waiting for the court.")
