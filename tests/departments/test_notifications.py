"""The notification service: the bell, the channels, and sending each thing once."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import referrals
from departments.models import AuditEntry, Delivery, Notification
from departments.notifications import Message, notify, send_due_deliveries, told_as_liaison
from tests.factories import make_order

# The orders set up here arrive untold: these tests count the notices they are about.
pytestmark = pytest.mark.usefixtures("orders_arrive_untold")


def message(key="test:1", title="工单 WQ-2026-000001 即将到期"):
    return Message(key=key, category="due_soon", title=title, body="小区电梯", url="/orders/")


def test_notifying_twice_with_one_key_tells_each_person_once(mr_staff, mr_head):
    mr_staff.email = "staff@example.cn"
    mr_staff.save(update_fields=["email"])
    assert notify(users=[mr_staff, mr_head], message=message()) == 2
    assert notify(users=[mr_staff, mr_head], message=message()) == 0
    assert Notification.objects.count() == 2
    assert Delivery.objects.filter(channel="email").count() == 1
    assert send_due_deliveries() == 1
    assert send_due_deliveries() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["staff@example.cn"]
    assert "http" in mail.outbox[0].body and "/orders/" in mail.outbox[0].body


def test_people_choose_their_channels(mr_staff, caplog):
    mr_staff.email = "staff@example.cn"
    mr_staff.phone = "13812345678"
    mr_staff.notify_by_email = False
    mr_staff.notify_by_sms = True
    mr_staff.save()
    notify(users=[mr_staff], message=message())
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["sms"]
    with caplog.at_level("INFO", logger="departments.notifications"):
        send_due_deliveries()
    assert "13812345678" in caplog.text
    assert mail.outbox == []


def test_a_units_group_chat_robot_gets_a_text_message_and_a_refusal_is_retried(
    mr_staff, receiver, time_machine
):
    bot = receiver(
        scripted=[(200, {"errcode": 93000, "errmsg": "invalid webhook url"})],
        success=(200, {"errcode": 0}),
    )
    unit = mr_staff.unit
    unit.robot_webhook_url = bot.url
    unit.save(update_fields=["robot_webhook_url"])
    notify(users=[mr_staff], message=message(), robot_unit=unit)
    assert send_due_deliveries() == 0
    delivery = Delivery.objects.get(channel="robot")
    assert delivery.state == "pending" and "93000" in delivery.last_error
    time_machine.move_to(timezone.now() + timedelta(hours=1))
    assert send_due_deliveries() == 1
    assert bot.json()[-1]["msgtype"] == "text"
    assert "WQ-2026-000001" in bot.json()[-1]["text"]["content"]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)


def test_the_bell_counts_unread_and_reading_clears_it(client, mr_staff, mr_head):
    notify(users=[mr_staff], message=message("a"))
    notify(users=[mr_staff], message=message("b", "第二条"))
    other = Notification.objects.create(recipient=mr_head, key="x", category="x", title="他人的")
    client.force_login(mr_staff)
    page = client.get("/").content.decode()
    assert 'id="unread-count">2<' in page
    listing = client.get("/notifications/").content.decode()
    assert "第二条" in listing and "他人的" not in listing
    first = Notification.objects.get(recipient=mr_staff, key="a")
    response = client.get(f"/notifications/{first.id}/")
    assert response.status_code == 302 and response["Location"] == "/orders/"
    assert 'id="unread-count">1<' in client.get("/").content.decode()
    assert client.get(f"/notifications/{other.id}/").status_code == 404
    client.cookies["django_language"] = "en"
    after = client.post("/notifications/read-all/", follow=True).content.decode()
    assert "1 notification marked as read." in after
    assert 'id="unread-count"' not in client.get("/").content.decode()
    other.refresh_from_db()
    assert other.read_at is None


def test_people_change_their_notification_settings_and_it_is_recorded(client, mr_staff):
    client.force_login(mr_staff)
    assert client.get("/accounts/notifications/").status_code == 200
    client.post("/accounts/notifications/", {"notify_by_sms": "on", "daily_digest": "on"})
    mr_staff.refresh_from_db()
    assert (mr_staff.notify_by_email, mr_staff.notify_by_sms, mr_staff.daily_digest) == (
        False,
        True,
        True,
    )
    entry = AuditEntry.objects.get(action="user.notification_settings")
    assert entry.data["after"]["daily_digest"] is True


def test_the_line_saying_why_reaches_sms_and_email_and_the_body_not_sms(mr_staff):
    """A liaison told instead of the head, or the office told that no one in a unit was,
    learns why on every channel; an SMS, which others may read, carries no body."""
    mr_staff.email = "staff@example.cn"
    mr_staff.phone = "13812345678"
    mr_staff.notify_by_sms = True
    mr_staff.save()
    why = told_as_liaison(mr_staff.unit)
    notify(users=[mr_staff], message=replace(message(), why=why))
    sms = Delivery.objects.get(channel="sms")
    assert sms.body == f"工单 WQ-2026-000001 即将到期\n{why}"
    assert "小区电梯" not in sms.body
    email = Delivery.objects.get(channel="email")
    assert email.body.startswith(f"小区电梯\n{why}\n") and "/orders/" in email.body
    bell = Notification.objects.get(recipient=mr_staff)
    assert bell.body == f"小区电梯\n{why}"
    assert bell.messages["body"]["lines"][1]["id"] == why.message["id"]


def test_without_a_line_saying_why_an_sms_is_the_title_alone(mr_staff):
    mr_staff.phone = "13812345678"
    mr_staff.notify_by_sms = True
    mr_staff.save()
    notify(users=[mr_staff], message=message())
    assert Delivery.objects.get(channel="sms").body == "工单 WQ-2026-000001 即将到期"
    assert Notification.objects.get(recipient=mr_staff).body == "小区电梯"


def notice(user, key: str, url: str) -> Notification:
    return Notification.objects.create(recipient=user, key=key, category="x", title=key, url=url)


def unread(*notifications: Notification) -> list[bool]:
    return [Notification.objects.get(pk=n.pk).read_at is None for n in notifications]


def test_opening_an_orders_page_marks_read_what_told_its_reader_of_it_in_one_update(
    client, office_staff, mr_staff, mr_head
):
    """The bell stops counting what its reader has seen: the notices linking to the page
    they open, theirs alone, in one statement however many there are."""
    order = make_order(office_staff)
    other = make_order(office_staff, content="另一件投诉：商场电梯")
    page = reverse("order_detail", args=[order.number])
    mine = [notice(mr_staff, f"order:{n}", page) for n in range(3)]
    elsewhere = notice(mr_staff, "other", reverse("order_detail", args=[other.number]))
    listing = notice(mr_staff, "list", f"{reverse('order_list')}?tab=overdue")
    theirs = notice(mr_head, "head", page)

    client.force_login(mr_staff)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(page).status_code == 200
    updates = [
        q["sql"] for q in captured if q["sql"].startswith("UPDATE") and "notification" in q["sql"]
    ]
    assert len(updates) == 1
    assert unread(*mine) == [False, False, False]
    assert unread(elsewhere, listing, theirs) == [True, True, True]
    assert 'id="unread-count">2<' in client.get(page).content.decode()


def test_opening_a_leads_page_marks_read_what_told_its_reader_of_it(client, mr_staff, mr_head):
    lead = referrals.referral_send(
        acting_user=mr_staff, to_unit_code="commerce", title="预付卡卷款", facts="停业"
    )
    page = reverse("referral_detail", args=[lead.id])
    mine, elsewhere = notice(mr_staff, "lead", page), notice(mr_staff, "list", "/referrals/")
    theirs = notice(mr_head, "head", page)

    client.force_login(mr_staff)
    assert client.get(page).status_code == 200
    assert unread(mine, elsewhere, theirs) == [False, True, True]


def test_a_page_one_may_not_open_marks_nothing_read(client, office_staff, housing_staff):
    order = make_order(office_staff)
    page = reverse("order_detail", args=[order.number])
    told = notice(housing_staff, "order", page)
    client.force_login(housing_staff)
    assert client.get(page).status_code == 404
    assert unread(told) == [True]
