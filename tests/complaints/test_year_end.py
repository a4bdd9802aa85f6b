"""The turn of the year 2026 -> 2027: numbering, and deadlines that run into a year whose
holidays only the office's table knows (chinese-calendar 1.11 stops at 2026), past the
statutory holidays every year has."""

import json
from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from complaints import workflow
from complaints.clients import api_client_create
from complaints.deadlines import BEIJING
from complaints.models import CalendarDay, HolidaySchedule, WorkOrder
from departments.models import AuditEntry
from tests.factories import make_order


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def end_of(y, m, d):
    return datetime(y, m, d, 23, 59, 59, tzinfo=BEIJING)


@pytest.fixture
def clock():
    """Monday 14 December 2026, 10:00 in Beijing."""
    with time_machine.travel(at(2026, 12, 14), tick=False) as traveller:
        yield traveller


def accepted_order(office_staff, mr_staff) -> WorkOrder:
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    return workflow.workorder_accept(order_id=order.id, acting_user=mr_staff)


SPRING_FESTIVAL_2027 = [date(2027, 2, d) for d in (8, 9, 10, 11, 12)]


def test_entering_next_years_holidays_recounts_the_open_orders_deadlines(
    clock, client, office_staff, mr_staff
):
    # Accepted Monday 14 December: 45 working days, 13 of them in 2026 (package) and 32 in
    # 2027, counted Monday to Friday but the statutory holidays for want of data (1 January,
    # the Spring Festival's eve Friday 5 and Monday 8 February): 4 January ... Thursday 18
    # February.
    order = accepted_order(office_staff, mr_staff)
    assert order.due_resolution == end_of(2027, 2, 18)
    untouched = make_order(office_staff)  # sign-for due 15 December: before the holidays
    before = WorkOrder.objects.get(id=untouched.id).due_sign_for

    client.force_login(office_staff)
    for day, name in [(date(2027, 1, 1), "元旦"), *((d, "春节") for d in SPRING_FESTIVAL_2027)]:
        response = client.post(
            "/admin/complaints/calendarday/add/",
            {"date": day.isoformat(), "name": name},  # is_workday unticked: a day off
        )
        assert response.status_code == 302, response.content.decode()[:2000]

    # Four working days fewer before it (9 to 12 February; 1 January and 8 February were
    # days off already): 19, 22, 23, 24 February.
    order = WorkOrder.objects.get(id=order.id)
    assert order.due_resolution == end_of(2027, 2, 24)
    assert order.next_due_at == end_of(2027, 2, 24)
    assert order.next_due_name == "resolution"
    assert WorkOrder.objects.get(id=untouched.id).due_sign_for == before
    page = client.get("/admin/complaints/calendarday/").content.decode()
    assert "recounted" in page or "重新计算" in page


