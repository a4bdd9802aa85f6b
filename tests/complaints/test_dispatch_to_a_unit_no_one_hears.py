"""The office chooses the unit to dispatch an order to from a list of the seventeen, and the
unit hears of it in the portal: its people and its group-chat robot are told of the new
order and by when to sign for it. A unit with no one in the portal and no robot hears
nothing, and the order waits unsigned until the overdue reminder tells the office that no
one there was told. The list now marks such a unit "(no one to tell)" as the office chooses,
as the supervision form says so. (English pages.)"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from departments.models import Unit
from tests.complaints.test_workflow import signed
from tests.factories import make_order
from tests.helpers import form_html

pytestmark = pytest.mark.django_db

UNHEARD = "(no one to tell)"


def options(client, user, order, form_id: str) -> dict[str, str]:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    select = re.search(r'<select name="unit".*?</select>', form_html(page, form_id), re.S)[0]
    return dict(re.findall(r'<option value="([^"]+)"[^>]*>(.*?)</option>', select, re.S))


def test_the_dispatch_list_says_which_units_no_one_would_hear_it_in(client, office_staff, mr_staff):
    Unit.objects.filter(code="education").update(robot_webhook_url="https://robot.example/x")
    order = make_order(office_staff, send_to_triage=True)
    found = options(client, office_staff, order, "form-dispatch")
    assert UNHEARD in found["commerce"]
    assert UNHEARD not in found["market-regulation"]  # mr_staff
    assert UNHEARD not in found["education"]  # its robot


def test_the_redispatch_list_says_so_too(client, office_staff, mr_staff):
    order = signed(office_staff, mr_staff)
    assert order.primary_unit.code == "market-regulation"
    found = options(client, office_staff, order, "form-redispatch")
    assert UNHEARD in found["housing"]
    assert "market-regulation" not in found


def test_a_person_no_longer_active_is_no_one_to_tell(client, office_staff, housing_staff):
    housing_staff.is_active = False
    housing_staff.save(update_fields=["is_active"])
    order = make_order(office_staff, send_to_triage=True)
    assert UNHEARD in options(client, office_staff, order, "form-dispatch")["housing"]
