from django.db import migrations, models

from wuqing_consumer.migration_operations import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("departments", "0009_sort_order_label"),
    ]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="auditentry",
            index=models.Index(fields=["object_type"], name="audit_object_type"),
        ),
    ]
