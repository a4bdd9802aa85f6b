"""A lead the group leader designates reaches the unit designated (measure 四（七）): when a
rejected lead's dispute has no work order, the designation sends the lead on to that unit
"by decision", which acknowledges and accepts it as usual but may not bounce it again."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from complaints import disputes, referrals
from complaints.choices import ReferralAction, ReferralStatus
from complaints.deadlines import BEIJING
from complaints.models import Dispute, Referral
from complaints.workflow import WorkflowError
from departments.choices import RoleCode
from tests.factories import UserFactory, unit
from tests.helpers import timeline_notes


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 9, 21, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(db, office_staff, leader, housing_staff):
    return {
        "office": office_staff,
        "leader": leader,
        "commerce": UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF]),
        "education": UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF]),
        "police": UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_STAFF]),
        "housing": housing_staff,
    }


def rejected(people) -> Referral:
    """Commerce refers a lead, with evidence and no work order; education rejects it."""
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
        legal_basis="《消费者权益保护法》第五十三条",
        urgent=True,
        uploads=[SimpleUploadedFile("收据.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")],
    )
    referrals.referral_reject(
        referral_id=lead.id, acting_user=people["education"], reasons="不属教育部门。"
    )
    return Referral.objects.get(id=lead.id)


def designate(people, lead: Referral, unit_code: str) -> Dispute:
    dispute = Dispute.objects.get(referral=lead)
    assert dispute.order_id is None
    disputes.dispute_propose(
        dispute_id=dispute.id,
        acting_user=people["office"],
        proposal="建议指定。",
        unit_code=unit_code,
    )
    return disputes.dispute_designate(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        unit_code=unit_code,
        note="预付式消费，指定该单位负责。",
    )


def test_the_designated_unit_receives_the_lead_opens_and_accepts_it_and_cannot_reject_it(
    people, client
):
    lead = rejected(people)
    dispute = designate(people, lead, "housing")

    sent_on = Referral.objects.get(by_decision=dispute)
    assert (sent_on.from_unit.code, sent_on.to_unit.code) == ("commerce", "housing")
    assert (sent_on.status, sent_on.facts, sent_on.legal_basis, sent_on.urgent) == (
        ReferralStatus.SENT,
        lead.facts,
        lead.legal_basis,
        True,
    )
    assert sent_on.ack_due_at == referrals.ack_deadline(sent_on.created_at, urgent=True)
    assert Referral.objects.get(id=lead.id).status == ReferralStatus.REJECTED

    housing = people["housing"]
    client.force_login(housing)
    waiting = client.get(reverse("referral_list") + "?tab=received&status=sent")
    assert sent_on.number in waiting.content.decode()
    page = client.get(reverse("referral_detail", args=[sent_on.id])).content.decode()
    assert dispute.number in page
    assert reverse("referral_detail", args=[lead.id]) in page
    assert 'id="reject"' not in page
    # The original's evidence is reachable from the lead the unit now holds.
    evidence = lead.attachments.get()
    download = reverse("referral_attachment", args=[lead.id, evidence.id])
    assert download in page
    assert client.get(download).status_code == 200
    assert client.get(reverse("referral_detail", args=[lead.id])).status_code == 200
    assert client.get(reverse("dispute_detail", args=[dispute.id])).status_code == 200

    refused = client.post(
        reverse("referral_act", args=[sent_on.id, "reject"]),
        {"reasons": "不属住建。", "version": sent_on.version},
        follow=True,
    )
    assert dispute.number in refused.content.decode()
    assert "不得拒收" in refused.content.decode()  # "…; it cannot be rejected.", in Chinese
    assert Referral.objects.get(id=sent_on.id).status == ReferralStatus.SENT
    assert Dispute.objects.filter(referral=sent_on).count() == 0

    referrals.referral_acknowledge(referral_id=sent_on.id, acting_user=housing)
    with pytest.raises(WorkflowError, match=dispute.number):
        referrals.referral_reject(referral_id=sent_on.id, acting_user=housing, reasons="不属住建。")
    accepted = referrals.referral_accept(
        referral_id=sent_on.id, acting_user=housing, open_order=True
    )
    assert accepted.status == ReferralStatus.ACCEPTED
    assert accepted.case_reference


def test_the_parties_see_where_the_lead_went_and_an_unrelated_unit_sees_nothing(people, client):
    lead = rejected(people)
    dispute = designate(people, lead, "housing")
    sent_on = Referral.objects.get(by_decision=dispute)

    for person in (people["commerce"], people["education"], people["office"]):
        client.force_login(person)
        for url in (
            reverse("referral_detail", args=[lead.id]),
            reverse("dispute_detail", args=[dispute.id]),
        ):
            assert sent_on.number in client.get(url).content.decode()

    notes = timeline_notes(
        client, people["commerce"], f"/referrals/{lead.id}/", ReferralAction.DECISION, "en"
    )
    assert notes == [
        f"By the group leader's decision {dispute.number} the lead goes to "
        f"{unit('housing').name_en} as lead {sent_on.number}"
    ]
    chinese = timeline_notes(
        client, people["commerce"], f"/referrals/{lead.id}/", ReferralAction.DECISION, "zh-hans"
    )
    assert chinese == [lead.events.get(action=ReferralAction.DECISION).note]
    assert unit("housing").name in chinese[0]

    police = people["police"]
    client.force_login(police)
    for url in (
        reverse("referral_detail", args=[lead.id]),
        reverse("referral_detail", args=[sent_on.id]),
        reverse("dispute_detail", args=[dispute.id]),
        reverse("referral_attachment", args=[lead.id, lead.attachments.get().id]),
    ):
        assert client.get(url).status_code == 404
    assert sent_on.number not in client.get(reverse("referral_list")).content.decode()


def test_the_unit_that_rejected_it_may_be_designated_and_then_cannot_reject_it_again(people):
    lead = rejected(people)
    dispute = designate(people, lead, "education")

    sent_on = Referral.objects.get(by_decision=dispute)
    assert (sent_on.from_unit.code, sent_on.to_unit.code, sent_on.status) == (
        "commerce",
        "education",
        ReferralStatus.SENT,
    )
    with pytest.raises(WorkflowError, match=dispute.number):
        referrals.referral_reject(
            referral_id=sent_on.id, acting_user=people["education"], reasons="仍不属教育。"
        )
    assert Referral.objects.get(id=sent_on.id).status == ReferralStatus.SENT
    assert Dispute.objects.count() == 1
    referrals.referral_accept(referral_id=sent_on.id, acting_user=people["education"])
    assert Referral.objects.get(id=sent_on.id).status == ReferralStatus.ACCEPTED


def test_the_referring_unit_designated_itself_receives_the_lead_from_the_office(people):
    lead = rejected(people)
    dispute = designate(people, lead, "commerce")

    sent_on = Referral.objects.get(by_decision=dispute)
    assert (sent_on.from_unit.code, sent_on.to_unit.code) == ("office", "commerce")
    with pytest.raises(WorkflowError, match=dispute.number):
        referrals.referral_reject(
            referral_id=sent_on.id, acting_user=people["commerce"], reasons="不属商务。"
        )


def test_a_joint_teams_units_read_the_rejected_lead_they_investigate(people, client):
    lead = rejected(people)
    dispute = Dispute.objects.get(referral=lead)
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议成立联合调查组。"
    )
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="housing",
        member_unit_codes=["public-security"],
        note="联合调查。",
    )
    evidence = lead.attachments.get()
    pages = (
        reverse("referral_detail", args=[lead.id]),
        reverse("referral_attachment", args=[lead.id, evidence.id]),
    )

    for person in (people["housing"], people["police"]):
        client.force_login(person)
        assert [client.get(url).status_code for url in pages] == [200, 200]
    outsider = UserFactory(unit=unit("agriculture"), roles=[RoleCode.UNIT_STAFF])
    client.force_login(outsider)
    assert [client.get(url).status_code for url in pages] == [404, 404]
    assert not Referral.objects.filter(by_decision=dispute).exists()
