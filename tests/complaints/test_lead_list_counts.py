"""Each tab of the leads list says how many leads it holds, by the same condition as its
list: a unit sees how many it received and sent, the office how many were not acknowledged
in time (in red while any are) and rejected, without opening each tab. One query for all."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import referrals, selectors
from complaints.deadlines import BEIJING

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 7, 6, 10, tzinfo=BEIJING)


def send(person, to_unit_code: str, title: str):
    return referrals.referral_send(
        acting_user=person, to_unit_code=to_unit_code, title=title, facts="巡查中发现的线索。"
    )


def counts(page: str) -> dict[str, tuple[int, str]]:
    found = re.findall(
        r'id="tab-([a-z_]+)"[^>]*>[^<]*<span class="badge rounded-pill ([^"]*)" '
        r'data-count="(\d+)">',
        page,
    )
    return {tab: (int(n), classes) for tab, classes, n in found}


def rows(page: str) -> int:
    return len(re.findall(r'<tr[^>]*data-referral="', page))


def test_the_tabs_count_what_they_list(client, mr_liaison, housing_staff, office_staff):
    with time_machine.travel(NOW, tick=False):
        send(mr_liaison, "housing", "物业擅自提高停车费")
        late = send(mr_liaison, "housing", "物业公司违规收费")
        send(housing_staff, "market-regulation", "装修公司虚假宣传")
        rejected = send(mr_liaison, "commerce", "商场预付卡")
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        referrals.referral_acknowledge(referral_id=late.id, acting_user=housing_staff)
    later = NOW + timedelta(days=10)
    with time_machine.travel(later, tick=False):
        from departments.choices import RoleCode
        from tests.factories import UserFactory, unit

        commerce = UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])
        referrals.referral_reject(
            referral_id=rejected.id, acting_user=commerce, reasons="不属商务职责"
        )
        client.cookies["django_language"] = "en"
        client.force_login(mr_liaison)
        base = reverse("referral_list")
        page = client.get(base).content.decode()
        assert {tab: n for tab, (n, _) in counts(page).items()} == {
            "received": 1,
            "sent": 3,
            "all": 4,
        }
        for tab, (n, _) in counts(page).items():
            assert rows(client.get(f"{base}?tab={tab}").content.decode()) == n, tab

        client.force_login(office_staff)
        page = client.get(base).content.decode()
        shown = counts(page)
        # Two leads still waiting past their time to acknowledge; one rejected.
        assert {tab: n for tab, (n, _) in shown.items()} == {"all": 4, "overdue": 2, "rejected": 1}
        assert "text-bg-danger" in shown["overdue"][1]
        assert "text-bg-danger" not in shown["rejected"][1]
        for tab, (n, _) in shown.items():
            assert rows(client.get(f"{base}?tab={tab}").content.decode()) == n, tab

        tabs = ["all", "overdue", "rejected"]
        selectors.referral_tab_counts(office_staff, tabs, later)  # the user's roles, once
        with CaptureQueriesContext(connection) as queries:
            selectors.referral_tab_counts(office_staff, tabs, later)
        assert len(queries) == 1
