"""A co-handling unit (协办单位) on an order another unit handles, walked through: it is asked
to help, reads the order, gives its opinion and sees the result.

- The primary unit was not told that a co-handling unit gave its opinion: the opinion sat on
  the order's page, read only if someone opened it again before replying. Its people are now
  told (the bell, the channels they chose), by the order's number and the unit; the text is
  in the body, which a text message does not carry.
- The co-handling unit was not told that the order was resolved: the order left its
  "Co-handling" tab and the result was found only by looking for it. It is now told, once
  per resolution, and its page has the result.
- The order's page did not say what is asked of the co-handling unit, or by when: it showed
  the order's deadlines (sign for it, decide on acceptance) as if they were its own to meet,
  beside a form to give an opinion. It now says that the primary unit handles the order and
  replies with the result, that the opinion is wanted before it does (and by when it is to,
  once that deadline runs), and names the deadlines as the primary unit's. Once the unit has
  given an opinion, the form is one to add to it, closed, and the page says when it was
  given."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from complaints import workflow
from complaints.models import WorkOrder
from departments.choices import NOTIFICATION_ICONS
from departments.models import Notification
from tests.factories import make_order
from tests.helpers import notice_as_read as read

pytestmark = pytest.mark.django_db


def told(user, key_start: str) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user, key__startswith=key_start).order_by("id")
    )


@pytest.fixture
def order(office_staff) -> WorkOrder:
    """Market Regulation handles it, Housing co-handles it."""
    return make_order(
        office_staff,
        unit_code="market-regulation",
        co_unit_codes=["housing"],
        title="物业费中强制搭售停车管理费",
        content="物业公司收取物业费时强制收取停车管理费，收费标准未公示。",
    )


def page(client, person, order, language="en") -> str:
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("order_detail", args=[order.number]))
    assert response.status_code == 200
    return response.content.decode()


def text_of(page_html: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', page_html, re.S)
    assert match, f"no #{element_id}"
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split()))


# The primary unit hears of an opinion.


def test_the_primary_unit_is_told_of_a_co_handling_opinion(order, housing_staff, mr_staff, mr_head):
    workflow.workorder_add_opinion(
        order_id=order.id, acting_user=housing_staff, text="物业收费问题由我委督促整改。"
    )
    (notice,) = told(mr_staff, "opinion:")
    assert [n.key for n in told(mr_head, "opinion:")] == [notice.key]
    assert notice.url == reverse("order_detail", args=[order.number]) + "#opinions"
    title, body = read(notice, "en")
    assert title == (
        f"Housing and Construction Commission gave its opinion on order {order.number}, "
        "which your unit handles"
    )
    assert body == "物业费中强制搭售停车管理费\n物业收费问题由我委督促整改。"
    title, _ = read(notice, "zh-hans")
    assert title == f"区住房建设委对本单位主办的工单 {order.number} 提出了协办意见"
    assert not told(housing_staff, "opinion:")


def test_each_opinion_is_told(order, housing_staff, mr_staff):
    for text in ("第一条意见。", "补充意见。"):
        workflow.workorder_add_opinion(order_id=order.id, acting_user=housing_staff, text=text)
    assert len(told(mr_staff, "opinion:")) == 2


# The co-handling unit hears of the result.


def resolve(order, person, result="已责令物业公司停止强制收费。"):
    workflow.workorder_resolve(order_id=order.id, acting_user=person, result=result)


def test_the_co_handling_unit_is_told_when_the_order_is_resolved(order, housing_staff, mr_staff):
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    resolve(order, mr_staff)
    (notice,) = told(housing_staff, "co_resolved:")
    assert notice.url == reverse("order_detail", args=[order.number])
    title, body = read(notice, "en")
    assert title == (
        f"Order {order.number}, which your unit co-handles, was resolved by "
        "Market Regulation Bureau"
    )
    assert body == "物业费中强制搭售停车管理费\nThe result is on the order's page."
    title, body = read(notice, "zh-hans")
    assert title == f"本单位协办的工单 {order.number} 已由区市场监管局办结"
    assert body == "物业费中强制搭售停车管理费\n办理结果见工单页面。"
    assert not told(mr_staff, "co_resolved:")


def test_a_second_resolution_is_told_again(order, housing_staff, mr_staff, office_staff):
    """A dissatisfied call-back reopens the order; its next result is told too."""
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    resolve(order, mr_staff)
    workflow.workorder_record_satisfaction(
        order_id=order.id, acting_user=office_staff, rating="dissatisfied", comment="仍在收费"
    )
    order.refresh_from_db()
    if order.status == "assigned":
        workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    resolve(order, mr_staff, "已退还停车管理费。")
    assert len(told(housing_staff, "co_resolved:")) == 2


def test_an_order_without_co_handling_units_tells_no_one_more(office_staff, mr_staff):
    plain = make_order(office_staff, unit_code="market-regulation")
    workflow.workorder_sign(order_id=plain.id, acting_user=mr_staff)
    before = Notification.objects.count()
    resolve(plain, mr_staff)
    assert Notification.objects.count() == before


def test_the_notification_settings_list_both(client, housing_staff):
    client.force_login(housing_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("notification_settings")).content.decode()
    told_of = re.search(r'id="told-of">(.*?)</ul>', html, re.S)[1]
    assert "An opinion a co-handling unit gives on your unit's order" in told_of
    assert "The result of an order your unit co-handles" in told_of


def icons(client, person) -> dict[str, str]:
    """The icon of each notice in the person's list, by the start of its key."""
    client.force_login(person)
    html = client.get(reverse("notification_list")).content.decode()
    items = re.findall(r'<li class="list-group-item.*?</li>', html, re.S)
    found = {}
    for item in items:
        key = Notification.objects.get(id=re.search(r"/notifications/(\d+)/", item)[1]).key
        found[key.split(":")[0]] = re.search(r'<i class="bi (bi-[\w-]+)', item)[1]
    return found


