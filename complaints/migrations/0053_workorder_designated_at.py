from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0052_workorder_sign_for_suspended"),
    ]

    operations = [
        migrations.AddField(
            model_name="workorder",
            name="designated_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="unit with jurisdiction designated at"
            ),
        ),
    ]
