"""Working days on the Chinese calendar: weekends, statutory holidays and make-up workdays.

Expected dates are counted by hand from the State Council's 2026 holiday notice:
National Day 1-7 October off and Saturday 10 October worked; Spring Festival 15-23 February
off and Saturdays 14 and 28 February worked; Qingming 4-6 April and Labour Day 1-5 May off,
Saturday 9 May worked.
"""

import logging
from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest
import time_machine

from complaints import disputes, referrals
from complaints.choices import DisputeStatus, ReferralStatus, Status
from complaints.deadlines import (
    BEIJING,
    DayUnit,
    DeadlineRule,
    WorkdayCalendar,
    add_working_days,
    order_deadlines,
    statutory_holidays,
    time_left,
    working_days_between,
)
from complaints.models import CalendarDay, Dispute, HolidaySchedule, Referral, WorkOrder
from complaints.selectors import workday_calendar, years_missing_holidays
from tests.factories import make_order


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def end_of(y, m, d):
    return datetime(y, m, d, 23, 59, 59, tzinfo=BEIJING)


CAL = WorkdayCalendar()


def test_one_working_day_from_a_friday_ends_on_monday():
    assert add_working_days(at(2026, 3, 6), 1, CAL) == end_of(2026, 3, 9)


def test_the_national_day_week_is_skipped_and_the_make_up_saturday_counts():
    # 30 Sep (Wed) + 1: 1-7 Oct are off -> Thu 8 Oct.
    assert add_working_days(at(2026, 9, 30), 1, CAL) == end_of(2026, 10, 8)
    # + 7: 8, 9, 10 (make-up Saturday), 12, 13, 14, 15 October.
    assert add_working_days(at(2026, 9, 30), 7, CAL) == end_of(2026, 10, 15)


def test_a_make_up_saturday_before_spring_festival_is_a_working_day():
    # Fri 13 Feb + 1 -> Sat 14 Feb is worked.
    assert add_working_days(at(2026, 2, 13), 1, CAL) == end_of(2026, 2, 14)
    # Sat 14 Feb + 1: 15-23 Feb off -> Tue 24 Feb.
    assert add_working_days(at(2026, 2, 14), 1, CAL) == end_of(2026, 2, 24)


def test_the_start_day_is_counted_in_beijing_time():
    # 23:30 UTC on Thursday 5 March is 07:30 on Friday 6 March in Beijing.
    started = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)
    assert add_working_days(started, 1, CAL) == end_of(2026, 3, 9)


def test_zero_days_is_the_end_of_the_same_day_and_negative_is_refused():
    assert add_working_days(at(2026, 3, 6), 0, CAL) == end_of(2026, 3, 6)
    with pytest.raises(ValueError):
        add_working_days(at(2026, 3, 6), -1, CAL)


def test_working_days_between_counts_after_the_start_up_to_the_end():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12), CAL) == 4
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 6), CAL) == 0


def test_the_office_table_wins_over_the_package():
    calendar = WorkdayCalendar(overrides={date(2026, 3, 9): False})
    assert add_working_days(at(2026, 3, 6), 1, calendar) == end_of(2026, 3, 10)


def test_an_unknown_year_falls_back_to_monday_to_friday_and_warns_once(caplog):
    calendar = WorkdayCalendar()
    with caplog.at_level(logging.WARNING, logger="complaints.deadlines"):
        # Fri 31 Dec 2100 + 1 -> Mon 3 Jan 2101 with no data for either year.
        assert add_working_days(at(2100, 12, 31), 1, calendar) == end_of(2101, 1, 3)
        add_working_days(at(2101, 1, 3), 3, calendar)
    warnings = [r for r in caplog.records if "2101" in r.getMessage()]
    assert len(warnings) == 1
    assert calendar.unknown_years([2026, 2100, 2101]) == [2100, 2101]


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_holidays_are_days_off_in_the_years_the_package_knows(year):
    """Checked against the State Council's notices as the package has them (the rules as
    revised in 2024: the Spring Festival's eve and 2 May are statutory days off since 2025)."""
    days = statutory_holidays(year)
    assert len(days) == 13
    assert [day for day in sorted(days) if chinese_calendar.is_workday(day)] == []
    assert {date(year, 1, 1), date(year, 5, 2), date(year, 10, 3)} <= days


