"""The attempts a callback has had since its day of retries started at its current URL, which
its backoff grows with. Filled from the attempt log: for a callback whose window has started,
the attempts logged since its start (after a URL change, those at the new URL); for one tried
before the window was stored (a delivered one, if it is replayed), all of them, as before. A
callback whose window was moved on by a revoke may count fewer than it had, and get a few
quicker retries: never slower ones than before."""

from django.db import migrations, models
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_since_the_window_started(apps, schema_editor):
    CallbackEvent = apps.get_model("complaints", "CallbackEvent")
    CallbackAttempt = apps.get_model("complaints", "CallbackAttempt")
    CallbackEvent.objects.filter(attempts__gt=0).update(attempts_at_url=F("attempts"))
    since = (
        CallbackAttempt.objects.filter(event=OuterRef("pk"), at__gte=OuterRef("retry_window_start"))
        .order_by()
        .values("event")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    CallbackEvent.objects.filter(retry_window_start__isnull=False).update(
        attempts_at_url=Coalesce(Subquery(since), 0)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0043_dispute_lead_withdrawn"),
    ]

    operations = [
        migrations.AddField(
            model_name="callbackevent",
            name="attempts_at_url",
            field=models.PositiveIntegerField(default=0, verbose_name="attempts at this URL"),
        ),
        migrations.RunPython(count_since_the_window_started, migrations.RunPython.noop),
    ]
