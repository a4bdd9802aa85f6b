"""Configuration the office changes in the admin (routing rules, deadlines, the holiday
calendar, units and towns, reminder and escalation policies, reporting deadlines, the
scheduler's tasks and schedules, permission groups) leaves an entry in the audit trail: who
created, changed or deleted which row, with the old and new values of the fields that
changed, in the change's transaction; a save that changes nothing, none."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from complaints.models import CalendarDay, DeadlinePolicy, ReminderPolicy, RoutingRule
from departments import services
from departments.admin import AuditedAdmin
from departments.models import AuditEntry, Town
from tests.factories import unit
from tests.helpers import admin_change, audit_data


def _entries(obj, action=None) -> list[AuditEntry]:
    entries = AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("id")
    return list(entries.filter(action=action) if action else entries)


def _entry(obj, action) -> AuditEntry:
    (entry,) = _entries(obj, action)
    return entry


def _rule_data(**changes) -> dict:
    data = {
        "key": "prepaid-cards",
        "name": "预付卡",
        "primary_unit": unit("commerce").id,
        "co_units": [unit("market-regulation").id],
        "categories": "",
        "any_of": "预付卡",
        "all_of": "",
        "none_of": "",
        "priority": "5",
        "is_active": "on",
        "_save": "1",
    }
    return {**data, **changes}


def test_a_routing_rule_created_changed_and_deleted_in_the_admin_is_audited(client, office_staff):
    client.force_login(office_staff)
    added = client.post("/admin/complaints/routingrule/add/", _rule_data())
    assert added.status_code == 302
    rule = RoutingRule.objects.get(key="prepaid-cards")
    created = _entry(rule, "routing_rule.create")
    assert (created.actor, created.unit) == (office_staff, unit("office"))
    assert created.data["after"]["primary_unit"] == "commerce"
    assert created.data["after"]["co_units"] == ["market-regulation"]
    assert created.data["after"]["priority"] == 5
    assert "预付卡" in created.summary

    co_units = [unit("market-regulation").id, unit("housing").id]
    changed = client.post(
        f"/admin/complaints/routingrule/{rule.id}/change/",
        _rule_data(priority="9", co_units=co_units),
    )
    assert changed.status_code == 302
    entry = _entry(rule, "routing_rule.update")
    assert audit_data(entry) == {
        "before": {"co_units": ["market-regulation"], "priority": 5},
        "after": {"co_units": ["housing", "market-regulation"], "priority": 9},
    }
    assert "预付卡" in entry.summary

    unchanged = client.post(
        f"/admin/complaints/routingrule/{rule.id}/change/",
        _rule_data(priority="9", co_units=co_units),
    )
    assert unchanged.status_code == 302
    assert len(_entries(rule, "routing_rule.update")) == 1

    deleted = client.post(
        "/admin/complaints/routingrule/",
        {"action": "delete_selected", "_selected_action": [rule.id], "post": "yes"},
    )
    assert deleted.status_code == 302
    assert not RoutingRule.objects.filter(id=rule.id).exists()
    gone = _entry(rule, "routing_rule.delete")
    assert gone.actor == office_staff
    assert gone.data["before"]["key"] == "prepaid-cards"
    assert gone.data["before"]["co_units"] == ["housing", "market-regulation"]


def test_a_rule_whose_audit_entry_cannot_be_written_is_not_changed(
    client, office_staff, monkeypatch
):
    client.force_login(office_staff)
    assert client.post("/admin/complaints/routingrule/add/", _rule_data()).status_code == 302
    rule = RoutingRule.objects.get(key="prepaid-cards")

    def broken(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        client.post(f"/admin/complaints/routingrule/{rule.id}/change/", _rule_data(priority="1"))
    with pytest.raises(RuntimeError):
        client.post(
            "/admin/complaints/routingrule/",
            {"action": "delete_selected", "_selected_action": [rule.id], "post": "yes"},
        )
    rule.refresh_from_db()
    assert rule.priority == 5


def test_a_holiday_added_and_deleted_in_the_admin_is_audited(client, office_staff):
    client.force_login(office_staff)
    response = client.post(
        "/admin/complaints/calendarday/add/",
        {"date": "2031-10-08", "name": "国庆节", "_save": "1"},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date="2031-10-08")
    assert _entry(day, "calendar_day.create").data["after"] == {
        "date": "2031-10-08",
        "is_workday": False,
        "name": "国庆节",
    }
    assert client.post(f"/admin/complaints/calendarday/{day.id}/delete/", {"post": "yes"})
    assert not CalendarDay.objects.filter(id=day.id).exists()
    assert _entry(day, "calendar_day.delete").data["before"]["date"] == "2031-10-08"


def test_a_deadline_and_the_reminder_policy_changed_in_the_admin_are_audited(
    client, office_director
):
    client.force_login(office_director)
    policy = DeadlinePolicy.objects.filter(unit="working_days").first()
    amount = policy.amount
    assert admin_change(client, policy, amount=str(amount + 3)).status_code == 302
    entry = _entry(policy, "deadline_policy.update")
    assert entry.actor == office_director
    assert audit_data(entry) == {"before": {"amount": amount}, "after": {"amount": amount + 3}}

    reminders = ReminderPolicy.objects.first() or ReminderPolicy.objects.create()
    lead = reminders.lead_working_days
    assert admin_change(client, reminders, lead_working_days=str(lead + 1)).status_code == 302
    assert audit_data(_entry(reminders, "reminder_policy.update")) == {
        "before": {"lead_working_days": lead},
        "after": {"lead_working_days": lead + 1},
    }


def test_a_units_robot_address_change_is_audited_without_its_key(client, sysadmin):
    client.force_login(sysadmin)
    housing = unit("housing")
    secret = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0a1b2c3d-secret"
    response = admin_change(client, housing, robot_webhook_url=secret, remit="物业服务")
    assert response.status_code == 302
    housing.refresh_from_db()
    assert housing.robot_webhook_url == secret
    entry = _entry(housing, "unit.update")
    assert set(entry.data["after"]) == {"robot_webhook_url", "remit"}
    assert entry.data["after"]["robot_webhook_url"] == (
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…"
    )
    assert "0a1b2c3d-secret" not in json.dumps(entry.data) + entry.summary


def test_a_town_changed_in_the_lists_editable_columns_is_audited(client, office_staff):
    client.force_login(office_staff)
    town = Town.objects.order_by("id").first()
    page = client.get("/admin/departments/town/")
    formset = page.context["cl"].formset
    data = {
        formset.management_form.add_prefix(k): v for k, v in formset.management_form.initial.items()
    }
    for index, form in enumerate(formset.forms):
        data[f"form-{index}-id"] = str(form.instance.pk)
        data[f"form-{index}-sort_order"] = str(form.instance.sort_order)
        if form.instance.is_active and form.instance.pk != town.pk:
            data[f"form-{index}-is_active"] = "on"
    response = client.post("/admin/departments/town/", {**data, "_save": "1"})
    assert response.status_code == 302
    assert not Town.objects.get(id=town.id).is_active
    entry = _entry(town, "town.update")
    assert audit_data(entry) == {"before": {"is_active": True}, "after": {"is_active": False}}
    assert AuditEntry.objects.filter(action="town.update").count() == 1


def test_disabling_a_scheduled_task_and_deleting_its_schedule_are_audited(client, office_director):
    every = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    crontab = CrontabSchedule.objects.create(minute="0", hour="4")
    task = PeriodicTask.objects.create(name="提醒", task="x.y", interval=every)
    nightly = PeriodicTask.objects.create(name="夜间", task="x.z", crontab=crontab)
    client.force_login(office_director)
    response = client.post(
        "/admin/django_celery_beat/periodictask/",
        {"action": "disable_tasks", "_selected_action": [task.id]},
    )
    assert response.status_code == 302
    entry = _entry(task, "periodic_task.update")
    assert entry.actor == office_director
    assert entry.data["before"]["enabled"] is True
    assert entry.data["after"]["enabled"] is False
    assert entry.data["admin_action"] == "disable_tasks"

    url = f"/admin/django_celery_beat/crontabschedule/{crontab.id}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not PeriodicTask.objects.filter(id=nightly.id).exists()
    gone = _entry(crontab, "crontab_schedule.delete")
    assert gone.data["before"]["hour"] == "4"
    assert gone.data["deleted_with"] == {"django_celery_beat.periodictask": [str(nightly)]}


def test_running_a_scheduled_task_from_the_admin_queues_it_only_once_the_action_commits(
    client, office_director, django_capture_on_commit_callbacks, monkeypatch
):
    """The admin's actions run in one transaction with their audit entries: a task queued
    inside it would be sent even if the transaction then rolled back."""
    from celery.app.task import Task

    sent = []
    monkeypatch.setattr(Task, "apply_async", lambda task, *a, **kw: sent.append(task.name))
    task = PeriodicTask.objects.create(
        name="投递", task="departments.tasks.send_deliveries", interval=_every_ten_minutes()
    )
    client.force_login(office_director)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/admin/django_celery_beat/periodictask/",
            {"action": "run_tasks", "_selected_action": [task.id]},
        )
        assert response.status_code == 302
        assert sent == []
    for callback in callbacks:
        callback()
    assert sent == ["departments.tasks.send_deliveries"]


def _every_ten_minutes() -> IntervalSchedule:
    return IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)


def test_a_permission_group_given_a_permission_is_audited(client, sysadmin):
    client.force_login(sysadmin)
    group = Group.objects.create(name="临时")
    permission = Permission.objects.get(codename="change_routingrule")
    url = f"/admin/auth/group/{group.id}/change/"
    response = client.post(url, {"name": "临时", "permissions": [permission.id], "_save": "1"})
    assert response.status_code == 302
    assert audit_data(_entry(group, "group.update")) == {
        "before": {"permissions": []},
        "after": {"permissions": ["complaints.change_routingrule"]},
    }


def test_a_permission_groups_entry_reads_its_permissions_in_a_fixed_number_of_queries(
    client, sysadmin
):
    """Each permission's app was read with a query of its own, for the snapshot before the
    save and the one after: a group of a hundred permissions, two hundred queries."""
    client.force_login(sysadmin)
    permissions = list(Permission.objects.order_by("id").values_list("id", flat=True)[:24])

    def queries_to_save(size: int) -> int:
        group = Group.objects.create(name=f"组{size}")
        group.permissions.set(permissions[:2])
        url = f"/admin/auth/group/{group.id}/change/"
        form = {"name": group.name, "permissions": permissions[:size], "_save": "1"}
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, form).status_code == 302
        assert len(_entry(group, "group.update").data["after"]["permissions"]) == size
        return len(queries)

    # The first save reads the group's content type for the admin's log, cached per process
    # after it: run alone, the test counted that query for the smaller group only.
    queries_to_save(3)
    assert queries_to_save(4) == queries_to_save(24)


# Admins whose writes are audited by their own services, or that write nothing.
AUDITED_BY_THEIR_SERVICES = {
    "departments.user": "user_changes_audit, user_password_audit, user_delete",
    "departments.dutycontact": "duty_contact_create / _update / _delete",
    "complaints.holidayschedule": "holiday_schedule_save",
    "complaints.apiclient": "api_client_update / _revoke / _reactivate / _rotate_*",
    "complaints.callbackevent": "read-only but for callback_replay (callback.replay)",
    "axes.accessattempt": "signin_unlock",
    "axes.accesslog": "signin_log_delete",
    "axes.accessfailurelog": "signin_log_delete",
    "departments.delivery": "read-only: every field is read-only, nothing to delete",
}


def test_every_admin_that_writes_is_audited(rf, sysadmin):
    request = rf.get("/admin/")
    request.user = sysadmin
    unaudited = []
    for model, model_admin in admin.site._registry.items():
        writes = (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        )
        label = model._meta.label_lower
        audited = isinstance(model_admin, AuditedAdmin) or label in AUDITED_BY_THEIR_SERVICES
        if writes and not audited:
            unaudited.append(label)
    assert unaudited == []
