"""A field's hint is on the page, where the field's aria-describedby points. Django points a
field with help text at `<id>_helptext`; the campaign form showed its two hints ("One per
line.", and how the business-name keywords link work orders) only as placeholders, which go
when typing starts, and a screen reader was pointed at hints that were not there (the HTML
validator's "aria-describedby must point to an element in the same document")."""

from __future__ import annotations

import re

import pytest

# (who, form page): each with fields that point at hints or, once refused, at their errors.
FORMS = [
    ("office_staff", "/campaigns/new/"),
    ("office_staff", "/meetings/new/"),
    ("mr_staff", "/interventions/new/"),
]


def pointed_but_missing(html: str) -> tuple[set[str], set[str]]:
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    pointed = {
        target
        for targets in re.findall(r'aria-describedby="([^"]+)"', html)
        for target in targets.split()
    }
    return pointed, pointed - ids


@pytest.mark.parametrize("persona,url", FORMS)
def test_every_hint_or_error_a_field_points_at_is_on_the_page(persona_client, persona, url):
    client = persona_client(persona)
    shown = client.get(url).content.decode()
    refused = client.post(url, {})
    assert refused.status_code == 400
    pointed, missing = pointed_but_missing(refused.content.decode())
    assert pointed, "the refused form points at no error: the test would prove nothing"
    assert missing == set()
    assert pointed_but_missing(shown)[1] == set()


def test_the_campaign_forms_hints_stay_in_sight_while_typing(persona_client):
    html = persona_client("office_staff").get("/campaigns/new/").content.decode()
    for name in ("targets", "keywords"):
        hint = re.search(
            rf'<div class="form-text[^"]*" id="id_{name}_helptext">([^<]+)</div>', html
        )
        assert hint, name
        field = re.search(rf"<textarea name=\"{name}\"[^>]*>", html).group(0)
        assert "placeholder" not in field
