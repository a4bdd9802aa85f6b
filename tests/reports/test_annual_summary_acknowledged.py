"""The office acknowledges a submitted annual work summary, as it acknowledges a plan: the
summary is then 'Acknowledged', the unit is told (with the office's comment, if any) and
its page says when and by whom. Before, a summary stayed 'Submitted' for good: the office
could only return it, and the unit never learnt that it had been read. An acknowledged
summary still counts as in (not late, not chased, in the archive), cannot be returned,
and the office's home page counts the summaries still waiting for it."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from complaints.deadlines import BEIJING
from departments.duties import waiting_for
from departments.models import AuditEntry, Notification
from reports import services
from reports.choices import SummaryStatus
from reports.figures import summary_overdue
from reports.models import AnnualSummary
from tests.factories import unit

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def submitted(liaison, code="market-regulation", text="全年工作总结。") -> AnnualSummary:
    with time_machine.travel(at(2026, 11, 20), tick=False):
        summary = services.summary_start(unit=unit(code), year=2026, acting_user=liaison)
        services.summary_save(summary_id=summary.id, acting_user=liaison, text=text)
        return services.summary_submit(summary_id=summary.id, acting_user=liaison)


def acknowledged(liaison, office, comment="总结全面，已收悉。") -> AnnualSummary:
    summary = submitted(liaison)
    with time_machine.travel(at(2026, 11, 25), tick=False):
        return services.summary_acknowledge(
            summary_id=summary.id,
            acting_user=office,
            comment=comment,
            expected_version=summary.version,
        )


def stored(summary: AnnualSummary) -> tuple:
    row = AnnualSummary.objects.get(id=summary.id)
    return (row.status, row.version, row.text, row.submitted_at)


def test_the_office_acknowledges_and_the_unit_is_told(mr_liaison, mr_staff, office_staff):
    summary = submitted(mr_liaison)
    version = summary.version
    services.summary_acknowledge(
        summary_id=summary.id,
        acting_user=office_staff,
        comment="总结全面，已收悉。",
        expected_version=version,
    )
    acknowledged_now = AnnualSummary.objects.get(id=summary.id)
    assert acknowledged_now.status == SummaryStatus.ACKNOWLEDGED == "acknowledged"
    assert acknowledged_now.version == version + 1
    assert acknowledged_now.submitted_at is not None  # still dated as submitted

    audit = AuditEntry.objects.get(action="summary.acknowledge", object_id=str(summary.id))
    assert (audit.actor, audit.unit_id, audit.data["comment"]) == (
        office_staff,
        unit("market-regulation").id,
        "总结全面，已收悉。",
    )
    told = Notification.objects.filter(key__startswith=f"summary_acknowledged:{summary.id}:")
    assert {n.recipient for n in told} >= {mr_liaison, mr_staff}
    assert office_staff not in {n.recipient for n in told}
    note = told.get(recipient=mr_liaison)
    assert note.body == "总结全面，已收悉。"
    assert note.url == reverse("annual_summary", args=[summary.id])
    with translation.override("zh-hans"):  # stored in the district's language
        said = gettext("The office acknowledged your work summary for %(year)s") % {"year": 2026}
    assert note.title == said and "2026" in said and "acknowledged" not in said


def test_a_comment_is_optional(mr_liaison, office_staff):
    summary = submitted(mr_liaison)
    services.summary_acknowledge(summary_id=summary.id, acting_user=office_staff)
    assert stored(summary)[0] == SummaryStatus.ACKNOWLEDGED
    assert AuditEntry.objects.get(action="summary.acknowledge").data["comment"] == ""


def test_only_a_submitted_summary_is_acknowledged_and_nothing_changes_otherwise(
    mr_liaison, mr_staff, office_staff
):
    with time_machine.travel(at(2026, 11, 20), tick=False):
        draft = services.summary_start(
            unit=unit("market-regulation"), year=2026, acting_user=mr_liaison
        )
    before = stored(draft)
    with pytest.raises(services.ReportError, match="Only a submitted summary"):
        services.summary_acknowledge(summary_id=draft.id, acting_user=office_staff)
    assert stored(draft) == before

    services.summary_save(summary_id=draft.id, acting_user=mr_liaison, text="总结")
    summary = services.summary_submit(summary_id=draft.id, acting_user=mr_liaison)
    before = stored(summary)
    with pytest.raises(Http404):  # a unit does not acknowledge, even its own
        services.summary_acknowledge(summary_id=summary.id, acting_user=mr_staff)
    with pytest.raises(services.StaleReport):
        services.summary_acknowledge(
            summary_id=summary.id, acting_user=office_staff, expected_version=summary.version - 1
        )
    with pytest.raises(ValidationError) as too_long:
        services.summary_acknowledge(
            summary_id=summary.id, acting_user=office_staff, comment="很" * 50_001
        )
    assert "comment" in too_long.value.message_dict
    assert stored(summary) == before
    assert not AuditEntry.objects.filter(action="summary.acknowledge").exists()
    assert not Notification.objects.filter(key__startswith="summary_acknowledged:").exists()


def test_an_acknowledged_summary_is_neither_returned_nor_acknowledged_again(
    mr_liaison, office_staff
):
    summary = acknowledged(mr_liaison, office_staff)
    before = stored(summary)
    with pytest.raises(services.ReportError, match="“Acknowledged”"):
        services.summary_return(summary_id=summary.id, acting_user=office_staff, comment="补充")
    with pytest.raises(services.ReportError, match="“Acknowledged”"):
        services.summary_acknowledge(summary_id=summary.id, acting_user=office_staff)
    assert stored(summary) == before
    with pytest.raises(services.ReportError):
        services.summary_save(summary_id=summary.id, acting_user=mr_liaison, text="改一改")
    assert stored(summary) == before


def test_an_acknowledged_summary_counts_as_in(client, mr_liaison, office_staff):
    """Not late after the due date, not chased, in the archive, counted as submitted on the
    list, and no 'to submit' line on the unit's home page."""
    summary = acknowledged(mr_liaison, office_staff)
    summary = AnnualSummary.objects.get(id=summary.id)
    assert not summary_overdue(2026, summary, at(2026, 12, 5).date())
    with time_machine.travel(at(2026, 12, 5), tick=False):
        with pytest.raises(services.ReportError, match="already submitted"):
            services.summaries_chase(
                acting_user=office_staff, year=2026, unit_codes=["market-regulation"]
            )
        client.force_login(office_staff)
        listed = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
        archive = client.get(reverse("annual_summaries_archive", args=[2026]))
    row = re.search(r'<tr data-unit="market-regulation">.*?</tr>', listed, re.S).group()
    assert "Acknowledged" in row and "Overdue" not in row
    assert 'id="chase-market-regulation"' not in row
    names = zipfile.ZipFile(BytesIO(b"".join(archive.streaming_content))).namelist()
    assert any("市场监管" in name and name.endswith("工作总结.txt") for name in names), names
    lines = {d.key for d in waiting_for(mr_liaison, at(2026, 12, 5))}
    assert "summary_to_submit" not in lines and "summary_returned" not in lines


