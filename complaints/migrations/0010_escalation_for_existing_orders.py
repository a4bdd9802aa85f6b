from django.db import migrations
from django.db.models import F


def start_escalation(apps, schema_editor):
    """Orders registered before the scans existed get their escalation clock too."""
    WorkOrder = apps.get_model("complaints", "WorkOrder")
    WorkOrder.objects.filter(next_due_at__isnull=False, next_escalation_at__isnull=True).update(
        next_escalation_at=F("next_due_at")
    )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0009_default_escalation_steps")]

    operations = [migrations.RunPython(start_escalation, migrations.RunPython.noop)]
