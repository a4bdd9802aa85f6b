"""Who is asked for a year's annual work summary: a unit whose reporting began after that
year (`Unit.reports_since`) is not, on the home page, in the office's list and count, in
the register, in the 催报 and in the scheduled reminders alike."""

from __future__ import annotations

import re
from datetime import date, datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.models import Notification, Unit
from reports import reminders, services
from reports.figures import member_units
from tests.factories import unit


def row_number(code: str, year: int) -> int:
    """A unit's row in the year's register (序号), which its archive folder carries."""
    return [u.code for u in member_units(date(year, 1, 1))].index(code) + 1


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


@pytest.fixture
def joined_2027(db):
    """Market regulation began reporting in 2027: not asked for 2026's summary."""
    Unit.objects.filter(code="market-regulation").update(reports_since=date(2027, 1, 1))
    return unit("market-regulation")


def rows(page: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-unit="([\w-]+)">(.*?)</tr>', page, re.S))


def test_the_office_list_does_not_mark_or_count_a_unit_not_asked_for_the_year(
    client, joined_2027, office_staff
):
    with time_machine.travel(at(2026, 12, 2), tick=False):
        client.force_login(office_staff)
        page = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
    row = rows(page)["market-regulation"]
    assert "Not asked for this year" in row and "Overdue" not in row
    assert 'id="chase-market-regulation"' not in row
    assert "Overdue" in rows(page)["housing"]
    assert f"0 of {len(member_units()) - 1} submitted." in page


def test_a_unit_not_asked_for_the_year_reads_so_in_its_own_list(client, joined_2027, mr_liaison):
    with time_machine.travel(at(2026, 12, 2), tick=False):
        client.force_login(mr_liaison)
        page = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
        row = rows(page)["market-regulation"]
        assert "Not asked for this year" in row and "Overdue" not in row
        assert 'id="start-summary"' not in row
    with time_machine.travel(at(2027, 12, 2), tick=False):
        client.force_login(mr_liaison)
        page = client.get(reverse("annual_summaries") + "?year=2027").content.decode()
    assert "Not asked for this year" not in rows(page)["market-regulation"]


def test_the_chase_leaves_out_and_refuses_a_unit_not_asked_for_the_year(
    joined_2027, office_staff, mr_liaison, housing_head
):
    with time_machine.travel(at(2026, 12, 2), tick=False):
        with pytest.raises(services.ReportError, match="not asked"):
            services.summaries_chase(
                acting_user=office_staff, year=2026, unit_codes=["market-regulation"]
            )
        result = services.summaries_chase(acting_user=office_staff, year=2026, unit_codes=None)
    assert "market-regulation" not in {u.code for u in result.told}
    assert "market-regulation" not in {u.code for u, _why in result.refused}
    assert "housing" in {u.code for u in result.told}
    assert not Notification.objects.filter(recipient=mr_liaison).exists()


def test_the_register_says_a_unit_was_not_asked_and_not_late(client, joined_2027, office_staff):
    from openpyxl import load_workbook

    with time_machine.travel(at(2026, 12, 2), tick=False):
        client.force_login(office_staff)
        response = client.get(reverse("annual_summaries_register", args=[2026]))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    by_unit = {row[1]: row[1:] for row in list(sheet.iter_rows(values_only=True))[1:]}
    assert by_unit["Market Regulation Bureau"][1] == "Not asked for this year"
    assert by_unit["Market Regulation Bureau"][3] in (None, "")
    assert by_unit["Education Bureau"][1:4:2] == ("Not started", "Yes")


def test_the_scheduled_reminder_does_not_tell_a_unit_not_asked_for_the_year(
    joined_2027, mr_liaison, housing_head
):
    with time_machine.travel(at(2026, 11, 16, 8, 30), tick=False):
        reminders.remind_annual_summaries()
    assert not Notification.objects.filter(recipient=mr_liaison).exists()
    assert Notification.objects.filter(recipient=housing_head).exists()


def test_there_is_one_rule_for_who_is_asked():
    """The home page and the summaries' screens ask the same function."""
    from departments import duties
    from reports import figures

    assert not hasattr(duties, "_asked_for_summary")
    assert duties.figures.asked_for_summary is figures.asked_for_summary


def test_a_unit_not_asked_for_the_year_cannot_start_a_summary_for_it(
    client, joined_2027, mr_liaison
):
    from reports.models import AnnualSummary

    with time_machine.travel(at(2026, 11, 20), tick=False):
        with pytest.raises(services.ReportError, match="not asked for a summary for 2026"):
            services.summary_start(unit=joined_2027, year=2026, acting_user=mr_liaison)
        client.force_login(mr_liaison)
        response = client.post(reverse("annual_summary_start"), {"year": "2026"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("annual_summaries") + "?year=2026"
    assert "is not asked for a summary for 2026" in response.content.decode()
    assert not AnnualSummary.objects.exists()
    with time_machine.travel(at(2027, 11, 20), tick=False):
        assert services.summary_start(unit=joined_2027, year=2027, acting_user=mr_liaison)


def test_a_draft_of_a_unit_not_asked_for_the_year_is_not_submitted(joined_2027, mr_liaison):
    """A draft written before the rule was kept (or before the unit's beginning was moved)
    stays a draft: it is not sent to the office as if the unit had been asked."""
    from reports.choices import SummaryStatus
    from reports.models import AnnualSummary

    draft = AnnualSummary.objects.create(unit=joined_2027, year=2026, text="写于规则之前。")
    with (
        time_machine.travel(at(2026, 11, 20), tick=False),
        pytest.raises(services.ReportError, match="not asked for a summary for 2026"),
    ):
        services.summary_submit(summary_id=draft.id, acting_user=mr_liaison)
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_at) == (SummaryStatus.DRAFT, None)


def test_the_archive_keeps_apart_a_summary_from_a_unit_not_asked_for_the_year(
    client, settings, joined_2027, office_staff
):
    """A summary submitted before a unit not asked could no longer start one is kept, but in
    a folder of its own that says the unit was not asked, as the district report says
    本季度无需报送 of a unit not asked for the quarter: it does not pass for an asked one."""
    import io
    import zipfile

    from reports.choices import SummaryStatus
    from reports.models import AnnualSummary

    for code in ("market-regulation", "housing"):
        AnnualSummary.objects.create(
            unit=unit(code),
            year=2026,
            text=f"{code} 全年工作总结。",
            status=SummaryStatus.SUBMITTED,
            submitted_at=at(2026, 11, 20),
        )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    with time_machine.travel(at(2026, 12, 2), tick=False):
        client.force_login(office_staff)
        response = client.get(reverse("annual_summaries_archive", args=[2026]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    texts = {name: archive.read(name).decode() for name in archive.namelist()}
    market = unit("market-regulation")
    housing = unit("housing")
    assert texts == {
        f"本年度无需报送/{row_number(market.code, 2026):02d}-{market.name}/工作总结.txt": (
            "market-regulation 全年工作总结。"
        ),
        f"{row_number(housing.code, 2026):02d}-{housing.name}/工作总结.txt": (
            "housing 全年工作总结。"
        ),
    }


def test_a_summary_from_a_unit_not_asked_reads_so_and_not_late_in_the_list_and_register(
    client, joined_2027, office_staff
):
    """As in the archive: a summary submitted (after the due date) by a unit not asked for
    the year is shown, but as not asked, not as a late filing of an asked unit."""
    from openpyxl import load_workbook

    from reports.choices import SummaryStatus
    from reports.models import AnnualSummary

    AnnualSummary.objects.create(
        unit=joined_2027,
        year=2026,
        text="写于规则之前。",
        status=SummaryStatus.SUBMITTED,
        submitted_at=at(2026, 12, 1),
    )
    with time_machine.travel(at(2026, 12, 2), tick=False):
        client.force_login(office_staff)
        page = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
        response = client.get(reverse("annual_summaries_register", args=[2026]))
    row = rows(page)["market-regulation"]
    assert "Submitted" in row and "Not asked for this year" in row
    assert "Submitted late" not in row and "Overdue" not in row
    assert f"0 of {len(member_units()) - 1} submitted." in page
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    by_unit = {row[1]: row[1:] for row in list(sheet.iter_rows(values_only=True))[1:]}
    assert by_unit["Market Regulation Bureau"][1] == "Submitted (not asked for this year)"
    assert by_unit["Market Regulation Bureau"][3] in (None, "")


def test_the_summary_page_of_a_unit_not_asked_offers_no_submit_and_shows_no_late_badge(
    client, joined_2027, mr_liaison, office_staff
):
    from reports.choices import SummaryStatus
    from reports.models import AnnualSummary

    draft = AnnualSummary.objects.create(unit=joined_2027, year=2026, text="草稿。")
    with time_machine.travel(at(2026, 12, 2), tick=False):
        client.force_login(mr_liaison)
        page = client.get(reverse("annual_summary", args=[draft.id])).content.decode()
    assert 'id="confirm-submit-summary"' not in page
    assert "is not asked for a summary for 2026: it began reporting later." in page
    assert 'id="summary-not-asked"' in page
    AnnualSummary.objects.filter(id=draft.id).update(
        status=SummaryStatus.SUBMITTED, submitted_at=at(2026, 12, 1)
    )
    with time_machine.travel(at(2026, 12, 2), tick=False):
        client.force_login(office_staff)
        page = client.get(reverse("annual_summary", args=[draft.id])).content.decode()
    assert 'id="summary-not-asked"' in page and 'id="summary-late"' not in page
