"""Which of its client's callback URLs a callback's day of retries is counted at, by the
client's count of URL changes, so that a URL changed and changed back starts it again. Both
start at 0: the callbacks tried so far count at the client's URL as it is now, as migration
0041 took them to."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0044_callback_attempts_at_url"),
    ]

    operations = [
        migrations.AddField(
            model_name="apiclient",
            name="callback_url_version",
            field=models.PositiveIntegerField(default=0, verbose_name="callback URL version"),
        ),
        migrations.AddField(
            model_name="callbackevent",
            name="retry_window_url_version",
            field=models.PositiveIntegerField(
                default=0, verbose_name="retries counted at URL version"
            ),
        ),
    ]
