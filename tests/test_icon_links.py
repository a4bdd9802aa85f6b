"""A text link that starts with an icon is set as Bootstrap's `icon-link`: as a plain link,
the space between the icon and the words was underlined with them, a stray line before
"年度工作总结" on the reports page. Buttons, menus and navigation set their icons
themselves. This scans every template."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LINK_WITH_ICON = re.compile(r"<a\b[^>]*>\s*<i class=\"bi\b")
SET_ELSEWHERE = re.compile(
    r'class="[^"]*\b(btn|nav-link|dropdown-item|list-group-item|icon-link)\b'
)


def plain_icon_links(text: str) -> list[str]:
    return [m[0] for m in LINK_WITH_ICON.finditer(text) if not SET_ELSEWHERE.search(m[0])]


def test_the_scan_finds_a_plain_link_with_an_icon():
    assert plain_icon_links('<a href="/x"><i class="bi bi-globe"></i> Public page</a>')
    assert not plain_icon_links('<a class="icon-link" href="/x"><i class="bi bi-globe"></i> x</a>')
    assert not plain_icon_links('<a class="btn btn-sm" href="/x"><i class="bi bi-x"></i> x</a>')


def test_every_text_link_with_an_icon_is_an_icon_link():
    found = {
        str(path.relative_to(TEMPLATES)): links
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (links := plain_icon_links(path.read_text(encoding="utf-8")))
    }
    assert found == {}
