"""Loads the default deadline policy (SAMR measures, Tianjin 12345 urgency rules)."""

from django.db import migrations

from complaints.deadlines import DEFAULT_DEADLINE_RULES


def load(apps, schema_editor):
    DeadlinePolicy = apps.get_model("complaints", "DeadlinePolicy")
    for rule in DEFAULT_DEADLINE_RULES:
        DeadlinePolicy.objects.get_or_create(
            name=rule.name,
            kind=rule.kind,
            urgency=rule.urgency,
            defaults={"amount": rule.amount, "unit": str(rule.unit), "starts_at": rule.starts_at},
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_deadline_policy")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
