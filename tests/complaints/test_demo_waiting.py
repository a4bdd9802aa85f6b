"""On a fresh `make run` the group leader's home said "nothing to do", the escalation work
had no dispute waiting for him and the housing account no lead to acknowledge: the demo
showed the mechanism's escalation only after it was over. It now leaves a dispute on the
leader's desk, with the office's proposal, and a lead waiting for housing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from complaints.choices import DisputeStatus, ReferralStatus
from complaints.models import Dispute, Referral
from departments.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", "--quiet-accounts", stdout=StringIO())


def test_a_dispute_waits_for_the_group_leader_with_the_offices_proposal(demo, client):
    waiting = Dispute.objects.get(status=DisputeStatus.PROPOSED)
    assert waiting.proposal
    assert waiting.proposed_unit.code == "commerce"
    client.force_login(User.objects.get(username="leader"))
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "/disputes/?status=proposed" in home


def test_a_lead_waits_for_housing_to_acknowledge_it(demo, client):
    lead = Referral.objects.get(status=ReferralStatus.SENT, to_unit__code="housing")
    assert lead.created_by.unit.code == "market-regulation"
    client.force_login(User.objects.get(username="housing_staff"))
    page = client.get(f"/referrals/{lead.id}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert lead.title in page.content.decode()
