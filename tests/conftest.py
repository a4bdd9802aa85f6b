"""Shared personas and the rule that CI skips nothing."""

import os
import sys
import uuid
from datetime import date

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from departments.choices import RoleCode

from .factories import UserFactory, unit

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hashing every persona's password the production way would take most of the run;
    pytest-django restores the setting after each test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _flush_by_deleting():
    """After each committing test (transaction=True: the live server's, the real worker's)
    Django empties every table with one TRUNCATE of all ~100 of them, which makes each
    table and index a new file: about a second and a half a test, tables empty or not.
    DELETE of every table in one transaction, the foreign keys checked at its end (they
    are deferrable), leaves the same empty tables in a tenth of that. Tables with
    triggers of their own come last, as a TRUNCATE's triggers run once all is emptied:
    the reference tables' trigger writes the reference version row the flush emptied."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
            )
            triggered = {name.strip('"') for (name,) in cursor.fetchall()}
        ordered = sorted(tables, key=lambda table: (table in triggered, table))
        return [
            "SET CONSTRAINTS ALL DEFERRED;",
            *(f"DELETE FROM {self.quote_name(table)};" for table in ordered),
        ]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate


@pytest.fixture(scope="session", autouse=True)
def _reference_data_in_bulk():
    """Each committing test starts by putting the reference data back (serialized_rollback),
    which Django does a row at a time: in bulk it takes a tenth of that
    (tests/reference_rows.py)."""
    from django.db.backends.base.creation import BaseDatabaseCreation

    from .reference_rows import deserialize_in_bulk, row_by_row

    BaseDatabaseCreation.deserialize_db_from_string = deserialize_in_bulk
    yield
    BaseDatabaseCreation.deserialize_db_from_string = row_by_row


UNITS_REPORT_SINCE = date(2026, 7, 1)
"""When the test database's units began reporting (`Unit.reports_since`): the migration gives
them the quarter it ran in, which is the real date, and tests travel in time. From 2026Q3 on,
as the last ended quarter was in most tests before units had a beginning of their own."""


def reference_data_lost(settings_dict: dict) -> bool:
    """Whether the database of `settings_dict`, a test database kept from an earlier run
    (`--reuse-db`), has lost the reference rows the data migrations wrote (the units first
    among them): a committing test ends by emptying every table. A database not made yet,
    or not migrated, has lost nothing: it is made as usual."""
    from django.db import DatabaseError
    from django.db.utils import load_backend

    probe = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        dict(settings_dict), alias="reference_data_probe"
    )
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM departments_unit)")
            return not cursor.fetchone()[0]
    except DatabaseError:
        return False
    finally:
        probe.close()


def put_back_reference_data(connection) -> None:
    """After a committing test emptied the tables, what the run found in them at its start
    (the copy Django keeps for serialized_rollback), as that test's successor would have
    had it. The tables are emptied first without Django's post_migrate handlers, as
    Django does before putting the copy back: those write content types of their own."""
    from django.core.management import call_command

    from departments.models import Unit

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is None or Unit.objects.exists():
        return
    call_command(
        "flush",
        verbosity=0,
        interactive=False,
        database=connection.alias,
        inhibit_post_migrate=True,
        reset_sequences=False,  # the rows come back with their ids: new ones go on after them
    )
    connection.creation.deserialize_db_from_string(contents)


def drop_order_number_sequences(connection) -> None:
    """Order numbers come from PostgreSQL sequences, created on first use; one that a
    committed order made outlives the flush, and "the first order of the year is 000001"
    would no longer hold for the tests that follow."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sequence_name FROM information_schema.sequences "
            "WHERE sequence_name LIKE 'complaints_order_number_%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP SEQUENCE IF EXISTS {name}")


def _commits(item) -> bool:
    """Whether a test commits, and so ends by emptying every table."""
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker is not None and validate_django_db(marker)[0]:
        return True
    committing = {"transactional_db", "live_server", "django_db_reset_sequences"}
    return bool(committing & set(getattr(item, "fixturenames", ())))


