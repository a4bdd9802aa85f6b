"""The scheduler's times typed in the admin follow the portal's years (2000-2999), as every
other date does (`wuqing_consumer.admin.CheckedDatesAdmin`). A clocked schedule at
0001-01-01 00:00, Beijing time, is a moment before year 1 in UTC: PostgreSQL stored it, and
reading it back for the audit trail answered 500 (found by fuzzing the admin)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django_celery_beat.models import ClockedSchedule, IntervalSchedule, PeriodicTask

pytestmark = pytest.mark.django_db

NO_TASKS = {
    "periodictask_set-TOTAL_FORMS": "0",
    "periodictask_set-INITIAL_FORMS": "0",
    "periodictask_set-MIN_NUM_FORMS": "0",
    "periodictask_set-MAX_NUM_FORMS": "1000",
}


def _signed_in(client, user, language: str = "zh-hans"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize(
    ("day", "time"), [("0001-01-01", "00:00"), ("0001-01-02", "12:00"), ("9999-12-31", "23:59")]
)
def test_a_clocked_time_outside_the_portals_years_is_refused_at_its_field(
    client, office_director, day, time
):
    _signed_in(client, office_director)
    response = client.post(
        "/admin/django_celery_beat/clockedschedule/add/",
        {"clocked_time_0": day, "clocked_time_1": time, "_save": "1", **NO_TASKS},
    )

    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["clocked_time"]
    assert error.startswith(f"{day} 不是系统可接受的日期") and "2000年至2999年" in error
    assert not ClockedSchedule.objects.exists()


def test_a_clocked_time_moved_out_of_the_portals_years_is_refused_and_kept(client, office_director):
    clocked = ClockedSchedule.objects.create(clocked_time="2026-12-01T02:00:00+08:00")
    _signed_in(client, office_director, "en")
    response = client.post(
        f"/admin/django_celery_beat/clockedschedule/{clocked.id}/change/",
        {"clocked_time_0": "0001-01-01", "clocked_time_1": "08:00", "_save": "1", **NO_TASKS},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["clocked_time"] == [
        "0001-01-01 is not a date the portal accepts: the year must be between 2000 and 2999."
    ]
    clocked.refresh_from_db()
    assert clocked.clocked_time.year == 2026


def test_a_clocked_time_in_the_portals_years_is_saved(client, office_director):
    _signed_in(client, office_director)
    response = client.post(
        "/admin/django_celery_beat/clockedschedule/add/",
        {"clocked_time_0": "2027-01-04", "clocked_time_1": "09:30", "_save": "1", **NO_TASKS},
    )

    assert response.status_code == 302
    assert ClockedSchedule.objects.get().clocked_time.isoformat() == "2027-01-04T01:30:00+00:00"


@pytest.mark.parametrize("field", ["start_time", "expires"])
def test_a_tasks_start_or_expiry_outside_the_portals_years_is_refused(
    client, office_director, field
):
    every = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    _signed_in(client, office_director)
    response = client.post(
        "/admin/django_celery_beat/periodictask/add/",
        {
            "name": "投递",
            "task": "departments.tasks.send_deliveries",
            "interval": every.id,
            "args": "[]",
            "kwargs": "{}",
            "enabled": "on",
            f"{field}_0": "0001-01-01",
            f"{field}_1": "00:00",
            "_save": "1",
        },
    )

    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors[field]
    assert error.startswith("0001-01-01 不是系统可接受的日期") and "2000年至2999年" in error
    assert not PeriodicTask.objects.filter(name="投递").exists()
