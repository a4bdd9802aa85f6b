"""A campaign's history said "Changed" and nothing more: which fields the office changed,
and how, was recorded (the event's data) but shown nowhere. Each change now lists the fields
it changed, by their labels in the reader's language, with what a short value was and what
it became; a long text (the goal, the targets) by its label alone; the units taking part by
the units added and removed."""

from __future__ import annotations

import html as markup
import re
from datetime import date

import pytest
from django.urls import reverse

from reports import campaigns
from tests.factories import unit
from tests.reports.test_campaigns import clock, start  # noqa: F401


@pytest.fixture
def changed(office_staff):
    campaign = start(office_staff)
    campaigns.campaign_update(
        campaign_id=campaign.id,
        acting_user=office_staff,
        title="家电与装修材料专项整治",
        topic="decoration_materials",
        goal="排查家电和装修材料销售企业",
        starts_on=campaign.starts_on,
        ends_on=date(2026, 10, 31),
        lead_unit_id=unit("commerce").id,
        unit_ids=[unit("housing").id],
        targets=campaign.targets,
        keywords=campaign.keywords,
    )
    return campaign


def change_lines(client, user, campaign, language) -> dict[str, str]:
    client.force_login(user)
    client.cookies["django_language"] = language
    html = client.get(reverse("campaign_detail", args=[campaign.id])).content.decode()
    line = re.search(
        r'<li data-event-kind="update">(.*?)</li>\s*(?:<li data-event-kind|</ul>\s*</details)',
        html,
        re.S,
    )
    assert line, html
    items = re.findall(r'<li data-field="([^"]+)">(.*?)</li>', line.group(1), re.S)
    return {
        field: re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", "", text))).strip()
        for field, text in items
    }


def test_the_history_names_each_field_changed_in_english(client, office_staff, changed):
    lines = change_lines(client, office_staff, changed, "en")
    assert lines == {
        "title": "Title: 家用电器质量专项整治 → 家电与装修材料专项整治",
        "topic": "Topic: Household electrical appliances → Interior decoration materials",
        "goal": "Goal: changed",
        "ends_on": "Ends on: 2026-09-30 → 2026-10-31",
        "lead_unit": "Lead unit: Market Regulation Bureau → Commerce Bureau",
        "units": "Participating units: added Housing and Construction Commission; "
        "removed Market Regulation Bureau",
    }, lines


def test_the_history_names_each_field_changed_in_chinese(client, office_staff, changed):
    lines = change_lines(client, office_staff, changed, "zh-hans")
    assert lines["title"] == "标题：家用电器质量专项整治 → 家电与装修材料专项整治", lines
    assert lines["ends_on"] == "结束日期：2026-09-30 → 2026-10-31", lines
    assert lines["lead_unit"] == "牵头单位：区市场监管局 → 区商务局", lines
