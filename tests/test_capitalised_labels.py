"""A label starts with a capital in English: many msgids are lower-case field names ("what is
disputed", "lead unit") because they double as verbose_names or are used mid-sentence, so a
template that puts one at the start of a column header, a term, a legend, a form label, a
heading, a button, a placeholder or an aria-label passes it through capfirst, as
tests/test_stacked_labels.py asks of the phones' data-labels. Chinese is unaffected."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# The opening of an element whose text is a label, or of an attribute that is one.
LABEL_START = re.compile(
    r'<(?:th|dt|legend|label|h[1-6]|button)\b[^>]*>|\b(?:placeholder|aria-label)="'
)
# What may come before the label's text: spaces, an icon, a condition, a row's number.
LEAD_IN = re.compile(
    r"(?:\s+|<i\b[^>]*></i>|{%\s*(?:if|elif|else|endif)\b[^%]*%}|{{ forloop\.counter }}\.)*"
)
# {% translate "x" %} (or 'x'), with or without a context; not "as name", checked below.
TRANSLATE = re.compile(r"""{%\s*translate\s+(["'])(?P<msgid>.*?)\1(?P<rest>[^%]*)%}""")
# {{ _("x") }} with its filters.
UNDERSCORE = re.compile(r"""{{\s*_\((["'])(?P<msgid>.*?)\1\)(?P<filters>[^}]*)}}""")


def bare_labels(text: str) -> list[str]:
    """Each lower-case msgid that opens a label without capfirst."""
    bare = []
    for start in LABEL_START.finditer(text):
        at = LEAD_IN.match(text, start.end()).end()
        if m := TRANSLATE.match(text, at):
            shown_bare = " as " not in m["rest"]
        elif m := UNDERSCORE.match(text, at):
            shown_bare = "capfirst" not in m["filters"]
        else:
            continue
        if shown_bare and m["msgid"][:1].islower():
            bare.append(m.group(0))
    return bare


def test_the_check_finds_a_bare_lower_case_label_and_accepts_a_capitalised_one():
    assert bare_labels('<th scope="col">{% translate "what is disputed" %}</th>')
    assert bare_labels('<dt class="col-sm-3">{% translate "the office\'s proposal" %}</dt>')
    assert bare_labels("<input placeholder=\"{% translate 'task' %}\">")
    assert bare_labels('<select aria-label="{{ _("kind") }}">')
    assert bare_labels(
        '<label for="x">{{ forloop.counter }}. {% translate "business name" %}</label>'
    )
    assert not bare_labels('<th scope="col">{{ _("what is disputed")|capfirst }}</th>')
    assert not bare_labels('<th scope="col">{% translate "Status" %}</th>')
    assert not bare_labels('<legend>{{ legend }}</legend><dt>{% translate "2026 figures" %}</dt>')


def test_no_template_opens_a_label_with_a_lower_case_msgid_without_capfirst():
    bare = [
        f"{path.relative_to(TEMPLATES)}: {label}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if "admin" not in path.parts
        for label in bare_labels(path.read_text())
    ]
    assert not bare, "\n".join(bare)


def test_a_label_translated_into_a_name_is_shown_through_capfirst():
    """{% translate "member units" as legend %}, then legend=legend|capfirst or
    {{ legend|capfirst }} wherever the name is used."""
    bare = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "admin" in path.parts:
            continue
        text = path.read_text()
        for m in re.finditer(
            r"""{%\s*translate\s+(["'])([a-z].*?)\1[^%]*\bas\s+(\w+)\s*%}""", text
        ):
            name = m[3]
            uses = re.findall(rf"(?:{{{{\s*|=){name}\b[^\s}}]*", text[m.end() :])
            bare += [
                f"{path.relative_to(TEMPLATES)}: {m[2]} → {u}" for u in uses if "capfirst" not in u
            ]
    assert not bare, "\n".join(bare)
