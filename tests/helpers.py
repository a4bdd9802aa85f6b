"""Small assertions shared by several test modules."""

import html as _html
import json
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.forms import CheckboxInput

# Only the CSRF token and the page's own address (for the language switch) may differ
# between two renderings of the same page.
_VOLATILE = re.compile(
    rb'(csrfmiddlewaretoken" value="|X-CSRFToken": "|name="next" type="hidden" value=")[^"]+'
)


def same_page(first: bytes, second: bytes) -> bool:
    return _VOLATILE.sub(b"", first) == _VOLATILE.sub(b"", second)


ROOT = Path(__file__).resolve().parents[1]


CHINESE = re.compile(r"[\u4e00-\u9fff]")


def audit_data(entry) -> dict:
    """An audit entry's data without what its summary was written from (`summary_message`,
    kept so that the trail shows the summary in the reader's language)."""
    return {key: value for key, value in entry.data.items() if key != "summary_message"}


NOTE_CLASSES = "small|small unit-name|timeline-note|text-body-secondary"
"""The classes of a history line's note (not of its time and author line, `small
text-body-secondary`); `unit-name` on a note of unit names kept whole."""


def timeline_notes(client, user, url: str, action: str, language: str) -> list[str]:
    """The notes of a history's lines of `action` on the page at `url`, as `user` reading
    in `language` sees them (each history marks its lines with data-action)."""
    import html

    from django.conf import settings

    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(url).content.decode()
    items = re.findall(rf'<li[^>]* data-action="{action}">(.*?)</li>', page, flags=re.S)
    notes = [
        re.search(rf'<div class="(?:{NOTE_CLASSES})"[^>]*>(.*?)</div>', i, re.S) for i in items
    ]
    return [
        html.unescape(NUMBER_KEPT_WHOLE.sub(r"\1", n.group(1))).replace("<br>", "\n").strip()
        for n in notes
        if n
    ]


NUMBER_KEPT_WHOLE = re.compile(
    r'<span class="text-nowrap">'
    r"([A-Z]{2}-\d{4}-\d{6}|(?:\d{4}-)?\d{2}-\d{2}(?: \d{2}:\d{2})?)"
    r"</span>"
)
"""A record number or a date (and time) as `numbers_whole` and `whole_date` keep it on one
line: read as its text."""


def start_worker(env: dict, queue: str, *extra: str) -> subprocess.Popen:
    """A real Celery worker process on its own queue, with the given environment."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "wuqing_consumer",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(worker: subprocess.Popen) -> str:
    """Stop it and return what it printed."""
    worker.terminate()
    try:
        return worker.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        worker.kill()
        return worker.communicate()[0]


def wait_for(condition, timeout: float = 60.0) -> bool:
    """Poll a condition (not a fixed sleep) until it holds or the time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


class Receiver:
    """A real HTTP endpoint on 127.0.0.1 (a hotline's callback URL, a group-chat robot).

    The first `fail_first` requests get a 500; then each answer in `scripted` is given once
    (status, JSON body[, headers]); after that `success`. Every POST not failed is recorded;
    a GET is only counted (`gets`)."""

    def __init__(self, fail_first: int = 0, scripted=(), success=(204, None)):
        self.received: list[dict] = []
        self.fail_first = fail_first
        self.scripted = list(scripted)
        self.success = success
        self.calls = 0
        self.gets = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls += 1
                if receiver.calls <= receiver.fail_first:
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.received.append({"headers": dict(self.headers), "body": body})
                status, answer, *headers = (
                    receiver.scripted.pop(0) if receiver.scripted else receiver.success
                )
                self.send_response(status)
                for name, value in (headers[0] if headers else {}).items():
                    self.send_header(name, value)
                self.end_headers()
                if answer is not None:
                    self.wfile.write(json.dumps(answer).encode())

            def do_GET(self):
                receiver.gets += 1
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/callbacks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def json(self) -> list:
        return [json.loads(r["body"]) for r in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- what a hand-written form shows ------------------------------------------------------


def form_html(page: str, form_id: str) -> str:
    """The form with id `form_id` in `page`, for the helpers below."""
    found = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page, re.S)
    assert found is not None, form_id
    return found.group(0)


def input_value(form: str, name: str) -> str | None:
    tag = re.search(rf'<input\b[^>]*\bname="{re.escape(name)}"[^>]*>', form)
    assert tag is not None, name
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return _html.unescape(value.group(1)) if value else None


def textarea_text(form: str, name: str) -> str:
    found = re.search(rf'<textarea\b[^>]*\bname="{name}"[^>]*>(.*?)</textarea>', form, re.S)
    assert found is not None, name
    return _html.unescape(found.group(1))


