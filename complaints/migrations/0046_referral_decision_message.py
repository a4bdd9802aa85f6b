"""A lead withdrawn by the group leader's decision keeps what its note was written from, so
its page shows the note in the reader's language. For the leads withdrawn so far it is
rebuilt from the decision that withdrew them (the dispute's number and the unit it made
responsible: the unit designated, or the joint team's lead unit), and kept only where the
rebuilt text reads exactly as the note kept; any other note (a unit renamed since, an older
wording) keeps showing as it is."""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone, translation
from django.utils.translation import gettext

WITHDRAWN = "Withdrawn by the group leader's decision %(dispute)s: %(unit)s is responsible"


def _number(dispute) -> str:
    """Dispute.number, a property the migration's historical model does not have."""
    return f"ZY-{timezone.localtime(dispute.opened_at):%Y}-{dispute.pk:06d}"


def _name(unit) -> str:
    english = settings.LANGUAGE_CODE.lower().startswith("en")
    return unit.name_en if english and unit.name_en else unit.name


def keep_withdrawal_messages(apps, schema_editor):
    Referral = apps.get_model("complaints", "Referral")
    Dispute = apps.get_model("complaints", "Dispute")
    with translation.override(settings.LANGUAGE_CODE):
        template = gettext(WITHDRAWN)
    leads = Referral.objects.filter(status="withdrawn", decision_message={}).exclude(
        decision_note=""
    )
    for lead in leads.only("id", "decision_note").iterator():
        decisions = Dispute.objects.filter(referral_id=lead.id, decided_at__isnull=False)
        found = []
        for dispute in decisions.select_related("designated_unit", "team__lead_unit"):
            team = getattr(dispute, "team", None)
            unit = dispute.designated_unit or (team.lead_unit if team else None)
            if unit is None:
                continue
            number = _number(dispute)
            text = template % {"dispute": number, "unit": _name(unit)}
            if text == lead.decision_note:
                found.append(
                    {
                        "id": WITHDRAWN,
                        "params": {"dispute": number, "unit": {"unit": unit.code}},
                    }
                )
        if len(found) == 1:
            Referral.objects.filter(id=lead.id).update(decision_message=found[0])


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0045_callback_url_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="decision_message",
            field=models.JSONField(blank=True, default=dict, verbose_name="written from"),
        ),
        migrations.RunPython(keep_withdrawal_messages, migrations.RunPython.noop),
    ]
