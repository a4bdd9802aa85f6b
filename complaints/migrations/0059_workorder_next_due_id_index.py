from django.db import migrations, models

from wuqing_consumer.migration_operations import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0058_dispute_settled_by_dispatch"),
    ]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="workorder",
            index=models.Index(fields=["next_due_at", "id"], name="wo_next_due_id"),
        ),
    ]
