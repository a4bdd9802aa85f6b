"""The URL a callback's day of retries is counted at, so that an attempt at a new callback
URL starts it again. Filled with the client's URL now for the callbacks whose window has
started (pending, failed): they were tried at it, unless it was changed since they were
last tried, which cannot be known and is taken as not. Left empty (a delivered one, if it
is replayed), the window goes on at whatever URL it is tried next, as before."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def count_at_the_current_url(apps, schema_editor):
    ApiClient = apps.get_model("complaints", "ApiClient")
    CallbackEvent = apps.get_model("complaints", "CallbackEvent")
    url = ApiClient.objects.filter(pk=OuterRef("client_id")).values("callback_url")[:1]
    CallbackEvent.objects.filter(
        state__in=["pending", "failed"], retry_window_start__isnull=False
    ).update(retry_window_url=Subquery(url))


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0040_callback_retry_window_start"),
    ]

    operations = [
        migrations.AddField(
            model_name="callbackevent",
            name="retry_window_url",
            field=models.URLField(blank=True, verbose_name="retries counted at"),
        ),
        migrations.RunPython(count_at_the_current_url, migrations.RunPython.noop),
    ]
