"""django-celery-beat's admin pages (the scheduler's tasks and schedules) read in Chinese on
the Chinese admin: its own catalogue applies, and what that lacks is in ours
(`departments/third_party_i18n.py`). Judged as the language sweep judges every page
(tests/test_page_language.py)."""

from __future__ import annotations

import zoneinfo

import pytest
from django.conf import settings
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from tests.test_page_language import ADMIN_LEFT, PageText, data_strings, wrong_language

pytestmark = pytest.mark.django_db

# Left as they are, besides what the sweep leaves in every admin page (ADMIN_LEFT): a time
# zone is a name (the crontab's field offers them all), a crontab is shown as its expression
# with the library's legend of its five fields (minute/hour/day of month/month of year/day of
# week), a notation like the expression itself, the arguments' help gives examples of JSON,
# and the execution options name protocols and products (NAMES).
LEFT = (
    *sorted(
        {name.replace("_", " ") for name in zoneinfo.available_timezones()},
        key=len,
        reverse=True,
    ),
    "localtime",
    "(m/h/dM/MY/d)",
    '["arg1", "arg2"]',
    '{"argument": "value"}',
)
NAMES = ("AMQP", "JSON", "RabbitMQ", "Redis", "UTC")


@pytest.fixture
def scheduled(db):
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    crontab = CrontabSchedule.objects.create(minute="30", hour="2", timezone="Asia/Shanghai")
    ClockedSchedule.objects.create(clocked_time="2026-12-01T02:00:00+08:00")
    SolarSchedule.objects.create(event="sunrise", latitude=39.38, longitude=117.05)
    PeriodicTask.objects.create(
        name="每日备份", task="departments.tasks.send_deliveries", interval=interval
    )
    return PeriodicTask.objects.create(
        name="每周汇总", task="departments.tasks.send_deliveries", crontab=crontab
    )


def _english_on(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    page = PageText()
    page.feed(response.content.decode())
    texts = [" ".join(t.split()) for t in page.texts]
    for name in NAMES:  # also within Chinese text, where a word boundary does not find them
        texts = [t if t in LEFT else t.replace(name, " ") for t in texts]
    texts = [t for t in texts if t not in ADMIN_LEFT]
    return wrong_language(texts, "zh-hans", [*data_strings(admin=True), *LEFT])


@pytest.mark.parametrize(
    "path",
    [
        "/admin/django_celery_beat/periodictask/",
        "/admin/django_celery_beat/periodictask/{task}/change/",
        "/admin/django_celery_beat/periodictask/add/",
        "/admin/django_celery_beat/crontabschedule/",
        "/admin/django_celery_beat/crontabschedule/{crontab}/change/",
        "/admin/django_celery_beat/intervalschedule/",
        "/admin/django_celery_beat/intervalschedule/{interval}/change/",
        "/admin/django_celery_beat/clockedschedule/add/",
        "/admin/django_celery_beat/solarschedule/add/",
    ],
)
def test_the_schedulers_admin_pages_read_in_chinese(client, sysadmin, scheduled, path):
    client.force_login(sysadmin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    path = path.format(
        task=scheduled.id, crontab=scheduled.crontab_id, interval=IntervalSchedule.objects.get().id
    )
    assert _english_on(client, path) == []


@pytest.mark.parametrize("action", ["enable_tasks", "disable_tasks", "toggle_tasks", "run_tasks"])
def test_the_schedulers_actions_answer_in_chinese(client, sysadmin, scheduled, action):
    client.force_login(sysadmin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.post(
        "/admin/django_celery_beat/periodictask/",
        {"action": action, "_selected_action": [scheduled.id]},
        follow=True,
    )
    said = [str(message) for message in response.context["messages"]]
    assert len(said) == 1
    assert wrong_language(said, "zh-hans", []) == []


def test_running_a_task_this_worker_does_not_know_names_it_and_runs_nothing(
    client, sysadmin, scheduled
):
    PeriodicTask.objects.filter(id=scheduled.id).update(task="gone.task")
    client.force_login(sysadmin)
    response = client.post(
        "/admin/django_celery_beat/periodictask/",
        {"action": "run_tasks", "_selected_action": [scheduled.id]},
        follow=True,
    )
    [said] = [str(message) for message in response.context["messages"]]
    assert "gone.task" in said


def test_a_tasks_name_is_not_called_a_persons_name(client, sysadmin, scheduled, mr_head):
    """The task's "Name" read 姓名, the word for a person's name, which the portal's own
    "Name" (a person's, in the unit's people list) had taken; the library's own catalogue
    calls it 任务名."""
    client.force_login(sysadmin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    tasks = client.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert ">任务名</a>" in tasks and ">姓名</a>" not in tasks
    client.force_login(mr_head)
    people = client.get("/units/market-regulation/people/").content.decode()
    assert "<th>姓名</th>" in people
