"""Reading the deployment's environment for settings.py.

Each helper turns one variable into a value, or refuses it with EnvironmentValueError: one
line naming the variable, its value (with any password masked) and what is expected, e.g.
``DEBUG='maybe' is not a yes/no value: expected 1, true, yes or on, or 0, false, no or off.``
manage.py prints that line alone and exits 1; gunicorn and celery, which load the settings
themselves, end their traceback with it. Without this a typo in the environment was a
traceback from deep inside dj_database_url or int(), or, for a yes/no value, silently "no".

These messages are read before Django (and its translations) is set up, so they are plain
English.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The engines the portal runs on (and backs up, wuqing_consumer/backup.py).
DATABASE_ENGINES = ("django.db.backends.postgresql", "django.db.backends.sqlite3")
DATABASE_URL_FORMS = "postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:///PATH"
REDIS_SCHEMES = ("redis", "rediss", "unix")
PERCENT_ENCODE = "a password with / : @ # ? or % in it must be percent-encoded"


class EnvironmentValueError(ImproperlyConfigured):
    """One environment variable the portal cannot use; the message is for the operator."""


def env(name: str, default: str = "") -> str:
    """The variable's value, or `default` when it is unset or empty (or only spaces): an env
    file or docker-compose's ``${X:-}`` leaves a variable empty to mean "not set", and an
    empty DATABASE_URL was refused, an empty MEDIA_ROOT or BACKUP_DIR became the current
    folder, and an empty SECRET_KEY_FILE, EMAIL_BACKEND or SMS_BACKEND failed. No variable
    gives the empty value a meaning of its own (the other helpers read it the same way)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value


def _refuse(name: str, shown: str, problem: str) -> EnvironmentValueError:
    return EnvironmentValueError(f"{name}={shown!r} {problem}")


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise _refuse(
        name,
        value,
        f"is not a yes/no value: expected {', '.join(TRUE[:-1])} or {TRUE[-1]}, "
        f"or {', '.join(FALSE[:-1])} or {FALSE[-1]}.",
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """A whole number, refused outside [minimum, maximum]: int() alone took a negative
    rate limit, session length or port, and Django, axes or kombu then silently did
    something else (a negative CONN_MAX_AGE acts as 0, a lockout of 0 minutes locks for
    good, a failure limit of 0 locks everyone out, EMAIL_PORT=0 means 25) or failed on
    the first request (a session of 10**12 hours overflows a date)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise _refuse(
            name, value, f"is not a whole number: expected digits, e.g. {default}."
        ) from None
    too_small = minimum is not None and number < minimum
    too_large = maximum is not None and number > maximum
    if too_small or too_large:
        if minimum is not None and maximum is not None:
            problem, expected = "is out of range", f"from {minimum} to {maximum}"
        elif too_small:
            problem, expected = "is too small", f"of at least {minimum}"
        else:
            problem, expected = "is too large", f"of at most {maximum}"
        raise _refuse(name, value, f"{problem}: expected a whole number {expected}.")
    return number


FOREVER = "forever"


def env_int_or_forever(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """A whole number as env_int reads it, or None for the word ``forever`` (any case): for
    a duration where Django reads None as "no limit", as CONN_MAX_AGE does. Any other word
    is refused naming both spellings, rather than guessing what "none" or "0" meant."""
    value = os.environ.get(name)
    if value is not None and value.strip().lower() == FOREVER:
        return None
    try:
        return env_int(name, default, minimum=minimum, maximum=maximum)
    except EnvironmentValueError as error:
        raise EnvironmentValueError(f"{str(error).removesuffix('.')}, or {FOREVER}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_log_level(name: str, default: str) -> str:
    value = env(name, default)
    level = value.strip().upper() or default
    if level not in LOG_LEVELS:
        raise _refuse(
            name, value, f"is not a log level: expected {', '.join(LOG_LEVELS[:-1])} or CRITICAL."
        )
    return level


def without_password(url: str) -> str:
    """The URL as it may be shown: the password between ``USER:`` and the last ``@``, and any
    ``password=`` option, replaced by ``***``. Works on URLs too broken to parse."""
    url = re.sub(r"(?i)(password=)[^&]*", r"\1***", url)
    head, at, tail = url.rpartition("@")
    if not at:
        return url
    start = head.find("//") + 2 if "//" in head else 0
    user, colon, _password = head[start:].partition(":")
    return f"{head[:start]}{user}{colon}{'***' if colon else ''}@{tail}"


def _url_problem(url: str, schemes: str) -> str | None:
    """What keeps `url` from being read at all, or None."""
    if not url.strip():
        return "is empty"
    if "://" not in url:
        return f"has no scheme ({schemes})"
    try:
        _port = urlsplit(url).port  # reading it checks it
    except ValueError:
        return f"has a host or port that cannot be read (the port is a number; {PERCENT_ENCODE})"
    return None


def env_database(name: str, default: str, **options: Any) -> dict[str, Any]:
    """A Django DATABASES entry from a database URL (dj_database_url), on an engine the portal
    runs on and naming a database."""
    url = env(name, default)
    shown = without_password(url)
    expected = f"; expected {DATABASE_URL_FORMS}."
    problem = _url_problem(url, "postgres:// or sqlite:///")
    if problem:
        raise _refuse(name, shown, problem + expected)
    try:
        parsed = dict(dj_database_url.parse(url, **options))
    except dj_database_url.UnknownSchemeError:
        parsed = {"ENGINE": ""}
    except ValueError:
        raise _refuse(name, shown, f"cannot be read ({PERCENT_ENCODE}){expected}") from None
    if parsed["ENGINE"] not in DATABASE_ENGINES:
        scheme = url.partition("://")[0]
        raise _refuse(
            name, shown, f"is a {scheme!r} URL: the portal runs on PostgreSQL or SQLite{expected}"
        )
    if not parsed.get("NAME"):
        raise _refuse(name, shown, f"names no database{expected}")
    return parsed


def env_redis_url(name: str) -> str:
    """A Redis URL for Celery and the cache, or "" when unset."""
    url = env(name).strip()
    if not url:
        return ""
    shown = without_password(url)
    expected = "; expected redis://HOST:PORT/DB (rediss:// with TLS)."
    problem = _url_problem(url, "redis://")
    if problem:
        raise _refuse(name, shown, problem + expected)
    scheme = url.partition("://")[0]
    if scheme.lower() not in REDIS_SCHEMES:
        raise _refuse(name, shown, f"is a {scheme!r} URL, not Redis{expected}")
    return url


def process_name(argv: list[str]) -> str:
    """How this process names itself to PostgreSQL (``application_name``, in
    pg_stat_activity): ``wuqing-consumer web`` for gunicorn, ``… worker`` or ``… beat`` for
    Celery, ``… manage.py <command>``. A restore names the processes still connected."""
    program = Path(argv[0]).name if argv else ""
    if program == "__main__.py":  # python -m gunicorn, python -m celery
        program = Path(argv[0]).parent.name
    if program.startswith("gunicorn"):
        role = "web"
    elif program.startswith("celery"):
        role = next((word for word in argv[1:] if word in ("worker", "beat")), "celery")
    elif program == "manage.py":
        role = " ".join([program, *argv[1:2]])
    else:
        role = program if program and not program.startswith("-") else "python"
    return f"wuqing-consumer {role}"[:63]
