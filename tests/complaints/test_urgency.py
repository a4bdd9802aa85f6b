import pytest

from complaints.urgency import suggest_urgency


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("楼道里有很大的燃气泄漏味道，请马上派人", "safety"),
        ("电梯困人半小时了，物业电话打不通", "safety"),
        ("小区从昨天开始停水，也没有通知", "utilities"),
        ("家里暖气不热，室温只有十二度", "utilities"),
        ("网购的衣服质量差，商家不给退货", "normal"),
        ("这家店生意火爆，排队插队没人管", "normal"),
    ],
)
def test_urgency_is_suggested_from_the_words_citizens_use(text, expected):
    assert suggest_urgency(text)[0] == expected


def test_safety_wins_over_utilities_and_the_words_are_given():
    urgency, words = suggest_urgency("停电以后电线起火了")
    assert urgency == "safety"
    assert words == ("起火",)


def test_intake_without_an_urgency_takes_the_suggested_one_and_its_deadline(office_staff):
    from datetime import timedelta

    from complaints.services import workorder_intake

    order = workorder_intake(
        acting_user=office_staff,
        kind="complaint",
        channel="12345",
        content="小区楼道里燃气泄漏，味道很大，物业联系不上",
        citizen_phone="13812345678",
        unit_code="housing",
    )
    assert order.urgency == "safety"
    assert order.due_sign_for == order.dispatched_at + timedelta(minutes=15)
    chosen = workorder_intake(
        acting_user=office_staff,
        kind="complaint",
        channel="12345",
        content="小区楼道里燃气泄漏，已经处理好了，投诉物业服务态度",
        citizen_phone="13812345678",
        unit_code="housing",
        urgency="normal",
    )
    assert chosen.urgency == "normal"


def test_the_live_suggestion_warns_about_an_urgent_text(client, office_staff):
    client.force_login(office_staff)
    body = client.post("/orders/route-preview/", {"content": "小区停水两天了"}).content.decode()
    assert 'data-urgency="utilities"' in body
    body = client.post("/orders/route-preview/", {"content": "衣服质量差"}).content.decode()
    assert "data-urgency" not in body
