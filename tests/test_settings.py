"""Settings come from the environment; production defaults are safe; a laptop needs nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from wuqing_consumer.environment import process_name

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "wuqing_consumer.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    argv = ["manage.py", *args]
    code = "from django.core.management import execute_from_command_line as run; run({!r})"
    return _run(code.format(argv), **env)


def test_the_portal_speaks_chinese_by_default_in_beijing_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_check_deploy_is_silent_in_production_mode(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        ALLOWED_HOSTS="portal.wuqing.example",
        SECRET_KEY_FILE=str(tmp_path / "key"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_hardening_is_on_when_debug_is_off_and_can_be_turned_off(tmp_path):
    show = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS > 0)"
    )
    key = str(tmp_path / "key")
    production = _run(f"import django; django.setup(); {show}", DEBUG="0", SECRET_KEY_FILE=key)
    assert production.stdout.split() == ["True"] * 4, production.stderr
    intranet = _run(
        f"import django; django.setup(); {show}", DEBUG="0", HTTPS="0", SECRET_KEY_FILE=key
    )
    assert intranet.stdout.split() == ["False"] * 4, intranet.stderr
    laptop = _run(f"import django; django.setup(); {show}", SECRET_KEY_FILE=key)
    assert laptop.stdout.split() == ["False"] * 4, laptop.stderr


def test_a_secret_key_is_generated_once_and_kept_in_a_private_file(tmp_path):
    key_file = tmp_path / "secret"
    show = (
        "import django; django.setup(); from django.conf import settings as s; print(s.SECRET_KEY)"
    )
    first = _run(show, SECRET_KEY_FILE=str(key_file)).stdout.strip()
    second = _run(show, SECRET_KEY_FILE=str(key_file)).stdout.strip()
    assert len(first) >= 50
    assert first == second == key_file.read_text().strip()
    assert key_file.stat().st_mode & 0o077 == 0
    given = _run(show, SECRET_KEY="x" * 60, SECRET_KEY_FILE=str(key_file)).stdout.strip()
    assert given == "x" * 60


def test_database_and_broker_default_to_embedded_ones(tmp_path):
    show = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL)"
    )
    laptop = _run(show, SECRET_KEY_FILE=str(tmp_path / "k")).stdout.split()
    assert laptop == ["django.db.backends.sqlite3", "filesystem://"]
    served = _run(
        show,
        SECRET_KEY_FILE=str(tmp_path / "k"),
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/3",
    ).stdout.split()
    assert served == ["django.db.backends.postgresql", "redis://127.0.0.1:6379/3"]


def test_celery_is_configured_for_at_least_once_delivery_with_json_only():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT


def _manage_py(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py itself, as an operator runs it."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("DATABASE_URL", "postgres//wuqing:hunter2@db/wuqing", "'postgres//wuqing:***@db/wuqing'"),
        ("DATABASE_URL", "mysql://wuqing:hunter2@db/wuqing", "PostgreSQL or SQLite"),
        ("DATABASE_URL", "postgres://wuqing:hunter2@db:54x2/wuqing", "port"),
        ("DATABASE_URL", "postgres://wuqing:hunt/er2@db:5432/wuqing", "percent-encoded"),
        ("DATABASE_URL", "postgres://wuqing:hunter2@db:5432/", "names no database"),
        ("DB_CONN_MAX_AGE", "abc", "whole number"),
        ("LOGIN_FAILURE_LIMIT", "5.5", "whole number"),
        ("DEBUG", "maybe", "expected 1, true, yes or on, or 0, false, no or off"),
        ("LOG_LEVEL", "loud", "DEBUG, INFO, WARNING, ERROR or CRITICAL"),
        ("REDIS_URL", "redis//redis:6379/0", "redis://HOST:PORT/DB"),
        ("LOGIN_FAILURE_LIMIT", "0", "of at least 1"),
        ("LOGIN_LOCKOUT_MINUTES", "99999999999999", "from 1 to 525600"),
    ],
)
def test_a_bad_environment_value_stops_manage_py_with_one_line_naming_it(
    tmp_path, name, value, said
):
    result = _manage_py("check", SECRET_KEY_FILE=str(tmp_path / "key"), **{name: value})

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"{name}=")
    assert said in line
    assert "hunter2" not in line and "hunt" not in line


def test_a_bad_environment_value_ends_the_traceback_of_a_server_or_worker_with_that_line(
    tmp_path,
):
    # gunicorn and celery load the settings themselves: their traceback ends with the line.
    result = _run(
        "import django; django.setup()",
        SECRET_KEY_FILE=str(tmp_path / "key"),
        DATABASE_URL="postgres://wuqing:hunter2@db:abc/wuqing",
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert "DATABASE_URL='postgres://wuqing:***@db:abc/wuqing'" in last
    assert "hunter2" not in result.stderr


def test_a_secret_key_file_that_cannot_be_written_is_named_in_one_line(tmp_path):
    result = _manage_py("check", SECRET_KEY_FILE=str(tmp_path / "missing" / "key"))

    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("SECRET_KEY_FILE=") and "set SECRET_KEY" in line


def test_good_values_are_read_whatever_their_case_and_spacing(tmp_path):
    show = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DEBUG, s.AXES_FAILURE_LIMIT, s.LOGGING['root']['level'],"
        " s.DATABASES['default']['PORT'])"
    )
    result = _run(
        show,
        SECRET_KEY_FILE=str(tmp_path / "key"),
        DEBUG=" Off ",
        LOGIN_FAILURE_LIMIT=" 7 ",
        LOG_LEVEL="warning",
        DATABASE_URL="postgres://wuqing:p%40ss@127.0.0.1:5433/wuqing",
        ALLOWED_HOSTS="localhost",
    )
    assert result.stdout.split() == ["False", "7", "WARNING", "5433"], result.stderr


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["/usr/local/bin/gunicorn", "wuqing_consumer.wsgi:application"], "wuqing-consumer web"),
        (["/usr/local/bin/celery", "-A", "wuqing_consumer", "worker"], "wuqing-consumer worker"),
        (["/usr/local/bin/celery", "-A", "wuqing_consumer", "beat"], "wuqing-consumer beat"),
        (["/usr/lib/python3/site-packages/celery/__main__.py", "worker"], "wuqing-consumer worker"),
        (["manage.py", "restore", "/backups/a.tar"], "wuqing-consumer manage.py restore"),
        ([], "wuqing-consumer python"),
    ],
)
def test_each_process_names_itself_to_postgresql_for_the_restore_to_tell_them_apart(argv, name):
    assert process_name(argv) == name


def test_the_database_connection_carries_the_process_name_unless_the_url_gives_one(tmp_path):
    show = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['OPTIONS'].get('application_name'))"
    )
    key = str(tmp_path / "key")
    named = _run(show, SECRET_KEY_FILE=key, DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert named.stdout.strip() == "wuqing-consumer python", named.stderr
    given = _run(
        show, SECRET_KEY_FILE=key, DATABASE_URL="postgres://u@h/x?application_name=reporting"
    )
    assert given.stdout.strip() == "reporting", given.stderr


SETTINGS_FILE = ROOT / "wuqing_consumer" / "settings.py"
CELERY_TIMINGS = (
    "CELERY_TASK_TIME_LIMIT",
    "CELERY_TASK_SOFT_TIME_LIMIT",
    "CELERY_VISIBILITY_TIMEOUT",
)


def _settings_with(monkeypatch, tmp_path, **env: str) -> dict:
    """settings.py run afresh in this process under `env` (quicker than a process each)."""
    import runpy

    for name in ("DATABASE_URL", "REDIS_URL", "DEBUG", *CELERY_TIMINGS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "key"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DB_CONN_MAX_AGE", "-1", "of at least 0"),
        ("LOGIN_FAILURE_LIMIT", "0", "of at least 1"),
        ("LOGIN_LOCKOUT_MINUTES", "0", "from 1 to 525600"),
        ("LOGIN_LOCKOUT_MINUTES", "99999999999999", "from 1 to 525600"),
        ("ATTACHMENT_MAX_MB", "-20", "of at least 1"),
        ("ATTACHMENT_MAX_MB", "0", "of at least 1"),
        ("EMAIL_PORT", "0", "from 1 to 65535"),
        ("EMAIL_PORT", "70000", "from 1 to 65535"),
        ("SECURE_HSTS_SECONDS", "-1", "of at least 0"),
        ("PROXY_COUNT", "-1", "of at least 0"),
        ("ANON_RATE_LIMIT_PER_MINUTE", "-300", "of at least 0"),
        ("ANON_SEARCH_RATE_LIMIT_PER_MINUTE", "-1", "of at least 0"),
        ("SESSION_HOURS", "0", "from 1 to 8760"),
        ("SESSION_HOURS", "1000000000000", "from 1 to 8760"),
        ("CALLBACK_RETRY_BASE_SECONDS", "0", "from 1 to 3600"),
        ("API_ROTATION_GRACE_HOURS", "-24", "from 0 to 8760"),
        ("API_MAX_BODY_KB", "0", "of at least 1"),
    ],
)
def test_a_number_outside_its_sensible_range_is_refused_naming_the_range(
    monkeypatch, tmp_path, name, value, expected
):
    from wuqing_consumer.environment import EnvironmentValueError

    with pytest.raises(EnvironmentValueError) as refused:
        _settings_with(monkeypatch, tmp_path, **{name: value})
    message = str(refused.value)
    assert message.startswith(f"{name}={value!r} ")
    assert f"expected a whole number {expected}" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CELERY_VISIBILITY_TIMEOUT", "0"),
        ("CELERY_VISIBILITY_TIMEOUT", "-3600"),
        ("CELERY_UNACKED_RESTORE_INTERVAL", "0"),
        ("CELERY_UNACKED_RESTORE_THROTTLE", "-1"),
    ],
)
def test_the_broker_timings_are_refused_out_of_range(monkeypatch, tmp_path, name, value):
    from wuqing_consumer.environment import EnvironmentValueError

    with pytest.raises(EnvironmentValueError) as refused:
        _settings_with(monkeypatch, tmp_path, REDIS_URL="redis://127.0.0.1:6379/5", **{name: value})
    assert str(refused.value).startswith(f"{name}={value!r} is ")


@pytest.mark.parametrize("value", ["1", "600", "900"])
def test_a_visibility_timeout_a_task_could_outlast_is_refused_naming_the_time_limit(
    monkeypatch, tmp_path, value
):
    """Redis gives a message not acknowledged within the timeout to a second worker: one
    shorter than a task may hold its message (600 s of time limit, after a countdown of up
    to 300 s) ran a long task, a PDF say, twice at once."""
    from wuqing_consumer.environment import EnvironmentValueError

    with pytest.raises(EnvironmentValueError) as refused:
        _settings_with(
            monkeypatch,
            tmp_path,
            REDIS_URL="redis://127.0.0.1:6379/5",
            CELERY_VISIBILITY_TIMEOUT=value,
        )
    message = str(refused.value)
    assert message.startswith(f"CELERY_VISIBILITY_TIMEOUT={value!r} is too short")
    assert "CELERY_TASK_TIME_LIMIT" in message
    assert "\n" not in message


def test_the_visibility_timeout_outlasts_the_longest_a_task_holds_its_message(
    monkeypatch, tmp_path
):
    from complaints.tasks import RESCHEDULE_WITHIN

    held = settings.CELERY_TASK_TIME_LIMIT + RESCHEDULE_WITHIN
    for value in ("", str(held + 60)):
        loaded = _settings_with(
            monkeypatch,
            tmp_path,
            REDIS_URL="redis://127.0.0.1:6379/5",
            CELERY_VISIBILITY_TIMEOUT=value,
        )
        assert loaded["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] >= held + 60


def test_no_task_holds_its_message_longer_than_the_visibility_timeout_check_allows():
    """The check counts the settings' time limit and longest countdown; a task with a longer
    limit of its own, or a longer countdown, would slip past it."""
    from complaints.tasks import RESCHEDULE_WITHIN
    from wuqing_consumer.celery import app

    app.loader.import_default_modules()
    own_limits = [task.time_limit for task in app.tasks.values() if task.time_limit]
    assert all(limit <= settings.CELERY_TASK_TIME_LIMIT for limit in own_limits)
    assert RESCHEDULE_WITHIN <= settings.TASK_MAX_COUNTDOWN


class _RecordingTask:
    """Stands in for a Celery task: records what it was queued with, broker untouched."""

    name = "tests.recording"

    def __init__(self):
        self.queued = []

    def apply_async(self, args, **options):
        self.queued.append((args, options))


def test_nudge_refuses_a_countdown_longer_than_the_visibility_timeout_check_allows():
    """The check on CELERY_VISIBILITY_TIMEOUT counts at most TASK_MAX_COUNTDOWN seconds of
    countdown; nudge queued any, and Redis would give such a message to a second worker
    while the first still held it. A caller's mistake, so an exception, not swallowed with
    the broker's failures."""
    from wuqing_consumer.celery import nudge

    task = _RecordingTask()
    with pytest.raises(ValueError, match=rf"at most {settings.TASK_MAX_COUNTDOWN} "):
        nudge(task, 7, countdown=settings.TASK_MAX_COUNTDOWN + 0.5)
    assert task.queued == []


