"""A campaign the office closes before its planned end says so beside its period, on its
page, in the list and in its PDF summary: the planned period alone read as if it had run to
its end. One closed on or after its planned end, or still running, says nothing more. And
the campaign's keywords read as a list in the reader's language."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from complaints.deadlines import BEIJING
from reports import campaigns, rendering
from reports.choices import CampaignStatus
from tests.factories import unit
from tests.helpers import NUMBER_KEPT_WHOLE

pytestmark = pytest.mark.django_db


def started(office, title="预付卡消费专项整治"):
    with time_machine.travel(datetime(2026, 9, 1, 8, tzinfo=BEIJING), tick=False):
        return campaigns.campaign_start(
            acting_user=office,
            title=title,
            topic="prepaid_cards",
            goal="排查预付卡经营主体",
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 10, 31),
            lead_unit_id=unit("market-regulation").id,
            unit_ids=[unit("commerce").id],
        )


def closed(office, campaign, when: datetime):
    with time_machine.travel(when, tick=False):
        return campaigns.campaign_close(
            campaign_id=campaign.id, acting_user=office, summary="整治完成。"
        )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_campaign_closed_early_says_when_on_its_page_and_in_the_list(
    client, office_staff, language
):
    early = closed(office_staff, started(office_staff), datetime(2026, 10, 12, 16, tzinfo=BEIJING))
    on_time = closed(
        office_staff,
        started(office_staff, "家电专项整治"),
        datetime(2026, 11, 2, 9, tzinfo=BEIJING),
    )
    assert early.closed_early_on == date(2026, 10, 12) and on_time.closed_early_on is None
    with translation.override(language):
        said = gettext("closed early on %(day)s") % {"day": "2026-10-12"}
    client.cookies["django_language"] = language
    client.force_login(office_staff)
    with time_machine.travel(datetime(2026, 11, 5, 9, tzinfo=BEIJING), tick=False):
        page = client.get(reverse("campaign_detail", args=[early.id])).content.decode()
        other = client.get(reverse("campaign_detail", args=[on_time.id])).content.decode()
        listed = client.get(reverse("campaign_list")).content.decode()
    listed = NUMBER_KEPT_WHOLE.sub(r"\1", listed)  # the day kept on one line, read as text
    shown = re.search(r'<span id="closed-early"[^>]*>(.*?)</span>', page).group(1)
    assert said in shown and "2026-10-31" in page  # the planned end still shown beside it
    assert 'id="closed-early"' not in other
    rows = dict(re.findall(r'<tr data-campaign="(\d+)">(.*?)</tr>', listed, re.S))
    assert "data-closed-early" in rows[str(early.id)]
    assert said[0].upper() + said[1:] in rows[str(early.id)]
    assert "data-closed-early" not in rows[str(on_time.id)]


def test_a_running_campaign_is_not_closed_early(office_staff):
    campaign = started(office_staff)
    assert campaign.closed_early_on is None


def test_the_pdf_summary_says_it_was_closed_early(office_staff, tmp_path):
    campaign = closed(
        office_staff, started(office_staff), datetime(2026, 10, 12, 16, tzinfo=BEIJING)
    )
    with time_machine.travel(datetime(2026, 11, 5, 9, tzinfo=BEIJING), tick=False):
        sums = campaigns.campaign_sums(campaign)
        html = rendering.render_campaign_html(campaign, sums=sums, linked_orders=0)
    with translation.override("zh-hans"):  # whatever the reader's language
        status = str(CampaignStatus.CLOSED.label)
    assert f"（{status}，2026年10月12日提前结束）" in html
    assert "2026年9月1日至2026年10月31日" in html


@pytest.mark.parametrize(("language", "between"), [("zh-hans", "、"), ("en", ", ")])
def test_the_keywords_are_listed_with_the_readers_separator(
    client, office_staff, language, between
):
    """They were joined with an ASCII comma and space in Chinese too: 健身, 美容."""
    with time_machine.travel(datetime(2026, 9, 1, 8, tzinfo=BEIJING), tick=False):
        campaign = campaigns.campaign_start(
            acting_user=office_staff,
            title="预付卡消费专项整治",
            topic="prepaid_cards",
            goal="排查预付卡经营主体",
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 10, 31),
            lead_unit_id=unit("market-regulation").id,
            unit_ids=[],
            keywords="健身\n美容\n培训",
        )
    client.cookies["django_language"] = language
    client.force_login(office_staff)
    page = client.get(reverse("campaign_detail", args=[campaign.id])).content.decode()
    shown = re.search(r'<p id="campaign-keywords"[^>]*>(.*?)</p>', page).group(1)
    assert shown == between.join(["健身", "美容", "培训"])
