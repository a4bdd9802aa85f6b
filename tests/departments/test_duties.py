"""The home page's "waiting for you": every line counts only what the person may act on."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from departments import access, duties
from departments.models import Unit
from meetings import services as meetings
from meetings.services import PlannedAction
from tests.factories import make_order, unit
from wuqing_consumer.language import quarter_name

SEASONAL = {"summary_to_submit", "summaries_not_in", "reports_late"}


def waiting_for(user, now=None):
    """The lines, less the annual summary's and the office's line of late quarterly reports:
    the summary's show from 15 November (the office's from 1 December), and last year's
    until then while one is not in; the late reports' from a quarter's due date on, for
    every unit of the test database that has not reported. Whatever else is waiting, these
    tests would change with the day they run on. They have their own tests
    (tests/reports/test_annual_summary_deadline.py, test_office_late_reports_line.py)."""
    return [d for d in duties.waiting_for(user, now) if d.key not in SEASONAL]


def counts(user, now=None) -> dict[str, int]:
    return {d.key: d.count for d in waiting_for(user, now)}


@pytest.fixture
def meeting(office_staff):
    return meetings.meeting_plan(
        acting_user=office_staff,
        kind="extra",
        title="专题联席会议",
        planned_on=timezone.localdate(),
        place="第三会议室",
        unit_codes=["market-regulation"],
    )


def test_a_unit_sees_its_orders_to_sign_and_its_unanswered_invitation(
    office_staff, mr_staff, housing_staff, meeting
):
    make_order(office_staff)
    make_order(office_staff)
    assert counts(mr_staff) == {"orders_to_sign": 2, "meeting_answers": 1}
    assert counts(housing_staff) == {}
    meetings.invitation_answer(
        meeting_id=meeting.id, acting_user=mr_staff, attending=True, attendees="吴强"
    )
    assert "meeting_answers" not in counts(mr_staff)


def held_with_two_action_items(meeting, office_staff, mr_staff) -> None:
    """The meeting held today, with two items for the bureau: due tomorrow and in 5 days."""
    today = timezone.localdate()
    meetings.meeting_record(
        meeting_id=meeting.id,
        acting_user=office_staff,
        held_on=today,
        minutes="纪要",
        attended_unit_ids=[mr_staff.unit_id],
    )
    meetings.resolution_add(
        meeting_id=meeting.id,
        acting_user=office_staff,
        text="决议",
        actions=[
            PlannedAction("market-regulation", "整改一", today + timedelta(days=1)),
            PlannedAction("market-regulation", "整改二", today + timedelta(days=5)),
        ],
    )


def test_late_action_items_come_first_and_are_urgent(office_staff, mr_staff, meeting):
    held_with_two_action_items(meeting, office_staff, mr_staff)
    assert counts(mr_staff) == {"actions_open": 2}
    later = timezone.now() + timedelta(days=3)
    duties = waiting_for(mr_staff, later)
    assert [(d.key, d.count, d.urgent) for d in duties] == [
        ("actions_late", 1, True),
        ("actions_open", 1, False),
    ]
    assert counts(office_staff, later) == {"actions_late": 1}


def test_each_action_item_line_opens_the_items_it_counts(client, office_staff, mr_staff, meeting):
    """ "Open action items 1" opened every open item, the late one too: the line counts
    those not yet late, beside a line of the late ones."""
    held_with_two_action_items(meeting, office_staff, mr_staff)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        client.force_login(mr_staff)
        home = client.get(reverse("home")).content.decode()
        for key in ("actions_late", "actions_open"):
            url, count = re.search(
                rf'href="([^"]+)" data-duty="{key}"><span class="badge[^"]*">(\d+)<', home
            ).groups()
            listed = client.get(url.replace("&amp;", "&")).content.decode()
            assert listed.count("<tr data-action=") == int(count) == 1, key


def test_the_office_sees_triage_and_meetings_whose_day_has_come(office_staff, meeting):
    make_order(office_staff, send_to_triage=True)
    assert counts(office_staff) == {"orders_triage": 1, "meetings_to_record": 1}
    yesterday = timezone.now() - timedelta(days=1)
    assert counts(office_staff, yesterday) == {"orders_triage": 1}


def test_the_home_page_lists_them_with_links(client, mr_staff, office_staff, meeting):
    client.force_login(mr_staff)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    listed = reverse("meeting_list") + "?answer=waiting"
    assert f'href="{listed}" data-duty="meeting_answers"'.encode() in (response.content)
    client.force_login(office_staff)
    response = client.get(reverse("home"))
    assert b'data-duty="meetings_to_record"' in response.content
    assert b'data-duty="meeting_answers"' not in response.content


def test_someone_with_nothing_waiting_is_told_so(client, housing_staff):
    client.force_login(housing_staff)
    response = client.get(reverse("home"))
    assert b'id="nothing-waiting"' in response.content


def test_the_leader_sees_disputes_waiting_for_a_decision(leader, office_staff):
    from complaints import disputes

    order = make_order(office_staff, unit_code="education", category="预付卡")
    dispute = disputes.dispute_open(
        acting_user=office_staff,
        summary="归属不清",
        order_number=order.number,
        unit_codes=["market-regulation", "education"],
    )
    assert counts(leader) == {}
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office_staff, proposal="建议")
    assert counts(leader) == {"disputes_to_decide": 1}


def test_the_office_sees_releases_to_review_apart_from_those_to_publish(
    office_staff, mr_staff, mr_liaison
):
    from publicity import services as releases

    made = [
        releases.release_create(acting_user=mr_staff, kind="warning", title=t, body="提示")
        for t in ("一", "二")
    ]
    for release in made:
        releases.release_submit(release_id=release.id, acting_user=mr_liaison)
    releases.release_approve(release_id=made[0].id, acting_user=office_staff, opinion_note="可")
    duties = {d.key: (d.count, d.url) for d in waiting_for(office_staff)}
    assert duties["releases_to_review"] == (1, reverse("release_list") + "?status=submitted")
    assert duties["releases_to_publish"] == (1, reverse("release_list") + "?status=approved")


# --- what the units and the office must do on leads, interventions, disputes and orders ---

ROW = b'row-link" href="'


def rows_behind(client, user, duty) -> int:
    """How many rows the list the line links to shows the same person."""
    client.force_login(user)
    response = client.get(duty.url)
    assert response.status_code == 200
    return response.content.count(ROW)


def assert_counts_match_lists(client, user, now=None) -> dict[str, tuple[int, bool]]:
    duties = waiting_for(user, now)
    for duty in duties:
        assert rows_behind(client, user, duty) == duty.count, duty.key
    return {d.key: (d.count, d.urgent) for d in duties}


def refer(user, to="market-regulation", title="培训机构预付费卷款"):
    from complaints import referrals

    return referrals.referral_send(
        acting_user=user, to_unit_code=to, title=title, facts="收取预付学费后停课。"
    )


def test_a_unit_sees_leads_to_acknowledge_and_leads_to_accept_or_reject(
    client, mr_staff, housing_staff
):
    from complaints import referrals

    first, _second = refer(housing_staff), refer(housing_staff, title="另一条线索")
    assert assert_counts_match_lists(client, mr_staff) == {"leads_to_acknowledge": (2, False)}
    assert counts(housing_staff) == {}  # it sent them: nothing for it to do
    referrals.referral_acknowledge(referral_id=first.id, acting_user=mr_staff)
    assert assert_counts_match_lists(client, mr_staff) == {
        "leads_to_acknowledge": (1, False),
        "leads_to_decide": (1, False),
    }
    with time_machine.travel(first.ack_due_at + timedelta(hours=1)):
        duties = assert_counts_match_lists(client, mr_staff)
        assert list(duties) == ["leads_to_acknowledge", "leads_to_decide"]
        assert duties["leads_to_acknowledge"] == (1, True)


def test_a_unit_sees_early_intervention_requests_it_must_answer(client, mr_staff, housing_staff):
    from complaints import interventions

    item = interventions.intervention_request(
        acting_user=housing_staff,
        unit_codes=["market-regulation", "education"],
        title="商场燃气泄漏后商户拒不停业",
        situation="消费者反映商场内餐饮商户燃气泄漏，仍在营业。",
    )
    assert assert_counts_match_lists(client, mr_staff) == {"interventions_to_answer": (1, False)}
    assert counts(housing_staff) == {}  # it asked
    with time_machine.travel(item.answer_due_at + timedelta(minutes=1)):
        assert assert_counts_match_lists(client, mr_staff) == {"interventions_to_answer": (1, True)}
    interventions.intervention_answer(intervention_id=item.id, acting_user=mr_staff, join=True)
    assert counts(mr_staff) == {}


@pytest.fixture
def proposed_dispute(office_staff):
    """A dispute about an order, put to the group leader by the office."""
    from complaints import disputes

    order = make_order(office_staff, unit_code="education", category="预付卡")
    dispute = disputes.dispute_open(
        acting_user=office_staff,
        summary="归属不清",
        order_number=order.number,
        unit_codes=["market-regulation", "education"],
    )
    return disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=office_staff, proposal="建议"
    )


@pytest.fixture
def team_dispute(proposed_dispute, leader):
    from complaints import disputes

    dispute = proposed_dispute
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=leader,
        lead_unit_code="education",
        member_unit_codes=["market-regulation"],
        note="联合调查",
    )
    return dispute


def test_a_unit_sees_the_joint_teams_with_tasks_it_owns(
    client, office_staff, mr_staff, housing_staff, team_dispute
):
    from complaints import disputes

    due = timezone.localdate() + timedelta(days=2)
    task = disputes.team_add_task(
        dispute_id=team_dispute.id,
        acting_user=office_staff,
        title="调取合同",
        owner_unit_code="market-regulation",
        due_on=due,
    )
    disputes.team_add_task(
        dispute_id=team_dispute.id,
        acting_user=office_staff,
        title="询问学员",
        owner_unit_code="education",
        due_on=due,
    )
    duties = assert_counts_match_lists(client, mr_staff)
    assert duties["team_tasks"] == (1, False)
    assert "team_tasks" not in counts(housing_staff)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert assert_counts_match_lists(client, mr_staff)["team_tasks"] == (1, True)
    disputes.team_complete_task(dispute_id=team_dispute.id, task_id=task.id, acting_user=mr_staff)
    assert "team_tasks" not in counts(mr_staff)


def test_the_office_sees_disputes_waiting_for_its_proposal(client, office_staff, leader):
    from complaints import disputes

    order = make_order(office_staff, unit_code="education", category="预付卡")
    dispute = disputes.dispute_open(
        acting_user=office_staff,
        summary="归属不清",
        order_number=order.number,
        unit_codes=["market-regulation", "education"],
    )
    duties = assert_counts_match_lists(client, office_staff)
    assert duties["disputes_to_propose"] == (1, False)
    with time_machine.travel(dispute.decision_due_at + timedelta(minutes=1)):
        duties = assert_counts_match_lists(client, office_staff)
        assert duties["disputes_to_propose"] == (1, True)
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office_staff, proposal="建议")
    assert "disputes_to_propose" not in counts(office_staff)
    assert counts(leader) == {"disputes_to_decide": 1}


def test_the_leaders_line_is_red_only_when_a_dispute_in_it_is_past_its_decision_day(
    client, office_staff, leader
):
    from complaints import disputes

    order = make_order(office_staff, unit_code="education", category="预付卡")
    dispute = disputes.dispute_open(
        acting_user=office_staff,
        summary="归属不清",
        order_number=order.number,
        unit_codes=["market-regulation", "education"],
    )
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office_staff, proposal="建议")
    assert assert_counts_match_lists(client, leader) == {"disputes_to_decide": (1, False)}
    with time_machine.travel(dispute.decision_due_at + timedelta(minutes=1)):
        assert assert_counts_match_lists(client, leader) == {"disputes_to_decide": (1, True)}


def test_the_office_sees_extension_requests_and_resolved_orders_to_close(
    client, office_staff, mr_staff
):
    from complaints import workflow

    asking, resolved = make_order(office_staff), make_order(office_staff)
    for order in (asking, resolved):
        workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_request_extension(
        order_id=asking.id, acting_user=mr_staff, working_days=5, reason="需现场核查"
    )
    workflow.workorder_resolve(order_id=resolved.id, acting_user=mr_staff, result="已退款")
    duties = assert_counts_match_lists(client, office_staff)
    assert duties["orders_extensions"] == (1, False)
    assert duties["orders_to_close"] == (1, False)
    assert {d.key: d.url for d in waiting_for(office_staff)}["orders_to_close"] == (
        reverse("order_list") + "?tab=to_close"
    )
    assert not {"orders_extensions", "orders_to_close"} & set(counts(mr_staff))


def test_the_office_sees_leads_not_acknowledged_in_time(client, office_staff, housing_staff):
    lead = refer(housing_staff)
    assert "leads_late" not in counts(office_staff)
    with time_machine.travel(lead.ack_due_at + timedelta(hours=1)):
        duties = assert_counts_match_lists(client, office_staff)
        assert duties["leads_late"] == (1, True)
        assert "leads_late" not in counts(housing_staff)


def test_the_dispute_list_tells_disputes_to_propose_from_those_with_the_leader(
    client, office_staff
):
    from complaints import disputes

    for summary in ("归属不清", "又一起"):
        order = make_order(office_staff, unit_code="education", category="预付卡")
        last = disputes.dispute_open(
            acting_user=office_staff,
            summary=summary,
            order_number=order.number,
            unit_codes=["market-regulation", "education"],
        )
    disputes.dispute_propose(dispute_id=last.id, acting_user=office_staff, proposal="建议")
    client.force_login(office_staff)
    url = reverse("dispute_list")
    assert client.get(url + "?status=open").content.count(ROW) == 1
    assert client.get(url + "?status=proposed").content.count(ROW) == 1
    assert client.get(url + "?status=undecided").content.count(ROW) == 2
    assert assert_counts_match_lists(client, office_staff)["disputes_to_propose"] == (1, False)


def test_a_units_liaison_and_head_see_drafts_to_sign_off(
    client, mr_staff, mr_liaison, mr_head, housing_head, quarter_reported
):
    from publicity import services as releases

    draft = releases.release_create(
        acting_user=mr_staff, kind="warning", title="预付卡消费提示", body="提示"
    )
    for manager in (mr_liaison, mr_head):
        assert assert_counts_match_lists(client, manager) == {"releases_to_submit": (1, False)}
    assert counts(mr_staff) == {}  # staff draft; only the liaison or head submits
    assert "releases_to_submit" not in counts(housing_head)
    releases.release_submit(release_id=draft.id, acting_user=mr_liaison)
    assert counts(mr_liaison) == {}


# --- the quarter's report, due some days after the quarter ends ---

REPORT = "report_to_submit"


def in_beijing(y, m, d, hh=10):
    from complaints.deadlines import BEIJING

    return datetime(y, m, d, hh, tzinfo=BEIJING)


def report_line(user, now=None):
    return next((d for d in waiting_for(user, now) if d.key == REPORT), None)


def written_line(period: str, due: str) -> str:
    """The home page's line for one quarter's report (`period` its key, "2026Q4"), in the
    active language, with the quarter named as its reader reads it."""
    return gettext("Quarterly report for %(period)s to submit by %(due)s") % {
        "period": quarter_name(period),
        "due": due,
    }


def start_report(user, year, quarter):
    from reports import services as reports

    return reports.report_start(unit=user.unit, year=year, quarter=quarter, acting_user=user)


def submit_report(user, year, quarter):
    from reports import services as reports

    report = start_report(user, year, quarter)
    reports.report_save(
        report_id=report.id,
        acting_user=user,
        values={"situation": "本季度投诉平稳。"},
        sampling=[],
        publicity=[],
    )
    return reports.report_submit(report_id=report.id, acting_user=user)


def ended_quarters() -> list[str]:
    """The quarters a unit is asked to report on today: the report list shows the running
    quarter and the seven before it, and those seven have ended."""
    from reports.figures import Period

    period = Period.containing(timezone.localdate())
    ended = []
    for _i in range(7):
        period = period.previous()
        ended.append(period.label)
    return ended[::-1]


def submit_ended_quarters(user, but=()):
    """Every ended quarter's report in, except those named, so a test sees only them."""
    for label in ended_quarters():
        if label not in but:
            submit_report(user, int(label[:4]), int(label[-1]))