@pytest.mark.parametrize("countdown", [-0.5, -60])
def test_nudge_refuses_a_negative_countdown(countdown):
    """Celery runs a message with a countdown below zero at once, so a negative one meant
    "now" without saying so, and a caller's wrong sum of times went unnoticed; it is a
    caller's mistake as a too-long one is (a computed wait is clamped to 0 by its caller,
    as complaints.tasks does)."""
    from wuqing_consumer.celery import nudge

    task = _RecordingTask()
    with pytest.raises(ValueError, match=r"expected at least 0 s"):
        nudge(task, 7, countdown=countdown)
    assert task.queued == []


@pytest.mark.parametrize("countdown", [None, 0, 1.0, "longest"])
def test_nudge_queues_a_countdown_up_to_the_longest_allowed(countdown):
    from wuqing_consumer.celery import nudge

    if countdown == "longest":
        countdown = settings.TASK_MAX_COUNTDOWN
    task = _RecordingTask()
    nudge(task, 7, countdown=countdown)
    assert task.queued == [((7,), {"retry": False, "countdown": countdown})]


def test_a_visibility_timeout_shorter_than_a_task_stops_manage_py_with_one_line(tmp_path):
    result = _manage_py(
        "check",
        SECRET_KEY_FILE=str(tmp_path / "key"),
        REDIS_URL="redis://127.0.0.1:6379/5",
        CELERY_VISIBILITY_TIMEOUT="600",
    )

    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("CELERY_VISIBILITY_TIMEOUT='600' ")
    assert "CELERY_TASK_TIME_LIMIT" in line


