"""A returned annual summary gets a status of its own (SummaryStatus.RETURNED). Before it, a
returned summary went back to 'draft' and only its audit row (`summary.return`) said so; such
a draft is marked returned here. A summary leaves 'draft' only by being submitted, so a draft
with a return on record is one still waiting to be changed and submitted again."""

from django.db import migrations, models


def mark_returned(apps, schema_editor):
    AnnualSummary = apps.get_model("reports", "AnnualSummary")
    AuditEntry = apps.get_model("departments", "AuditEntry")
    returned = AuditEntry.objects.filter(
        action="summary.return", object_type="reports.annualsummary"
    ).values_list("object_id", flat=True)
    ids = [int(object_id) for object_id in returned if object_id.isdigit()]
    AnnualSummary.objects.filter(status="draft", id__in=ids).update(status="returned")


def mark_draft(apps, schema_editor):
    AnnualSummary = apps.get_model("reports", "AnnualSummary")
    AnnualSummary.objects.filter(status="returned").update(status="draft")


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0001_initial"),
        ("reports", "0006_history_field_names"),
    ]

    operations = [
        migrations.AlterField(
            model_name="annualsummary",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("returned", "Returned for changes"),
                ],
                default="draft",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(mark_returned, mark_draft),
    ]