@pytest.fixture
def quarter_reported(mr_liaison):
    """Every ended quarter's report is in, so a test about something else sees only that."""
    submit_ended_quarters(mr_liaison)


def test_the_liaison_and_head_see_the_quarters_report_to_submit_from_the_quarters_end(
    mr_staff, mr_liaison, mr_head
):
    with time_machine.travel(in_beijing(2027, 1, 4), tick=False), translation.override("en"):
        submit_ended_quarters(mr_liaison, but=["2026Q4"])
        for manager in (mr_liaison, mr_head):
            line = report_line(manager)
            assert line is not None
            assert (line.label, line.count, line.urgent) == (
                written_line("2026Q4", "2027-01-11"),
                1,
                False,
            )
            # Not started: the list showing that quarter alone, with its Start button, as
            # the office's 催报 opens it (a line for one quarter opened all eight).
            assert line.url == reverse("report_list") + "?period=2026Q4"
        assert report_line(mr_staff) is None  # staff fill it in; they do not submit it
        draft = start_report(mr_staff, 2026, 4)
        assert report_line(mr_liaison).url == reverse("unit_report", args=[draft.id])
    # Due on Monday the 11th, the 10th being a Sunday.
    with time_machine.travel(in_beijing(2027, 1, 11, 23), tick=False):
        assert report_line(mr_liaison).urgent is False  # due today, not yet late
    with time_machine.travel(in_beijing(2027, 1, 12, 0), tick=False):
        assert report_line(mr_liaison).urgent is True
        assert report_line(mr_staff) is None


