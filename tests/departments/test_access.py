"""Who may see and do what: the access matrix and the scoping helper every view uses."""

import pytest
from django.http import Http404

from departments import access
from departments.models import DutyContact, User
from tests.factories import DutyContactFactory, UserFactory, unit
from tests.helpers import same_page

ALL_STAFF = {
    "mr_staff",
    "mr_liaison",
    "mr_head",
    "housing_staff",
    "housing_head",
    "office_staff",
    "office_director",
    "leader",
    "sysadmin",
}
ALL_UNITS = {"office_staff", "office_director", "leader", "sysadmin"}
MARKET_REGULATION = {"mr_staff", "mr_liaison", "mr_head"} | ALL_UNITS
ADMIN_USERS = {"office_staff", "office_director", "sysadmin"}
# The office and administrators keep every unit's duty contacts; the leader, who sees every
# unit, configures none (`access.looks_after_units`).
MR_CONTACT_EDITORS = {"mr_liaison", "mr_head"} | ADMIN_USERS


def _expected(persona, allowed, ok=200, denied=404):
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else denied


MATRIX = [
    ("get", "/", ALL_STAFF, 200, 404),
    ("get", "/units/", ALL_STAFF, 200, 404),
    ("get", "/units/market-regulation/", ALL_STAFF, 200, 404),
    ("get", "/units/market-regulation/people/", MARKET_REGULATION, 200, 404),
    ("get", "/units/housing/people/", {"housing_staff", "housing_head"} | ALL_UNITS, 200, 404),
    ("get", "/units/market-regulation/duty-contacts/new/", MR_CONTACT_EDITORS, 200, 404),
    ("get", "/duty-contacts/{contact}/edit/", MR_CONTACT_EDITORS, 200, 404),
    ("get", "/duty-contacts/{contact}/delete/", MR_CONTACT_EDITORS, 200, 404),
    ("post", "/duty-contacts/{contact}/delete/", MR_CONTACT_EDITORS, 302, 404),
    ("get", "/admin/", ADMIN_USERS, 200, 302),
    ("get", "/admin/departments/user/", ADMIN_USERS, 200, 302),
    ("get", "/accounts/password/", ALL_STAFF, 200, 404),
]


@pytest.mark.parametrize("persona", ["anonymous", *sorted(ALL_STAFF)])
@pytest.mark.parametrize(("method", "url", "allowed", "ok", "denied"), MATRIX)
def test_access_matrix(persona_client, persona, method, url, allowed, ok, denied):
    contact = DutyContactFactory(unit=unit("market-regulation"))
    client = persona_client(persona)
    # A post carries what the page carries: the version of the contact it showed.
    data = {"version": contact.version} if method == "post" else {}
    response = getattr(client, method)(url.format(contact=contact.id), data)
    assert response.status_code == _expected(persona, allowed, ok, denied), (
        f"{persona} {method.upper()} {url}"
    )
    if method == "post":
        assert DutyContact.objects.filter(id=contact.id).exists() == (
            response.status_code != 302 or persona == "anonymous"
        )


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/api/v1/units/"), ("get", "/api/v1/units/housing/")],
)
@pytest.mark.parametrize("persona", ["anonymous", "mr_staff", "office_staff"])
def test_api_access_matrix(persona_client, persona, method, url):
    response = getattr(persona_client(persona), method)(url)
    assert response.status_code == (401 if persona == "anonymous" else 200)


@pytest.mark.parametrize("persona", ["anonymous", "mr_staff"])
def test_the_api_contract_is_public(persona_client, persona):
    assert persona_client(persona).get("/api/v1/schema/").status_code == 200


def test_a_unit_user_sees_only_their_own_units_people(mr_staff, housing_staff, office_staff):
    visible = set(access.people_visible_to(mr_staff).values_list("username", flat=True))
    assert mr_staff.username in visible
    assert housing_staff.username not in visible
    assert office_staff.username not in visible


def test_the_office_and_the_leader_see_every_units_people(
    office_staff, leader, mr_staff, housing_staff
):
    for viewer in (office_staff, leader):
        visible = set(access.people_visible_to(viewer).values_list("username", flat=True))
        assert {mr_staff.username, housing_staff.username} <= visible


def test_scoping_through_several_unit_fields_matches_any_of_them(mr_staff, housing_staff):
    # Later records (work orders) reach a unit as primary or co-handling unit.
    queryset = User.objects.all()
    scoped = access.scope_by_unit(mr_staff, queryset, "unit", "unit__people__unit")
    assert housing_staff not in scoped
    assert mr_staff in scoped


def test_a_user_without_unit_or_role_sees_nothing(db):
    nobody = UserFactory(unit=None)
    assert not access.people_visible_to(nobody).exists()
    assert not access.units_managed_by(nobody).exists()


def test_an_inactive_office_user_loses_all_access(office_staff, mr_staff):
    office_staff.is_active = False
    assert not access.sees_all_units(office_staff)
    assert mr_staff not in access.people_visible_to(office_staff)


def test_getting_another_units_contact_for_edit_is_a_404_not_a_403(housing_head):
    contact = DutyContactFactory(unit=unit("market-regulation"))
    with pytest.raises(Http404):
        access.duty_contact_for_edit(housing_head, contact.id)
    with pytest.raises(Http404):
        access.duty_contact_for_edit(housing_head, 999999)


def test_another_units_page_looks_exactly_like_a_missing_one(client, housing_staff):
    client.force_login(housing_staff)
    other = client.get("/units/market-regulation/people/")
    missing = client.get("/units/no-such-unit/people/")
    assert other.status_code == missing.status_code == 404
    assert same_page(other.content, missing.content)
