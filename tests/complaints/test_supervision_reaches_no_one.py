"""The office supervises (督办) an overdue order to press its unit, and the unit hears of it
in the portal: its people, by their bells and channels, and its group-chat robot. A unit
with no one in the portal and no robot hears nothing, yet the form asked for what the unit
is to do and the page answered "supervised", as if it had been pressed. The overdue
reminders tell the office when no one in a unit was told; the supervision form now says so
before the office writes, with the unit's duty line to reach it by instead. (English pages,
so the assertions hold however the Chinese is worded.)"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from departments.models import Unit
from tests.factories import DutyContactFactory, make_order, unit

pytestmark = pytest.mark.django_db

NO_ONE = "No one at Commerce Bureau will be told"


def supervise_form(client, user, order) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    return re.search(r'id="details-supervise".*?</details>', page, re.S)[0]


def test_the_form_says_a_unit_with_no_one_in_the_portal_will_not_hear_of_it(client, office_staff):
    order = make_order(office_staff, unit_code="commerce")
    assert NO_ONE in supervise_form(client, office_staff, order)


def test_it_gives_the_units_duty_line_to_reach_it_by(client, leader, office_staff):
    DutyContactFactory(unit=unit("commerce"), label="值班电话", phone="022-82171234")
    order = make_order(office_staff, unit_code="commerce")
    form = supervise_form(client, leader, order)
    assert NO_ONE in form
    assert 'href="tel:02282171234"' in form


def test_a_unit_with_people_or_a_robot_hears_of_it_and_the_form_says_nothing(
    client, office_staff, mr_staff
):
    order = make_order(office_staff)
    assert "will be told" not in supervise_form(client, office_staff, order)
    Unit.objects.filter(code="commerce").update(robot_webhook_url="https://robot.example/x")
    order = make_order(office_staff, unit_code="commerce")
    assert "will be told" not in supervise_form(client, office_staff, order)