def test_the_report_line_goes_once_the_report_is_submitted(mr_liaison, mr_head):
    with time_machine.travel(in_beijing(2027, 1, 12), tick=False):
        submit_ended_quarters(mr_liaison, but=["2026Q4"])
        assert report_line(mr_head).urgent is True
        submit_report(mr_liaison, 2026, 4)
        assert report_line(mr_head) is None
        assert report_line(mr_liaison) is None


def test_a_returned_report_is_on_its_own_line_not_twice(mr_liaison, office_staff):
    from reports import services as reports

    with time_machine.travel(in_beijing(2027, 1, 12), tick=False):
        submit_ended_quarters(mr_liaison, but=["2026Q4"])
        report = submit_report(mr_liaison, 2026, 4)
        reports.report_return(report_id=report.id, acting_user=office_staff, comment="请补充")
        duties = counts(mr_liaison)
        assert duties.get("reports_returned") == 1
        assert REPORT not in duties


def test_the_due_date_the_office_moved_is_the_one_shown(mr_liaison):
    from reports.models import ReportingPeriod

    ReportingPeriod.objects.create(year=2026, quarter=4, due_on=date(2027, 1, 15))
    with time_machine.travel(in_beijing(2027, 1, 12), tick=False), translation.override("en"):
        submit_ended_quarters(mr_liaison, but=["2026Q4"])
        line = report_line(mr_liaison)
        assert (line.label, line.urgent) == (written_line("2026Q4", "2027-01-15"), False)


