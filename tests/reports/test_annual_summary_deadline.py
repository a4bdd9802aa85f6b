"""The annual work summary around its due date (section 五: before 1 December), as the
liaison, the office and the leader meet it on 30 November and the days after."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.duties import to_follow, waiting_for
from reports import services
from tests.factories import unit


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def summary_line(person, when):
    return {d.key: d for d in waiting_for(person, when)}.get("summary_to_submit")


def test_the_home_page_says_the_summary_is_due_with_a_link_until_it_is_submitted(
    client, mr_liaison, mr_staff
):
    assert summary_line(mr_liaison, at(2026, 11, 1)) is None
    line = summary_line(mr_liaison, at(2026, 11, 20))
    assert line.label == "Annual work summary for 2026 to submit by 2026-11-30"
    assert (line.url, line.urgent) == (reverse("annual_summaries") + "?year=2026", False)
    line = summary_line(mr_liaison, at(2026, 11, 30))
    assert line.label == "Annual work summary for 2026: today, 2026-11-30, is the last day"
    assert line.urgent
    with time_machine.travel(at(2026, 11, 30), tick=False):
        summary = services.summary_start(
            unit=unit("market-regulation"), year=2026, acting_user=mr_staff
        )
        client.force_login(mr_liaison)
        home = client.get(reverse("home")).content.decode()
    link = re.search(r'href="([^"]+)" data-duty="summary_to_submit"', home)
    assert link and link.group(1) == reverse("annual_summary", args=[summary.id])
    assert "today, 2026-11-30, is the last day" in home
    line = summary_line(mr_liaison, at(2026, 12, 2))
    assert line.label == "Annual work summary for 2026 is late: it was due by 2026-11-30"
    assert line.urgent
    with time_machine.travel(at(2026, 12, 2), tick=False):
        services.summary_save(summary_id=summary.id, acting_user=mr_liaison, text="总结")
        services.summary_submit(summary_id=summary.id, acting_user=mr_liaison)
    assert summary_line(mr_liaison, at(2026, 12, 2, 11)) is None
    # Staff write the summary but do not submit it: the line is for those who do.
    assert summary_line(mr_staff, at(2026, 11, 30)) is None


def submitted_on(person, when, code="market-regulation"):
    with time_machine.travel(when, tick=False):
        summary = services.summary_start(unit=unit(code), year=2026, acting_user=person)
        services.summary_save(summary_id=summary.id, acting_user=person, text="全年工作总结。")
        return services.summary_submit(summary_id=summary.id, acting_user=person)


def test_a_summary_submitted_after_the_due_date_is_accepted_and_marked_late(
    client, mr_liaison, office_staff
):
    summary = submitted_on(mr_liaison, at(2026, 12, 2))
    assert summary.status == "submitted"
    with time_machine.travel(at(2026, 12, 2, 11), tick=False):
        for person in (mr_liaison, office_staff):
            client.force_login(person)
            listed = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
            row = re.search(r'<tr data-unit="market-regulation">.*?</tr>', listed, re.S).group()
            assert 'data-late="2026-12-02"' in row and "Submitted late" in row
            page = client.get(reverse("annual_summary", args=[summary.id])).content.decode()
            assert "Submitted late" in page


def test_a_summary_submitted_on_the_last_day_is_not_late(client, mr_liaison, office_staff):
    summary = submitted_on(mr_liaison, at(2026, 11, 30, 23, 50))
    with time_machine.travel(at(2026, 12, 2), tick=False):
        client.force_login(office_staff)
        listed = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
        page = client.get(reverse("annual_summary", args=[summary.id])).content.decode()
    assert "data-late=" not in listed and "Submitted late" not in listed + page


# --- 催报: the office reminds the units whose summary is not in ---


def test_the_office_reminds_the_units_whose_summary_is_not_in_once_a_day(
    client, mr_liaison, mr_head, housing_head, office_staff
):
    from departments.models import Notification

    submitted_on(housing_head, at(2026, 11, 20), code="housing")
    with (
        time_machine.travel(at(2026, 11, 30), tick=False),
        pytest.raises(services.ReportError, match="not late yet"),
    ):
        services.summaries_chase(acting_user=office_staff, year=2026, unit_codes=None)
    with time_machine.travel(at(2026, 12, 1, 9), tick=False):
        client.force_login(office_staff)
        listed = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
        assert 'id="chase-all"' in listed
        assert 'id="chase-market-regulation"' in listed and 'id="chase-housing"' not in listed
        page = client.post(
            reverse("annual_summaries_chase", args=[2026]), {"unit": "market-regulation"}
        )
        assert page.status_code == 302
        told = Notification.objects.filter(key__startswith="summary_chase:2026:")
        assert {n.recipient for n in told} == {mr_liaison, mr_head}
        assert told.first().url == reverse("annual_summaries") + "?year=2026"
        with pytest.raises(services.ReportError, match="already submitted"):
            services.summaries_chase(acting_user=office_staff, year=2026, unit_codes=["housing"])
        again = services.summaries_chase(acting_user=office_staff, year=2026, unit_codes=None)
        assert "market-regulation" not in {u.code for u in again.told}
        assert "housing" not in {u.code for u in again.told}
        reasons = {u.code: why for u, why in again.refused}
        assert "already reminded at 2026-12-01 09:00" in reasons["market-regulation"]
        assert "housing" not in reasons  # it has submitted: not late, not refused
        assert told.filter(recipient=mr_liaison).count() == 1
        listed = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
        assert "Reminded 12-01 09:00" in listed
    with time_machine.travel(at(2026, 12, 2, 9, 30), tick=False):
        services.summaries_chase(
            acting_user=office_staff, year=2026, unit_codes=["market-regulation"]
        )
    assert (
        Notification.objects.filter(
            key__startswith="summary_chase:2026:", recipient=mr_liaison
        ).count()
        == 2
    )


@pytest.mark.parametrize("persona", ["mr_liaison", "leader"])
def test_only_the_office_reminds(db, client, persona, request):
    with time_machine.travel(at(2026, 12, 1), tick=False):
        client.force_login(request.getfixturevalue(persona))
        page = client.post(reverse("annual_summaries_chase", args=[2026]), {"all": "1"})
        assert page.status_code == 404
        listed = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
        assert "chase-" not in listed


# --- the office returns a summary with comments ---


def test_the_office_returns_a_summary_with_comments_and_the_unit_submits_it_again(
    client, mr_liaison, office_staff
):
    from django.core.exceptions import ValidationError

    from departments.models import Notification

    summary = submitted_on(mr_liaison, at(2026, 11, 28))
    with time_machine.travel(at(2026, 12, 1, 9), tick=False):
        with pytest.raises(ValidationError):
            services.summary_return(summary_id=summary.id, acting_user=office_staff, comment=" ")
        client.force_login(office_staff)
        page = client.get(reverse("annual_summary", args=[summary.id])).content.decode()
        assert 'id="return-summary"' in page
        response = client.post(
            reverse("annual_summary_return", args=[summary.id]),
            {"comment": "请补充联合执法的数据。", "version": summary.version + 0},
        )
        assert response.status_code == 302
    summary.refresh_from_db()
    assert (summary.status, summary.submitted_at) == ("returned", None)
    told = Notification.objects.get(recipient=mr_liaison, key__startswith="summary_returned:")
    assert told.body == "请补充联合执法的数据。"
    assert told.url == reverse("annual_summary", args=[summary.id])
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        client.force_login(mr_liaison)
        page = client.get(reverse("annual_summary", args=[summary.id])).content.decode()
        assert 'id="return-comment"' in page and "请补充联合执法的数据。" in page
        assert 'id="summary-form"' in page  # editable again
        listed = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
        assert "Returned for changes" in listed
        with pytest.raises(services.ReportError, match="Only a submitted summary"):
            services.summary_return(summary_id=summary.id, acting_user=office_staff, comment="再改")
        services.summary_submit(summary_id=summary.id, acting_user=mr_liaison)
    summary.refresh_from_db()
    assert summary.status == "submitted" and summary.late_on.isoformat() == "2026-12-01"


@pytest.mark.parametrize("persona", ["mr_liaison", "leader"])
def test_only_the_office_returns_a_summary(client, persona, request, mr_liaison):
    summary = submitted_on(mr_liaison, at(2026, 11, 28))
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("annual_summary", args=[summary.id])).content.decode()
    assert 'id="return-summary"' not in page
    response = client.post(reverse("annual_summary_return", args=[summary.id]), {"comment": "改"})
    assert response.status_code == 404
    summary.refresh_from_db()
    assert summary.status == "submitted"


def test_the_office_home_page_counts_the_summaries_not_in_once_they_are_late(
    mr_liaison, housing_head, office_staff, leader
):
    from reports.figures import member_units

    submitted_on(housing_head, at(2026, 11, 20), code="housing")

    def line(person, when):
        return {d.key: d for d in waiting_for(person, when)}.get("summaries_not_in")

    assert line(office_staff, at(2026, 11, 30)) is None  # not late yet
    late = line(office_staff, at(2026, 12, 1))
    assert late.count == len(member_units()) - 1
    assert late.label == "Annual work summaries for 2026 not in (due by 2026-11-30)"
    assert (late.url, late.urgent) == (reverse("annual_summaries") + "?year=2026", True)
    assert line(leader, at(2026, 12, 1)) is None
    # The group leader follows it, as he follows the late quarterly reports: the same line.
    followed = {d.key: d for d in to_follow(leader, at(2026, 12, 1))}.get("summaries_not_in")
    assert followed == late
    assert "summaries_not_in" not in {d.key for d in to_follow(leader, at(2026, 11, 30))}


# --- the office's register of the year, as a workbook ---


def test_the_office_and_the_leader_download_the_years_register_as_a_workbook(
    client, mr_liaison, housing_head, office_staff, leader
):
    from io import BytesIO

    from openpyxl import load_workbook

    from reports.figures import member_units

    submitted_on(housing_head, at(2026, 11, 20), code="housing")
    submitted_on(mr_liaison, at(2026, 12, 2))
    with time_machine.travel(at(2026, 12, 2, 11), tick=False):
        services.summaries_chase(acting_user=office_staff, year=2026, unit_codes=None)
        for person in (office_staff, leader):
            client.force_login(person)
            listed = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
            assert reverse("annual_summaries_register", args=[2026]) in listed
            response = client.get(reverse("annual_summaries_register", args=[2026]))
            assert response.status_code == 200
            assert "wuqing-annual-summaries-2026.xlsx" in response["Content-Disposition"]
            sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
            rows = list(sheet.iter_rows(values_only=True))
            assert rows[0][:6] == ("No.", "Unit", "Status", "Submitted at", "Late", "Last reminded")
            by_unit = {row[1]: row[1:] for row in rows[1:]}
            assert len(by_unit) == len(member_units())
            assert by_unit["Market Regulation Bureau"][1:4] == (
                "Submitted",
                datetime(2026, 12, 2, 10, 0),
                "Yes",
            )
            assert by_unit["Housing and Construction Commission"][3] in (None, "")
            # Shown to the minute, as the pages write a moment; seconds showed by default.
            mr_row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value.startswith("Market"))
            assert mr_row[3].number_format == "yyyy-mm-dd hh:mm"
            assert by_unit["Education Bureau"][1] == "Not started"
            assert by_unit["Education Bureau"][3] == "Yes"
        client.force_login(mr_liaison)
        assert client.get(reverse("annual_summaries_register", args=[2026])).status_code == 404


def test_a_second_click_on_submit_says_the_summary_is_already_in_not_changed_by_someone(
    client, mr_liaison
):
    with time_machine.travel(at(2026, 11, 30), tick=False):
        summary = services.summary_start(
            unit=unit("market-regulation"), year=2026, acting_user=mr_liaison
        )
        client.force_login(mr_liaison)
        form = {"text": "全年工作总结。", "version": summary.version, "then": "submit"}
        url = reverse("annual_summary", args=[summary.id])
        first = client.post(url, form, follow=True)
        assert [str(m) for m in first.context["messages"]] == [
            "The summary was submitted to the office."
        ]
        second = client.post(url, form, follow=True)
    assert [(m.level_tag, str(m)) for m in second.context["messages"]] == [
        ("info", "The summary was already submitted to the office.")
    ]


def test_saving_a_submitted_summary_from_an_old_page_says_it_was_submitted(mr_liaison):
    summary = submitted_on(mr_liaison, at(2026, 11, 30))
    with pytest.raises(services.ReportError, match="has been submitted"):
        services.summary_save(
            summary_id=summary.id, acting_user=mr_liaison, text="改", expected_version=1
        )


# --- a file attached by mistake ---

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_file_attached_by_mistake_is_taken_off_the_draft_but_not_once_submitted(
    client, mr_liaison, housing_head, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    with time_machine.travel(at(2026, 11, 30), tick=False):
        summary = services.summary_start(
            unit=unit("market-regulation"), year=2026, acting_user=mr_liaison
        )
        wrong, right = services.summary_attach(
            summary_id=summary.id,
            acting_user=mr_liaison,
            uploads=[
                SimpleUploadedFile("错的.pdf", PDF_BYTES),
                SimpleUploadedFile("总结盖章版.pdf", PDF_BYTES),
            ],
        )
        client.force_login(mr_liaison)
        page = client.get(reverse("annual_summary", args=[summary.id])).content.decode()
        detach = reverse("annual_summary_detach", args=[summary.id, wrong.id])
        assert detach in page
        client.force_login(housing_head)
        assert client.post(detach).status_code == 404
        client.force_login(mr_liaison)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(detach, follow=True)
        assert [str(m) for m in response.context["messages"]] == [
            "The file was removed from the summary."
        ]
        kept = summary.attachments.filter(removed_at=None)
        assert [a.original_name for a in kept] == ["总结盖章版.pdf"]
        assert default_storage.exists(wrong.file.name)  # kept, marked removed
        services.summary_save(summary_id=summary.id, acting_user=mr_liaison, text="总结")
        services.summary_submit(summary_id=summary.id, acting_user=mr_liaison)
        with pytest.raises(services.ReportError, match="submitted"):
            services.summary_detach(
                summary_id=summary.id, attachment_id=right.id, acting_user=mr_liaison
            )
    assert summary.attachments.filter(removed_at=None).count() == 1


def test_the_office_hears_of_a_summary_submitted_again_after_it_was_returned(
    mr_liaison, office_staff
):
    from departments.models import Notification

    summary = submitted_on(mr_liaison, at(2026, 11, 28))
    with time_machine.travel(at(2026, 12, 1), tick=False):
        services.summary_return(summary_id=summary.id, acting_user=office_staff, comment="补充")
        services.summary_submit(summary_id=summary.id, acting_user=mr_liaison)
    heard = Notification.objects.filter(
        recipient=office_staff, key__startswith=f"summary_submitted:{summary.id}"
    ).order_by("id")
    assert heard.count() == 2
    # The second reads as the summary sent back changed, not as a first (late) submission.
    first, again = (n.messages["title"] for n in heard)
    assert first["id"] == "%(unit)s submitted its work summary for %(year)s"
    assert again["id"] == (
        "%(unit)s submitted its work summary for %(year)s again, changed after its return, "
        "after its due date %(due)s"
    )
    assert again["params"]["due"] == "2026-11-30"


def test_a_summary_sent_back_changed_before_its_due_date_says_so_too(mr_liaison, office_staff):
    from departments.models import Notification

    summary = submitted_on(mr_liaison, at(2026, 11, 20))
    with time_machine.travel(at(2026, 11, 24), tick=False):
        services.summary_return(summary_id=summary.id, acting_user=office_staff, comment="补充")
        services.summary_submit(summary_id=summary.id, acting_user=mr_liaison)
    again = (
        Notification.objects.filter(
            recipient=office_staff, key__startswith=f"summary_submitted:{summary.id}"
        )
        .latest("id")
        .messages["title"]
    )
    assert again["id"] == (
        "%(unit)s submitted its work summary for %(year)s again, changed after its return"
    )
    assert "due" not in again["params"]


def test_the_office_is_told_when_a_summary_comes_in_late(mr_liaison, housing_head, office_staff):
    from departments.models import Notification

    on_time = submitted_on(housing_head, at(2026, 11, 30), code="housing")
    late = submitted_on(mr_liaison, at(2026, 12, 2))

    def told(summary):
        return Notification.objects.get(
            recipient=office_staff, key__startswith=f"summary_submitted:{summary.id}:"
        ).messages["title"]

    assert told(on_time)["id"] == "%(unit)s submitted its work summary for %(year)s"
    assert told(late)["id"] == (
        "%(unit)s submitted its work summary for %(year)s late, after its due date %(due)s"
    )
    assert told(late)["params"]["due"] == "2026-11-30"


# --- the implementation plan (section 五（二）), once the office has set a date ---


def test_the_home_page_says_when_the_plan_is_to_be_filed_once_the_office_set_a_date(
    mr_liaison, mr_staff
):
    from datetime import date

    from reports import plan_services
    from reports.models import ImplementationPlan, PlanDeadline

    def plan_line(person, when):
        return {d.key: d for d in waiting_for(person, when)}.get("plan_to_file")

    assert plan_line(mr_liaison, at(2026, 3, 1)) is None  # no date set: nothing to say
    PlanDeadline.objects.create(year=2026, due_on=date(2026, 3, 31))
    line = plan_line(mr_liaison, at(2026, 3, 1))
    assert line.label == "Implementation plan for 2026 to file by 2026-03-31"
    assert (line.url, line.urgent) == (reverse("plan_list") + "?year=2026", False)
    assert plan_line(mr_staff, at(2026, 3, 1)) is None  # the liaison or head files it
    late = plan_line(mr_liaison, at(2026, 4, 1))
    assert late.label == "Implementation plan for 2026 is late: it was due by 2026-03-31"
    assert late.urgent
    with time_machine.travel(at(2026, 4, 1), tick=False):
        plan = plan_services.plan_start(
            unit=unit("market-regulation"), year=2026, acting_user=mr_liaison
        )
    assert plan_line(mr_liaison, at(2026, 4, 1)).url == reverse("plan_detail", args=[plan.id])
    ImplementationPlan.objects.filter(id=plan.id).update(status="filed")
    assert plan_line(mr_liaison, at(2026, 4, 1)) is None


@pytest.mark.parametrize(
    ("method", "name"),
    [("post", "annual_summaries_chase"), ("get", "annual_summaries_register")],
)
def test_a_year_out_of_range_in_the_address_is_not_found_not_a_server_error(
    client, office_staff, method, name
):
    client.force_login(office_staff)
    response = getattr(client, method)(reverse(name, args=[99999]), {"all": "1"})
    assert response.status_code == 404


def test_a_unit_reading_its_own_summary_list_is_not_told_how_many_units_submitted(
    client, mr_liaison, office_staff
):
    from reports.figures import member_units

    with time_machine.travel(at(2026, 11, 30), tick=False):
        client.force_login(mr_liaison)
        own = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
        client.force_login(office_staff)
        office = client.get(reverse("annual_summaries") + "?year=2026").content.decode()
    assert "Due by 2026-11-30" in own and "submitted." not in own
    assert f"Due by 2026-11-30 · 0 of {len(member_units())} submitted." in office


def test_a_summary_still_not_in_after_new_year_stays_on_the_home_pages(
    mr_liaison, office_staff, housing_head
):
    """The line ran to the end of the year, so from 1 January a unit that never sent its
    summary, and the office, were no longer told: the late summary dropped out of sight."""
    from departments.models import Unit
    from reports.figures import member_units

    submitted_on(housing_head, at(2026, 11, 20), code="housing")
    january = at(2027, 1, 12)
    line = summary_line(mr_liaison, january)
    assert line.label == "Annual work summary for 2026 is late: it was due by 2026-11-30"
    assert (line.url, line.urgent) == (reverse("annual_summaries") + "?year=2026", True)
    office = {d.key: d for d in waiting_for(office_staff, january)}["summaries_not_in"]
    assert office.label == "Annual work summaries for 2026 not in (due by 2026-11-30)"
    assert office.count == len(member_units()) - 1
    # A unit that began after that year is not asked for its summary.
    Unit.objects.filter(code="market-regulation").update(reports_since=at(2027, 1, 1).date())
    assert summary_line(mr_liaison, january) is None
    office = {d.key: d for d in waiting_for(office_staff, january)}["summaries_not_in"]
    assert office.count == len(member_units()) - 2
    # From the next year's reminders on, the line is about that year.
    assert "for 2027" in summary_line(mr_liaison, at(2027, 11, 16)).label
