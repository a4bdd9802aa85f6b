"""A quarter is shown to people as they name it, "2026年第三季度" in Chinese (as a district
official writes it: 逾期未报送的2026年第三季度信息报告) and "Q3 2026" in English, through one
helper (`language.quarter_name`, `{{ period|quarter }}`); "2026Q3" stays the key in addresses,
inputs, files and the API. A notification is kept as written in Chinese with the quarter kept
as its key, so that an English reader reads it in English.

The third quarter of 2026 is due on Saturday 10 October 2026; the late reminder goes out on
Monday 12 October. The assertions on Chinese text pass once the catalogue has the quarter's
names (msgctxt "a quarter of a year, named for a reader")."""

from __future__ import annotations

import html
import re
from collections import deque
from datetime import datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from complaints.deadlines import BEIJING
from departments.models import Delivery, Notification
from reports import reminders, services
from reports.figures import Period
from reports.models import UnitReport
from tests.departments.test_notification_language import listed
from wuqing_consumer import language

pytestmark = pytest.mark.django_db

KEY = re.compile(r"\d{4}Q\d")
Q3 = Period(2026, 3)


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def start(user) -> UnitReport:
    return services.report_start(unit=user.unit, year=2026, quarter=3, acting_user=user)


def submit(user) -> UnitReport:
    report = start(user)
    services.report_save(
        report_id=report.id,
        acting_user=user,
        values={"situation": "本季度投诉平稳。"},
        sampling=[],
        publicity=[],
    )
    return services.report_submit(report_id=report.id, acting_user=user)


def page(client, user, url: str, lang: str) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_helper_names_a_quarter_in_the_readers_language():
    with language.district_language():
        assert language.quarter_name(Q3) == "2026年第三季度"
        assert language.quarter_name("2025Q1") == "2025年第一季度"
    for lang, name in (("en", "Q3 2026"), ("zh-hans", "2026年第三季度")):
        with translation.override(lang):
            assert language.quarter_name((2026, 3)) == name
            assert language.Reader().render({"quarter": "2026Q3"}) == name
    assert language.quarter(Q3).stored() == {"quarter": "2026Q3"}
    assert Q3.label == "2026Q3"  # the key, for addresses and inputs


@pytest.mark.parametrize(
    "lang, line",
    [
        ("zh-hans", "逾期未报送的2026年第三季度信息报告（截止日期2026-10-10）"),
        ("en", "Late quarterly reports for Q3 2026 (due 2026-10-10)"),
    ],
)
def test_the_office_home_page_names_the_late_quarter(client, office_staff, lang, line):
    with time_machine.travel(at(2026, 10, 20), tick=False):
        home = page(client, office_staff, reverse("home"), lang)
    found = re.search(r'href="([^"]+)" data-duty="reports_late">(.*?)</a>', home, re.S)
    assert found, "no late-reports line"
    assert found.group(1) == html.escape(reverse("report_list") + "?period=2026Q3&show=late")
    assert line in html.unescape(found.group(2))
    assert not KEY.search(re.sub(r"<[^>]*>", "", found.group(2)))


@pytest.mark.parametrize(
    "lang, heading",
    [
        ("zh-hans", "区市场监管局2026年第三季度信息报告"),
        ("en", "Market Regulation Bureau: report for Q3 2026"),
    ],
)
def test_a_units_report_page_names_its_quarter_in_the_heading(client, mr_liaison, lang, heading):
    with time_machine.travel(at(2026, 10, 20), tick=False):
        report = start(mr_liaison)
        shown = page(client, mr_liaison, reverse("unit_report", args=[report.id]), lang)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", shown, re.S).group(1)
    assert html.unescape(re.sub(r"<[^>]*>", "", h1)).strip() == heading
    title = re.search(r"<title>(.*?)</title>", shown, re.S).group(1)
    assert not KEY.search(title)


