"""In English the disputes list headed its columns "what is disputed", "units involved" and
"leader to decide by" in lower case beside "Number" and "Status" (lower-case msgids that are
also field names), and the dispute's page named its facts the same way. They now begin with
a capital; the Chinese is the same msgid's translation as before."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from complaints import disputes, workflow
from tests.factories import make_order


@pytest.fixture
def dispute(db, office_staff, mr_staff):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    return disputes.dispute_open(
        acting_user=mr_staff, order_number=order.number, summary="酸奶过期不属于本局管辖"
    )


def page(client, person, url: str, language: str) -> str:
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_disputes_lists_column_headers_begin_with_a_capital_in_english(
    client, dispute, office_staff
):
    html = page(client, office_staff, reverse("dispute_list"), "en")
    table = html[html.index('id="disputes"') :]
    headers = re.findall(r'<th scope="col">([^<]*)</th>', table[: table.index("</thead>")])
    assert headers == [
        "Number",
        "What is disputed",
        "Units involved",
        "Status",
        "Leader to decide by",
    ]


def test_a_disputes_facts_are_named_with_a_capital_in_english(client, dispute, office_staff):
    html = page(client, office_staff, reverse("dispute_detail", args=[dispute.id]), "en")
    terms = re.findall(r'<dt class="col-sm-3">([^<]*)</dt>', html)
    assert {"Work order", "Units involved", "Leader to decide by"} <= set(terms)
    assert not [term for term in terms if term[:1].islower()]


def test_the_chinese_headers_are_unchanged(client, dispute, office_staff):
    html = page(client, office_staff, reverse("dispute_list"), "zh-hans")
    assert '<th scope="col">争议内容</th>' in html