def test_the_office_home_page_counts_the_summaries_waiting_for_it(
    mr_liaison, housing_staff, office_staff
):
    from departments.choices import RoleCode
    from tests.factories import UserFactory

    housing_liaison = UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_LIAISON])
    submitted(mr_liaison)
    other = submitted(housing_liaison, code="housing")

    def waiting():
        lines = {d.key: d for d in waiting_for(office_staff, at(2026, 11, 26))}
        return lines.get("summaries_to_acknowledge")

    line = waiting()
    assert line.count == 2
    assert line.url == reverse("annual_summaries") + "?year=2026"
    services.summary_acknowledge(summary_id=other.id, acting_user=office_staff)
    assert waiting().count == 1


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_asks_before_acknowledging_and_then_says_who_did(
    client, mr_liaison, office_staff, language
):
    summary = submitted(mr_liaison)
    client.cookies["django_language"] = language
    client.force_login(office_staff)
    url = reverse("annual_summary", args=[summary.id])
    with translation.override(language):
        question = gettext(
            "Acknowledge the work summary %(year)s of %(unit)s? It can then no longer be "
            "returned for changes, and the unit is told."
        ) % {"year": 2026, "unit": str(unit("market-regulation"))}
        label = pgettext("an annual work summary", "Acknowledged")
        button = pgettext("an annual work summary", "Acknowledge")

    page = client.get(url).content.decode()
    tag = re.search(r'<button[^>]*id="acknowledge-summary"[^>]*>', page).group(0)
    assert f'data-confirm="{question}"' in tag.replace("&#x27;", "'")
    assert "formnovalidate" in tag  # the comment, required to return, is optional here
    assert reverse("annual_summary_acknowledge", args=[summary.id]) in tag
    assert button in page.split('id="acknowledge-summary"', 1)[1].split("</button>", 1)[0]

    with time_machine.travel(at(2026, 11, 25, 15, 30), tick=False):
        answer = client.post(
            reverse("annual_summary_acknowledge", args=[summary.id]),
            {"comment": "已收悉。", "version": summary.version},
        )
    assert answer.status_code == 302 and answer.url == url
    assert stored(summary)[0] == SummaryStatus.ACKNOWLEDGED

    for reader in (office_staff, mr_liaison):
        client.force_login(reader)
        page = client.get(url).content.decode()
        assert re.search(rf'id="summary-status" data-status="acknowledged">{label}<', page)
        shown = re.search(r'id="acknowledged">(.*?)</div>', page, re.S).group(1)
        assert "2026-11-25 15:30" in shown and "已收悉。" in shown
        assert 'id="review"' not in page and 'id="summary-form"' not in page


def test_a_stale_acknowledgement_comes_back_with_the_comment_typed(
    client, mr_liaison, office_staff
):
    summary = submitted(mr_liaison)
    services.summary_return(summary_id=summary.id, acting_user=office_staff, comment="补充")
    client.cookies["django_language"] = "en"
    client.force_login(office_staff)
    answer = client.post(
        reverse("annual_summary_acknowledge", args=[summary.id]),
        {"comment": "已收悉。", "version": summary.version},
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Only a submitted summary can be acknowledged or returned" in page
    assert stored(summary)[0] == SummaryStatus.RETURNED


def test_a_unit_cannot_post_an_acknowledgement(client, mr_liaison):
    summary = submitted(mr_liaison)
    client.force_login(mr_liaison)
    answer = client.post(reverse("annual_summary_acknowledge", args=[summary.id]), {})
    assert answer.status_code == 404
    assert stored(summary)[0] == SummaryStatus.SUBMITTED


def test_the_offices_list_says_how_many_wait_for_its_acknowledgement(
    client, mr_liaison, office_staff
):
    from departments.choices import RoleCode
    from tests.factories import UserFactory

    housing_liaison = UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_LIAISON])
    submitted(mr_liaison)
    other = submitted(housing_liaison, code="housing")
    client.cookies["django_language"] = "en"
    client.force_login(office_staff)

    def said() -> str:
        with time_machine.travel(at(2026, 11, 26), tick=False):
            page = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
        return re.search(r'<span id="summaries-to-acknowledge">([^<]*)</span>', page).group(1)

    assert said() == "2 wait for the office's acknowledgement."
    services.summary_acknowledge(summary_id=other.id, acting_user=office_staff)
    assert said() == "1 waits for the office's acknowledgement."
