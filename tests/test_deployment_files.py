"""The production deployment files agree with each other and with the project.

No Docker engine is needed: these read Dockerfile, docker/entrypoint.sh and docker-compose.yml
and check what a `docker compose up` would depend on.
"""

import importlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from celery.app.utils import find_app
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
BACKING_SERVICES = ("db", "redis")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def services() -> dict:
    return compose()["services"]


def entrypoint_text() -> str:
    return (ROOT / "docker" / "entrypoint.sh").read_text()


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    logical, current = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    pairs = []
    for statement in logical:
        instruction, _, arguments = statement.partition(" ")
        pairs.append((instruction.upper(), arguments.strip()))
    return pairs


def dockerfile_values(instruction: str) -> list[str]:
    return [args for name, args in dockerfile_instructions() if name == instruction]


def entrypoint_branches() -> list[str]:
    """The patterns of the `case "$1" in ... esac` block in docker/entrypoint.sh."""
    match = re.search(r'^\s*case\s+"\$1"\s+in\s*$(.*?)^\s*esac\b', entrypoint_text(), re.S | re.M)
    assert match, 'docker/entrypoint.sh has no `case "$1" in ... esac` block'
    patterns = re.findall(r"^\s*([^\s()#;]+(?:\s*\|\s*[^\s()#;]+)*)\)", match.group(1), re.M)
    return [alternative.strip() for pattern in patterns for alternative in pattern.split("|")]


def entrypoint_branch_body(branch: str) -> str:
    match = re.search(rf"^\s*{re.escape(branch)}\)\s*$(.*?)^\s*;;", entrypoint_text(), re.S | re.M)
    assert match, f"no `{branch})` branch in docker/entrypoint.sh"
    return match.group(1)


def requirement_pins() -> dict[str, str]:
    """Normalised distribution name -> the version specifier written in requirements.txt."""
    pins = {}
    for raw in (ROOT / "requirements.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = re.match(r"([A-Za-z0-9._-]+)(\[[^\]]*\])?\s*(.*)", line)
        assert match, f"unreadable requirement line: {raw!r}"
        name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
        pins[name] = match.group(3).strip()
    return pins


def test_compose_declares_the_five_production_services():
    assert set(services()) == {*APP_SERVICES, *BACKING_SERVICES}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_build_from_the_project_dockerfile(name):
    service = services()[name]
    assert service.get("build") == "."
    assert "image" not in service
    assert (ROOT / "Dockerfile").is_file()


@pytest.mark.parametrize(("name", "image"), [("db", "postgres:15"), ("redis", "redis:7")])
def test_backing_services_run_published_images(name, image):
    service = services()[name]
    assert service.get("image") == image
    assert "build" not in service


def test_every_service_but_beat_has_a_healthcheck():
    for name, service in services().items():
        if name == "beat":
            assert "healthcheck" not in service
        else:
            test = service.get("healthcheck", {}).get("test")
            assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name} has no healthcheck"


