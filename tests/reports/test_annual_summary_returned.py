"""A summary the office returns has a status of its own, 'Returned for changes', as a
quarterly report or a plan has: the unit's list and home page say so, the summary shows
the office's comment, and the unit changes it and submits it again."""

from __future__ import annotations

import re
from datetime import datetime

import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.duties import waiting_for
from reports import services
from reports.choices import SummaryStatus
from reports.models import AnnualSummary
from tests.factories import unit


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def returned(liaison, office, comment="请补充联合执法的数据。") -> AnnualSummary:
    with time_machine.travel(at(2026, 11, 20), tick=False):
        summary = services.summary_start(
            unit=unit("market-regulation"), year=2026, acting_user=liaison
        )
        services.summary_save(summary_id=summary.id, acting_user=liaison, text="总结")
        services.summary_submit(summary_id=summary.id, acting_user=liaison)
    with time_machine.travel(at(2026, 11, 25), tick=False):
        return services.summary_return(summary_id=summary.id, acting_user=office, comment=comment)


def test_a_returned_summary_is_returned_not_a_draft(client, mr_liaison, mr_staff, office_staff):
    summary = returned(mr_liaison, office_staff)
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.RETURNED == "returned"
    with time_machine.travel(at(2026, 11, 26), tick=False):
        for person in (mr_liaison, office_staff):
            client.force_login(person)
            listed = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
            row = re.search(r'<tr data-unit="market-regulation">.*?</tr>', listed, re.S).group()
            assert row.count("Returned for changes") == 1 and ">Draft<" not in row
            page = client.get(reverse("annual_summary", args=[summary.id])).content.decode()
            assert 'data-status="returned"' in page
            assert 'id="return-comment"' in page and "请补充联合执法的数据。" in page
        client.force_login(mr_staff)  # staff change it too
        page = client.get(reverse("annual_summary", args=[summary.id])).content.decode()
        assert 'id="summary-form"' in page
        services.summary_save(summary_id=summary.id, acting_user=mr_staff, text="总结，已补充")
        services.summary_submit(summary_id=summary.id, acting_user=mr_liaison)
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.SUBMITTED and summary.text == "总结，已补充"
    with time_machine.travel(at(2026, 11, 27), tick=False):
        client.force_login(mr_liaison)
        page = client.get(reverse("annual_summary", args=[summary.id])).content.decode()
    assert 'id="return-comment"' not in page


def test_the_units_home_page_says_its_summary_was_returned(mr_liaison, mr_staff, office_staff):
    summary = returned(mr_liaison, office_staff)
    for person in (mr_liaison, mr_staff):
        lines = {d.key: d for d in waiting_for(person, at(2026, 11, 26))}
        line = lines["summary_returned"]
        assert line.label == "Your work summary for 2026 was returned for changes"
        assert (line.url, line.urgent) == (reverse("annual_summary", args=[summary.id]), True)
        assert "summary_to_submit" not in lines  # one line for it, not two


def test_the_register_says_returned(client, mr_liaison, office_staff):
    from io import BytesIO

    from openpyxl import load_workbook

    returned(mr_liaison, office_staff)
    with time_machine.travel(at(2026, 12, 2), tick=False):
        client.force_login(office_staff)
        response = client.get(reverse("annual_summaries_register", args=[2026]))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    by_unit = {row[1]: row[1:] for row in list(sheet.iter_rows(values_only=True))[1:]}
    assert by_unit["Market Regulation Bureau"][1:4:2] == ("Returned for changes", "Yes")


def test_summaries_returned_before_the_status_existed_are_migrated(mr_liaison, office_staff):
    """Before the migration a returned summary was a draft, its return only in the audit."""
    import importlib

    from django.apps import apps

    summary = returned(mr_liaison, office_staff)
    never = AnnualSummary.objects.create(unit=unit("housing"), year=2026)
    AnnualSummary.objects.filter(id=summary.id).update(status="draft")
    migration = importlib.import_module("reports.migrations.0007_annualsummary_returned")
    migration.mark_returned(apps, None)
    summary.refresh_from_db()
    never.refresh_from_db()
    assert (summary.status, never.status) == ("returned", "draft")