def test_another_units_report_does_not_count_for_this_one(mr_liaison, housing_head):
    with time_machine.travel(in_beijing(2027, 1, 4), tick=False):
        submit_ended_quarters(mr_liaison)
        assert report_line(mr_liaison) is None
        assert report_line(housing_head) is not None


def test_a_unit_that_no_longer_reports_is_not_asked_for_a_report(housing_head):
    Unit.objects.filter(id=housing_head.unit_id).update(is_active=False)
    with time_machine.travel(in_beijing(2027, 1, 4), tick=False):
        assert report_line(housing_head) is None


def test_an_older_quarter_not_submitted_stays_on_the_home_page_once_the_last_is_in(
    client, mr_liaison, mr_staff
):
    """Only the last ended quarter was looked at: with 2026Q4 in, the 2026Q3 report nobody
    submitted was "Overdue" on the report list and missing from the home page."""
    with time_machine.travel(in_beijing(2027, 1, 4), tick=False), translation.override("en"):
        submit_ended_quarters(mr_liaison, but=["2026Q3"])
        line = report_line(mr_liaison)
        assert line is not None
        assert (line.label, line.count, line.urgent, line.url) == (
            written_line("2026Q3", "2026-10-10"),
            1,
            True,
            reverse("report_list") + "?period=2026Q3",
        )
        draft = start_report(mr_staff, 2026, 3)
        assert report_line(mr_liaison).url == reverse("unit_report", args=[draft.id])
        client.force_login(mr_liaison)
        client.cookies["django_language"] = "en"
        page = client.get(reverse("report_list")).content.decode()
    # The list marks the same quarter, and only it, as overdue.
    assert page.count('text-bg-danger">Overdue</span>') == 1
    assert re.search(r'data-period="2026Q3">((?!</tr>).)*Overdue', page, re.S)


