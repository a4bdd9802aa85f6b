"""Clients made active again before `api_client_reactivate` existed (the admin's checkbox
wrote `is_active` alone) kept their revoke time, and read as revoked. It is cleared, and
kept in the audit trail as the reactivation's entry is."""

from django.db import migrations


def clear_revoked_at_of_active_clients(apps, schema_editor):
    ApiClient = apps.get_model("complaints", "ApiClient")
    AuditEntry = apps.get_model("departments", "AuditEntry")
    for client in ApiClient.objects.filter(is_active=True, revoked_at__isnull=False):
        AuditEntry.objects.create(
            action="api_client.reactivate",
            object_type="complaints.apiclient",
            object_id=str(client.pk),
            summary=client.name,
            data={"revoked_at": client.revoked_at.isoformat(), "recorded_by": "migration"},
        )
        ApiClient.objects.filter(pk=client.pk).update(revoked_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0037_workorder_exclusion_message"),
        ("departments", "0006_notification_messages"),
    ]

    operations = [
        migrations.RunPython(clear_revoked_at_of_active_clients, migrations.RunPython.noop)
    ]
