"""The coordination office had three names on Chinese pages: 协调小组办公室, 协调办 and a bare
办公室, sometimes on one page ("协调办为本单位设置工作群机器人后" above "请联系办公室添加"); and a
unit's people read the bare 办公室 as their own unit's office. It is 协调小组办公室 in full and
协调办 for short now. A history line written before keeps being read in each language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def translations() -> list[str]:
    entries = CATALOGUE.read_text(encoding="utf-8").split("\n\n")
    found = []
    for entry in entries:
        lines = entry.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith("msgstr")), None)
        if start is not None:
            found.append("".join(re.findall(r'"(.*)"', "\n".join(lines[start:]))))
    return found


def test_no_translation_names_the_office_a_bare_office():
    bare = [text for text in translations() if re.search(r"(?<!小组)办公室", text)]
    assert len(translations()) > 2000
    assert bare == []


@pytest.mark.parametrize(
    ("language", "read"),
    [("en", "Dispatched by the office at intake"), ("zh-hans", "协调办登记时直接派单")],
)
def test_a_history_line_written_with_the_former_name_is_read_in_each_language(language, read):
    template = Template("{% load orders %}{{ note|history_note }}")
    with translation.override(language):
        assert template.render(Context({"note": "办公室登记时直接派单"})) == read
        assert template.render(Context({"note": "协调办登记时直接派单"})) == read