def quarters_listed(page: str) -> list[str]:
    return re.findall(r'<tr data-period="(\d{4}Q\d)"', page)


def test_several_quarters_to_submit_are_one_line_from_the_oldest_linking_to_them(
    client, mr_liaison, mr_staff
):
    """Seven red lines of one kind would push the orders and leads below a phone's first
    screen; one line counts them, names the oldest and its due date, and opens the report
    list showing just them."""
    with time_machine.travel(in_beijing(2027, 1, 4), tick=False), translation.override("en"):
        submit_ended_quarters(mr_liaison, but=["2026Q2", "2026Q3", "2026Q4"])
        start_report(mr_staff, 2026, 3)
        line = report_line(mr_liaison)
        assert line is not None
        assert (line.label, line.count, line.urgent) == (
            "Quarterly reports to submit (oldest Q2 2026, due 2026-07-10)",
            3,
            True,
        )
        client.force_login(mr_liaison)
        client.cookies["django_language"] = "en"
        response = client.get(line.url)
        assert response.status_code == 200
        assert quarters_listed(response.content.decode()) == ["2026Q4", "2026Q3", "2026Q2"]
        everything = client.get(reverse("report_list")).content.decode()
        submit_report(mr_liaison, 2026, 2)
        submit_report(mr_liaison, 2026, 3)
        submit_report(mr_liaison, 2026, 4)
        assert report_line(mr_liaison) is None
        left = client.get(line.url).content.decode()
    assert len(quarters_listed(everything)) == 8
    assert quarters_listed(left) == [] and "No report is waiting to be submitted." in left


