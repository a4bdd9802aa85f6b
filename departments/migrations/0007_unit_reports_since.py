"""When each unit's quarterly reporting begins (`Unit.reports_since`).

Until now a unit was asked for the quarters from its first report on, or, with none, for the
last ended quarter only: a unit that never reported was never late for more than one quarter.
A unit already here begins at the earlier of its first report's quarter and the last quarter
ended when this migration runs, which is what was asked of it until now: every quarter asked
of it before stays asked, and no quarter is asked of it that was not asked already."""

from datetime import date

from django.db import migrations, models
from django.db.models import F, Min

import departments.models


def begin_reporting(apps, schema_editor):
    Unit = apps.get_model("departments", "Unit")
    UnitReport = apps.get_model("reports", "UnitReport")
    this_quarter = departments.models.this_quarter_start()
    months = this_quarter.year * 12 + this_quarter.month - 1 - 3
    last_ended = date(months // 12, months % 12 + 1, 1)
    first = dict(
        UnitReport.objects.values("unit_id")
        .annotate(first=Min(F("year") * 10 + F("quarter")))
        .order_by()
        .values_list("unit_id", "first")
    )
    for unit in Unit.objects.only("id"):
        since = last_ended
        if unit.id in first:
            year, quarter = divmod(first[unit.id], 10)
            since = min(since, date(year, 3 * quarter - 2, 1))
        Unit.objects.filter(id=unit.id).update(reports_since=since)


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0006_notification_messages"),
        ("reports", "0006_history_field_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="reports_since",
            field=models.DateField(null=True, verbose_name="quarterly reports from"),
        ),
        migrations.RunPython(begin_reporting, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="unit",
            name="reports_since",
            field=models.DateField(
                default=departments.models.this_quarter_start,
                help_text=(
                    "The unit is asked for a quarterly report for the quarter containing this "
                    "day and every quarter after it, and for any earlier quarter it has reported "
                    "on. A unit added to the portal starts with the quarter it is added in."
                ),
                verbose_name="quarterly reports from",
            ),
        ),
    ]
