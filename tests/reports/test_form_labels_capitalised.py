"""Labels built in Python begin with a capital in English. The campaign forms were labelled
with lower-case msgids ("title", "lead unit", "participating units"), and the quarterly report
form, the campaign log form and a report's history named fields by their lower-case
verbose_names ("cases opened", "inspections"), beside capitalised labels elsewhere on the
page; the release list named a wrong filter "status". The Chinese is the same msgid's
translation as before."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import campaigns, services
from tests.factories import unit

# A small label above a field (reports/_field.html), a legend, a history line.
FIELD_LABEL = re.compile(r'<label class="form-label small mb-1" for="[^"]*">([^<]*)</label>')
LEGEND = re.compile(r"<legend\b[^>]*>([^<]*)</legend>")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def campaign(office_staff):
    return campaigns.campaign_start(
        acting_user=office_staff,
        title="家用电器质量专项整治",
        topic="household_appliances",
        goal="排查家电销售企业",
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 9, 30),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
        targets="",
        keywords="",
    )


def english_page(client, person, url: str) -> str:
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_campaign_forms_labels_begin_with_a_capital(client, office_staff):
    page = english_page(client, office_staff, reverse("campaign_new"))
    labels = FIELD_LABEL.findall(page)
    assert {"Title", "Topic", "Goal", "Starts on", "Ends on", "Lead unit"} <= set(labels)
    assert "Participating units" in LEGEND.findall(page)
    assert not [label for label in labels if label[:1].islower()]


def test_the_campaign_log_and_close_forms_labels_begin_with_a_capital(
    client, campaign, office_staff, mr_staff
):
    log = english_page(client, mr_staff, reverse("campaign_log", args=[campaign.id]))
    labels = FIELD_LABEL.findall(log)
    assert {"Date", "Inspections", "Batches removed from sale", "Note"} <= set(labels)
    assert not [label for label in labels if label[:1].islower()]
    close = english_page(client, office_staff, reverse("campaign_close", args=[campaign.id]))
    assert FIELD_LABEL.findall(close) == ["Summary"]


def test_the_quarterly_report_forms_labels_and_history_begin_with_a_capital(client, mr_liaison):
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=BEIJING), tick=False):
        report = services.report_start(
            unit=unit("market-regulation"), year=2026, quarter=3, acting_user=mr_liaison
        )
        services.report_save(
            report_id=report.id,
            acting_user=mr_liaison,
            values={"situation": "本季度投诉平稳。", "cases_opened": 3},
            sampling=[],
            publicity=[],
            expected_version=report.version,
        )
        page = english_page(client, mr_liaison, reverse("unit_report", args=[report.id]))
    labels = FIELD_LABEL.findall(page)
    assert {"Cases opened", "Fines imposed (yuan)", "Situation", "Of these, resolved"} <= set(
        labels
    )
    assert not [label for label in labels if label[:1].islower()]
    changed = page[page.index("What changed") :]
    changes = re.findall(r"<li>([^<:]*)", changed[: changed.index("</ul>")])
    assert {"Cases opened", "Situation"} <= set(changes)


def test_the_release_list_names_a_wrong_filter_with_a_capital(client, office_staff):
    page = english_page(client, office_staff, reverse("release_list") + "?status=nonsense")
    assert re.findall(r'<li data-filter="status"><strong>([^<]*)</strong>', page) == ["Status"]