def test_a_unit_that_never_reported_is_asked_from_the_quarter_its_reporting_began(
    client, housing_head
):
    """Its reporting begins with the quarter it joined the portal in (`Unit.reports_since`):
    a unit new to the portal, or every unit when the district starts using it, is not asked
    for the quarters before. (It was once asked for the last ended quarter alone, whenever
    it joined: each quarter it let pass stopped being asked of it.)"""
    Unit.objects.filter(code="housing").update(reports_since=date(2026, 10, 1))
    with time_machine.travel(in_beijing(2027, 1, 4), tick=False), translation.override("en"):
        line = report_line(housing_head)
        assert (line.label, line.count, line.urgent) == (
            "Quarterly report for Q4 2026 to submit by 2027-01-11",
            1,
            False,
        )


def test_the_quarters_asked_for_begin_with_the_units_first_report(client, housing_head):
    """The ended quarters from its first report on, with no report in, count; the late ones
    make the line red, and its link lists the same quarters."""
    with time_machine.travel(in_beijing(2026, 7, 2), tick=False):
        submit_report(housing_head, 2026, 1)
    with time_machine.travel(in_beijing(2027, 1, 4), tick=False), translation.override("en"):
        line = report_line(housing_head)
        assert (line.label, line.count, line.urgent) == (
            "Quarterly reports to submit (oldest Q2 2026, due 2026-07-10)",
            3,
            True,
        )
        client.force_login(housing_head)
        listed = quarters_listed(client.get(line.url).content.decode())
    assert listed == ["2026Q4", "2026Q3", "2026Q2"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_home_page_shows_the_report_line_in_the_persons_language(client, mr_liaison, language):
    client.cookies["django_language"] = language
    with time_machine.travel(in_beijing(2027, 1, 11), tick=False):
        submit_ended_quarters(mr_liaison, but=["2026Q4"])
        client.force_login(mr_liaison)
        page = client.get(reverse("home")).content.decode()
    with translation.override(language):
        text = written_line("2026Q4", "2027-01-11")
    assert f'href="{reverse("report_list")}?period=2026Q4" data-duty="{REPORT}"' in page
    assert text in page
    # The quarter as its reader names it, not its key (the Chinese once the catalogue has it).
    assert {"zh-hans": "2026年第四季度信息报告待报送", "en": "for Q4 2026 to"}[language] in page


@pytest.fixture
def something_of_everything(office_staff, mr_staff, housing_staff, meeting, team_dispute):
    from complaints import disputes, interventions, workflow
    from publicity import services as releases

    for _ in range(2):
        make_order(office_staff, send_to_triage=True)
        order = make_order(office_staff)
        workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
        workflow.workorder_request_extension(
            order_id=order.id, acting_user=mr_staff, working_days=5, reason="需现场核查"
        )
        refer(housing_staff)
        interventions.intervention_request(
            acting_user=housing_staff,
            unit_codes=["market-regulation"],
            title="燃气泄漏",
            situation="仍在营业。",
        )
        releases.release_create(acting_user=mr_staff, kind="warning", title="提示", body="提示")
    disputes.team_add_task(
        dispute_id=team_dispute.id,
        acting_user=office_staff,
        title="调取合同",
        owner_unit_code="market-regulation",
        due_on=timezone.localdate(),
    )
    order = make_order(office_staff, unit_code="education", category="预付卡")
    dispute = disputes.dispute_open(
        acting_user=office_staff,
        summary="归属不清",
        order_number=order.number,
        unit_codes=["market-regulation", "education"],
    )
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office_staff, proposal="建议")


