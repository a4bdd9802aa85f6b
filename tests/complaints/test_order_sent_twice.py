"""The same action's form sent twice (a double click past the page's guard, a browser that
retries a post): the first was saved, so the second's version was no longer the order's and
it was answered "Someone else changed order … while you had it open", though no one else
had. Each action's form now carries a one-time token (`form_once`), and the repeat reads
that it was already sent and saved then, nothing a second time. A form sent after someone
else's change is still refused as changed meanwhile."""

from __future__ import annotations

import html as _html
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints import workflow
from complaints.models import WorkOrder, WorkOrderEvent
from tests.factories import make_order

pytestmark = pytest.mark.django_db

SENT_TWICE = (
    "You had already sent this for order {number}, and it was saved then; nothing was saved a "
    "second time. The page shows the order as it is now."
)
STALE = "changed order {number} at "


@pytest.fixture
def order(office_staff, mr_staff):
    o = make_order(office_staff)
    workflow.workorder_sign(order_id=o.id, acting_user=mr_staff)
    return WorkOrder.objects.get(id=o.id)


def _loaded_form(client, order, action: str) -> dict:
    """What the action's form on the order's page posts, as the browser loaded it: its
    hidden fields (the version, the one-time token)."""
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    url = reverse("order_act", args=[order.number, action])
    form = re.search(rf'<form[^>]*action="{re.escape(url)}"[^>]*>.*?</form>', page, re.S)
    assert form is not None, action
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0))
    fields = {name: _html.unescape(value) for name, value in hidden}
    assert "form_once" in fields and "version" in fields, fields
    return fields


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _post(client, order, action, body):
    """The post, and the page it leads to read (its messages with it), as a browser does."""
    response = client.post(reverse("order_act", args=[order.number, action]), body)
    response.page = client.get(response.url).content.decode()
    return response


@pytest.mark.parametrize(
    ("person", "action", "typed", "done"),
    [
        # The order stays as it was (still in the unit's hands): the repeat was refused as
        # changed by someone else.
        ("office_staff", "supervise", {"note": "请于本周五前反馈"}, "supervise"),
        # The order moved on: the repeat was refused as no longer possible.
        ("mr_staff", "accept", {}, "accept"),
    ],
)
def test_the_same_form_sent_twice_says_it_was_already_sent(
    request, client, order, person, action, typed, done
):
    user = request.getfixturevalue(person)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    body = {**_loaded_form(client, order, action), **typed}

    first = _post(client, order, action, body)
    again = _post(client, order, action, body)

    assert first.status_code == again.status_code == 302
    assert again.url == reverse("order_detail", args=[order.number])
    said = _said(again)
    assert said == [SENT_TWICE.format(number=order.number)], said
    assert WorkOrderEvent.objects.filter(order=order, action=done).count() == 1
    assert SENT_TWICE.format(number=order.number) in again.page
    assert "while you had it open" not in again.page


def test_a_form_sent_after_someone_elses_change_is_still_refused_as_stale(
    client, order, office_staff, mr_staff
):
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    body = {**_loaded_form(client, order, "supervise"), "note": "请于本周五前反馈"}
    workflow.workorder_add_note(order_id=order.id, acting_user=mr_staff, text="已电话联系商家")

    response = _post(client, order, "supervise", body)

    said = _said(response)
    assert len(said) == 1 and STALE.format(number=order.number) in said[0], said
    assert not WorkOrderEvent.objects.filter(order=order, action="supervise").exists()


def test_the_token_is_the_forms_not_the_orders(client, order, office_staff, mr_staff):
    """Sent again after someone else's change, the same form still reads as sent (it was
    saved the first time); another form of the same page, not sent before, is refused as
    the order changed since the page was loaded."""
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    supervise = {**_loaded_form(client, order, "supervise"), "note": "请于本周五前反馈"}
    exclude = {**_loaded_form(client, order, "exclude"), "reason": "重复来电"}
    assert _post(client, order, "supervise", supervise).status_code == 302
    workflow.workorder_add_note(order_id=order.id, acting_user=mr_staff, text="已电话联系商家")

    again = _post(client, order, "supervise", supervise)
    other = _post(client, order, "exclude", exclude)

    assert _said(again) == [SENT_TWICE.format(number=order.number)]
    assert STALE.format(number=order.number) in _said(other)[0]
    assert WorkOrderEvent.objects.filter(order=order, action="supervise").count() == 1
