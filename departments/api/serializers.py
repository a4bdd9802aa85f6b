from rest_framework import serializers

from ..models import Unit


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["code", "name", "name_en", "kind", "full_name", "handles_disputes"]
