"""The campaign form's two drop-downs start the same way: "—" until one is chosen (the lead
unit read "---------", Django's default, beside the topic's "—")."""

from __future__ import annotations

import re

import pytest

from reports.campaign_forms import CampaignForm

pytestmark = pytest.mark.django_db


def first_option(html: str) -> str:
    return re.search(r"<option[^>]*>([^<]*)</option>", html).group(1)


def test_the_lead_unit_starts_with_a_dash_as_the_topic_does():
    form = CampaignForm()
    assert first_option(str(form["topic"])) == "—"
    assert first_option(str(form["lead_unit"])) == "—"