def test_the_task_time_limits_come_from_the_environment(monkeypatch, tmp_path):
    loaded = _settings_with(
        monkeypatch,
        tmp_path,
        REDIS_URL="redis://127.0.0.1:6379/5",
        CELERY_TASK_TIME_LIMIT=" 1800 ",
        CELERY_TASK_SOFT_TIME_LIMIT="1700",
    )
    assert loaded["CELERY_TASK_TIME_LIMIT"] == 1800
    assert loaded["CELERY_TASK_SOFT_TIME_LIMIT"] == 1700


@pytest.mark.parametrize(("hard", "soft"), [("", 540), ("1200", 1080), ("20", 18), ("2", 1)])
def test_an_unset_soft_time_limit_falls_a_tenth_short_of_the_hard_one(
    monkeypatch, tmp_path, hard, soft
):
    """The soft limit lets a task clean up before it is killed, so it must come first; a
    fixed default of 540 s would refuse every hard limit set to 540 s or less."""
    loaded = _settings_with(monkeypatch, tmp_path, CELERY_TASK_TIME_LIMIT=hard)
    assert loaded["CELERY_TASK_SOFT_TIME_LIMIT"] == soft
    assert loaded["CELERY_TASK_TIME_LIMIT"] == int(hard or 600)


@pytest.mark.parametrize(
    ("env", "name", "expected"),
    [
        ({"CELERY_TASK_TIME_LIMIT": "0"}, "CELERY_TASK_TIME_LIMIT", "of at least 2"),
        ({"CELERY_TASK_TIME_LIMIT": "-600"}, "CELERY_TASK_TIME_LIMIT", "of at least 2"),
        ({"CELERY_TASK_TIME_LIMIT": "10m"}, "CELERY_TASK_TIME_LIMIT", "expected digits"),
        ({"CELERY_TASK_SOFT_TIME_LIMIT": "0"}, "CELERY_TASK_SOFT_TIME_LIMIT", "of at least 1"),
        ({"CELERY_TASK_SOFT_TIME_LIMIT": "600"}, "CELERY_TASK_SOFT_TIME_LIMIT", "less than 600"),
        (
            {"CELERY_TASK_TIME_LIMIT": "300", "CELERY_TASK_SOFT_TIME_LIMIT": "540"},
            "CELERY_TASK_SOFT_TIME_LIMIT",
            "less than 300",
        ),
    ],
)
def test_a_task_time_limit_that_is_not_positive_or_a_soft_one_not_below_it_is_refused(
    monkeypatch, tmp_path, env, name, expected
):
    from wuqing_consumer.environment import EnvironmentValueError

    with pytest.raises(EnvironmentValueError) as refused:
        _settings_with(monkeypatch, tmp_path, **env)
    message = str(refused.value)
    assert message.startswith(f"{name}={env[name]!r} ")
    assert expected in message
    if name == "CELERY_TASK_SOFT_TIME_LIMIT" and "less than" in expected:
        assert "CELERY_TASK_TIME_LIMIT" in message.removeprefix(name)
    assert "\n" not in message