_EMPTIED = {"by_the_last_test": False}


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item):
    if _commits(item):
        _EMPTIED["by_the_last_test"] = True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test that does not commit finds the reference data (units, roles, towns) even when
    it runs after one that commits, which empties every table: pytest-django runs those
    last, but `--dist worksteal` hands a process that has run its own the tests another
    had left, and those failed for want of a unit (seen in CI: Unit.DoesNotExist). Put back
    before the test's fixtures open its transaction, so it stays for those that follow."""
    if not _EMPTIED["by_the_last_test"] or _commits(item) or not _uses_db(item):
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        put_back_reference_data(connection)
    _EMPTIED["by_the_last_test"] = False


def _uses_db(item) -> bool:
    return item.get_closest_marker("django_db") is not None or "db" in getattr(
        item, "fixturenames", ()
    )


@pytest.fixture(scope="session")
def django_db_createdb(request, django_db_keepdb, django_db_modify_db_settings, django_db_blocker):
    """With `--reuse-db`, a kept test database that has lost its reference data (a run
    stopped during a committing test, before `django_db_setup` put it back) is made again,
    as `--create-db` would: its tests would fail for want of units, each in its own way."""
    if request.config.getvalue("create_db") or not django_db_keepdb:
        return request.config.getvalue("create_db")
    from django.db import connection

    name = connection.creation._get_test_db_name()
    with django_db_blocker.unblock():
        lost = reference_data_lost({**connection.settings_dict, "NAME": name})
    if lost:
        capture = request.config.pluginmanager.getplugin("capturemanager")
        with capture.global_and_fixture_disabled():
            request.config.get_terminal_writer().line(
                f"The test database {name} has lost its reference data: making it again."
            )
    return lost


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_keepdb, request):
    """The units of the data migration begin reporting on `UNITS_REPORT_SINCE`, also in the
    copy a committing test (serialized_rollback) puts back. A database kept for the next
    run (`--reuse-db`) gets its reference data back at the end if a committing test emptied
    it; the copy is taken for that if no test asked for one."""
    from django.db import connection

    from departments.models import Unit

    keeps = django_db_keepdb and any(_commits(item) for item in request.session.items)
    with django_db_blocker.unblock():
        Unit.objects.update(reports_since=UNITS_REPORT_SINCE)
        if hasattr(connection, "_test_serialized_contents") or keeps:
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    yield
    if keeps:
        with django_db_blocker.unblock():
            put_back_reference_data(connection)


@pytest.fixture(scope="session", autouse=True)
def _cache_keys_of_this_run():
    """The cache (Redis in CI) outlives a run, and the test database's ids start again at 1
    with each: an API client's rate-limit history, keyed by its id, would be a previous
    run's client's if the suite ran twice within a minute. Keys of this run only, without
    flushing a Redis database another process may use."""
    from django.conf import settings
    from django.test import override_settings

    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def _no_files_left_from_the_last_test():
    """A file written in a test's transaction, which pytest-django rolls back, never sees its
    commit: it stayed in the thread's list of files to look at, and the next test's request
    looked it up at its end, in a database that test may not have. Each test starts with
    none."""
    from complaints import attachments

    yield
    attachments._written.files = []


@pytest.fixture(autouse=True)
def _language_of_the_last_request_put_back():
    """The locale middleware activates the request's language in the thread the test client
    runs it in, the test's own, and leaves it there: a test after one that asked for an
    English page rendered its templates and messages in English."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_page_rate_limit(settings):
    """Every test's client comes from 127.0.0.1, so the pages' rate limit would refuse
    requests depending on what ran before in the same minute; tests/test_rate_limit.py turns
    it on with a cache of its own. Clearing the shared cache instead would flush the Redis
    database the other test process's Celery broker uses."""
    settings.ANON_RATE_LIMIT_ENABLED = False


