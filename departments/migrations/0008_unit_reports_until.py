"""The last day a unit reports (`Unit.reports_until`), so that deactivating a unit no longer
takes it out of the quarters and years it reported for.

A unit already inactive gets the day it was deactivated when the audit trail kept it (the
admin's last `unit.update` entry that set `is_active` to false, its day in Beijing): it is
asked again for the periods that ended while it was active, as it was before it was
deactivated. One without such an entry keeps its empty day, and with it what it had until
now: it is asked for nothing."""

from zoneinfo import ZoneInfo

from django.db import migrations, models

BEIJING = ZoneInfo("Asia/Shanghai")


def stamp_deactivated(apps, schema_editor):
    Unit = apps.get_model("departments", "Unit")
    AuditEntry = apps.get_model("departments", "AuditEntry")
    for unit in Unit.objects.filter(is_active=False, reports_until__isnull=True):
        entries = AuditEntry.objects.filter(
            action="unit.update", object_type="departments.unit", object_id=str(unit.id)
        ).order_by("-created_at", "-id")
        for entry in entries.iterator():
            after = (entry.data or {}).get("after") or {}
            if "is_active" not in after:
                continue
            if after["is_active"] is False:
                day = entry.created_at.astimezone(BEIJING).date()
                Unit.objects.filter(id=unit.id).update(reports_until=day)
            break  # the last change of `is_active` decides


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0007_unit_reports_since"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="reports_until",
            field=models.DateField(
                blank=True,
                help_text=(
                    "The last day the unit is asked to report: it is asked for the quarters "
                    "that end by this day and for the annual summaries due by it. Set to the "
                    "day the unit is deactivated, if empty; cleared when it is made active "
                    "again. Empty: it still reports."
                ),
                null=True,
                verbose_name="reports until",
            ),
        ),
        migrations.RunPython(stamp_deactivated, migrations.RunPython.noop),
    ]