def test_the_late_reminder_is_kept_in_chinese_and_read_in_english(client, mr_liaison):
    mr_liaison.email, mr_liaison.notify_by_email = "liaison@example.cn", True
    mr_liaison.save(update_fields=["email", "notify_by_email"])
    with time_machine.travel(at(2026, 10, 12, 8, 30), tick=False):
        reminders.remind_reports_due()
    notice = Notification.objects.get(recipient=mr_liaison, key="report_due:2026Q3:late")
    written = "2026年第三季度信息报告已于 2026-10-10 截止，贵单位尚未报送"

    assert notice.title == written  # the record, and what email and SMS carry
    assert notice.messages["title"]["params"]["period"] == {"quarter": "2026Q3"}
    assert notice.url == reverse("report_list") + "?period=2026Q3"
    email = Delivery.objects.get(key=f"email:{mr_liaison.id}:{notice.key}")
    assert email.subject == written and not KEY.search(email.body.split("http")[0])
    assert written in listed(client, mr_liaison, "zh-hans")
    assert "The quarterly report for Q3 2026 was due on 2026-10-10 and is not in yet" in listed(
        client, mr_liaison, "en"
    )


def test_a_chase_names_the_quarter_for_the_unit_and_in_the_trail(client, office_staff, mr_liaison):
    with time_machine.travel(at(2026, 10, 20), tick=False):
        services.reports_chase(
            acting_user=office_staff, period=Q3, unit_codes=["market-regulation"]
        )
    notice = Notification.objects.get(recipient=mr_liaison)
    assert notice.title.startswith("2026年第三季度信息报告已于")
    (english,) = listed(client, mr_liaison, "en")
    assert english.startswith("The quarterly report for Q3 2026")


# --- every page of the reports area ------------------------------------------------------

HUMAN_ATTRIBUTES = re.compile(
    r'\s(?:title|aria-label|data-confirm|placeholder|alt|data-label)="([^"]*)"'
)
SKIPPED = re.compile(
    r"/(file|files|archive\.zip|print|download|attachments/\d+)(/|$)|\.(pdf|xlsx|zip)$"
)


def read_by_people(text: str) -> str:
    """What a person reads on the page: its text and the attributes shown or spoken (a
    question before a button, a label, a tooltip), not addresses, ids, names or values."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    return html.unescape(
        re.sub(r"<[^>]*>", lambda tag: " " + " ".join(HUMAN_ATTRIBUTES.findall(tag.group(0))), text)
    )


def crawl(client, user, starts: list[str], limit: int = 60) -> dict[str, str]:
    """The pages of the reports area reachable from `starts`, read in Chinese."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    seen: dict[str, str] = {}
    queue = deque(starts)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            seen[url] = ""
            continue
        seen[url] = text = response.content.decode()
        for href in re.findall(r'href="([^"#]+)"', text):
            href = html.unescape(href)
            path = urlsplit(href).path
            if path.startswith(("/reports/", "/dashboard/")) and not SKIPPED.search(path):
                queue.append(href)
    return seen


@pytest.fixture
def quarter_in_every_state(office_staff, mr_liaison, housing_head):
    """2026Q3: the Market Regulation Bureau's report submitted, housing's a draft, the others
    not started (late); the district report has the office's analysis."""
    with time_machine.travel(at(2026, 10, 20), tick=False):
        submit(mr_liaison)
        start(housing_head)
        services.district_report_save(period=Q3, acting_user=office_staff, analysis="本季度分析")


@pytest.mark.parametrize("persona", ["office_staff", "mr_liaison"])
def test_no_page_of_the_reports_area_shows_a_quarters_key_to_a_chinese_reader(
    client, request, quarter_in_every_state, persona
):
    user = request.getfixturevalue(persona)
    starts = [
        reverse("report_list"),
        reverse("report_list") + "?period=2026Q3&show=late",
        reverse("report_list") + "?period=2026Q3&show=to_review",
        reverse("district_report", args=["2026Q3"]),
        reverse("dashboard"),
    ]
    with time_machine.travel(at(2026, 10, 20), tick=False):
        pages = crawl(client, user, starts)
    shown = {url: KEY.findall(read_by_people(text)) for url, text in pages.items() if text}
    assert len(shown) >= 10
    assert {url: keys for url, keys in shown.items() if keys} == {}
    # Named instead, in Chinese (once the catalogue has the quarters' names).
    assert any("2026年第三季度" in read_by_people(t) for t in pages.values())