@pytest.fixture(autouse=True)
def _fresh_order_number_sequences(request, django_db_blocker):
    """A test that commits (transaction=True) leaves its orders' number sequences behind."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not committed:
        return
    from django.db import connection

    with django_db_blocker.unblock():
        drop_order_number_sequences(connection)


@pytest.fixture
def no_persistent_connections(monkeypatch):
    """For tests against the live server (see tests/browser_kit.py)."""
    from django.db import connections

    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)


@pytest.fixture(autouse=True)
def no_policy_refusals():
    """Fails a browser test during which Chromium refused something under the content
    security policy (tests/browser_kit.py hears it): the page relied on an inline script or
    style, or on something from outside, and is broken in a real browser."""
    yield
    kit = sys.modules.get("tests.browser_kit")
    if kit is not None and kit.POLICY_REFUSALS:
        refused = list(kit.POLICY_REFUSALS)
        kit.POLICY_REFUSALS.clear()
        pytest.fail("The content security policy refused:\n" + "\n".join(refused))


@pytest.fixture(scope="module")
def module_browser():
    """One Chromium for a module's browser tests (tests/browser_kit.py): starting one for
    each test cost it about a second."""
    from .browser_kit import chromium

    with chromium() as browser:
        yield browser


@pytest.fixture
def browser(module_browser, transactional_db, live_server):
    """The module's one Chromium, for a test whose data its live server reads; what the test
    opened in it is closed after it, before its data goes. A module that needs more before
    its browser (its people, its data) defines its own `browser` on `module_browser`."""
    yield module_browser
    for context in module_browser.contexts:
        context.close()


@pytest.fixture
def orders_arrive_untold(monkeypatch):
    """For tests about other notices: the orders they set up are not announced to their
    units (tests/complaints/test_new_order_notice.py checks that they are), so those tests
    count only the notices they are about."""
    monkeypatch.setattr("complaints.workflow.tell_units_of_new_orders", lambda orders, **how: None)


@pytest.fixture
def receiver():
    """Makes real HTTP receivers (see tests.helpers.Receiver) and stops them afterwards."""
    from .helpers import Receiver

    made = []

    def make(*args, **kwargs):
        made.append(Receiver(*args, **kwargs))
        return made[-1]

    yield make
    for r in made:
        r.close()


def _person(username: str, unit_code: str | None, role: str):
    return UserFactory(username=username, unit=unit(unit_code) if unit_code else None, roles=[role])


@pytest.fixture
def office_staff(db):
    return _person("office1", "office", RoleCode.OFFICE_STAFF)


@pytest.fixture
def office_director(db):
    return _person("director1", "office", RoleCode.OFFICE_DIRECTOR)


@pytest.fixture
def leader(db):
    return _person("leader1", "office", RoleCode.GROUP_LEADER)


@pytest.fixture
def sysadmin(db):
    return _person("sysadmin1", None, RoleCode.SYSTEM_ADMIN)


@pytest.fixture
def mr_staff(db):
    """Market Regulation Bureau staff: the usual unit user."""
    return _person("mr_staff1", "market-regulation", RoleCode.UNIT_STAFF)


@pytest.fixture
def mr_liaison(db):
    return _person("mr_liaison1", "market-regulation", RoleCode.UNIT_LIAISON)


@pytest.fixture
def mr_head(db):
    return _person("mr_head1", "market-regulation", RoleCode.UNIT_HEAD)


@pytest.fixture
def housing_staff(db):
    """A second unit's staff, to prove one unit cannot see another's records."""
    return _person("housing1", "housing", RoleCode.UNIT_STAFF)


@pytest.fixture
def housing_head(db):
    return _person("housing_head1", "housing", RoleCode.UNIT_HEAD)


@pytest.fixture
def persona_client(request, client, db):
    """A test client logged in as the persona named by the test's `persona` parameter."""

    def login(name: str):
        if name != "anonymous":
            client.force_login(request.getfixturevalue(name))
        return client

    return login


# In CI nothing may be skipped: a skip there means a service or tool is missing.
_skipped: list[str] = []
# Figures a test wants in the run's output (routing accuracy, ...): record_property("summary").
_summaries: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)
    if report.when == "call":
        _summaries.extend(value for name, value in report.user_properties if name == "summary")


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI") and _skipped and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    for summary in _summaries:
        terminalreporter.write_sep("-", "figures")
        terminalreporter.write_line(summary)
    if os.environ.get("CI") and _skipped:
        terminalreporter.write_line(
            f"FAILED: {len(_skipped)} test(s) skipped in CI, where nothing may be skipped:",
            red=True,
        )
        for nodeid in _skipped:
            terminalreporter.write_line(f"  {nodeid}", red=True)


@pytest.fixture
def keep_the_test_connection():
    """For tests that call the WSGI application directly (not through Django's test
    client): the signal that closes the database connection at the end of a request is held
    off, as the test client does, since the test's transaction lives on that connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
