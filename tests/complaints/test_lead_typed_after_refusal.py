"""A lead's acceptance or rejection refused (a colleague acknowledged the lead while the
unit wrote its reasons, or the reasons were left blank) came back as a message at the top
of the page, with the rejection form closed at the foot of the page and what was typed
gone. As on an order's page, the page now shows the lead as it is with what was typed back
in its form, open, and the reason under the field it is about when what was typed is at
fault (marked invalid); a refusal about the lead as a whole (changed meanwhile) is read
once, at the top. Once shown, what was typed is not shown again. Pages read in English."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from complaints import referrals
from complaints.choices import ReferralStatus
from complaints.models import Referral

pytestmark = pytest.mark.django_db

REASONS = "该线索涉及虚假宣传，属市场监管职责，不属住建部门。"
KEPT = (
    "Someone else changed lead {number} while you had it open, so nothing was saved. The "
    "page shows the lead as it is now; the form keeps what you typed: check it and send it "
    "again."
)


@pytest.fixture
def lead(mr_staff) -> Referral:
    return referrals.referral_send(
        acting_user=mr_staff,
        to_unit_code="housing",
        title="某小区开发商虚假宣传线索",
        facts="开发商在售楼处宣传学区房，涉嫌虚假宣传。",
    )


def post(client, user, lead, action, fields):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    url = reverse("referral_act", args=[lead.id, action])
    return client.post(url, fields, follow=True).content.decode()


def tag(html: str, dom_id: str) -> str:
    found = re.search(rf'<[a-z]+ [^>]*id="{dom_id}"[^>]*>', html)
    assert found, dom_id
    return found.group(0)


def test_a_rejection_refused_as_stale_comes_back_in_its_open_form(client, lead, housing_staff):
    seen = lead.version
    referrals.referral_acknowledge(referral_id=lead.id, acting_user=housing_staff)
    html = post(
        client,
        housing_staff,
        lead,
        "reject",
        {"version": seen, "reasons": REASONS, "suggested_unit": "market-regulation"},
    )

    assert Referral.objects.get(id=lead.id).status == ReferralStatus.ACKNOWLEDGED
    assert '<details id="details-reject" open>' in html
    assert re.search(rf'id="reasons"[^>]*>{REASONS}</textarea>', html)
    assert re.search(r'<option value="market-regulation" selected>', html)
    # The lead changed meanwhile: read once, at the top; the box is not at fault.
    assert html.count(KEPT.format(number=lead.number)) == 1
    reasons = tag(html, "reasons")
    assert "aria-describedby" not in reasons and "aria-invalid" not in reasons
    assert 'id="reasons-refused"' not in html
    assert 'lang="zh-Hans"' in reasons  # what was typed, read as Chinese on an English page

    again = client.get(reverse("referral_detail", args=[lead.id])).content.decode()
    assert REASONS not in again and '<details id="details-reject" open>' not in again


def test_blank_reasons_are_refused_beside_the_box(client, lead, housing_staff):
    html = post(client, housing_staff, lead, "reject", {"version": lead.version, "reasons": "  "})

    assert Referral.objects.get(id=lead.id).status == ReferralStatus.SENT
    assert '<details id="details-reject" open>' in html
    reasons = tag(html, "reasons")
    assert 'aria-invalid="true"' in reasons and "autofocus" in reasons
    refused = html.split('id="reasons-refused">', 1)[1].split("</div>", 1)[0]
    assert refused == "Give the reasons for rejecting the lead."


def test_an_acceptance_refused_as_stale_comes_back_in_its_form(client, lead, housing_staff):
    seen = lead.version
    referrals.referral_acknowledge(referral_id=lead.id, acting_user=housing_staff)
    html = post(
        client,
        housing_staff,
        lead,
        "accept",
        {"version": seen, "case_reference": "住建罚立〔2026〕12号", "note": "转物业科核查"},
    )

    assert Referral.objects.get(id=lead.id).status == ReferralStatus.ACKNOWLEDGED
    assert 'value="住建罚立〔2026〕12号"' in tag(html, "case-reference")
    assert 'value="转物业科核查"' in tag(html, "accept-note")
    assert 'lang="zh-Hans"' in tag(html, "accept-note")
    assert html.count(KEPT.format(number=lead.number)) == 1
    assert 'id="case-reference-refused"' not in html


def test_a_lead_decided_meanwhile_says_so_rather_than_that_it_changed(
    client, lead, housing_staff, housing_head
):
    """The status is checked before the version: a colleague accepted the lead while the
    unit wrote its rejection, and the refusal says it is decided, with no form promised."""
    seen = lead.version
    referrals.referral_accept(referral_id=lead.id, acting_user=housing_head)
    html = post(client, housing_staff, lead, "reject", {"version": seen, "reasons": REASONS})

    assert Referral.objects.get(id=lead.id).status == ReferralStatus.ACCEPTED
    assert html.count("This lead has already been decided.") == 1
    assert "Someone else changed" not in html


def test_an_acknowledgement_from_a_stale_page_promises_no_form(client, lead, housing_staff):
    seen = lead.version
    referrals.referral_acknowledge(referral_id=lead.id, acting_user=housing_staff)
    html = post(client, housing_staff, lead, "acknowledge", {"version": seen})
    # Acknowledged meanwhile: that is why, not that the lead changed.
    assert "This lead has already been acknowledged." in html
    assert "the form keeps what you typed" not in html
