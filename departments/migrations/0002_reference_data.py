"""Loads the office, the 17 member units, the towns and streets, and the roles.

Runs once per database; rows are matched by code, so a unit renamed in the admin later is
left alone, and running against a database that already has them adds only what is missing.
"""

from django.db import migrations

from departments.choices import RoleCode
from departments.reference_data import TOWNS, UNITS


def load(apps, schema_editor):
    Unit = apps.get_model("departments", "Unit")
    Town = apps.get_model("departments", "Town")
    Role = apps.get_model("departments", "Role")
    for row in UNITS:
        Unit.objects.get_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
    for row in TOWNS:
        Town.objects.get_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("departments", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
