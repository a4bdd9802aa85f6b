"""The leads' and the intervention requests' lists find a record by the number they show
and by its work order's number, typed as people type them, among what the user may see."""

import re

from django.urls import reverse

from complaints import interventions, referrals
from tests.factories import make_order


def rows(client, url: str, attribute: str, q: str, **params) -> list[str]:
    response = client.get(url, {"q": q, **params})
    assert response.status_code == 200
    return re.findall(rf'<tr {attribute}="(\d+)"', response.content.decode())


def test_a_lead_is_found_by_its_number_and_by_its_orders(
    client, office_staff, mr_staff, housing_staff
):
    order = make_order(office_staff)
    lead = referrals.referral_send(
        acting_user=mr_staff,
        to_unit_code="commerce",
        title="培训机构预付费卷款",
        facts="某培训学校收取预付学费后停课，涉嫌违规经营。",
        order_number=order.number,
    )
    other = referrals.referral_send(
        acting_user=mr_staff, to_unit_code="commerce", title="Apple 专卖店", facts="拒不退货"
    )
    url = reverse("referral_list")
    client.force_login(mr_staff)
    for typed in (lead.number, lead.number.lower(), lead.number.replace("-", " "), order.number):
        assert rows(client, url, "data-referral", typed, tab="sent") == [str(lead.id)], typed
    assert rows(client, url, "data-referral", "apple", tab="sent") == [str(other.id)]
    client.force_login(housing_staff)
    assert rows(client, url, "data-referral", lead.number, tab="received") == []


def test_an_intervention_request_is_found_by_its_number_and_by_its_orders(
    client, office_staff, mr_staff, housing_staff
):
    order = make_order(office_staff)
    item = interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["public-security"],
        title="商场燃气泄漏后商户拒不停业",
        situation="消费者反映商场内餐饮商户燃气泄漏，仍在营业。",
        order_number=order.number,
    )
    url = reverse("intervention_list")
    client.force_login(mr_staff)
    for typed in (item.number, item.number.lower(), item.number.replace("-", ""), order.number):
        assert rows(client, url, "data-intervention", typed) == [str(item.id)], typed
    client.force_login(housing_staff)
    assert rows(client, url, "data-intervention", item.number) == []
