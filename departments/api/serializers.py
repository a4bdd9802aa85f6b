from rest_framework import serializers

from ..models import Town, Unit


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["code", "name", "name_en", "kind", "full_name", "handles_disputes"]
        # An answer only (the units are read, never written, through the API): read-only,
        # the schema requires each, as every answer has each, a blank full name included.
        read_only_fields = fields
        extra_kwargs = {
            "code": {"help_text": "单位代码（稳定，不随名称变化）/ stable unit code"},
            "name": {"help_text": "单位简称 / short name (Chinese)"},
            "name_en": {"help_text": "英文名称 / English name"},
            "kind": {"help_text": "office 协调小组办公室 / member 成员单位"},
            "full_name": {"help_text": "单位全称 / full name"},
            "handles_disputes": {
                "help_text": "是否受理消费纠纷 / whether it handles consumer disputes"
            },
        }


class TownSerializer(serializers.ModelSerializer):
    class Meta:
        model = Town
        fields = ["code", "name", "name_en", "kind"]
        read_only_fields = fields
        extra_kwargs = {
            "code": {
                "help_text": "镇街代码，推送工单的 town 字段取此值 / the code an order's town is"
            },
            "name": {
                "help_text": "镇街名称；推送工单时 town 也可以填名称 / the town's name, which an "
                "order's town may be too"
            },
            "name_en": {"help_text": "英文名称 / English name"},
            "kind": {"help_text": "town 镇 / street 街道"},
        }
