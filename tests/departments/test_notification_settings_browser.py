"""On a phone the notification settings' switches sit beside their labels, as on a desk.
The phone's taller tap target centred each switch on its label and the description under
it together, so a switch stood beside the description, below the words it turns on, and
touching them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser_kit import BROWSER_MARKS, signed_in

pytestmark = BROWSER_MARKS

# For each switch: the vertical middle of the switch and of its label's first line, and the
# space between them.
SWITCHES = """() => [...document.querySelectorAll(".form-switch")].map((row) => {
  const box = row.querySelector("input").getBoundingClientRect();
  const line = row.querySelector("label").getClientRects()[0];
  return {
    name: row.querySelector("input").name,
    switchMiddle: box.top + box.height / 2,
    labelMiddle: line.top + line.height / 2,
    lineHeight: line.height,
    tapHeight: row.getBoundingClientRect().height,
    gap: line.left - box.right,
  };
})"""


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_switch_sits_beside_its_label(browser, live_server, office_staff, width, language):
    page = signed_in(
        browser,
        live_server,
        office_staff.username,
        at=reverse("notification_settings"),
        language=language,
        viewport={"width": width, "height": 900},
    )
    switches = page.evaluate(SWITCHES)
    assert len(switches) == 3
    for switch in switches:
        assert abs(switch["switchMiddle"] - switch["labelMiddle"]) < switch["lineHeight"] / 2, (
            switch
        )
        assert switch["gap"] >= 4, switch
        assert switch["tapHeight"] >= 40, switch