# The page's own queries (session, user, unit, roles, unread notifications, duty contacts),
# the two people counts of the network card (not on the leader's page), the holiday check of
# those who may use the admin site (2), the units without a head, for those who keep the
# units set up (1), the quarter's figures of the leader and the director, and of a unit's
# people for their unit (the summary brought up to date, with its transaction, and summed:
# 7), a unit's nearest deadlines (the calendar's version for "due soon", the orders and the
# two tabs' counts: 4), the working days' version for the quarterly reports' default due
# dates, for those who submit their unit's and those who see the late ones (1), and one
# query per line of the person's role, those it follows included.
PAGE_QUERIES = 6
NETWORK = 2
HOLIDAY_CHECK = 2
HEADLESS_UNITS = 1
FIGURES = 7
DEADLINES = 4
REPORT_DUE = 1


@pytest.mark.parametrize(
    ("persona", "lines", "admin_site"),
    [
        ("office_staff", 16, True),
        ("office_director", 17, True),
        ("leader", 7, False),
        ("mr_staff", 15, False),
        ("mr_liaison", 19, False),
        ("mr_head", 19, False),
    ],
)
def test_the_home_page_costs_one_query_per_line(
    request,
    client,
    something_of_everything,
    django_assert_max_num_queries,
    persona,
    lines,
    admin_site,
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    client.get(reverse("home"))  # the reference data, cached per process
    looks_after = access.looks_after_units(user)
    unit_work = access.handles_unit_orders(user)
    network = looks_after or not (access.sees_all_units(user) or unit_work)
    budget = (
        PAGE_QUERIES
        + NETWORK * network
        + HOLIDAY_CHECK * admin_site
        + HEADLESS_UNITS * looks_after
        + FIGURES * (access.oversees_district(user) or unit_work)
        + DEADLINES * unit_work
        + REPORT_DUE
        * (access.submits_unit_report(user, user.unit_id) or access.sees_all_units(user))
        + lines
    )
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("home"))
    assert b"data-duty=" in response.content


# -- co-handling opinions due and reopened orders ----------------------------------------------


def listed_by_line(client, user, key: str) -> tuple[int, int]:
    """The line's count on the home page, and how many orders its link lists."""
    client.force_login(user)
    home = client.get(reverse("home")).content.decode()
    url, count = re.search(
        rf'href="([^"]+)" data-duty="{key}"><span class="badge[^"]*">(\d+)<', home
    ).groups()
    listed = client.get(url.replace("&amp;", "&")).content.decode()
    return int(count), listed.count('class="fw-semibold font-monospace row-link"')


def test_a_unit_sees_the_co_handled_orders_waiting_for_its_opinion(
    client, office_staff, mr_staff, housing_staff
):
    from complaints import workflow

    waiting = make_order(office_staff, co_unit_codes=["housing"])
    answered = make_order(office_staff, co_unit_codes=["housing"])
    make_order(office_staff, unit_code="housing")  # its own order, not a co-handled one
    workflow.workorder_add_opinion(order_id=answered.id, acting_user=housing_staff, text="同意")
    assert counts(housing_staff)["orders_opinion_due"] == 1
    assert listed_by_line(client, housing_staff, "orders_opinion_due") == (1, 1)
    assert "orders_opinion_due" not in counts(mr_staff)
    workflow.workorder_add_opinion(order_id=waiting.id, acting_user=housing_staff, text="同意")
    assert "orders_opinion_due" not in counts(housing_staff)


