"""django-celery-beat's admin pages (the scheduler's tasks and schedules) read in Chinese on
the Chinese admin: its own catalogue applies, and what that lacks is in ours
(`departments/third_party_i18n.py`). Judged as the language sweep judges every page
(tests/test_page_language.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from tests.test_page_language import (
    ADMIN_LEFT,
    CELERY_BEAT_LEFT,
    PageText,
    data_strings,
    wrong_language,
)

pytestmark = pytest.mark.django_db

# Left as they are, as the sweep leaves them: what it leaves in every admin page
# (ADMIN_LEFT) and on the scheduler's (CELERY_BEAT_LEFT: time zones, the crontab's legend,
# examples of JSON); the execution options name protocols and products (NAMES).
LEFT = CELERY_BEAT_LEFT
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


# What django-celery-beat writes in English only when a task is refused: its model's checks of
# the schedule, and Python's reason a text is not JSON (after its catalogue's "无法解析 JSON").
LIBRARY_ENGLISH = (
    "must be set",
    "clocked must be one off",
    "Expecting value",
    "Unable to parse JSON",
    "无法解析 JSON",
)


def _task_form(client, data: dict) -> tuple[str, dict]:
    response = client.post("/admin/django_celery_beat/periodictask/add/", data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    return response.content.decode(), form.errors


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_empty_task_is_refused_in_the_portals_words(client, sysadmin, language):
    """Asserted by message, not by its Chinese: the English page shows the portal's
    messages, and neither page shows the library's English."""
    client.force_login(sysadmin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page, errors = _task_form(client, {"_save": "1"})
    for english in LIBRARY_ENGLISH:
        assert english not in page
    assert not PeriodicTask.objects.exists()
    if language == "en":
        assert (
            "Choose the task’s schedule: one of Interval Schedule, Crontab Schedule, "
            "Solar Schedule, Clocked Schedule."
        ) in errors["__all__"]
        assert errors["args"] == ["Enter the positional arguments as a JSON list: [] for none."]
        assert errors["kwargs"] == ["Enter the keyword arguments as a JSON object: {} for none."]


def _task(**fields) -> dict:
    return {
        "name": "投递",
        "task": "departments.tasks.send_deliveries",
        "args": "[]",
        "kwargs": "{}",
        "enabled": "on",
        "_save": "1",
        **fields,
    }


def test_a_task_given_two_schedules_is_refused_under_each(client, sysadmin):
    every = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    crontab = CrontabSchedule.objects.create(minute="30", hour="2", timezone="Asia/Shanghai")
    client.force_login(sysadmin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page, errors = _task_form(client, _task(interval=every.id, crontab=crontab.id))
    assert errors["interval"] == errors["crontab"] == ["Only one schedule may be chosen."]
    assert "must be set" not in page and not PeriodicTask.objects.exists()


def test_a_task_on_a_clocked_schedule_must_run_once(client, sysadmin):
    clocked = ClockedSchedule.objects.create(clocked_time="2026-12-01T02:00:00+08:00")
    client.force_login(sysadmin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page, errors = _task_form(client, _task(clocked=clocked.id))
    assert errors["one_off"] == ["A task on a clocked schedule runs once: tick “One-off Task”."]
    assert "one off" not in page and not PeriodicTask.objects.exists()

    response = client.post(
        "/admin/django_celery_beat/periodictask/add/", _task(clocked=clocked.id, one_off="on")
    )
    assert response.status_code == 302
    assert PeriodicTask.objects.get().clocked == clocked


@pytest.mark.parametrize(
    "field, value",
    [
        ("args", '{"a": 1}'),
        ("args", "5"),
        ("kwargs", "[]"),
        ("kwargs", "{"),
        ("headers", "[]"),
        ("headers", "x"),
    ],
)
def test_arguments_of_the_wrong_kind_are_refused(client, sysadmin, field, value):
    """Celery takes a list and an object; anything else made the task fail when it ran."""
    every = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    client.force_login(sysadmin)
    _page, errors = _task_form(client, _task(interval=every.id, **{field: value}))
    assert list(errors) == [field]
    assert not PeriodicTask.objects.exists()


@pytest.mark.parametrize("headers", [None, "", "  "])
def test_a_task_without_message_headers_is_saved_with_none(client, sysadmin, headers):
    """The library saves a blank as NULL, which its column refuses: clearing the field (or a
    form posted without it, found by fuzzing the admin) answered 500."""
    every = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    client.force_login(sysadmin)
    data = _task(interval=every.id, headers=headers)
    response = client.post(
        "/admin/django_celery_beat/periodictask/add/",
        {name: value for name, value in data.items() if value is not None},
    )
    assert response.status_code == 302
    assert PeriodicTask.objects.get(name="投递").headers == "{}"


def test_a_task_with_its_name_taken_is_still_refused(client, sysadmin, scheduled):
    client.force_login(sysadmin)
    _page, errors = _task_form(client, _task(name=scheduled.name, crontab=scheduled.crontab_id))
    assert list(errors) == ["name"]


def test_an_intervals_unit_is_called_minutes_not_meeting_minutes(client, sysadmin, scheduled):
    """Our "Minutes" (a meeting's, 会议纪要) had taken the library's: every 10 minutes read
    "每 10 会议纪要". The meeting's is now a word of its context; microseconds, which the
    library calls 毫秒, are 微秒."""
    client.force_login(sysadmin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    listed = client.get("/admin/django_celery_beat/intervalschedule/").content.decode()
    assert "每 10 分钟" in listed and "会议纪要" not in listed
    form = client.get("/admin/django_celery_beat/intervalschedule/add/").content.decode()
    assert '<option value="minutes">分钟</option>' in form
    assert '<option value="microseconds">微秒</option>' in form
    # A record's History button in the admin is its changes (历史), not a document's 流转记录.
    change = client.get(f"/admin/django_celery_beat/periodictask/{scheduled.id}/change/")
    assert "流转记录" not in change.content.decode()
