"""The office manages people in the admin: in Chinese, filtered, and without escalation."""

import warnings

from django.utils.deprecation import RemovedInDjango60Warning

from departments.choices import RoleCode
from departments.models import Role, User
from tests.factories import UserFactory, unit


def _result_list(response) -> str:
    body = response.content.decode()
    return body[body.index('id="result_list"') :]


def _add_user(client, **data):
    payload = {
        "username": "new_person",
        "name": "新同事",
        "unit": unit("housing").id,
        "roles": [RoleCode.UNIT_STAFF],
        "password1": "a-long-enough-passphrase-1",
        "password2": "a-long-enough-passphrase-1",
        "usable_password": "true",
        "_save": "1",
    }
    payload.update(data)
    return client.post("/admin/departments/user/add/", payload)


def test_the_admin_is_in_chinese_and_filters_people_by_unit_and_role(client, office_staff):
    UserFactory(username="housing_x", unit=unit("housing"), roles=[RoleCode.UNIT_STAFF])
    client.force_login(office_staff)
    page = client.get("/admin/departments/user/", {"unit__id__exact": unit("housing").id})
    body = _result_list(page)
    assert page.status_code == 200
    assert "housing_x" in body
    assert "office1" not in body
    assert "以 单位" in page.content.decode()
    assert 'id="searchbar"' in page.content.decode()
    by_role = client.get("/admin/departments/user/", {"roles__code__exact": "office_staff"})
    assert "office1" in _result_list(by_role)
    assert "housing_x" not in _result_list(by_role)


def test_office_staff_add_a_person_to_a_unit(client, office_staff):
    client.force_login(office_staff)
    response = _add_user(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(username="new_person")
    assert person.unit.code == "housing"
    assert list(person.roles.values_list("code", flat=True)) == [RoleCode.UNIT_STAFF]


def test_an_office_role_in_a_member_unit_is_refused_with_a_chinese_message(client, office_staff):
    client.force_login(office_staff)
    response = _add_user(client, roles=[RoleCode.OFFICE_DIRECTOR])
    assert response.status_code == 200
    assert "只能由协调小组办公室" in response.content.decode()
    assert not User.objects.filter(username="new_person").exists()


def test_office_staff_cannot_grant_the_system_administrator_role(client, office_staff):
    client.force_login(office_staff)
    _add_user(client, roles=[RoleCode.SYSTEM_ADMIN], unit=unit("office").id)
    assert not User.objects.filter(username="new_person").exists()


def test_office_staff_cannot_edit_an_administrator(client, office_staff, sysadmin):
    client.force_login(office_staff)
    page = client.get(f"/admin/departments/user/{sysadmin.id}/change/")
    assert b'name="roles"' not in page.content


def test_a_system_administrator_can_grant_any_role(client, sysadmin):
    client.force_login(sysadmin)
    response = _add_user(client, roles=[RoleCode.SYSTEM_ADMIN], unit=unit("office").id)
    assert response.status_code == 302
    assert Role.objects.get(code=RoleCode.SYSTEM_ADMIN).users.filter(username="new_person").exists()


def test_unit_staff_are_told_the_admin_is_not_for_them(client, mr_head):
    client.force_login(mr_head)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "不允许" in response.content.decode() or "无权" in response.content.decode()


def test_anonymous_visitors_of_the_admin_go_to_the_portal_login(client, db):
    response = client.get("/admin/departments/user/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=/admin/")
    assert response.status_code == 200


def test_audit_entries_cannot_be_changed_in_the_admin(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get("/admin/departments/auditentry/add/").status_code == 403


def test_a_units_admin_page_is_built_without_deprecation_warnings(client, sysadmin):
    """The robot webhook's URL field, like the API client's callback URL, names the scheme it
    assumes; Django 6 changes the default."""
    client.force_login(sysadmin)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango60Warning)
        page = client.get(f"/admin/departments/unit/{unit('housing').id}/change/")
    assert page.status_code == 200
    assert 'name="robot_webhook_url"' in page.content.decode()