def test_a_unit_sees_its_orders_reopened_after_a_dissatisfied_call_back(
    client, office_staff, mr_staff, housing_staff
):
    from complaints import workflow

    orders = [make_order(office_staff) for _ in range(2)]
    for order in orders:
        workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
        workflow.workorder_resolve(order_id=order.id, acting_user=mr_staff, result="已退款")
    workflow.workorder_record_satisfaction(
        order_id=orders[0].id, acting_user=office_staff, rating="dissatisfied", comment="未退款"
    )
    workflow.workorder_record_satisfaction(
        order_id=orders[1].id, acting_user=office_staff, rating="satisfied"
    )
    assert counts(mr_staff)["orders_reopened"] == 1
    assert listed_by_line(client, mr_staff, "orders_reopened") == (1, 1)
    assert "orders_reopened" not in counts(housing_staff)
    workflow.workorder_resolve(order_id=orders[0].id, acting_user=mr_staff, result="已再次退款")
    assert "orders_reopened" not in counts(mr_staff)


def test_the_office_sees_questions_waiting_for_a_meeting(office_staff, mr_liaison, leader):
    """A unit's question for the joint meeting waited on the meetings page only: the office's
    home page, where everything else waiting for it is counted, said nothing of it."""
    assert "questions_waiting" not in counts(office_staff)
    meetings.agenda_propose(acting_user=mr_liaison, question="预付卡跑路问题如何分工？")
    line = {d.key: d for d in waiting_for(office_staff)}["questions_waiting"]
    assert (line.count, line.url) == (1, reverse("meeting_list") + "#waiting-questions")
    assert "questions_waiting" not in counts(leader)


def test_the_office_is_led_to_each_quarter_with_a_report_to_review(office_staff):
    """The line counted the reports waiting in every quarter but opened the office's list,
    which shows one quarter: a report of another quarter was counted and not shown. Each
    quarter now has its line (tests/reports/test_office_reports_to_review_line.py)."""
    from reports.models import UnitReport

    UnitReport.objects.create(unit=unit("housing"), year=2026, quarter=2, status="submitted")
    UnitReport.objects.create(
        unit=unit("market-regulation"), year=2026, quarter=3, status="submitted"
    )
    lines = [d for d in waiting_for(office_staff) if d.key == "reports_to_review"]
    assert [(d.count, d.url) for d in lines] == [
        (1, reverse("report_list") + "?period=2026Q3&show=to_review"),
        (1, reverse("report_list") + "?period=2026Q2&show=to_review"),
    ]


def labels(user, language: str) -> dict[str, str]:
    with translation.override(language):
        return {d.key: d.label for d in waiting_for(user)}


def test_a_line_with_one_thing_in_it_is_said_in_the_singular_in_english(
    client, office_staff, mr_staff
):
    """The count stands before the label: "1 Work orders to sign for" read as bad English
    on every home page with one thing waiting. Chinese has one form for any number."""
    make_order(office_staff)
    assert labels(mr_staff, "en")["orders_to_sign"] == "Work order to sign for"
    assert labels(mr_staff, "zh-hans")["orders_to_sign"] == "待签收工单"
    make_order(office_staff)
    assert labels(mr_staff, "en")["orders_to_sign"] == "Work orders to sign for"
    assert labels(mr_staff, "zh-hans")["orders_to_sign"] == "待签收工单"
    client.cookies["django_language"] = "en"
    client.force_login(mr_staff)
    home = client.get(reverse("home")).content.decode()
    count, label = re.search(
        r'data-duty="orders_to_sign"><span class="badge[^"]*">(\d+)</span>([^<]*)</a>', home
    ).groups()
    assert (count, label) == ("2", "Work orders to sign for")


def test_a_line_naming_its_quarter_is_said_for_its_count_too(office_staff):
    from reports.models import UnitReport

    UnitReport.objects.create(unit=unit("housing"), year=2026, quarter=2, status="submitted")
    UnitReport.objects.create(unit=unit("education"), year=2026, quarter=3, status="submitted")
    UnitReport.objects.create(
        unit=unit("market-regulation"), year=2026, quarter=3, status="submitted"
    )
    with translation.override("en"):
        lines = [d.label for d in waiting_for(office_staff) if d.key == "reports_to_review"]
    assert lines == [
        "Quarterly reports to review for Q3 2026",
        "Quarterly report to review for Q2 2026",
    ]


def test_the_leaders_one_dispute_is_one_dispute(leader, proposed_dispute):
    assert labels(leader, "en") == {
        "disputes_to_decide": "Jurisdiction dispute waiting for your decision"
    }
    assert labels(leader, "zh-hans") == {"disputes_to_decide": "待您决定的管辖争议"}
