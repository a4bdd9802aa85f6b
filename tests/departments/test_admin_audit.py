"""Changes to people's accounts made in the admin leave an entry in the audit trail: who
created, moved, deactivated or deleted whom, who granted which role, who set whose password
(never the password or its hash), in the change's transaction; a refused change, none."""

import json

import pytest

from departments import services
from departments.choices import RoleCode
from departments.models import AuditEntry, User
from tests.conftest import PASSWORD
from tests.factories import unit
from tests.helpers import audit_data

from .test_admin import _add_user, _change_password, _change_user

PASSPHRASE = "another-long-passphrase-9"


def _entries(person_id, action=None):
    entries = AuditEntry.objects.filter(object_type="departments.user", object_id=str(person_id))
    return list(entries.filter(action=action) if action else entries)


def _entry(person_id, action) -> AuditEntry:
    (entry,) = _entries(person_id, action)
    return entry


def _says(summary: str, *parts: str) -> None:
    """The summary names these, in this order (the words around them are the catalogue's)."""
    at = 0
    for part in parts:
        assert part in summary[at:], (part, summary)
        at = summary.index(part, at) + len(part)


def _keeps_no_secret(entry: AuditEntry, person: User) -> None:
    kept = json.dumps(entry.data, ensure_ascii=False) + entry.summary
    assert PASSPHRASE not in kept
    assert "correct horse battery" not in kept
    assert person.password.split("$")[-1] not in kept
    assert "password" not in entry.data.get("after", {})


def test_a_person_created_in_the_admin_is_audited_with_roles_and_unit(client, office_director):
    client.force_login(office_director)
    response = _add_user(client, password1=PASSPHRASE, password2=PASSPHRASE)
    assert response.status_code == 302
    person = User.objects.get(username="new_person")
    entry = _entry(person.id, "user.create")
    assert (entry.actor, entry.unit) == (office_director, unit("office"))
    assert entry.data["after"]["roles"] == [RoleCode.UNIT_STAFF]
    assert entry.data["after"]["unit"] == "housing"
    _says(entry.summary, "new_person", "区住房建设委", "单位工作人员")
    _keeps_no_secret(entry, person)
    assert [e.action for e in _entries(person.id)] == ["user.create"]


def test_granting_the_group_leader_role_is_audited_before_and_after(client, sysadmin, office_staff):
    client.force_login(sysadmin)
    response = _change_user(client, office_staff, roles=[RoleCode.GROUP_LEADER])
    assert response.status_code == 302
    entry = _entry(office_staff.id, "user.roles")
    assert entry.actor == sysadmin
    assert audit_data(entry) == {
        "before": [RoleCode.OFFICE_STAFF],
        "after": [RoleCode.GROUP_LEADER],
        "granted": [RoleCode.GROUP_LEADER],
        "removed": [RoleCode.OFFICE_STAFF],
    }
    _says(entry.summary, "office1", "协调办工作人员", "→", "协调小组组长")
    assert "Group leader" not in entry.summary
    assert [e.action for e in _entries(office_staff.id)] == ["user.roles"]


def test_moving_deactivating_and_reactivating_a_person_are_audited(
    client, office_staff, housing_staff
):
    client.force_login(office_staff)
    moved = _change_user(client, housing_staff, unit=unit("market-regulation").id, is_active="")
    assert moved.status_code == 302
    entry = _entry(housing_staff.id, "user.unit")
    assert (entry.actor, entry.unit) == (office_staff, unit("office"))
    assert audit_data(entry) == {"before": "housing", "after": "market-regulation"}
    _says(entry.summary, "housing1", "区住房建设委", "→", "区市场监管局")
    deactivated = _entry(housing_staff.id, "user.deactivate")
    assert audit_data(deactivated) == {"before": True, "after": False}
    _says(deactivated.summary, "housing1")
    housing_staff.refresh_from_db()
    assert _change_user(client, housing_staff, is_active="on").status_code == 302
    activated = _entry(housing_staff.id, "user.activate").summary
    _says(activated, "housing1")
    assert activated != deactivated.summary
    assert not _entries(housing_staff.id, "user.roles")
    housing_staff.refresh_from_db()
    assert _change_user(client, housing_staff, job_title="科员").status_code == 302
    assert len(_entries(housing_staff.id)) == 4
    assert len(_entries(housing_staff.id, "user.details")) == 1


