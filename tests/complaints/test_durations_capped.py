"""What the office sets in the admin as a deadline, a reminder's lead or an escalation's wait
is at most about a year, and a deadline policy's kind and urgency are chosen by name.

3,000,000 working days as an inquiry's answer was saved, and then each new inquiry counted
working days for 17 minutes and failed past the year 9999 (found by fuzzing the admin); a
kind mistyped made a policy that never applies, silently."""

import pytest

from complaints.models import (
    MAX_DAYS,
    MAX_MINUTES,
    MAX_WORKING_DAYS,
    DeadlinePolicy,
    EscalationPolicy,
    EscalationStep,
    ReminderPolicy,
)
from tests.helpers import admin_change


def _errors(answer) -> dict:
    assert answer.status_code == 200, "saved"
    return answer.context["adminform"].form.errors


@pytest.fixture
def answer_policy(db):
    return DeadlinePolicy.objects.get(name="answer", kind="inquiry", urgency="*")


def test_a_deadline_in_working_days_is_at_most_about_a_year(client, office_director, answer_policy):
    client.force_login(office_director)
    refused = admin_change(client, answer_policy, amount="3000000")
    assert _errors(refused) == {"amount": ["最多 250 个工作日（约一年）。"]}
    assert _errors(admin_change(client, answer_policy, amount=str(MAX_WORKING_DAYS + 1)))["amount"]
    answer_policy.refresh_from_db()
    assert answer_policy.amount == 5
    assert admin_change(client, answer_policy, amount=str(MAX_WORKING_DAYS)).status_code == 302
    answer_policy.refresh_from_db()
    assert answer_policy.amount == MAX_WORKING_DAYS


def test_a_deadline_in_minutes_is_at_most_a_year(client, office_director):
    client.force_login(office_director)
    safety = DeadlinePolicy.objects.get(name="sign_for", urgency="safety")
    refused = admin_change(client, safety, amount=str(MAX_MINUTES + 1))
    assert _errors(refused) == {"amount": [f"最多 {MAX_MINUTES} 分钟（一年）。"]}
    # The same figure in working days is refused for the same reason, in those words.
    as_days = admin_change(client, safety, amount=str(MAX_MINUTES), unit="working_days")
    assert _errors(as_days) == {"amount": ["最多 250 个工作日（约一年）。"]}
    assert admin_change(client, safety, amount=str(MAX_MINUTES)).status_code == 302


@pytest.mark.parametrize(
    ("field", "value"), [("kind", "complaints"), ("urgency", "urgent"), ("kind", "")]
)
def test_a_deadline_policy_names_a_kind_and_an_urgency_orders_have(
    client, office_director, answer_policy, field, value
):
    client.force_login(office_director)
    errors = _errors(admin_change(client, answer_policy, **{field: value}))
    assert list(errors) == [field]
    answer_policy.refresh_from_db()
    assert (answer_policy.kind, answer_policy.urgency) == ("inquiry", "*")


def test_the_kinds_and_urgencies_are_chosen_by_name(client, office_director, answer_policy):
    """They were typed as codes ("inquiry", "*"), which the list showed as typed."""
    client.force_login(office_director)
    page = client.get(f"/admin/complaints/deadlinepolicy/{answer_policy.id}/change/")
    form = page.context["adminform"].form
    assert dict(form.fields["kind"].choices) == {
        "*": "所有类型",
        "complaint": "投诉",
        "report": "举报",
        "inquiry": "咨询",
    }
    assert dict(form.fields["urgency"].choices)["*"] == "任意紧急程度"
    listed = client.get("/admin/complaints/deadlinepolicy/").content.decode()
    assert '<td class="field-kind">咨询</td>' in listed
    assert '<td class="field-urgency">任意紧急程度</td>' in listed
    assert str(answer_policy) == "答复 咨询/任意紧急程度: 5 工作日"


def test_an_english_reader_is_refused_in_english(client, office_director, answer_policy, settings):
    client.force_login(office_director)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = admin_change(client, answer_policy, amount="3000000")
    assert _errors(refused) == {"amount": ["At most 250 working days, about a year."]}


ESCALATION_CAPS = {
    "referral_ack_working_days": MAX_WORKING_DAYS,
    "urgent_referral_ack_working_days": MAX_WORKING_DAYS,
    "intervention_answer_hours": 24 * MAX_DAYS,
    "confirmation_apply_days": MAX_DAYS,
    "court_take_days": MAX_DAYS,
    "court_rule_days": MAX_DAYS,
    "court_extension_days": MAX_DAYS,
    "dispute_decision_working_days": MAX_WORKING_DAYS,
}


def test_every_escalation_deadline_is_at_most_about_a_year(client, office_director):
    client.force_login(office_director)
    policy = EscalationPolicy.objects.first() or EscalationPolicy.objects.create()
    fields = {f.name for f in EscalationPolicy._meta.concrete_fields if f.name != "id"}
    assert fields == set(ESCALATION_CAPS)
    for field, cap in ESCALATION_CAPS.items():
        errors = _errors(admin_change(client, policy, **{field: str(cap + 1)}))
        assert errors == {field: [f"不能大于 {cap}。"]}, field
        assert admin_change(client, policy, **{field: str(cap)}).status_code == 302, field
        policy.refresh_from_db()
        assert getattr(policy, field) == cap


def test_reminder_leads_and_escalation_steps_are_at_most_about_a_year(client, office_director):
    client.force_login(office_director)
    reminders = ReminderPolicy.objects.first() or ReminderPolicy.objects.create()
    for field in ("lead_working_days", "report_lead_working_days"):
        errors = _errors(admin_change(client, reminders, **{field: "3000000"}))
        assert errors == {field: ["不能大于 250。"]}, field
    step = EscalationStep.objects.first() or EscalationStep.objects.create(
        days_overdue=3, recipients=EscalationStep.Recipients.OFFICE
    )
    errors = _errors(admin_change(client, step, days_overdue="3000000"))
    assert errors == {"days_overdue": ["不能大于 250。"]}
    reminders.refresh_from_db()
    step.refresh_from_db()
    assert reminders.lead_working_days < 3000000
    assert step.days_overdue < 3000000


def test_the_amount_says_what_0_working_days_means(client, office_director, answer_policy):
    """The office asked what 0 means: the end of the day the clock starts."""
    client.force_login(office_director)
    page = client.get(f"/admin/complaints/deadlinepolicy/{answer_policy.id}/change/")
    assert "填0即计时起点当日结束时" in page.content.decode()
    assert admin_change(client, answer_policy, amount="0").status_code == 302


def test_0_minutes_is_refused_at_the_amount(client, office_director):
    client.force_login(office_director)
    safety = DeadlinePolicy.objects.get(name="sign_for", urgency="safety")
    errors = _errors(admin_change(client, safety, amount="0"))
    assert errors == {"amount": ["按分钟计的期限至少为1分钟。"]}
    safety.refresh_from_db()
    assert safety.amount > 0
