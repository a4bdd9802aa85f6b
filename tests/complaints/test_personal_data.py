"""Where a citizen's personal data goes, and that it reaches only those entitled to it."""

from complaints import services, workflow
from complaints.models import PossibleDuplicate
from tests.helpers import exported

PHONE = "13812345678"


def intake(user, **overrides):
    data = {
        "kind": "complaint",
        "channel": "phone",
        "content": "小区物业不作为，电梯坏了一个月没人修，业主多次反映无果",
        "citizen_name": "王先生",
        "citizen_phone": PHONE,
        "citizen_id_number": "120114198001011234",
    }
    data.update(overrides)
    return services.workorder_intake(acting_user=user, **data)


def test_a_unit_is_not_shown_a_possible_duplicate_of_another_units_order(
    client, office_staff, housing_staff
):
    theirs = intake(
        office_staff,
        unit_code="market-regulation",
        title="张三女士购买的奶粉过期",
        content="张三女士在超市购买的奶粉过期了",
    )
    ours = intake(office_staff)
    assert ours.primary_unit.code == "housing"
    assert PossibleDuplicate.objects.filter(order=ours, other=theirs, reason="same_phone").exists()
    client.force_login(housing_staff)
    page = client.get(f"/orders/{ours.number}/").content.decode()
    assert theirs.number not in page
    assert "张三女士" not in page
    assert 'id="duplicates"' not in page
    client.force_login(office_staff)
    page = client.get(f"/orders/{ours.number}/").content.decode()
    assert theirs.number in page and 'id="duplicates"' in page


def test_a_unit_still_sees_a_possible_duplicate_among_its_own_orders(
    client, office_staff, housing_staff
):
    earlier = intake(office_staff)
    later = intake(office_staff)
    assert PossibleDuplicate.objects.filter(order=later, other=earlier).exists()
    client.force_login(housing_staff)
    page = client.get(f"/orders/{later.number}/").content.decode()
    assert 'id="duplicates"' in page and earlier.number in page


def test_searching_a_phone_finds_only_orders_whose_phone_the_user_may_see(
    client, office_staff, housing_staff, mr_staff, leader
):
    """A co-handling unit sees the phone masked (138****5678): searching the ten thousand
    numbers that fit would unmask it, if the search matched phones it may not see."""
    order = intake(office_staff, unit_code="housing", co_unit_codes=["market-regulation"])
    for person, found in ((office_staff, True), (housing_staff, True), (mr_staff, False)):
        client.force_login(person)
        page = client.get(f"/orders/?tab=all&q={PHONE}").content.decode()
        assert (order.number in page) is found, person.username
        workbook = exported(client, f"tab=all&q={PHONE}")
        assert (order.number.encode() in _cells(workbook)) is found, person.username
    client.force_login(mr_staff)
    page = client.get("/orders/?tab=all&q=电梯").content.decode()
    assert order.number in page  # what the unit may read still finds it
    client.force_login(leader)
    assert order.number not in client.get(f"/orders/?tab=all&q={PHONE}").content.decode()


def _cells(workbook) -> bytes:
    rows = workbook.active.iter_rows(values_only=True)
    return "\n".join(str(cell) for row in rows for cell in row).encode()


def test_a_units_group_chat_robot_is_not_told_the_citizen_or_what_they_said(
    office_staff, housing_staff
):
    """A WeCom or DingTalk group may include people outside the unit: the robot gets what
    the occasion is and the link, while the unit's own people get the whole message."""
    from departments.models import Delivery, Notification

    order = intake(office_staff, title=f"王先生（{PHONE}）反映电梯坏了一个月")
    unit = order.primary_unit
    unit.robot_webhook_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"
    unit.save(update_fields=["robot_webhook_url"])
    workflow.workorder_supervise(
        order_id=order.id, acting_user=office_staff, note=f"请尽快回电王先生 {PHONE}"
    )
    robot = Delivery.objects.get(channel="robot")
    assert order.number in robot.body and "/orders/" in robot.body
    assert PHONE not in robot.body and "王先生" not in robot.body
    bell = Notification.objects.get(recipient=housing_staff, category="supervise")
    assert PHONE in bell.body


def test_an_error_report_mailed_to_the_admins_does_not_carry_the_citizens_details(
    office_staff, housing_staff, settings, monkeypatch
):
    """A failure while registering an order or a mediation mails the request to ADMINS:
    what was posted about the citizen is starred out of it."""
    from django.core import mail
    from django.test import Client

    from complaints import mediation

    def fail(**kwargs):
        raise RuntimeError("database went away")

    settings.ADMINS = [("Ops", "ops@example.cn")]
    monkeypatch.setattr(services, "workorder_intake", fail)
    monkeypatch.setattr(mediation, "agreement_record", fail)
    client = Client(raise_request_exception=False)
    client.force_login(office_staff)
    response = client.post(
        "/orders/new/",
        {
            "kind": "complaint",
            "channel": "phone",
            "urgency": "normal",
            "content": "电梯坏了一个月",
            "citizen_name": "王先生",
            "citizen_phone": PHONE,
            "citizen_id_number": "120114198001011234",
            "routing_choice": "auto",
        },
    )
    assert response.status_code == 500
    client.force_login(housing_staff)
    response = client.post(
        "/mediation/new/", {"order": "WQ-2026-000001", "parties": f"王先生 {PHONE}；某物业公司"}
    )
    assert response.status_code == 500
    assert len(mail.outbox) == 2
    for report in mail.outbox:
        assert "database went away" in report.body
        assert PHONE not in report.body
        assert "王先生" not in report.body
        assert "120114198001011234" not in report.body
