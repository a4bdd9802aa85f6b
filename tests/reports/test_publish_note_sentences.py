"""The district report's publish form said, in Chinese, "…并通知各单位。 还有N个单位未提交。":
two translated sentences joined by the template's space, which English needs and Chinese
does not. They are now joined by `{% sentences %}`."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from complaints.deadlines import BEIJING

pytestmark = pytest.mark.django_db


def publish_note(client, user, lang: str) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=BEIJING), tick=False):
        html = client.get(reverse("district_report", args=["2026Q3"])).content.decode()
    return re.search(
        r'<details id="details-publish">.*?<p class="small mt-2">(.*?)</p>', html, re.S
    )[1]


def test_the_publish_note_in_chinese_has_no_space_between_its_sentences(client, office_staff):
    note = publish_note(client, office_staff, "zh-hans")
    assert "<strong>" in note  # the units not yet submitted are named
    assert "。 " not in note and "。<strong>" in note


def test_the_publish_note_in_english_keeps_its_space(client, office_staff):
    assert ". <strong>" in publish_note(client, office_staff, "en")


SENTENCE_THEN_A_SPACE = re.compile(r"。(?:</[a-z]+>)* ")


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("office_staff", reverse("unit_list") + "?missing=head"),
        ("mr_liaison", reverse("meeting_list") + "?answer=waiting"),
        ("office_staff", reverse("report_list") + "?period=2026Q3&show=late"),
        ("office_staff", reverse("report_list") + "?period=2026Q3&show=to_review"),
        ("office_staff", reverse("district_report", args=["2026Q3"])),
    ],
)
def test_a_filtered_page_in_chinese_runs_no_space_after_a_sentence(client, request, persona, url):
    """A note ("仅显示…的单位。") and its link ("显示全部单位") were joined by a space."""
    client.force_login(request.getfixturevalue(persona))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=BEIJING), tick=False):
        html = client.get(url).content.decode()
    body = re.sub(r"<(script|style|textarea)\b.*?</\1>", "", html, flags=re.S)
    assert SENTENCE_THEN_A_SPACE.findall(body) == []