def test_the_visibility_timeout_check_counts_the_configured_time_limit(monkeypatch, tmp_path):
    """1500 s outlasts the default limit (600 s, after a countdown of up to 300 s) but not
    a limit of 1200 s; the check must count the limit the worker runs with."""
    from wuqing_consumer.environment import EnvironmentValueError

    redis = {"REDIS_URL": "redis://127.0.0.1:6379/5", "CELERY_VISIBILITY_TIMEOUT": "1500"}
    assert _settings_with(monkeypatch, tmp_path, **redis)["CELERY_TASK_TIME_LIMIT"] == 600
    with pytest.raises(EnvironmentValueError) as refused:
        _settings_with(monkeypatch, tmp_path, **redis, CELERY_TASK_TIME_LIMIT="1200")
    message = str(refused.value)
    assert message.startswith("CELERY_VISIBILITY_TIMEOUT='1500' is too short")
    assert "at least 1560" in message
    assert "CELERY_TASK_TIME_LIMIT, 1200 s" in message

    loaded = _settings_with(
        monkeypatch,
        tmp_path,
        **{**redis, "CELERY_VISIBILITY_TIMEOUT": "1560"},
        CELERY_TASK_TIME_LIMIT="1200",
    )
    assert loaded["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] == 1560


def test_a_time_limit_the_default_visibility_timeout_cannot_outlast_says_to_set_it(
    monkeypatch, tmp_path
):
    from wuqing_consumer.environment import EnvironmentValueError

    with pytest.raises(EnvironmentValueError) as refused:
        _settings_with(
            monkeypatch,
            tmp_path,
            REDIS_URL="redis://127.0.0.1:6379/5",
            CELERY_TASK_TIME_LIMIT="3300",
        )
    message = str(refused.value)
    assert message.startswith("CELERY_VISIBILITY_TIMEOUT (unset: 3600) is too short")
    assert "at least 3660" in message
    assert "CELERY_TASK_TIME_LIMIT, 3300 s" in message
    assert "\n" not in message


def test_the_edges_of_each_range_are_accepted_and_zero_keeps_its_documented_meaning(
    monkeypatch, tmp_path
):
    loaded = _settings_with(
        monkeypatch,
        tmp_path,
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
        DB_CONN_MAX_AGE="0",
        LOGIN_FAILURE_LIMIT="1",
        LOGIN_LOCKOUT_MINUTES="525600",
        ATTACHMENT_MAX_MB="1",
        EMAIL_PORT="65535",
        SECURE_HSTS_SECONDS="0",
        PROXY_COUNT="0",
        ANON_RATE_LIMIT_PER_MINUTE="0",
        ANON_SEARCH_RATE_LIMIT_PER_MINUTE="0",
        SESSION_HOURS="8760",
        CALLBACK_RETRY_BASE_SECONDS="3600",
        API_ROTATION_GRACE_HOURS="0",
        API_MAX_BODY_KB="1",
    )
    assert loaded["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
    assert loaded["AXES_FAILURE_LIMIT"] == 1
    assert loaded["AXES_COOLOFF_TIME"].days == 365
    assert loaded["ATTACHMENT_MAX_BYTES"] == 1024 * 1024
    assert loaded["EMAIL_PORT"] == 65535
    assert loaded["SECURE_HSTS_SECONDS"] == 0
    assert loaded["TRUSTED_PROXY_COUNT"] == 0
    assert loaded["ANON_RATE_LIMIT_PER_MINUTE"] == loaded["ANON_SEARCH_RATE_LIMIT_PER_MINUTE"] == 0
    assert loaded["SESSION_COOKIE_AGE"] == 8760 * 3600
    assert loaded["CALLBACK_RETRY_BASE_SECONDS"] == 3600
    assert loaded["API_ROTATION_GRACE_HOURS"] == 0
    assert loaded["API_MAX_BODY_BYTES"] == 1024


@pytest.mark.parametrize("value", ["forever", " Forever "])
def test_database_connections_can_be_kept_forever_with_a_health_check(monkeypatch, tmp_path, value):
    """Django's CONN_MAX_AGE=None: a connection lives until it fails the check at the start
    of a request (or task), instead of being reopened every DB_CONN_MAX_AGE seconds."""
    loaded = _settings_with(
        monkeypatch,
        tmp_path,
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
        DB_CONN_MAX_AGE=value,
    )
    database = loaded["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] is None
    assert database["CONN_HEALTH_CHECKS"] is True


def test_sqlite_closes_its_connections_even_when_told_to_keep_them_forever(monkeypatch, tmp_path):
    loaded = _settings_with(monkeypatch, tmp_path, DB_CONN_MAX_AGE="forever")
    assert loaded["DATABASES"]["default"]["CONN_MAX_AGE"] == 0


@pytest.mark.parametrize("value", ["always", "none", "unlimited", "-1"])
def test_a_connection_age_neither_seconds_nor_forever_is_refused_saying_both(
    monkeypatch, tmp_path, value
):
    from wuqing_consumer.environment import EnvironmentValueError

    with pytest.raises(EnvironmentValueError) as refused:
        _settings_with(monkeypatch, tmp_path, DB_CONN_MAX_AGE=value)
    message = str(refused.value)
    assert message.startswith(f"DB_CONN_MAX_AGE={value!r} ")
    assert "whole number" in message
    assert message.endswith("or forever.")
    assert "\n" not in message


def test_a_variable_left_empty_counts_as_unset(monkeypatch, tmp_path):
    # An env file or docker-compose's ${X:-} leaves a variable empty to mean "not set".
    names = [
        "DATABASE_URL",
        "REDIS_URL",
        "ALLOWED_HOSTS",
        "SITE_URL",
        "MEDIA_ROOT",
        "STATIC_ROOT",
        "BACKUP_DIR",
        "BACKUP_SIGNING_KEY_FILE",
        "CELERY_DATA_DIR",
        "EMAIL_HOST",
        "EMAIL_BACKEND",
        "DEFAULT_FROM_EMAIL",
        "SERVER_EMAIL",
        "SMS_BACKEND",
        "API_SIGNING_KEY",
        "SECRET_KEY",
        "LOG_LEVEL",
        "DB_CONN_MAX_AGE",
        "EMAIL_PORT",
        "DEBUG",
    ]
    for name in names:
        monkeypatch.delenv(name, raising=False)
    unset = _settings_with(monkeypatch, tmp_path)
    empty = _settings_with(
        monkeypatch, tmp_path, **{name: "" for name in names[:-2]}, EMAIL_PORT=" ", DEBUG=""
    )

    for setting in [
        "DATABASES",
        "CELERY_BROKER_URL",
        "ALLOWED_HOSTS",
        "SITE_URL",
        "MEDIA_ROOT",
        "STATIC_ROOT",
        "BACKUP_DIR",
        "BACKUP_SIGNING_KEY_FILE",
        "CELERY_DATA_DIR",
        "EMAIL_BACKEND",
        "DEFAULT_FROM_EMAIL",
        "SERVER_EMAIL",
        "SMS_BACKEND",
        "SECRET_KEY",
        "API_SIGNING_KEY",
        "EMAIL_PORT",
        "DEBUG",
    ]:
        assert empty[setting] == unset[setting], setting
    assert empty["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert empty["MEDIA_ROOT"] == ROOT / "media"
    assert empty["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]


def test_an_empty_secret_key_file_setting_means_the_one_in_the_project_folder(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    loaded = _settings_with(monkeypatch, tmp_path, SECRET_KEY_FILE="")
    assert loaded["SECRET_KEY"] == (ROOT / ".secret_key").read_text().strip()


def test_an_empty_database_url_lets_manage_py_start_on_the_default(tmp_path):
    result = _manage_py("check", SECRET_KEY_FILE=str(tmp_path / "key"), DATABASE_URL="")
    assert result.returncode == 0, result.stderr
