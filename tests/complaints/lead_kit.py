"""Fixtures shared by the tests of leads under the group leader's decision: the units'
people, English (their assertions read the English texts), and a fixed Monday morning so
that deadlines fall on known days. Imported by name into each test module that uses them."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.utils import translation

from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from tests.factories import UserFactory, unit


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 9, 21, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def people(db, office_staff, leader, housing_staff):
    return {
        "office": office_staff,
        "leader": leader,
        "commerce": UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF]),
        "education": UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF]),
        "housing": housing_staff,
    }
