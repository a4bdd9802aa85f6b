"""Recording a mediation agreement with a work order number mistyped, or left out, answered
with the portal's 404 page: what was typed in the form (the parties, the terms) was lost,
and nothing said what was wrong. It is refused with 400 now, the form kept, the order's
field saying there is no such order that the person may see, as the leads' and requests'
forms say. Pages in English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints.models import MediationAgreement

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("WQ-2026-999999", "There is no work order WQ-2026-999999 that you may see."),
        ("", "Give the number of the work order the agreement settles."),
    ],
)
def test_an_unknown_or_missing_order_number_is_refused_with_the_form_kept(
    client, mr_staff, typed, said
):
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("mediation_new"),
        {
            "order": typed,
            "body": "unit",
            "parties": "张先生；某某超市",
            "terms": "超市退还货款并赔偿500元",
            "effective_on": "2026-01-05",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert said in page
    assert "超市退还货款并赔偿500元" in page
    assert not MediationAgreement.objects.exists()