def test_an_unknown_years_deadlines_skip_its_statutory_holidays():
    """In December, deadlines run into a year the package does not know yet (2027 here): Monday
    to Friday alone made New Year's Day and the Spring Festival working days."""
    calendar = WorkdayCalendar()
    assert not calendar.is_known_year(2027)
    # Thu 31 Dec 2026 + 1: Fri 1 Jan 2027 is New Year's Day -> Mon 4 Jan.
    assert add_working_days(at(2026, 12, 31), 1, calendar) == end_of(2027, 1, 4)
    # Spring Festival 2027: eve Fri 5 Feb, first day Sat 6 Feb, to Mon 8 Feb.
    assert add_working_days(at(2027, 2, 4), 1, calendar) == end_of(2027, 2, 9)
    assert not calendar.is_workday(date(2027, 6, 9))  # Dragon Boat (fifth of the fifth month)
    assert not calendar.is_workday(date(2027, 9, 15))  # Mid-Autumn
    assert not calendar.is_workday(date(2027, 4, 5))  # Qingming
    assert calendar.is_workday(date(2027, 1, 5))


def test_an_unknown_year_uses_the_office_table_when_it_has_entries():
    calendar = WorkdayCalendar(overrides={date(2101, 1, 3): False})
    assert add_working_days(at(2100, 12, 31), 1, calendar) == end_of(2101, 1, 4)


def test_one_entered_day_does_not_make_a_year_known():
    # A make-up working day entered early says nothing of the Spring Festival or National Day.
    calendar = WorkdayCalendar(overrides={date(2101, 1, 3): True})
    assert not calendar.is_known_year(2101)
    assert calendar.unknown_years([2026, 2101]) == [2101]


def test_a_year_the_office_marked_complete_is_known():
    calendar = WorkdayCalendar(overrides={date(2101, 1, 1): False}, complete_years={2101})
    assert calendar.is_known_year(2101)
    assert calendar.unknown_years([2026, 2101, 2102]) == [2102]


def test_a_year_the_package_knows_is_known_without_the_office():
    assert WorkdayCalendar().is_known_year(2026)
    assert WorkdayCalendar(overrides={date(2026, 3, 9): False}).is_known_year(2026)


def test_default_deadlines_of_a_complaint_follow_the_samr_measures():
    clocks = {"received": at(2026, 9, 29), "dispatched": at(2026, 9, 30), "accepted": None}
    deadlines = order_deadlines(kind="complaint", urgency="normal", clocks=clocks, calendar=CAL)
    assert deadlines == {
        "sign_for": end_of(2026, 10, 8),
        # 29 Sep + 7: 30 Sep, 8, 9, 10, 12, 13, 14 October.
        "decision": end_of(2026, 10, 14),
    }


def test_the_resolution_clock_starts_at_acceptance_and_extensions_move_it():
    clocks = {"received": at(2026, 3, 2), "dispatched": at(2026, 3, 2), "accepted": at(2026, 3, 2)}
    plain = order_deadlines(kind="complaint", urgency="normal", clocks=clocks, calendar=CAL)
    extended = order_deadlines(
        kind="complaint",
        urgency="normal",
        clocks=clocks,
        calendar=CAL,
        extensions={"resolution": 15},
    )
    # 45 working days after Mon 2 March 2026: Qingming (4-6 Apr) and Labour Day (1-5 May,
    # with Sat 9 May worked) fall inside; counted by hand: Fri 8 May.
    assert plain["resolution"] == end_of(2026, 5, 8)
    assert extended["resolution"] > plain["resolution"]
    assert (
        working_days_between(plain["resolution"].date(), extended["resolution"].date(), CAL) == 15
    )


def test_urgent_orders_are_signed_for_in_calendar_minutes():
    dispatched = at(2026, 10, 3, 22, 50)  # a holiday, late evening
    safety = order_deadlines(
        kind="complaint", urgency="safety", clocks={"dispatched": dispatched}, calendar=CAL
    )
    utilities = order_deadlines(
        kind="report", urgency="utilities", clocks={"dispatched": dispatched}, calendar=CAL
    )
    assert safety["sign_for"] == dispatched + timedelta(minutes=15)
    assert utilities["sign_for"] == dispatched + timedelta(minutes=30)


def test_reports_and_inquiries_have_their_own_deadlines():
    clocks = {"received": at(2026, 3, 2), "dispatched": at(2026, 3, 2)}
    report = order_deadlines(kind="report", urgency="normal", clocks=clocks, calendar=CAL)
    inquiry = order_deadlines(kind="inquiry", urgency="normal", clocks=clocks, calendar=CAL)
    assert set(report) == {"sign_for", "decision"}
    assert report["decision"] == end_of(2026, 3, 23)
    assert set(inquiry) == {"sign_for", "answer"}
    assert inquiry["answer"] == end_of(2026, 3, 9)