def checked_values(form: str, name: str) -> set[str]:
    """The values of the ticked boxes or the chosen radio named `name` ("on" for a box
    without a value, as a browser posts it)."""
    tags = re.findall(rf'<input\b[^>]*\bname="{name}"[^>]*>', form)
    values = (re.search(r'value="([^"]*)"', t) for t in tags if " checked" in t)
    return {value.group(1) if value else "on" for value in values}


def selected_value(form: str, name: str) -> str | None:
    select = re.search(rf'<select\b[^>]*\bname="{re.escape(name)}".*?</select>', form, re.S)
    assert select is not None, name
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    return chosen.group(1) if chosen else None


def migration_apps(app_label: str, migration_name: str):
    """The models as `migration_name` sees them once applied, for calling its data function:
    a migration gets these historical models, without the real models' properties and
    methods (a data function using `dispute.number` passed with the real models and failed
    on `migrate`)."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(connection).project_state((app_label, migration_name)).apps


def wait_until_another_session_waits_for_a_lock(timeout: float = 10) -> None:
    from django.db import connection

    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Inside a transaction PostgreSQL answers from its first look at the activity
            # table until told to look again: a wait that began after it went unseen.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the action never waited for a lock")


def while_another_session_locks(rows: list, act):
    """Run `act` here while another session holds the first of `rows` (model instances)
    and, once `act` waits for a lock, locks the others in turn: the lock order of some other
    action, which must make `act` wait, not deadlock with it (PostgreSQL would abort one
    of the two). Returns what `act` returned and the other session's errors."""
    from django.db import connection, transaction

    first_locked = threading.Event()
    errors: list[Exception] = []

    def other_session() -> None:
        try:
            with transaction.atomic():
                for number, row in enumerate(rows):
                    type(row).objects.select_for_update().get(pk=row.pk)
                    if number == 0:
                        first_locked.set()
                        wait_until_another_session_waits_for_a_lock()
        except Exception as error:  # noqa: BLE001 - returned to the test, which asserts on it
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=other_session)
    thread.start()
    try:
        assert first_locked.wait(10)
        result = act()
    finally:
        thread.join(30)
    return result, errors


@contextmanager
def counting_queries():
    """The SQL run inside the block, as a list (Django's own capture reads a log that holds
    only the last 9000 queries, which a long test's setup fills)."""
    from django.db import connection

    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def notice_as_read(notification, language: str) -> tuple[str, str]:
    """A notification's title and text as the bell shows them to a reader of `language`."""
    from django.utils import translation

    from wuqing_consumer.language import Reader

    with translation.override(language):
        reader = Reader()
        messages = notification.messages
        return (
            reader.show(notification.title, messages.get("title")),
            reader.show(notification.body, messages.get("body")),
        )


# --- the order list's Excel export, queued -----------------------------------------------------


def asked_export(client, params: str = ""):
    """Press the list's "Export to Excel" on the list of `params` (a query string) and build
    what it asked for as the worker does (called here, not queued): the post's response and
    the export, refreshed (None when the post asked for none)."""
    from django.urls import reverse

    from complaints.models import OrderExport
    from complaints.order_exports import order_export_build

    before = list(OrderExport.objects.values_list("id", flat=True))
    response = client.post(reverse("order_export_create") + (f"?{params}" if params else ""))
    export = OrderExport.objects.exclude(id__in=before).first()
    if export is not None:
        order_export_build(export.id)
        export.refresh_from_db()
    return response, export


def exported(client, params: str = ""):
    """The workbook (openpyxl) of the list of `params` as `client`'s person exports it:
    asked for (`asked_export`), downloaded from its page, its stored file removed after."""
    from io import BytesIO

    from django.core.files.storage import default_storage
    from django.urls import reverse
    from openpyxl import load_workbook

    _response, export = asked_export(client, params)
    assert export is not None, "no export was asked for"
    assert export.status == "done", export.error
    download = client.get(reverse("order_export_download", args=[export.id]))
    assert download.status_code == 200, download.status_code
    content = b"".join(download.streaming_content)
    default_storage.delete(export.file.name)
    return load_workbook(BytesIO(content))


def admin_form_as_shown(page) -> dict:
    """The admin page's form posted back as it was shown (its inlines too)."""
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        forms += formset.forms
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is not None:
                data[key] = str(value)
    return {**data, "_save": "1"}


def admin_change(client, obj, **changes):
    """The admin's change page of `obj` posted back as shown, with `changes` (None: left out)."""
    url = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = {**admin_form_as_shown(page), **changes}
    return client.post(url, {k: v for k, v in data.items() if v is not None})
