"""Rejecting a lead cannot be taken back by the unit: it goes to the office as a
jurisdiction dispute and the referring unit is told. On a phone the red "Reject the lead"
button sits right under the reasons just typed, one thumb away from "Accept the lead"; the
form now asks its question first (data-confirm, static/js/portal.js), as returning an
order or opening a dispute does. Pages read in English."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from complaints import referrals

pytestmark = pytest.mark.django_db


def test_the_rejection_of_a_lead_asks_before_it_is_sent(client, mr_staff, housing_staff):
    lead = referrals.referral_send(
        acting_user=mr_staff,
        to_unit_code="housing",
        title="某小区物业收取不合理费用线索",
        facts="物业公司向业主收取未经备案的公共设施维护费。",
    )
    client.force_login(housing_staff)
    client.cookies["django_language"] = "en"
    page = unescape(client.get(reverse("referral_detail", args=[lead.id])).content.decode())

    action = re.escape(reverse("referral_act", args=[lead.id, "reject"]))
    tag = re.search(r'<form[^>]*action="' + action + r'"[^>]*>', page)
    assert tag, "no rejection form"
    asked = re.search(r'data-confirm="([^"]+)"', tag.group(0))
    assert asked, tag.group(0)
    question = asked.group(1)
    assert lead.number in question and "office" in question and "taken back" in question
    assert question.endswith("?") or "? " in question
