"""The unit a dispute's opener suggested reaches the leader's designation form the same way
for a lead's dispute as for an order's: the office's proposal form starts from it, and the
leader's form starts from the unit the office proposed (the suggestion, or the unit the
office chose over it). Pages read in English (the django_language cookie)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints import disputes, referrals
from complaints.models import Dispute
from tests.complaints import lead_kit
from tests.factories import make_order

clock, english, people = lead_kit.clock, lead_kit.english, lead_kit.people


def opened(people, about: str) -> Dispute:
    """Education disputes an order assigned to it, or a lead referred to it, suggesting
    housing."""
    if about == "order":
        order = make_order(people["office"], unit_code="education", content="物业预收费后停止服务")
        return disputes.dispute_open(
            acting_user=people["education"],
            order_number=order.number,
            summary="属物业服务，非教育。",
            suggested_unit_code="housing",
        )
    lead = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title="物业预收费", facts="事实。"
    )
    return disputes.dispute_open(
        acting_user=people["education"],
        referral_id=lead.id,
        summary="属物业服务，非教育。",
        suggested_unit_code="housing",
    )


def form(client, person, dispute: Dispute, form_id: str) -> str:
    client.force_login(person)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    return page.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]


@pytest.mark.parametrize("about", ["order", "lead"])
@pytest.mark.parametrize(
    ("office_chooses", "designate_starts_at"), [("", "housing"), ("commerce", "commerce")]
)
def test_the_leaders_form_starts_from_the_unit_the_office_proposed(
    client, people, about, office_chooses, designate_starts_at
):
    dispute = opened(people, about)
    proposal = form(client, people["office"], dispute, "propose-form")
    assert '<option value="housing" selected>' in proposal

    # The office posts its form: the unit it started from, or the one it chose instead.
    client.post(
        reverse("dispute_act", args=[dispute.id, "propose"]),
        {"proposal": "建议。", "unit": office_chooses or "housing", "version": dispute.version},
    )
    assert Dispute.objects.get(id=dispute.id).proposed_unit.code == designate_starts_at

    designation = form(client, people["leader"], dispute, "designate-form")
    assert f'<option value="{designate_starts_at}" selected>' in designation
    assert designation.count(" selected>") == 1
