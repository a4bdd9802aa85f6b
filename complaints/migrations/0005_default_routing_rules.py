"""Loads the default responsibility rules, derived from section 三 of the 2022 notice.

Rules are matched by key: a rule the office has edited or deactivated is left alone.
"""

from django.db import migrations

from complaints.default_rules import DEFAULT_RULES


def load(apps, schema_editor):
    RoutingRule = apps.get_model("complaints", "RoutingRule")
    Unit = apps.get_model("departments", "Unit")
    units = {unit.code: unit for unit in Unit.objects.all()}
    for rule in DEFAULT_RULES:
        row, created = RoutingRule.objects.get_or_create(
            key=rule.key,
            defaults={
                "name": rule.name,
                "primary_unit": units[rule.primary_unit],
                "categories": "\n".join(rule.categories),
                "any_of": "\n".join(rule.any_of),
                "all_of": "\n".join(rule.all_of),
                "none_of": "\n".join(rule.none_of),
                "priority": rule.priority,
            },
        )
        if created and rule.co_units:
            row.co_units.set([units[code] for code in rule.co_units])


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_routing_rule"),
        ("departments", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
