"""Every column name a stacked list shows on a phone (data-label) starts with a capital in
English, as the desktop headings do: the templates pass it through capfirst. The browser test
(tests/test_phone_browser.py) reads a few lists as shown; this covers every template."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LABEL = re.compile(r'data-label="((?:{%.*?%}|{{.*?}}|[^"{])*)"')
# A quarter's name starts with its year or a capital: "2026年第三季度", "Q3 2026".
PERIOD = re.compile(r"^{{ f\.(\w+\.)?period\|quarter }}$")


def test_every_stacked_lists_column_name_goes_through_capfirst():
    bare = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for label in LABEL.findall(path.read_text()):
            names = re.findall(r"{{.*?}}|{%\s*translate.*?%}", label)
            if PERIOD.match(label):
                continue
            if not names or any("|capfirst" not in name for name in names):
                bare.append(f"{path.relative_to(TEMPLATES)}: {label}")
    assert not bare, "\n".join(bare)
