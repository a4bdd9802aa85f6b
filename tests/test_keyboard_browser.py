"""The staff pages with a keyboard alone, in a real Chromium: where the focus is must be
seen (WCAG 2.4.7), against whatever is around it (1.4.11: 3:1)."""

import re

import pytest

from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
from tests.factories import make_order
from tests.test_accessibility import _contrast

pytestmark = BROWSER_MARKS

FOCUS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const around = [];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const s = getComputedStyle(node);
    if (s.backgroundImage !== "none") { around.push(s.backgroundImage); break; }
    if (s.backgroundColor !== "rgba(0, 0, 0, 0)") { around.push(s.backgroundColor); break; }
  }
  return {
    what: el.tagName + " " + (el.id || el.innerText || el.name || "").trim().slice(0, 40),
    style: style.outlineStyle, width: parseFloat(style.outlineWidth),
    colour: style.outlineColor, around: around.join(" ") || "rgb(255, 255, 255)",
  };
}"""


def _hex(rgb: str) -> str:
    return "#" + "".join(f"{int(c):02x}" for c in rgb.split(","))


def _colours(css: str) -> list[str]:
    return [_hex(c) for c in re.findall(r"rgba?\(([\d ]+,[\d ]+,[\d ]+)", css)]


@pytest.fixture
def browser(transactional_db, live_server, office_staff, mr_staff):
    make_order(office_staff)
    with chromium() as browser:
        yield browser


def test_the_focus_is_seen_on_every_control_of_a_list_page(browser, live_server, mr_staff):
    """Bootstrap marks the focus with a pale blue glow (13, 110, 253 at a quarter): 1.4:1 on
    white around a menu entry, a field or a tab, which a keyboard user could not find."""
    page = signed_in(
        browser, live_server, mr_staff.username, at="/orders/", reduced_motion="reduce"
    )

    faint = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus["what"].startswith("BODY"):
            break
        outline = _colours(focus["colour"])
        if focus["style"] == "none" or focus["width"] < 2 or not outline:
            faint.append((focus["what"], "no outline"))
            continue
        for background in _colours(focus["around"]):
            if _contrast(outline[0], background) < 3:
                faint.append((focus["what"], focus["colour"], background))
    assert faint == []
