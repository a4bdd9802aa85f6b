"""The reminder leads take at least 1 working day. 0 was taken in the admin, and the
reminders read it as their default (1 working day before a deadline, 5 before quarterly
reports), not what the office had typed (found by auditing the deadlines)."""

from __future__ import annotations

import pytest
from django.conf import settings

from complaints.models import ReminderPolicy

pytestmark = pytest.mark.django_db


def _change(client, policy, **fields):
    data = {"lead_working_days": 1, "report_lead_working_days": 5, "_save": "1", **fields}
    return client.post(f"/admin/complaints/reminderpolicy/{policy.id}/change/", data)


@pytest.mark.parametrize("field", ["lead_working_days", "report_lead_working_days"])
def test_a_lead_of_0_working_days_is_refused_at_its_field(client, office_director, field):
    policy, _ = ReminderPolicy.objects.get_or_create()
    before = (policy.lead_working_days, policy.report_lead_working_days)
    client.force_login(office_director)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = _change(client, policy, **{field: 0})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == ["提醒须至少提前 1 个工作日。"]
    policy.refresh_from_db()
    assert (policy.lead_working_days, policy.report_lead_working_days) == before


def test_a_lead_of_1_working_day_is_saved(client, office_director):
    policy, _ = ReminderPolicy.objects.get_or_create()
    client.force_login(office_director)

    response = _change(client, policy, lead_working_days=1, report_lead_working_days=1)

    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.lead_working_days, policy.report_lead_working_days) == (1, 1)
