"""Settings come from the environment; production defaults are safe; a laptop needs nothing."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

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
