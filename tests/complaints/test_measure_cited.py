"""Each escalation list says which measure of section 四 of the notice it carries out. The
jurisdiction disputes list cited measure 4(7), the mediation–litigation link (调诉对接);
disputes over who handles a case, settled by the group leader with a joint investigation
team, are measure 4(5) (疑难复杂案件联合调查), as the referred leads list already said.
(English pages, so the assertions hold however the Chinese is worded.)"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def cited(client, user, url_name: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse(url_name)).content.decode()
    return re.findall(r"\(measure (\d\(\d\)) of the notice\)", page)


@pytest.mark.parametrize(
    "url_name, measure",
    [
        ("dispute_list", "4(5)"),  # 疑难复杂案件联合调查: disputes, joint teams
        ("referral_list", "4(5)"),  # the same measure: leads outside a unit's remit
        ("mediation_list", "4(7)"),  # 调诉对接
        ("meeting_list", "4(4)"),  # 联席会议
    ],
)
def test_each_list_cites_the_measure_it_carries_out(client, housing_staff, url_name, measure):
    assert cited(client, housing_staff, url_name) == [measure]
