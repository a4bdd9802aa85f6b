"""The dashboard's charts in Chromium: every label is drawn inside its chart's box."""

from __future__ import annotations

import pytest

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS

# Each chart drawn again in SVG from the options the page gave it, in a box of the same size
# at the same place: its texts (axis labels, legend), and those that stand outside that box.
DRAWN_AGAIN = """() => [...document.querySelectorAll("[data-chart]")].map((el) => {
  const box = el.getBoundingClientRect();
  const copy = document.createElement("div");
  copy.style.cssText = `position:absolute;left:${box.left + scrollX}px;` +
    `top:${box.top + scrollY}px;width:${box.width}px;height:${box.height}px`;
  document.body.appendChild(copy);
  const drawn = echarts.init(copy, null, {renderer: "svg"});
  drawn.setOption({...echarts.getInstanceByDom(el).getOption(), animation: false});
  const area = copy.getBoundingClientRect();
  const texts = [...copy.querySelectorAll("text")];
  const outside = texts.filter((t) => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && (r.left < area.left - 1 || r.right > area.right + 1 ||
                           r.top < area.top - 1 || r.bottom > area.bottom + 1);
  }).map((t) => t.textContent);
  drawn.dispose();
  copy.remove();
  return [el.getAttribute("data-chart"), texts.map((t) => t.textContent), outside];
})"""

CHARTS_DRAWN = """() => {
  const charts = [...document.querySelectorAll("[data-chart]")];
  return charts.length >= 3 && charts.every((el) => echarts.getInstanceByDom(el));
}"""


@pytest.fixture
def office(transactional_db):
    user = UserFactory(username="office_charts", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    for code in ("market-regulation", "market-regulation", "commerce", "housing"):
        make_order(user, unit_code=code)
    return user


def test_the_first_units_name_under_the_bars_is_not_cut_off(module_browser, office, live_server):
    """Rotated under vertical bars, "Market Regulation Bureau" ran off the chart's left edge
    ("…arket Regulation") at 1366px in English, "区市场监管局" at 1024px in Chinese:
    containLabel estimated the labels' room from samples. The grid now keeps the labels
    as drawn inside the box (ECharts 6's outerBounds)."""
    seen = {}
    for language in ("zh-hans", "en"):
        page = signed_in(module_browser, live_server, "office_charts", language=language)
        for width in (1366, 1024, 800, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/dashboard/")
            page.wait_for_function(CHARTS_DRAWN)
            drawn = page.evaluate(DRAWN_AGAIN)
            outside = {chart: texts for chart, _texts, texts in drawn if texts}
            if outside:
                seen[f"{language} {width}px"] = outside
        page.context.close()
    assert seen == {}


def test_a_units_one_bar_is_named_whole(module_browser, office, live_server):
    """A unit's own dashboard has one bar a chart: its name was rotated and cut to
    "Market Regulation..." with the chart's width free beside it."""
    UserFactory(username="mr_charts", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF])
    cut, named = {}, 0
    for language, name in (("en", "Market Regulation Bureau"), ("zh-hans", "区市场监管局")):
        page = signed_in(module_browser, live_server, "mr_charts", language=language)
        page.goto(f"{live_server.url}/dashboard/")
        page.wait_for_function(CHARTS_DRAWN)
        for chart, texts, _outside in page.evaluate(DRAWN_AGAIN):
            if any(text.endswith(("...", "…")) for text in texts):
                cut[f"{language} {chart}"] = texts
            named += name in " ".join(texts) or name in "".join(texts)
        page.context.close()
    assert cut == {}
    assert named >= 2
