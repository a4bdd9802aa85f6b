"""The notification service: the bell, the channels, and sending each thing once."""

from dataclasses import replace
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from departments.models import AuditEntry, Delivery, Notification
from departments.notifications import Message, notify, send_due_deliveries, told_as_liaison


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
