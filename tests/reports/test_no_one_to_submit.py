"""Only a unit's liaison or head submits its quarterly report, annual summary and public
releases; its staff write them. A unit with neither in the portal (the office's home page
counts them) left its staff at "The unit's liaison or head submits the report.": the draft
would wait for nobody, and the page did not say what to do. The page now says the unit has
no one who can submit it and to ask the office to name a liaison; where the unit has one,
it reads as before. (English pages, so the assertions hold however the Chinese is worded.)"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from publicity import services as publicity
from reports import services
from tests.factories import UserFactory, unit

pytestmark = pytest.mark.django_db

NO_ONE = "has no liaison or head in the portal to submit it"


def page(client, user, url: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def pages(housing_staff):
    """The housing staff's report, summary and release, each as its draft's address."""
    with time_machine.travel(datetime(2026, 11, 16, 9, 0, tzinfo=BEIJING), tick=False):
        report = services.report_start(
            unit=unit("housing"), year=2026, quarter=3, acting_user=housing_staff
        )
        summary = services.summary_start(unit=unit("housing"), year=2026, acting_user=housing_staff)
    release = publicity.release_create(
        acting_user=housing_staff,
        kind="warning",
        title="商品房预售消费提示",
        body="购房前请核实预售许可。",
    )
    return [
        reverse("unit_report", args=[report.id]),
        reverse("annual_summary", args=[summary.id]),
        reverse("release_detail", args=[release.id]),
    ]


def test_staff_of_a_unit_without_liaison_or_head_are_told_to_ask_the_office(
    client, housing_staff, pages
):
    for url in pages:
        assert NO_ONE in page(client, housing_staff, url), url


@pytest.mark.parametrize("role", [RoleCode.UNIT_LIAISON, RoleCode.UNIT_HEAD])
def test_with_a_liaison_or_a_head_the_page_reads_as_before(client, housing_staff, pages, role):
    UserFactory(unit=unit("housing"), roles=[role])
    for url in pages:
        html = page(client, housing_staff, url)
        assert NO_ONE not in html, url
        assert "The unit's liaison or head submits" in html, url


def test_an_inactive_liaison_is_no_one_to_submit(client, housing_staff, pages):
    UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_LIAISON], is_active=False)
    assert NO_ONE in page(client, housing_staff, pages[0])
