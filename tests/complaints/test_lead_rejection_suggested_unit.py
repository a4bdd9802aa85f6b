"""A unit rejecting a lead names, if it wishes, the unit it thinks should take it, as it may
when it disputes the lead: the rejection goes to the office as a dispute, and the office's
proposal starts from the suggestion. Suggesting its own unit is refused before anything is
written. A rejection recorded on a dispute already open keeps that dispute's suggestion,
or gives it one. Pages read in English (the django_language cookie)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints import disputes, referrals
from complaints.choices import ReferralStatus
from complaints.models import Dispute, Referral, ReferralEvent
from tests.complaints import lead_kit
from tests.factories import unit

clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


@pytest.fixture
def lead(people) -> Referral:
    return referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
    )


def read_in_english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def test_the_rejection_form_offers_every_other_member_unit(client, people, lead):
    read_in_english(client, people["education"])
    page = client.get(reverse("referral_detail", args=[lead.id])).content.decode()
    form = page.split('id="details-reject"', 1)[1].split("</form>", 1)[0]
    assert 'name="suggested_unit"' in form
    assert '<option value="">No unit suggested</option>' in form
    assert 'value="housing"' in form and 'value="commerce"' in form
    assert 'value="education"' not in form


def test_a_suggestion_with_the_rejection_is_on_the_dispute_it_opens(client, people, lead):
    read_in_english(client, people["education"])
    response = client.post(
        reverse("referral_act", args=[lead.id, "reject"]),
        {"reasons": "属住房预付费纠纷。", "suggested_unit": "housing", "version": lead.version},
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get(referral=lead)
    assert dispute.suggested_unit == unit("housing")
    assert dispute.events.get().data["suggested_unit"] == "housing"
    assert Referral.objects.get(id=lead.id).status == ReferralStatus.REJECTED


def test_suggesting_ones_own_unit_with_a_rejection_changes_nothing(client, people, lead):
    events = ReferralEvent.objects.filter(referral=lead).count()
    read_in_english(client, people["education"])
    response = client.post(
        reverse("referral_act", args=[lead.id, "reject"]),
        {"reasons": "否。", "suggested_unit": "education", "version": lead.version},
    )
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [
        "You cannot suggest your own unit: choose the unit that should take it, "
        "or leave the choice empty."
    ]
    kept = Referral.objects.get(id=lead.id)
    assert (kept.status, kept.version) == (ReferralStatus.SENT, lead.version)
    assert ReferralEvent.objects.filter(referral=lead).count() == events
    assert not Dispute.objects.exists()


def test_a_rejection_joining_an_open_dispute_gives_it_a_suggestion_it_lacked(people, lead):
    opened = disputes.dispute_open(
        acting_user=people["education"], summary="非教育。", referral_id=lead.id
    )
    referrals.referral_reject(
        referral_id=lead.id,
        acting_user=people["education"],
        reasons="不属教育部门。",
        suggested_unit_code="housing",
    )
    assert Dispute.objects.get().id == opened.id
    assert Dispute.objects.get().suggested_unit == unit("housing")


def test_a_rejection_joining_an_open_dispute_keeps_its_suggestion(people, lead):
    disputes.dispute_open(
        acting_user=people["education"],
        summary="非教育。",
        referral_id=lead.id,
        suggested_unit_code="commerce",
    )
    referrals.referral_reject(
        referral_id=lead.id,
        acting_user=people["education"],
        reasons="不属教育部门。",
        suggested_unit_code="housing",
    )
    dispute = Dispute.objects.get()
    assert dispute.suggested_unit == unit("commerce")
    line = dispute.events.order_by("-id").first()
    assert line.data["suggested_unit"] == "housing"
    # The office reads the other suggestion on the dispute's timeline (a history line is
    # written in the district's language).
    assert f"建议由{unit('housing').name}办理" in line.note