def test_removing_a_holiday_recounts_them_back(clock, client, office_staff, mr_staff):
    CalendarDay.objects.create(date=date(2027, 2, 9), is_workday=False, name="春节")
    order = accepted_order(office_staff, mr_staff)
    assert order.due_resolution == end_of(2027, 2, 19)

    client.force_login(office_staff)
    day = CalendarDay.objects.get(date=date(2027, 2, 9))
    response = client.post(
        f"/admin/complaints/calendarday/{day.id}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200

    assert WorkOrder.objects.get(id=order.id).due_resolution == end_of(2027, 2, 18)


def test_deleting_holidays_from_the_list_recounts_them_back(clock, client, office_staff, mr_staff):
    for day in SPRING_FESTIVAL_2027[1:3]:
        CalendarDay.objects.create(date=day, is_workday=False, name="春节")
    order = accepted_order(office_staff, mr_staff)
    assert order.due_resolution == end_of(2027, 2, 22)

    client.force_login(office_staff)
    response = client.post(
        "/admin/complaints/calendarday/",
        {
            "action": "delete_selected",
            "_selected_action": list(CalendarDay.objects.values_list("id", flat=True)),
            "post": "yes",
        },
    )
    assert response.status_code == 302

    assert not CalendarDay.objects.exists()
    assert WorkOrder.objects.get(id=order.id).due_resolution == end_of(2027, 2, 18)


def test_numbers_follow_the_local_year_received_and_start_again_in_2027(db):
    _client, key, _secret = api_client_create(name="12345 热线")
    http = Client()

    def push(hotline_id, received_at):
        body = {
            "hotline_id": hotline_id,
            "kind": "complaint",
            "content": "超市卖过期酸奶，要求退货。",
            "received_at": received_at,
            "citizen": {"name": "王先生"},
        }
        response = http.post(
            "/api/v1/hotline/work-orders/",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        assert response.status_code == 201, response.content
        return response.json()["number"]

    with time_machine.travel(at(2026, 12, 31, 23, 50), tick=False):
        assert push("A1", "2026-12-31T23:40:00+08:00") == "WQ-2026-000001"
    # Two minutes past midnight in Tianjin (still 31 December in UTC): an order the hotline
    # received at 23:59 belongs to 2026, one received at 00:01 is the first of 2027.
    with time_machine.travel(at(2027, 1, 1, 0, 2), tick=False):
        assert push("A2", "2026-12-31T23:59:00+08:00") == "WQ-2026-000002"
        assert push("A3", "2026-12-31T16:01:00Z") == "WQ-2027-000001"
        assert push("A4", None) == "WQ-2027-000002"


def test_the_order_page_says_when_a_deadline_was_counted_without_the_years_holidays(
    clock, client, office_staff, mr_staff
):
    order = accepted_order(office_staff, mr_staff)  # resolve by 15 February 2027
    client.force_login(mr_staff)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="provisional-deadlines"' in page
    assert "2027" in page.split('id="provisional-deadlines"')[1][:400]

    # One day entered is not the year's schedule: the note stays until the year is complete.
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="provisional-deadlines"' in page

    HolidaySchedule.objects.create(year=2027, is_complete=True)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="provisional-deadlines"' not in page


def test_one_early_make_up_day_does_not_silence_the_warning_until_the_year_is_complete(
    clock, client, office_staff
):
    client.force_login(office_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # A make-up working day of 2027 entered ahead of the State Council's notice.
    response = client.post(
        "/admin/complaints/calendarday/add/",
        {"date": "2027-02-20", "name": "春节调休", "is_workday": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    home = client.get("/").content.decode()
    assert 'id="holiday-warning"' in home
    assert "2027" in home.split('id="holiday-warning"')[1][:600]

    response = client.post(
        "/admin/complaints/holidayschedule/add/",
        {"year": "2027", "is_complete": "on", "notice": "国办发明电〔2026〕14号"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert 'id="holiday-warning"' not in client.get("/").content.decode()
    entry = AuditEntry.objects.get(action="holiday_schedule.complete")
    assert entry.actor == office_staff
    assert entry.data["after"] == {"is_complete": True, "notice": "国办发明电〔2026〕14号"}

    schedule = HolidaySchedule.objects.get(year=2027)
    response = client.post(
        f"/admin/complaints/holidayschedule/{schedule.id}/change/",
        {"year": "2027", "notice": "国办发明电〔2026〕14号"},  # is_complete unticked
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert 'id="holiday-warning"' in client.get("/").content.decode()
    assert AuditEntry.objects.filter(action="holiday_schedule.reopen").count() == 1


def test_a_year_with_no_day_entered_cannot_be_marked_complete(clock, client, office_staff):
    client.force_login(office_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        "/admin/complaints/holidayschedule/add/", {"year": "2027", "is_complete": "on"}
    )
    assert response.status_code == 200
    assert "No day of 2027 is in the holiday calendar yet" in response.content.decode()
    assert not HolidaySchedule.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("year", ["0", "1999", "3000", "32767"])
def test_a_year_outside_the_portals_is_refused_on_its_field(client, office_staff, year):
    """Year 0 was asked of the holiday package, which raised: a 500 (found by fuzzing)."""
    client.force_login(office_staff)
    response = client.post(
        "/admin/complaints/holidayschedule/add/", {"year": year, "is_complete": "on"}
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["year"]
    assert not HolidaySchedule.objects.exists()


def test_the_office_is_warned_about_a_year_an_open_orders_deadline_runs_into(client, office_staff):
    with time_machine.travel(at(2026, 6, 1), tick=False):  # not yet November
        order = make_order(office_staff)
        WorkOrder.objects.filter(id=order.id).update(due_resolution=end_of(2027, 1, 20))
        client.force_login(office_staff)
        home = client.get("/").content.decode()
        assert 'id="holiday-warning"' in home
        assert "2027" in home.split('id="holiday-warning"')[1][:600]

        WorkOrder.objects.filter(id=order.id).update(status="closed")
        assert 'id="holiday-warning"' not in client.get("/").content.decode()


def test_a_deadline_within_a_known_year_carries_no_such_note(clock, client, office_staff):
    order = make_order(office_staff)  # sign for by 15 December 2026
    client.force_login(office_staff)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="deadlines"' in page
    assert 'id="provisional-deadlines"' not in page


def test_entering_a_make_up_working_day_recounts_leads_and_disputes_still_waiting(
    client, office_staff, mr_staff
):
    from complaints import disputes, referrals
    from complaints.models import Dispute, Referral

    with time_machine.travel(at(2026, 12, 29), tick=False):  # a Tuesday
        # Counted Monday to Friday but New Year's Day into 2027: 30, 31 December, 4 January
        # (3 working days); ... 5, 6, 7, 8 January (7 working days).
        lead = referrals.referral_send(
            acting_user=mr_staff, to_unit_code="commerce", title="预付卡跑路", facts="某店停业。"
        )
        dispute = disputes.dispute_for_second_return(
            make_order(office_staff), mr_staff, "不属于本单位职责"
        )
        assert lead.ack_due_at == end_of(2027, 1, 4)
        assert dispute.decision_due_at == end_of(2027, 1, 8)

        client.force_login(office_staff)
        response = client.post(
            "/admin/complaints/calendarday/add/",
            {"date": "2027-01-02", "name": "元旦调休上班", "is_workday": "on"},
            follow=True,
        )

    # Saturday 2 January worked: 30, 31 December, 2 January; ... 4, 5, 6, 7 January.
    assert Referral.objects.get(id=lead.id).ack_due_at == end_of(2027, 1, 2)
    assert Dispute.objects.get(id=dispute.id).decision_due_at == end_of(2027, 1, 7)
    assert "另有 2 项线索签收或争议决定的时限已重新计算。" in response.content.decode()


@pytest.mark.parametrize("day", ["0001-01-01", "0200-02-08", "9999-12-31"])
def test_a_holiday_in_a_year_the_portal_does_not_take_is_refused_in_the_admin(
    clock, client, office_staff, day
):
    client.cookies["django_language"] = "en"
    client.force_login(office_staff)
    response = client.post("/admin/complaints/calendarday/add/", {"date": day, "name": "春节"})
    assert response.status_code == 200
    assert f"{day} is not a date the portal accepts" in response.content.decode()
    assert not CalendarDay.objects.exists()
