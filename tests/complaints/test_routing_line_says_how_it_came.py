"""The order page's routing line says how the order reached its unit.

An order registered when a unit accepted a lead read "Routed by rule 物业服务 (…)", though
no rule sent it: the unit took the lead on and the order was registered for it. An order
the office sent elsewhere than the rules said read "Routed by rule X (…) · not followed:
the order was sent by hand", a label glued to a sentence. Each is one sentence now. The
API's `routing` (the hotline's contract) is left as it was."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings

from complaints import referrals, services
from complaints.models import RoutingRule, WorkOrder

pytestmark = pytest.mark.django_db

PROPERTY_TEXT = "小区物业不作为，电梯坏了一个月没人修，业主多次反映无果"


def routing_line(client, order: WorkOrder, language: str = "en") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/orders/{order.number}/")
    assert response.status_code == 200
    page = response.content.decode()
    line = page.split('id="routing-rule">', 1)[1].split("</div>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", "", line))


def intake(user, **overrides) -> WorkOrder:
    data = {
        "kind": "complaint",
        "channel": "phone",
        "content": PROPERTY_TEXT,
        "citizen_name": "王先生",
        "citizen_phone": "13812345678",
    }
    return services.workorder_intake(acting_user=user, **(data | overrides))


def order_from_lead(mr_staff, housing_staff) -> tuple[WorkOrder, object]:
    lead = referrals.referral_send(
        acting_user=mr_staff,
        to_unit_code="housing",
        title="小区物业电梯长期失修",
        facts=PROPERTY_TEXT,
    )
    lead = referrals.referral_accept(
        referral_id=lead.id, acting_user=housing_staff, open_order=True
    )
    return WorkOrder.objects.get(number=lead.case_reference), lead


def test_an_order_registered_from_an_accepted_lead_says_so_not_which_rule_routed_it(
    client, mr_staff, housing_staff
):
    order, lead = order_from_lead(mr_staff, housing_staff)
    # The rules ran on the lead's text and would have said the same unit: not the point.
    assert order.routing["rule"] and order.routing["primary_unit"] == "housing"
    client.force_login(housing_staff)

    line = routing_line(client, order)

    assert "rule" not in line.lower()
    assert lead.number in line
    assert line == (
        f"Registered from lead {lead.number}, accepted by Housing and Construction Commission."
    )
    page = client.get(f"/orders/{order.number}/").content.decode()
    section = page.split('id="routing-rule">', 1)[1].split("</div>", 1)[0]
    assert f'href="/referrals/{lead.id}/"' in section
    # Chinese: one line, the lead's number in it, no rule named.
    chinese = routing_line(client, order, "zh-hans")
    assert lead.number in chinese
    assert RoutingRule.objects.get(key=order.routing["rule"]).name not in chinese


def test_the_group_leader_reads_the_lead_too(client, mr_staff, housing_staff, leader):
    order, lead = order_from_lead(mr_staff, housing_staff)
    client.force_login(leader)
    page = client.get(f"/orders/{order.number}/").content.decode()
    section = page.split('id="routing-rule">', 1)[1].split("</div>", 1)[0]
    assert lead.number in section


def test_an_order_sent_elsewhere_than_the_rules_said_says_so_in_one_sentence(client, office_staff):
    order = intake(office_staff, unit_code="market-regulation")
    assert order.routing["primary_unit"] == "housing"
    rule = RoutingRule.objects.get(key=order.routing["rule"])
    client.force_login(office_staff)

    line = routing_line(client, order)

    assert "not followed" not in line and " · " not in line
    assert line.startswith("The rules suggested Housing and Construction Commission")
    assert rule.name in line
    assert line.endswith("; the office sent it to Market Regulation Bureau.")


def test_an_order_kept_in_triage_against_the_rules_says_the_office_kept_it(client, office_staff):
    order = intake(office_staff, send_to_triage=True)
    from complaints import workflow

    workflow.workorder_dispatch(
        order_id=order.id, acting_user=office_staff, unit_code="market-regulation"
    )
    client.force_login(office_staff)

    line = routing_line(client, order)

    assert line.startswith("The rules suggested ")
    assert line.endswith("; the office kept it in the triage queue.")


def test_an_order_the_rules_routed_still_names_its_rule(client, office_staff):
    order = intake(office_staff)
    rule = RoutingRule.objects.get(key=order.routing["rule"])
    client.force_login(office_staff)
    assert routing_line(client, order).startswith(f"Routed by rule {rule.name}")


def test_an_order_the_office_sent_where_the_rules_said_says_the_office_sent_it(
    client, office_staff
):
    """It read "Routed by rule X" above a history saying the office dispatched it; with a
    rule naming a co-handling unit the office had not added, it seemed to have been."""
    chosen_alike = intake(office_staff, unit_code="housing")
    rule = RoutingRule.objects.get(key=chosen_alike.routing["rule"])
    client.force_login(office_staff)
    line = routing_line(client, chosen_alike)
    assert line.startswith("The office sent it to Housing and Construction Commission, as the")
    assert f"rules suggested (rule {rule.name}, matched: " in line
    assert "Routed by rule" not in line
    assert routing_line(client, chosen_alike, "zh-hans").startswith("协调办登记时派给区住房建设委")


def test_the_api_routing_field_is_unchanged_for_an_order_from_a_lead(mr_staff, housing_staff):
    """The hotline's contract: the rules' decision and who overrode it, keys unchanged."""
    order, _lead = order_from_lead(mr_staff, housing_staff)
    assert set(order.routing) <= {
        "rule",
        "matched",
        "primary_unit",
        "co_units",
        "candidates",
        "reason",
        "status",
        "score",
        "overridden_to",
    }
    assert order.routing["overridden_to"] == "housing"
