"""Django's own Chinese for its form fields' limits is worded by our catalogue: it read
“确保该变量包含不超过 200 字符 (目前字符数 300)。” and “确认总共不超过 14 个数字.” under the
quarterly report's fields (found by using the portal as a unit's liaison)."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation


def refusal(field: forms.Field, value: str) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        field.clean(value)
    return refused.value.messages


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        (forms.CharField(max_length=200), "标" * 300, "最多 200 个字，现有 300 个字，请删减。"),
        (forms.CharField(min_length=5), "标题", "至少 5 个字，现有 2 个字。"),
        (forms.DecimalField(max_digits=14, decimal_places=2), "1e30", "最多 14 位数字。"),
        (forms.DecimalField(max_digits=14, decimal_places=2), "12.345", "小数点后最多 2 位。"),
        (forms.DecimalField(max_digits=4, decimal_places=2), "123.4", "小数点前最多 2 位数字。"),
        (forms.IntegerField(max_value=10), "11", "不能大于 10。"),
        (forms.IntegerField(min_value=0), "-1", "不能小于 0。"),
    ],
)
def test_the_limits_of_a_field_are_said_in_the_portals_chinese(field, value, said):
    with translation.override("zh-hans"):
        assert refusal(field, value) == [said]
    with translation.override("en"):
        assert refusal(field, value)[0].startswith("Ensure ")
