"""A lead the group leader's decision withdrew from the unit holding it (the unit disputed
it while it was open, and another unit was designated) has its own status: it had been
closed as rejected, so the unit's list and quarterly figures showed a rejection it never
made. The leads withdrawn so far are found as such: rejected, sent on by a decision, and
with no rejection in their history (a unit's rejection always writes one)."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def mark_withdrawn_leads(apps, schema_editor):
    Referral = apps.get_model("complaints", "Referral")
    ReferralEvent = apps.get_model("complaints", "ReferralEvent")
    rejection = ReferralEvent.objects.filter(referral=OuterRef("pk"), action="reject")
    sent_on = Referral.objects.filter(by_decision__referral=OuterRef("pk"))
    Referral.objects.filter(status="rejected").filter(Exists(sent_on), ~Exists(rejection)).update(
        status="withdrawn"
    )


def mark_them_rejected_again(apps, schema_editor):
    Referral = apps.get_model("complaints", "Referral")
    Referral.objects.filter(status="withdrawn").update(status="rejected")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0041_callback_retry_window_url"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="status",
            field=models.CharField(
                choices=[
                    ("sent", "Sent, awaiting acknowledgement"),
                    ("acknowledged", "Acknowledged"),
                    ("accepted", "Accepted"),
                    ("rejected", "Rejected"),
                    ("withdrawn", "Withdrawn by the leader's decision"),
                ],
                default="sent",
                max_length=12,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(mark_withdrawn_leads, mark_them_rejected_again),
    ]
