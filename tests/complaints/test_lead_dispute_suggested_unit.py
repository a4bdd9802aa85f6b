"""A unit that received a lead and disputes it from the lead's page names, if it wishes, the
unit it thinks should take it: the same optional choice as the order's dispute form (any
active member unit but its own, the referring unit among them), stored on the dispute and
shown on its page. Suggesting its own unit is refused with the order form's reason and
opens nothing. Pages read in English (the django_language cookie)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints import referrals
from complaints.choices import ReferralStatus
from complaints.models import Dispute, Referral, ReferralEvent
from departments.models import Unit
from tests.a11y import duplicate_ids, unnamed_controls
from tests.complaints import lead_kit
from tests.factories import unit

clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


@pytest.fixture
def lead(people) -> Referral:
    """Commerce refers a lead to education, which has not decided on it yet."""
    return referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
    )


def read_in_english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def dispute_form(page: str) -> str:
    return page.split('id="disputes"', 1)[1].split("</form>", 1)[0]


def test_the_receiving_unit_is_offered_every_other_active_member_unit(client, people, lead):
    Unit.objects.filter(code="youth-league").update(is_active=False)
    read_in_english(client, people["education"])
    response = client.get(reverse("referral_detail", args=[lead.id]))
    page = response.content.decode()
    form = dispute_form(page)
    assert 'name="suggested_unit"' in form
    assert "Unit that should take it (optional)" in form
    assert '<option value="">No unit suggested</option>' in form
    assert 'value="housing"' in form
    assert 'value="commerce"' in form  # the referring unit, as the order form allows
    assert 'value="education"' not in form  # its own
    assert 'value="youth-league"' not in form  # inactive
    # Named for a screen reader, and the page's ids stay unique.
    assert unnamed_controls(response.content) == []
    assert duplicate_ids(response.content) == []


def test_a_suggestion_posted_from_the_lead_is_stored_and_shown_on_the_dispute(client, people, lead):
    read_in_english(client, people["education"])
    back = reverse("referral_detail", args=[lead.id])
    response = client.post(
        reverse("dispute_open"),
        {
            "referral": lead.id,
            "summary": "属住房预付费纠纷，非教育。",
            "suggested_unit": "housing",
            "back": back,
        },
    )
    dispute = Dispute.objects.get(referral=lead)
    assert response.status_code == 302
    assert response.url == reverse("dispute_detail", args=[dispute.id])
    assert dispute.suggested_unit == unit("housing")
    assert dispute.events.get().data["suggested_unit"] == "housing"

    for reader in (people["education"], people["office"]):
        read_in_english(client, reader)
        page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
        shown = page.split('id="suggested-unit"', 1)[1].split("</dd>", 1)[0]
        assert str(unit("housing")) in shown

    # The lead's page lists the dispute and offers no second one.
    read_in_english(client, people["education"])
    page = client.get(back).content.decode()
    assert dispute.number in page
    assert 'id="open-dispute"' not in page


def test_suggesting_ones_own_unit_is_refused_and_changes_nothing(client, people, lead):
    version = lead.version
    events = ReferralEvent.objects.filter(referral=lead).count()
    read_in_english(client, people["education"])
    back = reverse("referral_detail", args=[lead.id])
    response = client.post(
        reverse("dispute_open"),
        {
            "referral": lead.id,
            "summary": "非教育。",
            "suggested_unit": "education",
            "back": back,
        },
    )
    assert response.status_code == 302
    assert response.url == back
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [
        "You cannot suggest your own unit: choose the unit that should take it, "
        "or leave the choice empty."
    ]
    assert not Dispute.objects.exists()
    kept = Referral.objects.get(id=lead.id)
    assert (kept.status, kept.version) == (ReferralStatus.SENT, version)
    assert ReferralEvent.objects.filter(referral=lead).count() == events
    assert 'id="open-dispute"' in client.get(back).content.decode()


def test_the_office_disputing_a_rejected_lead_may_suggest_any_active_member_unit(
    client, people, lead
):
    # A rejected lead with no dispute yet (as rejections were before they opened one).
    Referral.objects.filter(id=lead.id).update(status=ReferralStatus.REJECTED)
    read_in_english(client, people["office"])
    page = client.get(reverse("referral_detail", args=[lead.id])).content.decode()
    form = dispute_form(page)
    for code in ("education", "commerce", "housing"):
        assert f'value="{code}"' in form


def test_the_referring_unit_and_the_office_are_offered_the_same_choice(client, people, lead):
    """Either side may put the lead to the office, and the office may ask itself
    (`disputes.may_open_lead_dispute`; who else is not: test_lead_dispute_who_may_open)."""
    for person, own in ((people["commerce"], "commerce"), (people["office"], None)):
        read_in_english(client, person)
        page = client.get(reverse("referral_detail", args=[lead.id])).content.decode()
        form = dispute_form(page)
        assert 'id="open-dispute"' in form
        for code in {"education", "commerce", "housing"} - {own}:
            assert f'value="{code}"' in form
        if own:
            assert f'value="{own}"' not in form
    read_in_english(client, people["leader"])
    page = client.get(reverse("referral_detail", args=[lead.id])).content.decode()
    assert 'id="open-dispute"' not in page