def test_a_persons_name_job_title_phone_email_and_username_changes_are_audited(
    client, office_staff, housing_staff
):
    housing_staff.name, housing_staff.phone = "王芳", "022-29341234"
    housing_staff.save(update_fields=["name", "phone"])
    client.force_login(office_staff)
    response = _change_user(
        client,
        housing_staff,
        username="housing_wang",
        name="王芳芳",
        job_title="科长",
        email="wang@example.gov.cn",
    )
    assert response.status_code == 302
    entry = _entry(housing_staff.id, "user.details")
    assert (entry.actor, entry.unit) == (office_staff, unit("office"))
    assert audit_data(entry) == {
        "before": {"username": "housing1", "name": "王芳", "job_title": "", "email": ""},
        "after": {
            "username": "housing_wang",
            "name": "王芳芳",
            "job_title": "科长",
            "email": "wang@example.gov.cn",
        },
    }
    _says(entry.summary, "housing_wang", "housing1")
    _keeps_no_secret(entry, housing_staff)
    assert [e.action for e in _entries(housing_staff.id)] == ["user.details"]


def test_ones_own_phone_changed_in_the_admin_is_audited_and_a_save_without_change_is_not(
    client, office_staff
):
    client.force_login(office_staff)
    office_staff.refresh_from_db()
    assert _change_user(client, office_staff).status_code == 302
    assert not _entries(office_staff.id)
    assert _change_user(client, office_staff, phone="13800138000").status_code == 302
    entry = _entry(office_staff.id, "user.details")
    assert entry.actor == office_staff
    assert audit_data(entry) == {"before": {"phone": ""}, "after": {"phone": "13800138000"}}


def test_a_password_set_by_someone_else_is_audited_without_the_password(
    client, office_staff, housing_staff
):
    client.force_login(office_staff)
    assert _change_password(client, housing_staff, PASSPHRASE).status_code == 302
    housing_staff.refresh_from_db()
    assert housing_staff.check_password(PASSPHRASE)
    entry = _entry(housing_staff.id, "user.password_set")
    assert (entry.actor, entry.unit) == (office_staff, unit("office"))
    _says(entry.summary, "housing1")
    _keeps_no_secret(entry, housing_staff)


def test_disabling_password_sign_in_is_audited(client, office_staff, housing_staff):
    client.force_login(office_staff)
    response = client.post(
        f"/admin/departments/user/{housing_staff.id}/password/",
        {"usable_password": "false", "unset-password": "1"},
    )
    assert response.status_code == 302
    housing_staff.refresh_from_db()
    assert not housing_staff.has_usable_password()
    entry = _entry(housing_staff.id, "user.password_disable")
    assert entry.actor == office_staff
    assert audit_data(entry) == {"usable": False}
    _says(entry.summary, "housing1")


def test_ones_own_password_changed_in_the_admin_is_audited(client, office_staff):
    client.force_login(office_staff)
    assert _change_password(client, office_staff, PASSPHRASE).status_code == 302
    office_staff.refresh_from_db()
    entry = _entry(office_staff.id, "user.password_change")
    assert (entry.actor, entry.unit) == (office_staff, unit("office"))
    _says(entry.summary, "office1")
    _keeps_no_secret(entry, office_staff)
    assert not _entries(office_staff.id, "user.password_set")


def test_ones_own_password_changed_on_the_portals_page_is_audited(client, mr_staff):
    client.force_login(mr_staff)
    refused = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": PASSPHRASE, "new_password2": PASSPHRASE},
    )
    assert refused.status_code == 400
    assert not _entries(mr_staff.id)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": PASSPHRASE, "new_password2": PASSPHRASE},
    )
    assert response.status_code == 302
    mr_staff.refresh_from_db()
    entry = _entry(mr_staff.id, "user.password_change")
    assert (entry.actor, entry.unit) == (mr_staff, unit("market-regulation"))
    _keeps_no_secret(entry, mr_staff)


