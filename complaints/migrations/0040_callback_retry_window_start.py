"""Where a callback's day of retries is counted from, kept on the callback so that a
reactivation can move it on by the time its client was revoked. Filled from the first
attempt for the callbacks that are still retried or may be replayed (pending, failed), so
that one held by a client revoked now also gets its time back; a delivered one has it
filled at its next attempt, if it is replayed."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def start_from_the_first_attempt(apps, schema_editor):
    CallbackEvent = apps.get_model("complaints", "CallbackEvent")
    CallbackAttempt = apps.get_model("complaints", "CallbackAttempt")
    first = CallbackAttempt.objects.filter(event=OuterRef("pk")).order_by("id").values("at")[:1]
    CallbackEvent.objects.filter(state__in=["pending", "failed"], attempts__gt=0).update(
        retry_window_start=Subquery(first)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0039_referral_by_decision"),
    ]

    operations = [
        migrations.AddField(
            model_name="callbackevent",
            name="retry_window_start",
            field=models.DateTimeField(blank=True, null=True, verbose_name="retries counted from"),
        ),
        migrations.RunPython(start_from_the_first_attempt, migrations.RunPython.noop),
    ]
