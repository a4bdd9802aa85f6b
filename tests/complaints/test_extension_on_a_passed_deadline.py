"""An extension adds its working days to the deadline, not to today (the notice says nothing
of extensions, and the rule is left as it is). On a deadline long past, 74 days say, the
office approved 5 working days and the order was still overdue right after, which neither
its form nor the unit's said. Now the office's form names the new deadline and, when it has
already passed, says so; the unit's form says how many working days bring the deadline back
ahead, or that even the longest extension does not; and the unit's page, while its request
waits, says it too. (English pages, so the assertions hold however the Chinese is worded.)"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from complaints import workflow
from complaints.models import WorkOrder
from tests.factories import make_order
from tests.helpers import NUMBER_KEPT_WHOLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(office_staff, mr_staff) -> WorkOrder:
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_accept(order_id=order.id, acting_user=mr_staff)
    return WorkOrder.objects.get(id=order.id)


def page(client, user, order) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(reverse("order_detail", args=[order.number])).content.decode()


def unit_form(html: str) -> str:
    return re.search(r'id="summary-extension">.*?</form>', html, re.S)[0]


def office_form(html: str) -> str:
    form = re.search(r'id="form-extension-decision">(.*?)</form>', html, re.S)[1]
    return NUMBER_KEPT_WHOLE.sub(r"\1", form)  # its deadlines kept on one line


def local(due) -> str:
    return timezone.localtime(due).strftime("%Y-%m-%d %H:%M")


def request(order, user, days=5):
    workflow.workorder_request_extension(
        order_id=order.id, acting_user=user, working_days=days, reason="等待检测报告"
    )
    return WorkOrder.objects.get(id=order.id)


def test_the_offices_form_says_the_new_deadline_has_already_passed_74_days_late(
    client, accepted, office_staff, mr_staff
):
    with time_machine.travel(accepted.due_resolution + timedelta(days=74), tick=False):
        order = request(accepted, mr_staff)
        new = workflow.deadline_if_extended(order, "resolution", 5)
        assert new < timezone.now()
        form = office_form(page(client, office_staff, order))
        assert f"If approved, the new deadline, {local(new)}, has already passed" in form
        assert "the order stays overdue" in form
        # What the form announced is what the approval does.
        workflow.workorder_decide_extension(
            order_id=order.id, acting_user=office_staff, approve=True
        )
        assert WorkOrder.objects.get(id=order.id).due_resolution == new


def test_the_unit_reads_it_beside_its_waiting_request(client, accepted, mr_staff):
    with time_machine.travel(accepted.due_resolution + timedelta(days=74), tick=False):
        order = request(accepted, mr_staff)
        new = workflow.deadline_if_extended(order, "resolution", 5)
        html = page(client, mr_staff, order)
    waiting = re.search(r'id="pending-extension">(.*?)</div>\s*</div>', html, re.S)[1]
    waiting = NUMBER_KEPT_WHOLE.sub(r"\1", waiting)  # the deadline kept on one line
    assert f"If approved, the new deadline, {local(new)}, has already passed" in waiting


def test_in_time_the_offices_form_names_the_new_deadline_without_a_warning(
    client, accepted, office_staff, mr_staff
):
    order = request(accepted, mr_staff)
    new = workflow.deadline_if_extended(order, "resolution", 5)
    assert new > order.due_resolution
    form = office_form(page(client, office_staff, order))
    assert f"If approved, the new deadline is {local(new)}." in form
    assert "already passed" not in form
    assert "already passed" not in page(client, mr_staff, order)


def test_the_units_form_says_even_the_longest_extension_leaves_it_past(client, accepted, mr_staff):
    with time_machine.travel(accepted.due_resolution + timedelta(days=74), tick=False):
        longest = workflow.deadline_if_extended(accepted, "resolution", workflow.MAX_EXTENSION_DAYS)
        assert longest < timezone.now()
        form = unit_form(page(client, mr_staff, accepted))
    assert "This deadline has already passed." in form
    assert (
        f"even the longest, {workflow.MAX_EXTENSION_DAYS} working days, gives a new deadline, "
        f"{local(longest)}, that has already passed" in form
    )


def test_the_units_form_says_how_many_days_bring_a_recently_passed_deadline_back(
    client, accepted, mr_staff
):
    with time_machine.travel(accepted.due_resolution + timedelta(days=10), tick=False):
        now = timezone.now()
        late = workflow.late_extension(accepted, "resolution", now)
        days = late.fewest_days
        assert days and days > 1
        assert workflow.deadline_if_extended(accepted, "resolution", days) >= now
        assert workflow.deadline_if_extended(accepted, "resolution", days - 1) < now
        form = unit_form(page(client, mr_staff, accepted))
    assert f"with fewer than {days} working days the new deadline has already passed too" in form


def test_the_units_form_in_time_has_no_warning(client, accepted, mr_staff):
    form = unit_form(page(client, mr_staff, accepted))
    assert "already passed" not in form