def test_a_deleted_person_is_audited_with_the_username_and_roles_it_had(
    client, office_director, housing_staff
):
    client.force_login(office_director)
    person_id = housing_staff.id
    response = client.post(f"/admin/departments/user/{person_id}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(id=person_id).exists()
    entry = _entry(person_id, "user.delete")
    assert (entry.actor, entry.unit) == (office_director, unit("office"))
    assert entry.data["before"]["username"] == "housing1"
    assert entry.data["before"]["roles"] == [RoleCode.UNIT_STAFF]
    assert entry.data["before"]["unit"] == "housing"
    _says(entry.summary, "housing1", "区住房建设委", "单位工作人员")
    assert "password" not in entry.data["before"]


def test_deleting_a_selection_audits_every_person(client, office_director, housing_staff, mr_staff):
    client.force_login(office_director)
    response = client.post(
        "/admin/departments/user/",
        {
            "action": "delete_selected",
            "_selected_action": [housing_staff.id, mr_staff.id],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not User.objects.filter(id__in=[housing_staff.id, mr_staff.id]).exists()
    assert _entry(housing_staff.id, "user.delete").data["before"]["username"] == "housing1"
    assert _entry(mr_staff.id, "user.delete").actor == office_director


def test_a_password_is_not_set_if_its_audit_entry_cannot_be_written(
    client, office_staff, housing_staff, monkeypatch
):
    """The password view of Django's admin opens no transaction of its own."""

    def broken(**kwargs):
        raise RuntimeError("audit trail unavailable")

    client.force_login(office_staff)
    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        _change_password(client, housing_staff, PASSPHRASE)
    housing_staff.refresh_from_db()
    assert housing_staff.check_password("correct horse battery")


def test_a_selection_is_not_deleted_if_its_audit_entries_cannot_be_written(
    client, office_director, housing_staff, mr_staff, monkeypatch
):
    """Django's delete-selected action runs outside a transaction; here it runs in one."""
    written = []

    def second_fails(**kwargs):
        if written:
            raise RuntimeError("audit trail unavailable")
        written.append(kwargs)

    client.force_login(office_director)
    monkeypatch.setattr(services, "audit_record", second_fails)
    with pytest.raises(RuntimeError):
        client.post(
            "/admin/departments/user/",
            {
                "action": "delete_selected",
                "_selected_action": [housing_staff.id, mr_staff.id],
                "post": "yes",
            },
        )
    assert User.objects.filter(id__in=[housing_staff.id, mr_staff.id]).count() == 2


def test_refused_account_changes_write_no_audit_entry(
    client, office_staff, office_director, leader, housing_staff
):
    client.force_login(office_director)
    refused = _change_user(
        client, office_staff, roles=[RoleCode.OFFICE_STAFF, RoleCode.GROUP_LEADER], is_active=""
    )
    assert refused.status_code == 200
    not_grantable = _add_user(client, roles=[RoleCode.GROUP_LEADER], unit=unit("office").id)
    assert not_grantable.status_code == 200
    mismatch = client.post(
        f"/admin/departments/user/{housing_staff.id}/password/",
        {"password1": PASSPHRASE, "password2": PASSPHRASE + "x", "usable_password": "true"},
    )
    assert mismatch.status_code == 200
    assert _change_password(client, leader).status_code == 403
    assert _change_user(client, leader, is_active="").status_code == 403
    delete = client.post(f"/admin/departments/user/{leader.id}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    bulk = client.post(
        "/admin/departments/user/",
        {
            "action": "delete_selected",
            "_selected_action": [housing_staff.id, leader.id],
            "post": "yes",
        },
    )
    assert bulk.status_code == 403
    client.force_login(office_staff)
    assert _change_password(client, office_director).status_code == 403
    assert not AuditEntry.objects.filter(object_type="departments.user").exists()
    client.force_login(office_director)
    assert _change_user(client, housing_staff, is_active="").status_code == 302
    audited = AuditEntry.objects.filter(object_type="departments.user")
    assert [(e.action, e.object_id) for e in audited] == [
        ("user.deactivate", str(housing_staff.id))
    ]


def test_the_office_filters_the_audit_trail_by_kind_of_record(client, office_staff):
    client.force_login(office_staff)
    _change_password(client, office_staff, PASSPHRASE)
    page = client.get("/admin/departments/auditentry/")
    assert page.status_code == 200
    assert "?object_type=departments.user" in page.content.decode()
    assert "?action=user.password_change" in page.content.decode()


def test_an_administrator_cannot_delete_their_own_account(client, sysadmin, housing_staff):
    """The entry of a deletion names who deleted; that account is not deleted with it."""
    client.force_login(sysadmin)
    own = client.post(f"/admin/departments/user/{sysadmin.id}/delete/", {"post": "yes"})
    assert own.status_code == 403
    bulk = client.post(
        "/admin/departments/user/",
        {
            "action": "delete_selected",
            "_selected_action": [sysadmin.id, housing_staff.id],
            "post": "yes",
        },
    )
    assert bulk.status_code == 403
    assert User.objects.filter(id__in=[sysadmin.id, housing_staff.id]).count() == 2
    assert not _entries(housing_staff.id)
