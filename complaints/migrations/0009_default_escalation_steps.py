from django.db import migrations

DEFAULT_STEPS = [
    (0, "unit_head"),
    (0, "office"),
    (1, "unit_head"),
    (3, "office_director"),
    (5, "group_leader"),
]


def load(apps, schema_editor):
    EscalationStep = apps.get_model("complaints", "EscalationStep")
    ReminderPolicy = apps.get_model("complaints", "ReminderPolicy")
    for days, recipients in DEFAULT_STEPS:
        EscalationStep.objects.get_or_create(days_overdue=days, recipients=recipients)
    if not ReminderPolicy.objects.exists():
        ReminderPolicy.objects.create(lead_working_days=1)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0008_reminders")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
