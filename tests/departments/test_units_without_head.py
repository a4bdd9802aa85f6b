"""The office sees which units have no head (and no liaison) where it sees units, with where
the overdue notices meant for the head go instead (see complaints.reminders.People)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from departments.choices import RoleCode
from departments.models import Unit
from tests.factories import UserFactory, unit

NO_HEAD = "No head set: overdue notices meant for its head go to its liaisons."
NOBODY = "No head or liaison set: overdue notices meant for its head go to the coordination office."


@pytest.fixture
def units_as_set(mr_head, housing_staff):
    """Market regulation has a head; housing staff but neither head nor liaison; the police
    a liaison alone; the court a head who has left (inactive) and a liaison."""
    UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_LIAISON])
    UserFactory(unit=unit("court"), roles=[RoleCode.UNIT_HEAD], is_active=False)
    UserFactory(unit=unit("court"), roles=[RoleCode.UNIT_LIAISON])


def page(client, user, url, language="en") -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def warnings(html: str) -> dict[str, str]:
    """Each unit's warning on the directory, unit code → its text."""
    found = re.findall(r'data-no-head="([^"]+)"[^>]*>(.*?)</div>', html, flags=re.S)
    return {code: re.sub(r"<[^>]+>", "", text).strip() for code, text in found}


def test_the_directory_warns_the_office_of_each_unit_without_a_head(
    client, office_staff, units_as_set
):
    shown = warnings(page(client, office_staff, reverse("unit_list")))
    assert shown["housing"] == NOBODY
    assert shown["public-security"] == NO_HEAD
    assert shown["court"] == NO_HEAD
    assert "market-regulation" not in shown
    assert "office" not in shown  # the office has no head: it is the office
    members = Unit.objects.filter(kind="member", is_active=True).count()
    assert len(shown) == members - 1


def test_the_unit_page_says_where_its_overdue_notices_go(client, office_staff, units_as_set):
    housing = page(client, office_staff, reverse("unit_detail", args=["housing"]))
    assert 'id="no-head-warning"' in housing
    assert NOBODY in housing
    police = page(client, office_staff, reverse("unit_detail", args=["public-security"]))
    assert NO_HEAD in police and NOBODY not in police
    regulation = page(client, office_staff, reverse("unit_detail", args=["market-regulation"]))
    assert 'id="no-head-warning"' not in regulation


def test_the_office_home_counts_the_units_without_a_head(client, office_staff, units_as_set):
    home = page(client, office_staff, reverse("home"))
    members = Unit.objects.filter(kind="member", is_active=True).count()
    warning = re.search(r'id="units-without-head".*?</div>\s*</div>', home, flags=re.S).group()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", warning))
    assert (
        f"{members - 3} member units have neither a head nor a liaison set: overdue notices "
        "meant for their heads go to the coordination office."
    ) in text
    assert (
        "2 member units have no head set: overdue notices meant for their heads go to their "
        "liaisons."
    ) in text
    missing = reverse("unit_list") + "?missing=head"
    assert f'href="{missing}"' in warning
    listed = page(client, office_staff, missing)
    assert len(warnings(listed)) == members - 1
    assert reverse("unit_detail", args=["market-regulation"]) not in listed
    assert 'id="missing-head-filter"' in listed


def test_one_unit_without_a_head_is_said_in_the_singular(client, office_staff, db):
    for member in Unit.objects.filter(kind="member").exclude(code="housing"):
        UserFactory(unit=member, roles=[RoleCode.UNIT_HEAD])
    home = page(client, office_staff, reverse("home"))
    assert (
        "1 member unit has neither a head nor a liaison set: overdue notices meant for its "
        "head go to the coordination office."
    ) in re.sub(r"\s+", " ", home)
    UserFactory(unit=unit("housing"), roles=[RoleCode.UNIT_HEAD])
    assert 'id="units-without-head"' not in page(client, office_staff, reverse("home"))


def test_in_chinese_too(client, office_staff, units_as_set):
    home = page(client, office_staff, reverse("home"), "zh-hans")
    assert 'id="units-without-head"' in home
    directory = page(client, office_staff, reverse("unit_list"), "zh-hans")
    assert "housing" in warnings(directory)


def test_a_unit_and_its_people_are_not_shown_the_offices_warnings(
    client, housing_staff, units_as_set
):
    assert warnings(page(client, housing_staff, reverse("unit_list"))) == {}
    detail = page(client, housing_staff, reverse("unit_detail", args=["housing"]))
    assert 'id="no-head-warning"' not in detail
    assert 'id="units-without-head"' not in page(client, housing_staff, reverse("home"))


def test_the_directory_costs_the_same_queries_however_many_units_lack_a_head(
    client, office_staff, django_assert_max_num_queries, units_as_set
):
    client.force_login(office_staff)
    client.get(reverse("unit_list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("unit_list"))