def test_policy_rows_are_data_and_the_most_specific_one_wins():
    rules = (
        DeadlineRule("answer", "*", "*", 5, DayUnit.WORKING_DAYS, "received"),
        DeadlineRule("answer", "inquiry", "*", 2, DayUnit.WORKING_DAYS, "received"),
    )
    clocks = {"received": at(2026, 3, 2)}
    inquiry = order_deadlines(
        kind="inquiry", urgency="normal", clocks=clocks, calendar=CAL, rules=rules
    )
    report = order_deadlines(
        kind="report", urgency="normal", clocks=clocks, calendar=CAL, rules=rules
    )
    assert inquiry["answer"] == end_of(2026, 3, 4)
    assert report["answer"] == end_of(2026, 3, 9)


def test_paused_working_days_push_the_deadline_back():
    clocks = {"received": at(2026, 3, 2)}
    paused = order_deadlines(
        kind="inquiry",
        urgency="normal",
        clocks=clocks,
        calendar=CAL,
        paused_working_days={"answer": 3},
    )
    assert paused["answer"] == end_of(2026, 3, 12)


def test_time_left_is_negative_once_overdue():
    deadline = end_of(2026, 3, 9)
    assert time_left(deadline, at(2026, 3, 9, 12)) > timedelta(0)
    assert time_left(deadline, at(2026, 3, 10, 9)) < timedelta(0)


def test_the_calendar_reads_the_office_table(db):
    CalendarDay.objects.create(date=date(2027, 2, 8), is_workday=False, name="春节")
    calendar = workday_calendar()
    assert calendar.is_workday(date(2027, 2, 8)) is False
    assert not calendar.is_known_year(2027)  # one day is not the year's schedule


def test_the_calendar_knows_the_years_the_office_marked_complete(db):
    CalendarDay.objects.create(date=date(2027, 2, 8), is_workday=False, name="春节")
    HolidaySchedule.objects.create(year=2027, is_complete=True)
    HolidaySchedule.objects.create(year=2028, is_complete=False)
    calendar = workday_calendar()
    assert calendar.is_known_year(2027)
    assert not calendar.is_known_year(2028)


def test_the_office_is_warned_in_november_about_next_year(db, client, office_staff, mr_staff):
    assert years_missing_holidays(date(2100, 11, 20)) == [2100, 2101]
    assert years_missing_holidays(date(2026, 6, 1)) == []
    with time_machine.travel(datetime(2026, 11, 29, 9, tzinfo=BEIJING), tick=False):
        client.force_login(office_staff)
        office_page = client.get("/").content.decode()
        client.force_login(mr_staff)
        unit_page = client.get("/").content.decode()
    assert 'id="holiday-warning"' in office_page
    assert "2027" in office_page
    assert 'id="holiday-warning"' not in unit_page


def test_the_warning_about_one_year_speaks_of_that_year(db, client, office_staff):
    """With only next year's holidays missing, the office read "deadlines in those years"
    (这些年份) about the one year it names."""
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    with time_machine.travel(datetime(2026, 11, 29, 9, tzinfo=BEIJING), tick=False):
        assert years_missing_holidays(date(2026, 11, 29)) == [2027]
        page = client.get("/").content.decode()
    assert "The holidays of 2027 are not known yet: deadlines in that year count" in page
    assert "those years" not in page


