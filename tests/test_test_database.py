"""The test database a run keeps (`--reuse-db`) keeps the reference data the data migrations
wrote: the units, towns, roles, routing rules and deadline policies. A committing test
(transaction=True: the browser's, the real worker's) ends by emptying every table; the last
one of a run left the next run with no units, and its tests failing for no reason of
their own. The run now puts them back at its end (`put_back_reference_data`), and a run
that finds them gone all the same (one stopped halfway) makes the database again
(`reference_data_lost`, in `django_db_createdb`)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from complaints.models import DeadlinePolicy, RoutingRule
from departments.choices import UnitKind
from departments.models import Town, Unit
from tests.browser_kit import shared_site
from tests.conftest import put_back_reference_data, reference_data_lost
from tests.reference_rows import row_by_row


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_flushed_test_database_gets_its_reference_data_back():
    units = Unit.objects.count()
    assert units == 18  # the office and the 17 member units
    assert not reference_data_lost(connection.settings_dict)

    # As a committing test ends (TransactionTestCase): the id sequences go on.
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    assert not Unit.objects.exists()
    assert reference_data_lost(connection.settings_dict)

    put_back_reference_data(connection)
    assert Unit.objects.count() == units
    assert Town.objects.exists()
    assert RoutingRule.objects.exists()
    assert DeadlinePolicy.objects.exists()
    assert ContentType.objects.filter(app_label="departments", model="unit").exists()
    assert not reference_data_lost(connection.settings_dict)


def test_a_test_database_not_made_yet_has_lost_nothing(django_db_blocker):
    """It is made, with its reference data, as usual."""
    missing = {**connection.settings_dict, "NAME": "wq_no_such_test_database"}
    if connection.vendor == "sqlite":
        missing["NAME"] = "/nonexistent/wq_no_such_test_database.sqlite3"
    with django_db_blocker.unblock():
        assert not reference_data_lost(missing)


def _a_new_unit() -> Unit:
    return Unit.objects.create(
        code="new-bureau", name="区新局", name_en="New Bureau", kind=UnitKind.MEMBER
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_unit_made_after_the_reference_data_came_back_has_an_id_of_its_own():
    """The reference rows come back with the ids they had. Emptying the tables with Django's
    flush command as it is by default also started every id sequence again at 1: the next
    unit a test made took the office's id, and failed (tests/test_outsiders_see_nothing.py
    after a run's browser tests, on the same test process)."""
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    put_back_reference_data(connection)

    assert _a_new_unit().id > max(
        Unit.objects.exclude(code="new-bureau").values_list("id", flat=True)
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_unit_made_after_a_shared_site_has_an_id_of_its_own(django_db_blocker):
    """A module's shared site empties every table at its end and puts the reference data
    back, for the tests that follow on the same test process."""
    with shared_site(django_db_blocker):
        pass

    assert Unit.objects.filter(code="market-regulation").exists()
    _a_new_unit()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reference_data_comes_back_as_django_puts_it_back_in_a_few_statements(
    django_assert_max_num_queries,
):
    """A committing test's successor waited for some 1,100 statements, an UPDATE and an
    INSERT for each reference row, before it began (tests/reference_rows.py)."""
    contents = connection._test_serialized_contents
    # As TransactionTestCase empties the tables before it puts the copy back.
    flush = {"verbosity": 0, "interactive": False, "inhibit_post_migrate": True}
    flush["reset_sequences"] = False
    call_command("flush", **flush)
    row_by_row(connection.creation, contents)
    as_django_puts_it = connection.creation.serialize_db_to_string()

    call_command("flush", **flush)
    with django_assert_max_num_queries(40):
        connection.creation.deserialize_db_from_string(contents)

    assert connection.creation.serialize_db_to_string() == as_django_puts_it
    assert RoutingRule.objects.filter(co_units__isnull=False).exists()
