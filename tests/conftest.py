"""Shared personas and the rule that CI skips nothing."""

import os

import pytest

from departments.choices import RoleCode

from .factories import UserFactory, unit

PASSWORD = "correct horse battery"


@pytest.fixture
def office_staff(db):
    return UserFactory(username="office1", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])


@pytest.fixture
def office_director(db):
    return UserFactory(username="director1", unit=unit("office"), roles=[RoleCode.OFFICE_DIRECTOR])


@pytest.fixture
def leader(db):
    return UserFactory(username="leader1", unit=unit("office"), roles=[RoleCode.GROUP_LEADER])


@pytest.fixture
def sysadmin(db):
    return UserFactory(username="sysadmin1", unit=None, roles=[RoleCode.SYSTEM_ADMIN])


@pytest.fixture
def mr_staff(db):
    """Market Regulation Bureau staff: the usual unit user."""
    return UserFactory(
        username="mr_staff1", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF]
    )


@pytest.fixture
def mr_liaison(db):
    return UserFactory(
        username="mr_liaison1", unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON]
    )


@pytest.fixture
def mr_head(db):
    return UserFactory(
        username="mr_head1", unit=unit("market-regulation"), roles=[RoleCode.UNIT_HEAD]
    )


@pytest.fixture
def housing_staff(db):
    """A second unit's staff, to prove one unit cannot see another's records."""
    return UserFactory(username="housing1", unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])


@pytest.fixture
def housing_head(db):
    return UserFactory(username="housing_head1", unit=unit("housing"), roles=[RoleCode.UNIT_HEAD])


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