def test_a_lead_or_a_dispute_due_in_a_year_without_holidays_warns_the_office(
    client, office_staff, mr_staff, django_assert_max_num_queries
):
    """Leads awaiting acknowledgement and disputes awaiting the leader's decision have
    working-day deadlines too: one that falls in a year nobody has the holidays of was
    counted Monday to Friday, and the office must be told as for an order's."""
    today = date(2026, 6, 1)
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=BEIJING), tick=False):
        lead = referrals.referral_send(
            acting_user=mr_staff, to_unit_code="commerce", title="预付卡", facts="停业"
        )
        dispute = disputes.dispute_open(
            acting_user=office_staff, summary="管辖不清", referral_id=lead.id
        )
    assert years_missing_holidays(today) == []
    leads, disputes_ = Referral.objects.filter(id=lead.id), Dispute.objects.filter(id=dispute.id)
    far = end_of(2100, 3, 1)

    disputes_.update(status=DisputeStatus.DESIGNATED)
    leads.update(ack_due_at=far)
    with django_assert_max_num_queries(4):  # one aggregate per table, and the calendar
        assert years_missing_holidays(today) == [2100]
    client.force_login(office_staff)
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=BEIJING), tick=False):
        page = client.get("/").content.decode()
    assert "2100" in page.split('id="holiday-warning"')[1].split("</div>")[0]
    leads.update(status=ReferralStatus.ACKNOWLEDGED)  # no deadline left to count
    assert years_missing_holidays(today) == []

    disputes_.update(status=DisputeStatus.PROPOSED, decision_due_at=far)
    assert years_missing_holidays(today) == [2100]
    disputes_.update(status=DisputeStatus.DESIGNATED)
    assert years_missing_holidays(today) == []


def test_the_warning_names_only_the_years_an_open_deadline_falls_in(
    client, office_staff, mr_staff, django_assert_max_num_queries
):
    """One stray far-off deadline must not make the office enter the holidays of every year
    up to it: only the years that hold an open deadline are counted without holidays."""
    today = date(2026, 6, 1)
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=BEIJING), tick=False):
        order = make_order(office_staff)
        other = make_order(office_staff)
        lead = referrals.referral_send(
            acting_user=mr_staff, to_unit_code="commerce", title="预付卡", facts="停业"
        )
        dispute = disputes.dispute_open(
            acting_user=office_staff, summary="管辖不清", referral_id=lead.id
        )
    WorkOrder.objects.filter(id=order.id).update(
        due_sign_for=end_of(2026, 6, 3), due_answer=end_of(2104, 1, 5)
    )
    WorkOrder.objects.filter(id=other.id).update(due_resolution=end_of(2110, 12, 31))
    Referral.objects.filter(id=lead.id).update(ack_due_at=end_of(2100, 3, 1))
    Dispute.objects.filter(id=dispute.id).update(
        status=DisputeStatus.PROPOSED, decision_due_at=end_of(2107, 7, 7)
    )

    with django_assert_max_num_queries(2):  # the deadlines' years at once, and the calendar
        assert years_missing_holidays(today) == [2100, 2104, 2107, 2110]

    client.force_login(office_staff)
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=BEIJING), tick=False):
        page = client.get("/").content.decode()
    warning = page.split('id="holiday-warning"')[1].split("</div>")[0]
    assert "2100、2104、2107、2110" in warning
    assert "2101" not in warning

    WorkOrder.objects.filter(id=other.id).update(status=Status.CLOSED)
    assert years_missing_holidays(today) == [2100, 2104, 2107]


def test_a_deadline_at_new_year_counts_in_beijing_time(db, office_staff):
    """Stored in UTC, 1 January 2101 00:30 in Beijing is still 31 December 2100 in UTC."""
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=BEIJING), tick=False):
        order = make_order(office_staff)
    WorkOrder.objects.filter(id=order.id).update(due_answer=at(2101, 1, 1, 0, 30))
    assert years_missing_holidays(date(2026, 6, 1)) == [2101]


def test_every_database_has_the_default_policy_and_the_office_can_change_it(db):
    from complaints.models import DeadlinePolicy
    from complaints.selectors import deadline_rules

    clocks = {"received": at(2026, 3, 2), "dispatched": at(2026, 3, 2)}
    before = order_deadlines(
        kind="report", urgency="normal", clocks=clocks, calendar=CAL, rules=deadline_rules()
    )
    assert before["decision"] == end_of(2026, 3, 23)
    DeadlinePolicy.objects.filter(name="decision", kind="report").update(amount=10)
    after = order_deadlines(
        kind="report", urgency="normal", clocks=clocks, calendar=CAL, rules=deadline_rules()
    )
    assert after["decision"] == end_of(2026, 3, 16)


def test_the_office_director_edits_deadline_policies_and_office_staff_only_read_them(
    client, office_director, office_staff
):
    client.force_login(office_director)
    assert client.get("/admin/complaints/deadlinepolicy/").status_code == 200
    assert client.get("/admin/complaints/deadlinepolicy/add/").status_code == 200
    client.force_login(office_staff)
    assert client.get("/admin/complaints/deadlinepolicy/").status_code == 200
    assert client.get("/admin/complaints/deadlinepolicy/add/").status_code == 403