def test_both_notices_have_their_kinds_icon_not_the_bell(client, order, housing_staff, mr_staff):
    """They had the bell, which the list gives to what is not about an order (a meeting,
    a report); an order's notices have the icon of the work orders in the menu."""
    workflow.workorder_add_opinion(order_id=order.id, acting_user=housing_staff, text="同意。")
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    resolve(order, mr_staff)
    # Each its kind's icon (departments.choices.NOTIFICATION_ICONS), not the bell.
    assert icons(client, mr_staff) == {"opinion": NOTIFICATION_ICONS["opinion"].split()[0]}
    assert icons(client, housing_staff) == {
        "co_resolved": NOTIFICATION_ICONS["resolved"].split()[0]
    }


# The co-handling unit's page says what is asked of it and by when.


def test_the_co_handling_units_page_says_what_is_asked_of_it(client, order, housing_staff):
    html = page(client, housing_staff, order)
    assert text_of(html, "co-handling-ask") == (
        "Your unit co-handles this order. Market Regulation Bureau, the primary unit, "
        "handles it and replies with the result: give your unit's opinion before it does, "
        "as none can be added once the order is resolved."
    )
    assert text_of(html, "deadlines-kicker") == "Deadlines of the primary unit"


def test_it_says_by_when_the_primary_unit_is_to_reply(client, order, housing_staff, mr_staff):
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_accept(order_id=order.id, acting_user=mr_staff)
    order.refresh_from_db()
    due = f"{timezone.localtime(order.due_resolution):%Y-%m-%d %H:%M}"
    html = page(client, housing_staff, order)
    assert text_of(html, "co-handling-ask").endswith(
        f"as none can be added once the order is resolved. It is to reply by {due}."
    )
    html = page(client, housing_staff, order, "zh-hans")
    assert text_of(html, "co-handling-ask").endswith(f"办结后不能再提出。主办单位应于{due}前答复。")


def test_the_chinese_page_says_so_too(client, order, housing_staff):
    html = page(client, housing_staff, order, "zh-hans")
    assert text_of(html, "co-handling-ask") == (
        "本单位为该工单的协办单位。主办单位区市场监管局负责办理并答复办理结果，"
        "请在其办结前提出本单位意见，办结后不能再提出。"
    )
    assert text_of(html, "deadlines-kicker") == "主办单位办理时限"


def test_once_it_gave_its_opinion_the_form_is_to_add_to_it(client, order, housing_staff):
    workflow.workorder_add_opinion(order_id=order.id, acting_user=housing_staff, text="同意。")
    opinion = order.opinions.get()
    html = page(client, housing_staff, order)
    given = f"{timezone.localtime(opinion.created_at):%Y-%m-%d %H:%M}"
    assert text_of(html, "co-handling-ask").startswith(
        f"Your unit gave its opinion on {given}. Market Regulation Bureau, the primary unit, "
        "handles the order and replies with the result; you may add to your opinion until "
        "it does."
    )
    summary = re.search(r'<details[^>]*id="details-opinion"[^>]*>\s*<summary[^>]*>(.*?)<', html)
    assert summary and summary.group(1) == "Add to your unit's opinion"
    assert ' id="details-opinion" open' not in html


def test_the_primary_unit_and_the_office_read_the_deadlines_as_before(
    client, order, mr_staff, office_staff
):
    for person in (mr_staff, office_staff):
        html = page(client, person, order)
        assert text_of(html, "deadlines-kicker") == "Deadlines"
        assert 'id="co-handling-ask"' not in html


# The lists name the primary unit's deadline as such on a co-handled order.


def due_names(client, person, tab, language="en") -> list[str]:
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    listed = client.get(reverse("order_list"), {"tab": tab}).content.decode()
    return [
        html.unescape(name) for name in re.findall(r'<span class="due-name">(.*?)</span>', listed)
    ]


def test_the_co_handling_units_lists_name_the_deadline_as_the_primary_units(
    client, order, housing_staff
):
    """The "Opinion due" and "Co-handling" tabs showed "Sign for 12-04 23:59, 1 d left" in
    the due-soon colour, as if the order were the unit's own to sign for."""
    assert due_names(client, housing_staff, "opinion_due") == ["Sign for (primary unit)"]
    assert due_names(client, housing_staff, "co_handling") == ["Sign for (primary unit)"]
    assert due_names(client, housing_staff, "co_handling", "zh-hans") == ["签收（主办单位）"]


def test_the_primary_unit_and_the_office_read_the_lists_as_before(
    client, order, mr_staff, office_staff
):
    assert due_names(client, mr_staff, "to_sign") == ["Sign for"]
    assert due_names(client, office_staff, "all") == ["Sign for"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_before_its_opinion_the_form_stands_open_with_a_label(
    client, order, housing_staff, language
):
    """It opened with a button-like summary 'Give your unit's opinion' above the box and a
    button 'Send the opinion' below it: two buttons of nearly the same words, the first of
    which only folded the form away. The box now has a label, and nothing folds it."""
    html = page(client, housing_staff, order, language)
    with translation.override(language):
        label = gettext("Your unit's opinion")
    assert 'id="details-opinion"' not in html
    found = re.search(
        r'<label class="form-label small mb-1" for="opinion-text">([^<]*)</label>', html
    )
    assert found and found.group(1) == label
    form = re.search(r'<form[^>]*id="opinion-form"[^>]*>(.*?)</form>', html, re.S).group(1)
    assert form.count("<button") == 1
