"""After each step on a mediation agreement's or an early intervention's page the reader is
told what was done, not a generic "… was updated" (as the dispute and meeting pages do).
Pages read in English (the django_language cookie)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints import interventions, mediation, workflow
from complaints.deadlines import BEIJING
from complaints.models import MediationAgreement
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 7, 6, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def judge(db):
    return UserFactory(unit=unit("court"), roles=[RoleCode.UNIT_STAFF])


@pytest.fixture
def police(db):
    return UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_STAFF])


def record(office_staff, mr_staff) -> MediationAgreement:
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    return mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        parties="张先生；某某超市",
        terms="超市退还货款并赔偿500元",
        effective_on=date(2026, 7, 3),
        amount="500",
    )


@pytest.fixture
def agreement(office_staff, mr_staff):
    return record(office_staff, mr_staff)


def told(client, user, url, data) -> list[str]:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.post(url, data)
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    client.get(response["Location"])  # shown, so the next step's message stands alone
    return said


def act(client, user, agreement, action, data=None) -> list[str]:
    version = MediationAgreement.objects.get(id=agreement.id).version
    url = reverse("mediation_act", args=[agreement.id, action])
    return told(client, user, url, {**(data or {}), "version": version})


def test_each_step_on_an_agreement_says_what_was_done(client, agreement, mr_staff, judge):
    number = agreement.number
    assert act(client, mr_staff, agreement, "submit", {"consent": "both"}) == [
        f"Mediation agreement {number}: sent to the court for judicial confirmation."
    ]
    assert act(client, judge, agreement, "take", {"case_number": "(2026)津0114民特12号"}) == [
        f"Mediation agreement {number}: the court took the application, case (2026)津0114民特12号."
    ]
    assert act(client, judge, agreement, "extend", {"reasons": "需补充材料"}) == [
        f"Mediation agreement {number}: the time to rule was extended to July 31, 2026."
    ]
    assert act(client, judge, agreement, "confirm") == [
        f"Mediation agreement {number}: the court confirmed it."
    ]


def test_the_court_declining_or_refusing_is_said_as_such(client, office_staff, mr_staff, judge):
    first = record(office_staff, mr_staff)
    act(client, mr_staff, first, "submit", {"consent": "both"})
    assert act(client, judge, first, "not-take", {"reasons": "不属本院管辖"}) == [
        f"Mediation agreement {first.number}: the court declined to take the application."
    ]
    second = record(office_staff, mr_staff)
    act(client, mr_staff, second, "submit", {"consent": "both"})
    act(client, judge, second, "take", {"case_number": "(2026)津0114民特13号"})
    assert act(client, judge, second, "refuse", {"reasons": "协议内容违法"}) == [
        f"Mediation agreement {second.number}: the court refused to confirm it."
    ]


def test_each_step_on_an_intervention_says_what_was_done(client, mr_staff, housing_staff, police):
    item = interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["housing", "public-security"],
        title="商场燃气泄漏后商户拒不停业",
        situation="消费者反映商场内餐饮商户燃气泄漏，仍在营业。",
    )
    number, asking = item.number, unit("market-regulation")

    def step(user, action, data=None):
        return told(client, user, reverse("intervention_act", args=[item.id, action]), data or {})

    assert step(police, "join") == [
        f"Early intervention {number}: your unit will step in; {asking} was told."
    ]
    assert step(housing_staff, "decline", {"reason": "非物业问题"}) == [
        f"Early intervention {number}: your unit declined; {asking} was told why."
    ]
    assert step(police, "note", {"text": "已派员到场"}) == [
        f"Early intervention {number}: your note was added to the timeline."
    ]
    assert step(mr_staff, "close", {"note": "已处置"}) == [
        f"Early intervention {number} was closed."
    ]