def test_web_healthcheck_fetches_the_healthz_endpoint_which_exists():
    command = " ".join(services()["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in command
    # Without these, ALLOWED_HOSTS would answer 400 and HTTPS=1 a redirect to https://.
    assert "'Host'" in command
    assert "X-Forwarded-Proto" in command
    assert resolve("/healthz").url_name == "healthz"


def test_worker_healthcheck_pings_its_own_node_through_a_shell():
    test = services()["worker"]["healthcheck"]["test"]
    # $$HOSTNAME is compose's escape for $HOSTNAME, which only a shell expands.
    assert test[0] == "CMD-SHELL"
    assert "celery -A wuqing_consumer inspect ping" in test[1]
    assert "-d celery@$$HOSTNAME" in test[1]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_get_database_and_redis_urls(name):
    environment = services()[name]["environment"]
    assert environment["DATABASE_URL"].startswith("postgres://wuqing:")
    assert environment["DATABASE_URL"].endswith("@db:5432/wuqing_consumer")
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert str(environment["DEBUG"]) == "0"
    assert environment["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_database_and_redis(name):
    depends_on = services()[name]["depends_on"]
    for backing in BACKING_SERVICES:
        assert depends_on[backing] == {"condition": "service_healthy"}


def test_named_volumes_are_declared_and_mounted():
    document = compose()
    assert set(document["volumes"]) >= {"pgdata", "redisdata", "media"}
    mounts = {name: service.get("volumes", []) for name, service in document["services"].items()}
    assert "pgdata:/var/lib/postgresql/data" in mounts["db"]
    assert "redisdata:/data" in mounts["redis"]
    for name in APP_SERVICES:
        assert "media:/data/media" in mounts[name]
        assert services()[name]["environment"]["MEDIA_ROOT"] == "/data/media"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_each_app_command_is_a_branch_of_the_entrypoint(name):
    command = services()[name]["command"]
    assert isinstance(command, list) and len(command) == 1
    assert command[0] in entrypoint_branches()
    assert command[0] != "*"


def test_entrypoint_runs_unknown_commands_as_given():
    assert "*" in entrypoint_branches()
    assert 'exec "$@"' in entrypoint_branch_body(r"*")


def test_entrypoint_is_strict_posix_sh():
    lines = entrypoint_text().splitlines()
    assert lines[0] == "#!/bin/sh"
    assert "set -e" in (line.strip() for line in lines)


def test_web_branch_migrates_before_serving_with_gunicorn():
    body = entrypoint_branch_body("web")
    migrate = body.index("python manage.py migrate --noinput")
    serve = body.index("exec gunicorn wuqing_consumer.wsgi:application")
    assert migrate < serve
    assert "--bind 0.0.0.0:8000" in body


def test_the_access_log_leaves_out_query_strings_which_carry_phone_numbers():
    """Formatted by gunicorn itself for a search by phone, sent from a page found by one."""
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    found = re.search(r"--access-logformat '([^']*)'", entrypoint_branch_body("web"))
    assert found, "the web branch sets no access log format: gunicorn's default logs queries"
    phone = "13812345678"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/orders/export.xlsx?q={phone}",
        "PATH_INFO": "/orders/export.xlsx",
        "QUERY_STRING": f"q={phone}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://portal.example/orders/?q={phone}",
        "REMOTE_ADDR": "10.0.0.7",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=2048)
    atoms = Logger(Config()).atoms(response, {}, environ, timedelta(milliseconds=12))

    line = found.group(1) % atoms

    assert '"GET /orders/export.xlsx HTTP/1.1" 200 2048' in line
    assert phone not in line


def run_entrypoint(tmp_path: Path, *args: str, **env: str):
    """docker/entrypoint.sh run by /bin/sh as the container runs it, with stand-ins for
    python, gunicorn and celery on PATH that record how they were called: what the container
    would start, without starting it. Returns the finished process and the calls, each a
    list of the program and its arguments."""
    stubs, calls = tmp_path / "bin", tmp_path / "calls"
    stubs.mkdir(parents=True)
    for program in ("python", "gunicorn", "celery"):
        stub = stubs / program
        stub.write_text(
            "#!/bin/sh\n"
            f'{{ echo {program}; for a in "$@"; do printf "%s\\n" "$a"; done; echo --; }}'
            f' >> "{calls}"\n'
        )
        stub.chmod(0o755)
    result = subprocess.run(
        ["/bin/sh", str(ROOT / "docker" / "entrypoint.sh"), *args],
        env={"PATH": f"{stubs}:/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    recorded = calls.read_text().split("--\n") if calls.exists() else []
    return result, [call.splitlines() for call in recorded if call]


def option(call: list[str], name: str) -> str | None:
    return call[call.index(name) + 1] if name in call else None


@pytest.mark.parametrize(("environment", "workers"), [({}, "3"), ({"WEB_CONCURRENCY": "5"}, "5")])
def test_gunicorn_runs_three_workers_unless_web_concurrency_says_how_many(
    tmp_path, environment, workers
):
    result, calls = run_entrypoint(tmp_path, "web", **environment)

    assert result.returncode == 0, result.stderr
    migrate, serve = calls
    assert migrate[:3] == ["python", "manage.py", "migrate"]
    assert serve[0] == "gunicorn"
    assert option(serve, "--workers") == workers


@pytest.mark.parametrize(
    ("environment", "concurrency"), [({}, None), ({"CELERY_CONCURRENCY": "4"}, "4")]
)
def test_the_celery_worker_runs_celery_concurrency_processes_or_one_a_cpu(
    tmp_path, environment, concurrency
):
    result, calls = run_entrypoint(tmp_path, "worker", **environment)

    assert result.returncode == 0, result.stderr
    (work,) = calls
    assert work[:4] == ["celery", "-A", "wuqing_consumer", "worker"]
    assert option(work, "--concurrency") == concurrency


@pytest.mark.parametrize(
    ("role", "name"), [("web", "WEB_CONCURRENCY"), ("worker", "CELERY_CONCURRENCY")]
)
def test_an_empty_or_space_padded_worker_count_is_read_as_the_settings_read_theirs(
    tmp_path, role, name
):
    empty, empty_calls = run_entrypoint(tmp_path / "empty", role, **{name: ""})
    padded, padded_calls = run_entrypoint(tmp_path / "padded", role, **{name: " 2 "})
    _, default_calls = run_entrypoint(tmp_path / "default", role)

    assert empty.returncode == padded.returncode == 0, empty.stderr + padded.stderr
    assert empty_calls == default_calls
    flag = "--workers" if role == "web" else "--concurrency"
    assert option(padded_calls[-1], flag) == "2"


@pytest.mark.parametrize("value", ["0", "00", "-2", "2.5", "three", "2 4", "4x"])
@pytest.mark.parametrize(
    ("role", "name"), [("web", "WEB_CONCURRENCY"), ("worker", "CELERY_CONCURRENCY")]
)
def test_a_worker_count_that_is_not_a_positive_whole_number_stops_the_container_naming_it(
    tmp_path, role, name, value
):
    result, calls = run_entrypoint(tmp_path, role, **{name: value})

    assert result.returncode != 0
    assert calls == []  # not even the migrations
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"{name}={value!r} ")
    assert "positive whole number" in line


@pytest.mark.parametrize("value", ["65", "400", "0100", "99999999999999999999999"])
@pytest.mark.parametrize(
    ("role", "name"), [("web", "WEB_CONCURRENCY"), ("worker", "CELERY_CONCURRENCY")]
)
def test_a_worker_count_above_64_stops_the_container_naming_it(tmp_path, role, name, value):
    """A typo (400 for 4) started 400 gunicorn workers or Celery processes, each holding a
    database connection, which PostgreSQL's 100 do not cover."""
    result, calls = run_entrypoint(tmp_path, role, **{name: value})

    assert result.returncode != 0
    assert calls == []  # not even the migrations
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"{name}={value!r} ")
    assert "from 1 to 64" in line


@pytest.mark.parametrize(
    ("role", "name"), [("web", "WEB_CONCURRENCY"), ("worker", "CELERY_CONCURRENCY")]
)
def test_a_worker_count_of_64_is_accepted(tmp_path, role, name):
    result, calls = run_entrypoint(tmp_path, role, **{name: "064"})

    assert result.returncode == 0, result.stderr
    assert option(calls[-1], "--workers" if role == "web" else "--concurrency") == "64"


def test_the_variables_the_entrypoint_reads_are_passed_through_by_compose_and_documented():
    read = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", entrypoint_text()))
    readme = (ROOT / "README.md").read_text()
    assert {"WEB_CONCURRENCY", "CELERY_CONCURRENCY"} <= read
    for name in APP_SERVICES:
        environment = services()[name]["environment"]
        for variable in read:
            assert environment.get(variable) == f"${{{variable}:-}}", (name, variable)
    for variable in read:
        assert f"`{variable}`" in readme, variable


def test_beat_branch_uses_the_database_scheduler():
    body = entrypoint_branch_body("beat")
    assert "exec celery -A wuqing_consumer beat" in body
    assert "django_celery_beat.schedulers:DatabaseScheduler" in body


def test_dockerfile_entrypoint_is_the_executable_script_and_web_is_the_default():
    (entrypoint,) = dockerfile_values("ENTRYPOINT")
    (workdir,) = dockerfile_values("WORKDIR")
    (command,) = dockerfile_values("CMD")
    script = json.loads(entrypoint)
    assert len(script) == 1
    path = ROOT / Path(script[0]).relative_to(workdir)
    assert path == ROOT / "docker" / "entrypoint.sh"
    assert path.is_file()
    assert os.access(path, os.X_OK)
    assert json.loads(command) == ["web"]
    assert json.loads(command)[0] in entrypoint_branches()


def test_image_runs_as_the_unprivileged_app_user():
    assert dockerfile_values("USER")[-1] == "app"
    assert any("useradd" in run and " app" in run for run in dockerfile_values("RUN"))


def test_build_only_secret_key_is_not_baked_into_the_image_environment():
    (collectstatic,) = [run for run in dockerfile_values("RUN") if "collectstatic" in run]
    assert "SECRET_KEY=build-only" in collectstatic
    assert "DEBUG=0" in collectstatic
    for env in dockerfile_values("ENV") + dockerfile_values("ARG"):
        assert "SECRET_KEY" not in env
        assert "DEBUG" not in env


def test_dockerfile_installs_the_pdf_libraries_and_requirements():
    runs = " ".join(dockerfile_values("RUN"))
    assert dockerfile_values("FROM") == ["python:3.11-slim-bookworm"]
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-noto-cjk"):
        assert package in runs
    assert "--no-install-recommends" in runs
    assert "pip install --no-cache-dir -r requirements.txt" in runs


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    for entry in (".venv", ".git", "db.sqlite3", ".secret_key", ".celery", "media", "staticfiles"):
        assert entry in ignored


def test_the_image_starts_gunicorn_in_the_folder_of_its_config_file():
    """gunicorn reads gunicorn.conf.py (its own errors in the API's shape) from the folder
    it starts in: the image's WORKDIR, with the project copied there and the file not left
    out, and nothing telling gunicorn another config or folder."""
    from fnmatch import fnmatch

    (workdir,) = dockerfile_values("WORKDIR")
    assert workdir == "/app" and ". ." in dockerfile_values("COPY")
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert not any(fnmatch("gunicorn.conf.py", pattern) for pattern in ignored)
    serve = entrypoint_text().split("exec gunicorn", 1)[1].split(";;", 1)[0]
    assert "--config" not in serve and "--chdir" not in serve and " -c " not in serve
    assert (ROOT / "gunicorn.conf.py").is_file()


def test_celery_app_named_in_the_entrypoint_is_importable():
    (app_name,) = set(re.findall(r"celery -A (\S+)", entrypoint_text()))
    assert app_name == "wuqing_consumer"
    app = find_app(app_name)
    assert app.main == "wuqing_consumer"


def test_wsgi_application_named_in_the_entrypoint_is_importable():
    (target,) = set(re.findall(r"gunicorn (\S+:\S+)", entrypoint_text()))
    module_name, attribute = target.split(":")
    application = getattr(importlib.import_module(module_name), attribute)
    assert callable(application)


# What the entrypoint runs -> the distribution in requirements.txt that provides it.
RUNTIME_DISTRIBUTIONS = {
    "exec gunicorn ": "gunicorn",
    "exec celery ": "celery",
    "django_celery_beat.": "django-celery-beat",
}


def test_runtime_commands_of_the_entrypoint_are_pinned_in_requirements():
    text = entrypoint_text()
    needed = {dist for marker, dist in RUNTIME_DISTRIBUTIONS.items() if marker in text}
    assert needed == {"gunicorn", "celery", "django-celery-beat"}
    pins = requirement_pins()
    for dist in sorted(needed):
        assert dist in pins, f"{dist} is missing from requirements.txt"
        assert re.fullmatch(r"==\s*[0-9][0-9A-Za-z.+!-]*", pins[dist]), (
            f"{dist} is not pinned with == in requirements.txt: {pins[dist]!r}"
        )


def test_the_image_has_the_postgresql_client_of_the_database_service_for_backups():
    """`manage.py backup` and `restore` run pg_dump, pg_restore and psql; bookworm's
    postgresql-client is 15, the version of the db service (pg_dump refuses a newer server)."""
    runs = " ".join(dockerfile_values("RUN"))
    assert "postgresql-client" in runs
    assert dockerfile_values("FROM") == ["python:3.11-slim-bookworm"]
    assert services()["db"]["image"] == "postgres:15"


def test_backups_go_to_a_named_volume_the_app_user_may_write():
    document = compose()
    assert "backups" in document["volumes"]
    web = services()["web"]
    assert "backups:/backups" in web["volumes"]
    assert web["environment"]["BACKUP_DIR"] == "/backups"
    chown = [run for run in dockerfile_values("RUN") if "chown" in run]
    assert any("/backups" in run and "app:app" in run for run in chown)


def test_ci_installs_the_postgresql_client_when_pg_dump_is_missing():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "command -v pg_dump >/dev/null || need+=(postgresql-client)" in ci


def test_dockerignore_keeps_local_backups_out_of_the_image():
    assert "backups" in (ROOT / ".dockerignore").read_text().split()
